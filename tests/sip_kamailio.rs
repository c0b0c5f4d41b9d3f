//! roomd registers with a real registrar (kamailio, digest auth, realm `ccmsipline` as CUCM
//! uses) and calls another roomd through it, INVITEs challenged with 407 as CUCM does; a
//! wrong password shows as a failed registration.

mod common;

use std::time::Duration;

use common::Roomd;
use common::peers::{Kamailio, PASSWORD};
use serde_json::{Value as Json, json};

async fn get(c: &mut common::Client, path: &str) -> Json {
    let full: Vec<&str> = path.split(' ').collect();
    c.ok("xGet", json!({"Path": full})).await
}

/// A status value as JSON: a number when it reads as one (`"1"`), else a string.
fn expected(text: &str) -> Json {
    serde_json::from_str(text).unwrap_or_else(|_| json!(text))
}

/// Points a device at the registrar as `user`.
async fn register(c: &mut common::Client, kamailio: &Kamailio, user: &str, password: &str) {
    c.configure("SIP URI", &format!("{user}@127.0.0.1:{}", kamailio.port))
        .await;
    c.configure("SIP Authentication UserName", user).await;
    c.configure("SIP Authentication Password", password).await;
    c.configure(
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
    b.configure("Conference AutoAnswer Mode", "On").await;
    a.wait_until("Status SIP Registration 1 Status", 10, |v| {
        v == &expected("Registered")
    })
    .await;
    b.wait_until("Status SIP Registration 1 Status", 10, |v| {
        v == &expected("Registered")
    })
    .await;
    assert_eq!(
        get(&mut a, "Status SIP Registration 1 Authentication").await,
        "Digest"
    );

    // "bob" alone is a number in alice's domain, i.e. routed by the registrar.
    let dialled = a.ok("xCommand/Dial", json!({"Number": "bob"})).await;
    let call = dialled["CallId"].as_u64().unwrap();
    a.wait_until(&format!("Status Call {call} Status"), 10, |v| {
        v == &expected("Connected")
    })
    .await;
    b.wait_until("Status SystemUnit State NumberOfActiveCalls", 5, |v| {
        v == &expected("1")
    })
    .await;
    kamailio.expect_log("ROOMD-RIG ROUTE INVITE", Duration::from_secs(2));

    // Hold and resume travel the record-routed dialog.
    a.ok("xCommand/Call/Hold", json!({"CallId": call})).await;
    a.wait_until(&format!("Status Call {call} Status"), 5, |v| {
        v == &expected("OnHold")
    })
    .await;
    a.ok("xCommand/Call/Resume", json!({"CallId": call})).await;
    a.wait_until(&format!("Status Call {call} Status"), 5, |v| {
        v == &expected("Connected")
    })
    .await;

    // Bob hangs up: the BYE comes back through kamailio.
    b.ok("xCommand/Call/Disconnect", json!({})).await;
    a.wait_until("Status SystemUnit State NumberOfActiveCalls", 5, |v| {
        v == &expected("0")
    })
    .await;
    b.wait_until("Status SystemUnit State NumberOfActiveCalls", 5, |v| {
        v == &expected("0")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_shows_as_a_failed_registration() {
    let kamailio = Kamailio::start("ccmsipline", &[]);
    let room = Roomd::start();
    let mut c = room.connect().await;
    register(&mut c, &kamailio, "alice", "not-the-password").await;
    c.wait_until("Status SIP Registration 1 Status", 10, |v| {
        v == &expected("Failed")
    })
    .await;
    let reason = get(&mut c, "Status SIP Registration 1 Reason").await;
    assert!(
        reason.as_str().unwrap().starts_with("401"),
        "reason: {reason}"
    );
    kamailio.expect_log("AUTHFAIL REGISTER user=alice", Duration::from_secs(2));
}
