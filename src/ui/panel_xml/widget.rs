//! What a user may do with each kind of widget, and what a macro may show on it.

use serde_json::{Map, Value as Json, json};

use super::write::insert_opt;
use super::*;

impl Widget {
    /// Checks a user action (`Widget Action Type/Value`) against what this kind of widget can
    /// do; returns the type and value in canonical form.
    pub fn check_action(&self, kind: &str, value: &str) -> Result<(String, String), String> {
        let (types, values) = self.kind.actions();
        if types.is_empty() {
            return Err(format!(
                "widget {:?} is a {}, which has no user actions",
                self.id,
                self.kind.name()
            ));
        }
        let Some(kind) = types.iter().find(|t| t.eq_ignore_ascii_case(kind.trim())) else {
            return Err(format!(
                "a {} (widget {:?}) cannot be {kind:?}; its actions are {}",
                self.kind.name(),
                self.id,
                types.join(", ")
            ));
        };
        let value = match values {
            ActionValues::Empty if value.is_empty() => String::new(),
            ActionValues::Empty => {
                return Err(format!(
                    "a {}'s actions carry no Value, got {value:?} (widget {:?})",
                    self.kind.name(),
                    self.id
                ));
            }
            ActionValues::Fixed(words) => one_of(words, value).ok_or_else(|| {
                format!(
                    "a {} (widget {:?}) reports Value {}, not {value:?}",
                    self.kind.name(),
                    self.id,
                    words.join("/")
                )
            })?,
            ActionValues::Level => level(value).ok_or_else(|| {
                format!(
                    "a Slider (widget {:?}) reports a Value from 0 to 255, not {value:?}",
                    self.id
                )
            })?,
            ActionValues::Keys => self.key(value)?,
        };
        Ok((kind.to_string(), value))
    }

    /// What a user action leaves the widget showing (mirrored in Status), if anything.
    pub fn value_after(&self, kind: &str, value: &str) -> Option<String> {
        match (self.kind, kind) {
            (WidgetType::ToggleButton, "changed") => Some(value.to_string()),
            (WidgetType::Slider, _) => Some(value.to_string()),
            (WidgetType::GroupButton, "pressed") => Some(value.to_string()),
            _ => None,
        }
    }

    /// Checks a value a macro wants shown (`Widget SetValue`); returns it in canonical form.
    pub fn check_value(&self, value: &str) -> Result<String, String> {
        let words: &[&str] = match self.kind {
            WidgetType::Button | WidgetType::IconButton => &["active", "inactive"],
            WidgetType::ToggleButton => &["on", "off"],
            WidgetType::Slider => {
                return level(value).ok_or_else(|| {
                    format!(
                        "a Slider (widget {:?}) takes a value from 0 to 255, not {value:?}",
                        self.id
                    )
                });
            }
            WidgetType::GroupButton => return self.key(value),
            WidgetType::Spinner | WidgetType::DirectionalPad | WidgetType::Text => {
                return Ok(value.to_string());
            }
            WidgetType::Spacer => {
                return Err(format!(
                    "widget {:?} is a Spacer, which shows no value",
                    self.id
                ));
            }
        };
        one_of(words, value).ok_or_else(|| {
            format!(
                "a {} (widget {:?}) takes the value {}, not {value:?}",
                self.kind.name(),
                self.id,
                words.join(" or ")
            )
        })
    }

    pub(super) fn key(&self, value: &str) -> Result<String, String> {
        self.values
            .iter()
            .find(|c| c.key == value)
            .map(|c| c.key.clone())
            .ok_or_else(|| {
                let keys: Vec<&str> = self.values.iter().map(|c| c.key.as_str()).collect();
                format!(
                    "{value:?} is not a key of GroupButton {:?} (its keys: {})",
                    self.id,
                    keys.join(", ")
                )
            })
    }

    pub(super) fn to_json(&self, id: usize) -> Json {
        let mut w = Map::new();
        w.insert("id".into(), json!(id));
        w.insert("WidgetId".into(), json!(self.id));
        insert_opt(&mut w, "Name", &self.name);
        w.insert("Type".into(), json!(self.kind.name()));
        insert_opt(&mut w, "Options", &self.options);
        if !self.values.is_empty() {
            let values: Vec<Json> = self
                .values
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let mut v = Map::new();
                    v.insert("id".into(), json!(i + 1));
                    v.insert("Key".into(), json!(c.key));
                    insert_opt(&mut v, "Name", &c.name);
                    Json::Object(v)
                })
                .collect();
            w.insert("ValueSpace".into(), json!({ "Value": values }));
        }
        Json::Object(w)
    }
}

pub(super) fn one_of(words: &[&str], value: &str) -> Option<String> {
    words
        .iter()
        .find(|w| w.eq_ignore_ascii_case(value.trim()))
        .map(|w| w.to_string())
}

pub(super) fn level(value: &str) -> Option<String> {
    value
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|n| *n <= 255)
        .map(|n| n.to_string())
}
