//! `Message Send`: a message on the bus, heard by every `Event Message Send` subscriber.
//! Macros and control systems use it to talk to each other.

use std::sync::Arc;

use serde_json::{Map, json};

use crate::xapi::Bus;

pub fn install(bus: &Arc<Bus>) {
    let events = bus.clone();
    bus.handle_sync("Message Send", move |inv| {
        let text = inv.params.text("Text").unwrap_or_default();
        events.emit("Message Send", json!({ "Text": text }))?;
        Ok(Map::new())
    });
}
