//! A small xAPI client over WebSocket (JSON-RPC, Basic auth), for roomd's own command line.

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value as Json, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub struct Client {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    /// Feedback that arrived while a reply was awaited.
    backlog: Vec<Json>,
}

impl Client {
    pub async fn connect(url: &str, user: &str, password: &str) -> Result<Client, String> {
        let mut request = url
            .into_client_request()
            .map_err(|e| format!("bad URL {url}: {e}"))?;
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let header = format!("Basic {token}")
            .parse()
            .map_err(|_| "credentials are not valid in a header".to_string())?;
        request.headers_mut().insert("Authorization", header);
        let (ws, _) = tokio_tungstenite::connect_async(request)
            .await
            .map_err(|e| format!("cannot connect to {url}: {e}"))?;
        Ok(Client {
            ws,
            next_id: 0,
            backlog: Vec::new(),
        })
    }

    async fn next_message(&mut self) -> Result<Json, String> {
        loop {
            match self.ws.next().await {
                Some(Ok(Message::Text(text))) => {
                    return serde_json::from_str(&text).map_err(|e| format!("bad reply: {e}"));
                }
                Some(Ok(Message::Close(_))) | None => {
                    return Err("roomd closed the connection".into());
                }
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e.to_string()),
            }
        }
    }

    /// Sends a request and waits for its result; an error reply becomes its message.
    pub async fn call(&mut self, method: &str, params: Json) -> Result<Json, String> {
        self.next_id += 1;
        let id = self.next_id;
        let request = json!({"jsonrpc":"2.0","id":id,"method":method,"params":params});
        self.ws
            .send(Message::Text(request.to_string().into()))
            .await
            .map_err(|e| e.to_string())?;
        loop {
            let reply = self.next_message().await?;
            if reply["id"] != json!(id) {
                self.backlog.push(reply);
                continue;
            }
            if let Some(error) = reply.get("error") {
                return Err(format!(
                    "{} (code {})",
                    error["message"].as_str().unwrap_or("error"),
                    error["code"]
                ));
            }
            return Ok(reply["result"].clone());
        }
    }

    /// The next feedback notification's params.
    pub async fn feedback(&mut self) -> Result<Json, String> {
        if !self.backlog.is_empty() {
            return Ok(self.backlog.remove(0)["params"].clone());
        }
        loop {
            let message = self.next_message().await?;
            if message["method"] == "xFeedback/Event" {
                return Ok(message["params"].clone());
            }
        }
    }
}
