//! roomd's SIP side against real peers on loopback: SIPp (the `sip-tester` package) as a
//! caller and as a callee, driven through the xAPI like a user would. `./scripts/test`
//! installs the peers; a missing one fails the test rather than skipping it.

mod common;

use std::net::UdpSocket;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::Roomd;
use serde_json::json;

/// A UDP port nobody uses right now.
fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// SIPp with a scenario, in its own directory so its logs stay together.
fn sipp(dir: &Path, args: &[String]) -> Command {
    let mut cmd = Command::new("sipp");
    cmd.current_dir(dir)
        .args(args)
        .args(["-nostdin", "-trace_err", "-trace_msg"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// SIPp's built-in caller placing one call to roomd's user `roomd`, from `local_port`, with
/// `extra` options; it fails on a timeout.
fn uac_args(roomd_port: u16, local_port: u16, extra: &[&str]) -> Vec<String> {
    let mut args = strings(&[
        "-sn",
        "uac",
        &format!("127.0.0.1:{roomd_port}"),
        "-s",
        "roomd",
        "-i",
        "127.0.0.1",
        "-p",
        &local_port.to_string(),
        "-m",
        "1",
        "-timeout_error",
    ]);
    args.extend(strings(extra));
    args
}

/// SIPp's own account of what went wrong, for failure messages.
fn sipp_logs(dir: &Path) -> String {
    let mut out = String::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.ends_with("_errors.log") || name.ends_with("_messages.log") {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let tail: String = text
                .chars()
                .rev()
                .take(6000)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            out.push_str(&format!("--- {name}\n{tail}\n"));
        }
    }
    out
}

/// `Status SystemUnit State NumberOfActiveCalls`, as a client reads it.
async fn active_calls(c: &mut common::Client) -> serde_json::Value {
    c.ok(
        "xGet",
        json!({"Path": ["Status", "SystemUnit", "State", "NumberOfActiveCalls"]}),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn sipp_calls_roomd_and_auto_answer_takes_the_call() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    c.configure("Conference AutoAnswer Mode", "On").await;
    c.subscribe(&["Event", "CallSuccessful"]).await;
    c.subscribe(&["Event", "CallDisconnect"]).await;

    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let args = uac_args(
        roomd.sip_port,
        port,
        &["-d", "1000", "-recv_timeout", "10000", "-timeout", "30"],
    );
    let run = tokio::task::spawn_blocking({
        let dir = dir.path().to_path_buf();
        move || {
            sipp(&dir, &args)
                .output()
                .expect("sipp runs (installed by scripts/test)")
        }
    });
    let success = c
        .wait_feedback(20, "CallSuccessful", |p| {
            p.pointer("/Event/CallSuccessful").is_some()
        })
        .await;
    assert_eq!(success["Event"]["CallSuccessful"]["Direction"], "incoming");
    let output = run.await.unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "sipp failed: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        sipp_logs(dir.path())
    );
    let ended = c
        .wait_feedback(10, "CallDisconnect", |p| {
            p.pointer("/Event/CallDisconnect").is_some()
        })
        .await;
    let cause = &ended["Event"]["CallDisconnect"];
    assert_eq!(cause["CauseType"], "RemoteDisconnect", "{cause}");
    assert_eq!(cause["OrigCallDirection"], "incoming");
    assert_eq!(active_calls(&mut c).await, json!(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dial_from_the_xapi_is_answered_by_sipp() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    c.subscribe(&["Status", "Call"]).await;
    c.subscribe(&["Event", "CallDisconnect"]).await;

    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let args = strings(&[
        "-sn",
        "uas",
        "-i",
        "127.0.0.1",
        "-p",
        &port.to_string(),
        "-m",
        "1",
        "-timeout",
        "30",
        "-timeout_error",
    ]);
    let uas = {
        let dir = dir.path().to_path_buf();
        sipp(&dir, &args)
            .spawn()
            .expect("sipp runs (installed by scripts/test)")
    };
    // SIPp binds its port at start; give it a moment before calling it.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let dialled = c
        .ok(
            "xCommand/Dial",
            json!({"Number": format!("sip:service@127.0.0.1:{port}")}),
        )
        .await;
    let call_id = dialled["CallId"].as_u64().expect("a CallId");
    let first = c
        .wait_feedback(5, "Call Status", |p| {
            p.pointer("/Status/Call/0/Status").is_some()
        })
        .await;
    assert_eq!(first["Status"]["Call"][0]["Status"], "Dialling");
    assert_eq!(first["Status"]["Call"][0]["id"], json!(call_id));
    c.wait_feedback(10, "Connected", |p| {
        p.pointer("/Status/Call/0/Status") == Some(&json!("Connected"))
    })
    .await;
    let call = c
        .ok("xGet", json!({"Path": ["Status", "Call", call_id]}))
        .await;
    assert_eq!(call["Direction"], "Outgoing");
    assert_eq!(call["Protocol"], "SIP");
    assert_eq!(call["RemoteNumber"], format!("service@127.0.0.1:{port}"));

    c.ok("xCommand/Call/Disconnect", json!({"CallId": call_id}))
        .await;
    let ended = c
        .wait_feedback(10, "CallDisconnect", |p| {
            p.pointer("/Event/CallDisconnect").is_some()
        })
        .await;
    assert_eq!(
        ended["Event"]["CallDisconnect"]["CauseType"],
        "LocalDisconnect"
    );
    let status = tokio::task::spawn_blocking(move || uas.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(
        status.status.code(),
        Some(0),
        "sipp uas failed: {}\n{}",
        String::from_utf8_lossy(&status.stderr),
        sipp_logs(dir.path())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plain_offer_to_a_device_requiring_encryption_is_refused_with_488() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    c.configure("Conference Encryption Mode", "On").await;
    tokio::time::sleep(Duration::from_millis(400)).await; // the SIP side picks it up
    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let args = uac_args(
        roomd.sip_port,
        port,
        &["-recv_timeout", "5000", "-timeout", "20"],
    );
    let run_dir = dir.path().to_path_buf();
    let output = tokio::task::spawn_blocking(move || sipp(&run_dir, &args).output().unwrap())
        .await
        .unwrap();
    // SIPp's uac expects a 200: a 488 makes its one call fail.
    assert_eq!(output.status.code(), Some(1));
    let logs = sipp_logs(dir.path());
    assert!(logs.contains("SIP/2.0 488 Not Acceptable Here"), "{logs}");
    assert_eq!(active_calls(&mut c).await, json!(0));
}
