//! Every read, write, command and subscription is checked against the schema's role lists.

mod common;

use common::{caller, device, p};
use roomd::xapi::{ErrorKind, Role, Typing};
use serde_json::{Map, json};

#[tokio::test]
async fn commands_follow_their_role_lists() {
    let (device, _dir) = device();
    let bus = &device.bus;
    let user = caller("alice", &[Role::User]);
    let admin = caller("root", &[Role::Admin]);
    let none = Map::new();
    let denied = bus
        .command(&user, &p("UserManagement User List"), &none, None)
        .await
        .unwrap_err();
    assert_eq!(denied.kind, ErrorKind::PermissionDenied);
    assert_eq!(denied.code(), -31999);
    let text = json!({"Text": "hi"}).as_object().unwrap().clone();
    let denied = bus
        .command(&user, &p("Message Send"), &text, None)
        .await
        .unwrap_err();
    assert_eq!(denied.code(), -31999);
    // A User may set the volume, and the change is really made.
    let level = json!({"Level": 33}).as_object().unwrap().clone();
    bus.command(&user, &p("Audio Volume Set"), &level, None)
        .await
        .unwrap();
    assert_eq!(
        bus.get(&user, &p("Status Audio Volume"), Typing::Typed)
            .unwrap(),
        json!(33)
    );
    assert!(
        bus.command(&admin, &p("UserManagement User List"), &none, None)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn configuration_writes_follow_the_role_list() {
    let (device, _dir) = device();
    let bus = &device.bus;
    let integrator = caller("i", &[Role::Integrator]);
    let admin = caller("a", &[Role::Admin]);
    // Standby Halfwake Mode: role [Admin], read [Admin, User].
    let err = bus
        .set_config(
            &integrator,
            &p("Configuration Standby Halfwake Mode"),
            &json!("Manual"),
        )
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::PermissionDenied);
    assert_eq!(
        bus.get(
            &admin,
            &p("Configuration Standby Halfwake Mode"),
            Typing::Typed
        )
        .unwrap(),
        json!("Auto"),
        "a refused write changes nothing"
    );
    bus.set_config(
        &admin,
        &p("Configuration Standby Halfwake Mode"),
        &json!("manual"),
    )
    .unwrap();
    assert_eq!(
        bus.get(
            &admin,
            &p("Configuration Standby Halfwake Mode"),
            Typing::Typed
        )
        .unwrap(),
        json!("Manual"),
        "literals come back in the schema's casing"
    );
    let err = bus
        .get(
            &integrator,
            &p("Configuration Standby Halfwake Mode"),
            Typing::Typed,
        )
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::PermissionDenied);
}

#[tokio::test]
async fn reads_leave_out_what_the_caller_may_not_see() {
    let (device, _dir) = device();
    let bus = &device.bus;
    let room_control = caller("crestron", &[Role::RoomControl]);
    // Audio Volume is readable by Admin, Integrator, User; not RoomControl.
    let err = bus
        .get(&room_control, &p("Status Audio Volume"), Typing::Typed)
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::PermissionDenied);
    // Standby State is readable by RoomControl.
    assert_eq!(
        bus.get(&room_control, &p("Status Standby State"), Typing::Typed)
            .unwrap(),
        json!("Off")
    );
    let audio = bus
        .query(&room_control, &p("Status ** Volume"), Typing::Typed)
        .unwrap();
    assert_eq!(audio, json!({"Status": {}}));
}

#[tokio::test]
async fn subscriptions_follow_the_read_lists() {
    let (device, _dir) = device();
    let bus = &device.bus;
    let room_control = caller("crestron", &[Role::RoomControl]);
    // Event Message Send: read [Admin, User].
    let err = bus
        .feedback_pattern(&room_control, &p("Event Message Send"))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::PermissionDenied);
    // A RoomControl subscriber on all of Status hears Standby but not the volume.
    let (handle, mut rx) = bus.subscriber(room_control, "test");
    handle.subscribe(&p("Status")).unwrap();
    let admin = caller("a", &[Role::Admin]);
    let level = json!({"Level": 70}).as_object().unwrap().clone();
    bus.command(&admin, &p("Audio Volume Set"), &level, None)
        .await
        .unwrap();
    bus.command(&admin, &p("Standby Activate"), &Map::new(), None)
        .await
        .unwrap();
    let heard = rx.recv().await.unwrap();
    assert_eq!(
        heard.render(Typing::Typed),
        json!({"Status": {"Standby": {"State": "Standby"}}})
    );
    assert!(
        rx.try_recv().is_err(),
        "the volume change was not delivered"
    );
}
