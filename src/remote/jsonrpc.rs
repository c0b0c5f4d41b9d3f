//! JSON-RPC 2.0 as jsxapi speaks it: `xGet`, `xSet`, `xQuery`, `xCommand/<Path>`,
//! `xFeedback/Subscribe|Unsubscribe`, `xDoc`. Transport-free: takes text, gives replies.

use std::sync::Arc;

use serde_json::{Map, Value as Json, json};

use crate::xapi::{
    Bus, Caller, ErrorKind, Notification, SubscriberHandle, Typing, XapiError, parse_json,
    parse_text,
};

/// One client's session: who it is, how it wants values typed, its subscriptions.
pub struct Session {
    pub bus: Arc<Bus>,
    pub caller: Caller,
    pub typing: Typing,
    pub feedback: SubscriberHandle,
}

/// What a request produced: the reply, and notifications to send right after it.
#[derive(Default)]
pub struct Output {
    pub reply: Option<Json>,
    pub after: Vec<Notification>,
}

fn error_reply(id: Json, error: &XapiError) -> Json {
    json!({ "jsonrpc": "2.0", "id": id, "error": error.to_json() })
}

fn protocol_error(id: Json, code: i64, message: &str) -> Json {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

/// The feedback notification for a subscription, as sent on the wire.
pub fn feedback_message(n: &Notification, typing: Typing) -> Json {
    let mut params = match n.render(typing) {
        Json::Object(map) => map,
        _ => Map::new(),
    };
    params.insert("Id".into(), json!(n.id));
    json!({ "jsonrpc": "2.0", "method": "xFeedback/Event", "params": params })
}

impl Session {
    /// Handles one text frame: a request, a notification, or a batch.
    pub async fn handle_text(&self, text: &str) -> Output {
        let parsed: Json = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                return Output {
                    reply: Some(protocol_error(
                        Json::Null,
                        -32700,
                        &format!("Parse error: {e}"),
                    )),
                    after: Vec::new(),
                };
            }
        };
        match parsed {
            Json::Array(items) if items.is_empty() => Output {
                reply: Some(protocol_error(
                    Json::Null,
                    -32600,
                    "Invalid request: empty batch",
                )),
                after: Vec::new(),
            },
            Json::Array(items) => {
                let mut replies = Vec::new();
                let mut after = Vec::new();
                for item in items {
                    let out = self.handle_request(item).await;
                    replies.extend(out.reply);
                    after.extend(out.after);
                }
                Output {
                    reply: (!replies.is_empty()).then_some(Json::Array(replies)),
                    after,
                }
            }
            other => self.handle_request(other).await,
        }
    }

    async fn handle_request(&self, request: Json) -> Output {
        let Json::Object(mut request) = request else {
            return Output {
                reply: Some(protocol_error(
                    Json::Null,
                    -32600,
                    "Invalid request: not an object",
                )),
                after: Vec::new(),
            };
        };
        let id = request.remove("id");
        let reply_id = id.clone().unwrap_or(Json::Null);
        if !matches!(
            id,
            None | Some(Json::String(_) | Json::Number(_) | Json::Null)
        ) {
            return Output {
                reply: Some(protocol_error(
                    Json::Null,
                    -32600,
                    "Invalid request: bad id",
                )),
                after: Vec::new(),
            };
        }
        let method = match request.remove("method") {
            Some(Json::String(m)) => m,
            _ => {
                return Output {
                    reply: Some(protocol_error(
                        reply_id,
                        -32600,
                        "Invalid request: no method",
                    )),
                    after: Vec::new(),
                };
            }
        };
        let params = match request.remove("params") {
            None | Some(Json::Null) => Map::new(),
            Some(Json::Object(p)) => p,
            Some(_) => {
                return Output {
                    reply: Some(protocol_error(
                        reply_id,
                        -32602,
                        "Invalid params: not an object",
                    )),
                    after: Vec::new(),
                };
            }
        };
        let mut after = Vec::new();
        let outcome = self.call(&method, params, &mut after).await;
        // A request without an id is a notification: it gets no reply.
        let reply = id.map(|id| match outcome {
            Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
            Err(e) => error_reply(id, &e),
        });
        Output { reply, after }
    }

    async fn call(
        &self,
        method: &str,
        mut params: Map<String, Json>,
        after: &mut Vec<Notification>,
    ) -> Result<Json, XapiError> {
        match method {
            "xGet" => self
                .bus
                .get(&self.caller, &path_param(&params, "Path")?, self.typing),
            "xQuery" => self
                .bus
                .query(&self.caller, &path_param(&params, "Query")?, self.typing),
            "xSet" => {
                let segs = path_param(&params, "Path")?;
                let value = params
                    .remove("Value")
                    .ok_or_else(|| invalid_params("xSet needs a Value"))?;
                let (bus, caller) = (self.bus.clone(), self.caller.clone());
                // Storing configuration waits for the disk; keep it off the async workers.
                tokio::task::spawn_blocking(move || bus.set_config(&caller, &segs, &value))
                    .await
                    .map_err(|e| XapiError::internal(e.to_string()))??;
                Ok(Json::Bool(true))
            }
            "xDoc" => self.bus.doc(&path_param(&params, "Path")?),
            "xFeedback/Subscribe" => {
                let segs = path_param(&params, "Query")?;
                let notify = params
                    .get("NotifyCurrentValue")
                    .is_some_and(|v| v == &Json::Bool(true) || v == "True" || v == "true");
                let (id, pattern) = self.feedback.subscribe(&segs)?;
                if notify {
                    after.extend(self.feedback.current(id, &pattern));
                }
                Ok(json!({ "Id": id }))
            }
            "xFeedback/Unsubscribe" => {
                let id = params
                    .get("Id")
                    .and_then(Json::as_u64)
                    .ok_or_else(|| invalid_params("xFeedback/Unsubscribe needs an integer Id"))?;
                if self.feedback.unsubscribe(id) {
                    Ok(Json::Bool(true))
                } else {
                    Err(invalid_params(&format!(
                        "No feedback subscription with Id {id}"
                    )))
                }
            }
            _ => match method.strip_prefix("xCommand/") {
                Some(path) => self.command(path, params).await,
                None => Err(XapiError::new(
                    ErrorKind::UnknownCommand,
                    format!("Method not found: {method}"),
                )),
            },
        }
    }

    async fn command(&self, path: &str, mut params: Map<String, Json>) -> Result<Json, XapiError> {
        let segs = parse_text(path)?;
        let body = match params.remove("body") {
            None | Some(Json::Null) => None,
            Some(Json::String(s)) => Some(s),
            Some(_) => return Err(invalid_params("body must be a string")),
        };
        let result = self.bus.command(&self.caller, &segs, &params, body).await?;
        Ok(crate::xapi::retype(&result, self.typing))
    }
}

fn invalid_params(message: &str) -> XapiError {
    XapiError::new(
        ErrorKind::InvalidValue,
        format!("Invalid params: {message}"),
    )
}

fn path_param(params: &Map<String, Json>, key: &str) -> Result<Vec<crate::xapi::Seg>, XapiError> {
    let raw = params
        .get(key)
        .ok_or_else(|| invalid_params(&format!("missing {key}")))?;
    parse_json(raw)
}
