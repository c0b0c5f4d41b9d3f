//! roomd registers with a real registrar (kamailio, digest auth, realm `ccmsipline` as CUCM
//! uses) and calls another roomd through it, INVITEs challenged with 407 as CUCM does; a
//! wrong password shows as a failed registration.

mod common;

use std::time::Duration;

use common::Roomd;
use common::peers::{Kamailio, PASSWORD};
use serde_json::{Value as Json, json};

async fn set(c: &mut common::Client, path: &str, value: &str) {
    let mut full = vec!["Configuration"];
    full.extend(path.split(' '));
    c.ok("xSet", json!({"Path": full, "Value": value})).await;
}

async fn get(c: &mut common::Client, path: &str) -> Json {
    let full: Vec<&str> = path.split(' ').collect();
    c.ok("xGet", json!({"Path": full})).await
}

/// Polls a status until it equals `want` (a string, or a number written as one).
async fn until(c: &mut common::Client, path: &str, want: &str, secs: u64) {
    let want_json: Json = serde_json::from_str(want).unwrap_or_else(|_| json!(want));
    let mut last = Json::Null;
    for _ in 0..secs * 10 {
        let reply = c
            .call("xGet", json!({"Path": path.split(' ').collect::<Vec<_>>()}))
            .await;
        last = reply.get("result").cloned().unwrap_or(reply);
        if last == want_json {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} is {last}, not {want:?}, after {secs} s");
}

/// Points a device at the registrar as `user`.
async fn register(c: &mut common::Client, kamailio: &Kamailio, user: &str, password: &str) {
    set(c, "SIP URI", &format!("{user}@127.0.0.1:{}", kamailio.port)).await;
    set(c, "SIP Authentication UserName", user).await;
    set(c, "SIP Authentication Password", password).await;
    set(
        c,
        "SIP Proxy 1 Address",
        &format!("127.0.0.1:{}", kamailio.port),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_devices_register_and_call_each_other_through_kamailio() {
    let kamailio = Kamailio::start("ccmsipline", &["WITH_INVITE_AUTH", "WITH_QOP"]);
    let alice = Roomd::start();
    let bob = Roomd::start();
    let mut a = alice.connect().await;
    let mut b = bob.connect().await;
    register(&mut a, &kamailio, "alice", PASSWORD).await;
    register(&mut b, &kamailio, "bob", PASSWORD).await;
    set(&mut b, "Conference AutoAnswer Mode", "On").await;
    until(&mut a, "Status SIP Registration 1 Status", "Registered", 10).await;
    until(&mut b, "Status SIP Registration 1 Status", "Registered", 10).await;
    assert_eq!(
        get(&mut a, "Status SIP Registration 1 Authentication").await,
        "Digest"
    );

    // "bob" alone is a number in alice's domain, i.e. routed by the registrar.
    let dialled = a.ok("xCommand/Dial", json!({"Number": "bob"})).await;
    let call = dialled["CallId"].as_u64().unwrap();
    until(
        &mut a,
        &format!("Status Call {call} Status"),
        "Connected",
        10,
    )
    .await;
    until(
        &mut b,
        "Status SystemUnit State NumberOfActiveCalls",
        "1",
        5,
    )
    .await;
    kamailio.expect_log("ROOMD-RIG ROUTE INVITE", Duration::from_secs(2));

    // Hold and resume travel the record-routed dialog.
    a.ok("xCommand/Call/Hold", json!({"CallId": call})).await;
    until(&mut a, &format!("Status Call {call} Status"), "OnHold", 5).await;
    a.ok("xCommand/Call/Resume", json!({"CallId": call})).await;
    until(
        &mut a,
        &format!("Status Call {call} Status"),
        "Connected",
        5,
    )
    .await;

    // Bob hangs up: the BYE comes back through kamailio.
    b.ok("xCommand/Call/Disconnect", json!({})).await;
    until(
        &mut a,
        "Status SystemUnit State NumberOfActiveCalls",
        "0",
        5,
    )
    .await;
    until(
        &mut b,
        "Status SystemUnit State NumberOfActiveCalls",
        "0",
        5,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_shows_as_a_failed_registration() {
    let kamailio = Kamailio::start("ccmsipline", &[]);
    let room = Roomd::start();
    let mut c = room.connect().await;
    register(&mut c, &kamailio, "alice", "not-the-password").await;
    until(&mut c, "Status SIP Registration 1 Status", "Failed", 10).await;
    let reason = get(&mut c, "Status SIP Registration 1 Reason").await;
    assert!(
        reason.as_str().unwrap().starts_with("401"),
        "reason: {reason}"
    );
    kamailio.expect_log("AUTHFAIL REGISTER user=alice", Duration::from_secs(2));
}
