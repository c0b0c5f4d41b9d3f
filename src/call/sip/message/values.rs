//! Grammar checks for the values of known headers (RFC 3261 25.1 and the extensions the stack
//! meets), run in place on the parsed text without allocating. Headers without a rule here
//! only have to be valid text.

use super::ParseError;
use super::chars::{self, TOKEN, WORD};
use super::method;
use super::name_addr::NameAddrRef;
use super::names::HeaderId as H;
use super::params;
use super::via::ViaRef;

/// Checks one header line's value (already unfolded and trimmed).
pub(super) fn check(id: H, v: &str) -> Result<(), ParseError> {
    match id {
        H::Via => via(v).map(|_| ()),
        H::From | H::To => address(v).map(|_| ()),
        H::Contact if v == "*" => Ok(()),
        H::Contact => list(v, false, contact),
        H::Route | H::RecordRoute | H::Path | H::ServiceRoute => list(v, false, route),
        H::CallId => call_id(v),
        H::CSeq => method::split(v).map(|_| ()),
        H::MaxForwards => number(v, 255),
        H::ContentLength => number(v, u64::MAX),
        H::Expires | H::MinExpires => number(v, u64::from(u32::MAX)),
        H::SessionExpires | H::MinSe | H::RetryAfter => delta_then_rest(v),
        H::RSeq => number(v, u64::from(u32::MAX)),
        H::RAck => rack(v),
        H::Date => date(v),
        H::ContentType => media(v, false),
        H::Accept => list(v, true, |p| media(p, true)),
        H::Require | H::ProxyRequire | H::Unsupported | H::ContentEncoding => {
            tokens(v, false, false)
        }
        H::Supported | H::Allow | H::AcceptEncoding | H::AllowEvents => tokens(v, true, true),
        H::Warning => list(v, false, warning),
        _ => text(v),
    }
}

/// Any header value: UTF-8 text and whitespace, no control characters.
pub(super) fn text(v: &str) -> Result<(), ParseError> {
    // A fold without early exit vectorises; the slow search runs only on bad input.
    let ctl = |b: u8| (b < 0x20 && b != b'\t') || b == 0x7f;
    if !v.bytes().fold(false, |bad, b| bad | ctl(b)) {
        return Ok(());
    }
    let c = v.bytes().find(|&b| ctl(b)).unwrap_or(0);
    Err(ParseError::new(format!(
        "value contains control character 0x{c:02x}"
    )))
}

/// A comma-separated list whose pieces each pass `one`; `may_be_empty` allows no value at all.
fn list<'a>(
    v: &'a str,
    may_be_empty: bool,
    mut one: impl FnMut(&'a str) -> Result<(), ParseError>,
) -> Result<(), ParseError> {
    if v.is_empty() {
        return if may_be_empty {
            Ok(())
        } else {
            Err(ParseError::new("empty value"))
        };
    }
    for piece in chars::split_list(v) {
        if piece.is_empty() {
            return Err(ParseError::new("empty list element (stray ',')"));
        }
        one(piece)?;
    }
    Ok(())
}

/// A comma-separated token list in one pass; elements with parameters (`gzip;q=0.5`) take
/// the general path.
fn tokens(v: &str, may_be_empty: bool, params_ok: bool) -> Result<(), ParseError> {
    let b = v.as_bytes();
    if b.is_empty() {
        return if may_be_empty {
            Ok(())
        } else {
            Err(ParseError::new("empty value"))
        };
    }
    let mut i = 0;
    loop {
        let s = chars::skip_ws(b, i);
        let e = chars::run(b, s, TOKEN);
        i = chars::skip_ws(b, e);
        match b.get(i) {
            _ if e == s => break,
            None => return Ok(()),
            Some(b',') => i += 1,
            Some(b';') if params_ok => return list(v, may_be_empty, token_params),
            Some(_) => break,
        }
    }
    match b.get(i) {
        None | Some(b',') => Err(ParseError::new("empty list element (stray ',')")),
        Some(_) => Err(ParseError::new(format!(
            "{:?} is not allowed in a token",
            chars::char_at(v, i)
        ))),
    }
}

/// A Via line: a list of Via values. Returns the top one's branch.
pub(super) fn via(v: &str) -> Result<Option<&str>, ParseError> {
    let mut top = None;
    list(v, false, |p| {
        let via = ViaRef::parse(p)?;
        top.get_or_insert(via.branch);
        Ok(())
    })?;
    Ok(top.flatten())
}

/// To / From: one address whose tag, if any, is a token. Returns the (first) tag.
pub(super) fn address(v: &str) -> Result<Option<&str>, ParseError> {
    let mut tag = None;
    NameAddrRef::parse_with(v, |name, value| {
        if name.eq_ignore_ascii_case("tag") {
            if !value.is_some_and(|t| chars::all(t, TOKEN)) {
                return Err(ParseError::new("tag parameter needs a token value"));
            }
            tag.get_or_insert(value);
        }
        Ok(())
    })?;
    Ok(tag.flatten())
}

/// One Contact value: an address whose expires fits 32 bits and whose q is a qvalue.
fn contact(v: &str) -> Result<(), ParseError> {
    NameAddrRef::parse_with(v, |name, value| {
        if name.eq_ignore_ascii_case("expires")
            && value
                .and_then(chars::digits)
                .is_none_or(|n| n > u64::from(u32::MAX))
        {
            return Err(ParseError::new(
                "Contact expires is not a number up to 2**32-1",
            ));
        }
        if name.eq_ignore_ascii_case("q") && !value.is_some_and(qvalue) {
            return Err(ParseError::new(
                "Contact q is not a qvalue (0 to 1, three decimals)",
            ));
        }
        Ok(())
    })
    .map(|_| ())
}

/// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
fn qvalue(q: &str) -> bool {
    let (int, frac) = q.split_once('.').unwrap_or((q, ""));
    frac.len() <= 3
        && frac.bytes().all(|c| c.is_ascii_digit())
        && (int == "0" || (int == "1" && frac.bytes().all(|c| c == b'0')))
}

/// Route / Record-Route / Path: name-addr only (angle brackets required).
fn route(v: &str) -> Result<(), ParseError> {
    if NameAddrRef::parse(v)?.bracketed {
        Ok(())
    } else {
        Err(ParseError::new("route URI must be enclosed in <>"))
    }
}

/// callid = word [ "@" word ]
fn call_id(v: &str) -> Result<(), ParseError> {
    let (a, b) = match chars::find_byte(v.as_bytes(), b'@') {
        Some(at) => (&v[..at], &v[at + 1..]),
        None => (v, "x"),
    };
    if chars::all(a, WORD) && chars::all(b, WORD) {
        Ok(())
    } else {
        Err(ParseError::new(format!("Call-ID {v:?} is not word[@word]")))
    }
}

/// 1*DIGIT no larger than `max`.
fn number(v: &str, max: u64) -> Result<(), ParseError> {
    match chars::digits(v) {
        Some(n) if n <= max => Ok(()),
        Some(_) => Err(ParseError::new(format!(
            "{v} is out of range (at most {max})"
        ))),
        None => Err(ParseError::new(format!("{v:?} is not a number"))),
    }
}

/// delta-seconds (32 bits) followed by optional comment and parameters.
fn delta_then_rest(v: &str) -> Result<(), ParseError> {
    let n = v.bytes().take_while(u8::is_ascii_digit).count();
    number(&v[..n], u64::from(u32::MAX))?;
    let rest = chars::trim(&v[n..]);
    match rest.as_bytes().first() {
        None | Some(b'(') => text(rest),
        Some(b';') => params::scan(rest).try_for_each(|p| p.map(|_| ())),
        Some(_) => Err(ParseError::new(format!("{v:?} is not delta-seconds"))),
    }
}

/// RAck = response-num LWS CSeq-num LWS Method
fn rack(v: &str) -> Result<(), ParseError> {
    let n = v.bytes().take_while(u8::is_ascii_digit).count();
    number(&v[..n], u64::from(u32::MAX))?;
    let rest = &v[n..];
    if !rest.starts_with([' ', '\t']) {
        return Err(ParseError::new("RAck is not response-num CSeq-num method"));
    }
    method::split(rest).map(|_| ())
}

/// rfc1123-date in GMT: `Sat, 15 Oct 2005 04:44:56 GMT` (RFC 3261 20.17).
fn date(v: &str) -> Result<(), ParseError> {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let bad = || ParseError::new(format!("Date {v:?} is not an RFC 1123 date in GMT"));
    let b = v.as_bytes();
    if b.len() != 29 || !v.ends_with(" GMT") {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>, max: u64| {
        v.get(r)
            .and_then(chars::digits)
            .filter(|n| *n <= max)
            .is_some()
    };
    let ok = v.get(0..3).is_some_and(|d| DAYS.contains(&d))
        && &b[3..5] == b", "
        && num(5..7, 31)
        && b[7] == b' '
        && v.get(8..11).is_some_and(|m| MONTHS.contains(&m))
        && b[11] == b' '
        && num(12..16, 9999)
        && b[16] == b' '
        && num(17..19, 23)
        && b[19] == b':'
        && num(20..22, 59)
        && b[22] == b':'
        && num(23..25, 60);
    if ok { Ok(()) } else { Err(bad()) }
}

/// media-type (`type/subtype;params`) or, for Accept, a media-range (`*/*`, `type/*`).
fn media(v: &str, range: bool) -> Result<(), ParseError> {
    let b = v.as_bytes();
    let te = chars::run(b, 0, TOKEN);
    let slash = chars::skip_ws(b, te);
    if te == 0 || b.get(slash) != Some(&b'/') {
        return Err(ParseError::new(format!("{v:?} is not a media type")));
    }
    let ss = chars::skip_ws(b, slash + 1);
    let se = chars::run(b, ss, TOKEN);
    if se == ss || (!range && (v[..te].contains('*') || v[ss..se].contains('*'))) {
        return Err(ParseError::new(format!("{v:?} is not a media type")));
    }
    params::scan(&v[se..]).try_for_each(|p| p.map(|_| ()))
}

/// An option tag or content coding: one token.
fn token(v: &str) -> Result<(), ParseError> {
    if chars::all(v, TOKEN) {
        Ok(())
    } else {
        Err(ParseError::new(format!("{v:?} is not a token")))
    }
}

/// A token with optional parameters (Accept-Encoding q values, event packages).
fn token_params(v: &str) -> Result<(), ParseError> {
    let e = chars::run(v.as_bytes(), 0, TOKEN);
    token(&v[..e])?;
    params::scan(&v[e..]).try_for_each(|p| p.map(|_| ()))
}

/// warning-value = warn-code SP warn-agent SP warn-text (3-digit code, quoted text).
fn warning(v: &str) -> Result<(), ParseError> {
    let b = v.as_bytes();
    let three = b.len() > 4 && b[..3].iter().all(u8::is_ascii_digit) && b[3] == b' ';
    let agent_end = if three {
        b[4..].iter().position(|&c| c == b' ').map(|p| p + 4)
    } else {
        None
    };
    let ok = agent_end.is_some_and(|a| {
        a > 4
            && b.get(a + 1) == Some(&b'"')
            && chars::quoted_end(b, a + 1).is_ok_and(|e| e == b.len())
    });
    if ok {
        Ok(())
    } else {
        Err(ParseError::new(format!(
            "Warning {v:?} is not code agent \"text\""
        )))
    }
}
