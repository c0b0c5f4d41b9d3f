//! Errors of the xAPI, each with the JSON-RPC code that clients (jsxapi, pyxows, CSxAPI) know.

use std::fmt;

use serde_json::{Value as Json, json};

/// What went wrong, in the categories that clients distinguish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request's arguments make no sense (malformed path, a path of the wrong tree).
    InvalidRequest,
    /// No such node in the schema of this device.
    UnknownPath,
    /// No such command in the schema of this device.
    UnknownCommand,
    /// The command exists on RoomOS for this product, but roomd does not run it.
    NotImplemented,
    /// A value or parameter outside its value space, or a missing required parameter.
    InvalidValue,
    /// The node exists but holds no value right now (no service provides it).
    NoValue,
    /// The caller's roles do not allow this.
    PermissionDenied,
    /// Too many feedback subscriptions.
    TooManySubscriptions,
    /// The command ran and reported failure.
    CommandFailed,
    /// Something broke inside roomd.
    Internal,
}

/// An xAPI error: a kind, a message for people, and optional data for programs.
#[derive(Clone, Debug, PartialEq)]
pub struct XapiError {
    pub kind: ErrorKind,
    pub message: String,
    pub data: Option<Json>,
}

impl XapiError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        XapiError {
            kind,
            message: message.into(),
            data: None,
        }
    }

    pub fn with_data(mut self, data: Json) -> Self {
        self.data = Some(data);
        self
    }

    pub fn bad_path(fragment: &str, why: &str) -> Self {
        Self::new(
            ErrorKind::InvalidRequest,
            format!("Invalid path near {fragment:?}: {why}"),
        )
    }

    pub fn unknown_path(path: &str) -> Self {
        Self::new(
            ErrorKind::UnknownPath,
            format!("No match on address expression: {path}"),
        )
        .with_data(json!({ "XPath": path }))
    }

    pub fn unknown_command(path: &str) -> Self {
        Self::new(
            ErrorKind::UnknownCommand,
            format!("Unknown command: {path}"),
        )
        .with_data(json!({ "XPath": path }))
    }

    pub fn not_implemented(path: &str) -> Self {
        Self::new(
            ErrorKind::NotImplemented,
            format!("Command not implemented on this device: {path}"),
        )
        .with_data(
            json!({ "status": "Error", "Reason": "Not implemented on this device", "XPath": path }),
        )
    }

    /// An illegal value; `Cause: 27` is what RoomOS reports and what CSxAPI looks for.
    pub fn invalid_value(message: impl Into<String>) -> Self {
        let message = message.into();
        Self::new(ErrorKind::InvalidValue, message.clone())
            .with_data(json!({ "Cause": 27, "Reason": message }))
    }

    pub fn permission_denied(path: &str) -> Self {
        Self::new(
            ErrorKind::PermissionDenied,
            format!("Permission denied: {path}"),
        )
    }

    /// A command that ran and failed; `reason` is what the device says went wrong.
    pub fn command_failed(reason: impl Into<String>) -> Self {
        let reason = reason.into();
        Self::new(ErrorKind::CommandFailed, reason.clone())
            .with_data(json!({ "status": "Error", "Reason": reason }))
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// The JSON-RPC error code for this error (research note xapi-macros.md §1.4).
    pub fn code(&self) -> i64 {
        match self.kind {
            ErrorKind::UnknownCommand => -32601,
            ErrorKind::InvalidRequest
            | ErrorKind::UnknownPath
            | ErrorKind::InvalidValue
            | ErrorKind::NoValue => -32602,
            ErrorKind::Internal => -32603,
            ErrorKind::PermissionDenied => -31999,
            ErrorKind::TooManySubscriptions => -31998,
            ErrorKind::NotImplemented | ErrorKind::CommandFailed => 1,
        }
    }

    /// The JSON-RPC `error` object.
    pub fn to_json(&self) -> Json {
        let mut obj = json!({ "code": self.code(), "message": self.message });
        if let Some(data) = &self.data {
            obj["data"] = data.clone();
        }
        obj
    }
}

impl fmt::Display for XapiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for XapiError {}
