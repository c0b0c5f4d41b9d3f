//! Macros, run for real: saved over the WebSocket API, run in their own processes, heard
//! through the bus as any client hears the device.

mod common;

use std::time::Duration;

use common::{Client, Roomd};
use serde_json::{Value as Json, json};

fn source(name: &str) -> String {
    std::fs::read_to_string(format!("tests/macros/{name}.js")).unwrap()
}

async fn install(c: &mut Client, name: &str, file: &str, activate: bool) {
    c.ok(
        "xCommand/Macros/Macro/Save",
        json!({"Name": name, "body": source(file)}),
    )
    .await;
    if activate {
        c.ok("xCommand/Macros/Macro/Activate", json!({"Name": name}))
            .await;
    }
}

/// Waits for an `Event Message Send` whose text satisfies `want`.
async fn message(c: &mut Client, want: impl Fn(&str) -> bool) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let n = tokio::time::timeout_at(deadline, c.next_feedback())
            .await
            .expect("the message came");
        if let Some(text) = n["params"]["Event"]["Message"]["Send"]["Text"].as_str()
            && want(text)
        {
            return text.to_string();
        }
    }
}

async fn listen_messages(c: &mut Client) {
    c.ok(
        "xFeedback/Subscribe",
        json!({"Query":["Event","Message","Send"]}),
    )
    .await;
}

async fn log_lines(c: &mut Client) -> Vec<Json> {
    c.ok("xCommand/Macros/Log/Get", json!({})).await["Log"]
        .as_array()
        .unwrap()
        .clone()
}

async fn wait_started(c: &mut Client, name: &str) {
    for _ in 0..200 {
        let status = c.ok("xCommand/Macros/Runtime/Status", json!({})).await;
        let running = status["Macro"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["Name"] == name && m["State"] == "Running");
        if running {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("macro {name} did not start: {:?}", log_lines(c).await);
}

#[tokio::test]
async fn a_saved_macro_hears_status_and_commands_the_device() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    listen_messages(&mut c).await;
    install(&mut c, "volume_echo", "volume_echo", true).await;
    wait_started(&mut c, "volume_echo").await;
    c.ok("xCommand/Audio/Volume/Set", json!({"Level": 42}))
        .await;
    let text = message(&mut c, |t| t.starts_with("volume is")).await;
    assert_eq!(text, "volume is 42 (string)");
    let log = log_lines(&mut c).await;
    assert!(
        log.iter()
            .any(|l| l["Macro"] == "volume_echo" && l["Message"] == "volume_echo started"),
        "{log:?}"
    );
}

#[tokio::test]
async fn legacy_macros_with_require_and_lowercase_paths() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    listen_messages(&mut c).await;
    install(&mut c, "legacy_require", "legacy_require", true).await;
    assert_eq!(
        message(&mut c, |t| t.starts_with("legacy")).await,
        "legacy sees volume 50"
    );
    c.ok("xCommand/Message/Send", json!({"Text": "ping"})).await;
    assert_eq!(
        message(&mut c, |t| t.starts_with("pong")).await,
        "pong from legacy_require"
    );
}

#[tokio::test]
async fn a_macro_imports_an_inactive_library_macro() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    listen_messages(&mut c).await;
    install(&mut c, "Lib_Helpers", "Lib_Helpers", false).await;
    install(&mut c, "uses_lib", "uses_lib", true).await;
    assert_eq!(
        message(&mut c, |t| t.starts_with("HELLO")).await,
        "HELLO! v2 from uses_lib main=uses_lib"
    );
}

#[tokio::test]
async fn list_feedback_gives_changed_fields_and_ghosts() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    listen_messages(&mut c).await;
    install(&mut c, "peripherals_watch", "peripherals_watch", true).await;
    wait_started(&mut c, "peripherals_watch").await;
    c.ok(
        "xCommand/Peripherals/Connect",
        json!({"ID":"cs-1","Type":"ControlSystem","Name":"Crestron"}),
    )
    .await;
    let first = message(&mut c, |t| t.starts_with("device")).await;
    let device: Json = serde_json::from_str(first.trim_start_matches("device ")).unwrap();
    assert_eq!(device["id"], "1");
    assert_eq!(device["Name"], "Crestron");
    assert_eq!(device["Status"], "Connected");
    // Only the status changes when the heartbeat stops.
    c.ok("xCommand/Simulation/Clock/Advance", json!({"Seconds": 61}))
        .await;
    let partial = message(&mut c, |t| t.starts_with("device")).await;
    assert_eq!(partial, r#"device {"id":"1","Status":"ResponseTimedOut"}"#);
    c.ok("xCommand/Peripherals/Purge", json!({"ID":"cs-1"}))
        .await;
    let ghost = message(&mut c, |t| t.starts_with("device")).await;
    assert_eq!(ghost, r#"device {"id":"1","ghost":"True"}"#);
}

#[tokio::test]
async fn timers_promises_and_errors_behave_as_on_roomos() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    listen_messages(&mut c).await;
    install(&mut c, "timers_promises", "timers_promises", true).await;
    assert_eq!(
        message(&mut c, |t| t.starts_with("timers")).await,
        "timers: slept, ticked 3, volume 50 standby Off, error code -32602, cm9vbWQ= roomd"
    );
}

#[tokio::test]
async fn storage_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut roomd = Roomd::start_in(dir.path());
    let mut c = roomd.connect().await;
    listen_messages(&mut c).await;
    install(&mut c, "storage_counter", "storage_counter", true).await;
    assert_eq!(
        message(&mut c, |t| t.starts_with("boots")).await,
        "boots 1 keys boots,last"
    );
    roomd.kill();
    let roomd = Roomd::start_in(dir.path());
    let mut c = roomd.connect().await;
    // The macro is still there and active, and starts by itself (perhaps before we could
    // listen: its log tells).
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let lines = log_lines(&mut c).await;
        if lines
            .iter()
            .any(|l| l["Message"] == "boots 2 keys boots,last")
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no second boot: {lines:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runaway loops, unbounded allocation, infinite recursion and a top-level error each stop
/// only their own macro; a good macro and a client keep working throughout; a macro that
/// keeps crashing ends deactivated.
#[tokio::test]
async fn bad_macros_stop_alone() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    c.ok(
        "xSet",
        json!({"Path":"Configuration Macros UnresponsiveTimeout","Value":1}),
    )
    .await;
    listen_messages(&mut c).await;
    install(&mut c, "volume_echo", "volume_echo", true).await;
    wait_started(&mut c, "volume_echo").await;
    for bad in ["spin", "hog", "recurse", "boom"] {
        install(&mut c, bad, bad, true).await;
    }
    let started = std::time::Instant::now();
    let mut level = 10;
    let mut seen: std::collections::HashMap<&str, String> = Default::default();
    let wanted = [
        ("spin", "unresponsive"),
        ("hog", "memory cap of 64 MB exceeded"),
        ("recurse", "recursive calls"),
        ("boom", "boom at start"),
    ];
    while seen.len() < wanted.len() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "only saw {seen:?}"
        );
        // The good macro answers and the client hears the device, all the while.
        level = if level == 10 { 11 } else { 10 };
        c.ok("xCommand/Audio/Volume/Set", json!({"Level": level}))
            .await;
        let echoed = message(&mut c, |t| t.starts_with("volume is")).await;
        assert_eq!(echoed, format!("volume is {level} (string)"));
        for line in log_lines(&mut c).await {
            let (Some(name), Some(text)) = (line["Macro"].as_str(), line["Message"].as_str())
            else {
                continue;
            };
            for (bad, why) in wanted {
                if name == bad && text.contains(why) {
                    seen.insert(bad, text.to_string());
                }
            }
        }
    }
    assert!(
        seen["boom"].contains("boom.js:3"),
        "the line of the error: {}",
        seen["boom"]
    );
    // boom fails at every start: after five tries it is deactivated, visibly.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let got = c
            .ok("xCommand/Macros/Macro/Get", json!({"Name":"boom"}))
            .await;
        if got["Macro"][0]["Active"] == "False" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "boom was never deactivated"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let log = log_lines(&mut c).await;
    assert!(log.iter().any(|l| l["Macro"] == "boom" && l["Message"].as_str().unwrap().contains("deactivated")));
}

/// A small local web server for HttpClient tests.
async fn web_server() -> std::net::SocketAddr {
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::{get, post};
    let app = axum::Router::new()
        .route(
            "/hello",
            get(|headers: HeaderMap| async move {
                if headers.get("x-test").is_some_and(|v| v == "yes") {
                    (StatusCode::OK, r#"{"greeting":"hi"}"#)
                } else {
                    (StatusCode::BAD_REQUEST, "missing header")
                }
            }),
        )
        .route("/echo", post(|body: String| async move { body }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                "slow"
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

#[tokio::test]
async fn http_client_from_a_macro() {
    let server = web_server().await;
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    c.ok(
        "xSet",
        json!({"Path":"Configuration HttpClient Mode","Value":"On"}),
    )
    .await;
    listen_messages(&mut c).await;
    let source = source("http_macro").replace("__BASE__", &format!("http://{server}"));
    c.ok(
        "xCommand/Macros/Macro/Save",
        json!({"Name": "http_macro", "body": source}),
    )
    .await;
    let started = std::time::Instant::now();
    c.ok(
        "xCommand/Macros/Macro/Activate",
        json!({"Name": "http_macro"}),
    )
    .await;
    let text = message(&mut c, |t| t.starts_with("http:")).await;
    assert_eq!(
        text,
        "http: get 200 hi, post Atlantis, missing 1 404, parallel slow+slow+slow, Invalid URL specified"
    );
    // Three 300 ms requests ran side by side.
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn http_client_follows_its_configuration() {
    let server = web_server().await;
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    let url = format!("http://{server}/hello");
    let (code, message) = c.err("xCommand/HttpClient/Get", json!({"Url": url})).await;
    assert_eq!((code, message.contains("Mode")), (1, true), "{message}");
    c.ok(
        "xSet",
        json!({"Path":"Configuration HttpClient Mode","Value":"On"}),
    )
    .await;
    c.ok(
        "xSet",
        json!({"Path":"Configuration HttpClient AllowHTTP","Value":"False"}),
    )
    .await;
    let (_, message) = c.err("xCommand/HttpClient/Get", json!({"Url": url})).await;
    assert!(message.contains("AllowHTTP"), "{message}");
    c.ok(
        "xSet",
        json!({"Path":"Configuration HttpClient AllowHTTP","Value":"True"}),
    )
    .await;
    c.ok(
        "xCommand/HttpClient/Allow/Hostname/Add",
        json!({"Expression": "example\\.com"}),
    )
    .await;
    let (_, message) = c.err("xCommand/HttpClient/Get", json!({"Url": url})).await;
    assert!(message.contains("allow-list"), "{message}");
    c.ok(
        "xCommand/HttpClient/Allow/Hostname/Add",
        json!({"Expression": "127\\.0\\.0\\.[0-9]+"}),
    )
    .await;
    let result = c
        .ok(
            "xCommand/HttpClient/Get",
            json!({"Url": url, "Header": "X-Test: yes"}),
        )
        .await;
    assert_eq!(result["StatusCode"], 200);
    // For Get the schema's ResultBody default is PlainText.
    assert_eq!(result["Body"], r#"{"greeting":"hi"}"#);
}

#[tokio::test]
async fn a_widget_driven_macro_answers_the_touch_panel() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    listen_messages(&mut c).await;
    install(&mut c, "widget_macro", "widget_macro", true).await;
    assert_eq!(
        message(&mut c, |t| t.starts_with("widget_macro")).await,
        "widget_macro ready"
    );
    let panels = c
        .ok("xCommand/UserInterface/Extensions/List", json!({}))
        .await;
    let ids: Vec<&str> = panels["Extensions"]["Panel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["PanelId"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"lights"), "{ids:?}");
    // A press is not a click: the macro stays quiet.
    c.ok(
        "xCommand/UserInterface/Extensions/Widget/Action",
        json!({"WidgetId":"lights_on","Type":"pressed"}),
    )
    .await;
    c.ok(
        "xCommand/UserInterface/Extensions/Widget/Action",
        json!({"WidgetId":"lights_on","Type":"clicked"}),
    )
    .await;
    assert_eq!(
        message(&mut c, |t| t.starts_with("lights")).await,
        "lights on: "
    );
    let widgets = c
        .ok(
            "xGet",
            json!({"Path":"Status UserInterface Extensions Widget"}),
        )
        .await;
    assert_eq!(widgets, json!([{"id":1,"WidgetId":"level","Value":"70"}]));
    // A value no slider can take is refused, and nothing changes.
    let (code, _) = c
        .err(
            "xCommand/UserInterface/Extensions/Widget/Action",
            json!({"WidgetId":"level","Type":"changed","Value":"300"}),
        )
        .await;
    assert_eq!(code, 1);
}

/// The macro processes of a device that dies (even by SIGKILL, with a macro spinning and no
/// watchdog) go with it.
#[tokio::test]
async fn macros_never_outlive_their_device() {
    let mut roomd = Roomd::start();
    let mut c = roomd.connect().await;
    c.ok(
        "xSet",
        json!({"Path":"Configuration Macros UnresponsiveTimeout","Value":0}),
    )
    .await;
    install(&mut c, "spin", "spin", true).await;
    let pid = roomd.child.id();
    let children = || -> Vec<u32> {
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task"))
            .into_iter()
            .flatten();
        tasks
            .flatten()
            .filter_map(|t| std::fs::read_to_string(t.path().join("children")).ok())
            .flat_map(|s| {
                s.split_whitespace()
                    .filter_map(|p| p.parse().ok())
                    .collect::<Vec<u32>>()
            })
            .collect()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let hosts = loop {
        let found = children();
        if !found.is_empty() {
            break found;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no macro process started"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    tokio::time::sleep(Duration::from_millis(300)).await; // spinning now
    roomd.kill();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while hosts.iter().any(|p| {
        std::path::Path::new(&format!("/proc/{p}")).exists()
            && !std::fs::read_to_string(format!("/proc/{p}/stat"))
                .unwrap_or_default()
                .contains(") Z ")
    }) {
        assert!(
            std::time::Instant::now() < deadline,
            "macro processes {hosts:?} outlived roomd"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
