//! One Button To Push end to end with the real call engine: an invite whose meeting is a SIP
//! address is imported, the clock is advanced to a minute before the start, and auto-join
//! places the call, which a real SIPp callee answers.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::Roomd;
use common::peers::free_port;
use serde_json::{Value as Json, json};

fn ical_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

async fn get(c: &mut common::Client, path: &str) -> Json {
    let reply = c
        .call("xGet", json!({"Path": path.split(' ').collect::<Vec<_>>()}))
        .await;
    reply.get("result").cloned().unwrap_or(Json::Null)
}

#[tokio::test(flavor = "multi_thread")]
async fn auto_join_dials_the_meeting_and_sipp_answers() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let uas = Command::new("sipp")
        .current_dir(dir.path())
        .args(["-sn", "uas", "-i", "127.0.0.1", "-p", &port.to_string()])
        .args(["-m", "1", "-nostdin", "-timeout", "60", "-timeout_error"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sipp runs (installed by scripts/test)");

    // A meeting an hour from now (the device's clock is real time until advanced), at a
    // SIP video address.
    let now = chrono::Utc::now().timestamp_millis();
    let start = now + 3_600_000;
    let invite = format!(
        "BEGIN:VCALENDAR\r\nPRODID:-//Test//Join//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n\
         BEGIN:VEVENT\r\nUID:join-1@example.com\r\nSEQUENCE:0\r\nDTSTAMP:{}\r\n\
         DTSTART:{}\r\nDTEND:{}\r\nSUMMARY:Design review\r\n\
         ORGANIZER;CN=Ada:mailto:ada@example.com\r\n\
         LOCATION:sip:review@127.0.0.1:{port}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        ical_time(now),
        ical_time(start),
        ical_time(start + 1_800_000)
    );
    let imported = c
        .ok("xCommand/Bookings/Import", json!({"body": invite}))
        .await;
    assert_eq!(imported["Added"], json!(1), "{imported}");
    c.ok(
        "xSet",
        json!({"Path": ["Configuration", "Bookings", "AutoJoin", "Mode"], "Value": "On"}),
    )
    .await;
    c.ok(
        "xFeedback/Subscribe",
        json!({"Query": ["Event", "CallSuccessful"]}),
    )
    .await;

    // Two minutes before: nothing. A minute before: the call.
    c.ok(
        "xCommand/Simulation/Clock/Advance",
        json!({"Seconds": 3480}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        get(&mut c, "Status SystemUnit State NumberOfActiveCalls").await,
        0
    );
    c.ok("xCommand/Simulation/Clock/Advance", json!({"Seconds": 61}))
        .await;
    let success = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let fb = c.next_feedback().await;
            if let Some(s) = fb.pointer("/params/Event/CallSuccessful") {
                return s.clone();
            }
        }
    })
    .await
    .expect("auto-join connected a call");
    assert_eq!(success["RemoteURI"], format!("sip:review@127.0.0.1:{port}"));
    assert_eq!(
        get(&mut c, "Status Bookings AutoJoin LastDial BookingId").await,
        "join-1@example.com"
    );
    c.ok("xCommand/Call/Disconnect", json!({})).await;
    let out = tokio::task::spawn_blocking(move || uas.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "sipp: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
