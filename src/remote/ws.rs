//! The xAPI over WebSocket: `/ws` (typed values) and `/ws?legacy` (every value a string).
//!
//! Authentication happens on the upgrade request: 403 for bad credentials, 503 for an address
//! that failed too often. A connection has bounded queues both ways; a client that stops
//! reading is disconnected with a logged reason instead of growing roomd's memory.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;

use super::App;
use super::auth::{Credentials, from_basic, from_subprotocols};
use super::jsonrpc::{Session, feedback_message};
use crate::xapi::{Caller, Typing};

/// Largest frame or message a client may send.
pub const MAX_MESSAGE: usize = 1 << 20;
/// Replies queued for one connection before it is considered stuck.
const OUT_QUEUE: usize = 256;
/// How long a write may wait for a client that does not read.
const WRITE_TIMEOUT: Duration = Duration::from_secs(20);

/// `GET /ws`: checks credentials, then upgrades.
pub async fn upgrade(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if app.guard.blocked(peer.ip()) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "Too many failed logins; try again later\n",
        )
            .into_response();
    }
    let header_text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let basic = header_text(header::AUTHORIZATION).and_then(from_basic);
    let offered = header_text(header::SEC_WEBSOCKET_PROTOCOL).and_then(from_subprotocols);
    let (credentials, protocol): (Credentials, Option<String>) = match (basic, offered) {
        (Some(c), offered) => (c, offered.map(|(_, p)| p)),
        (None, Some((c, p))) => (c, Some(p)),
        (None, None) => {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Basic realm=\"roomd\"")],
                "Credentials required\n",
            )
                .into_response();
        }
    };
    let users = app.users.clone();
    let caller = tokio::task::spawn_blocking(move || {
        users.authenticate(&credentials.username, &credentials.password)
    })
    .await
    .ok()
    .flatten();
    let Some(caller) = caller else {
        app.guard.failed(peer.ip());
        tracing::warn!("failed WebSocket login from {peer}");
        return (StatusCode::FORBIDDEN, "Wrong username or password\n").into_response();
    };
    let typing = match query.as_deref() {
        Some(q)
            if q.split('&')
                .any(|p| p == "legacy" || p.starts_with("legacy=")) =>
        {
            Typing::Legacy
        }
        _ => Typing::Typed,
    };
    let mut ws = ws.max_message_size(MAX_MESSAGE).max_frame_size(MAX_MESSAGE);
    if let Some(protocol) = protocol {
        ws = ws.protocols([protocol]);
    }
    ws.on_upgrade(move |socket| serve(app, socket, caller, typing, peer))
}

async fn serve(app: Arc<App>, socket: WebSocket, caller: Caller, typing: Typing, peer: SocketAddr) {
    let label = format!("ws client {} at {peer}", caller.name);
    tracing::info!("{label} connected");
    let (handle, mut feedback) = app.bus.subscriber(caller.clone(), label.clone());
    let session = Session {
        bus: app.bus.clone(),
        caller,
        typing,
        feedback: handle,
    };
    let (mut sink, mut stream) = socket.split();
    let (out, mut out_rx) = mpsc::channel::<Message>(OUT_QUEUE);

    let writer_label = label.clone();
    let mut writer = tokio::spawn(async move {
        loop {
            let message = tokio::select! {
                m = out_rx.recv() => match m {
                    Some(m) => m,
                    None => return,
                },
                n = feedback.recv() => match n {
                    Some(n) => Message::Text(feedback_message(&n, typing).to_string().into()),
                    None => close(1008, "feedback queue overflow: the client is not reading"),
                },
            };
            let closing = matches!(message, Message::Close(_));
            match tokio::time::timeout(WRITE_TIMEOUT, sink.send(message)).await {
                Ok(Ok(())) if !closing => {}
                Ok(Ok(())) => return,
                Ok(Err(_)) => return,
                Err(_) => {
                    tracing::warn!(
                        "{writer_label} has not read for {WRITE_TIMEOUT:?}: disconnecting"
                    );
                    return;
                }
            }
        }
    });

    loop {
        let frame = tokio::select! {
            frame = stream.next() => frame,
            _ = &mut writer => break,
        };
        let text = match frame {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Binary(_))) => {
                let reply = serde_json::json!({"jsonrpc":"2.0","id":null,
                    "error":{"code":-32700,"message":"Parse error: send JSON-RPC as text frames"}});
                if !queue(&out, Message::Text(reply.to_string().into()), &label) {
                    break;
                }
                continue;
            }
            Some(Ok(Message::Close(_))) | None => break,
            Some(Ok(_)) => continue,
            Some(Err(e)) => {
                tracing::info!("{label}: {e}");
                let _ = out.try_send(close(1009, "message too big or malformed"));
                break;
            }
        };
        let output = session.handle_text(&text).await;
        let mut messages: Vec<Message> = output
            .reply
            .into_iter()
            .map(|r| Message::Text(r.to_string().into()))
            .collect();
        messages.extend(
            output
                .after
                .iter()
                .map(|n| Message::Text(feedback_message(n, typing).to_string().into())),
        );
        if !messages.into_iter().all(|m| queue(&out, m, &label)) {
            break;
        }
    }
    drop(out);
    // Let the writer flush what is queued (a close frame, a last reply), briefly.
    if tokio::time::timeout(Duration::from_secs(2), &mut writer)
        .await
        .is_err()
    {
        writer.abort();
    }
    tracing::info!("{label} disconnected");
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}

/// Queues a message for the writer; false when the client is too far behind.
fn queue(out: &mpsc::Sender<Message>, message: Message, label: &str) -> bool {
    match out.try_send(message) {
        Ok(()) => true,
        Err(mpsc::error::TrySendError::Full(_)) => {
            tracing::warn!("{label} is not reading its replies: disconnecting");
            false
        }
        Err(mpsc::error::TrySendError::Closed(_)) => false,
    }
}
