//! roomd and baresip, a real SIP user agent with SDES-SRTP, calling each other on loopback:
//! both ways, with baresip insisting on RTP/SAVP (`mediaenc=srtp-mand`), so a call only
//! connects when both sides agreed on `a=crypto` keys. (Media itself is the media engine's.)

mod common;

use std::time::Duration;

use common::Roomd;
use common::peers::{Account, Baresip};
use serde_json::{Value as Json, json};

/// The first (only) call in Status Call.
async fn only_call(c: &mut common::Client) -> Json {
    let calls = c.ok("xGet", json!({"Path": ["Status", "Call"]})).await;
    calls
        .as_array()
        .and_then(|a| a.first())
        .cloned()
        .expect("a call")
}

#[tokio::test(flavor = "multi_thread")]
async fn baresip_calls_roomd_with_mandatory_srtp() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    c.configure("Conference AutoAnswer Mode", "On").await;
    let mut alice = tokio::task::spawn_blocking(|| {
        Baresip::start(Account {
            user: "alice",
            srtp_mandatory: true,
            auto_answer: false,
            registrar: None,
            tone_hz: 440,
        })
    })
    .await
    .unwrap();
    let target = format!("sip:roomd@127.0.0.1:{}", roomd.sip_port);
    let mut alice = tokio::task::spawn_blocking(move || {
        alice.command("dial", Some(&target));
        alice.wait_event("CALL_ESTABLISHED", Duration::from_secs(10));
        let menc = alice.wait_event("CALL_MENC", Duration::from_secs(5));
        assert!(
            menc["param"]
                .as_str()
                .unwrap()
                .contains("AES_CM_128_HMAC_SHA1_80"),
            "{menc}"
        );
        alice
    })
    .await
    .unwrap();
    c.wait_until("Status SystemUnit State NumberOfActiveCalls", 5, |v| {
        *v == json!(1)
    })
    .await;
    let call = only_call(&mut c).await;
    assert_eq!(call["Direction"], "Incoming");
    assert_eq!(call["AnswerState"], "Autoanswered");
    assert_eq!(call["Encryption"]["Type"], "Aes-128", "{call}");

    tokio::task::spawn_blocking(move || {
        alice.command("hangup", None);
        alice.wait_event("CALL_CLOSED", Duration::from_secs(5));
    })
    .await
    .unwrap();
    c.wait_until("Status SystemUnit State NumberOfActiveCalls", 5, |v| {
        *v == json!(0)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn roomd_calls_baresip_with_encryption_required() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    c.configure("Conference Encryption Mode", "On").await;
    let bob = tokio::task::spawn_blocking(|| {
        Baresip::start(Account {
            user: "bob",
            srtp_mandatory: true,
            auto_answer: true,
            registrar: None,
            tone_hz: 440,
        })
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await; // the SIP side picks up the setting
    let dialled = c
        .ok("xCommand/Dial", json!({"Number": bob.uri("bob")}))
        .await;
    let id = dialled["CallId"].as_u64().unwrap();
    c.wait_until(&format!("Status Call {id} Status"), 10, |v| {
        *v == json!("Connected")
    })
    .await;
    let call = only_call(&mut c).await;
    assert_eq!(call["Encryption"]["Type"], "Aes-128", "{call}");
    let mut bob = tokio::task::spawn_blocking(move || {
        let mut bob = bob;
        let menc = bob.wait_event("CALL_MENC", Duration::from_secs(5));
        assert!(
            menc["param"]
                .as_str()
                .unwrap()
                .contains("AES_CM_128_HMAC_SHA1_80"),
            "{menc}"
        );
        bob
    })
    .await
    .unwrap();
    c.ok("xCommand/Call/Disconnect", json!({"CallId": id}))
        .await;
    let closed =
        tokio::task::spawn_blocking(move || bob.wait_event("CALL_CLOSED", Duration::from_secs(5)))
            .await
            .unwrap();
    assert_eq!(closed["param"], "Connection reset by peer");
}
