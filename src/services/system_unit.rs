//! `SystemUnit`: what the device is, how long it has been up, and `SystemUnit Boot`.

use std::sync::Arc;

use serde_json::Map;
use tokio::sync::mpsc;

use super::log_write;
use crate::board::BoardDescription;
use crate::xapi::{Bus, Value};

/// What `SystemUnit Boot` asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BootAction {
    Restart,
    Shutdown,
}

pub fn install(bus: &Arc<Bus>, board: &BoardDescription, boot: mpsc::Sender<BootAction>) {
    let status = bus.claim_status("SystemUnit", "SystemUnit");
    let version = format!("roomd {}", env!("CARGO_PKG_VERSION"));
    log_write(status.update(|b| {
        b.set("SystemUnit ProductId", board.product_id.as_str())?;
        b.set(
            "SystemUnit ProductPlatform",
            board.product_platform.as_str(),
        )?;
        b.set("SystemUnit ProductType", "Cisco Codec")?;
        b.set("SystemUnit Software Name", "roomd")?;
        b.set("SystemUnit Software Version", version.as_str())?;
        b.set("SystemUnit Software DisplayName", version.as_str())?;
        b.set(
            "SystemUnit Hardware Module SerialNumber",
            board.serial_number.as_str(),
        )?;
        b.set("SystemUnit State System", "Initialized")
    }));
    let clock = bus.clock().clone();
    let started = clock.now();
    bus.volatile("SystemUnit Uptime", move || {
        Value::Int((clock.now() - started).max(0) / 1000)
    });
    bus.handle_sync("SystemUnit Boot", move |inv| {
        let action = match inv.params.text("Action").as_deref() {
            Some("Shutdown") => BootAction::Shutdown,
            _ => BootAction::Restart,
        };
        tracing::info!(
            "SystemUnit Boot {action:?} requested by {}",
            inv.caller.name
        );
        // The answer goes out first; the device stops shortly after.
        let _ = boot.try_send(action);
        Ok(Map::new())
    });
}
