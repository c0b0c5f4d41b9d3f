//! `UserInterface Message *`: alerts, prompts, text input, text lines and ratings.
//!
//! A command asks for something on screen; the matching event tells the screens (the touch
//! panel, the OSD) to show or clear it. A `... Response` command is how a screen answers, and
//! its event is what macros and control systems listen for.

use std::sync::Arc;

use serde_json::{Map, Value as Json};

use super::fields;
use crate::xapi::Bus;

/// Fields an event requires that its command may leave out, with their defaults.
type Required = &'static [(&'static str, &'static str)];

/// (command, event, required fields)
const FORWARDS: &[(&str, &str, Required)] = &[
    (
        "Alert Display",
        "Alert Display",
        &[("PeripheralId", ""), ("Target", "Auto"), ("Title", "")],
    ),
    ("Alert Clear", "Alert Cleared", &[]),
    (
        "Prompt Display",
        "Prompt Display",
        &[("PeripheralId", ""), ("Target", "Auto"), ("FeedbackId", "")],
    ),
    ("Prompt Clear", "Prompt Cleared", &[("FeedbackId", "")]),
    ("Prompt Response", "Prompt Response", &[("FeedbackId", "")]),
    (
        "TextInput Display",
        "TextInput Display",
        &[("PeripheralId", ""), ("Target", "Auto"), ("FeedbackId", "")],
    ),
    ("TextInput Clear", "TextInput Clear", &[("FeedbackId", "")]),
    (
        "TextInput Response",
        "TextInput Response",
        &[("FeedbackId", "")],
    ),
    (
        "TextLine Display",
        "TextLine Display",
        &[("PeripheralId", ""), ("Target", "Auto")],
    ),
    ("TextLine Clear", "TextLine Cleared", &[]),
    (
        "Rating Display",
        "Rating Display",
        &[("PeripheralId", ""), ("Target", "Auto")],
    ),
    ("Rating Clear", "Rating Cleared", &[("FeedbackId", "")]),
    ("Rating Response", "Rating Response", &[("FeedbackId", "")]),
];

pub fn install(bus: &Arc<Bus>) {
    for (command, event, required) in FORWARDS {
        let events = bus.clone();
        let event_path = format!("UserInterface Message {event}");
        bus.handle_sync(&format!("UserInterface Message {command}"), move |inv| {
            let mut payload = fields(&inv.params);
            for (name, default) in *required {
                payload
                    .entry(name.to_string())
                    .or_insert_with(|| Json::String(default.to_string()));
            }
            // The Clear commands name a Target; the events report where it came from.
            if let Some(target) = payload.remove("Target").filter(|_| event.ends_with("ed")) {
                payload.insert("Origin".into(), target);
            }
            events.emit(&event_path, Json::Object(payload))?;
            Ok(Map::new())
        });
    }
}
