//! Parameters: the owned [`Params`] list (URI and header parameters alike) and the scanner
//! for header parameters (`*( SEMI generic-param )`, RFC 3261 25.1), which checks the
//! grammar in place without allocating.

use std::fmt;

use super::ParseError;
use super::chars::{self, PVALUE, TOKEN};

/// An ordered parameter list. Names keep the case they were written in and are matched
/// case-insensitively; values are kept as written (a quoted value keeps its quotes).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Params(pub Vec<(String, Option<String>)>);

impl Params {
    /// `Some(value)` if the parameter is present (`Some(None)` when it has no value).
    pub fn get(&self, name: &str) -> Option<Option<&str>> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_deref())
    }

    /// The parameter's value, if present and valued.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.get(name).flatten()
    }

    /// Whether the parameter is present, valued or not.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Replaces the parameter's value, or appends the parameter if it is absent.
    pub fn set(&mut self, name: &str, value: Option<&str>) {
        let value = value.map(str::to_string);
        match self
            .0
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(slot) => slot.1 = value,
            None => self.0.push((name.to_string(), value)),
        }
    }

    /// Removes every parameter of that name.
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Parses header parameters (`;a=b;c`, whitespace allowed around `;` and `=`).
    pub(super) fn from_header(s: &str) -> Result<Params, ParseError> {
        let mut out = Vec::new();
        for p in scan(s) {
            let (n, v) = p?;
            out.push((n.to_string(), v.map(str::to_string)));
        }
        Ok(Params(out))
    }
}

/// Writes `;name[=value]` for each parameter.
impl fmt::Display for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, v) in &self.0 {
            match v {
                Some(v) => write!(f, ";{n}={v}")?,
                None => write!(f, ";{n}")?,
            }
        }
        Ok(())
    }
}

/// Scans header parameters, yielding `(name, value)` pairs or the first grammar error.
pub(super) fn scan(s: &str) -> Scan<'_> {
    Scan {
        s,
        pos: 0,
        failed: false,
    }
}

/// The value of header parameter `name` in an already checked parameter text.
pub(super) fn find<'a>(s: &'a str, name: &str) -> Option<Option<&'a str>> {
    scan(s)
        .filter_map(Result::ok)
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// Iterator returned by [`scan`].
pub(super) struct Scan<'a> {
    s: &'a str,
    pos: usize,
    failed: bool,
}

impl<'a> Iterator for Scan<'a> {
    type Item = Result<(&'a str, Option<&'a str>), ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let b = self.s.as_bytes();
        let i = chars::skip_ws(b, self.pos);
        if i >= b.len() {
            return None;
        }
        let r = self.one(i);
        if r.is_err() {
            self.failed = true;
        }
        Some(r)
    }
}

impl<'a> Scan<'a> {
    fn one(&mut self, i: usize) -> Result<(&'a str, Option<&'a str>), ParseError> {
        let (s, b) = (self.s, self.s.as_bytes());
        if b[i] != b';' {
            return Err(ParseError::new(format!(
                "expected ';' before parameters, found {:?}",
                chars::char_at(s, i)
            )));
        }
        let start = chars::skip_ws(b, i + 1);
        let end = chars::run(b, start, TOKEN);
        if end == start {
            return Err(ParseError::new("empty parameter (stray ';')"));
        }
        let name = &s[start..end];
        let mut j = chars::skip_ws(b, end);
        let mut value = None;
        if j < b.len() && b[j] == b'=' {
            let vs = chars::skip_ws(b, j + 1);
            let ve = value_end(s, vs)?;
            value = Some(&s[vs..ve]);
            j = ve;
        }
        self.pos = j;
        Ok((name, value))
    }
}

/// End of a gen-value (token / host / quoted-string) starting at `i`.
fn value_end(s: &str, i: usize) -> Result<usize, ParseError> {
    let b = s.as_bytes();
    if i < b.len() && b[i] == b'"' {
        return chars::quoted_end(b, i);
    }
    let mut j = i;
    let mut hostish = false;
    while j < b.len() && chars::is(b[j], PVALUE) {
        hostish |= !chars::is(b[j], TOKEN);
        j += 1;
    }
    if j == i {
        return Err(ParseError::new("parameter has '=' but no value"));
    }
    // ':' and brackets only belong to an IPv6 address (host or Via received).
    if hostish {
        let v = &s[i..j];
        let inner = v
            .strip_prefix('[')
            .and_then(|v| v.strip_suffix(']'))
            .unwrap_or(v);
        if inner.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(ParseError::new(format!(
                "parameter value {v:?} is neither a token nor a host"
            )));
        }
    }
    Ok(j)
}
