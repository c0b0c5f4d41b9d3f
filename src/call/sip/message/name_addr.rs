//! Addresses as they appear in To, From, Contact, Route and Record-Route: `name-addr`
//! (`"Display" <uri>;params`) or `addr-spec` (`uri;params`, where by RFC 3261 20.10 the
//! parameters after the URI belong to the header, not to the URI).

use std::fmt;

use super::chars::{self, TOKEN};
use super::uri::UriRef;
use super::{Params, ParseError, Uri, params};

/// A display name, a URI and the header parameters that follow it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameAddr {
    /// Unquoted and unescaped.
    pub display_name: Option<String>,
    pub uri: Uri,
    /// Header parameters after the address: tag, expires, q, +sip.instance, ...
    pub params: Params,
}

/// A checked address whose parts borrow the header text.
#[derive(Clone, Copy, Debug)]
pub(super) struct NameAddrRef<'a> {
    /// As written: with its quotes when quoted.
    pub display: Option<&'a str>,
    pub uri: UriRef<'a>,
    /// Whether the URI was enclosed in `<>`.
    pub bracketed: bool,
    /// The header parameter text after the address (checked), possibly "".
    pub params: &'a str,
}

impl<'a> NameAddrRef<'a> {
    /// Checks one address (name-addr or addr-spec form) and its header parameters.
    pub fn parse(s: &'a str) -> Result<NameAddrRef<'a>, ParseError> {
        Self::parse_with(s, |_, _| Ok(()))
    }

    /// [`parse`](Self::parse), also handing every header parameter to `check` during the
    /// one scan that checks their grammar.
    pub fn parse_with(
        s: &'a str,
        mut check: impl FnMut(&'a str, Option<&'a str>) -> Result<(), ParseError>,
    ) -> Result<NameAddrRef<'a>, ParseError> {
        let s = chars::trim(s);
        let (display, uri_text, params, bracketed) = split(s)?;
        let uri = if bracketed {
            if uri_text.starts_with([' ', '\t']) || uri_text.ends_with([' ', '\t']) {
                return Err(ParseError::new("whitespace inside <> around the URI"));
            }
            UriRef::parse(uri_text)
                .map_err(|e| ParseError::new(format!("URI in <> is invalid: {}", e.reason)))?
        } else {
            if let Some(c) = uri_text.bytes().find(|c| matches!(c, b'?' | b',')) {
                return Err(ParseError::new(format!(
                    "URI containing {:?} must be enclosed in <> (RFC 3261 20.10)",
                    char::from(c)
                )));
            }
            UriRef::parse(uri_text)?
        };
        for p in params::scan(params) {
            let (n, v) = p?;
            check(n, v)?;
        }
        Ok(NameAddrRef {
            display,
            uri,
            bracketed,
            params,
        })
    }

    /// The header parameter text of an address already checked, without checking it again
    /// (for the hot accessors: tags).
    pub fn params_of(s: &'a str) -> Option<&'a str> {
        split(chars::trim(s)).ok().map(|(_, _, p, _)| p)
    }

    /// The owned form.
    pub fn into_name_addr(self) -> Result<NameAddr, ParseError> {
        let display_name = self.display.map(|d| match d.strip_prefix('"') {
            Some(q) => unquote(q.strip_suffix('"').unwrap_or(q)),
            None => d.to_string(),
        });
        Ok(NameAddr {
            display_name,
            uri: self.uri.into_uri(),
            params: Params::from_header(self.params)?,
        })
    }
}

/// Splits a trimmed address into display name (as written), URI text (between `<>` or up
/// to the first `;`), header parameter text, and whether the URI was in `<>`; checks the
/// display name.
fn split(s: &str) -> Result<(Option<&str>, &str, &str, bool), ParseError> {
    let b = s.as_bytes();
    let (display, open) = match b.first() {
        None => return Err(ParseError::new("empty address")),
        Some(b'"') => {
            let end = chars::quoted_end(b, 0)?;
            let open = chars::skip_ws(b, end);
            if b.get(open) != Some(&b'<') {
                return Err(ParseError::new(
                    "quoted display name is not followed by <URI>",
                ));
            }
            (Some(&s[..end]), open)
        }
        Some(_) => {
            // display-name = *(token LWS): a run of tokens, or else the scheme of an addr-spec.
            let first_end = chars::run(b, 0, TOKEN);
            let mut i = 0;
            loop {
                let te = chars::run(b, i, TOKEN);
                if te == i {
                    break;
                }
                i = chars::skip_ws(b, te);
            }
            match b.get(i) {
                Some(b'<') => {
                    let name = chars::trim(&s[..i]);
                    (if name.is_empty() { None } else { Some(name) }, i)
                }
                Some(b':') if i == first_end => {
                    let end = chars::find_byte(b, b';').unwrap_or(b.len());
                    return Ok((None, chars::trim(&s[..end]), &s[end..], false));
                }
                Some(_) => {
                    return Err(ParseError::new(format!(
                        "display name contains {:?}; such a name must be quoted",
                        chars::char_at(s, i)
                    )));
                }
                None => return Err(ParseError::new(format!("{s:?} is not an address"))),
            }
        }
    };
    let close = chars::find_byte(&b[open..], b'>')
        .map(|c| c + open)
        .ok_or_else(|| ParseError::new("address has '<' without '>'"))?;
    Ok((display, &s[open + 1..close], &s[close + 1..], true))
}

/// The text of a quoted string without its quotes, with quoted-pairs resolved.
fn unquote(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut escaped = false;
    for c in inner.chars() {
        if escaped || c != '\\' {
            out.push(c);
            escaped = false;
        } else {
            escaped = true;
        }
    }
    out
}

impl NameAddr {
    /// Parses an address in name-addr or addr-spec form, with its header parameters.
    pub fn parse(s: &str) -> Result<NameAddr, ParseError> {
        NameAddrRef::parse(s)?.into_name_addr()
    }

    /// The tag parameter.
    pub fn tag(&self) -> Option<&str> {
        self.params.value("tag")
    }
}

/// Always the name-addr form: `"Display" <uri>;params` or `<uri>;params`.
impl fmt::Display for NameAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(d) = &self.display_name {
            f.write_str("\"")?;
            for c in d.chars() {
                match c {
                    // CR and LF cannot be carried even as quoted-pairs.
                    '\r' | '\n' => {}
                    '"' | '\\' | '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}' => {
                        write!(f, "\\{c}")?
                    }
                    c => write!(f, "{c}")?,
                }
            }
            f.write_str("\" ")?;
        }
        write!(f, "<{}>{}", self.uri, self.params)
    }
}

impl std::str::FromStr for NameAddr {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<NameAddr, ParseError> {
        NameAddr::parse(s)
    }
}
