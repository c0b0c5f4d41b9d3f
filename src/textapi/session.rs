//! One text API session over any byte stream: a TCP connection or the serial port.
//!
//! The session logs in (when asked to), greets like RoomOS (`*r Login successful`, `OK`),
//! then reads lines. Each line becomes the JSON-RPC request jsxapi would send over the
//! WebSocket, so roles, validation and results are exactly those of the xAPI; the answer is
//! written back in the session's output mode. Multiline commands come either interactively
//! (the command line, the body, then a line holding only `.`) or length-prefixed
//! (`{<bytes>} ` then the command and body, as jsxapi sends them). Feedback registered with
//! `xFeedback register` arrives between answers.

use std::sync::Arc;

use serde_json::{Value as Json, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

use super::line::{self, OutputMode, Request, Tagged};
use super::render;
use crate::remote::jsonrpc::Session as RpcSession;
use crate::users::Users;
use crate::xapi::{Bus, Caller, Root, Typing};

/// The longest line or body read; a longer one ends the session (a runaway sender).
const MAX_INPUT: usize = 1 << 20;
/// Wrong passwords before the session is closed.
const MAX_LOGIN_TRIES: usize = 3;
/// Feedback expressions per session, as on RoomOS.
const MAX_FEEDBACK: usize = 38;

/// Where the session's bytes come from, for logs.
pub struct Peer {
    pub label: String,
    /// Ask for a user name and password first (`SerialPort LoginRequired`); otherwise the
    /// session acts as `as_user`.
    pub login: bool,
    pub as_user: Option<Caller>,
}

/// Runs a session until the peer leaves or says `bye`.
pub async fn run<S>(stream: S, bus: Arc<Bus>, users: Arc<Users>, peer: Peer)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (reader, mut writer) = tokio::io::split(stream);
    let mut reader = BufReader::new(reader);
    let caller = match (peer.login, peer.as_user) {
        (false, Some(caller)) => caller,
        _ => match login(&mut reader, &mut writer, &users).await {
            Some(caller) => caller,
            None => return,
        },
    };
    let hostname = bus
        .config("SystemUnit Name")
        .map(|v| v.to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "roomd".into());
    let welcome = format!(
        "Welcome to {hostname}\nroomd {}\n*r Login successful\n\nOK\n",
        env!("CARGO_PKG_VERSION")
    );
    if writer.write_all(welcome.as_bytes()).await.is_err() {
        return;
    }
    tracing::info!("text API: {} logged in as {}", peer.label, caller.name);
    let (handle, feedback) = bus.subscriber(caller.clone(), format!("text {}", peer.label));
    let rpc = RpcSession {
        bus: bus.clone(),
        caller,
        typing: Typing::Legacy,
        feedback: handle,
    };
    let mut state = State {
        rpc,
        mode: OutputMode::Terminal,
        registered: Vec::new(),
        next_id: 1,
    };
    let (lines_tx, lines_rx) = mpsc::channel(16);
    let reading = tokio::spawn(read_lines(reader, lines_tx));
    state.serve(lines_rx, feedback, &mut writer).await;
    reading.abort();
    tracing::info!("text API: {} left", peer.label);
}

/// Asks for a user name and password until one works (or three did not).
async fn login<R, W>(
    reader: &mut BufReader<R>,
    writer: &mut W,
    users: &Arc<Users>,
) -> Option<Caller>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    for _ in 0..MAX_LOGIN_TRIES {
        writer.write_all(b"login: ").await.ok()?;
        let user = read_line(reader).await?;
        writer.write_all(b"Password: ").await.ok()?;
        let password = read_line(reader).await?;
        let (user, password) = (user.trim().to_string(), password.trim_end().to_string());
        // Hashing is slow on purpose; keep it off the runtime's threads.
        let users = users.clone();
        let checked = tokio::task::spawn_blocking(move || users.authenticate(&user, &password));
        match checked.await.ok().flatten() {
            Some(caller) => return Some(caller),
            None => writer.write_all(b"\nLogin incorrect\n\n").await.ok()?,
        }
    }
    None
}

async fn read_line<R: AsyncRead + Unpin>(reader: &mut BufReader<R>) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let n = (&mut *reader)
        .take(MAX_INPUT as u64)
        .read_until(b'\n', &mut buf)
        .await
        .ok()?;
    if n == 0 {
        return None;
    }
    let text = String::from_utf8_lossy(&buf);
    Some(text.trim_end_matches(['\r', '\n']).to_string())
}

/// What comes in: a line, or a length-prefixed block (command line and body).
enum Input {
    Line(String),
    Block(String),
}

/// Reads lines and `{N} ` blocks from the peer into `tx`.
async fn read_lines<R: AsyncRead + Unpin>(mut reader: BufReader<R>, tx: mpsc::Sender<Input>) {
    use tokio::io::AsyncReadExt;
    while let Some(line) = read_line(&mut reader).await {
        let block_len = line
            .trim_end()
            .strip_prefix('{')
            .and_then(|l| l.strip_suffix('}'))
            .and_then(|n| n.parse::<usize>().ok());
        let input = match block_len {
            Some(n) if n <= MAX_INPUT => {
                let mut buf = vec![0; n];
                if reader.read_exact(&mut buf).await.is_err() {
                    return;
                }
                Input::Block(String::from_utf8_lossy(&buf).into_owned())
            }
            Some(_) => return,
            None => Input::Line(line),
        };
        if tx.send(input).await.is_err() {
            return;
        }
    }
}

struct State {
    rpc: RpcSession,
    mode: OutputMode,
    /// Feedback paths registered, in the order given (for `xFeedback list`).
    registered: Vec<(Vec<Json>, i64)>,
    next_id: u64,
}

impl State {
    async fn serve<W: AsyncWrite + Unpin>(
        &mut self,
        mut lines: mpsc::Receiver<Input>,
        mut feedback: mpsc::Receiver<crate::xapi::Notification>,
        writer: &mut W,
    ) {
        // An interactive multiline command waiting for its `.`: the line and the body so far.
        let mut pending: Option<(Tagged, String)> = None;
        loop {
            let text = tokio::select! {
                input = lines.recv() => match input {
                    Some(i) => i,
                    None => return,
                },
                n = feedback.recv() => match n {
                    Some(n) => {
                        let tree = n.render(Typing::Legacy);
                        let out = match self.mode {
                            OutputMode::Terminal => render::terminal_feedback(&tree),
                            OutputMode::Json => render::json_feedback(&tree),
                        };
                        if writer.write_all(out.as_bytes()).await.is_err() {
                            return;
                        }
                        continue;
                    }
                    None => return,
                },
            };
            let (tagged, body) = match text {
                Input::Block(block) => {
                    let (first, body) = block.split_once('\n').unwrap_or((&block, ""));
                    let body = body.strip_suffix('\n').unwrap_or(body);
                    match line::parse(first.trim_end_matches('\r')) {
                        Ok(t) => (t, Some(body.to_string())),
                        Err(e) => {
                            if !self.write_error(writer, &e, None).await {
                                return;
                            }
                            continue;
                        }
                    }
                }
                Input::Line(text) => {
                    if let Some((tagged, mut body)) = pending.take() {
                        if text.trim_end() == "." {
                            (tagged, Some(body))
                        } else {
                            body.push_str(&text);
                            body.push('\n');
                            pending = Some((tagged, body));
                            continue;
                        }
                    } else {
                        if text.trim().is_empty() {
                            continue;
                        }
                        match line::parse(&text) {
                            Ok(t) if self.takes_body(&t) => {
                                pending = Some((t, String::new()));
                                continue;
                            }
                            Ok(t) => (t, None),
                            Err(e) => {
                                if !self.write_error(writer, &e, None).await {
                                    return;
                                }
                                continue;
                            }
                        }
                    }
                }
            };
            if tagged.request == Request::Bye {
                let _ = writer.write_all(b"\nGoodbye\n").await;
                return;
            }
            let out = self.answer(tagged, body).await;
            if writer.write_all(out.as_bytes()).await.is_err() {
                return;
            }
        }
    }

    /// An interactive `xCommand` whose schema says it takes a multiline body.
    fn takes_body(&self, tagged: &Tagged) -> bool {
        let Request::Command(path, _) = &tagged.request else {
            return false;
        };
        let text = render::words(path);
        self.rpc.bus.command_is_multiline(&text)
    }

    async fn write_error<W: AsyncWrite + Unpin>(
        &self,
        writer: &mut W,
        reason: &str,
        result_id: Option<&str>,
    ) -> bool {
        let out = self.refusal(reason, result_id);
        writer.write_all(out.as_bytes()).await.is_ok()
    }

    /// Runs one request through the xAPI and writes its answer.
    async fn rpc(&mut self, method: &str, params: Json) -> Result<Json, (i64, String)> {
        let id = self.next_id;
        self.next_id += 1;
        let request = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let output = self.rpc.handle_text(&request.to_string()).await;
        let reply = output.reply.unwrap_or(Json::Null);
        match reply.get("error") {
            Some(e) => Err((
                e.get("code").and_then(Json::as_i64).unwrap_or(1),
                e.get("message")
                    .and_then(Json::as_str)
                    .unwrap_or("error")
                    .to_string(),
            )),
            None => Ok(reply.get("result").cloned().unwrap_or(Json::Null)),
        }
    }

    async fn answer(&mut self, tagged: Tagged, body: Option<String>) -> String {
        let id = tagged.result_id.as_deref();
        let terminal = self.mode == OutputMode::Terminal;
        let ok = if terminal { "\nOK\n" } else { "" };
        let error = if terminal { "\nERROR\n" } else { "" };
        match tagged.request {
            Request::Status(path) => self.read_tree("Status", path, id).await,
            Request::Configuration(path, None) => {
                self.read_tree("Configuration", path, id).await
            }
            Request::Configuration(path, Some(value)) => {
                let mut full = vec![json!("Configuration")];
                full.extend(path.iter().cloned());
                match self.rpc("xSet", json!({ "Path": full, "Value": value })).await {
                    Ok(_) if terminal => format!("** end\n{ok}"),
                    Ok(_) => render::json_done(id),
                    Err((_, reason)) if terminal => format!(
                        "*c xConfiguration {} (error): {}\n** end\n{error}",
                        render::words(&path),
                        serde_json::to_string(&reason).unwrap_or_default()
                    ),
                    Err((-32602, reason)) => render::json_no_path("Configuration", &path, &reason, id),
                    Err((_, reason)) => render::json_illegal_value(&path, &reason, id),
                }
            }
            Request::Command(path, mut params) => {
                let shown = self.rpc.bus.canonical_path(Root::Command, &path);
                let name = render::result_name(shown.as_deref().unwrap_or(&path));
                let method = format!(
                    "xCommand/{}",
                    path.iter()
                        .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join("/")
                );
                if let Some(body) = body {
                    params.insert("body".into(), json!(body));
                }
                match self.rpc(&method, Json::Object(params)).await {
                    Ok(result) if terminal => {
                        format!("{}{ok}", render::terminal_result(&name, Ok(&result), id))
                    }
                    Ok(result) => render::json_result(&name, Ok(&result), id),
                    Err((_, reason)) if terminal => {
                        format!("{}{error}", render::terminal_result(&name, Err(&reason), id))
                    }
                    Err((_, reason)) => render::json_result(&name, Err(&reason), id),
                }
            }
            Request::FeedbackRegister(path) => {
                if self.registered.len() >= MAX_FEEDBACK {
                    let reason = format!("at most {MAX_FEEDBACK} feedback expressions per session");
                    return self.refusal(&reason, id);
                }
                match self.rpc("xFeedback/Subscribe", json!({ "Query": path })).await {
                    Ok(result) => {
                        let sub = result.get("Id").and_then(Json::as_i64).unwrap_or(-1);
                        self.registered.push((path, sub));
                        self.done(id)
                    }
                    Err((_, reason)) => self.refusal(&reason, id),
                }
            }
            Request::FeedbackDeregister(path) => {
                let Some(at) = self.registered.iter().position(|(p, _)| same_path(p, &path)) else {
                    return self.refusal("that path is not registered", id);
                };
                let (_, sub) = self.registered.remove(at);
                let _ = self.rpc("xFeedback/Unsubscribe", json!({ "Id": sub })).await;
                self.done(id)
            }
            Request::FeedbackList => {
                let lines: Vec<String> = self
                    .registered
                    .iter()
                    .map(|(p, _)| {
                        let mut text = String::new();
                        for seg in p {
                            match seg {
                                Json::Number(n) => text.push_str(&format!("[{n}]")),
                                other => {
                                    text.push('/');
                                    text.push_str(other.as_str().unwrap_or_default());
                                }
                            }
                        }
                        text
                    })
                    .collect();
                if terminal {
                    format!("{}\n** end\n{ok}", lines.join("\n"))
                } else {
                    format!("{}\n", json!({ "Feedback": lines, "ResultId": id }))
                }
            }
            Request::Preferences(mode) => {
                self.mode = mode;
                // jsxapi switches to JSON and reads only JSON from then on: say nothing.
                if mode == OutputMode::Terminal { "OK\n".into() } else { String::new() }
            }
            // Sessions never echo input (a terminal shows what it types), so both are OK.
            Request::Echo(_) => "OK\n".into(),
            Request::Help => "?\nhelp\nxcommand\nxconfiguration\nxfeedback\nxpreferences\nxstatus\necho\nbye\n\nOK\n".into(),
            Request::Bye => String::new(),
        }
    }

    /// `xStatus`/`xConfiguration` without a value: the subtree at `path` under `root`.
    async fn read_tree(&mut self, root: &str, path: Vec<Json>, id: Option<&str>) -> String {
        let terminal = self.mode == OutputMode::Terminal;
        let ok = if terminal { "\nOK\n" } else { "" };
        let error = if terminal { "\nERROR\n" } else { "" };
        let mut full = vec![json!(root)];
        full.extend(path.iter().cloned());
        let answer = self.rpc("xGet", json!({ "Path": full })).await;
        // Shown in the schema's casing, however it was typed.
        let which = if root == "Status" {
            Root::Status
        } else {
            Root::Configuration
        };
        let path = self.rpc.bus.canonical_path(which, &path).unwrap_or(path);
        match answer {
            Ok(value) if terminal => {
                format!("{}{ok}", render::terminal_tree(root, &path, &value, id))
            }
            Ok(value) => render::json_tree(root, &path, &value, id),
            Err((_, reason)) if terminal => format!(
                "*r {root}Result (status=Error):\n    Reason: {}\n    XPath: {}\n** end\n{error}",
                serde_json::to_string(&reason).unwrap_or_default(),
                serde_json::to_string(&format!(
                    "{root}/{}",
                    render::words(&path).replace(' ', "/")
                ))
                .unwrap_or_default()
            ),
            Err((_, reason)) => render::json_no_path(root, &path, &reason, id),
        }
    }

    fn done(&self, id: Option<&str>) -> String {
        match self.mode {
            OutputMode::Terminal => "** end\n\nOK\n".into(),
            OutputMode::Json => render::json_done(id),
        }
    }

    fn refusal(&self, reason: &str, id: Option<&str>) -> String {
        match self.mode {
            OutputMode::Terminal => format!(
                "*r Result (status=Error):\n    Reason: {}\n** end\n\nERROR\n",
                serde_json::to_string(reason).unwrap_or_default()
            ),
            OutputMode::Json => render::json_result("Result", Err(reason), id),
        }
    }
}

/// Feedback paths compare without case, as every xAPI path does.
fn same_path(a: &[Json], b: &[Json]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| match (x.as_str(), y.as_str()) {
                (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
                _ => x == y,
            })
}
