//! The core services, driven through the bus as any client would, on simulated time.

mod common;

use common::{caller, device, p, run, settle, status};
use roomd::xapi::{Caller, Role, Typing};
use serde_json::json;

#[tokio::test]
async fn standby_follows_the_delay_on_the_simulated_clock() {
    let (device, _dir) = device();
    let bus = &device.bus;
    bus.set_config(
        &Caller::system(),
        &p("Configuration Standby Delay"),
        &json!(3),
    )
    .unwrap();
    settle().await;
    assert_eq!(status(bus, "Standby State"), json!("Off"));
    run(bus, "Simulation Clock Advance", json!({"Seconds": 120}))
        .await
        .unwrap();
    settle().await;
    assert_eq!(
        status(bus, "Standby State"),
        json!("Off"),
        "two minutes are not enough"
    );
    run(bus, "Simulation Clock Advance", json!({"Seconds": 61}))
        .await
        .unwrap();
    settle().await;
    assert_eq!(status(bus, "Standby State"), json!("Standby"));
    run(bus, "Standby Deactivate", json!({})).await.unwrap();
    assert_eq!(status(bus, "Standby State"), json!("Off"));
    // ResetTimer with a one-off delay.
    run(bus, "Standby ResetTimer", json!({"Delay": 1}))
        .await
        .unwrap();
    run(bus, "Simulation Clock Advance", json!({"Seconds": 61}))
        .await
        .unwrap();
    settle().await;
    assert_eq!(status(bus, "Standby State"), json!("Standby"));
}

#[tokio::test]
async fn peripherals_time_out_without_heartbeat() {
    let (device, _dir) = device();
    let bus = &device.bus;
    run(
        bus,
        "Peripherals Connect",
        json!({"ID":"cs1","Type":"ControlSystem","Name":"Q-SYS"}),
    )
    .await
    .unwrap();
    run(
        bus,
        "Peripherals HeartBeat",
        json!({"ID":"cs1","Timeout":30}),
    )
    .await
    .unwrap();
    settle().await;
    run(bus, "Simulation Clock Advance", json!({"Seconds": 20}))
        .await
        .unwrap();
    settle().await;
    assert_eq!(
        status(bus, "Peripherals ConnectedDevice 1 Status"),
        json!("Connected")
    );
    run(bus, "Simulation Clock Advance", json!({"Seconds": 15}))
        .await
        .unwrap();
    settle().await;
    assert_eq!(
        status(bus, "Peripherals ConnectedDevice 1 Status"),
        json!("ResponseTimedOut")
    );
    let list = run(bus, "Peripherals List", json!({"Connected": "False"}))
        .await
        .unwrap();
    assert_eq!(list["Device"][0]["ID"], "cs1");
    let err = run(bus, "Peripherals HeartBeat", json!({"ID":"unknown"}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), 1);
}

#[tokio::test]
async fn volume_commands_and_limits() {
    let (device, _dir) = device();
    let bus = &device.bus;
    assert_eq!(
        status(bus, "Audio Volume"),
        json!(50),
        "starts at DefaultVolume"
    );
    run(bus, "Audio Volume Increase", json!({})).await.unwrap();
    assert_eq!(status(bus, "Audio Volume"), json!(55));
    run(bus, "Audio Volume Set", json!({"Level": 98}))
        .await
        .unwrap();
    run(bus, "Audio Volume Increase", json!({"Steps": 5}))
        .await
        .unwrap();
    assert_eq!(status(bus, "Audio Volume"), json!(100));
    run(bus, "Audio Microphones ToggleMute", json!({}))
        .await
        .unwrap();
    assert_eq!(status(bus, "Audio Microphones Mute"), json!("On"));
    let err = run(bus, "Audio Volume Set", json!({"Level": 101}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), -32602);
    assert_eq!(
        status(bus, "Audio Volume"),
        json!(100),
        "a bad level changes nothing"
    );
}

#[tokio::test]
async fn prompts_reach_listeners_and_their_answers_come_back() {
    let (device, _dir) = device();
    let bus = &device.bus;
    let (handle, mut rx) = bus.subscriber(caller("macro", &[Role::Admin]), "test");
    handle
        .subscribe(&p("Event UserInterface Message Prompt"))
        .unwrap();
    run(bus, "UserInterface Message Prompt Display", json!({"Title":"Join?","Text":"Meeting","FeedbackId":"q1","Option.1":"Yes","Option.2":"No"})).await.unwrap();
    let shown = rx.recv().await.unwrap().render(Typing::Legacy);
    let display = &shown["Event"]["UserInterface"]["Message"]["Prompt"]["Display"];
    assert_eq!(display["Title"], "Join?");
    assert_eq!(display["Option.2"], "No");
    run(
        bus,
        "UserInterface Message Prompt Response",
        json!({"FeedbackId":"q1","OptionId":2}),
    )
    .await
    .unwrap();
    let answer = rx.recv().await.unwrap().render(Typing::Legacy);
    assert_eq!(
        answer["Event"]["UserInterface"]["Message"]["Prompt"]["Response"],
        json!({"FeedbackId":"q1","OptionId":"2"})
    );
}

#[tokio::test]
async fn system_unit_reports_the_board_and_uptime() {
    let (device, _dir) = device();
    let bus = &device.bus;
    assert_eq!(
        status(bus, "SystemUnit ProductPlatform"),
        json!("Codec Pro")
    );
    assert_eq!(status(bus, "SystemUnit Uptime"), json!(0));
    run(bus, "Simulation Clock Advance", json!({"Seconds": 3600}))
        .await
        .unwrap();
    assert_eq!(status(bus, "SystemUnit Uptime"), json!(3600));
    assert_eq!(
        status(bus, "SystemUnit State NumberOfActiveCalls"),
        json!(0)
    );
}
