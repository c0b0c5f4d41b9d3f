//! SIP over TLS between two roomd processes on loopback: a `sips:` call connects when
//! `SIP TlsVerify` is Off or the callee's certificate is trusted, ends promptly with a cause
//! naming the TLS failure when the certificate is not trusted, names are resolved before
//! connecting (and an unresolvable one ends the call at once), and the device certificate
//! survives a restart.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Client, Roomd};
use serde_json::{Value as Json, json};

async fn set(c: &mut Client, path: &[&str], value: &str) {
    let mut full = vec!["Configuration"];
    full.extend_from_slice(path);
    c.ok("xSet", json!({"Path": full, "Value": value})).await;
}

/// A callee that answers by itself, and its client watching call events.
async fn callee() -> (Roomd, Client) {
    let b = Roomd::start();
    let mut c = b.connect().await;
    set(&mut c, &["Conference", "AutoAnswer", "Mode"], "On").await;
    set(&mut c, &["SIP", "DefaultTransport"], "Tls").await;
    c.subscribe(&["Event", "CallSuccessful"]).await;
    c.subscribe(&["Event", "CallDisconnect"]).await;
    (b, c)
}

/// A caller on TLS, watching its calls and their end.
async fn caller() -> (Roomd, Client) {
    let a = Roomd::start();
    let mut c = a.connect().await;
    set(&mut c, &["SIP", "DefaultTransport"], "Tls").await;
    c.subscribe(&["Status", "Call"]).await;
    c.subscribe(&["Event", "CallSuccessful"]).await;
    c.subscribe(&["Event", "CallDisconnect"]).await;
    settle_settings().await;
    (a, c)
}

/// The SIP endpoint takes new settings after a short pause; let that happen before dialling.
async fn settle_settings() {
    tokio::time::sleep(Duration::from_millis(800)).await;
}

async fn dial(c: &mut Client, number: &str) -> u64 {
    let dialled = c.ok("xCommand/Dial", json!({"Number": number})).await;
    dialled["CallId"].as_u64().expect("a CallId")
}

/// Dials, expects the call to connect on both sides, and hangs up.
async fn call_connects(a: &mut Client, b: &mut Client, number: &str) {
    let id = dial(a, number).await;
    a.wait_feedback(15, "Connected", |p| {
        p.pointer("/Status/Call/0/Status") == Some(&json!("Connected"))
    })
    .await;
    let success = b
        .wait_feedback(10, "CallSuccessful at the callee", |p| {
            p.pointer("/Event/CallSuccessful").is_some()
        })
        .await;
    assert_eq!(success["Event"]["CallSuccessful"]["Direction"], "incoming");

    a.ok("xCommand/Call/Disconnect", json!({"CallId": id}))
        .await;
    let ended = b
        .wait_feedback(10, "CallDisconnect at the callee", |p| {
            p.pointer("/Event/CallDisconnect").is_some()
        })
        .await;
    // The BYE reached the callee (over TLS, to its Contact).
    assert_eq!(
        ended["Event"]["CallDisconnect"]["CauseType"],
        "RemoteDisconnect"
    );
    a.wait_feedback(10, "CallDisconnect at the caller", |p| {
        p.pointer("/Event/CallDisconnect").is_some()
    })
    .await;
}

/// Dials, expects the call to end without connecting within `secs`; returns its cause.
async fn call_fails(a: &mut Client, number: &str, secs: u64) -> Json {
    let started = Instant::now();
    dial(a, number).await;
    let ended = a
        .wait_feedback(secs, "CallDisconnect", |p| {
            assert!(
                p.pointer("/Event/CallSuccessful").is_none()
                    && p.pointer("/Status/Call/0/Status") != Some(&json!("Connected")),
                "the call connected: {p}"
            );
            p.pointer("/Event/CallDisconnect").is_some()
        })
        .await;
    let cause = ended["Event"]["CallDisconnect"].clone();
    eprintln!("ended after {:?}: {cause}", started.elapsed());
    cause
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sips_call_needs_a_trusted_certificate_unless_verification_is_off() {
    let (b, mut bc) = callee().await;
    let (_a, mut ac) = caller().await;
    let number = format!("sips:b@127.0.0.1:{}", b.sip_tls_port);

    // TlsVerify On (the default): B's self-signed certificate is not trusted. The failed
    // handshake ends the call at once, saying why.
    let cause = call_fails(&mut ac, &number, 10).await;
    assert_eq!(cause["CauseValue"], 503, "{cause}");
    assert_eq!(cause["CauseOrigin"], "Internal", "{cause}");
    let why = cause["CauseString"].as_str().unwrap_or_default();
    assert!(
        why.contains("TLS handshake") && why.contains("TlsVerify"),
        "{cause}"
    );

    // Off: any certificate will do; the call connects and ends over TLS.
    set(&mut ac, &["SIP", "TlsVerify"], "Off").await;
    settle_settings().await;
    call_connects(&mut ac, &mut bc, &number).await;

    // On again: the connection opened under Off is not reused.
    set(&mut ac, &["SIP", "TlsVerify"], "On").await;
    settle_settings().await;
    let cause = call_fails(
        &mut ac,
        &format!("sip:b@127.0.0.1:{};transport=tls", b.sip_tls_port),
        10,
    )
    .await;
    assert_eq!(cause["CauseValue"], 503, "{cause}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_certificate_in_the_ca_folder_is_trusted() {
    let (b, mut bc) = callee().await;
    let (a, mut ac) = caller().await;
    // B's certificate names 127.0.0.1; as A's trust anchor it passes verification.
    std::fs::copy(
        b.data.join("sip-tls/device.pem"),
        a.data.join("sip-tls/ca/b.pem"),
    )
    .expect("copy B's certificate into A's CA folder");
    call_connects(
        &mut ac,
        &mut bc,
        &format!("sips:b@127.0.0.1:{}", b.sip_tls_port),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn names_are_resolved_and_an_unknown_one_ends_the_call_at_once() {
    let (b, mut bc) = callee().await;
    let (_a, mut ac) = caller().await;
    set(&mut ac, &["SIP", "TlsVerify"], "Off").await;
    settle_settings().await;
    // "localhost." resolves without asking a DNS server (RFC 6761), as does ".invalid".
    call_connects(
        &mut ac,
        &mut bc,
        &format!("sips:b@localhost.:{}", b.sip_tls_port),
    )
    .await;

    let cause = call_fails(&mut ac, "sips:b@nowhere.invalid.", 10).await;
    assert_eq!(cause["CauseValue"], 503, "{cause}");
    let why = cause["CauseString"].as_str().unwrap_or_default();
    assert!(why.contains("cannot resolve nowhere.invalid"), "{cause}");
}

/// The SHA-256 of the certificate roomd presents on its TLS port.
async fn presented_fingerprint(port: u16) -> String {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(roomd::call::tls::AnyServerCert::new(&provider));
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let name = rustls::pki_types::ServerName::IpAddress(std::net::Ipv4Addr::LOCALHOST.into());
    let tls = connector
        .connect(name, tcp)
        .await
        .expect("a TLS handshake without a client certificate");
    let cert = tls.get_ref().1.peer_certificates().unwrap()[0].clone();
    roomd::call::tls::fingerprint(&cert)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_device_certificate_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = Roomd::start_in(dir.path());
    let before = presented_fingerprint(first.sip_tls_port).await;
    first.kill();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("sip-tls/device.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the private key is readable by roomd only"
        );
    }
    let second = Roomd::start_in(dir.path());
    assert_eq!(presented_fingerprint(second.sip_tls_port).await, before);
}
