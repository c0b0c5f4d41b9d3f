//! Writing answers and feedback as the text API shows them.
//!
//! Terminal mode, as control systems parse it: a block of `*s` (status), `*c`
//! (configuration), `*r` (command result) or `*e` (event) lines ending in `** end`, list
//! elements as a bare index after their node (`*s Call 3 Status: Connected`), strings quoted
//! and words and numbers bare; lines end in LF, as RoomOS writes them over SSH (jsxapi
//! looks for a line that is exactly `OK`). JSON mode, as jsxapi's SSH backend reads it: one
//! object per answer, leaves wrapped as `{"Value": "..."}`, command results under
//! `CommandResponse.<Name>Result` with a `status`, and `ResultId` when the line was tagged.

use serde_json::{Map, Value as Json, json};

/// A leaf value as the terminal shows it: words and numbers bare, anything else quoted.
fn shown(value: &Json) -> String {
    let text = match value {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    };
    let bare = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if bare {
        text
    } else {
        serde_json::to_string(&text).unwrap_or_default()
    }
}

/// The words of a path, indices as numbers, for a line prefix.
pub fn words(path: &[Json]) -> String {
    path.iter()
        .map(|p| match p {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every leaf under `value` as `<prefix> <path>: <value>`.
fn leaves(prefix: &str, value: &Json, out: &mut Vec<String>) {
    match value {
        Json::Object(map) if map.get("ghost").and_then(Json::as_str) == Some("True") => {
            out.push(format!("{prefix} (ghost=True):"));
        }
        Json::Object(map) => {
            for (key, child) in map {
                if key == "id" {
                    continue;
                }
                leaves(&format!("{prefix} {key}"), child, out);
            }
        }
        Json::Array(items) => {
            for item in items {
                match item.get("id") {
                    Some(id) => {
                        let id = id.as_str().map_or_else(|| id.to_string(), str::to_string);
                        leaves(&format!("{prefix} {id}"), item, out);
                    }
                    None => leaves(prefix, item, out),
                }
            }
        }
        leaf => out.push(format!("{prefix}: {}", shown(leaf))),
    }
}

/// A terminal block: the lines, the `resultId` echo if tagged, and `** end`.
fn block(lines: Vec<String>, result_id: Option<&str>) -> String {
    let mut out = String::new();
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    if let Some(id) = result_id {
        out.push_str(&format!("** resultId: {}\n", shown(&json!(id))));
    }
    out.push_str("** end\n");
    out
}

/// `xStatus`/`xConfiguration` answers in terminal mode: `root` is `Status` or `Configuration`.
pub fn terminal_tree(root: &str, path: &[Json], value: &Json, result_id: Option<&str>) -> String {
    let marker = if root == "Configuration" {
        "*c xConfiguration"
    } else {
        "*s"
    };
    let mut lines = Vec::new();
    // A path ending in a list name shows its elements with their indices.
    leaves(&format!("{marker} {}", words(path)), value, &mut lines);
    block(lines, result_id)
}

/// A command's name as its result is called: `Call Disconnect` → `CallDisconnectResult`.
pub fn result_name(path: &[Json]) -> String {
    let mut name: String = path.iter().filter_map(Json::as_str).collect();
    name.push_str("Result");
    name
}

/// A command's answer in terminal mode.
pub fn terminal_result(
    name: &str,
    outcome: Result<&Json, &str>,
    result_id: Option<&str>,
) -> String {
    let mut lines = Vec::new();
    match outcome {
        Ok(value) => {
            lines.push(format!("*r {name} (status=OK):"));
            let mut fields = Vec::new();
            let value = strip_status(value);
            leaves("", &value, &mut fields);
            lines.extend(
                fields
                    .into_iter()
                    .map(|f| format!("    {}", f.trim_start())),
            );
        }
        Err(reason) => {
            lines.push(format!("*r {name} (status=Error):"));
            lines.push(format!("    Reason: {}", shown(&json!(reason))));
        }
    }
    block(lines, result_id)
}

/// A result object without the `status` the JSON-RPC side adds.
fn strip_status(value: &Json) -> Json {
    match value {
        Json::Object(map) => Json::Object(
            map.iter()
                .filter(|(k, _)| k.as_str() != "status")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Feedback (a notification tree such as `{"Status": {...}}`) in terminal mode.
pub fn terminal_feedback(tree: &Json) -> String {
    let Some(map) = tree.as_object() else {
        return String::new();
    };
    let mut out = String::new();
    for (root, value) in map {
        let mut lines = Vec::new();
        match root.as_str() {
            "Event" => {
                // An event is one line: its name, then its fields.
                if let Some(events) = value.as_object() {
                    for (name, fields) in events {
                        let mut parts = Vec::new();
                        leaves("", fields, &mut parts);
                        let fields: Vec<String> =
                            parts.iter().map(|p| p.trim_start().to_string()).collect();
                        let line = format!("*e {name} {}", fields.join(" "));
                        lines.push(line.trim_end().to_string());
                    }
                }
            }
            "Configuration" => leaves("*c xConfiguration", value, &mut lines),
            _ => leaves("*s", value, &mut lines),
        }
        out.push_str(&block(lines, None));
    }
    out
}

/// Wraps every leaf as `{"Value": "..."}`, the JSON-mode form of a value.
fn wrap(value: &Json) -> Json {
    match value {
        Json::Object(map) => Json::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if k == "id" || k == "status" {
                        v.clone()
                    } else {
                        wrap(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.iter().map(wrap).collect()),
        Json::String(s) => json!({ "Value": s }),
        other => json!({ "Value": other.to_string() }),
    }
}

/// `value` placed under `root` and `path`: `Status`, `[Audio, Volume]`, `50` →
/// `{"Status":{"Audio":{"Volume":...}}}`; an index puts a one-element list with that `id`.
fn nest(root: &str, path: &[Json], value: Json) -> Json {
    let mut inner = value;
    for seg in path.iter().rev() {
        inner = match seg {
            Json::Number(n) => {
                let mut element = match inner {
                    Json::Object(map) => map,
                    other => Map::from_iter([("Value".to_string(), other)]),
                };
                element.insert("id".into(), json!(n.to_string()));
                // The list itself is keyed by the name before the index.
                Json::Array(vec![Json::Object(element)])
            }
            Json::String(name) => {
                let mut map = Map::new();
                map.insert(name.clone(), inner);
                Json::Object(map)
            }
            _ => inner,
        };
    }
    let mut map = Map::new();
    map.insert(root.to_string(), inner);
    Json::Object(map)
}

fn with_result_id(mut object: Json, result_id: Option<&str>) -> String {
    if let (Some(id), Some(map)) = (result_id, object.as_object_mut()) {
        map.insert("ResultId".into(), json!(id));
    }
    format!("{object}\n")
}

/// `xStatus`/`xConfiguration` answers in JSON mode.
pub fn json_tree(root: &str, path: &[Json], value: &Json, result_id: Option<&str>) -> String {
    with_result_id(nest(root, path, wrap(value)), result_id)
}

/// A successful `xConfiguration ...: value` or `xFeedback` line in JSON mode.
pub fn json_done(result_id: Option<&str>) -> String {
    with_result_id(json!({}), result_id)
}

/// A command's answer in JSON mode.
pub fn json_result(name: &str, outcome: Result<&Json, &str>, result_id: Option<&str>) -> String {
    let body = match outcome {
        Ok(value) => {
            let mut body = match wrap(&strip_status(value)) {
                Json::Object(map) => map,
                _ => Map::new(),
            };
            body.insert("status".into(), json!("OK"));
            Json::Object(body)
        }
        Err(reason) => json!({ "status": "Error", "Reason": { "Value": reason } }),
    };
    with_result_id(json!({ "CommandResponse": { name: body } }), result_id)
}

/// A path that does not exist, in JSON mode (jsxapi raises it as an invalid path).
pub fn json_no_path(root: &str, path: &[Json], reason: &str, result_id: Option<&str>) -> String {
    let xpath = std::iter::once(root.to_string())
        .chain(path.iter().map(|p| match p {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        }))
        .collect::<Vec<_>>()
        .join("/");
    let body =
        json!({ "status": "Error", "Reason": { "Value": reason }, "XPath": { "Value": xpath } });
    with_result_id(json!({ "CommandResponse": { root: body } }), result_id)
}

/// A refused configuration value in JSON mode.
pub fn json_illegal_value(path: &[Json], reason: &str, result_id: Option<&str>) -> String {
    let leaf = json!({ "error": "True", "Value": reason });
    with_result_id(nest("Configuration", path, leaf), result_id)
}

/// Feedback in JSON mode: the bare tree, leaves wrapped.
pub fn json_feedback(tree: &Json) -> String {
    format!("{}\n", wrap(tree))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_quote_what_is_not_a_word() {
        let calls = json!([{"id": "3", "Status": "Connected", "DisplayName": "Room 4"}]);
        assert_eq!(
            terminal_tree("Status", &[json!("Call")], &calls, None),
            "*s Call 3 Status: Connected\n*s Call 3 DisplayName: \"Room 4\"\n** end\n"
        );
        assert_eq!(
            terminal_tree(
                "Configuration",
                &[json!("Audio"), json!("DefaultVolume")],
                &json!("50"),
                Some("7")
            ),
            "*c xConfiguration Audio DefaultVolume: 50\n** resultId: 7\n** end\n"
        );
    }

    #[test]
    fn command_results_and_errors() {
        let name = result_name(&[json!("Call"), json!("Disconnect")]);
        assert_eq!(name, "CallDisconnectResult");
        assert_eq!(
            terminal_result(
                "DialResult",
                Ok(&json!({"status": "OK", "CallId": "2"})),
                None
            ),
            "*r DialResult (status=OK):\n    CallId: 2\n** end\n"
        );
        assert_eq!(
            terminal_result("DialResult", Err("Number missing"), None),
            "*r DialResult (status=Error):\n    Reason: \"Number missing\"\n** end\n"
        );
        let json_mode: Json = serde_json::from_str(&json_result(
            "DialResult",
            Ok(&json!({"CallId": "2"})),
            Some("1"),
        ))
        .unwrap();
        assert_eq!(
            json_mode,
            json!({"CommandResponse": {"DialResult": {"status": "OK", "CallId": {"Value": "2"}}},
                   "ResultId": "1"})
        );
    }

    #[test]
    fn feedback_and_events() {
        assert_eq!(
            terminal_feedback(
                &json!({"Event": {"CallDisconnect": {"CallId": "3", "CauseType": "LocalDisconnect"}}})
            ),
            "*e CallDisconnect CallId: 3 CauseType: LocalDisconnect\n** end\n"
        );
        assert_eq!(
            terminal_feedback(&json!({"Status": {"Call": [{"id": "3", "ghost": "True"}]}})),
            "*s Call 3 (ghost=True):\n** end\n"
        );
        let tree: Json = serde_json::from_str(&json_feedback(
            &json!({"Status": {"Audio": {"Volume": "50"}}}),
        ))
        .unwrap();
        assert_eq!(
            tree,
            json!({"Status": {"Audio": {"Volume": {"Value": "50"}}}})
        );
    }

    #[test]
    fn json_mode_nests_the_answer_under_its_path() {
        let text = json_tree(
            "Status",
            &[
                json!("Video"),
                json!("Output"),
                json!("Connector"),
                json!(2),
                json!("Connected"),
            ],
            &json!("True"),
            Some("4"),
        );
        let tree: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(
            tree["Status"]["Video"]["Output"]["Connector"][0],
            json!({"id": "2", "Connected": {"Value": "True"}})
        );
        assert_eq!(tree["ResultId"], "4");
    }
}
