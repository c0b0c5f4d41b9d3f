//! xAPI paths as clients write them, before they are matched against the schema.
//!
//! Clients spell the same node many ways: `"Video Output Connector 1 Resolution"`,
//! `"Call[3]/Status"`, `"/Status/Audio/Volume"`, or a JSON array
//! `["Status", "Call", 3, "Status"]`. All of them reduce to a list of [`Seg`]s; matching
//! names against the schema (case-insensitively) is the schema's job.

use std::fmt;

use serde_json::Value as Json;

use super::error::XapiError;

/// One step of a raw path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// A node name, as the client spelled it.
    Name(String),
    /// A list index (xAPI indices start at 1).
    Index(u32),
    /// `*`: any index of a list (feedback expressions).
    AnyIndex,
    /// `**`: any number of levels (xQuery).
    AnyDepth,
}

/// The four trees of the xAPI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Root {
    Status,
    Configuration,
    Command,
    Event,
}

impl Root {
    pub const ALL: [Root; 4] = [
        Root::Status,
        Root::Configuration,
        Root::Command,
        Root::Event,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Root::Status => "Status",
            Root::Configuration => "Configuration",
            Root::Command => "Command",
            Root::Event => "Event",
        }
    }

    /// Reads a root name the way clients write it (`xStatus`, `config`, `Status`...).
    pub fn parse(name: &str) -> Option<Root> {
        let lower = name.to_ascii_lowercase();
        let bare = lower.strip_prefix('x').unwrap_or(&lower);
        match (lower.as_str(), bare) {
            (_, "status") => Some(Root::Status),
            (_, "configuration" | "config") => Some(Root::Configuration),
            (_, "command") => Some(Root::Command),
            (_, "event") => Some(Root::Event),
            _ => None,
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Root {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Splits a textual path. Separators are whitespace, `/`, `[` and `]`; a run of digits is
/// an index, `*` any index and `**` any depth. An XPath-style `[@item='3']` is read as index 3.
pub fn parse_text(text: &str) -> Result<Vec<Seg>, XapiError> {
    let normalised = text.replace("@item=", "").replace(['\'', '"'], "");
    let mut segs = Vec::new();
    for word in normalised.split(|c: char| c.is_whitespace() || matches!(c, '/' | '[' | ']')) {
        if word.is_empty() {
            continue;
        }
        segs.push(parse_word(word)?);
    }
    Ok(segs)
}

fn parse_word(word: &str) -> Result<Seg, XapiError> {
    if word == "*" {
        return Ok(Seg::AnyIndex);
    }
    if word == "**" {
        return Ok(Seg::AnyDepth);
    }
    if word.bytes().all(|b| b.is_ascii_digit()) {
        return word
            .parse::<u32>()
            .map(Seg::Index)
            .map_err(|_| XapiError::bad_path(word, "index out of range"));
    }
    let valid = word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !valid {
        return Err(XapiError::bad_path(
            word,
            "a path holds only names and indices",
        ));
    }
    Ok(Seg::Name(word.to_string()))
}

/// Reads a JSON path: an array of names and integer indices (jsxapi's form), or a string.
pub fn parse_json(value: &Json) -> Result<Vec<Seg>, XapiError> {
    match value {
        Json::String(text) => parse_text(text),
        Json::Array(items) => {
            let mut segs = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Json::String(s) => segs.extend(parse_text(s)?),
                    Json::Number(n) => {
                        let index = n
                            .as_u64()
                            .and_then(|n| u32::try_from(n).ok())
                            .ok_or_else(|| XapiError::bad_path(&n.to_string(), "bad index"))?;
                        segs.push(Seg::Index(index));
                    }
                    other => {
                        return Err(XapiError::bad_path(
                            &other.to_string(),
                            "path items are names or indices",
                        ));
                    }
                }
            }
            Ok(segs)
        }
        other => Err(XapiError::bad_path(
            &other.to_string(),
            "a path is an array or a string",
        )),
    }
}

/// Splits off the root (`Status`, `Configuration`, ...) from a parsed path.
pub fn split_root(segs: &[Seg]) -> Result<(Root, &[Seg]), XapiError> {
    match segs.first() {
        Some(Seg::Name(name)) => match Root::parse(name) {
            Some(root) => Ok((root, &segs[1..])),
            None => Err(XapiError::bad_path(
                name,
                "a path starts with Status, Configuration, Command or Event",
            )),
        },
        _ => Err(XapiError::bad_path(
            "",
            "a path starts with Status, Configuration, Command or Event",
        )),
    }
}

/// Writes segments back as text, the way error messages quote them: `Call[3]/Status`.
pub fn display(segs: &[Seg]) -> String {
    let mut out = String::new();
    for seg in segs {
        match seg {
            Seg::Name(name) => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(name);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
            Seg::AnyIndex => out.push_str("[*]"),
            Seg::AnyDepth => out.push_str("/**"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> Seg {
        Seg::Name(s.into())
    }

    #[test]
    fn all_spellings_reduce_to_the_same_segments() {
        let expected = vec![name("Call"), Seg::Index(3), name("Status")];
        assert_eq!(parse_text("Call[3]/Status").unwrap(), expected);
        assert_eq!(parse_text("Call 3 Status").unwrap(), expected);
        assert_eq!(parse_text("/Call/3/Status").unwrap(), expected);
        assert_eq!(
            parse_json(&serde_json::json!(["Call", 3, "Status"])).unwrap(),
            expected
        );
        assert_eq!(
            parse_text("Video Input Connector[@item='3'] Name").unwrap(),
            vec![
                name("Video"),
                name("Input"),
                name("Connector"),
                Seg::Index(3),
                name("Name")
            ]
        );
    }

    #[test]
    fn wildcards_are_recognised() {
        assert_eq!(
            parse_text("Status ** DisplayName").unwrap(),
            vec![name("Status"), Seg::AnyDepth, name("DisplayName")]
        );
        assert_eq!(
            parse_text("Call[*]").unwrap(),
            vec![name("Call"), Seg::AnyIndex]
        );
    }

    #[test]
    fn garbage_is_refused() {
        assert!(parse_text("Audio;rm -rf").is_err());
        assert!(parse_json(&serde_json::json!(["Audio", {"x": 1}])).is_err());
        assert!(parse_json(&serde_json::json!(["Call", -1])).is_err());
        assert!(parse_json(&serde_json::json!(42)).is_err());
    }

    #[test]
    fn roots_are_read_loosely() {
        assert_eq!(Root::parse("xstatus"), Some(Root::Status));
        assert_eq!(Root::parse("Config"), Some(Root::Configuration));
        assert_eq!(Root::parse("EVENT"), Some(Root::Event));
        assert_eq!(Root::parse("Stat"), None);
    }
}
