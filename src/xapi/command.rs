//! Commands: parameters checked against the schema, and the handlers services register.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::{Map, Value as Json};

use super::error::XapiError;
use super::role::RoleSet;
use super::schema::CommandDef;
use super::value::Value;

/// Who is asking: a remote user, a macro, or roomd itself.
#[derive(Clone, Debug)]
pub struct Caller {
    pub name: String,
    pub roles: RoleSet,
}

impl Caller {
    /// roomd's own services: every right.
    pub fn system() -> Caller {
        Caller {
            name: "system".into(),
            roles: RoleSet::ALL,
        }
    }
}

/// A parameter value: one, or several for array parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    One(Value),
    Many(Vec<Value>),
}

/// A command's parameters after validation, by canonical name, defaults filled in.
#[derive(Clone, Debug, Default)]
pub struct Params {
    values: BTreeMap<Arc<str>, ParamValue>,
}

impl Params {
    /// Checks raw parameters against the command's definition. Names match any case.
    pub fn validate(def: &CommandDef, raw: &Map<String, Json>) -> Result<Params, XapiError> {
        let mut values = BTreeMap::new();
        for (name, given) in raw {
            let param = def.param(name).ok_or_else(|| {
                XapiError::invalid_value(format!(
                    "Unknown parameter {name:?} for command {}",
                    def.path
                ))
            })?;
            let check = |v: &Json| {
                param.space.accept(v).map_err(|why| {
                    XapiError::invalid_value(format!(
                        "Invalid value for parameter {} of {}: {why}",
                        param.name, def.path
                    ))
                })
            };
            let value = match (given, param.multiple) {
                (Json::Array(items), Some(max)) => {
                    if items.len() > max {
                        return Err(XapiError::invalid_value(format!(
                            "Parameter {} takes at most {max} values",
                            param.name
                        )));
                    }
                    ParamValue::Many(items.iter().map(check).collect::<Result<_, _>>()?)
                }
                (Json::Array(_), None) => {
                    return Err(XapiError::invalid_value(format!(
                        "Parameter {} takes a single value",
                        param.name
                    )));
                }
                (single, Some(_)) => ParamValue::Many(vec![check(single)?]),
                (single, None) => ParamValue::One(check(single)?),
            };
            values.insert(param.name.clone(), value);
        }
        for param in &def.params {
            if values.contains_key(&param.name) {
                continue;
            }
            if param.required {
                return Err(XapiError::invalid_value(format!(
                    "Missing required parameter {} for command {}",
                    param.name, def.path
                )));
            }
            if let Some(default) = param.default.as_deref()
                && let Ok(value) = param.space.accept_text(default)
            {
                let value = match param.multiple {
                    Some(_) => ParamValue::Many(vec![value]),
                    None => ParamValue::One(value),
                };
                values.insert(param.name.clone(), value);
            }
        }
        Ok(Params { values })
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        match self.values.get(name)? {
            ParamValue::One(v) => Some(v),
            ParamValue::Many(vs) => vs.first(),
        }
    }

    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name).map(|v| v.to_string())
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(Value::as_int)
    }

    pub fn all(&self, name: &str) -> Vec<Value> {
        match self.values.get(name) {
            Some(ParamValue::One(v)) => vec![v.clone()],
            Some(ParamValue::Many(vs)) => vs.clone(),
            None => Vec::new(),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &ParamValue)> {
        self.values.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

/// One run of a command.
#[derive(Clone, Debug)]
pub struct Invocation {
    pub caller: Caller,
    pub params: Params,
    /// The multiline body, for commands that take one.
    pub body: Option<String>,
}

/// What a command gives back: the result fields, or an error.
pub type CommandResult = Result<Map<String, Json>, XapiError>;
pub type CommandFuture = Pin<Box<dyn Future<Output = CommandResult> + Send>>;
/// A service's implementation of a command.
pub type Handler = Arc<dyn Fn(Invocation) -> CommandFuture + Send + Sync>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xapi::path::{Root, parse_text};
    use crate::xapi::schema::{Leaf, Schema};
    use serde_json::json;

    fn def(path: &str) -> Arc<CommandDef> {
        let schema = Schema::embedded("barents", &[]).unwrap();
        let r = schema
            .resolve(Root::Command, &parse_text(path).unwrap())
            .unwrap();
        match &r.node.leaf {
            Some(Leaf::Command(def)) => def.clone(),
            _ => panic!("not a command"),
        }
    }

    fn raw(v: Json) -> Map<String, Json> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn parameter_names_match_any_case() {
        let dial = def("dial");
        let params = Params::validate(&dial, &raw(json!({"number": "a@b.c"}))).unwrap();
        assert_eq!(params.text("Number").as_deref(), Some("a@b.c"));
    }

    #[test]
    fn missing_unknown_and_illegal_parameters_are_refused() {
        let set = def("Audio Volume Set");
        assert!(Params::validate(&set, &raw(json!({}))).is_err());
        assert!(Params::validate(&set, &raw(json!({"Level": 101}))).is_err());
        assert!(Params::validate(&set, &raw(json!({"Level": 50, "Loud": 1}))).is_err());
        assert_eq!(
            Params::validate(&set, &raw(json!({"level": "40"})))
                .unwrap()
                .int("Level"),
            Some(40)
        );
    }

    #[test]
    fn defaults_are_filled_and_arrays_accepted() {
        let inc = def("Audio Volume Increase");
        assert_eq!(
            Params::validate(&inc, &raw(json!({})))
                .unwrap()
                .int("Steps"),
            Some(5)
        );
        let add = def("UserManagement User Add");
        let p = Params::validate(
            &add,
            &raw(json!({"Username":"a","Passphrase":"b","Role":["User","integrator"]})),
        )
        .unwrap();
        assert_eq!(
            p.all("Role"),
            vec![Value::text("User"), Value::text("Integrator")]
        );
    }
}
