//! `Standby`: the device goes to standby after `Configuration Standby Delay` minutes without
//! activity, when `Standby Control` is On. The timer runs on the injected clock.

use std::sync::{Arc, Mutex};

use serde_json::{Map, json};
use tokio::sync::Notify;

use super::log_write;
use crate::clock::Millis;
use crate::xapi::{Bus, Caller, Root, StatusWriter, parse_text};

struct Timer {
    /// When the idle period started.
    since: Millis,
    /// A one-off delay in minutes from `Standby ResetTimer Delay:`.
    one_off: Option<i64>,
}

struct Standby {
    bus: Arc<Bus>,
    status: StatusWriter,
    timer: Mutex<Timer>,
    changed: Notify,
}

impl Standby {
    fn state(&self) -> String {
        self.bus
            .value(Root::Status, "Standby State")
            .map(|v| v.to_string())
            .unwrap_or_default()
    }

    fn enter(&self, state: &str) {
        log_write(self.status.set("Standby State", state));
        self.changed.notify_one();
    }

    fn reset(&self, one_off: Option<i64>) {
        let mut timer = self.timer.lock().unwrap_or_else(|e| e.into_inner());
        timer.since = self.bus.clock().now();
        timer.one_off = one_off;
        drop(timer);
        let _ = self.bus.emit("Standby Reset", json!({}));
        self.changed.notify_one();
    }

    /// When the device should go to standby, if it should at all.
    fn deadline(&self) -> Option<Millis> {
        let enabled = self
            .bus
            .config("Standby Control")
            .is_some_and(|v| v.to_string() == "On");
        if !enabled || self.state() == "Standby" {
            return None;
        }
        let minutes = {
            let timer = self.timer.lock().unwrap_or_else(|e| e.into_inner());
            let configured = self.bus.config("Standby Delay").and_then(|v| v.as_int());
            (timer.since, timer.one_off.or(configured).unwrap_or(10))
        };
        Some(minutes.0 + minutes.1 * 60_000)
    }

    async fn run(self: Arc<Self>) {
        let (_handle, mut config) = {
            let (handle, rx) = self.bus.subscriber(Caller::system(), "standby timer");
            let segs = parse_text("Configuration Standby").expect("path");
            if let Err(e) = handle.subscribe(&segs) {
                tracing::error!("standby cannot follow its configuration: {e}");
            }
            (handle, rx)
        };
        loop {
            let clock = self.bus.clock().clone();
            match self.deadline() {
                Some(at) => {
                    tokio::select! {
                        _ = clock.sleep_until(at) => {
                            if self.deadline().is_some_and(|d| d <= clock.now()) {
                                tracing::info!("no activity: entering standby");
                                self.enter("Standby");
                            }
                        }
                        _ = self.changed.notified() => {}
                        Some(_) = config.recv() => {}
                    }
                }
                None => {
                    tokio::select! {
                        _ = self.changed.notified() => {}
                        Some(_) = config.recv() => {}
                    }
                }
            }
        }
    }
}

pub fn install(bus: &Arc<Bus>) {
    let standby = Arc::new(Standby {
        bus: bus.clone(),
        status: bus.claim_status("Standby", "Standby"),
        timer: Mutex::new(Timer {
            since: bus.clock().now(),
            one_off: None,
        }),
        changed: Notify::new(),
    });
    log_write(standby.status.set("Standby State", "Off"));

    let s = standby.clone();
    bus.handle_sync("Standby Activate", move |_| {
        s.enter("Standby");
        Ok(Map::new())
    });
    let s = standby.clone();
    bus.handle_sync("Standby Deactivate", move |_| {
        s.enter("Off");
        s.reset(None);
        Ok(Map::new())
    });
    let s = standby.clone();
    bus.handle_sync("Standby Halfwake", move |_| {
        s.enter("Halfwake");
        s.reset(None);
        Ok(Map::new())
    });
    let s = standby.clone();
    bus.handle_sync("Standby ResetTimer", move |inv| {
        s.reset(inv.params.int("Delay"));
        Ok(Map::new())
    });
    tokio::spawn(standby.run());
}
