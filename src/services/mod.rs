//! The core services every device has. Each owns a part of the Status tree and handles its
//! commands; they never call each other, only the bus.

pub mod audio;
pub mod gpio;
pub mod http_client;
pub mod message;
pub mod peripherals;
pub mod simulation;
pub mod standby;
pub mod system_unit;
pub mod user_interface;
pub mod user_management;

use serde_json::{Map, Value as Json};

use crate::xapi::{ParamValue, Params, Value};

/// A value as an event field: integers as numbers, the rest as strings.
pub fn field(value: &Value) -> Json {
    match value {
        Value::Int(i) => Json::from(*i),
        Value::Text(s) => Json::String(s.clone()),
    }
}

/// A command's parameters as event fields, under their canonical names.
pub fn fields(params: &Params) -> Map<String, Json> {
    params
        .iter()
        .map(|(name, value)| {
            let json = match value {
                ParamValue::One(v) => field(v),
                ParamValue::Many(vs) => Json::Array(vs.iter().map(field).collect()),
            };
            (name.to_string(), json)
        })
        .collect()
}

/// Logs a status write that failed: a bug in the service, never the caller's fault.
pub fn log_write(result: Result<(), crate::xapi::XapiError>) {
    if let Err(e) = result {
        tracing::error!("status write failed: {e}");
    }
}
