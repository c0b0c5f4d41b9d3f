//! The simulated board's hardware controls: only on boards marked `simulated`.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Map;

use crate::clock::iso8601;
use crate::xapi::{Bus, Value};

pub fn install(bus: &Arc<Bus>) {
    let clock = bus.clock().clone();
    bus.handle_sync("Simulation Clock Advance", move |inv| {
        let seconds = inv.params.int("Seconds").unwrap_or(0).max(0) as u64;
        clock.advance(Duration::from_secs(seconds));
        tracing::info!("simulated clock advanced by {seconds} s");
        Ok(Map::new())
    });
    let clock = bus.clock().clone();
    bus.volatile("Simulation Clock Time", move || {
        Value::Text(iso8601(clock.now()))
    });
}
