//! Video: the outputs and the displays on them, the inputs, presentation, the video matrix.
//!
//! The service owns `Status Video`, `Status Conference Presentation` and (on the simulated
//! board) `Status Simulation Display`. Hardware reports what is plugged in through [`Video`]'s
//! `display_*`/`input_*` methods (the simulated board's `Simulation *` commands, later the
//! HDMI drivers); users, macros and control systems act through the xAPI commands. After every
//! change [`compositor::layout`] decides what each output shows, and the whole result is written
//! in one status update.

pub mod compositor;
pub mod connected;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value as Json, json};

use self::compositor::{Assigned, Picture, Role, Scene};
use crate::board::BoardDescription;
use crate::xapi::{Bus, Caller, Invocation, StatusWriter, XapiError, parse_text};

/// A display plugged into an output, as its EDID describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Display {
    pub width: u32,
    pub height: u32,
    /// Of the preferred mode, in hertz.
    pub refresh_hz: u32,
    pub name: String,
    /// Diagonal in inches, 0 if unknown.
    pub screen_size: u32,
}

#[derive(Default)]
struct State {
    displays: BTreeMap<u32, Display>,
    inputs: BTreeSet<u32>,
    /// Local presentation instances: instance → (source connector, sending mode).
    local: BTreeMap<u32, (u32, String)>,
    receiving: bool,
    matrix: BTreeMap<u32, Vec<Assigned>>,
    selfview: Option<Role>,
}

pub struct Video {
    bus: Arc<Bus>,
    board: BoardDescription,
    /// `Status Video`.
    status: StatusWriter,
    /// `Status Conference Presentation`.
    presentation: StatusWriter,
    /// `Status Simulation Display` on the simulated board.
    simulation: Option<StatusWriter>,
    state: Mutex<State>,
}

fn failed(message: impl Into<String>) -> XapiError {
    XapiError::command_failed(message)
}

impl Video {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn output_exists(&self, n: u32) -> bool {
        self.board.outputs.iter().any(|o| o.connector == n)
    }

    fn input_exists(&self, n: u32) -> bool {
        self.board.inputs.iter().any(|i| i.connector == n)
    }

    fn check_output(&self, n: i64) -> Result<u32, XapiError> {
        let n = u32::try_from(n).unwrap_or(0);
        if self.output_exists(n) {
            Ok(n)
        } else {
            Err(failed(format!("This device has no video output {n}")))
        }
    }

    fn check_input(&self, n: i64) -> Result<u32, XapiError> {
        let n = u32::try_from(n).unwrap_or(0);
        if self.input_exists(n) {
            Ok(n)
        } else {
            Err(failed(format!("This device has no video input {n}")))
        }
    }

    fn config(&self, path: &str) -> String {
        self.bus
            .config(path)
            .map(|v| v.to_string())
            .unwrap_or_default()
    }

    fn scene(&self, state: &State) -> Scene {
        let configured_roles = self
            .board
            .outputs
            .iter()
            .map(|o| {
                let role = self.config(&format!(
                    "Video Output Connector {} MonitorRole",
                    o.connector
                ));
                (o.connector, role)
            })
            .collect();
        Scene {
            connected: state.displays.keys().copied().collect(),
            configured_roles,
            monitors: self.config("Video Monitors"),
            presented: state.local.values().map(|(source, _)| *source).collect(),
            receiving: state.receiving,
            matrix: state.matrix.clone(),
            selfview_on: state.selfview,
        }
    }

    fn mode(state: &State) -> &'static str {
        if state.local.values().any(|(_, mode)| mode == "LocalRemote") {
            "Sending"
        } else if state.receiving {
            "Receiving"
        } else {
            "Off"
        }
    }

    /// Works out the layout and writes every status that depends on the state.
    fn publish(&self) {
        let state = self.lock();
        let layout = compositor::layout(&self.scene(&state));
        let result = self.status.update(|b| {
            for output in &self.board.outputs {
                let n = output.connector;
                let at = |leaf: &str| format!("Video Output Connector {n} {leaf}");
                b.set(&at("Type"), output.kind.as_str())?;
                match (state.displays.get(&n), layout.outputs.get(&n)) {
                    (Some(display), Some((role, _))) => {
                        let width = display.width.min(output.max_width);
                        let height = display.height.min(output.max_height);
                        b.set(&at("Connected"), "True")?;
                        b.set(&at("MonitorRole"), role.name())?;
                        b.set(&at("Resolution Width"), i64::from(width))?;
                        b.set(&at("Resolution Height"), i64::from(height))?;
                        b.set(&at("Resolution RefreshRate"), i64::from(display.refresh_hz))?;
                        b.set(&at("ConnectedDevice Name"), display.name.as_str())?;
                        let (w, h, hz) = (display.width, display.height, display.refresh_hz);
                        let format = format!("{w}_{h}_{hz}");
                        b.set(&at("ConnectedDevice PreferredFormat"), format)?;
                        b.set(
                            &at("ConnectedDevice ScreenSize"),
                            i64::from(display.screen_size),
                        )?;
                    }
                    _ => {
                        b.set(&at("Connected"), "False")?;
                        b.set(&at("Resolution Width"), 0)?;
                        b.set(&at("Resolution Height"), 0)?;
                        b.set(&at("Resolution RefreshRate"), 0)?;
                        b.set(&at("ConnectedDevice Name"), "")?;
                        b.set(&at("ConnectedDevice PreferredFormat"), "")?;
                        b.set(&at("ConnectedDevice ScreenSize"), 0)?;
                    }
                }
            }
            let monitors = match self.config("Video Monitors").as_str() {
                "Auto" | "" => match layout.outputs.len() {
                    0 | 1 => "Single",
                    2 => "Dual",
                    _ => "Triple",
                }
                .to_string(),
                other => other.to_string(),
            };
            b.set("Video Monitors", monitors)?;
            for input in &self.board.inputs {
                let n = input.connector;
                let connected = state.inputs.contains(&n);
                let at = |leaf: &str| format!("Video Input Connector {n} {leaf}");
                b.set(&at("Connected"), if connected { "True" } else { "False" })?;
                b.set(&at("SignalState"), if connected { "OK" } else { "Unknown" })?;
                b.set(&at("SourceId"), i64::from(n))?;
                b.set(&at("Type"), input.kind.as_str())?;
            }
            Ok(())
        });
        log_failure(result);
        let result = self.presentation.update(|b| {
            b.set("Conference Presentation Mode", Self::mode(&state))?;
            for (instance, (source, mode)) in &state.local {
                let at =
                    |leaf: &str| format!("Conference Presentation LocalInstance {instance} {leaf}");
                b.set(&at("Source"), i64::from(*source))?;
                b.set(&at("SendingMode"), mode.as_str())?;
            }
            Ok(())
        });
        log_failure(result);
        if let Some(simulation) = &self.simulation {
            log_failure(simulation.update(|b| {
                for output in &self.board.outputs {
                    let n = output.connector;
                    match (state.displays.get(&n), layout.outputs.get(&n)) {
                        (Some(display), Some((_, pictures))) => {
                            b.set(
                                &format!("Simulation Display {n} Content"),
                                content(pictures),
                            )?;
                            b.set(
                                &format!("Simulation Display {n} Name"),
                                display.name.as_str(),
                            )?;
                        }
                        _ => b.remove(&format!("Simulation Display {n}"))?,
                    }
                }
                Ok(())
            }));
        }
    }

    // ----- hardware -------------------------------------------------------------------------

    pub fn display_connected(&self, connector: u32, display: Display) -> Result<(), XapiError> {
        if !self.output_exists(connector) {
            return Err(failed(format!(
                "This device has no video output {connector}"
            )));
        }
        self.lock().displays.insert(connector, display);
        self.publish();
        Ok(())
    }

    pub fn display_disconnected(&self, connector: u32) -> Result<(), XapiError> {
        if !self.output_exists(connector) {
            return Err(failed(format!(
                "This device has no video output {connector}"
            )));
        }
        self.lock().displays.remove(&connector);
        self.publish();
        Ok(())
    }

    pub fn input_connected(&self, connector: u32) -> Result<(), XapiError> {
        if !self.input_exists(connector) {
            return Err(failed(format!(
                "This device has no video input {connector}"
            )));
        }
        self.lock().inputs.insert(connector);
        self.publish();
        let selection = self.config(&format!(
            "Video Input Connector {connector} PresentationSelection"
        ));
        if matches!(selection.as_str(), "AutoShare" | "OnConnect") {
            self.start(connector, None, "LocalRemote", "autoStart")?;
        }
        Ok(())
    }

    pub fn input_disconnected(&self, connector: u32) -> Result<(), XapiError> {
        if !self.input_exists(connector) {
            return Err(failed(format!(
                "This device has no video input {connector}"
            )));
        }
        self.lock().inputs.remove(&connector);
        let instances: Vec<u32> = self
            .lock()
            .local
            .iter()
            .filter(|(_, (source, _))| *source == connector)
            .map(|(i, _)| *i)
            .collect();
        for instance in instances {
            self.stop_instance(instance, "noSignal")?;
        }
        self.publish();
        Ok(())
    }

    /// A presentation from the far end starts or stops (the call's content channel).
    pub fn remote_presentation(&self, on: bool) -> Result<(), XapiError> {
        let changed = {
            let mut state = self.lock();
            let changed = state.receiving != on;
            state.receiving = on;
            changed
        };
        if changed {
            self.publish();
            let (event, cause) = if on {
                ("PresentationStarted", "startReceiving")
            } else {
                ("PresentationStopped", "remoteNormal")
            };
            let mut fields = json!({"CallId": 0, "ConferenceId": 0, "Cause": cause, "LocalInstance": 0, "Mode": "Receiving"});
            if on {
                fields["LocalSource"] = json!(0);
            }
            self.bus.emit(event, fields)?;
        }
        Ok(())
    }

    // ----- presentation --------------------------------------------------------------------

    fn start(
        &self,
        source: u32,
        instance: Option<u32>,
        mode: &str,
        cause: &str,
    ) -> Result<u32, XapiError> {
        let instance = {
            let mut state = self.lock();
            let instance = match instance {
                Some(i) => i,
                None => (1..=6)
                    .find(|i| !state.local.contains_key(i))
                    .ok_or_else(|| failed("All six presentation instances are in use"))?,
            };
            state.local.insert(instance, (source, mode.to_string()));
            instance
        };
        self.publish();
        if mode == "LocalOnly" {
            self.bus.emit(
                "PresentationPreviewStarted",
                json!({"Cause": cause, "Instance": instance, "LocalSource": source}),
            )?;
        } else {
            self.bus.emit(
                "PresentationStarted",
                json!({"CallId": 0, "ConferenceId": 0, "Cause": cause, "LocalInstance": instance, "LocalSource": source, "Mode": "Sending"}),
            )?;
        }
        Ok(instance)
    }

    fn stop_instance(&self, instance: u32, cause: &str) -> Result<(), XapiError> {
        let Some((source, mode)) = self.lock().local.remove(&instance) else {
            return Ok(());
        };
        self.presentation
            .remove(&format!("Conference Presentation LocalInstance {instance}"))?;
        self.publish();
        if mode == "LocalOnly" {
            self.bus.emit(
                "PresentationPreviewStopped",
                json!({"Cause": cause, "Instance": instance, "LocalSource": source}),
            )?;
        } else {
            self.bus.emit(
                "PresentationStopped",
                json!({"CallId": 0, "ConferenceId": 0, "Cause": cause, "LocalInstance": instance, "Mode": "Sending"}),
            )?;
        }
        Ok(())
    }

    fn presentation_start(&self, inv: &Invocation) -> Result<Map<String, Json>, XapiError> {
        let p = &inv.params;
        let source = match p.all("ConnectorId").first() {
            Some(id) => self.check_input(id.as_int().unwrap_or(0))?,
            None => match p.all("PresentationSource").first().and_then(|s| s.as_int()) {
                Some(id) => self.check_input(id)?,
                None => {
                    let default = self.config("Video Presentation DefaultSource");
                    self.check_input(default.parse().unwrap_or(2))?
                }
            },
        };
        let instance = match p.text("Instance").as_deref() {
            None | Some("New") => None,
            Some(n) => Some(
                n.parse::<u32>()
                    .map_err(|_| failed("Instance must be New or 1..6"))?,
            ),
        };
        let mode = p
            .text("SendingMode")
            .unwrap_or_else(|| "LocalRemote".into());
        self.start(source, instance, &mode, "userRequested")?;
        Ok(Map::new())
    }

    fn presentation_stop(&self, inv: &Invocation) -> Result<Map<String, Json>, XapiError> {
        let p = &inv.params;
        let instances: Vec<u32> = {
            let state = self.lock();
            match (p.int("Instance"), p.text("PresentationSource")) {
                (Some(i), _) => vec![i as u32],
                (None, Some(source)) => {
                    let source: u32 = source.parse().unwrap_or(0);
                    state
                        .local
                        .iter()
                        .filter(|(_, (s, _))| *s == source)
                        .map(|(i, _)| *i)
                        .collect()
                }
                (None, None) => state.local.keys().copied().collect(),
            }
        };
        for instance in instances {
            self.stop_instance(instance, "userRequested")?;
        }
        Ok(Map::new())
    }

    // ----- matrix and selfview -------------------------------------------------------------

    fn matrix_assign(&self, inv: &Invocation) -> Result<Map<String, Json>, XapiError> {
        let p = &inv.params;
        let output = self.check_output(p.int("Output").unwrap_or(0))?;
        let mut sources = Vec::new();
        for id in p.all("SourceId") {
            sources.push(Assigned::Input(self.check_input(id.as_int().unwrap_or(0))?));
        }
        for id in p.all("RemoteMain") {
            sources.push(Assigned::RemoteMain(id.as_int().unwrap_or(1) as u32));
        }
        if sources.is_empty() {
            return Err(failed("Give a SourceId or a RemoteMain to assign"));
        }
        {
            let mut state = self.lock();
            let current = state.matrix.entry(output).or_default();
            if p.text("Mode").as_deref() == Some("Add") {
                current.extend(sources);
            } else {
                *current = sources;
            }
        }
        self.publish();
        Ok(Map::new())
    }

    fn matrix_unassign(&self, inv: &Invocation) -> Result<Map<String, Json>, XapiError> {
        let p = &inv.params;
        let output = self.check_output(p.int("Output").unwrap_or(0))?;
        {
            let mut state = self.lock();
            let current = state.matrix.entry(output).or_default();
            match (p.int("SourceId"), p.int("RemoteMain")) {
                (None, None) => current.clear(),
                (source, remote) => current.retain(|a| match a {
                    Assigned::Input(n) => Some(i64::from(*n)) != source,
                    Assigned::RemoteMain(n) => Some(i64::from(*n)) != remote,
                }),
            }
        }
        self.publish();
        Ok(Map::new())
    }

    fn matrix_reset(&self, inv: &Invocation) -> Result<Map<String, Json>, XapiError> {
        match inv.params.int("Output") {
            Some(n) => {
                let output = self.check_output(n)?;
                self.lock().matrix.remove(&output);
            }
            None => self.lock().matrix.clear(),
        }
        self.publish();
        Ok(Map::new())
    }

    fn matrix_swap(&self, inv: &Invocation) -> Result<Map<String, Json>, XapiError> {
        let a = self.check_output(inv.params.int("OutputA").unwrap_or(0))?;
        let b = self.check_output(inv.params.int("OutputB").unwrap_or(0))?;
        {
            let mut state = self.lock();
            let layout = compositor::layout(&self.scene(&state));
            // Swap what is shown, as assignments, so that the swap holds until reset.
            let as_assigned = |n: u32| -> Vec<Assigned> {
                layout
                    .outputs
                    .get(&n)
                    .map(|(_, pictures)| {
                        pictures
                            .iter()
                            .filter_map(|p| match p {
                                Picture::Main => Some(Assigned::RemoteMain(1)),
                                Picture::Source(n) => Some(Assigned::Input(*n)),
                                Picture::Presentation => state
                                    .local
                                    .values()
                                    .next()
                                    .map(|(s, _)| Assigned::Input(*s)),
                                Picture::Selfview => None,
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let (shown_a, shown_b) = (as_assigned(a), as_assigned(b));
            state.matrix.insert(a, shown_b);
            state.matrix.insert(b, shown_a);
        }
        self.publish();
        Ok(Map::new())
    }

    fn set_main_source(&self, inv: &Invocation) -> Result<Map<String, Json>, XapiError> {
        for id in inv.params.all("ConnectorId") {
            self.check_input(id.as_int().unwrap_or(0))?;
        }
        // Main video is the far end in a call and the chosen camera out of one; with the
        // call engine not yet there, the choice is checked and the layout stays as it is.
        Ok(Map::new())
    }

    fn selfview_set(&self, inv: &Invocation) -> Result<Map<String, Json>, XapiError> {
        let p = &inv.params;
        let on = p.text("Mode").is_none_or(|m| m == "On")
            && p.text("FullscreenMode").as_deref() == Some("On");
        let role = p
            .text("OnMonitorRole")
            .and_then(|r| Role::parse(&r))
            .unwrap_or(Role::First);
        self.lock().selfview = on.then_some(role);
        self.publish();
        Ok(Map::new())
    }
}

/// The pictures of one display as `Status Simulation Display[n] Content` says them.
fn content(pictures: &[Picture]) -> String {
    if pictures.is_empty() {
        return "Blank".into();
    }
    pictures
        .iter()
        .map(Picture::name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn log_failure(result: Result<(), XapiError>) {
    if let Err(e) = result {
        tracing::error!("video status write failed: {e}");
    }
}

/// Installs the video service for a board.
pub fn install(bus: &Arc<Bus>, board: &BoardDescription) -> Arc<Video> {
    let video = Arc::new(Video {
        bus: bus.clone(),
        board: board.clone(),
        status: bus.claim_status("video", "Video"),
        presentation: bus.claim_status("video", "Conference Presentation"),
        simulation: board
            .simulated
            .then(|| bus.claim_status("simulated displays", "Simulation Display")),
        state: Mutex::new(State::default()),
    });
    video.publish();
    register(bus, &video);
    follow_configuration(bus, &video);
    video
}

type VideoCommand = fn(&Video, &Invocation) -> Result<Map<String, Json>, XapiError>;

fn register(bus: &Arc<Bus>, video: &Arc<Video>) {
    let commands: [(&str, VideoCommand); 8] = [
        ("Presentation Start", Video::presentation_start),
        ("Presentation Stop", Video::presentation_stop),
        ("Video Matrix Assign", Video::matrix_assign),
        ("Video Matrix Unassign", Video::matrix_unassign),
        ("Video Matrix Reset", Video::matrix_reset),
        ("Video Matrix Swap", Video::matrix_swap),
        ("Video Selfview Set", Video::selfview_set),
        ("Video Input SetMainVideoSource", Video::set_main_source),
    ];
    for (path, run) in commands {
        let v = video.clone();
        bus.handle_sync(path, move |inv| run(&v, &inv));
    }
}

/// Monitor roles, `Video Monitors` and presentation selection are configuration: follow them.
fn follow_configuration(bus: &Arc<Bus>, video: &Arc<Video>) {
    let (handle, mut rx) = bus.subscriber(Caller::system(), "video configuration");
    for path in ["Configuration Video Output", "Configuration Video Monitors"] {
        if let Err(e) = handle.subscribe(&parse_text(path).expect("path")) {
            tracing::error!("video cannot follow {path}: {e}");
        }
    }
    let video = video.clone();
    tokio::spawn(async move {
        let _handle = handle;
        while rx.recv().await.is_some() {
            video.publish();
        }
    });
}
