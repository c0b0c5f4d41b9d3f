//! Dial-string extraction against invites written from the formats of the research note
//! (§1.4–§1.9): one fixture per file under `tests/fixtures/dialinfo/`, and in [`CASES`] the
//! dial string, protocol and platform that must come first (or none at all).
//!
//! A fixture is an `.ics` invite (parsed by the calendar parser, so LOCATION, DESCRIPTION,
//! X-ALT-DESC and the meeting-link properties all count), a `.txt` plain body, or an
//! `.html` body.

use std::path::Path;

use roomd::calendar::dialinfo::{self, DialInfo, Invite, Platform, Protocol, RuleTable};
use roomd::calendar::ics;

use Platform::*;
use Protocol::*;

/// `(fixture, expected first dial string, protocol, platform)`; `None`: nothing to dial.
/// What must come first: the dial string, its protocol and its platform.
type Expected = Option<(&'static str, Protocol, Platform)>;

const CASES: &[(&str, Expected)] = &[
    (
        "zoom_sip_and_passcode.txt",
        Some(("92403591689.110292@zoomcrc.com", Sip, Zoom)),
    ),
    (
        "zoom_full_crc_in_location.ics",
        Some(("92403591689.110292@zoomcrc.com", Sip, Zoom)),
    ),
    (
        "zoom_link_and_id_only.txt",
        Some(("81234567890.735125@zoomcrc.com", Sip, Zoom)),
    ),
    (
        "zoom_without_passcode.txt",
        Some(("4155551234@zoomcrc.com", Sip, Zoom)),
    ),
    (
        "zoom_html_table_only.ics",
        Some(("92403591689.110292@zoomcrc.com", Sip, Zoom)),
    ),
    (
        "zoom_global_crc.txt",
        Some(("92403591689.110292@global.zoomcrc.com", Sip, Zoom)),
    ),
    (
        "zoom_crc_with_host_key.txt",
        Some(("92403591689.110292..123456@zoomcrc.com", Sip, Zoom)),
    ),
    (
        "zoom_german_kenncode.txt",
        Some(("98765432101.4711@zoomcrc.com", Sip, Zoom)),
    ),
    (
        "zoom_quoted_printable.txt",
        Some(("92403591689.110292@zoomcrc.com", Sip, Zoom)),
    ),
    (
        "zoom_placeholder_location.ics",
        Some(("93456789012.246810@zoomcrc.com", Sip, Zoom)),
    ),
    (
        "zoom_safelinks.html",
        Some(("91122334455.909090@zoomcrc.com", Sip, Zoom)),
    ),
    (
        "zoom_outlook_plain_links.txt",
        Some(("81234567890.555111@zoomcrc.com", Sip, Zoom)),
    ),
    (
        "teams_cvi_cisco_tenant_key.txt",
        Some(("1198563286.cdw@m.webex.com", Sip, MicrosoftTeams)),
    ),
    (
        "teams_cvi_cisco_old_wording.txt",
        Some(("1142134150.acme@m.webex.com", Sip, MicrosoftTeams)),
    ),
    (
        "teams_cvi_poly.txt",
        Some(("813878896.1167084978@t.plcm.vc", Sip, MicrosoftTeams)),
    ),
    (
        "teams_cvi_poly_quoted_printable.txt",
        Some(("813878896.017920684@t.plcm.vc", Sip, MicrosoftTeams)),
    ),
    (
        "teams_poly_dialin_link_only.html",
        Some(("639955171.1167084978@t.plcm.vc", Sip, MicrosoftTeams)),
    ),
    (
        "teams_cvi_pexip.txt",
        Some(("1234567890@vc.example.com", Sip, MicrosoftTeams)),
    ),
    (
        "teams_html_only.ics",
        Some(("2254170938.contoso@m.webex.com", Sip, MicrosoftTeams)),
    ),
    (
        "teams_nbsp_video_id.html",
        Some(("1198563286.cdw@m.webex.com", Sip, MicrosoftTeams)),
    ),
    (
        "teams_webrtc_only.ics",
        Some((
            "https://teams.microsoft.com/l/meetup-join/19%3ameeting_OnlyUrl%40thread.v2/0?context=%7b%22Tid%22%3a%22t1%22%7d",
            WebRtc,
            MicrosoftTeams,
        )),
    ),
    (
        "webex_video_address.txt",
        Some(("26341234567@acme.webex.com", Sip, Webex)),
    ),
    (
        "webex_personal_room_location.ics",
        Some(("jdoe@acme.webex.com", Sip, Webex)),
    ),
    (
        "webex_meeting_number_only.txt",
        Some(("26341234567@acme.webex.com", Sip, Webex)),
    ),
    (
        "webex_safelinks.txt",
        Some(("27415558899@acme.webex.com", Sip, Webex)),
    ),
    (
        "meet_sip_gateway.txt",
        Some(("1234567890123@gateway.example.com", Sip, GoogleMeet)),
    ),
    (
        "meet_webrtc_only.ics",
        Some(("https://meet.google.com/qwe-rtyu-iop", WebRtc, GoogleMeet)),
    ),
    (
        "bluejeans_address.txt",
        Some(("111222333@bjn.vc", Sip, BlueJeans)),
    ),
    (
        "bluejeans_link_with_passcode.txt",
        Some(("555666777.4321@bjn.vc", Sip, BlueJeans)),
    ),
    (
        "sip_uri_location.ics",
        Some(("vmr1234@video.example.com", Sip, Other)),
    ),
    (
        "sips_uri_body.txt",
        Some(("sips:board@vc.example.org", Sip, Other)),
    ),
    ("h323_uri.txt", Some(("192.0.2.10##1234", H323, Other))),
    (
        "bare_location_numeric.ics",
        Some(("4711@vc.example.com", Sip, Other)),
    ),
    ("bare_location_person_is_not_dialled.ics", None),
    ("placeholder_location_no_address.ics", None),
    (
        "spark_uri.txt",
        Some(("roomteam@acme.webex.com", Spark, Webex)),
    ),
    (
        "sip_uri_with_mailto_echo.txt",
        Some(("project-x@vmr.example.net", Sip, Other)),
    ),
];

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/dialinfo")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn dial_strings(name: &str, table: &RuleTable) -> Vec<DialInfo> {
    let bytes = fixture(name);
    let text = String::from_utf8_lossy(&bytes);
    let invite = if name.ends_with(".ics") {
        let parsed = ics::parse_bytes(&bytes, &ics::Options::default());
        assert!(parsed.warnings.is_empty(), "{name}: {:?}", parsed.warnings);
        let event = parsed
            .events()
            .next()
            .unwrap_or_else(|| panic!("{name}: no event"));
        Invite::from_event(event)
    } else if name.ends_with(".html") {
        Invite::new(None, None, Some(&text))
    } else {
        Invite::new(None, Some(&text), None)
    };
    dialinfo::extract(&invite, table)
}

#[test]
fn every_fixture_gives_its_dial_string() {
    let on_disk =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dialinfo"))
            .map(|d| d.count())
            .unwrap_or(0);
    assert_eq!(on_disk, CASES.len(), "one case per fixture file");
    assert!(CASES.len() >= 30);
    let table = RuleTable::default();
    let mut failures = Vec::new();
    for (name, expected) in CASES {
        let found = dial_strings(name, &table);
        let got = found
            .first()
            .map(|d| (d.number.as_str(), d.protocol, d.platform));
        if got != *expected {
            failures.push(format!(
                "{name}: got {:?}, expected {expected:?}",
                found.iter().map(ToString::to_string).collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_table_is_configurable() {
    // Disabling the Zoom rules leaves the plain SIP address of the invite.
    let mut table = RuleTable::default();
    assert!(table.set_enabled("zoom-crc", false));
    assert!(table.set_enabled("zoom-meeting", false));
    let found = dial_strings("zoom_crc_with_host_key.txt", &table);
    assert_eq!(found[0].number, "92403591689.110292..123456@zoomcrc.com");
    assert_eq!(found[0].rule, "uri");

    // An administrator's regex rule, run before everything else.
    let mut table = RuleTable::default();
    table
        .add_regex(
            "vmr-ids",
            1,
            r"(?i)\bVMR\s*(\d{4,})",
            "$1@vmr.example.com",
            Sip,
            Other,
        )
        .expect("regex");
    let invite = Invite::new(
        Some("VMR 9001"),
        Some("Zoom: sip:92403591689@zoomcrc.com"),
        None,
    );
    let found = dialinfo::extract(&invite, &table);
    assert_eq!(found[0].number, "9001@vmr.example.com");
    assert_eq!(found[1].number, "92403591689@zoomcrc.com");

    // A Google Meet gateway builds the address from the meeting code.
    let mut table = RuleTable::default();
    table.config.meet_gateway = Some(dialinfo::Gateway::new(
        "meet.example.com",
        "{code}@{domain}",
    ));
    let found = dial_strings("meet_webrtc_only.ics", &table);
    assert_eq!(found[0].number, "qwe-rtyu-iop@meet.example.com");
    assert_eq!(found[1].protocol, WebRtc);
}

#[test]
fn hostile_bodies_are_bounded() {
    let body = "Meeting ID: 1 ".repeat(100_000) + &"a@".repeat(100_000);
    let began = std::time::Instant::now();
    let _ = dialinfo::extract(
        &Invite::new(Some(&body), Some(&body), Some(&body)),
        &RuleTable::default(),
    );
    assert!(began.elapsed() < std::time::Duration::from_secs(20));
}
