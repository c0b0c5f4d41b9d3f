//! `xCommand SystemUnit SoftwareUpgrade URL:` downloads an image over HTTP, installs it with
//! progress in `Status Provisioning Software UpgradeStatus`, and reboots into it.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

use serde_json::{Value as Json, json};

use super::common::{Client, Roomd};
use super::support::*;

/// Serves `body` at `/roomd.tar` and 404 elsewhere; the server's address.
fn serve(body: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            let _ = reader.read_line(&mut request);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let found = request.starts_with("GET /roomd.tar ");
            let (head, body): (&str, &[u8]) = if found {
                ("200 OK", &body)
            } else {
                ("404 Not Found", b"")
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {head}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(body);
        }
    });
    format!("http://{addr}")
}

/// Upgrade status feedback until `Status` is one of `ends`; the messages seen and the end.
async fn follow_upgrade(c: &mut Client, ends: &[&str]) -> (Vec<String>, String) {
    let mut messages = Vec::new();
    loop {
        let fb = tokio::time::timeout(Duration::from_secs(60), c.next_feedback())
            .await
            .expect("upgrade feedback within 60 s");
        let upgrade: &Json = &fb["params"]["Status"]["Provisioning"]["Software"]["UpgradeStatus"];
        if let Some(m) = upgrade["Message"].as_str() {
            messages.push(m.to_string());
        }
        if let Some(status) = upgrade["Status"].as_str()
            && ends.contains(&status)
        {
            return (messages, status.to_string());
        }
    }
}

#[tokio::test]
async fn software_upgrade_downloads_installs_and_reboots_into_the_image() {
    let dir = tempfile::tempdir().unwrap();
    let (root, data) = (dir.path().join("flash"), dir.path().join("data"));
    install(&build_image(dir.path(), "0.1.0", None), &root, &[]);
    let image = build_image(dir.path(), "0.2.0", None);
    let server = serve(std::fs::read(&image).unwrap());
    let mut boot = Launcher::start(&root, &data, 60);
    boot.wait_line(60, |l| l == "boot: committed slot a 0.1.0");
    let mut c = Client::connect(
        &format!("ws://127.0.0.1:{}/ws", boot.next_port()),
        "admin",
        PASSWORD,
    )
    .await
    .unwrap();
    c.subscribe(&["Status", "Provisioning", "Software", "UpgradeStatus"])
        .await;

    let missing = json!({"URL": format!("{server}/missing.tar")});
    c.ok("xCommand/SystemUnit/SoftwareUpgrade", missing).await;
    let (messages, end) = follow_upgrade(&mut c, &["Failed", "Succeeded"]).await;
    assert_eq!(end, "Failed");
    assert_eq!(
        messages.last().unwrap(),
        "download failed: HTTP 404 Not Found"
    );

    let url = json!({"URL": format!("{server}/roomd.tar")});
    c.ok("xCommand/SystemUnit/SoftwareUpgrade", url).await;
    let (messages, end) = follow_upgrade(&mut c, &["Failed", "Succeeded"]).await;
    assert_eq!(end, "Succeeded", "{messages:?}");
    for step in [
        "Downloading: 100%",
        "Installing: 100%",
        "Installed 0.2.0; rebooting",
    ] {
        assert!(messages.iter().any(|m| m == step), "{step} in {messages:?}");
    }
    boot.wait_line(30, |l| l == "boot: rebooting");
    boot.wait_line(60, |l| l == "boot: committed slot b 0.2.0");
}

#[tokio::test]
async fn a_device_without_slots_says_so() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    let (_, message) = c
        .err(
            "xCommand/SystemUnit/SoftwareUpgrade",
            json!({"URL": "http://127.0.0.1:9/roomd.tar"}),
        )
        .await;
    assert_eq!(
        message,
        "this device has no firmware slots (run with --firmware-root)"
    );
}
