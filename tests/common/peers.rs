//! Real SIP peers for the interop tests: kamailio (registrar and proxy) and baresip (a UA
//! with SDES-SRTP, driven over its ctrl_tcp socket). Templates and their manual are in
//! tests/sip_peers/. `./scripts/test` installs the programs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value as Json, json};

/// A port free for both UDP and TCP right now.
pub fn free_port() -> u16 {
    loop {
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = udp.local_addr().unwrap().port();
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

fn template(name: &str, values: &[(&str, &str)]) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sip_peers")
        .join(name);
    let mut text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("template {}: {e}", path.display()));
    for (key, value) in values {
        text = text.replace(&format!("@@{key}@@"), value);
    }
    text
}

/// Waits for a line containing `needle` on a child's output, handing over every line read.
fn wait_line(
    lines: &mpsc::Receiver<String>,
    needle: &str,
    within: Duration,
    log: &mut Vec<String>,
) {
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => {
                let found = line.contains(needle);
                log.push(line);
                if found {
                    return;
                }
            }
            Err(_) => panic!(
                "no {needle:?} within {within:?}; output:\n{}",
                log.join("\n")
            ),
        }
    }
}

/// Reads a child's stream into a channel, line by line, until it closes.
fn pump(stream: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

pub const PASSWORD: &str = "s3cret";

/// kamailio as a registrar with digest auth and a record-routing proxy.
pub struct Kamailio {
    child: Child,
    pub port: u16,
    pub log: mpsc::Receiver<String>,
    _dir: tempfile::TempDir,
}

impl Kamailio {
    /// `defines`: e.g. `["WITH_INVITE_AUTH", "WITH_QOP"]` (see tests/sip_peers/README.md).
    pub fn start(realm: &str, defines: &[&str]) -> Kamailio {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let cfg = dir.path().join("kamailio.cfg");
        let port_text = port.to_string();
        let text = template(
            "kamailio.cfg",
            &[
                ("PORT", &port_text),
                ("REALM", realm),
                ("PASSWORD", PASSWORD),
            ],
        );
        std::fs::write(&cfg, text).unwrap();
        let run = dir.path().join("run");
        std::fs::create_dir_all(&run).unwrap();
        let mut cmd = Command::new("kamailio");
        cmd.args(["-DD", "-E", "-f"])
            .arg(&cfg)
            .arg("-P")
            .arg(run.join("kamailio.pid"))
            .arg("-Y")
            .arg(&run)
            .arg("-w")
            .arg(dir.path())
            .args(["-m", "32", "-M", "4"]);
        for d in defines {
            cmd.args(["-A", d]);
        }
        let mut child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kamailio runs (installed by scripts/test)");
        let log = pump(child.stderr.take().unwrap());
        let mut seen = Vec::new();
        wait_line(&log, "ROOMD-RIG READY", Duration::from_secs(10), &mut seen);
        Kamailio {
            child,
            port,
            log,
            _dir: dir,
        }
    }

    /// Waits for a log line (e.g. `ROOMD-RIG REGISTERED sip:alice@`).
    pub fn expect_log(&self, needle: &str, within: Duration) {
        wait_line(&self.log, needle, within, &mut Vec::new());
    }
}

impl Drop for Kamailio {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// baresip with one account, controlled over ctrl_tcp.
pub struct Baresip {
    child: Child,
    pub sip_port: u16,
    ctrl: TcpStream,
    buffer: Vec<u8>,
    /// Events read while waiting for something else.
    pub events: Vec<Json>,
    pub output: mpsc::Receiver<String>,
    _dir: tempfile::TempDir,
}

/// How the baresip account behaves.
pub struct Account<'a> {
    pub user: &'a str,
    pub srtp_mandatory: bool,
    pub auto_answer: bool,
    /// Register at this kamailio port instead of calling directly.
    pub registrar: Option<u16>,
    /// The tone baresip sends.
    pub tone_hz: u32,
}

/// What baresip needs for H.264 video (baresip-ffmpeg): libavcodec's H.264 and a test-pattern
/// camera, with frames shown nowhere.
const BARESIP_VIDEO: &str = "
module\t\t\tavcodec.so
module\t\t\tfakevideo.so
video_source\t\tfakevideo,nil
video_display\t\tfakevideo,nil
video_size\t\t320x240
video_bitrate\t\t300000
video_fps\t\t15
avcodec_h264enc\t\tlibx264
avcodec_h264dec\t\th264
";

impl Baresip {
    pub fn start(account: Account) -> Baresip {
        Baresip::start_with(account, "")
    }

    /// baresip that also sends and receives H.264 video.
    pub fn start_with_video(account: Account) -> Baresip {
        Baresip::start_with(account, BARESIP_VIDEO)
    }

    fn start_with(account: Account, extra_config: &str) -> Baresip {
        let dir = tempfile::tempdir().unwrap();
        let sip_port = free_port();
        let ctrl_port = free_port();
        // Disjoint RTP ranges per instance, from the SIP port.
        let rtp_base = 20000 + (sip_port % 200) * 100;
        let rtp = format!("{rtp_base}-{}", rtp_base + 99);
        let (sip, ctrl) = (sip_port.to_string(), ctrl_port.to_string());
        let config = template(
            "baresip/config",
            &[
                ("SIP_PORT", &sip),
                ("RTP_PORTS", &rtp),
                ("CTRL_PORT", &ctrl),
                ("NAME", account.user),
            ],
        )
        // The microphone: a sine at the account's frequency (the template says 440 Hz).
        .replace("ausine,440", &format!("ausine,{}", account.tone_hz))
            + extra_config;
        std::fs::write(dir.path().join("config"), config).unwrap();
        let mediaenc = if account.srtp_mandatory {
            ";mediaenc=srtp-mand"
        } else {
            ""
        };
        let answer = if account.auto_answer {
            "auto"
        } else {
            "manual"
        };
        let accounts = match account.registrar {
            None => template(
                "baresip/accounts.direct",
                &[
                    ("USER", account.user),
                    ("SIP_PORT", &sip),
                    ("MEDIAENC", mediaenc),
                    ("ANSWERMODE", answer),
                ],
            ),
            Some(port) => template(
                "baresip/accounts.registered",
                &[
                    ("USER", account.user),
                    ("REGISTRAR_PORT", &port.to_string()),
                    ("PASSWORD", PASSWORD),
                    ("TRANSPORT", "udp"),
                    ("MEDIAENC", mediaenc),
                    ("ANSWERMODE", answer),
                ],
            ),
        };
        let accounts: String = accounts
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(dir.path().join("accounts"), accounts).unwrap();
        let mut child = Command::new("baresip")
            .arg("-f")
            .arg(dir.path())
            .args(["-s", "-t", "120"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("baresip runs (installed by scripts/test)");
        let output = pump(child.stdout.take().unwrap());
        let mut seen = Vec::new();
        wait_line(
            &output,
            "baresip is ready.",
            Duration::from_secs(10),
            &mut seen,
        );
        let ctrl = TcpStream::connect(("127.0.0.1", ctrl_port)).expect("baresip ctrl_tcp");
        ctrl.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        Baresip {
            child,
            sip_port,
            ctrl,
            buffer: Vec::new(),
            events: Vec::new(),
            output,
            _dir: dir,
        }
    }

    pub fn uri(&self, user: &str) -> String {
        format!("sip:{user}@127.0.0.1:{}", self.sip_port)
    }

    /// Sends a command; its response comes back among the messages.
    pub fn command(&mut self, command: &str, params: Option<&str>) {
        let mut msg = json!({"command": command, "token": command});
        if let Some(p) = params {
            msg["params"] = json!(p);
        }
        let text = msg.to_string();
        write!(self.ctrl, "{}:{},", text.len(), text).unwrap();
        self.ctrl.flush().unwrap();
    }

    fn next_message(&mut self) -> Option<Json> {
        loop {
            if let Some(colon) = self.buffer.iter().position(|b| *b == b':') {
                let len: usize = std::str::from_utf8(&self.buffer[..colon])
                    .ok()?
                    .parse()
                    .ok()?;
                if self.buffer.len() > colon + len + 1 {
                    let body = self.buffer[colon + 1..colon + 1 + len].to_vec();
                    self.buffer.drain(..colon + len + 2);
                    return serde_json::from_slice(&body).ok();
                }
            }
            let mut chunk = [0u8; 8192];
            match self.ctrl.read(&mut chunk) {
                Ok(0) => return None,
                Ok(n) => self.buffer.extend_from_slice(&chunk[..n]),
                Err(_) => return None,
            }
        }
    }

    /// Waits for an event of `kind` (e.g. `CALL_ESTABLISHED`), looking at buffered ones first.
    pub fn wait_event(&mut self, kind: &str, within: Duration) -> Json {
        if let Some(i) = self.events.iter().position(|e| e["type"] == kind) {
            return self.events.remove(i);
        }
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Some(msg) = self.next_message() {
                if msg["type"] == kind {
                    return msg;
                }
                if msg["event"] == true {
                    self.events.push(msg);
                }
            }
        }
        let out: Vec<String> = self.output.try_iter().collect();
        panic!(
            "baresip: no {kind} within {within:?}; events {:?}\noutput:\n{}",
            self.events,
            out.join("\n")
        );
    }

    /// Waits for the response to the last command named `token` (commands use their name
    /// as the token), keeping events that arrive meanwhile.
    pub fn wait_response(&mut self, token: &str, within: Duration) -> Json {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Some(msg) = self.next_message() {
                if msg["response"] == true && msg["token"] == token {
                    return msg;
                }
                if msg["event"] == true {
                    self.events.push(msg);
                }
            }
        }
        panic!("baresip: no response to {token} within {within:?}");
    }

    /// baresip's own log (SIP trace included) so far.
    pub fn drain_output(&self) -> Vec<String> {
        self.output.try_iter().collect()
    }
}

impl Drop for Baresip {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
