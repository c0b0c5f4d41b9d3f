//! Malformed and hostile input over the WebSocket: roomd answers with the right error, or
//! disconnects with a reason, and never crashes or grows without bound.

mod common;

use std::time::Duration;

use common::{Client, Roomd};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value as Json, json};
use tokio_tungstenite::tungstenite::Message;

async fn raw(c: &mut Client, text: &str) -> Json {
    c.send_text(text).await;
    c.recv().await
}

fn code(reply: &Json) -> i64 {
    reply["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("not an error: {reply}"))
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[tokio::test]
async fn malformed_requests_get_json_rpc_errors() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    let r = raw(&mut c, "{not json").await;
    assert_eq!((code(&r), r["id"].clone()), (-32700, Json::Null));
    assert_eq!(code(&raw(&mut c, "[]").await), -32600);
    assert_eq!(code(&raw(&mut c, "42").await), -32600);
    assert_eq!(
        code(&raw(&mut c, r#"{"jsonrpc":"2.0","id":1,"method":5}"#).await),
        -32600
    );
    assert_eq!(
        code(&raw(&mut c, r#"{"jsonrpc":"2.0","id":{"x":1},"method":"xGet"}"#).await),
        -32600
    );
    let r = raw(
        &mut c,
        r#"{"jsonrpc":"2.0","id":7,"method":"xGet","params":[1,2]}"#,
    )
    .await;
    assert_eq!(
        (code(&r), r["id"].clone()),
        (-32602, json!(7)),
        "ids keep their JSON type"
    );
    assert_eq!(
        code(
            &raw(
                &mut c,
                r#"{"jsonrpc":"2.0","id":"8","method":"xGet","params":{}}"#
            )
            .await
        ),
        -32602
    );
    assert_eq!(
        code(
            &raw(
                &mut c,
                r#"{"jsonrpc":"2.0","id":"9","method":"xGet","params":{"Path":[{"a":1}]}}"#
            )
            .await
        ),
        -32602
    );
    assert_eq!(
        code(
            &raw(
                &mut c,
                r#"{"jsonrpc":"2.0","id":"10","method":"xFrobnicate"}"#
            )
            .await
        ),
        -32601
    );
    assert_eq!(code(&raw(&mut c, r#"{"jsonrpc":"2.0","id":"11","method":"xGet","params":{"Path":["Status","No","Such"]}}"#).await), -32602);
    assert_eq!(code(&raw(&mut c, r#"{"jsonrpc":"2.0","id":"12","method":"xCommand/Audio/Volume/Set","params":{"Level":"loud"}}"#).await), -32602);
    assert_eq!(
        code(
            &raw(
                &mut c,
                r#"{"jsonrpc":"2.0","id":"13","method":"xFeedback/Unsubscribe","params":{"Id":99}}"#
            )
            .await
        ),
        -32602
    );
    // A batch gets a batch of answers; the connection still works afterwards.
    let batch = raw(&mut c, r#"[{"jsonrpc":"2.0","id":1,"method":"xGet","params":{"Path":"Status Audio Volume"}},{"jsonrpc":"2.0","id":2,"method":"nope"}]"#).await;
    assert_eq!(batch[0]["result"], json!(50));
    assert_eq!(code(&batch[1]), -32601);
    assert_eq!(
        c.ok("xGet", json!({"Path":"Status Standby State"})).await,
        json!("Off")
    );
}

#[tokio::test]
async fn a_ten_megabyte_frame_is_refused_and_the_device_carries_on() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    let huge = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"xCommand/Message/Send","params":{{"Text":"{}"}}}}"#,
        "a".repeat(10 << 20)
    );
    let _ = c.ws.send(Message::Text(huge.into())).await;
    let end = tokio::time::timeout(Duration::from_secs(10), c.ws.next())
        .await
        .unwrap();
    match end {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 1009),
        Some(Ok(other)) => panic!("expected a close, got {other:?}"),
        Some(Err(_)) | None => {}
    }
    let mut other = roomd.connect().await;
    assert_eq!(
        other
            .ok("xGet", json!({"Path":"Status Audio Volume"}))
            .await,
        json!(50)
    );
}

#[tokio::test]
async fn subscriptions_are_capped() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    let mut refused = 0;
    for _ in 0..1000 {
        let reply = c
            .call(
                "xFeedback/Subscribe",
                json!({"Query":["Status","Audio","Volume"]}),
            )
            .await;
        if reply.get("error").is_some() {
            assert_eq!(code(&reply), -31998);
            refused += 1;
        }
    }
    assert_eq!(refused, 1000 - 256);
    // Every accepted subscription gets its own notification.
    c.ok("xCommand/Audio/Volume/Set", json!({"Level": 20}))
        .await;
    let mut ids = std::collections::HashSet::new();
    while ids.len() < 256 {
        let n = c.next_feedback().await;
        ids.insert(n["params"]["Id"].as_u64().unwrap());
    }
}

#[tokio::test]
async fn a_client_that_never_reads_is_disconnected_with_bounded_memory() {
    let roomd = Roomd::start();
    let pid = roomd.child.id();
    let mut stuck = roomd.connect().await;
    let before = rss_kib(pid);
    // Each answer is the whole configuration tree, tens of kilobytes; never read them.
    let query =
        r#"{"jsonrpc":"2.0","id":1,"method":"xQuery","params":{"Query":["Configuration","**"]}}"#;
    let mut sent = 0;
    for _ in 0..3000 {
        let send = stuck.ws.send(Message::Text(query.into()));
        match tokio::time::timeout(Duration::from_secs(2), send).await {
            Ok(Ok(())) => sent += 1,
            _ => break,
        }
    }
    assert!(sent > 300, "sent {sent}");
    let peak = rss_kib(pid);
    // Meanwhile everybody else is served.
    let mut other = roomd.connect().await;
    assert_eq!(
        other
            .ok("xGet", json!({"Path":"Status Audio Volume"}))
            .await,
        json!(50)
    );
    // Draining what the kernel buffered ends in the connection being closed by roomd.
    let closed = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(Ok(m)) = stuck.ws.next().await {
            if m.is_close() {
                break;
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "roomd closed the stuck connection");
    assert!(
        peak < before + 128 * 1024,
        "memory grew from {before} KiB to {peak} KiB"
    );
}
