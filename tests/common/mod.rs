//! Helpers shared by the integration tests: a roomd process, and a JSON-RPC WebSocket client.
#![allow(dead_code)]

pub mod peers;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value as Json, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const PASSWORD: &str = "test-admin-pw";

/// A roomd process on the simulated board, with its own data dir and a free port.
pub struct Roomd {
    pub child: Child,
    pub port: u16,
    /// The SIP port (UDP and TCP).
    pub sip_port: u16,
    /// The SIP TLS port.
    pub sip_tls_port: u16,
    /// The text API's TCP port.
    pub text_port: u16,
    /// The simulated board's serial control port (a pseudo-terminal).
    pub serial: String,
    pub data: PathBuf,
    /// Ports announced after the first (by a restarted roomd).
    pub announced: std::sync::mpsc::Receiver<u16>,
    _dir: Option<tempfile::TempDir>,
}

impl Roomd {
    pub fn start() -> Roomd {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_path_buf();
        let mut roomd = Roomd::start_in(&data);
        roomd._dir = Some(dir);
        roomd
    }

    /// Starts roomd on an existing data dir (to test what survives a restart).
    pub fn start_in(data: &Path) -> Roomd {
        let mut child = Command::new(env!("CARGO_BIN_EXE_roomd"))
            .args([
                "run",
                "--http-port",
                "0",
                "--sip-port",
                "0",
                "--text-port",
                "0",
            ])
            .arg("--data")
            .arg(data)
            .args(["--admin-password", PASSWORD])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start roomd");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let port_of = |addr: &str| addr.rsplit(':').next().unwrap().parse::<u16>().unwrap();
        let (mut port, mut sip_port, mut sip_tls_port) = (None, None, None);
        let (mut text_port, mut serial) = (None, None);
        while port.is_none()
            || sip_port.is_none()
            || sip_tls_port.is_none()
            || text_port.is_none()
            || serial.is_none()
        {
            let line = lines
                .next()
                .expect("roomd printed its listening lines")
                .unwrap();
            if let Some(addr) = line.strip_prefix("listening http ") {
                port = Some(port_of(addr));
            } else if let Some(addr) = line.strip_prefix("listening sip-udp ") {
                sip_port = Some(port_of(addr));
            } else if let Some(addr) = line.strip_prefix("listening sip-tls ") {
                sip_tls_port = Some(port_of(addr));
            } else if let Some(addr) = line.strip_prefix("listening text ") {
                text_port = Some(port_of(addr));
            } else if let Some(path) = line.strip_prefix("listening serial ") {
                serial = Some(path.to_string());
            }
        }
        let (port, sip_port) = (port.unwrap(), sip_port.unwrap());
        let (sip_tls_port, text_port) = (sip_tls_port.unwrap(), text_port.unwrap());
        // Keep draining stdout so roomd never blocks on a full pipe; pass on later
        // listening lines (a restart announces its port again).
        let (tx, announced) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix("listening http ") {
                    let _ = tx.send(addr.rsplit(':').next().unwrap().parse().unwrap());
                }
            }
        });
        Roomd {
            child,
            port,
            sip_port,
            sip_tls_port,
            text_port,
            serial: serial.unwrap(),
            data: data.to_path_buf(),
            announced,
            _dir: None,
        }
    }

    pub fn url(&self, legacy: bool) -> String {
        let q = if legacy { "?legacy" } else { "" };
        format!("ws://127.0.0.1:{}/ws{q}", self.port)
    }

    pub async fn connect(&self) -> Client {
        Client::connect(&self.url(false), "admin", PASSWORD)
            .await
            .unwrap()
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Roomd {
    fn drop(&mut self) {
        self.kill();
    }
}

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A bare JSON-RPC client over WebSocket (Basic auth).
pub struct Client {
    pub ws: Ws,
    next_id: u64,
    /// Feedback that arrived while waiting for a reply.
    pub feedback: Vec<Json>,
}

impl Client {
    pub async fn connect(url: &str, user: &str, password: &str) -> Result<Client, String> {
        let mut request = url.into_client_request().unwrap();
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        request
            .headers_mut()
            .insert("Authorization", format!("Basic {token}").parse().unwrap());
        let (ws, _) = tokio_tungstenite::connect_async(request)
            .await
            .map_err(|e| e.to_string())?;
        Ok(Client {
            ws,
            next_id: 0,
            feedback: Vec::new(),
        })
    }

    pub async fn send_text(&mut self, text: &str) {
        self.ws.send(Message::Text(text.into())).await.unwrap();
    }

    /// The next JSON message from roomd.
    pub async fn recv(&mut self) -> Json {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(10), self.ws.next())
                .await
                .expect("a message within 10 s")
                .expect("connection open")
                .expect("no error");
            if let Message::Text(t) = msg {
                return serde_json::from_str(&t).unwrap();
            }
        }
    }

    /// Sends a request and returns the whole reply (result or error).
    pub async fn call(&mut self, method: &str, params: Json) -> Json {
        self.next_id += 1;
        let id = self.next_id.to_string();
        let request = json!({"jsonrpc":"2.0","id":id,"method":method,"params":params});
        self.send_text(&request.to_string()).await;
        loop {
            let reply = self.recv().await;
            if reply.get("id") == Some(&json!(id)) {
                return reply;
            }
            self.feedback.push(reply);
        }
    }

    /// The result of a request that must succeed.
    pub async fn ok(&mut self, method: &str, params: Json) -> Json {
        let reply = self.call(method, params.clone()).await;
        match reply.get("result") {
            Some(r) => r.clone(),
            None => panic!("{method} {params} failed: {reply}"),
        }
    }

    /// The error code of a request that must fail.
    pub async fn err(&mut self, method: &str, params: Json) -> (i64, String) {
        let reply = self.call(method, params.clone()).await;
        let error = reply
            .get("error")
            .unwrap_or_else(|| panic!("{method} {params} should fail: {reply}"));
        (
            error["code"].as_i64().unwrap(),
            error["message"].as_str().unwrap_or("").to_string(),
        )
    }

    /// Sets a configuration leaf named by its space-separated path (`"SIP URI"`).
    pub async fn configure(&mut self, path: &str, value: &str) {
        let mut full = vec!["Configuration"];
        full.extend(path.split(' '));
        self.ok("xSet", json!({"Path": full, "Value": value})).await;
    }

    /// Polls a value (a space-separated path from the root, `"Status Call 1 Status"`) every
    /// 100 ms until `ok` holds, for at most `secs`; returns it.
    pub async fn wait_until(&mut self, path: &str, secs: u64, ok: impl Fn(&Json) -> bool) -> Json {
        let segs: Vec<&str> = path.split(' ').collect();
        let mut last = Json::Null;
        for _ in 0..secs * 10 {
            let reply = self.call("xGet", json!({"Path": segs})).await;
            last = reply.get("result").cloned().unwrap_or(reply);
            if ok(&last) {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{path} is {last} after {secs} s");
    }

    /// Subscribes to feedback on a path given as segments (`&["Event", "CallDisconnect"]`).
    pub async fn subscribe(&mut self, path: &[&str]) {
        self.ok(
            "xFeedback/Subscribe",
            json!({"Query": path, "NotifyCurrentValue": false}),
        )
        .await;
    }

    /// Feedback until one's params satisfy `found`, within `secs`; returns those params.
    pub async fn wait_feedback(
        &mut self,
        secs: u64,
        what: &str,
        found: impl Fn(&Json) -> bool,
    ) -> Json {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            let fb = tokio::time::timeout(remaining, self.next_feedback())
                .await
                .unwrap_or_else(|_| panic!("no {what} within {secs} s"));
            if found(&fb["params"]) {
                return fb["params"].clone();
            }
        }
    }

    /// The next feedback notification (from the backlog first).
    pub async fn next_feedback(&mut self) -> Json {
        if !self.feedback.is_empty() {
            return self.feedback.remove(0);
        }
        loop {
            let m = self.recv().await;
            if m["method"] == "xFeedback/Event" {
                return m;
            }
        }
    }
}

/// A device assembled in this process on the simulated board, with a clock that only moves
/// when told to. Call inside a tokio runtime.
pub fn device() -> (roomd::device::Device, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let options = roomd::device::Options {
        board: "boards/sim.toml".into(),
        data: dir.path().to_path_buf(),
        listen: "127.0.0.1".parse().unwrap(),
        http_port: 0,
        sip_port: 0,
        text_port: None,
        admin_password: Some(PASSWORD.into()),
        macro_host: Some(env!("CARGO_BIN_EXE_roomd-macro-host").into()),
    };
    let clock = std::sync::Arc::new(roomd::clock::Clock::manual(1_795_600_000_000));
    let device = roomd::device::Device::build(&options, clock).expect("device");
    (device, dir)
}

/// A caller with the given roles.
pub fn caller(name: &str, roles: &[roomd::xapi::Role]) -> roomd::xapi::Caller {
    roomd::xapi::Caller {
        name: name.into(),
        roles: roomd::xapi::RoleSet::of(roles),
    }
}

/// Parses a path for the bus API.
pub fn p(text: &str) -> Vec<roomd::xapi::Seg> {
    roomd::xapi::parse_text(text).unwrap()
}

/// A device like [`device`], on an existing data dir: building a second one on the first's
/// dir is how in-process tests restart a device.
pub fn device_in(dir: &Path) -> roomd::device::Device {
    let options = roomd::device::Options {
        board: "boards/sim.toml".into(),
        data: dir.to_path_buf(),
        listen: "127.0.0.1".parse().unwrap(),
        http_port: 0,
        sip_port: 0,
        text_port: None,
        admin_password: Some(PASSWORD.into()),
        macro_host: Some(env!("CARGO_BIN_EXE_roomd-macro-host").into()),
    };
    let clock = std::sync::Arc::new(roomd::clock::Clock::manual(1_795_600_000_000));
    roomd::device::Device::build(&options, clock).expect("device")
}

/// Runs a command as roomd itself.
pub async fn run(
    bus: &roomd::xapi::Bus,
    path: &str,
    params: serde_json::Value,
) -> Result<serde_json::Value, roomd::xapi::XapiError> {
    let raw = params.as_object().cloned().unwrap_or_default();
    bus.command(&roomd::xapi::Caller::system(), &p(path), &raw, None)
        .await
}

/// A value of the tree by full path (`"Status Audio Volume"`), typed; null when absent.
pub fn get(bus: &roomd::xapi::Bus, path: &str) -> serde_json::Value {
    bus.get(
        &roomd::xapi::Caller::system(),
        &p(path),
        roomd::xapi::Typing::Typed,
    )
    .unwrap_or(serde_json::Value::Null)
}

/// A Status value by path below `Status`.
pub fn status(bus: &roomd::xapi::Bus, path: &str) -> serde_json::Value {
    get(bus, &format!("Status {path}"))
}

/// Lets spawned service tasks react to a change or a clock move.
pub async fn settle() {
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }
    tokio::time::sleep(Duration::from_millis(30)).await;
}
