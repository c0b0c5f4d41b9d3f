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

#[tokio::test]
async fn logins_by_subprotocol_and_refusals() {
    use base64::Engine;
    use tokio_tungstenite::tungstenite::Error;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let roomd = Roomd::start();
    let token =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("admin:{PASSWORD}"));
    let mut request = roomd.url(false).into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        format!("auth-{token}").parse().unwrap(),
    );
    let (_, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(
        response.headers().get("sec-websocket-protocol").unwrap(),
        &format!("auth-{token}"),
        "the chosen subprotocol is echoed, as browsers require"
    );
    let status_of = |r: Result<Client, String>| r.err().unwrap_or_default();
    let wrong = status_of(Client::connect(&roomd.url(false), "admin", "wrong").await);
    assert!(wrong.contains("403"), "{wrong}");
    let unknown = tokio_tungstenite::connect_async(roomd.url(false)).await;
    assert!(matches!(unknown, Err(Error::Http(ref r)) if r.status() == 401));
    // Guessing is slowed down: after five failures the address is refused with 503.
    for _ in 0..4 {
        let _ = Client::connect(&roomd.url(false), "admin", "guess").await;
    }
    let blocked = status_of(Client::connect(&roomd.url(false), "admin", PASSWORD).await);
    assert!(blocked.contains("503"), "{blocked}");
}

#[tokio::test]
async fn a_user_account_is_refused_admin_commands() {
    let roomd = Roomd::start();
    let mut admin = roomd.connect().await;
    admin
        .ok(
            "xCommand/UserManagement/User/Add",
            json!({"Username":"alice","Passphrase":"Secret-123","Role":["User"]}),
        )
        .await;
    let mut alice = Client::connect(&roomd.url(false), "alice", "Secret-123")
        .await
        .unwrap();
    let (code, _) = alice
        .err("xCommand/UserManagement/User/List", json!({}))
        .await;
    assert_eq!(code, -31999);
    assert_eq!(
        alice
            .ok("xGet", json!({"Path":"Status Audio Volume"}))
            .await,
        json!(50)
    );
    let users = admin
        .ok("xCommand/UserManagement/User/List", json!({}))
        .await;
    let names: Vec<&str> = users["User"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["Username"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["admin", "alice"]);
    admin
        .ok(
            "xCommand/UserManagement/User/Delete",
            json!({"Username":"alice"}),
        )
        .await;
    assert!(
        Client::connect(&roomd.url(false), "alice", "Secret-123")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn queries_and_schema_documents() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    let found = c
        .ok("xQuery", json!({"Query":["Status","**","Volume"]}))
        .await;
    assert_eq!(found, json!({"Status":{"Audio":{"Volume":50}}}));
    let doc = c
        .ok(
            "xDoc",
            json!({"Path":["Configuration","Audio","DefaultVolume"],"Type":"Schema"}),
        )
        .await;
    assert_eq!(doc["valuespace"]["Max"], "100");
    assert_eq!(doc["default"], "50");
    let doc = c.ok("xDoc", json!({"Path":"Command Dial"})).await;
    assert!(
        doc["params"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Number")
    );
}

#[tokio::test]
async fn boot_restarts_the_process_and_keeps_its_state() {
    let mut roomd = Roomd::start();
    let mut c = roomd.connect().await;
    c.ok(
        "xSet",
        json!({"Path":"Configuration Audio DefaultVolume","Value":45}),
    )
    .await;
    let pid = roomd.child.id();
    assert_eq!(
        c.ok("xCommand/SystemUnit/Boot", json!({})).await["status"],
        "OK"
    );
    let port = roomd
        .announced
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("roomd came back");
    assert_eq!(roomd.child.id(), pid, "the same process, started afresh");
    roomd.port = port;
    let mut c = roomd.connect().await;
    assert_eq!(
        c.ok("xGet", json!({"Path":"Status Audio Volume"})).await,
        json!(45)
    );
}
