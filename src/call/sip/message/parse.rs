//! `Message::parse`: one complete datagram (or one framed stream message) to a fully checked
//! [`Message`]. One pass finds the lines, header names map to ids through a static table,
//! values are checked in place, and only the Request-URI, the header block and the body are
//! copied out.

use super::chars::{self, TOKEN};
use super::headers::{Hot, Name};
use super::names::{self, HeaderId as H};
use super::uri::UriRef;
use super::{Headers, Message, Method, ParseError, StartLine, method, values};

/// Largest header block (start line and headers) accepted, on any transport.
pub(super) const MAX_HEAD: usize = 64 * 1024;

impl Message {
    /// Parses one complete message, checking the start line, every known header's grammar
    /// and the body length. Leading CRLFs (keepalives) are skipped; octets past
    /// Content-Length are ignored (RFC 3261 18.3); without Content-Length the body is the
    /// rest of the datagram. Missing To/From/Call-ID in a request is left to
    /// `validate::check_request` (400), so that the request can still be answered.
    pub fn parse(bytes: &[u8]) -> Result<Message, ParseError> {
        let lead = bytes
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let bytes = &bytes[lead..];
        if bytes.is_empty() {
            return Err(ParseError::new("empty message"));
        }
        let nl = chars::find_byte(bytes, b'\n').unwrap_or(bytes.len());
        let first = utf8(&bytes[..nl]).map_err(|_| ParseError::new("start line is not UTF-8"))?;
        let start = start_line(strip_cr(first))?;
        let mut headers = Headers::with_buf(String::new(), 24);
        let mut folded = Vec::new();
        let (head_len, body_start) = header_lines(bytes, nl + 1, &mut headers, &mut folded)?;
        let head = utf8(&bytes[..head_len]).map_err(|e| {
            ParseError::new(format!(
                "header block is not UTF-8 (byte {})",
                e.valid_up_to() + lead
            ))
        })?;
        headers.set_buf(head.to_string());
        for k in folded {
            headers.unfold(k, unfold)?;
        }
        let length = check_headers(&mut headers, &start)?;
        let body = body(length, &bytes[body_start..])?;
        Ok(Message {
            start,
            headers,
            body,
        })
    }
}

/// `bytes` as text: a check that vectorises for the usual all-ASCII message, else the full
/// UTF-8 validation (whose error says where it fails).
fn utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    if bytes.iter().fold(0u8, |acc, &b| acc | b) < 0x80 {
        // SAFETY: every byte is below 0x80, so `bytes` is ASCII, which is valid UTF-8.
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    std::str::from_utf8(bytes)
}

fn strip_cr(line: &str) -> &str {
    line.strip_suffix('\r').unwrap_or(line)
}

/// Request-Line or Status-Line, strictly: single spaces, SIP/2.0, 3-digit status code.
fn start_line(line: &str) -> Result<StartLine, ParseError> {
    let ctl = |b: u8| b < 0x20 || b == 0x7f;
    if line.bytes().fold(false, |bad, b| bad | ctl(b)) {
        let c = line.bytes().find(|&b| ctl(b)).unwrap_or(0);
        return Err(ParseError::new(format!(
            "start line contains control character 0x{c:02x}"
        )));
    }
    if line
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("SIP/"))
    {
        return status_line(line);
    }
    let mut parts = chars::pieces(line, b' ');
    let (m, uri, version, extra) = (parts.next(), parts.next(), parts.next(), parts.next());
    let (Some(m), Some(uri), Some(version), None) = (m, uri, version, extra) else {
        let why = if line.ends_with(' ') {
            "Request-Line ends with whitespace"
        } else if line.contains("  ") {
            "Request-Line elements are separated by more than one space"
        } else if extra.is_some() {
            "Request-URI contains whitespace"
        } else {
            "Request-Line is not Method SP Request-URI SP SIP/2.0"
        };
        return Err(ParseError::new(why));
    };
    version_ok(version)?;
    if m.is_empty() || uri.is_empty() {
        return Err(ParseError::new(
            "Request-Line elements are separated by more than one space",
        ));
    }
    let method = Method::parse(m)?;
    if uri.starts_with('<') {
        return Err(ParseError::new("Request-URI must not be enclosed in <>"));
    }
    let uri =
        UriRef::parse(uri).map_err(|e| ParseError::new(format!("Request-URI: {}", e.reason)))?;
    if uri.is_sip() && !uri.headers.is_empty() {
        return Err(ParseError::new(
            "Request-URI must not carry URI headers (RFC 3261 19.1.1)",
        ));
    }
    Ok(StartLine::Request {
        method,
        uri: uri.into_uri(),
    })
}

fn version_ok(v: &str) -> Result<(), ParseError> {
    if v.eq_ignore_ascii_case("SIP/2.0") {
        Ok(())
    } else if v.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("SIP/")) {
        Err(ParseError::new(format!(
            "SIP version {v} is not supported (only SIP/2.0)"
        )))
    } else {
        Err(ParseError::new(format!("{v:?} is not a SIP version")))
    }
}

fn status_line(line: &str) -> Result<StartLine, ParseError> {
    let (version, rest) = line.split_once(' ').unwrap_or((line, ""));
    version_ok(version)?;
    // "SIP/2.0 100" without the space before an empty reason is tolerated.
    let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::new(format!(
            "status code {code:?} is not three digits"
        )));
    }
    let code = chars::digits(code).unwrap_or(0) as u16;
    if !(100..=699).contains(&code) {
        return Err(ParseError::new(format!(
            "status code {code} is outside 100-699"
        )));
    }
    Ok(StartLine::Response {
        code,
        reason: reason.to_string(),
    })
}

/// Splits the header lines from byte `i` into `headers` (value ranges trimmed; folded lines
/// listed in `folded` with their raw range, to unfold once the text is known to be UTF-8).
/// Returns where the header block ends (the empty line, or the end of the input, which is
/// tolerated as a message without body) and where the body starts.
fn header_lines(
    hb: &[u8],
    mut i: usize,
    headers: &mut Headers,
    folded: &mut Vec<usize>,
) -> Result<(usize, usize), ParseError> {
    let line_end =
        |from: usize| chars::find_byte(&hb[from..], b'\n').map_or(hb.len(), |p| p + from);
    let content_end = |from: usize, end: usize| {
        if end > from && hb[end - 1] == b'\r' {
            end - 1
        } else {
            end
        }
    };
    loop {
        if i >= hb.len() {
            return check_size(hb.len(), hb.len());
        }
        let le = line_end(i);
        let ce = content_end(i, le);
        if ce == i {
            return check_size(i, (le + 1).min(hb.len()));
        }
        if i > MAX_HEAD {
            return check_size(i, i);
        }
        if chars::is_ws(hb[i]) {
            return Err(ParseError::new("continuation line follows no header"));
        }
        let (name, colon) = match known_name(hb, i, ce) {
            Some(known) => known,
            None => {
                let ne = chars::run(hb, i, TOKEN);
                let colon = chars::skip_ws(hb, ne);
                if ne == i || colon >= ce || hb[colon] != b':' {
                    let line = String::from_utf8_lossy(&hb[i..ce]);
                    return Err(ParseError::new(format!(
                        "header line {line:?} is not name: value"
                    )));
                }
                let name = match names::lookup_bytes(&hb[i..ne]) {
                    Some(id) => Name::Known(id),
                    None => Name::Other(i, ne),
                };
                (name, colon)
            }
        };
        let mut last = ce;
        let mut next = le + 1;
        while next < hb.len() && chars::is_ws(hb[next]) {
            let fe = line_end(next);
            last = content_end(next, fe);
            next = fe + 1;
        }
        if last == ce {
            let vs = chars::skip_ws(hb, colon + 1).min(ce);
            let mut ve = ce;
            while ve > vs && chars::is_ws(hb[ve - 1]) {
                ve -= 1;
            }
            headers.push_range(name, vs, ve);
        } else {
            folded.push(headers.len());
            headers.push_range(name, colon + 1, last);
        }
        i = next;
    }
}

/// The common case of a header line starting at `i` (content up to `ce`): the text before
/// the first ':' is a known name, exactly up to ASCII case, then optional whitespace. Then
/// it is a token followed by whitespace and ':', as the general path requires, and that
/// path would find the same name. Returns the name and where the colon is.
#[inline]
fn known_name(hb: &[u8], i: usize, ce: usize) -> Option<(Name, usize)> {
    let colon = i + chars::find_byte(hb.get(i..ce)?, b':')?;
    let mut ne = colon;
    while ne > i && chars::is_ws(hb[ne - 1]) {
        ne -= 1;
    }
    let id = names::lookup_exact(&hb[i..ne])?;
    Some((Name::Known(id), colon))
}

fn check_size(head_len: usize, body_start: usize) -> Result<(usize, usize), ParseError> {
    if head_len > MAX_HEAD {
        return Err(ParseError::new("header block is larger than 64 KiB"));
    }
    Ok((head_len, body_start))
}

/// Joins folded lines: each line trimmed, joined by one SP (RFC 3261 7.3.1).
fn unfold(raw: &str) -> Result<String, ParseError> {
    let mut out = String::with_capacity(raw.len());
    for seg in raw.split('\n') {
        let seg = chars::trim(strip_cr(seg));
        if seg.contains('\r') {
            return Err(ParseError::new("header line contains a bare CR"));
        }
        if !seg.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(seg);
        }
    }
    Ok(out)
}

/// Content-Length as found by [`check_headers`].
enum Length {
    Absent,
    Is(u64),
    /// Lines disagree: the datagram's rest is the body and `validate` answers 400.
    Conflicting,
}

/// Checks every header value, the mandatory headers, and that CSeq carries the method (one
/// pass over the lines); returns the Content-Length.
fn check_headers(headers: &mut Headers, start: &StartLine) -> Result<Length, ParseError> {
    let request_method = match start {
        // An unknown method with a mismatching CSeq is left to the application, which
        // answers 501 (RFC 4475 3.1.2.18 prefers it to 400).
        StartLine::Request { method, .. } if !method.is_extension() => Some(method.as_str()),
        _ => None,
    };
    let mut length = Length::Absent;
    // Which known headers have a line so far (there are at most 128).
    let mut seen = [false; 128];
    let mut content_type = false;
    // The values the hot accessors read, from the first CSeq/From/Via line.
    let (mut cseq, mut from_tag, mut branch) = (None, None, None);
    for (id, value) in headers.lines() {
        let first = |id: H| !seen[id as usize];
        let r = match id {
            Some(H::CSeq) => method::split(value).and_then(|(n, m)| match request_method {
                Some(rm) if rm != m => Err(ParseError::new(format!(
                    "CSeq method {m} does not match request method {rm}"
                ))),
                _ => {
                    if first(H::CSeq) {
                        cseq = Some((n, m));
                    }
                    Ok(())
                }
            }),
            Some(H::From) if first(H::From) => values::address(value).map(|t| from_tag = t),
            Some(H::Via) if first(H::Via) => values::via(value).map(|b| branch = b),
            Some(id) => values::check(id, value),
            None => values::text(value),
        };
        r.map_err(|e| match id {
            Some(H::CSeq) if e.reason.starts_with("CSeq method") => e,
            _ => ParseError::new(format!(
                "invalid {} header: {}",
                headers.name_at(value),
                e.reason
            )),
        })?;
        if let Some(id) = id {
            seen[id as usize] = true;
            content_type |= id == H::ContentType;
            if id == H::ContentLength {
                let n = chars::digits(value).unwrap_or(0);
                length = match length {
                    Length::Absent => Length::Is(n),
                    Length::Is(m) if m == n => Length::Is(n),
                    _ => Length::Conflicting,
                };
            }
        }
    }
    let required: &[H] = match start {
        StartLine::Request { .. } => &[H::Via, H::CSeq],
        StartLine::Response { .. } => &[H::Via, H::CSeq, H::From, H::To, H::CallId],
    };
    let present = |id: H| seen[id as usize];
    if let Some(missing) = required.iter().find(|id| !present(**id)) {
        return Err(ParseError::new(format!(
            "{} header is missing",
            missing.name()
        )));
    }
    let hot = Hot {
        cseq: cseq.map(|(n, m)| {
            let (s, e) = headers.range_of(m);
            (n, s, e)
        }),
        from_tag: from_tag.map(|t| headers.range_of(t)),
        branch: branch.map(|b| headers.range_of(b)),
    };
    if content_type {
        headers.lowercase_media_types();
    }
    headers.set_hot(hot);
    Ok(length)
}

/// The body: Content-Length octets, or the rest of the datagram without (or with
/// conflicting) Content-Length.
fn body(length: Length, rest: &[u8]) -> Result<Vec<u8>, ParseError> {
    let Length::Is(n) = length else {
        return Ok(rest.to_vec());
    };
    match usize::try_from(n).ok().and_then(|n| rest.get(..n)) {
        Some(body) => Ok(body.to_vec()),
        None => Err(ParseError::new(format!(
            "Content-Length {n} is larger than the {} octets after the header",
            rest.len()
        ))),
    }
}
