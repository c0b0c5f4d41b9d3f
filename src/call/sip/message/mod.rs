//! The SIP message layer of roomd's sans-IO SIP stack: parse a datagram (or a framed stream
//! message) into a fully checked [`Message`], read typed header values on demand, build
//! messages and serialise them back to bytes.
//!
//! Parsing checks the start line, the grammar of every known header (addresses, Via, CSeq,
//! numbers and their ranges, Date, media types, option tags) and the body length, so that the
//! layers above only see well-formed messages; the few checks RFC 4475 puts at the
//! application layer (missing To/From/Call-ID, duplicate single-value headers, conflicting
//! Content-Length, unknown URI schemes, extensions, media types) live in `validate`.
//!
//! One file per job: `chars` (character classes, lexing), `method`, `params`, `uri` and
//! `uri_cmp`, `name_addr`, `via`, `names` (header name table), `headers`, `values` (header
//! grammar checks), `parse`, `access` (typed accessors), `write`, `frame` (stream framing).

mod access;
mod chars;
mod frame;
mod headers;
mod method;
mod name_addr;
mod names;
mod params;
mod parse;
mod uri;
mod uri_cmp;
mod values;
mod via;
mod write;

#[cfg(test)]
mod tests;

use std::fmt;

pub use frame::{Framed, frame};
pub use headers::Headers;
pub use method::{CSeq, Method};
pub use name_addr::NameAddr;
pub use params::Params;
pub use uri::Uri;
pub use via::Via;

/// Request-Line or Status-Line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartLine {
    Request { method: Method, uri: Uri },
    Response { code: u16, reason: String },
}

/// A SIP request or response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub start: StartLine,
    pub headers: Headers,
    pub body: Vec<u8>,
}

/// Why bytes are not a well-formed SIP message, in plain words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub reason: String,
}

impl ParseError {
    /// An error with that reason.
    pub fn new(reason: impl Into<String>) -> ParseError {
        ParseError {
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for ParseError {}
