//! Values held in the tree, and the value spaces from the schema that check them.

use std::fmt;

use serde_json::Value as Json;

/// A value of a Status or Configuration leaf. Literals (`On`, `True`) and strings are text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    Int(i64),
    Text(String),
}

/// How values are written for a client: `/ws` gives integers as numbers, while `/ws?legacy`,
/// macros and the text API give every value as a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Typing {
    Typed,
    Legacy,
}

impl Value {
    pub fn text(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }

    pub fn to_json(&self, typing: Typing) -> Json {
        match (self, typing) {
            (Value::Int(i), Typing::Typed) => Json::from(*i),
            (Value::Int(i), Typing::Legacy) => Json::String(i.to_string()),
            (Value::Text(s), _) => Json::String(s.clone()),
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Text(s) => s.parse().ok(),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Text(s) => f.write_str(s),
        }
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<i32> for Value {
    fn from(i: i32) -> Self {
        Value::Int(i64::from(i))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

/// The set of values a leaf or a command parameter accepts.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueSpace {
    /// One of a list of words, matched case-insensitively, stored in the schema's casing.
    Literal(Vec<String>),
    /// An integer, bounded where the schema says so.
    Integer { min: Option<i64>, max: Option<i64> },
    /// A string, with a length range in characters.
    String { min: usize, max: Option<usize> },
}

impl ValueSpace {
    /// Reads a schema `valuespace` object. Unknown types are read as unbounded strings.
    pub fn from_schema(vs: &Json) -> ValueSpace {
        let field = |k: &str| -> Option<i64> {
            match vs.get(k)? {
                Json::String(s) => s.parse().ok(),
                Json::Number(n) => n.as_i64(),
                _ => None,
            }
        };
        let kind = vs.get("type").and_then(Json::as_str).unwrap_or("String");
        match kind.trim_end_matches("Array") {
            "Literal" => ValueSpace::Literal(
                vs.get("Values")
                    .and_then(Json::as_array)
                    .map(|vals| {
                        vals.iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            "Integer" => ValueSpace::Integer {
                min: field("Min"),
                max: field("Max"),
            },
            _ => ValueSpace::String {
                min: field("MinLength").unwrap_or(0).max(0) as usize,
                max: field("MaxLength").map(|m| m.max(0) as usize),
            },
        }
    }

    /// Checks a value given by a client and returns it in canonical form, or says why not.
    pub fn accept(&self, input: &Json) -> Result<Value, String> {
        let text = match input {
            Json::String(s) => s.clone(),
            Json::Number(n) => n.to_string(),
            Json::Bool(true) => "True".to_string(),
            Json::Bool(false) => "False".to_string(),
            other => return Err(format!("expected a value, got {other}")),
        };
        self.accept_text(&text)
    }

    /// As [`ValueSpace::accept`], for a value already in text form.
    pub fn accept_text(&self, text: &str) -> Result<Value, String> {
        match self {
            ValueSpace::Literal(values) => values
                .iter()
                .find(|v| v.eq_ignore_ascii_case(text))
                .map(|v| Value::Text(v.clone()))
                .ok_or_else(|| format!("{text:?} is not one of {}", values.join("/"))),
            ValueSpace::Integer { min, max } => {
                let n: i64 = text
                    .trim()
                    .parse()
                    .map_err(|_| format!("{text:?} is not an integer"))?;
                let low = min.unwrap_or(i64::MIN);
                let high = max.unwrap_or(i64::MAX);
                if n < low || n > high {
                    return Err(format!("{n} is outside {}", self.describe()));
                }
                Ok(Value::Int(n))
            }
            ValueSpace::String { min, max } => {
                let len = text.chars().count();
                if len < *min || max.is_some_and(|m| len > m) {
                    return Err(format!(
                        "a string of {len} characters is outside {}",
                        self.describe()
                    ));
                }
                Ok(Value::Text(text.to_string()))
            }
        }
    }

    /// The value space in the text API's notation: `<0..100>`, `<On/Off>`, `<S: 0, 255>`.
    pub fn describe(&self) -> String {
        match self {
            ValueSpace::Literal(values) => format!("<{}>", values.join("/")),
            ValueSpace::Integer { min, max } => {
                let show = |b: &Option<i64>| b.map(|v| v.to_string()).unwrap_or_default();
                format!("<{}..{}>", show(min), show(max))
            }
            ValueSpace::String { min, max } => match max {
                Some(max) => format!("<S: {min}, {max}>"),
                None => format!("<S: {min}, >"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn literals_match_any_case_and_come_back_canonical() {
        let vs = ValueSpace::from_schema(&json!({"type":"Literal","Values":["On","Off"]}));
        assert_eq!(vs.accept(&json!("oN")), Ok(Value::text("On")));
        assert!(vs.accept(&json!("Maybe")).is_err());
        let flags = ValueSpace::from_schema(&json!({"type":"Literal","Values":["False","True"]}));
        assert_eq!(flags.accept(&json!(true)), Ok(Value::text("True")));
    }

    #[test]
    fn integers_are_bounded() {
        let vs =
            ValueSpace::from_schema(&json!({"type":"Integer","Min":"0","Max":"100","Step":"100"}));
        assert_eq!(vs.accept(&json!(30)), Ok(Value::Int(30)));
        assert_eq!(vs.accept(&json!("30")), Ok(Value::Int(30)));
        let err = vs.accept(&json!(1000)).unwrap_err();
        assert!(err.contains("<0..100>"), "{err}");
        assert!(vs.accept(&json!(-1)).is_err());
        assert!(vs.accept(&json!("ten")).is_err());
        assert!(vs.accept(&json!(1.5)).is_err());
        assert!(vs.accept(&json!(null)).is_err());
    }

    #[test]
    fn strings_are_bounded_in_characters() {
        let vs = ValueSpace::from_schema(&json!({"type":"String","MinLength":"1","MaxLength":"3"}));
        assert!(vs.accept(&json!("")).is_err());
        assert_eq!(vs.accept(&json!("äöü")), Ok(Value::text("äöü")));
        assert!(vs.accept(&json!("abcd")).is_err());
    }

    #[test]
    fn legacy_typing_gives_strings() {
        assert_eq!(Value::Int(5).to_json(Typing::Typed), json!(5));
        assert_eq!(Value::Int(5).to_json(Typing::Legacy), json!("5"));
    }
}
