//! RFC 4475 SIP torture tests: every one of the 50 messages of the RFC's archive (read from
//! shared/corpus/sip/rfc4475, never copied) gets the outcome the RFC's text asks for, at the
//! layer it names: the parser (`Message::parse`), the UA's request checks
//! (`validate::check_request`) or the UAC's response check (`validate::check_response`).

use std::collections::BTreeSet;
use std::path::PathBuf;

use roomd::call::sip::{message::*, validate::*};

/// What the RFC expects of one message.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Parses; a request passes `check_request`, a response passes `check_response`.
    Accept,
    /// `Message::parse` fails and its reason contains this text.
    Reject(&'static str),
    /// Parses; `check_request` answers with this status code.
    Answer(u16),
    /// Parses; the UAC discards the response.
    Discard,
}

/// Which policy the request is checked with: the room device's, or a registrar's (the
/// device plus REGISTER), for the REGISTER cases whose RFC text is written for registrars.
#[derive(Clone, Copy, Debug)]
enum Role {
    Device,
    Registrar,
}

use Expect::*;
use Role::*;

const CASES: [(&str, Expect, Role); 50] = [
    // 3.1.1 valid messages
    ("wsinv", Accept, Device),
    ("intmeth", Answer(501), Device), // "Endpoints will generate a 501"
    ("esc01", Accept, Device),
    ("escnull", Accept, Registrar),
    ("esc02", Answer(501), Device), // "An endpoint would reject this message with a 501"
    ("lwsdisp", Accept, Device),
    ("longreq", Accept, Device),
    ("dblreq", Accept, Registrar),
    ("semiuri", Accept, Device),
    ("transports", Accept, Device),
    ("mpart01", Accept, Device),
    ("unreason", Accept, Device),
    ("noreason", Accept, Device),
    // 3.1.2 invalid messages
    ("badinv01", Reject("invalid Via header"), Device),
    ("clerr", Reject("Content-Length 9999 is larger"), Device),
    ("ncl", Reject("invalid Content-Length header"), Device),
    ("scalar02", Reject("invalid CSeq header"), Device),
    ("scalarlg", Reject("invalid CSeq header"), Device),
    (
        "quotbal",
        Reject("invalid To header: unterminated quoted string"),
        Device,
    ),
    ("ltgtruri", Reject("Request-URI"), Device),
    ("lwsruri", Reject("Request-URI contains whitespace"), Device),
    ("lwsstart", Reject("more than one space"), Device),
    ("trws", Reject("Request-Line ends with whitespace"), Device),
    ("escruri", Reject("must not carry URI headers"), Device),
    ("baddate", Reject("invalid Date header"), Device),
    ("regbadct", Reject("invalid Contact header"), Device),
    ("badaspec", Reject("invalid To header"), Device),
    (
        "baddn",
        Reject("invalid From header: display name contains ','"),
        Device,
    ),
    (
        "badvers",
        Reject("SIP version SIP/7.0 is not supported"),
        Device,
    ),
    (
        "mismatch01",
        Reject("CSeq method INVITE does not match request method OPTIONS"),
        Device,
    ),
    // The RFC allows 400 or 501 and prefers 501 ("better future-proof characteristics").
    ("mismatch02", Answer(501), Device),
    ("bigcode", Reject("status code"), Device),
    // 3.2 transaction layer: the parser must not break; the branch is the transaction layer's.
    ("badbranch", Accept, Device),
    // 3.3 application layer
    ("insuf", Answer(400), Device),
    ("unkscm", Answer(416), Device),
    // The device never accepts soap.beep URIs, the case where the RFC says 416.
    ("novelsc", Answer(416), Device),
    ("unksm2", Answer(400), Registrar),
    ("bext01", Answer(420), Device),
    ("invut", Answer(415), Device),
    ("regaut01", Accept, Registrar),
    ("multi01", Answer(400), Device),
    ("mcl01", Answer(400), Device),
    ("bcast", Discard, Device),
    ("zeromf", Accept, Device),
    ("cparam01", Accept, Registrar),
    ("cparam02", Accept, Registrar),
    ("regescrt", Accept, Registrar),
    ("sdp01", Answer(406), Device),
    // 3.4 backward compatibility
    ("inv2543", Accept, Device),
    // not in the RFC's list: a malformed INVITE
    (
        "test",
        Reject("Request-Line is not Method SP Request-URI SP SIP/2.0"),
        Device,
    ),
];

const DEVICE_METHODS: [Method; 12] = [
    Method::Invite,
    Method::Ack,
    Method::Bye,
    Method::Cancel,
    Method::Options,
    Method::Prack,
    Method::Update,
    Method::Info,
    Method::Refer,
    Method::Subscribe,
    Method::Notify,
    Method::Message,
];

fn device_methods_and_register() -> Vec<Method> {
    let mut m = DEVICE_METHODS.to_vec();
    m.push(Method::Register);
    m
}

fn policy(methods: &[Method]) -> Policy<'_> {
    Policy {
        supported_extensions: &["timer", "replaces", "100rel", "path", "outbound"],
        accepted_body_types: &["application/sdp", "multipart/mixed"],
        allowed_methods: methods,
    }
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/sip/rfc4475")
}

fn bytes(name: &str) -> Vec<u8> {
    let path = dir().join(format!("{name}.dat"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse(name: &str) -> Message {
    Message::parse(&bytes(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn the_folder_holds_exactly_the_fifty_listed_messages() {
    let listed: BTreeSet<String> = CASES.iter().map(|(n, _, _)| format!("{n}.dat")).collect();
    let found: BTreeSet<String> = std::fs::read_dir(dir())
        .expect("corpus folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".dat"))
        .collect();
    assert_eq!(listed.len(), 50);
    assert_eq!(found, listed);
}

#[test]
fn every_message_gets_the_outcome_the_rfc_asks_for() {
    let registrar = device_methods_and_register();
    let mut failures = Vec::new();
    for (name, expect, role) in CASES {
        let policy = match role {
            Device => policy(&DEVICE_METHODS),
            Registrar => policy(&registrar),
        };
        let parsed = Message::parse(&bytes(name));
        let outcome = match (&parsed, expect) {
            (Err(e), Reject(text)) if e.reason.contains(text) => continue,
            (Err(e), _) => format!("parse error: {e}"),
            (Ok(_), Reject(_)) => "parsed".to_string(),
            (Ok(m), _) if !m.is_request() => match (check_response(m), expect) {
                (Ok(()), Accept) | (Err(_), Discard) => continue,
                (r, _) => format!("check_response: {r:?}"),
            },
            (Ok(m), _) => match (check_request(m, &policy), expect) {
                (Ok(()), Accept) => continue,
                (Err(r), Answer(code)) if r.code == code => continue,
                (r, _) => format!("check_request: {r:?}"),
            },
        };
        failures.push(format!("{name}: expected {expect:?}, got {outcome}"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn wsinv_reads_through_folding_compact_forms_and_odd_whitespace() {
    let m = parse("wsinv");
    assert_eq!(m.call_id(), Some("wsinv.ndaksdj@192.0.2.1"));
    assert_eq!(
        m.cseq(),
        Some(CSeq {
            seq: 9,
            method: Method::Invite
        })
    );
    assert_eq!(m.max_forwards(), Some(68));
    let from = m.from().expect("From");
    assert_eq!(from.display_name.as_deref(), Some("J Rosenberg \\\""));
    assert_eq!(from.tag(), Some("98asjd8"));
    assert_eq!(
        m.to().and_then(|t| t.tag().map(str::to_string)).as_deref(),
        Some("1918181833n")
    );
    let vias = m.vias();
    assert_eq!(vias.len(), 3);
    assert_eq!(
        (vias[0].transport.as_str(), vias[0].branch()),
        ("UDP", Some("390skdjuw"))
    );
    assert_eq!(
        (vias[1].transport.as_str(), vias[1].host.as_str()),
        ("TCP", "spindle.example.com")
    );
    assert_eq!(vias[2].branch(), Some("z9hG4bK30239"));
    let contact = &m.contacts()[0];
    assert_eq!(contact.display_name.as_deref(), Some("Quoted string \"\""));
    assert_eq!(contact.params.value("newparam"), Some("newvalue"));
    assert_eq!(contact.params.value("q"), Some("0.33"));
    assert_eq!(m.headers.get("Subject"), Some(""));
    assert_eq!(
        m.headers.get("NewFangledHeader"),
        Some("newfangled value continued newfangled value")
    );
    assert_eq!(
        m.headers.get("UnknownHeaderWithUnusualValue"),
        Some(";;,,;;,;")
    );
    assert_eq!(m.body.len(), 150);
}

#[test]
fn escapes_are_kept_as_written_and_decoded_on_request() {
    let m = parse("esc01");
    let Some(StartLine::Request { uri, .. }) = Some(&m.start) else {
        unreachable!()
    };
    assert_eq!(uri.user.as_deref(), Some("sips%3Auser%40example.com"));
    assert_eq!(
        uri.user_unescaped().as_deref(),
        Some("sips:user@example.com")
    );
    assert_eq!(
        m.to().and_then(|t| t.uri.user_unescaped()).as_deref(),
        Some("user")
    );
    assert_eq!(
        m.from().and_then(|f| f.uri.user_unescaped()).as_deref(),
        Some("I have spaces")
    );
    let contact = &m.contacts()[0];
    assert_eq!(contact.uri.params.value("n%61me"), Some("v%61lue%25%34%31"));

    let m = parse("escnull");
    let users: Vec<_> = m
        .contacts()
        .iter()
        .filter_map(|c| c.uri.user_unescaped())
        .collect();
    assert_eq!(users, ["\0", "\0\0"]);

    let m = parse("esc02");
    assert_eq!(m.method(), Some(&Method::Extension("RE%47IST%45R".into())));
    assert_eq!(m.contacts().len(), 2);
    assert_eq!(
        m.headers.get("C%6Fntact"),
        Some("<sip:alias2@host2.example.com>")
    );
    assert_eq!(
        m.from().and_then(|f| f.display_name).as_deref(),
        Some("%Z%45")
    );

    let m = parse("semiuri");
    let Some(StartLine::Request { uri, .. }) = Some(&m.start) else {
        unreachable!()
    };
    assert_eq!(uri.user.as_deref(), Some("user;par=u%40example.net"));
    assert_eq!(uri.host, "example.com");
}

#[test]
fn intmeth_keeps_its_unusual_tokens() {
    let m = parse("intmeth");
    let method = Method::Extension("!interesting-Method0123456789_*+`.%indeed'~".into());
    assert_eq!(m.method(), Some(&method));
    assert_eq!(
        m.cseq(),
        Some(CSeq {
            seq: 139122385,
            method
        })
    );
    assert_eq!(
        m.call_id(),
        Some("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{")
    );
    assert_eq!(
        m.to().and_then(|t| t.display_name).as_deref(),
        Some("BEL:\u{7} NUL:\u{0} DEL:\u{7f}")
    );
    let from = m.from().expect("From");
    assert_eq!(
        from.display_name.as_deref(),
        Some("token1~` token2'+_ token3*%!.-")
    );
    assert_eq!(from.tag(), Some("_token~1'+`*%!-."));
    assert_eq!(m.branch(), Some("z9hG4bK-.!%66*_+`'~"));
    let Some(StartLine::Request { uri, .. }) = Some(&m.start) else {
        unreachable!()
    };
    assert_eq!(
        uri.password.as_deref(),
        Some("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
    );
}

#[test]
fn other_valid_messages_read_as_the_rfc_describes() {
    assert_eq!(
        parse("lwsdisp")
            .from()
            .and_then(|f| f.display_name)
            .as_deref(),
        Some("caller")
    );
    let m = parse("longreq");
    assert_eq!(m.vias().len(), 34);
    assert_eq!(m.body.len(), 150);
    let m = parse("dblreq");
    assert_eq!((m.method(), m.body.len()), (Some(&Method::Register), 0));
    let transports: Vec<_> = parse("transports")
        .vias()
        .into_iter()
        .map(|v| v.transport)
        .collect();
    assert_eq!(transports, ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"]);
    let m = parse("mpart01");
    assert_eq!(
        (m.content_type(), m.body.len()),
        (Some("multipart/mixed"), 553)
    );
    let m = parse("unreason");
    let reason = "= 2**3 * 5**2 но сто девяносто девять - простое";
    assert!(matches!(&m.start, StartLine::Response { code: 200, reason: r } if r == reason));
    assert!(
        matches!(&parse("noreason").start, StartLine::Response { code: 100, reason: r } if r.is_empty())
    );
    let m = parse("inv2543");
    assert_eq!(
        (
            m.max_forwards(),
            m.branch(),
            m.from().and_then(|f| f.tag().map(str::to_string))
        ),
        (None, None, None)
    );
    assert_eq!(m.body.len(), 105);
    assert_eq!(parse("badbranch").branch(), Some("z9hG4bK"));
}

#[test]
fn contact_parameters_land_where_rfc_3261_puts_them() {
    let c = &parse("cparam01").contacts()[0];
    assert!(c.params.contains("unknownparam") && !c.uri.params.contains("unknownparam"));
    let c = &parse("cparam02").contacts()[0];
    assert!(c.uri.params.contains("unknownparam") && !c.params.contains("unknownparam"));
    let c = &parse("regescrt").contacts()[0];
    assert_eq!(
        c.uri.headers,
        [("Route".to_string(), "%3Csip:sip.example.com%3E".to_string())]
    );
    assert!(c.to_string().contains("?Route=%3Csip:sip.example.com%3E>"));
}

#[test]
fn application_layer_rejections_carry_the_headers_the_response_needs() {
    let device = policy(&DEVICE_METHODS);
    let r = check_request(&parse("bext01"), &device).expect_err("420");
    assert_eq!(
        r.headers,
        [(
            "Unsupported".into(),
            "nothingSupportsThis, nothingSupportsThisEither".into()
        )]
    );
    let r = check_request(&parse("invut"), &device).expect_err("415");
    assert_eq!(
        r.headers,
        [("Accept".into(), "application/sdp, multipart/mixed".into())]
    );
    let r = check_request(&parse("intmeth"), &device).expect_err("501");
    assert_eq!(r.headers[0].0, "Allow");
    assert!(r.headers[0].1.starts_with("INVITE, ACK, BYE"));
    // "Endpoints choosing not to act as registrars will simply reject the request. A 405."
    for name in [
        "regaut01", "escnull", "dblreq", "cparam01", "cparam02", "regescrt", "unksm2",
    ] {
        let r = check_request(&parse(name), &device).expect_err(name);
        assert_eq!((r.code, r.headers[0].0.as_str()), (405, "Allow"), "{name}");
    }
    assert_eq!(
        check_response(&parse("bcast")),
        Err("response carries more than one Via")
    );
}
