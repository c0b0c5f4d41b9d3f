//! The checks a user agent applies to a parsed request before handling it (RFC 3261 8.2,
//! with the answers RFC 4475 gives for its application-layer cases), and the one check on a
//! received response (8.1.3.3). Each rejection carries the status code, reason phrase and
//! the headers the response must carry (Allow, Unsupported, Accept, Accept-Encoding).

use super::message::{Message, Method};

/// Why a request is refused: the response to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub code: u16,
    pub reason: &'static str,
    /// Headers the response must carry, e.g. `Unsupported: foo` for 420.
    pub headers: Vec<(String, String)>,
}

/// What this user agent supports.
#[derive(Clone, Copy, Debug)]
pub struct Policy<'a> {
    /// Option tags, e.g. `["timer", "replaces", "100rel", "path", "outbound"]`.
    pub supported_extensions: &'a [&'a str],
    /// Body media types, e.g. `["application/sdp", "multipart/mixed"]`.
    pub accepted_body_types: &'a [&'a str],
    pub allowed_methods: &'a [Method],
}

/// Headers of which a request may carry one value only (RFC 3261 20, RFC 4475 3.3.8).
const SINGLE: [&str; 7] = [
    "Call-ID",
    "To",
    "From",
    "CSeq",
    "Max-Forwards",
    "Content-Type",
    "Expires",
];

/// Checks a parsed request, in the order of RFC 3261 8.2: malformed (400), method (405/501),
/// URI scheme (416), Require (420), body (415), Accept (406). Max-Forwards is not checked:
/// a UA processes a request with Max-Forwards 0 as if it were positive (RFC 4475 3.3.11;
/// the 483 check belongs to proxies, RFC 3261 16.3). A rejection of an ACK means: drop it.
pub fn check_request(msg: &Message, policy: &Policy) -> Result<(), Rejection> {
    let Some(method) = msg.method() else {
        return Err(bad("Bad Request - Not A Request"));
    };
    malformed(msg)?;
    if !policy.allowed_methods.contains(method) {
        let allow = policy
            .allowed_methods
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        let (code, reason) = if method.is_extension() {
            (501, "Not Implemented")
        } else {
            (405, "Method Not Allowed")
        };
        return Err(Rejection {
            code,
            reason,
            headers: vec![("Allow".into(), allow)],
        });
    }
    // Reachable for extension methods only: the parser rejects the mismatch for known ones.
    if msg.cseq_parts().is_some_and(|(_, m)| m != method.as_str()) {
        return Err(bad("Bad Request - CSeq Method Mismatch"));
    }
    if msg.request_uri().is_some_and(|u| !u.is_sip()) {
        return Err(Rejection {
            code: 416,
            reason: "Unsupported URI Scheme",
            headers: Vec::new(),
        });
    }
    contacts(msg, method)?;
    if *method == Method::Register && msg.to().is_some_and(|to| !to.uri.is_sip()) {
        return Err(bad("Bad Request - To Is Not A SIP Address Of Record"));
    }
    require(msg, method, policy)?;
    body(msg, policy)?;
    accept(msg, method)
}

/// Checks a received response as a UAC: one with more than one Via was not meant for us
/// (RFC 3261 8.1.3.3; RFC 4475 3.3.10, `bcast`) and is discarded. Err says why.
pub fn check_response(msg: &Message) -> Result<(), &'static str> {
    if msg.is_request() {
        return Err("not a response");
    }
    if msg.headers.values("Via").len() > 1 {
        return Err("response carries more than one Via");
    }
    Ok(())
}

fn bad(reason: &'static str) -> Rejection {
    Rejection {
        code: 400,
        reason,
        headers: Vec::new(),
    }
}

/// Missing mandatory headers, duplicated single-value headers, a body that disagrees with
/// Content-Length, a body without Content-Type.
fn malformed(msg: &Message) -> Result<(), Rejection> {
    let h = &msg.headers;
    for name in ["To", "From", "Call-ID", "CSeq", "Via"] {
        if !h.contains(name) {
            return Err(bad("Bad Request - Missing Required Header"));
        }
    }
    if SINGLE.iter().any(|n| h.get_all(n).count() > 1) {
        return Err(bad("Bad Request - Multiple Values In Single-Value Header"));
    }
    let body_len = msg.body.len().to_string();
    if h.get_all("Content-Length")
        .any(|v| v.trim_start_matches('0') != body_len.trim_start_matches('0'))
    {
        return Err(bad("Bad Request - Content-Length Mismatch"));
    }
    if !msg.body.is_empty() && !h.contains("Content-Type") {
        return Err(bad("Bad Request - Body Without Content-Type"));
    }
    Ok(())
}

/// `Contact: *` only in a REGISTER, alone, with Expires 0 (RFC 3261 10.2.2, 10.3 step 6).
fn contacts(msg: &Message, method: &Method) -> Result<(), Rejection> {
    if !msg.contact_star() {
        return Ok(());
    }
    let alone = msg.headers.get_all("Contact").count() == 1;
    if *method != Method::Register || !alone || msg.expires() != Some(0) {
        return Err(bad("Bad Request - Invalid Contact *"));
    }
    Ok(())
}

/// 420 listing the Require option tags we lack; Proxy-Require is for proxies, and ACK and
/// CANCEL never get a 420 (RFC 3261 8.2.2.3).
fn require(msg: &Message, method: &Method, policy: &Policy) -> Result<(), Rejection> {
    if matches!(method, Method::Ack | Method::Cancel) {
        return Ok(());
    }
    let missing: Vec<&str> = msg
        .headers
        .values("Require")
        .into_iter()
        .filter(|t| {
            !policy
                .supported_extensions
                .iter()
                .any(|s| s.eq_ignore_ascii_case(t))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Rejection {
        code: 420,
        reason: "Bad Extension",
        headers: vec![("Unsupported".into(), missing.join(", "))],
    })
}

/// 415 for a body in a type or encoding we do not take, with Accept / Accept-Encoding.
fn body(msg: &Message, policy: &Policy) -> Result<(), Rejection> {
    if msg.body.is_empty() {
        return Ok(());
    }
    let unsupported = |name: &str, value: String| Rejection {
        code: 415,
        reason: "Unsupported Media Type",
        headers: vec![(name.to_string(), value)],
    };
    if msg
        .headers
        .values("Content-Encoding")
        .iter()
        .any(|e| !e.eq_ignore_ascii_case("identity"))
    {
        return Err(unsupported("Accept-Encoding", "identity".into()));
    }
    let ct = msg.content_type().unwrap_or("");
    if !policy
        .accepted_body_types
        .iter()
        .any(|t| t.eq_ignore_ascii_case(ct))
    {
        return Err(unsupported("Accept", policy.accepted_body_types.join(", ")));
    }
    Ok(())
}

/// An INVITE's answer comes in application/sdp; an Accept that excludes it cannot be
/// satisfied. RFC 4475 3.3.15 (`sdp01`) allows 406 or 400; 406 says precisely why.
fn accept(msg: &Message, method: &Method) -> Result<(), Rejection> {
    if *method != Method::Invite || !msg.headers.contains("Accept") {
        return Ok(());
    }
    let takes_sdp = msg.headers.values("Accept").iter().any(|r| {
        let range = r
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        matches!(range.as_str(), "application/sdp" | "application/*" | "*/*")
    });
    if takes_sdp {
        return Ok(());
    }
    Err(Rejection {
        code: 406,
        reason: "Not Acceptable",
        headers: vec![(
            "Warning".into(),
            "399 roomd \"an INVITE answer is application/sdp\"".into(),
        )],
    })
}
