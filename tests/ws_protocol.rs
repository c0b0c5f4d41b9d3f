//! The xAPI over WebSocket, driven by a bare JSON-RPC client against a running roomd.

mod common;

use common::{Client, PASSWORD, Roomd};
use serde_json::json;

#[tokio::test]
async fn get_set_and_command() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    assert_eq!(
        c.ok(
            "xGet",
            json!({"Path":["Status","SystemUnit","ProductPlatform"]})
        )
        .await,
        json!("Codec Pro")
    );
    assert_eq!(
        c.ok(
            "xSet",
            json!({"Path":["Configuration","Audio","DefaultVolume"],"Value":30})
        )
        .await,
        json!(true)
    );
    assert_eq!(
        c.ok("xGet", json!({"Path":"configuration audio defaultvolume"}))
            .await,
        json!(30)
    );
    let (code, message) = c
        .err(
            "xSet",
            json!({"Path":["Configuration","Audio","DefaultVolume"],"Value":1000}),
        )
        .await;
    assert_eq!(code, -32602);
    assert!(message.contains("0..100"), "{message}");
    assert_eq!(
        c.ok(
            "xGet",
            json!({"Path":["Configuration","Audio","DefaultVolume"]})
        )
        .await,
        json!(30)
    );
    let result = c
        .ok("xCommand/Audio/Volume/Set", json!({"level": 40}))
        .await;
    assert_eq!(result["status"], "OK");
    assert_eq!(
        c.ok("xGet", json!({"Path":["Status","Audio","Volume"]}))
            .await,
        json!(40)
    );
    let (code, _) = c.err("xCommand/Dila", json!({})).await;
    assert_eq!(code, -32601);
    let (code, message) = c
        .err(
            "xCommand/Cameras/AutoFocus/Diagnostics/Start",
            json!({"CameraId":1}),
        )
        .await;
    assert_eq!(code, 1);
    assert!(message.contains("not implemented"), "{message}");
}

#[tokio::test]
async fn legacy_gives_strings() {
    let roomd = Roomd::start();
    let mut c = Client::connect(&roomd.url(true), "admin", PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        c.ok("xGet", json!({"Path":["Status","Audio","Volume"]}))
            .await,
        json!("50")
    );
}

#[tokio::test]
async fn feedback_delivers_changes_and_ghosts() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    let sub = c
        .ok(
            "xFeedback/Subscribe",
            json!({"Query":["Status","Audio","Volume"],"NotifyCurrentValue":true}),
        )
        .await;
    let id = sub["Id"].clone();
    let first = c.next_feedback().await;
    assert_eq!(
        first["params"],
        json!({"Id": id, "Status":{"Audio":{"Volume":50}}})
    );
    c.ok("xCommand/Audio/Volume/Set", json!({"Level": 60}))
        .await;
    let change = c.next_feedback().await;
    assert_eq!(
        change["params"],
        json!({"Id": id, "Status":{"Audio":{"Volume":60}}})
    );

    let peripherals = c
        .ok(
            "xFeedback/Subscribe",
            json!({"Query":["Status","Peripherals","ConnectedDevice"]}),
        )
        .await["Id"]
        .clone();
    c.ok(
        "xCommand/Peripherals/Connect",
        json!({"ID":"crestron-1","Type":"ControlSystem","Name":"Crestron"}),
    )
    .await;
    let connected = c.next_feedback().await;
    assert_eq!(connected["params"]["Id"], peripherals);
    let device = &connected["params"]["Status"]["Peripherals"]["ConnectedDevice"][0];
    assert_eq!(device["id"], 1);
    assert_eq!(device["Status"], "Connected");
    assert_eq!(device["Name"], "Crestron");
    c.ok("xCommand/Peripherals/Purge", json!({"ID":"crestron-1"}))
        .await;
    let gone = c.next_feedback().await;
    assert_eq!(
        gone["params"]["Status"],
        json!({"Peripherals":{"ConnectedDevice":[{"id":1,"ghost":"True"}]}})
    );
}
