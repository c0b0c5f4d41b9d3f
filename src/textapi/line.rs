//! One line of the text API, read into a request (sans-IO).
//!
//! The classic RoomOS shell (tshell) takes lines such as
//! `xStatus Audio Volume`, `xConfiguration Audio DefaultVolume: 50`,
//! `xCommand Dial Number: "sip:room@example.com" CallRate: 768`,
//! `xFeedback register /Status/Call` and `xPreferences outputmode json`, each optionally
//! tagged `| resultId="7"` so a program can match the answer. Words are case-insensitive;
//! list indices are bare numbers (`Call 3 Status`) or brackets in feedback paths
//! (`/Status/Video/Input/Connector[2]`). Values are bare words or JSON-style quoted strings.

use serde_json::{Map, Value as Json};

/// How answers are written for this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputMode {
    /// `*s Audio Volume: 50` / `** end`, for people and control systems.
    Terminal,
    /// One JSON object per answer, as jsxapi's SSH backend reads.
    Json,
}

/// What a line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// `xStatus <path>`: the path's segments, indices as numbers.
    Status(Vec<Json>),
    /// `xConfiguration <path>`, with `: value` to set it.
    Configuration(Vec<Json>, Option<String>),
    /// `xCommand <path> Name: value ...`; a repeated name gives a list.
    Command(Vec<Json>, Map<String, Json>),
    FeedbackRegister(Vec<Json>),
    FeedbackDeregister(Vec<Json>),
    FeedbackList,
    Preferences(OutputMode),
    Echo(bool),
    Help,
    Bye,
}

/// A request and the `resultId` it was tagged with.
#[derive(Debug, Clone, PartialEq)]
pub struct Tagged {
    pub request: Request,
    pub result_id: Option<String>,
}

/// Reads one line; the error is the sentence the session shows.
pub fn parse(line: &str) -> Result<Tagged, String> {
    let (line, result_id) = split_result_id(line)?;
    let tokens = tokenize(line)?;
    let Some((first, rest)) = tokens.split_first() else {
        return Err("empty command".into());
    };
    let word = first.text.to_ascii_lowercase();
    let request = match word.as_str() {
        "xstatus" => Request::Status(path(rest)?),
        "xconfiguration" => configuration(rest)?,
        "xcommand" => command(rest)?,
        "xfeedback" => feedback(rest)?,
        "xpreferences" => preferences(rest)?,
        "echo" => match rest.first().map(|t| t.text.to_ascii_lowercase()).as_deref() {
            Some("on") => Request::Echo(true),
            Some("off") => Request::Echo(false),
            _ => return Err("usage: echo on|off".into()),
        },
        "help" | "?" => Request::Help,
        "bye" | "exit" | "quit" => Request::Bye,
        _ => return Err(format!("Unknown command: {}", first.text)),
    };
    Ok(Tagged { request, result_id })
}

/// A token and whether it was quoted (a quoted `"x:"` is a value, not a parameter name).
#[derive(Debug, Clone)]
struct Token {
    text: String,
    quoted: bool,
}

/// `... | resultId="x"` → the line before the bar, and `x`.
fn split_result_id(line: &str) -> Result<(&str, Option<String>), String> {
    let Some(bar) = line.rfind('|') else {
        return Ok((line, None));
    };
    let tail = line[bar + 1..].trim();
    let Some(value) = tail
        .split_once('=')
        .filter(|(k, _)| k.trim().eq_ignore_ascii_case("resultid"))
        .map(|(_, v)| v.trim())
    else {
        // A bar inside a quoted value is not a tag.
        return Ok((line, None));
    };
    let id = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    Ok((&line[..bar], Some(id.to_string())))
}

fn tokenize(line: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = line.trim().chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '"' {
            chars.next();
            let mut text = String::new();
            loop {
                match chars.next() {
                    None => return Err("a quoted value is not closed".into()),
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some('n') => text.push('\n'),
                        Some('t') => text.push('\t'),
                        Some(other) => text.push(other),
                        None => return Err("a quoted value is not closed".into()),
                    },
                    Some(other) => text.push(other),
                }
            }
            tokens.push(Token { text, quoted: true });
            continue;
        }
        let mut text = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            text.push(c);
            chars.next();
            // `Name:` ends a parameter name even when the value follows without a space.
            if c == ':' {
                break;
            }
        }
        tokens.push(Token {
            text,
            quoted: false,
        });
    }
    Ok(tokens)
}

/// Path words, numbers as indices.
fn path(tokens: &[Token]) -> Result<Vec<Json>, String> {
    tokens
        .iter()
        .map(|t| {
            if t.quoted || t.text.is_empty() {
                return Err(format!("{:?} is not a path word", t.text));
            }
            Ok(match t.text.parse::<u64>() {
                Ok(n) => Json::from(n),
                Err(_) => Json::String(t.text.clone()),
            })
        })
        .collect()
}

fn is_name(t: &Token) -> bool {
    !t.quoted && t.text.len() > 1 && t.text.ends_with(':')
}

fn configuration(tokens: &[Token]) -> Result<Request, String> {
    match tokens.iter().position(is_name) {
        None => Ok(Request::Configuration(path(tokens)?, None)),
        Some(at) => {
            let mut words = tokens[..=at].to_vec();
            let last = &mut words[at];
            last.text.pop();
            let value: Vec<&str> = tokens[at + 1..].iter().map(|t| t.text.as_str()).collect();
            if value.is_empty() {
                return Err("xConfiguration: a value is missing after ':'".into());
            }
            Ok(Request::Configuration(path(&words)?, Some(value.join(" "))))
        }
    }
}

fn command(tokens: &[Token]) -> Result<Request, String> {
    let first_param = tokens.iter().position(is_name).unwrap_or(tokens.len());
    let command_path = path(&tokens[..first_param])?;
    if command_path.is_empty() {
        return Err("xCommand: which command?".into());
    }
    let mut params = Map::new();
    let mut rest = tokens[first_param..].iter();
    while let Some(name) = rest.next() {
        if !is_name(name) {
            return Err(format!(
                "xCommand: expected a parameter name, found {:?}",
                name.text
            ));
        }
        let key = name.text.trim_end_matches(':').to_string();
        let value = rest
            .next()
            .ok_or_else(|| format!("xCommand: no value for {key}"))?;
        let value = Json::String(value.text.clone());
        match params.get_mut(&key) {
            Some(Json::Array(list)) => list.push(value),
            Some(existing) => *existing = Json::Array(vec![existing.clone(), value]),
            None => {
                params.insert(key, value);
            }
        }
    }
    Ok(Request::Command(command_path, params))
}

fn feedback(tokens: &[Token]) -> Result<Request, String> {
    let verb = tokens
        .first()
        .map(|t| t.text.to_ascii_lowercase())
        .unwrap_or_default();
    let expression = || {
        tokens
            .get(1)
            .map(|t| feedback_path(&t.text))
            .ok_or_else(|| format!("xFeedback {verb}: which path?"))?
    };
    match verb.as_str() {
        "register" => Ok(Request::FeedbackRegister(expression()?)),
        "deregister" => Ok(Request::FeedbackDeregister(expression()?)),
        "list" => Ok(Request::FeedbackList),
        _ => Err("usage: xFeedback register|deregister|list <path>".into()),
    }
}

/// `/Status/Video/Input/Connector[2]/Connected` or `Status/Audio` → path segments.
pub fn feedback_path(text: &str) -> Result<Vec<Json>, String> {
    let mut out = Vec::new();
    for part in text.split('/').filter(|p| !p.is_empty()) {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => {
                let inner = rest
                    .strip_suffix(']')
                    .ok_or_else(|| format!("{part:?}: an index is not closed"))?;
                // XPath style `[@item='3']` as well as `[3]`.
                let digits: String = inner.chars().filter(char::is_ascii_digit).collect();
                let n = digits
                    .parse::<u64>()
                    .map_err(|_| format!("{part:?}: the index is not a number"))?;
                (name, Some(n))
            }
            None => (part, None),
        };
        if name.is_empty() {
            return Err(format!("{text:?} is not a feedback path"));
        }
        out.push(Json::String(name.to_string()));
        if let Some(n) = index {
            out.push(Json::from(n));
        }
    }
    if out.is_empty() {
        return Err(format!("{text:?} is not a feedback path"));
    }
    Ok(out)
}

fn preferences(tokens: &[Token]) -> Result<Request, String> {
    let words: Vec<String> = tokens.iter().map(|t| t.text.to_ascii_lowercase()).collect();
    match words
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["outputmode", "terminal"] => Ok(Request::Preferences(OutputMode::Terminal)),
        ["outputmode", "json"] => Ok(Request::Preferences(OutputMode::Json)),
        ["outputmode", other] => Err(format!(
            "output mode {other} is not supported (terminal, json)"
        )),
        _ => Err("usage: xPreferences outputmode terminal|json".into()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn request(line: &str) -> Request {
        parse(line).unwrap().request
    }

    #[test]
    fn status_and_configuration_paths() {
        assert_eq!(
            request("xstatus Call 3 Status"),
            Request::Status(vec![json!("Call"), json!(3), json!("Status")])
        );
        assert_eq!(
            request("xConfiguration Audio DefaultVolume: 50"),
            Request::Configuration(
                vec![json!("Audio"), json!("DefaultVolume")],
                Some("50".into())
            )
        );
        assert_eq!(
            request("xConfiguration SystemUnit Name: \"Room 4 \\\"East\\\"\""),
            Request::Configuration(
                vec![json!("SystemUnit"), json!("Name")],
                Some("Room 4 \"East\"".into())
            )
        );
    }

    #[test]
    fn commands_with_quoted_and_repeated_parameters_and_a_tag() {
        let t = parse(
            "xCommand UserManagement User Add Username: \"ann\" Role: \"Admin\" Role: User \
             | resultId=\"42\"",
        )
        .unwrap();
        assert_eq!(t.result_id.as_deref(), Some("42"));
        assert_eq!(
            t.request,
            Request::Command(
                vec![json!("UserManagement"), json!("User"), json!("Add")],
                json!({"Username": "ann", "Role": ["Admin", "User"]})
                    .as_object()
                    .unwrap()
                    .clone()
            )
        );
        // A bar inside a value is not a tag.
        let t = parse("xCommand UserInterface Message Alert Display Text: \"a | b\"").unwrap();
        assert_eq!(t.result_id, None);
    }

    #[test]
    fn feedback_paths_in_both_index_styles() {
        assert_eq!(
            request("xfeedback register /Status/Video/Input/Connector[2]"),
            Request::FeedbackRegister(vec![
                json!("Status"),
                json!("Video"),
                json!("Input"),
                json!("Connector"),
                json!(2)
            ])
        );
        assert_eq!(
            feedback_path("/Configuration/Video/Input/Connector[@item='3']/Name").unwrap()[4],
            json!(3)
        );
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        for (line, want) in [
            ("xDial", "Unknown command"),
            ("xCommand Dial Number: \"open", "not closed"),
            ("xCommand Dial Number:", "no value"),
            ("xConfiguration Audio DefaultVolume:", "missing"),
            ("xpreferences outputmode xml", "not supported"),
            ("xfeedback register", "which path"),
        ] {
            let err = parse(line).unwrap_err();
            assert!(err.contains(want), "{line}: {err}");
        }
    }
}
