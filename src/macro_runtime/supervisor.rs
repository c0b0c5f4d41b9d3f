//! The supervisor: one macro host process per active macro, restarted with back-off when it
//! dies, deactivated when it keeps dying. Each host is an xAPI client with the macro's roles;
//! its lines go through the same JSON-RPC session code as a WebSocket client's.

use std::collections::HashMap;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value as Json, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, watch};

use super::host::exit;
use super::log::MacroLog;
use super::storage::MacroStorage;
use super::store::{MacroStore, StoredMacro};
use crate::remote::jsonrpc::{Session, feedback_message};
use crate::xapi::{Bus, Caller, RoleSet, Typing};

/// Crashes within [`CRASH_WINDOW`] after which a macro is deactivated.
const MAX_CRASHES: usize = 5;
const CRASH_WINDOW: Duration = Duration::from_secs(600);
/// Lines queued for a host that is not reading before it is stopped.
const INPUT_QUEUE: usize = 8192;

/// How a macro is doing, for `Macros Runtime Status`.
#[derive(Clone, Debug)]
pub struct MacroState {
    pub state: &'static str,
    pub restarts: u32,
    pub last_error: String,
}

/// Settings of the supervisor.
#[derive(Clone, Debug)]
pub struct HostSettings {
    /// The program to run as `<program> macro-host`: roomd itself.
    pub program: PathBuf,
    /// Heap cap per macro, bytes.
    pub memory_cap: usize,
    /// First restart delay; doubles per crash up to 16 times as much.
    pub backoff: Duration,
}

struct Running {
    stop: watch::Sender<bool>,
    state: Arc<Mutex<MacroState>>,
}

pub struct Supervisor {
    pub bus: Arc<Bus>,
    pub store: Arc<MacroStore>,
    pub log: Arc<MacroLog>,
    pub storage: Arc<MacroStorage>,
    settings: HostSettings,
    running: Mutex<HashMap<String, Running>>,
    /// `Macros Runtime Start/Stop`.
    runtime_on: Mutex<bool>,
}

enum Ending {
    /// roomd asked it to stop.
    Stopped,
    /// It ended by itself; why, for the log.
    Died(String),
}

impl Supervisor {
    pub fn new(
        bus: Arc<Bus>,
        store: Arc<MacroStore>,
        log: Arc<MacroLog>,
        storage: Arc<MacroStorage>,
        settings: HostSettings,
    ) -> Arc<Supervisor> {
        Arc::new(Supervisor {
            bus,
            store,
            log,
            storage,
            settings,
            running: Mutex::new(HashMap::new()),
            runtime_on: Mutex::new(true),
        })
    }

    fn mode_on(&self) -> bool {
        self.bus
            .config("Macros Mode")
            .is_some_and(|v| v.to_string() == "On")
    }

    pub fn runtime_running(&self) -> bool {
        *self.runtime_on.lock().unwrap_or_else(|e| e.into_inner()) && self.mode_on()
    }

    pub fn set_runtime(&self, on: bool) {
        *self.runtime_on.lock().unwrap_or_else(|e| e.into_inner()) = on;
    }

    /// Starts what should run and stops what should not.
    pub fn sync(self: &Arc<Self>) {
        let wanted: Vec<StoredMacro> = if self.runtime_running() {
            self.store.list().into_iter().filter(|m| m.active).collect()
        } else {
            Vec::new()
        };
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        running.retain(|name, r| {
            let keep = wanted.iter().any(|m| &m.name == name);
            if !keep {
                let _ = r.stop.send(true);
            }
            keep
        });
        for m in wanted {
            if !running.contains_key(&m.name) {
                running.insert(m.name.clone(), self.spawn(m.name.clone()));
            }
        }
    }

    /// Stops a macro's process if it runs (it starts again on the next `sync` if still active).
    pub fn stop(&self, name: &str) {
        if let Some(r) = self
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(name)
        {
            let _ = r.stop.send(true);
        }
    }

    /// Restarts a running macro, e.g. after its source changed.
    pub fn restart(self: &Arc<Self>, name: &str) {
        self.stop(name);
        self.sync();
    }

    pub fn states(&self) -> Vec<(String, MacroState)> {
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let mut out: Vec<(String, MacroState)> = running
            .iter()
            .map(|(n, r)| {
                (
                    n.clone(),
                    r.state.lock().unwrap_or_else(|e| e.into_inner()).clone(),
                )
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    fn spawn(self: &Arc<Self>, name: String) -> Running {
        let (stop, stop_rx) = watch::channel(false);
        let state = Arc::new(Mutex::new(MacroState {
            state: "Starting",
            restarts: 0,
            last_error: String::new(),
        }));
        tokio::spawn(self.clone().supervise(name, stop_rx, state.clone()));
        Running { stop, state }
    }

    async fn supervise(
        self: Arc<Self>,
        name: String,
        mut stop: watch::Receiver<bool>,
        state: Arc<Mutex<MacroState>>,
    ) {
        let mut crashes: Vec<Instant> = Vec::new();
        let mut backoff = self.settings.backoff;
        loop {
            let started = Instant::now();
            let ending = match self.run_once(&name, &mut stop, &state).await {
                Ok(ending) => ending,
                Err(e) => Ending::Died(format!("could not start its process: {e}")),
            };
            let reason = match ending {
                Ending::Stopped => return,
                Ending::Died(reason) => reason,
            };
            self.log
                .push(&name, "error", &format!("macro stopped: {reason}"));
            let now = Instant::now();
            crashes.retain(|t| now.duration_since(*t) < CRASH_WINDOW);
            crashes.push(now);
            if now.duration_since(started) > Duration::from_secs(60) {
                backoff = self.settings.backoff;
            }
            {
                let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
                s.last_error = reason.clone();
                s.restarts += 1;
                s.state = "Restarting";
            }
            if crashes.len() >= MAX_CRASHES {
                self.give_up(&name, &state);
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep(backoff) => {}
                _ = stop.changed() => return,
            }
            backoff = (backoff * 2).min(self.settings.backoff * 16);
        }
    }

    fn give_up(&self, name: &str, state: &Mutex<MacroState>) {
        state.lock().unwrap_or_else(|e| e.into_inner()).state = "Failed";
        let message = format!(
            "macro deactivated: it stopped {MAX_CRASHES} times within {} minutes",
            CRASH_WINDOW.as_secs() / 60
        );
        self.log.push(name, "error", &message);
        if let Err(e) = self.store.set_active(name, false) {
            tracing::error!("could not deactivate macro {name}: {e}");
        }
        let _ = self
            .bus
            .emit("Macros Macro Deactivated", json!({ "Name": name }));
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(name);
    }

    fn start_message(&self, stored: &StoredMacro) -> String {
        let library: HashMap<String, String> = self
            .store
            .list()
            .into_iter()
            .map(|m| (m.name, m.source))
            .collect();
        let timeout = self
            .bus
            .config("Macros UnresponsiveTimeout")
            .and_then(|v| v.as_int())
            .unwrap_or(5)
            .max(0);
        json!({
            "jsonrpc": "2.0",
            "method": "macro/start",
            "params": {
                "Name": stored.name,
                "Source": stored.source,
                "Library": library,
                "UnresponsiveTimeout": timeout,
                "MemoryCap": self.settings.memory_cap,
            }
        })
        .to_string()
    }

    async fn run_once(
        self: &Arc<Self>,
        name: &str,
        stop: &mut watch::Receiver<bool>,
        state: &Mutex<MacroState>,
    ) -> std::io::Result<Ending> {
        let Some(stored) = self.store.get(name) else {
            return Ok(Ending::Stopped);
        };
        let mut child = Command::new(&self.settings.program)
            .arg("macro-host")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("RUST_LOG", "off")
            .kill_on_drop(true)
            .spawn()?;
        let mut stdin = child.stdin.take().expect("piped");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped")).lines();
        let stderr_tail = collect_stderr(&mut child);

        let (input, mut input_rx) = mpsc::channel::<String>(INPUT_QUEUE);
        let _ = input.try_send(self.start_message(&stored));
        tokio::spawn(async move {
            while let Some(mut line) = input_rx.recv().await {
                line.push('\n');
                if stdin.write_all(line.as_bytes()).await.is_err() {
                    break;
                }
            }
        });

        let caller = Caller {
            name: format!("macro {name}"),
            roles: RoleSet::from_names(&stored.roles),
        };
        let (feedback_handle, mut feedback) =
            self.bus.subscriber(caller.clone(), format!("macro {name}"));
        let session = Arc::new(Session {
            bus: self.bus.clone(),
            caller,
            typing: Typing::Legacy,
            feedback: feedback_handle,
        });

        let ended_by_itself = loop {
            tokio::select! {
                line = stdout.next_line() => match line {
                    Ok(Some(line)) => self.on_line(name, &session, &input, line, state).await,
                    _ => break true,
                },
                n = feedback.recv() => match n {
                    Some(n) => {
                        if input.try_send(feedback_message(&n, Typing::Legacy).to_string()).is_err() {
                            self.log.push(name, "error", "macro stopped: it is not reading its events");
                            break true;
                        }
                    }
                    None => {
                        self.log.push(name, "error", "macro stopped: it fell too far behind its events");
                        break true;
                    }
                },
                _ = stop.changed() => break false,
            }
        };
        drop(input);
        if !ended_by_itself {
            let _ = child.start_kill();
            let _ = child.wait().await;
            return Ok(Ending::Stopped);
        }
        let status = match tokio::time::timeout(Duration::from_secs(5), child.wait()).await {
            Ok(status) => status?,
            Err(_) => {
                let _ = child.start_kill();
                child.wait().await?
            }
        };
        let tail = stderr_tail.await.unwrap_or_default();
        Ok(Ending::Died(explain(
            status,
            &tail,
            self.settings.memory_cap,
        )))
    }

    async fn on_line(
        self: &Arc<Self>,
        name: &str,
        session: &Arc<Session>,
        input: &mpsc::Sender<String>,
        line: String,
        state: &Mutex<MacroState>,
    ) {
        let Ok(message) = serde_json::from_str::<Json>(&line) else {
            return;
        };
        let method = message["method"].as_str().unwrap_or("");
        if let Some(what) = method.strip_prefix("macro/") {
            let params = &message["params"];
            match what {
                "log" => self.log.push(
                    name,
                    params["Level"].as_str().unwrap_or("info"),
                    params["Message"].as_str().unwrap_or(""),
                ),
                "ready" => {
                    state.lock().unwrap_or_else(|e| e.into_inner()).state = "Running";
                    let _ = self
                        .bus
                        .emit("Macros Macro Started", json!({ "Name": name }));
                }
                storage => {
                    let reply = self.storage_reply(name, storage, params);
                    let reply = match reply {
                        Ok(result) => json!({"jsonrpc":"2.0","id":message["id"],"result":result}),
                        Err(e) => json!({"jsonrpc":"2.0","id":message["id"],"error":e.to_json()}),
                    };
                    let _ = input.try_send(reply.to_string());
                }
            }
            return;
        }
        // Commands may take long (HttpClient); they run beside the macro's other requests.
        let slow = method.starts_with("xCommand/");
        let (session, input) = (session.clone(), input.clone());
        let work = async move {
            let output = session.handle_text(&line).await;
            if let Some(reply) = output.reply {
                let _ = input.try_send(reply.to_string());
            }
            for n in output.after {
                let _ = input.try_send(feedback_message(&n, Typing::Legacy).to_string());
            }
        };
        if slow {
            tokio::spawn(work);
        } else {
            work.await;
        }
    }

    fn storage_reply(
        &self,
        name: &str,
        what: &str,
        params: &Json,
    ) -> Result<Json, crate::xapi::XapiError> {
        let key = params["Key"].as_str().unwrap_or("");
        match what {
            "storage/get" => Ok(json!({ "Value": self.storage.get(name, key) })),
            "storage/set" => self
                .storage
                .put(name, key, Some(params["Value"].clone()))
                .map(|_| json!({})),
            "storage/remove" => self.storage.put(name, key, None).map(|_| json!({})),
            "storage/keys" => Ok(json!({ "Keys": self.storage.keys(name) })),
            other => Err(crate::xapi::XapiError::command_failed(format!(
                "unknown macro request {other}"
            ))),
        }
    }
}

/// Keeps the last lines the host wrote to stderr (Rust's panic and abort messages).
fn collect_stderr(child: &mut Child) -> tokio::task::JoinHandle<String> {
    let stderr = child.stderr.take().expect("piped");
    tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        let mut tail: Vec<String> = Vec::new();
        while let Ok(Some(line)) = lines.next_line().await {
            tail.push(line);
            if tail.len() > 20 {
                tail.remove(0);
            }
        }
        tail.join("\n")
    })
}

/// Why a host process ended, in words for the log.
fn explain(status: ExitStatus, stderr: &str, memory_cap: usize) -> String {
    if stderr.contains("memory allocation of") {
        return format!("memory cap of {} MB exceeded", memory_cap >> 20);
    }
    if stderr.contains("overflowed its stack") {
        return "stack overflow in the JavaScript engine".into();
    }
    match (status.code(), status.signal()) {
        (Some(exit::ERROR), _) => "uncaught error (see the log line before)".into(),
        (Some(exit::UNRESPONSIVE), _) => "unresponsive (UnresponsiveTimeout)".into(),
        (Some(exit::ORPHANED), _) => "its input from roomd closed".into(),
        (Some(0), _) => "its process exited".into(),
        (Some(code), _) if stderr.contains("panicked") => {
            format!(
                "the engine panicked (exit {code}): {}",
                stderr.lines().last().unwrap_or("")
            )
        }
        (Some(code), _) => format!("its process exited with code {code}"),
        (None, Some(signal)) => format!("its process was killed by signal {signal}"),
        (None, None) => "its process ended".into(),
    }
}
