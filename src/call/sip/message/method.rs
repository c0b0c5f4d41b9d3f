//! SIP request methods and the CSeq header value (sequence number + method), which is
//! little more than a method with a number in front.

use std::fmt;

use super::ParseError;
use super::chars::{self, TOKEN};

/// A SIP request method. Methods are case-sensitive (RFC 3261 7.1): `invite` is an
/// extension method, not INVITE.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Invite,
    Ack,
    Bye,
    Cancel,
    Options,
    Register,
    Prack,
    Update,
    Info,
    Refer,
    Subscribe,
    Notify,
    Message,
    Publish,
    /// Any other token, as written.
    Extension(String),
}

impl Method {
    /// The method as it goes on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Invite => "INVITE",
            Method::Ack => "ACK",
            Method::Bye => "BYE",
            Method::Cancel => "CANCEL",
            Method::Options => "OPTIONS",
            Method::Register => "REGISTER",
            Method::Prack => "PRACK",
            Method::Update => "UPDATE",
            Method::Info => "INFO",
            Method::Refer => "REFER",
            Method::Subscribe => "SUBSCRIBE",
            Method::Notify => "NOTIFY",
            Method::Message => "MESSAGE",
            Method::Publish => "PUBLISH",
            Method::Extension(s) => s,
        }
    }

    /// Parses a method token (case-sensitive); anything that is a token but not a known
    /// method becomes [`Method::Extension`].
    pub fn parse(token: &str) -> Result<Method, ParseError> {
        if let Some(m) = Self::known(token) {
            return Ok(m);
        }
        if !chars::all(token, TOKEN) {
            return Err(ParseError::new(format!("method {token:?} is not a token")));
        }
        Ok(Method::Extension(token.to_string()))
    }

    /// The known method spelled exactly `token`, without allocating.
    pub(super) fn known(token: &str) -> Option<Method> {
        Some(match token {
            "INVITE" => Method::Invite,
            "ACK" => Method::Ack,
            "BYE" => Method::Bye,
            "CANCEL" => Method::Cancel,
            "OPTIONS" => Method::Options,
            "REGISTER" => Method::Register,
            "PRACK" => Method::Prack,
            "UPDATE" => Method::Update,
            "INFO" => Method::Info,
            "REFER" => Method::Refer,
            "SUBSCRIBE" => Method::Subscribe,
            "NOTIFY" => Method::Notify,
            "MESSAGE" => Method::Message,
            "PUBLISH" => Method::Publish,
            _ => return None,
        })
    }

    /// Whether this is [`Method::Extension`].
    pub fn is_extension(&self) -> bool {
        matches!(self, Method::Extension(_))
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Method {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Method, ParseError> {
        Method::parse(s)
    }
}

/// The CSeq header value: a sequence number below 2**31 and the request method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CSeq {
    pub seq: u32,
    pub method: Method,
}

/// Largest CSeq number RFC 3261 8.1.1.5 allows ("less than 2**31").
const MAX_SEQ: u64 = (1 << 31) - 1;

impl CSeq {
    /// Parses `1*DIGIT LWS Method`.
    pub fn parse(s: &str) -> Result<CSeq, ParseError> {
        let (seq, method) = split(s)?;
        Ok(CSeq {
            seq,
            method: Method::parse(method)?,
        })
    }
}

/// Checks a CSeq value without allocating; returns the number and the method token.
pub(super) fn split(s: &str) -> Result<(u32, &str), ParseError> {
    let s = chars::trim(s);
    let b = s.as_bytes();
    let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let rest = &s[n..];
    let method = chars::trim(rest);
    if n == 0 || method.len() == rest.len() || method.is_empty() {
        return Err(ParseError::new(format!(
            "CSeq {s:?} is not a number, whitespace and a method"
        )));
    }
    let seq = chars::digits(&s[..n])
        .filter(|v| *v <= MAX_SEQ)
        .ok_or_else(|| {
            ParseError::new(format!("CSeq number {} is larger than 2**31-1", &s[..n]))
        })?;
    if !chars::all(method, TOKEN) {
        return Err(ParseError::new(format!(
            "CSeq method {method:?} is not a token"
        )));
    }
    Ok((seq as u32, method))
}

impl fmt::Display for CSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.seq, self.method)
    }
}
