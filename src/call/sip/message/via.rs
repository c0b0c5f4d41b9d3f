//! One Via header value (`SIP/2.0/UDP host:port;params`, RFC 3261 20.42): checked in place by
//! [`ViaRef`], owned as [`Via`].

use std::fmt;
use std::net::IpAddr;

use super::chars::{self, TOKEN};
use super::uri::{host_end, parse_port};
use super::{Params, ParseError, params};

/// One Via header value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Via {
    /// Uppercase: "UDP", "TCP", "TLS", "SCTP", "WS", or any other token.
    pub transport: String,
    /// Lowercased; an IPv6 reference keeps its brackets.
    pub host: String,
    pub port: Option<u16>,
    pub params: Params,
}

/// A checked Via value whose parts borrow the header text.
#[derive(Clone, Copy, Debug)]
pub(super) struct ViaRef<'a> {
    pub transport: &'a str,
    pub host: &'a str,
    pub port: Option<u16>,
    pub params: &'a str,
    /// The value of the first branch parameter, if any.
    pub branch: Option<&'a str>,
}

impl<'a> ViaRef<'a> {
    /// Checks `sent-protocol LWS sent-by *(SEMI via-params)`.
    pub fn parse(s: &'a str) -> Result<ViaRef<'a>, ParseError> {
        let b = s.as_bytes();
        let mut i = chars::skip_ws(b, 0);
        let mut parts = [""; 3];
        for (n, part) in parts.iter_mut().enumerate() {
            if n > 0 {
                if b.get(i) != Some(&b'/') {
                    return Err(ParseError::new(
                        "Via sent-protocol is not SIP/2.0/transport",
                    ));
                }
                i = chars::skip_ws(b, i + 1);
            }
            let end = chars::run(b, i, TOKEN);
            *part = &s[i..end];
            i = chars::skip_ws(b, end);
        }
        let [name, version, transport] = parts;
        if !name.eq_ignore_ascii_case("SIP") || version != "2.0" {
            return Err(ParseError::new(format!(
                "Via protocol {name}/{version} is not SIP/2.0"
            )));
        }
        if transport.is_empty() {
            return Err(ParseError::new("Via has no transport"));
        }
        if !b.get(i.wrapping_sub(1)).is_some_and(|c| chars::is_ws(*c)) {
            return Err(ParseError::new(
                "Via needs whitespace between transport and sent-by",
            ));
        }
        let he = host_end(&s[i..])
            .map_err(|e| ParseError::new(format!("Via sent-by: {}", e.reason)))?
            + i;
        let host = &s[i..he];
        let mut j = chars::skip_ws(b, he);
        let mut port = None;
        if b.get(j) == Some(&b':') {
            let ps = chars::skip_ws(b, j + 1);
            let pe = ps + b[ps..].iter().take_while(|c| c.is_ascii_digit()).count();
            port = Some(parse_port(&s[ps..pe])?);
            j = pe;
        }
        let params = &s[j..];
        let mut branch = None;
        for p in params::scan(params) {
            let (name, value) = p?;
            check_param(name, value)?;
            if branch.is_none() && name.eq_ignore_ascii_case("branch") {
                branch = Some(value);
            }
        }
        Ok(ViaRef {
            transport,
            host,
            port,
            params,
            branch: branch.flatten(),
        })
    }

    /// The owned form.
    pub fn into_via(self) -> Result<Via, ParseError> {
        Ok(Via {
            transport: self.transport.to_ascii_uppercase(),
            host: self.host.to_ascii_lowercase(),
            port: self.port,
            params: Params::from_header(self.params)?,
        })
    }
}

/// Range checks of the via-params RFC 3261 and RFC 3581 define.
fn check_param(name: &str, value: Option<&str>) -> Result<(), ParseError> {
    let bad = |what: &str| Err(ParseError::new(format!("Via {name} parameter {what}")));
    let lower = |n: &str| name.eq_ignore_ascii_case(n);
    if lower("ttl") {
        if value.and_then(chars::digits).is_none_or(|v| v > 255) {
            return bad("must be a number 0-255");
        }
    } else if lower("received") {
        let v = value.unwrap_or("");
        let v = v
            .strip_prefix('[')
            .and_then(|v| v.strip_suffix(']'))
            .unwrap_or(v);
        if v.parse::<IpAddr>().is_err() {
            return bad("must be an IP address");
        }
    } else if lower("rport") {
        if value.is_some_and(|v| parse_port(v).is_err()) {
            return bad("must be a port number");
        }
    } else if (lower("branch") || lower("maddr")) && value.is_none_or(|v| v.starts_with('"')) {
        return bad("needs a token value");
    }
    Ok(())
}

impl Via {
    /// Parses one Via value (not a comma-separated list).
    pub fn parse(s: &str) -> Result<Via, ParseError> {
        ViaRef::parse(s)?.into_via()
    }

    /// The branch parameter.
    pub fn branch(&self) -> Option<&str> {
        self.params.value("branch")
    }
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SIP/2.0/{} {}", self.transport, self.host)?;
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        write!(f, "{}", self.params)
    }
}

impl std::str::FromStr for Via {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Via, ParseError> {
        Via::parse(s)
    }
}
