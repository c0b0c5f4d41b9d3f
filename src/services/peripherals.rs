//! `Peripherals`: control systems and panels register with `Peripherals Connect` and keep a
//! heartbeat going; a device whose heartbeat stops is marked `ResponseTimedOut`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value as Json, json};
use tokio::sync::Notify;

use crate::clock::Millis;
use crate::xapi::{Bus, Root, StatusWriter, XapiError};

/// Seconds a device may stay silent after `Connect` before a heartbeat is due.
const DEFAULT_TIMEOUT_S: i64 = 60;

const FIELDS: [&str; 7] = [
    "ID",
    "Name",
    "Type",
    "SoftwareInfo",
    "HardwareInfo",
    "NetworkAddress",
    "SerialNumber",
];

struct Peripherals {
    bus: Arc<Bus>,
    status: StatusWriter,
    /// Heartbeat deadline per list index.
    deadlines: Mutex<HashMap<u32, Millis>>,
    changed: Notify,
}

impl Peripherals {
    fn field(&self, index: u32, name: &str) -> String {
        self.bus
            .value(
                Root::Status,
                &format!("Peripherals ConnectedDevice {index} {name}"),
            )
            .map(|v| v.to_string())
            .unwrap_or_default()
    }

    fn index_of(&self, id: &str) -> Option<u32> {
        self.bus
            .status_indices("Peripherals ConnectedDevice")
            .into_iter()
            .find(|i| self.field(*i, "ID") == id)
    }

    fn arm(&self, index: u32, timeout_s: i64) {
        let at = self.bus.clock().now() + timeout_s * 1000;
        self.deadlines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(index, at);
        self.changed.notify_one();
    }

    fn connect(&self, inv: &crate::xapi::Invocation) -> Result<(), XapiError> {
        let id = inv.params.text("ID").unwrap_or_default();
        let index = self.index_of(&id).unwrap_or_else(|| {
            self.bus
                .status_indices("Peripherals ConnectedDevice")
                .last()
                .map_or(1, |i| i + 1)
        });
        self.status.update(|b| {
            for name in FIELDS {
                let value = inv.params.text(name).unwrap_or_default();
                b.set(
                    &format!("Peripherals ConnectedDevice {index} {name}"),
                    value,
                )?;
            }
            b.set(
                &format!("Peripherals ConnectedDevice {index} Status"),
                "Connected",
            )
        })?;
        self.arm(index, DEFAULT_TIMEOUT_S);
        Ok(())
    }

    fn heartbeat(&self, inv: &crate::xapi::Invocation) -> Result<(), XapiError> {
        let id = inv.params.text("ID").unwrap_or_default();
        let index = self.index_of(&id).ok_or_else(|| {
            XapiError::command_failed(format!("No peripheral with ID {id:?}; connect first"))
        })?;
        self.status.set(
            &format!("Peripherals ConnectedDevice {index} Status"),
            "Connected",
        )?;
        self.arm(
            index,
            inv.params.int("Timeout").unwrap_or(DEFAULT_TIMEOUT_S),
        );
        Ok(())
    }

    fn list(&self, inv: &crate::xapi::Invocation) -> Map<String, Json> {
        let want_type = inv.params.text("Type").filter(|t| t != "All");
        let want_connected = inv.params.text("Connected");
        let devices: Vec<Json> = self
            .bus
            .status_indices("Peripherals ConnectedDevice")
            .into_iter()
            .filter(|i| {
                want_type
                    .as_ref()
                    .is_none_or(|t| *t == self.field(*i, "Type"))
            })
            .filter(|i| {
                let connected = self.field(*i, "Status") == "Connected";
                want_connected
                    .as_deref()
                    .is_none_or(|c| (c == "True") == connected)
            })
            .map(|i| {
                let mut device = Map::new();
                device.insert("id".into(), json!(i));
                for name in FIELDS.iter().chain(&["Status"]) {
                    device.insert(name.to_string(), json!(self.field(i, name)));
                }
                Json::Object(device)
            })
            .collect();
        let mut result = Map::new();
        if !devices.is_empty() {
            result.insert("Device".into(), Json::Array(devices));
        }
        result
    }

    fn purge(&self, inv: &crate::xapi::Invocation) -> Result<(), XapiError> {
        let id = inv.params.text("ID").unwrap_or_default();
        let index = self
            .index_of(&id)
            .ok_or_else(|| XapiError::command_failed(format!("No peripheral with ID {id:?}")))?;
        self.deadlines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&index);
        self.status
            .remove(&format!("Peripherals ConnectedDevice {index}"))
    }

    /// Marks devices whose heartbeat is overdue.
    async fn watch(self: Arc<Self>) {
        let clock = self.bus.clock().clone();
        loop {
            let next = {
                let deadlines = self.deadlines.lock().unwrap_or_else(|e| e.into_inner());
                deadlines.values().min().copied()
            };
            match next {
                Some(at) => tokio::select! {
                    _ = clock.sleep_until(at) => {}
                    _ = self.changed.notified() => continue,
                },
                None => {
                    self.changed.notified().await;
                    continue;
                }
            }
            let now = clock.now();
            let overdue: Vec<u32> = {
                let mut deadlines = self.deadlines.lock().unwrap_or_else(|e| e.into_inner());
                let late: Vec<u32> = deadlines
                    .iter()
                    .filter(|(_, at)| **at <= now)
                    .map(|(i, _)| *i)
                    .collect();
                late.iter().for_each(|i| {
                    deadlines.remove(i);
                });
                late
            };
            for index in overdue {
                tracing::info!(
                    "peripheral {} stopped its heartbeat",
                    self.field(index, "ID")
                );
                super::log_write(self.status.set(
                    &format!("Peripherals ConnectedDevice {index} Status"),
                    "ResponseTimedOut",
                ));
            }
        }
    }
}

pub fn install(bus: &Arc<Bus>) {
    let service = Arc::new(Peripherals {
        bus: bus.clone(),
        status: bus.claim_status("Peripherals", "Peripherals"),
        deadlines: Mutex::new(HashMap::new()),
        changed: Notify::new(),
    });
    let s = service.clone();
    bus.handle_sync("Peripherals Connect", move |inv| {
        s.connect(&inv)?;
        Ok(Map::new())
    });
    let s = service.clone();
    bus.handle_sync("Peripherals HeartBeat", move |inv| {
        s.heartbeat(&inv)?;
        Ok(Map::new())
    });
    let s = service.clone();
    bus.handle_sync("Peripherals List", move |inv| Ok(s.list(&inv)));
    let s = service.clone();
    bus.handle_sync("Peripherals Purge", move |inv| {
        s.purge(&inv)?;
        Ok(Map::new())
    });
    tokio::spawn(service.watch());
}
