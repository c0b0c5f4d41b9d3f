//! Unit tests of the message layer: round trips through `to_bytes`, header forms (compact,
//! folded, lists, IPv6), addresses, URI comparison, framing, and no panic on any input
//! (every truncation and 20,000 random corruptions of a valid INVITE).

use super::*;

const INVITE: &str = "INVITE sip:room@video.example.com SIP/2.0\r\n\
Via: SIP/2.0/TLS 192.0.2.10:5061;branch=z9hG4bK776asdhds;rport\r\n\
Max-Forwards: 70\r\n\
From: \"Board \\\"4\\\"\" <sip:board4@example.com>;tag=1928301774\r\n\
To: <sip:room@video.example.com>\r\n\
Call-ID: a84b4c76e66710@pc33.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Contact: <sip:board4@192.0.2.10:5061;transport=tls>;+sip.instance=\"<urn:uuid:1>\"\r\n\
Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n\
Supported: replaces, timer\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 15\r\n\
\r\n\
v=0\r\ns=-\r\nt=0 0";

fn invite() -> Message {
    Message::parse(INVITE.as_bytes()).expect("valid INVITE")
}

fn round_trip(m: &Message) -> Message {
    Message::parse(&m.to_bytes()).unwrap_or_else(|e| panic!("re-parse failed: {e}"))
}

#[test]
fn a_built_invite_survives_serialisation() {
    let mut m = Message::request(
        Method::Invite,
        Uri::parse("sip:bob@example.com").expect("uri"),
    );
    let from = NameAddr {
        display_name: Some("Alice".into()),
        uri: Uri::parse("sip:alice@example.com").expect("uri"),
        params: Params(vec![("tag".into(), Some("88sja8x".into()))]),
    };
    m.headers
        .push("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKnashds7");
    m.headers.push("Max-Forwards", "70");
    m.headers.push("From", from.to_string());
    m.headers.push("To", "<sip:bob@example.com>");
    m.headers.push("Call-ID", "a84b4c76e66710@192.0.2.1");
    m.headers.push(
        "CSeq",
        CSeq {
            seq: 1,
            method: Method::Invite,
        }
        .to_string(),
    );
    m.headers.push("Contact", "<sip:alice@192.0.2.1>");
    m.headers.push("Content-Type", "application/sdp");
    m.body = b"v=0\r\n".to_vec();
    m.headers.push("Content-Length", "5");
    let back = round_trip(&m);
    assert_eq!(back, m);
    assert_eq!(back.from(), Some(from));
    assert_eq!(
        back.cseq(),
        Some(CSeq {
            seq: 1,
            method: Method::Invite
        })
    );
    assert_eq!(back.branch(), Some("z9hG4bKnashds7"));
}

#[test]
fn a_parsed_invite_survives_serialisation() {
    let m = invite();
    assert_eq!(round_trip(&m), m);
    assert_eq!(m.body, b"v=0\r\ns=-\r\nt=0 0");
    assert_eq!(m.from_tag(), Some("1928301774"));
    assert_eq!(m.to_tag(), None);
}

#[test]
fn compact_forms_expand_to_canonical_names() {
    let text = "OPTIONS sip:a@example.com SIP/2.0\r\nv: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\n\
f: <sip:b@example.com>;tag=1\r\nt: <sip:a@example.com>\r\ni: abc@h\r\nCSEQ: 2 OPTIONS\r\n\
m: <sip:b@h.example.com>\r\nk: timer\r\nc: Application/SDP\r\nl: 0\r\n\r\n";
    let m = Message::parse(text.as_bytes()).expect("compact");
    let names: Vec<&str> = m.headers.iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "Via",
            "From",
            "To",
            "Call-ID",
            "CSeq",
            "Contact",
            "Supported",
            "Content-Type",
            "Content-Length"
        ]
    );
    assert_eq!(m.headers.get("i"), Some("abc@h"));
    assert_eq!(m.headers.get("call-id"), Some("abc@h"));
    assert_eq!(m.content_type(), Some("application/sdp"));
    let out = String::from_utf8(m.to_bytes()).expect("utf8");
    assert!(out.contains("\r\nCall-ID: abc@h\r\n") && out.contains("\r\nSupported: timer\r\n"));
    assert_eq!(round_trip(&m), m);
}

#[test]
fn folded_lines_unfold_to_single_spaces() {
    let text = INVITE.replace(
        "Supported: replaces, timer",
        "Supported: replaces,\r\n   timer\r\nSubject: a\r\n\tlong\r\n subject",
    );
    let m = Message::parse(text.as_bytes()).expect("folded");
    assert_eq!(m.headers.get("Supported"), Some("replaces, timer"));
    assert_eq!(m.headers.get("Subject"), Some("a long subject"));
    assert_eq!(round_trip(&m), m);
}

#[test]
fn ipv6_references_in_via_and_uris() {
    let text = INVITE.replace(
        "Via: SIP/2.0/TLS 192.0.2.10:5061;branch=z9hG4bK776asdhds;rport",
        "Via: SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK1;received=2001:db8::9",
    );
    let m = Message::parse(text.as_bytes()).expect("ipv6 via");
    let via = m.top_via().expect("via");
    assert_eq!(
        (via.transport.as_str(), via.host.as_str(), via.port),
        ("UDP", "[2001:db8::1]", Some(5060))
    );
    assert_eq!(via.params.value("received"), Some("2001:db8::9"));
    assert_eq!(
        via.to_string(),
        "SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK1;received=2001:db8::9"
    );
    assert_eq!(round_trip(&m), m);
    let uri = Uri::parse("sip:alice@[2001:DB8::1]:5070;transport=tcp").expect("uri");
    assert_eq!(
        (uri.host.as_str(), uri.port, uri.host_port()),
        ("[2001:db8::1]", Some(5070), "[2001:db8::1]:5070".into())
    );
    assert!(Uri::parse("sip:[2001:db8::zz]").is_err());
    assert!(Via::parse("SIP/2.0/UDP [::1;branch=x").is_err());
}

#[test]
fn route_lists_keep_their_order_across_lines() {
    let text = INVITE.replace(
        "Supported:",
        "Route: <sip:p3.example.com;lr>\r\nRecord-Route: <sip:rr.example.com;lr>\r\nSupported:",
    );
    let m = Message::parse(text.as_bytes()).expect("routes");
    let hosts: Vec<String> = m.routes().into_iter().map(|r| r.uri.host).collect();
    assert_eq!(
        hosts,
        ["p1.example.com", "p2.example.com", "p3.example.com"]
    );
    assert!(m.routes()[0].uri.params.contains("lr"));
    assert_eq!(m.record_routes().len(), 1);
    assert_eq!(m.headers.values("Route").len(), 3);
    assert!(
        Message::parse(
            INVITE
                .replace(
                    "Route: <sip:p1.example.com;lr>, ",
                    "Route: sip:p1.example.com, "
                )
                .as_bytes()
        )
        .is_err()
    );
}

#[test]
fn contact_header_parameters_are_preserved() {
    let text = INVITE.replace(
        "Contact: <sip:board4@192.0.2.10:5061;transport=tls>;+sip.instance=\"<urn:uuid:1>\"",
        "Contact: <sip:a@b>;call-type=squared",
    );
    let m = Message::parse(text.as_bytes()).expect("contact");
    let c = &m.contacts()[0];
    assert_eq!(c.params.value("call-type"), Some("squared"));
    assert_eq!(c.to_string(), "<sip:a@b>;call-type=squared");
    let out = String::from_utf8(m.to_bytes()).expect("utf8");
    assert!(out.contains("\r\nContact: <sip:a@b>;call-type=squared\r\n"));
    let instance = &invite().contacts()[0];
    assert_eq!(
        instance.params.value("+sip.instance"),
        Some("\"<urn:uuid:1>\"")
    );
    assert_eq!(instance.uri.params.value("transport"), Some("tls"));
}

#[test]
fn quoted_display_names_unescape_and_escape_again() {
    let from = invite().from().expect("from");
    assert_eq!(from.display_name.as_deref(), Some("Board \"4\""));
    let tricky = NameAddr::parse(r#""a \\ b \"c\"" <sip:x@y>;tag=t"#).expect("tricky");
    assert_eq!(tricky.display_name.as_deref(), Some(r#"a \ b "c""#));
    assert_eq!(tricky.to_string(), r#""a \\ b \"c\"" <sip:x@y>;tag=t"#);
    assert_eq!(NameAddr::parse(&tricky.to_string()), Ok(tricky));
    let addr_spec = NameAddr::parse("sip:x@y;tag=t").expect("addr-spec");
    assert_eq!(
        (addr_spec.tag(), addr_spec.uri.params.is_empty()),
        (Some("t"), true)
    );
    assert_eq!(addr_spec.to_string(), "<sip:x@y>;tag=t");
}

#[test]
fn headers_api() {
    let mut h = Headers::default();
    h.push("x-custom", "1");
    h.push("v", "SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b");
    h.push("Via", "SIP/2.0/UDP c");
    h.push("X-Custom", "2");
    assert_eq!(h.get("X-CUSTOM"), Some("1"));
    assert_eq!(h.get_all("x-custom").collect::<Vec<_>>(), ["1", "2"]);
    assert_eq!(h.values("via").len(), 3);
    h.set("x-custom", "3");
    assert_eq!(h.iter().collect::<Vec<_>>()[0], ("x-custom", "3"));
    assert_eq!(h.get_all("X-Custom").count(), 1);
    h.remove("VIA");
    assert!(!h.contains("v") && h.contains("x-custom"));
    assert_eq!(h.len(), 1);
    for n in 0..1000 {
        h.set("Subject", format!("subject number {n}"));
    }
    assert_eq!(h.get("s"), Some("subject number 999"));
    assert_eq!(h.len(), 2);
}

#[test]
fn hot_accessors_follow_header_changes() {
    let mut m = invite();
    assert_eq!(m.cseq_parts(), Some((314159, "INVITE")));
    assert_eq!(m.from_tag(), Some("1928301774"));
    assert_eq!(m.branch(), Some("z9hG4bK776asdhds"));
    m.headers.set("f", "<sip:a@example.com>;TAG=x1");
    m.headers
        .set("Via", "SIP/2.0/UDP h;rport, SIP/2.0/UDP g;branch=z9hG4bKb");
    m.headers.set("CSeq", "7 BYE");
    assert_eq!(m.from_tag(), Some("x1"));
    assert_eq!(m.branch(), None);
    assert_eq!(m.cseq_parts(), Some((7, "BYE")));
    m.headers.remove("CSeq");
    assert_eq!(m.cseq_parts(), None);
    let mut m = invite();
    m.headers = Headers::default();
    assert_eq!(
        (m.from_tag(), m.branch(), m.cseq_parts()),
        (None, None, None)
    );
}

#[test]
fn methods_are_case_sensitive_tokens() {
    assert_eq!(Method::parse("INVITE"), Ok(Method::Invite));
    assert_eq!(
        Method::parse("invite"),
        Ok(Method::Extension("invite".into()))
    );
    assert!(Method::parse("IN VITE").is_err() && Method::parse("").is_err());
    assert_eq!(Method::Extension("FOO".into()).to_string(), "FOO");
}

#[test]
fn uri_comparison_follows_rfc_3261_19_1_4() {
    let eq = |a: &str, b: &str| Uri::parse(a).expect(a).equivalent(&Uri::parse(b).expect(b));
    assert!(eq(
        "sip:%61lice@atlanta.com;transport=TCP",
        "sip:alice@AtLanTa.CoM;Transport=tcp"
    ));
    assert!(eq(
        "sip:carol@chicago.com",
        "sip:carol@chicago.com;newparam=5"
    ));
    assert!(eq(
        "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
        "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"
    ));
    assert!(!eq(
        "SIP:ALICE@AtLanTa.CoM;Transport=udp",
        "sip:alice@AtLanTa.CoM;Transport=UDP"
    ));
    assert!(!eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"));
    assert!(!eq("sip:bob@biloxi.com", "sips:bob@biloxi.com"));
    assert!(!eq(
        "sip:carol@chicago.com",
        "sip:carol@chicago.com;user=phone"
    ));
    assert!(!eq(
        "sip:carol@chicago.com",
        "sip:carol@chicago.com?Subject=next%20meeting"
    ));
    assert!(!eq("sip:a%3Bb@x", "sip:a;b@x"));
}

#[test]
fn application_values_cannot_inject_header_lines() {
    let mut m = Message::response(200, "OK\r\nX-Evil: 1");
    m.headers.push("Subject", "hi\r\nX-Evil: 2");
    let out = String::from_utf8(m.to_bytes()).expect("utf8");
    assert!(!out.contains("\r\nX-Evil"));
    assert!(
        out.starts_with("SIP/2.0 200 OK  X-Evil: 1\r\n")
            && out.ends_with("Content-Length: 0\r\n\r\n")
    );
}

#[test]
fn errors_say_what_is_wrong() {
    let bad = INVITE.replace("CSeq: 314159 INVITE", "CSeq: 314159 OPTIONS");
    let e = Message::parse(bad.as_bytes()).expect_err("mismatch");
    assert_eq!(
        e.reason,
        "CSeq method OPTIONS does not match request method INVITE"
    );
    let e = Message::parse(
        INVITE
            .replace("Max-Forwards: 70", "Max-Forwards: 256")
            .as_bytes(),
    )
    .expect_err("mf");
    assert_eq!(
        e.to_string(),
        "invalid Max-Forwards header: 256 is out of range (at most 255)"
    );
    let e =
        Message::parse(INVITE.replace("SIP/2.0/TLS", "SIP/3.0/TLS").as_bytes()).expect_err("via");
    assert!(e.reason.starts_with("invalid Via header"), "{e}");
    assert!(Message::parse(b"").is_err() && Message::parse(b"\r\n\r\n").is_err());
}

#[test]
fn framing_a_stream() {
    let msg = INVITE.as_bytes();
    assert_eq!(
        frame(msg),
        Ok(Some(Framed {
            skip: 0,
            len: msg.len()
        }))
    );
    let mut stream = b"\r\n\r\n".to_vec();
    stream.extend_from_slice(msg);
    stream.extend_from_slice(b"OPTIONS");
    assert_eq!(
        frame(&stream),
        Ok(Some(Framed {
            skip: 4,
            len: msg.len()
        }))
    );
    assert_eq!(frame(b"\r\n\r\n"), Ok(Some(Framed { skip: 4, len: 0 })));
    assert_eq!(frame(b"\r\n\r"), Ok(Some(Framed { skip: 2, len: 0 })));
    assert_eq!(frame(b""), Ok(None));
    for cut in 0..msg.len() {
        assert_eq!(frame(&msg[..cut]), Ok(None), "cut at {cut}");
    }
    let no_length = INVITE.replace("Content-Length: 15\r\n", "");
    assert!(frame(no_length.as_bytes()).is_err());
    let huge = INVITE.replace("Content-Length: 15", "Content-Length: 2000000");
    assert!(frame(huge.as_bytes()).is_err());
    let twice = INVITE.replace("Content-Length: 15", "Content-Length: 15\r\nl: 14");
    assert!(frame(twice.as_bytes()).is_err());
    assert!(frame(&vec![b'a'; 70 * 1024]).is_err());
    let folded = INVITE.replace("Content-Length: 15", "Content-Length:\r\n 15");
    assert_eq!(
        frame(folded.as_bytes()),
        Ok(Some(Framed {
            skip: 0,
            len: folded.len()
        }))
    );
}

#[test]
fn no_truncation_panics() {
    let msg = INVITE.as_bytes();
    for cut in 0..=msg.len() {
        if let Ok(m) = Message::parse(&msg[..cut]) {
            exercise(&m);
        }
    }
}

#[test]
fn no_random_corruption_panics() {
    let base = INVITE.as_bytes();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const INTERESTING: &[u8] = b"\r\n \t:;,<>\"\\%@[]=?/\x00\xff\xc3";
    for _ in 0..20_000 {
        let mut bytes = base.to_vec();
        for _ in 0..1 + next() % 4 {
            let at = (next() % bytes.len() as u64) as usize;
            let r = next();
            bytes[at] = if r % 2 == 0 {
                (r >> 8) as u8
            } else {
                INTERESTING[(r >> 8) as usize % INTERESTING.len()]
            };
        }
        let _ = frame(&bytes);
        if let Ok(m) = Message::parse(&bytes) {
            exercise(&m);
        }
    }
}

/// Calls every accessor and the request checks, which must not panic either.
fn exercise(m: &Message) {
    let _ = (
        m.call_id(),
        m.cseq(),
        m.from(),
        m.to(),
        m.from_tag(),
        m.to_tag(),
        m.branch(),
    );
    let _ = (
        m.vias(),
        m.top_via(),
        m.contacts(),
        m.routes(),
        m.record_routes(),
    );
    let _ = (
        m.max_forwards(),
        m.expires(),
        m.content_type(),
        m.to_bytes(),
    );
    let methods = [Method::Invite, Method::Options];
    let policy = super::super::validate::Policy {
        supported_extensions: &["timer"],
        accepted_body_types: &["application/sdp"],
        allowed_methods: &methods,
    };
    let _ = super::super::validate::check_request(m, &policy);
}
