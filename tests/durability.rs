//! Configuration and accounts survive restarts, `kill -9` and damaged files.

mod common;

use std::time::Duration;

use common::{Client, PASSWORD, Roomd};
use serde_json::json;

#[tokio::test]
async fn configuration_and_accounts_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut roomd = Roomd::start_in(dir.path());
    let mut c = roomd.connect().await;
    c.ok(
        "xSet",
        json!({"Path":"Configuration Audio DefaultVolume","Value":35}),
    )
    .await;
    c.ok(
        "xSet",
        json!({"Path":"Configuration SIP Proxy 2 Address","Value":"proxy.example.com"}),
    )
    .await;
    c.ok(
        "xCommand/UserManagement/User/Add",
        json!({"Username":"bob","Passphrase":"pw-bob-1","Role":["User"]}),
    )
    .await;
    roomd.kill();
    let roomd = Roomd::start_in(dir.path());
    let mut c = roomd.connect().await;
    assert_eq!(
        c.ok("xGet", json!({"Path":"Configuration Audio DefaultVolume"}))
            .await,
        json!(35)
    );
    assert_eq!(
        c.ok("xGet", json!({"Path":"Status Audio Volume"})).await,
        json!(35),
        "DefaultVolume applied at start"
    );
    assert_eq!(
        c.ok(
            "xGet",
            json!({"Path":["Configuration","SIP","Proxy",2,"Address"]})
        )
        .await,
        json!("proxy.example.com")
    );
    assert!(
        Client::connect(&roomd.url(false), "bob", "pw-bob-1")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_damaged_configuration_file_is_set_aside_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let mut roomd = Roomd::start_in(dir.path());
    let mut c = roomd.connect().await;
    c.ok(
        "xSet",
        json!({"Path":"Configuration Audio DefaultVolume","Value":35}),
    )
    .await;
    roomd.kill();
    let path = dir.path().join("config.json");
    let mut bytes = std::fs::read(&path).unwrap();
    let n = bytes.len();
    bytes[n - 3] ^= 0x20;
    std::fs::write(&path, bytes).unwrap();
    let roomd = Roomd::start_in(dir.path());
    let mut c = roomd.connect().await;
    assert_eq!(
        c.ok("xGet", json!({"Path":"Configuration Audio DefaultVolume"}))
            .await,
        json!(50)
    );
    let aside = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().contains("corrupt"));
    assert!(aside, "the damaged file was kept for inspection");
}

/// Writes configuration as fast as possible while killing roomd at random moments. After
/// every restart the stored value must be the last acknowledged one or the one in flight,
/// and no file may be damaged (a torn file would fail its checksum and be set aside).
#[tokio::test]
async fn kill_dash_nine_never_tears_or_loses_a_value() {
    let dir = tempfile::tempdir().unwrap();
    // A large value makes the file span several blocks, so a torn write would show.
    let url = format!("https://signage.example.com/{}", "x".repeat(2000));
    let mut acked: Option<i64> = None;
    let mut in_flight: Option<i64> = None;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    // Kills after a write reached the disk but before its answer reached us.
    let mut landed_mid_write = 0;
    for kill in 0..200 {
        let mut roomd = Roomd::start_in(dir.path());
        let mut c = Client::connect(&roomd.url(false), "admin", PASSWORD)
            .await
            .unwrap();
        let stored = c
            .ok("xGet", json!({"Path":"Configuration Audio DefaultVolume"}))
            .await
            .as_i64()
            .unwrap();
        if let Some(last) = acked {
            assert!(
                stored == last || Some(stored) == in_flight,
                "after kill {kill}: stored {stored}, acknowledged {last}, in flight {in_flight:?}"
            );
            let kept = c
                .ok("xGet", json!({"Path":"Configuration Standby Signage Url"}))
                .await;
            assert_eq!(kept, json!(url), "after kill {kill}");
        } else {
            c.ok(
                "xSet",
                json!({"Path":"Configuration Standby Signage Url","Value":url}),
            )
            .await;
        }
        if acked.is_some_and(|a| a != stored) {
            landed_mid_write += 1;
        }
        acked = Some(stored);
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let deadline = tokio::time::Instant::now() + Duration::from_micros(seed % 30_000);
        let mut next = (stored + 1) % 101;
        loop {
            in_flight = Some(next);
            let set = c.call(
                "xSet",
                json!({"Path":"Configuration Audio DefaultVolume","Value":next}),
            );
            match tokio::time::timeout_at(deadline, set).await {
                Ok(reply) => {
                    assert_eq!(reply["result"], json!(true), "{reply}");
                    acked = Some(next);
                    next = (next + 1) % 101;
                }
                Err(_) => break,
            }
        }
        roomd.kill();
    }
    eprintln!("200 kills; {landed_mid_write} landed between a write and its answer");
    let damaged: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("corrupt"))
        .collect();
    assert!(damaged.is_empty(), "damaged files: {damaged:?}");
}
