//! SIP settings changed while a call is up: the call goes on. The endpoint takes new
//! settings a moment after they change (so that a burst lands together) and registers again,
//! but the dialogs it has stay: a call dialled just before `Conference Encryption Mode` or
//! `SIP DisplayName` changed connects, stays up, and hangs up cleanly on both sides.

mod common;

use std::time::Duration;

use common::Roomd;
use serde_json::{Value as Json, json};

fn connected(v: &Json) -> bool {
    v.as_array()
        .and_then(|calls| calls.first())
        .is_some_and(|c| c["Status"] == "Connected")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_goes_on_when_sip_settings_change_under_it() {
    let b = Roomd::start();
    let mut cb = b.connect().await;
    cb.configure("Conference AutoAnswer Mode", "On").await;
    cb.subscribe(&["Event", "CallDisconnect"]).await;
    let a = Roomd::start();
    let mut ca = a.connect().await;

    let dialled = ca
        .ok(
            "xCommand/Dial",
            json!({"Number": format!("sip:b@127.0.0.1:{}", b.sip_port)}),
        )
        .await;
    let id = dialled["CallId"].as_u64().expect("a CallId");
    // While the call sets up: the endpoint takes these about 200 ms later.
    ca.configure("Conference Encryption Mode", "Off").await;
    ca.configure("SIP DisplayName", "Room A").await;
    ca.wait_until("Status Call", 15, connected).await;
    cb.wait_until("Status Call", 15, connected).await;

    // Well after the new settings were taken, and after one more change mid-call.
    tokio::time::sleep(Duration::from_millis(800)).await;
    ca.configure("Conference Encryption Mode", "BestEffort")
        .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let calls = ca.ok("xGet", json!({"Path": ["Status", "Call"]})).await;
    assert!(connected(&calls), "A's call after the changes: {calls}");

    ca.ok("xCommand/Call/Disconnect", json!({"CallId": id}))
        .await;
    let ended = cb
        .wait_feedback(10, "CallDisconnect at B", |p| {
            p.pointer("/Event/CallDisconnect").is_some()
        })
        .await;
    assert_eq!(
        ended["Event"]["CallDisconnect"]["CauseType"],
        "RemoteDisconnect"
    );
    ca.wait_until("Status Call", 10, |v| {
        v.as_array().is_none_or(|calls| calls.is_empty())
    })
    .await;

    // New calls follow the new settings.
    let again = ca
        .ok(
            "xCommand/Dial",
            json!({"Number": format!("sip:b@127.0.0.1:{}", b.sip_port)}),
        )
        .await;
    assert!(again["CallId"].as_u64().is_some(), "{again}");
    let calls = cb.wait_until("Status Call", 15, connected).await;
    assert_eq!(calls[0]["DisplayName"], "Room A", "{calls}");
    assert_eq!(calls[0]["Encryption"]["Type"], "Aes-128", "{calls}");
}
