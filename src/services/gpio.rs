//! `GPIO`: the four pins of a Codec Pro's GPIO connector, as RoomOS exposes them.
//!
//! `Configuration GPIO Pin[1..4] Mode` picks one of ten modes. The pins are active-low: a pin
//! at rest is pulled up and reads High. An output pin is pulled Low while its condition holds
//! (in call, microphones muted, presentation on, standby, all calls encrypted, or
//! `GPIO ManualState Set` for `OutputManualState`). An input pin acts on its High→Low edge:
//! accept all calls, disconnect all calls, mute the microphones (`InputMuteMicrophones` also
//! unmutes on the Low→High edge, as the Cisco guide describes). `Status GPIO Pin[n] State` is
//! the level read back from the pin, so an output left High reads Low if something outside
//! pulls the line down.
//!
//! `GPIO ManualState Set` only applies to pins in `OutputManualState`; for other pins the
//! value is ignored (the command still succeeds), as on RoomOS.
//!
//! The hardware sits behind the board's [`PinSet`] (`board/gpio.rs`): embedded-hal pins, simulated
//! wires on the simulated board ([`SimPins`]) or linux-embedded-hal's cdev lines on a Linux
//! board. How many pins there are is the board's: none on a board without a GPIO connector.
//! On a simulated board, `Simulation GPIO Set Pin: State:` plays the outside world pulling an
//! input pin.

use std::sync::{Arc, Mutex};

use serde_json::{Map, json};

use super::log_write;
pub use crate::board::gpio::{Level, PinSet, SimPins};
use crate::xapi::{Bus, Caller, Root, StatusWriter, XapiError, parse_text};

/// Active-low: a condition that holds pulls the pin Low.
fn active(on: bool) -> Level {
    if on { Level::Low } else { Level::High }
}

/// An input pin's level changed while its mode stayed the same.
struct Edge {
    mode: String,
    to: Level,
}

#[derive(Default)]
struct State {
    /// The mode each pin was last set up in.
    modes: Vec<String>,
    /// `GPIO ManualState Set` levels, for pins in `OutputManualState`.
    manual: Vec<Level>,
    /// The level last read (and shown in Status).
    levels: Vec<Level>,
}

pub struct Gpio {
    bus: Arc<Bus>,
    status: StatusWriter,
    pins: Arc<dyn PinSet>,
    state: Mutex<State>,
}

fn is_output(mode: &str) -> bool {
    mode.starts_with("Output")
}

impl Gpio {
    fn mode(&self, pin: u32) -> String {
        self.bus
            .config(&format!("GPIO Pin {pin} Mode"))
            .map(|v| v.to_string())
            .unwrap_or_else(|| "InputNoAction".into())
    }

    fn status_text(&self, path: &str) -> String {
        self.bus
            .value(Root::Status, path)
            .map(|v| v.to_string())
            .unwrap_or_default()
    }

    fn all_calls_encrypted(&self) -> bool {
        let calls = self.bus.status_indices("Call");
        !calls.is_empty()
            && calls.iter().all(|i| {
                let t = self.status_text(&format!("Call {i} Encryption Type"));
                !t.is_empty() && t != "None"
            })
    }

    /// Whether an output mode's condition holds now.
    fn condition(&self, mode: &str, manual: Level) -> bool {
        match mode {
            "OutputManualState" => manual == Level::Low,
            "OutputInCall" => self
                .bus
                .value(Root::Status, "SystemUnit State NumberOfActiveCalls")
                .and_then(|v| v.as_int())
                .is_some_and(|n| n > 0),
            "OutputMicrophonesMuted" => self.status_text("Audio Microphones Mute") == "On",
            "OutputPresentationOn" => {
                let mode = self.status_text("Conference Presentation Mode");
                !mode.is_empty() && mode != "Off"
            }
            "OutputStandbyActive" => self.status_text("Standby State") == "Standby",
            "OutputAllCallsEncrypted" => self.all_calls_encrypted(),
            _ => false,
        }
    }

    /// Sets every pin up for its mode and conditions, reads the levels back into Status, and
    /// returns the input edges seen.
    fn refresh(&self) -> Vec<Edge> {
        self.refresh_after(|| {})
    }

    /// [`Gpio::refresh`], after `change` under the same lock: the edges it makes are this
    /// caller's to act on.
    fn refresh_after(&self, change: impl FnOnce()) -> Vec<Edge> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        change();
        let mut edges = Vec::new();
        for pin in 1..=self.pins.count() {
            let i = pin as usize - 1;
            let mode = self.mode(pin);
            let mode_changed = state.modes[i] != mode;
            if mode_changed && mode != "OutputManualState" {
                state.manual[i] = Level::High;
            }
            let drive = is_output(&mode).then(|| active(self.condition(&mode, state.manual[i])));
            self.pins.drive(pin, drive);
            let level = self.pins.read(pin);
            if level != state.levels[i] {
                log_write(
                    self.status
                        .set(&format!("GPIO Pin {pin} State"), level.name()),
                );
                if !mode_changed && !is_output(&mode) {
                    edges.push(Edge {
                        mode: mode.clone(),
                        to: level,
                    });
                }
                state.levels[i] = level;
            }
            state.modes[i] = mode;
        }
        edges
    }

    /// What input edges do: through the bus, as roomd itself.
    async fn act(&self, edges: Vec<Edge>) {
        for edge in edges {
            let command = match (edge.mode.as_str(), edge.to) {
                ("InputMuteMicrophones", Level::Low) => "Audio Microphones Mute",
                ("InputMuteMicrophones", Level::High) => "Audio Microphones Unmute",
                ("InputAcceptAllCalls", Level::Low) => "Call Accept",
                ("InputDisconnectAllCalls", Level::Low) => "Call Disconnect",
                _ => continue,
            };
            tracing::info!("GPIO {} edge to {}: {command}", edge.mode, edge.to.name());
            if let Err(e) = self.bus.command_as_system(command, json!({})).await {
                tracing::warn!("GPIO {}: {command} failed: {e}", edge.mode);
            }
        }
    }

    /// Re-reads the pins after a line changed outside roomd (a driver's edge, or the
    /// simulation) and acts on input edges.
    pub async fn sense(&self) {
        let edges = self.refresh();
        self.act(edges).await;
    }

    fn manual_state_set(&self, inv: &crate::xapi::Invocation) {
        {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            for pin in 1..=self.pins.count() {
                let Some(level) = inv
                    .params
                    .text(&format!("Pin{pin}"))
                    .and_then(|t| Level::parse(&t))
                else {
                    continue;
                };
                if self.mode(pin) == "OutputManualState" {
                    state.manual[pin as usize - 1] = level;
                } else {
                    tracing::info!("GPIO ManualState Set: pin {pin} is not in OutputManualState");
                }
            }
        }
        // Outputs never make input edges; nothing to act on.
        drop(self.refresh());
    }

    /// `Simulation GPIO Set`: the outside world pulls an input pin; returns the edges made.
    fn simulate(
        &self,
        sim: &SimPins,
        inv: &crate::xapi::Invocation,
    ) -> Result<Vec<Edge>, XapiError> {
        let pin = inv.params.int("Pin").unwrap_or(0);
        let count = self.pins.count();
        if !(1..=i64::from(count)).contains(&pin) {
            return Err(XapiError::invalid_value(format!(
                "Pin must be 1..{count}, not {pin}"
            )));
        }
        let pin = pin as u32;
        let level = inv
            .params
            .text("State")
            .and_then(|t| Level::parse(&t))
            .ok_or_else(|| XapiError::invalid_value("State must be High or Low"))?;
        let mode = self.mode(pin);
        if is_output(&mode) {
            return Err(XapiError::command_failed(format!(
                "GPIO Pin {pin} is an output ({mode}); only input pins can be driven"
            )));
        }
        Ok(self.refresh_after(|| sim.set_external(pin, level)))
    }

    /// Follows the configuration and the statuses the outputs depend on.
    async fn follow(self: Arc<Self>) {
        let (handle, mut rx) = self.bus.subscriber(Caller::system(), "gpio");
        for path in [
            "Configuration GPIO",
            "Status Audio Microphones Mute",
            "Status Standby State",
            "Status Conference Presentation Mode",
            "Status SystemUnit State NumberOfActiveCalls",
            "Status Call",
        ] {
            let segs = parse_text(path).expect("path");
            if let Err(e) = handle.subscribe(&segs) {
                tracing::error!("GPIO cannot follow {path}: {e}");
            }
        }
        // Whatever changed before the subscription.
        self.sense().await;
        while rx.recv().await.is_some() {
            self.sense().await;
        }
    }
}

/// Installs the GPIO service over the board's pins. With `sim` (the simulated board), also
/// `Simulation GPIO Set`, which pulls those pins from outside.
pub fn install(bus: &Arc<Bus>, pins: Arc<dyn PinSet>, sim: Option<Arc<SimPins>>) -> Arc<Gpio> {
    let count = pins.count() as usize;
    let gpio = Arc::new(Gpio {
        bus: bus.clone(),
        status: bus.claim_status("GPIO", "GPIO"),
        pins,
        state: Mutex::new(State {
            modes: vec![String::new(); count],
            manual: vec![Level::High; count],
            levels: vec![Level::High; count],
        }),
    });
    for pin in 1..=count {
        log_write(gpio.status.set(&format!("GPIO Pin {pin} State"), "High"));
    }
    // Set the pins up for their stored modes at once; the follower task keeps them so.
    drop(gpio.refresh());

    let g = gpio.clone();
    bus.handle_sync("GPIO ManualState Set", move |inv| {
        g.manual_state_set(&inv);
        Ok(Map::new())
    });
    if let Some(sim) = sim {
        let g = gpio.clone();
        bus.handle("Simulation GPIO Set", move |inv| {
            let g = g.clone();
            let sim = sim.clone();
            async move {
                let edges = g.simulate(&sim, &inv)?;
                g.act(edges).await;
                Ok(Map::new())
            }
        });
    }
    tokio::spawn(gpio.clone().follow());
    gpio
}
