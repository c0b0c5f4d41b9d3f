//! Video outputs, presentation, and the shipped display-swap macro on the simulated board:
//! what a person in the room would see on each display.

mod common;

use std::time::{Duration, Instant};

use common::{Client, Roomd};
use serde_json::{Value as Json, json};

async fn contents(c: &mut Client) -> Json {
    c.ok("xGet", json!({"Path":"Status Simulation Display"}))
        .await
}

/// What the displays show once nothing has changed for half a second.
async fn settled(c: &mut Client) -> Json {
    let mut last = contents(c).await;
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = contents(c).await;
        if now == last {
            return now;
        }
        last = now;
    }
    panic!("the displays never settled: {last}");
}

/// Waits until display `n` shows `want`, within `within`.
async fn shows(c: &mut Client, n: u64, want: &str, within: Duration) {
    let start = Instant::now();
    loop {
        let displays = contents(c).await;
        let now = displays
            .as_array()
            .and_then(|a| a.iter().find(|d| d["id"] == n))
            .map(|d| d["Content"].as_str().unwrap_or("").to_string());
        if now.as_deref() == Some(want) {
            return;
        }
        assert!(
            start.elapsed() < within,
            "display {n} shows {now:?}, not {want:?}, after {within:?}: {displays}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn macro_running(c: &mut Client, name: &str) {
    let start = Instant::now();
    loop {
        let status = c.ok("xCommand/Macros/Runtime/Status", json!({})).await;
        let macros = status["Macro"].as_array().unwrap();
        if macros
            .iter()
            .any(|m| m["Name"] == name && m["State"] == "Running")
        {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{name} is not running: {status}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn plug_two_displays(c: &mut Client) {
    c.ok(
        "xCommand/Simulation/Display/Connect",
        json!({"Connector":1,"Width":1920,"Height":1080,"Name":"Small"}),
    )
    .await;
    c.ok(
        "xCommand/Simulation/Display/Connect",
        json!({"Connector":2,"Width":3840,"Height":2160,"Name":"Large","ScreenSize":75}),
    )
    .await;
}

const SOON: Duration = Duration::from_millis(500);

#[tokio::test]
async fn the_presentation_lands_on_the_biggest_display() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    macro_running(&mut c, "display-swap").await;
    the_field_story(&mut c).await;
}

/// The same story with display-swap off and a RoomOS-style macro that uses the video matrix.
#[tokio::test]
async fn the_same_with_a_video_matrix_macro() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    macro_running(&mut c, "display-swap").await;
    c.ok(
        "xCommand/Macros/Macro/Deactivate",
        json!({"Name":"display-swap"}),
    )
    .await;
    let source = std::fs::read_to_string("tests/macros/matrix-swap.js").unwrap();
    c.ok(
        "xCommand/Macros/Macro/Save",
        json!({"Name":"matrix-swap","body":source}),
    )
    .await;
    c.ok(
        "xCommand/Macros/Macro/Activate",
        json!({"Name":"matrix-swap"}),
    )
    .await;
    macro_running(&mut c, "matrix-swap").await;
    the_field_story(&mut c).await;
}

/// Two displays, presentations local and remote, the swap button, re-plugged cables and a
/// third display: the large display always shows what the story says.
/// Puts the device in a call with a second, auto-answering roomd (kept alive by the caller):
/// the field story happens in calls, where Main is the far end.
async fn in_call(c: &mut Client) -> Roomd {
    let far = Roomd::start();
    let mut f = far.connect().await;
    f.configure("Conference AutoAnswer Mode", "On").await;
    let dialled = c
        .ok(
            "xCommand/Dial",
            json!({"Number": format!("sip:far@127.0.0.1:{}", far.sip_port)}),
        )
        .await;
    let id = dialled["CallId"].as_u64().unwrap();
    let start = Instant::now();
    loop {
        let status = c
            .call("xGet", json!({"Path": ["Status", "Call", id, "Status"]}))
            .await;
        if status["result"] == "Connected" {
            return far;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the call did not connect"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn the_field_story(c: &mut Client) {
    let _far = in_call(c).await;
    plug_two_displays(c).await;
    // No presentation: the large display shows people.
    shows(c, 2, "Main", Duration::from_secs(3)).await;
    // Presenting from HDMI 2 moves the presentation to the large display.
    c.ok("xCommand/Simulation/Input/Connect", json!({"Connector":2}))
        .await;
    c.ok("xCommand/Presentation/Start", json!({"ConnectorId":2}))
        .await;
    shows(c, 2, "Presentation", SOON).await;
    shows(c, 1, "Main", SOON).await;
    assert_eq!(
        c.ok(
            "xGet",
            json!({"Path":"Status Conference Presentation Mode"})
        )
        .await,
        "Sending"
    );
    c.ok("xCommand/Presentation/Stop", json!({})).await;
    shows(c, 2, "Main", SOON).await;
    // A presentation from the far end does the same.
    c.ok("xCommand/Simulation/RemotePresentation/Start", json!({}))
        .await;
    shows(c, 2, "Presentation", SOON).await;
    shows(c, 1, "Main", SOON).await;
    // The swap button swaps; the next presentation change returns to automatic.
    c.ok(
        "xCommand/UserInterface/Extensions/Widget/Action",
        json!({"WidgetId":"display_swap_button","Type":"clicked"}),
    )
    .await;
    shows(c, 1, "Presentation", SOON).await;
    shows(c, 2, "Main", SOON).await;
    c.ok("xCommand/Simulation/RemotePresentation/Stop", json!({}))
        .await;
    shows(c, 2, "Main", SOON).await;
    // Swapping the cables re-ranks the displays.
    c.ok(
        "xCommand/Simulation/Display/Disconnect",
        json!({"Connector":1}),
    )
    .await;
    c.ok(
        "xCommand/Simulation/Display/Disconnect",
        json!({"Connector":2}),
    )
    .await;
    c.ok(
        "xCommand/Simulation/Display/Connect",
        json!({"Connector":1,"Width":3840,"Height":2160,"Name":"Large"}),
    )
    .await;
    c.ok(
        "xCommand/Simulation/Display/Connect",
        json!({"Connector":2,"Width":1920,"Height":1080,"Name":"Small"}),
    )
    .await;
    c.ok("xCommand/Presentation/Start", json!({"ConnectorId":2}))
        .await;
    shows(c, 1, "Presentation", SOON).await;
    shows(c, 2, "Main", SOON).await;
    // A third display works.
    c.ok(
        "xCommand/Simulation/Display/Connect",
        json!({"Connector":3,"Width":1280,"Height":720,"Name":"Side"}),
    )
    .await;
    shows(c, 3, "Main", SOON).await;
    shows(c, 1, "Presentation", SOON).await;
    c.ok("xCommand/Presentation/Stop", json!({})).await;
    shows(c, 1, "Main", SOON).await;
}

#[tokio::test]
async fn one_display_composes_and_nothing_breaks() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    macro_running(&mut c, "display-swap").await;
    c.ok(
        "xCommand/Simulation/Display/Connect",
        json!({"Connector":1,"Width":1920,"Height":1080}),
    )
    .await;
    shows(&mut c, 1, "Main", Duration::from_secs(3)).await;
    c.ok("xCommand/Simulation/RemotePresentation/Start", json!({}))
        .await;
    shows(&mut c, 1, "Main, Presentation", SOON).await;
    c.ok(
        "xCommand/Simulation/Display/Disconnect",
        json!({"Connector":1}),
    )
    .await;
    assert_eq!(contents(&mut c).await, json!([]));
}

#[tokio::test]
async fn invalid_video_commands_are_refused_and_change_nothing() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    // The display-swap macro rearranges the displays once it runs: let it settle first.
    macro_running(&mut c, "display-swap").await;
    plug_two_displays(&mut c).await;
    let before = settled(&mut c).await;
    let (code, message) = c
        .err(
            "xCommand/Video/Matrix/Assign",
            json!({"Output":4,"SourceId":2}),
        )
        .await;
    assert_eq!(code, -32602, "{message}");
    let (code, message) = c
        .err(
            "xCommand/Video/Matrix/Assign",
            json!({"Output":1,"SourceId":7}),
        )
        .await;
    assert_eq!(code, 1);
    assert!(message.contains("no video input 7"), "{message}");
    let (code, _) = c
        .err("xCommand/Presentation/Start", json!({"ConnectorId":9}))
        .await;
    assert_eq!(code, 1);
    let (code, _) = c
        .err(
            "xCommand/Simulation/Display/Connect",
            json!({"Connector":5,"Width":1920,"Height":1080}),
        )
        .await;
    assert_eq!(code, 1);
    assert_eq!(contents(&mut c).await, before);
    assert_eq!(
        c.ok(
            "xGet",
            json!({"Path":"Status Conference Presentation Mode"})
        )
        .await,
        "Off"
    );
}

#[tokio::test]
async fn auto_share_previews_and_ghosts() {
    let roomd = Roomd::start();
    let mut c = roomd.connect().await;
    c.ok("xFeedback/Subscribe", json!({"Query":["Event"]}))
        .await;
    let instances = c
        .ok(
            "xFeedback/Subscribe",
            json!({"Query":["Status","Conference","Presentation","LocalInstance"]}),
        )
        .await["Id"]
        .clone();
    c.ok("xSet", json!({"Path":"Configuration Video Input Connector 3 PresentationSelection","Value":"AutoShare"})).await;
    c.ok("xCommand/Simulation/Input/Connect", json!({"Connector":3}))
        .await;
    assert_eq!(
        c.ok(
            "xGet",
            json!({"Path":"Status Conference Presentation Mode"})
        )
        .await,
        "Sending"
    );
    assert_eq!(
        c.ok(
            "xGet",
            json!({"Path":"Status Conference Presentation LocalInstance"})
        )
        .await,
        json!([{"id":1,"Source":3,"SendingMode":"LocalRemote"}])
    );
    // Unplugging the laptop stops its presentation: the instance goes as a ghost.
    c.ok(
        "xCommand/Simulation/Input/Disconnect",
        json!({"Connector":3}),
    )
    .await;
    assert_eq!(
        c.ok(
            "xGet",
            json!({"Path":"Status Conference Presentation Mode"})
        )
        .await,
        "Off"
    );
    let mut saw_ghost = false;
    let mut saw_stop = false;
    let mut saw_preview = false;
    c.ok(
        "xCommand/Presentation/Start",
        json!({"ConnectorId":2,"SendingMode":"LocalOnly"}),
    )
    .await;
    for _ in 0..30 {
        let n = c.next_feedback().await;
        let p = &n["params"];
        if p["Id"] == instances
            && p["Status"]["Conference"]["Presentation"]["LocalInstance"][0]["ghost"] == "True"
        {
            saw_ghost = true;
        }
        if p["Event"]["PresentationStopped"]["Cause"] == "noSignal" {
            saw_stop = true;
        }
        if p["Event"]["PresentationPreviewStarted"]["LocalSource"] == 2 {
            saw_preview = true;
        }
        if saw_ghost && saw_stop && saw_preview {
            break;
        }
    }
    assert!(
        saw_ghost && saw_stop && saw_preview,
        "ghost {saw_ghost} stop {saw_stop} preview {saw_preview}"
    );
    // A local-only preview is not sent: the mode stays Off.
    assert_eq!(
        c.ok(
            "xGet",
            json!({"Path":"Status Conference Presentation Mode"})
        )
        .await,
        "Off"
    );
}
