//! Audio that really flows: roomd and baresip (SDES-SRTP mandatory) call each other, each
//! side sends its own tone, and roomd's recording of the call (the simulated board's
//! loudspeaker, `<data>/recordings/call-<n>.wav`) must hold baresip's tone. DTMF goes both
//! ways as RFC 4733 events.

mod common;

use std::time::Duration;

use common::Roomd;
use common::peers::{Account, Baresip};
use roomd::call::media::audio::{Wav, dominant_frequency};
use serde_json::{Value as Json, json};

async fn start_baresip(tone_hz: u32, auto_answer: bool) -> Baresip {
    tokio::task::spawn_blocking(move || {
        Baresip::start(Account {
            user: "bob",
            srtp_mandatory: true,
            auto_answer,
            registrar: None,
            tone_hz,
        })
    })
    .await
    .unwrap()
}

/// What baresip says it received from roomd (`rcvd=` in `audio_debug`).
fn received_by_baresip(bob: &mut Baresip) -> u64 {
    bob.command("audio_debug", None);
    let reply = bob.wait_response("audio_debug", Duration::from_secs(5));
    let data = reply["data"].as_str().unwrap_or("").to_string();
    data.split("rcvd=")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no rcvd= in {data}"))
}

/// The dominant frequency of a recording, skipping its first second.
fn recorded_tone(roomd: &Roomd, call: u64) -> f64 {
    let path = roomd.data.join(format!("recordings/call-{call}.wav"));
    let wav =
        Wav::read(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
            .unwrap();
    let pcm = wav.mono();
    let rate = wav.sample_rate as usize;
    assert!(
        pcm.len() > rate * 4,
        "at least 4 s recorded, got {} samples",
        pcm.len()
    );
    dominant_frequency(&pcm[rate..], wav.sample_rate).expect("not silence")
}

#[tokio::test(flavor = "multi_thread")]
async fn baresip_calls_roomd_and_the_tones_cross_encrypted() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    c.configure("Conference AutoAnswer Mode", "On").await;
    c.ok(
        "xFeedback/Subscribe",
        json!({"Query": ["Event", "DTMFReceive"]}),
    )
    .await;
    let mut bob = start_baresip(1000, false).await;
    let target = format!("sip:roomd@127.0.0.1:{}", roomd.sip_port);
    let mut bob = tokio::task::spawn_blocking(move || {
        bob.command("dial", Some(&target));
        bob.wait_event("CALL_ESTABLISHED", Duration::from_secs(10));
        bob
    })
    .await
    .unwrap();
    // Six seconds of audio each way, with no SRTP authentication failure after the first
    // second (the count is a roomd extension of MediaChannels).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let failures = |v: &Json| v["Netstat"]["SrtpAuthFailures"].as_i64();
    let early = c
        .wait_until("Status MediaChannels Call 1 Channel 1", 5, |v| {
            failures(v).is_some()
        })
        .await;
    tokio::time::sleep(Duration::from_millis(4500)).await;
    let channel = c
        .wait_until("Status MediaChannels Call 1 Channel 1", 5, |v| {
            v["Netstat"]["Packets"].as_i64().unwrap_or(0) > 200
        })
        .await;
    assert_eq!(channel["Encryption"], "On", "{channel}");
    assert_eq!(channel["Direction"], "Incoming");
    // baresip (libopus) lists Opus first: the call runs on our pure-Rust Opus both ways.
    assert_eq!(channel["Audio"]["Protocol"], "Opus", "{channel}");
    assert_eq!(
        failures(&channel),
        failures(&early),
        "{early} then {channel}"
    );
    assert!(channel["Netstat"]["Bytes"].as_i64().unwrap_or(0) > 200 * 160);
    // baresip's reports echo our sender reports: the round-trip time on loopback.
    let outgoing = c
        .wait_until("Status MediaChannels Call 1 Channel 2", 10, |v| {
            v["Netstat"]["RoundTripTime"].is_i64()
        })
        .await;
    assert!(
        outgoing["Netstat"]["RoundTripTime"].as_i64().unwrap() < 200,
        "{outgoing}"
    );

    // baresip sends a digit in the media; roomd reports it.
    let mut bob = tokio::task::spawn_blocking(move || {
        bob.command("sndcode", Some("7"));
        bob
    })
    .await
    .unwrap();
    let digit = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let fb = c.next_feedback().await;
            if let Some(d) = fb.pointer("/params/Event/DTMFReceive") {
                return d.clone();
            }
        }
    })
    .await
    .expect("DTMFReceive");
    assert_eq!(digit["DTMFString"], "7");

    let got = tokio::task::spawn_blocking(move || {
        let got = received_by_baresip(&mut bob);
        bob.command("hangup", None);
        bob.wait_event("CALL_CLOSED", Duration::from_secs(5));
        got
    })
    .await
    .unwrap();
    assert!(got > 200, "baresip decrypted {got} packets from roomd");
    tokio::time::sleep(Duration::from_millis(500)).await; // the recording is closed
    let tone = recorded_tone(&roomd, 1);
    assert!(
        (tone - 1000.0).abs() < 10.0,
        "roomd heard {tone} Hz, baresip sent 1000 Hz"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn roomd_calls_baresip_sends_dtmf_and_records_its_tone() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    c.configure("Conference Encryption Mode", "On").await;
    let bob = start_baresip(700, true).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let dialled = c
        .ok("xCommand/Dial", json!({"Number": bob.uri("bob")}))
        .await;
    let id = dialled["CallId"].as_u64().unwrap();
    c.wait_until(&format!("Status Call {id} Status"), 10, |v| {
        v == "Connected"
    })
    .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    c.ok(
        "xCommand/Call/DTMFSend",
        json!({"CallId": id, "DTMFString": "42"}),
    )
    .await;
    let mut bob = tokio::task::spawn_blocking(move || {
        let mut bob = bob;
        let first = bob.wait_event("CALL_DTMF_START", Duration::from_secs(5));
        let second = bob.wait_event("CALL_DTMF_START", Duration::from_secs(5));
        assert_eq!(
            (first["param"].as_str(), second["param"].as_str()),
            (Some("4"), Some("2"))
        );
        let got = received_by_baresip(&mut bob);
        assert!(got > 200, "baresip decrypted {got} packets from roomd");
        bob
    })
    .await
    .unwrap();
    c.ok("xCommand/Call/Disconnect", json!({"CallId": id}))
        .await;
    tokio::task::spawn_blocking(move || bob.wait_event("CALL_CLOSED", Duration::from_secs(5)))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let tone = recorded_tone(&roomd, id);
    assert!(
        (tone - 700.0).abs() < 10.0,
        "roomd heard {tone} Hz, baresip sent 700 Hz"
    );
}
