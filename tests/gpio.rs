//! GPIO on the simulated board: modes, active-low outputs, input edges, driven through the bus
//! as any client would.

mod common;

use common::{device, get, p, run, settle};
use roomd::xapi::{Bus, Caller, XapiError};
use serde_json::{Value as Json, json};

fn pin(bus: &Bus, n: u32) -> Json {
    get(bus, &format!("Status GPIO Pin {n} State"))
}

fn mute(bus: &Bus) -> Json {
    get(bus, "Status Audio Microphones Mute")
}

fn set_mode(bus: &Bus, n: u32, mode: &str) {
    bus.set_config(
        &Caller::system(),
        &p(&format!("Configuration GPIO Pin {n} Mode")),
        &json!(mode),
    )
    .unwrap();
}

async fn drive(bus: &Bus, n: u32, state: &str) -> Result<Json, XapiError> {
    let r = run(
        bus,
        "Simulation GPIO Set",
        json!({"Pin": n, "State": state}),
    )
    .await;
    settle().await;
    r
}

#[tokio::test]
async fn pins_default_to_input_no_action_and_read_high() {
    let (device, _dir) = device();
    let bus = &device.bus;
    settle().await;
    for n in 1..=4 {
        assert_eq!(
            get(bus, &format!("Configuration GPIO Pin {n} Mode")),
            json!("InputNoAction")
        );
        assert_eq!(pin(bus, n), json!("High"));
    }
    // An InputNoAction pin pulled Low reads Low and does nothing.
    drive(bus, 3, "Low").await.unwrap();
    assert_eq!(pin(bus, 3), json!("Low"));
    assert_eq!(mute(bus), json!("Off"));
}

#[tokio::test]
async fn microphones_muted_output_is_active_low() {
    let (device, _dir) = device();
    let bus = &device.bus;
    set_mode(bus, 2, "OutputMicrophonesMuted");
    settle().await;
    assert_eq!(pin(bus, 2), json!("High"));
    run(bus, "Audio Microphones Mute", json!({})).await.unwrap();
    settle().await;
    assert_eq!(pin(bus, 2), json!("Low"));
    assert_eq!(pin(bus, 1), json!("High"), "other pins untouched");
    run(bus, "Audio Microphones Unmute", json!({}))
        .await
        .unwrap();
    settle().await;
    assert_eq!(pin(bus, 2), json!("High"));
    // Switching the mode while muted takes effect at once, both ways.
    run(bus, "Audio Microphones Mute", json!({})).await.unwrap();
    set_mode(bus, 4, "OutputMicrophonesMuted");
    settle().await;
    assert_eq!(pin(bus, 4), json!("Low"));
    set_mode(bus, 4, "InputNoAction");
    settle().await;
    assert_eq!(pin(bus, 4), json!("High"));
}

#[tokio::test]
async fn standby_output_follows_standby() {
    let (device, _dir) = device();
    let bus = &device.bus;
    set_mode(bus, 1, "OutputStandbyActive");
    settle().await;
    assert_eq!(pin(bus, 1), json!("High"));
    run(bus, "Standby Activate", json!({})).await.unwrap();
    settle().await;
    assert_eq!(pin(bus, 1), json!("Low"));
    run(bus, "Standby Deactivate", json!({})).await.unwrap();
    settle().await;
    assert_eq!(pin(bus, 1), json!("High"));
}

#[tokio::test]
async fn presentation_output_follows_a_local_presentation() {
    let (device, _dir) = device();
    let bus = &device.bus;
    set_mode(bus, 3, "OutputPresentationOn");
    settle().await;
    assert_eq!(pin(bus, 3), json!("High"));
    run(bus, "Presentation Start", json!({"ConnectorId": 2}))
        .await
        .unwrap();
    settle().await;
    assert_ne!(
        get(bus, "Status Conference Presentation Mode"),
        json!("Off")
    );
    assert_eq!(pin(bus, 3), json!("Low"));
    run(bus, "Presentation Stop", json!({})).await.unwrap();
    settle().await;
    assert_eq!(pin(bus, 3), json!("High"));
}

#[tokio::test]
async fn in_call_and_encrypted_outputs_stay_high_without_calls() {
    let (device, _dir) = device();
    let bus = &device.bus;
    set_mode(bus, 1, "OutputInCall");
    set_mode(bus, 2, "OutputAllCallsEncrypted");
    settle().await;
    assert_eq!(pin(bus, 1), json!("High"));
    assert_eq!(pin(bus, 2), json!("High"));
}

#[tokio::test]
async fn manual_state_drives_only_manual_pins() {
    let (device, _dir) = device();
    let bus = &device.bus;
    set_mode(bus, 1, "OutputManualState");
    set_mode(bus, 2, "OutputInCall");
    settle().await;
    run(bus, "GPIO ManualState Set", json!({"Pin1": "Low"}))
        .await
        .unwrap();
    assert_eq!(pin(bus, 1), json!("Low"));
    run(bus, "GPIO ManualState Set", json!({"Pin1": "High"}))
        .await
        .unwrap();
    assert_eq!(pin(bus, 1), json!("High"));
    // RoomOS: ManualState only applies to OutputManualState pins; the others ignore it and
    // the command still succeeds.
    run(
        bus,
        "GPIO ManualState Set",
        json!({"Pin1": "Low", "Pin2": "Low", "Pin3": "Low"}),
    )
    .await
    .unwrap();
    settle().await;
    assert_eq!(pin(bus, 1), json!("Low"));
    assert_eq!(pin(bus, 2), json!("High"), "an OutputInCall pin ignores it");
    assert_eq!(pin(bus, 3), json!("High"), "an input pin ignores it");
    // Leaving the mode releases the pin.
    set_mode(bus, 1, "InputNoAction");
    settle().await;
    assert_eq!(pin(bus, 1), json!("High"));
}

#[tokio::test]
async fn mute_input_acts_on_edges_only() {
    let (device, _dir) = device();
    let bus = &device.bus;
    set_mode(bus, 4, "InputMuteMicrophones");
    settle().await;
    assert_eq!(mute(bus), json!("Off"));

    drive(bus, 4, "Low").await.unwrap();
    assert_eq!(pin(bus, 4), json!("Low"));
    assert_eq!(mute(bus), json!("On"), "High→Low mutes");

    // Unmuted from elsewhere while the pin stays Low: staying Low does nothing more.
    run(bus, "Audio Microphones Unmute", json!({}))
        .await
        .unwrap();
    drive(bus, 4, "Low").await.unwrap();
    assert_eq!(mute(bus), json!("Off"), "no edge, no action");

    // Low→High (unmute, already unmuted), then High→Low mutes again.
    drive(bus, 4, "High").await.unwrap();
    assert_eq!(pin(bus, 4), json!("High"));
    assert_eq!(mute(bus), json!("Off"));
    drive(bus, 4, "Low").await.unwrap();
    assert_eq!(mute(bus), json!("On"), "a second High→Low mutes again");

    // As in the Cisco guide, the Low→High edge unmutes.
    drive(bus, 4, "High").await.unwrap();
    assert_eq!(mute(bus), json!("Off"));
}

/// With no call to answer or end, the call inputs still read their level and fail nothing
/// (tests/interop/gpio.test.js drives them in real calls).
#[tokio::test]
async fn call_inputs_without_a_call_change_nothing_else() {
    let (device, _dir) = device();
    let bus = &device.bus;
    set_mode(bus, 1, "InputAcceptAllCalls");
    set_mode(bus, 2, "InputDisconnectAllCalls");
    settle().await;
    drive(bus, 1, "Low").await.unwrap();
    drive(bus, 2, "Low").await.unwrap();
    assert_eq!(pin(bus, 1), json!("Low"));
    assert_eq!(pin(bus, 2), json!("Low"));
    assert_eq!(mute(bus), json!("Off"));
}

#[tokio::test]
async fn simulation_refuses_output_pins() {
    let (device, _dir) = device();
    let bus = &device.bus;
    set_mode(bus, 2, "OutputMicrophonesMuted");
    settle().await;
    let err = drive(bus, 2, "Low").await.unwrap_err();
    assert!(
        err.to_string().contains("output"),
        "a clear error, got: {err}"
    );
    assert_eq!(pin(bus, 2), json!("High"), "nothing changed");
    assert_eq!(mute(bus), json!("Off"));
    // Pin and State are checked by the schema.
    assert!(drive(bus, 5, "Low").await.is_err());
    assert!(drive(bus, 1, "Middle").await.is_err());
    // Once the pin is an input again it can be driven.
    set_mode(bus, 2, "InputNoAction");
    settle().await;
    drive(bus, 2, "Low").await.unwrap();
    assert_eq!(pin(bus, 2), json!("Low"));
}
