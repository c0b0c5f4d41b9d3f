//! The macro log: what macros print and why they stop, for `Macros Log Get`, the `Macros Log`
//! event and `tracing`. A ring buffer, so a chatty macro cannot grow roomd's memory.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde_json::{Value as Json, json};

use crate::clock::iso8601;
use crate::xapi::Bus;

const CAPACITY: usize = 2000;

#[derive(Clone, Debug)]
pub struct Entry {
    pub offset: u64,
    pub timestamp: String,
    pub level: String,
    pub macro_name: String,
    pub message: String,
}

impl Entry {
    pub fn to_json(&self) -> Json {
        json!({
            "Offset": self.offset,
            "Timestamp": self.timestamp,
            "Level": self.level,
            "Macro": self.macro_name,
            "Message": self.message,
        })
    }
}

pub struct MacroLog {
    bus: Arc<Bus>,
    entries: Mutex<(u64, VecDeque<Entry>)>,
}

impl MacroLog {
    pub fn new(bus: Arc<Bus>) -> MacroLog {
        MacroLog {
            bus,
            entries: Mutex::new((0, VecDeque::new())),
        }
    }

    /// Records a line from (or about) a macro.
    pub fn push(&self, macro_name: &str, level: &str, message: &str) {
        let level = match level {
            "error" | "warn" | "info" | "debug" => level,
            _ => "info",
        };
        match level {
            "error" => tracing::error!(target: "macro", macro_name, "{message}"),
            "warn" => tracing::warn!(target: "macro", macro_name, "{message}"),
            "debug" => tracing::debug!(target: "macro", macro_name, "{message}"),
            _ => tracing::info!(target: "macro", macro_name, "{message}"),
        }
        let entry = {
            let mut guard = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            let (next, entries) = &mut *guard;
            let entry = Entry {
                offset: *next,
                timestamp: iso8601(self.bus.clock().now()),
                level: level.to_string(),
                macro_name: macro_name.to_string(),
                message: message.to_string(),
            };
            *next += 1;
            if entries.len() == CAPACITY {
                entries.pop_front();
            }
            entries.push_back(entry.clone());
            entry
        };
        let _ = self.bus.emit("Macros Log", entry.to_json());
    }

    /// Entries from `offset` on.
    pub fn since(&self, offset: u64) -> Vec<Entry> {
        let guard = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        guard
            .1
            .iter()
            .filter(|e| e.offset >= offset)
            .cloned()
            .collect()
    }

    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .clear();
    }
}
