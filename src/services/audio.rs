//! `Audio`: the loudspeaker volume, its mute, and the microphones' mute.
//!
//! The volume starts at `Configuration Audio DefaultVolume`.

use std::sync::Arc;

use serde_json::{Map, json};

use crate::xapi::{Bus, StatusWriter, XapiError};

fn volume(bus: &Bus) -> i64 {
    bus.value(crate::xapi::Root::Status, "Audio Volume")
        .and_then(|v| v.as_int())
        .unwrap_or(50)
}

fn on_off(on: bool) -> &'static str {
    if on { "On" } else { "Off" }
}

fn set_volume(bus: &Bus, status: &StatusWriter, level: i64) -> Result<(), XapiError> {
    let clamped = level.clamp(0, 100);
    if clamped != level {
        bus.emit("Audio Volume AlreadyAtLimit", json!({}))?;
    }
    status.set("Audio Volume", clamped)
}

fn set_mic_mute(bus: &Bus, status: &StatusWriter, mute: bool) -> Result<(), XapiError> {
    status.set("Audio Microphones Mute", on_off(mute))?;
    bus.emit(
        "Audio MicrophonesMuteStatus",
        json!({ "Mute": on_off(mute) }),
    )
}

pub fn install(bus: &Arc<Bus>) {
    let status = Arc::new(bus.claim_status("Audio", "Audio"));
    let default = bus
        .config("Audio DefaultVolume")
        .and_then(|v| v.as_int())
        .unwrap_or(50);
    super::log_write(status.update(|b| {
        b.set("Audio Volume", default)?;
        b.set("Audio VolumeMute", "Off")?;
        b.set("Audio Microphones Mute", "Off")
    }));

    let handle =
        |path: &str,
         run: fn(&Bus, &StatusWriter, &crate::xapi::Params) -> Result<(), XapiError>| {
            let (bus2, status) = (bus.clone(), status.clone());
            bus.handle_sync(path, move |inv| {
                run(&bus2, &status, &inv.params)?;
                Ok(Map::new())
            });
        };
    handle("Audio Volume Set", |bus, st, p| {
        set_volume(bus, st, p.int("Level").unwrap_or(50))
    });
    handle("Audio Volume Increase", |bus, st, p| {
        set_volume(bus, st, volume(bus) + p.int("Steps").unwrap_or(5))
    });
    handle("Audio Volume Decrease", |bus, st, p| {
        set_volume(bus, st, volume(bus) - p.int("Steps").unwrap_or(5))
    });
    handle("Audio Volume SetToDefault", |bus, st, _| {
        let default = bus
            .config("Audio DefaultVolume")
            .and_then(|v| v.as_int())
            .unwrap_or(50);
        set_volume(bus, st, default)
    });
    handle("Audio Volume Mute", |_, st, _| {
        st.set("Audio VolumeMute", "On")
    });
    handle("Audio Volume Unmute", |_, st, _| {
        st.set("Audio VolumeMute", "Off")
    });
    handle("Audio Volume ToggleMute", |bus, st, _| {
        let muted = bus
            .value(crate::xapi::Root::Status, "Audio VolumeMute")
            .is_some_and(|v| v.to_string() == "On");
        st.set("Audio VolumeMute", on_off(!muted))
    });
    handle("Audio Microphones Mute", |bus, st, _| {
        set_mic_mute(bus, st, true)
    });
    handle("Audio Microphones Unmute", |bus, st, _| {
        set_mic_mute(bus, st, false)
    });
    handle("Audio Microphones ToggleMute", |bus, st, _| {
        let muted = bus
            .value(crate::xapi::Root::Status, "Audio Microphones Mute")
            .is_some_and(|v| v.to_string() == "On");
        set_mic_mute(bus, st, !muted)
    });
}
