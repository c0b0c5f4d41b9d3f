//! URIs: SIP/SIPS URIs parsed into parts (RFC 3261 19.1, 25.1) and any other scheme kept as
//! an opaque absoluteURI. [`UriRef`] checks the grammar and borrows the parts, so headers can
//! be validated without allocating; [`Uri`] is the owned form with `Display` back to text.

use std::fmt;
use std::net::Ipv6Addr;

use super::chars::{self, HNV, HOST, PARAM, PASSWORD, SCHEME, URIC, USER};
use super::{Params, ParseError};

/// A parsed URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uri {
    /// Lowercase: "sip", "sips", "tel", or any other scheme.
    pub scheme: String,
    /// User part as written (escapes kept).
    pub user: Option<String>,
    pub password: Option<String>,
    /// Lowercased; an IPv6 reference keeps its brackets.
    pub host: String,
    pub port: Option<u16>,
    pub params: Params,
    /// URI headers (`?name=value&...`), escapes kept.
    pub headers: Vec<(String, String)>,
    /// For schemes other than sip/sips: everything after "scheme:"; user and host are empty.
    pub opaque: Option<String>,
}

/// A checked URI whose parts borrow the text it was parsed from.
#[derive(Clone, Copy, Debug)]
pub(super) struct UriRef<'a> {
    pub scheme: &'a str,
    pub user: Option<&'a str>,
    pub password: Option<&'a str>,
    pub host: &'a str,
    pub port: Option<u16>,
    /// Parameters after the first ';' (without it), or "".
    pub params: &'a str,
    /// Headers after '?' (without it), or "".
    pub headers: &'a str,
    pub opaque: Option<&'a str>,
}

impl<'a> UriRef<'a> {
    /// Checks `s` as a SIP/SIPS URI or an absoluteURI.
    pub fn parse(s: &'a str) -> Result<UriRef<'a>, ParseError> {
        let b = s.as_bytes();
        let end = chars::run(b, 0, SCHEME);
        if end == 0 || !b[0].is_ascii_alphabetic() || b.get(end) != Some(&b':') {
            return Err(ParseError::new(format!("{s:?} is not a URI (no scheme)")));
        }
        let (scheme, rest) = (&s[..end], &s[end + 1..]);
        if scheme.eq_ignore_ascii_case("sip") || scheme.eq_ignore_ascii_case("sips") {
            return sip(scheme, rest);
        }
        if rest.is_empty() {
            return Err(ParseError::new(format!("{scheme} URI is empty")));
        }
        chars::check_escaped(rest, URIC, "URI")?;
        let none = "";
        Ok(UriRef {
            scheme,
            user: None,
            password: None,
            host: none,
            port: None,
            params: none,
            headers: none,
            opaque: Some(rest),
        })
    }

    /// Whether the scheme is sip or sips.
    pub fn is_sip(&self) -> bool {
        self.opaque.is_none()
    }

    /// The owned form.
    pub fn into_uri(self) -> Uri {
        let params = chars::pieces(self.params, b';')
            .filter(|p| !p.is_empty())
            .map(|p| match chars::split_byte(p, b'=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (p.to_string(), None),
            })
            .collect();
        let headers = chars::pieces(self.headers, b'&')
            .filter(|h| !h.is_empty())
            .map(|h| {
                let (n, v) = chars::split_byte(h, b'=').unwrap_or((h, ""));
                (n.to_string(), v.to_string())
            })
            .collect();
        Uri {
            scheme: self.scheme.to_ascii_lowercase(),
            user: self.user.map(str::to_string),
            password: self.password.map(str::to_string),
            host: self.host.to_ascii_lowercase(),
            port: self.port,
            params: Params(params),
            headers,
            opaque: self.opaque.map(str::to_string),
        }
    }
}

/// The part of a SIP URI after "sip:".
fn sip<'a>(scheme: &'a str, rest: &'a str) -> Result<UriRef<'a>, ParseError> {
    // '@' cannot appear unescaped anywhere but after userinfo, so the first one ends it.
    let (user, password, hostpart) = match chars::find_byte(rest.as_bytes(), b'@') {
        Some(at) => {
            let info = &rest[..at];
            let (u, p) = match chars::split_byte(info, b':') {
                Some((u, p)) => (u, Some(p)),
                None => (info, None),
            };
            if u.is_empty() {
                return Err(ParseError::new("SIP URI has an empty user part before '@'"));
            }
            chars::check_escaped(u, USER, "URI user part")?;
            if let Some(p) = p {
                chars::check_escaped(p, PASSWORD, "URI password")?;
            }
            (Some(u), p, &rest[at + 1..])
        }
        None => (None, None, rest),
    };
    let b = hostpart.as_bytes();
    let host_end = host_end(hostpart)?;
    let host = &hostpart[..host_end];
    let mut i = host_end;
    let mut port = None;
    if i < b.len() && b[i] == b':' {
        let pe = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count() + i + 1;
        port = Some(parse_port(&hostpart[i + 1..pe])?);
        i = pe;
    }
    let mut params = "";
    if i < b.len() && b[i] == b';' {
        let pe = chars::find_byte(&b[i..], b'?').map_or(b.len(), |q| q + i);
        params = &hostpart[i + 1..pe];
        check_uri_params(params)?;
        i = pe;
    }
    let mut headers = "";
    if i < b.len() && b[i] == b'?' {
        headers = &hostpart[i + 1..];
        check_uri_headers(headers)?;
        i = b.len();
    }
    if i < b.len() {
        return Err(ParseError::new(format!(
            "SIP URI has {:?} after the host",
            chars::char_at(hostpart, i)
        )));
    }
    Ok(UriRef {
        scheme,
        user,
        password,
        host,
        port,
        params,
        headers,
        opaque: None,
    })
}

/// Where the host (hostname, IPv4 address or `[IPv6]`) at the start of `s` ends; checks it.
pub(super) fn host_end(s: &str) -> Result<usize, ParseError> {
    let b = s.as_bytes();
    if b.first() == Some(&b'[') {
        let close = chars::find_byte(b, b']')
            .ok_or_else(|| ParseError::new("IPv6 reference has no closing ']'"))?;
        if s[1..close].parse::<Ipv6Addr>().is_err() {
            return Err(ParseError::new(format!(
                "{:?} is not an IPv6 address",
                &s[..=close]
            )));
        }
        return Ok(close + 1);
    }
    let mut end = 0;
    let mut numeric = true;
    while end < b.len() && chars::is(b[end], HOST) {
        numeric &= b[end].is_ascii_digit() || b[end] == b'.';
        end += 1;
    }
    let host = &s[..end];
    if end == 0 || !b[0].is_ascii_alphanumeric() {
        return Err(ParseError::new(format!("missing or invalid host in {s:?}")));
    }
    if numeric && !is_ipv4(host) {
        return Err(ParseError::new(format!("{host:?} is not an IPv4 address")));
    }
    Ok(end)
}

/// Dotted quad of numbers up to 255 (digits and dots already checked).
fn is_ipv4(s: &str) -> bool {
    let (mut dots, mut digits, mut value) = (0, 0, 0u32);
    for &c in s.as_bytes() {
        if c == b'.' {
            if digits == 0 {
                return false;
            }
            (dots, digits, value) = (dots + 1, 0, 0);
        } else {
            (digits, value) = (digits + 1, value * 10 + u32::from(c - b'0'));
            if digits > 3 || value > 255 {
                return false;
            }
        }
    }
    dots == 3 && digits > 0
}

/// A port: 1*DIGIT that fits in 16 bits.
pub(super) fn parse_port(s: &str) -> Result<u16, ParseError> {
    chars::digits(s)
        .and_then(|v| u16::try_from(v).ok())
        .ok_or_else(|| ParseError::new(format!("port {s:?} is not a number up to 65535")))
}

fn check_uri_params(s: &str) -> Result<(), ParseError> {
    for p in chars::pieces(s, b';') {
        let (n, v) = match chars::split_byte(p, b'=') {
            Some((n, v)) => (n, Some(v)),
            None => (p, None),
        };
        if n.is_empty() || v == Some("") {
            return Err(ParseError::new(format!("empty URI parameter in {s:?}")));
        }
        chars::check_escaped(n, PARAM, "URI parameter")?;
        if let Some(v) = v {
            chars::check_escaped(v, PARAM, "URI parameter")?;
        }
    }
    Ok(())
}

fn check_uri_headers(s: &str) -> Result<(), ParseError> {
    for h in chars::pieces(s, b'&') {
        let (n, v) = chars::split_byte(h, b'=')
            .ok_or_else(|| ParseError::new(format!("URI header {h:?} has no '='")))?;
        if n.is_empty() {
            return Err(ParseError::new("URI header with an empty name"));
        }
        chars::check_escaped(n, HNV, "URI header")?;
        chars::check_escaped(v, HNV, "URI header")?;
    }
    Ok(())
}

impl Uri {
    /// Parses a SIP/SIPS URI or any absoluteURI.
    pub fn parse(s: &str) -> Result<Uri, ParseError> {
        Ok(UriRef::parse(s)?.into_uri())
    }

    /// Whether the scheme is sip or sips.
    pub fn is_sip(&self) -> bool {
        self.scheme == "sip" || self.scheme == "sips"
    }

    /// "host" or "host:port".
    pub fn host_port(&self) -> String {
        match self.port {
            Some(p) => format!("{}:{p}", self.host),
            None => self.host.clone(),
        }
    }

    /// The user part with `%HH` escapes decoded (escaped NULs stay in the string).
    pub fn user_unescaped(&self) -> Option<String> {
        self.user
            .as_deref()
            .map(|u| String::from_utf8_lossy(&unescape(u)).into_owned())
    }
}

/// Decodes every `%HH` escape of `s` (malformed escapes are kept as written).
pub(super) fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(o) = &self.opaque {
            return write!(f, "{}:{o}", self.scheme);
        }
        write!(f, "{}:", self.scheme)?;
        if let Some(u) = &self.user {
            f.write_str(u)?;
            if let Some(p) = &self.password {
                write!(f, ":{p}")?;
            }
            f.write_str("@")?;
        }
        f.write_str(&self.host)?;
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        write!(f, "{}", self.params)?;
        for (i, (n, v)) in self.headers.iter().enumerate() {
            write!(f, "{}{n}={v}", if i == 0 { '?' } else { '&' })?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Uri {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Uri, ParseError> {
        Uri::parse(s)
    }
}
