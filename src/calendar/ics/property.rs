//! Properties: one logical line split into name, parameters and value (RFC 5545 §3.1).
//!
//! `NAME *(";" param) ":" value`. Names are case-insensitive and kept in upper case.
//! Parameter values may be quoted, and a quoted value may hold `:` `;` `,`; a parameter may
//! have any number of comma-separated values; RFC 6868 caret escapes (`^n`, `^'`, `^^`) are
//! decoded. The value is kept raw: what it means depends on the property (TEXT is unescaped
//! by [`unescape_text`], dates are read by the `value` module).

/// A parameter: `NAME=value[,value...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Upper case.
    pub name: String,
    /// Decoded values, without quotes.
    pub values: Vec<String>,
}

/// A property as found on its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// Upper case, e.g. `DTSTART`, `X-ALT-DESC`.
    pub name: String,
    pub params: Vec<Param>,
    /// The raw value, still escaped.
    pub value: String,
    /// The line it started on.
    pub line: usize,
}

impl Property {
    /// The first value of parameter `name` (upper case), if present.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.values.first())
            .map(String::as_str)
    }

    /// All values of parameter `name` (upper case), across repeated parameters.
    pub fn param_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.params
            .iter()
            .filter(move |p| p.name == name)
            .flat_map(|p| p.values.iter().map(String::as_str))
    }

    /// The value read as TEXT: escapes undone.
    pub fn text(&self) -> String {
        unescape_text(&self.value)
    }
}

/// Splits a logical line into a property; the error says what is wrong with it.
pub fn parse_line(line: &str, number: usize) -> Result<Property, String> {
    let bytes = line.as_bytes();
    let name_end = bytes
        .iter()
        .position(|&b| b == b';' || b == b':')
        .ok_or_else(|| "no ':' between name and value".to_string())?;
    let name = &line[..name_end];
    if name.is_empty() {
        return Err("empty property name".into());
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
    {
        return Err(format!("bad property name {:?}", truncate(name, 40)));
    }
    let mut params = Vec::new();
    let mut at = name_end;
    while bytes.get(at) == Some(&b';') {
        let (param, next) = parse_param(line, at + 1)?;
        if let Some(param) = param {
            params.push(param);
        }
        at = next;
    }
    if bytes.get(at) != Some(&b':') {
        return Err("no ':' between parameters and value".into());
    }
    Ok(Property {
        name: name.to_ascii_uppercase(),
        params,
        value: line[at + 1..].to_string(),
        line: number,
    })
}

/// Reads one parameter starting at `start` (just after its `;`); returns it (or `None` for an
/// empty one, `;;`) and the index of the byte that ended it (`;` or `:`).
fn parse_param(line: &str, start: usize) -> Result<(Option<Param>, usize), String> {
    let bytes = line.as_bytes();
    let mut at = start;
    while at < bytes.len() && !matches!(bytes[at], b'=' | b';' | b':') {
        at += 1;
    }
    let name = line[start..at].trim();
    if bytes.get(at) != Some(&b'=') {
        // `;;` or a bare name (vCard 2.1 style `;PREF`): keep the name with no value.
        let param = (!name.is_empty()).then(|| Param {
            name: name.to_ascii_uppercase(),
            values: Vec::new(),
        });
        return Ok((param, at));
    }
    at += 1;
    let mut values = Vec::new();
    loop {
        if bytes.get(at) == Some(&b'"') {
            let close = line[at + 1..]
                .find('"')
                .map(|i| at + 1 + i)
                .ok_or_else(|| format!("unclosed quote in parameter {name}"))?;
            values.push(decode_caret(&line[at + 1..close]));
            at = close + 1;
            // Junk between the closing quote and the next delimiter is ignored.
            while at < bytes.len() && !matches!(bytes[at], b',' | b';' | b':') {
                at += 1;
            }
        } else {
            let begin = at;
            while at < bytes.len() && !matches!(bytes[at], b',' | b';' | b':') {
                at += 1;
            }
            values.push(decode_caret(&line[begin..at]));
        }
        match bytes.get(at) {
            Some(b',') => at += 1,
            Some(_) => break,
            None => return Err("no ':' between parameters and value".into()),
        }
    }
    Ok((
        Some(Param {
            name: name.to_ascii_uppercase(),
            values,
        }),
        at,
    ))
}

/// RFC 6868: `^n` is a newline, `^'` a double quote, `^^` a caret; any other `^` stays.
fn decode_caret(raw: &str) -> String {
    if !raw.contains('^') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '^' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('n') => out.push('\n'),
            Some('\'') => out.push('"'),
            Some('^') => out.push('^'),
            _ => {
                out.push('^');
                continue;
            }
        }
        chars.next();
    }
    out
}

/// Undoes TEXT escaping (RFC 5545 §3.3.11): `\\` `\;` `\,` `\n` `\N`. A backslash before
/// anything else is kept as written, since real files put `\:` and Windows paths in text.
pub fn unescape_text(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(c @ ('\\' | ';' | ',' | ':' | '"')) => out.push(c),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Splits a list value on commas that are not escaped (for CATEGORIES, EXDATE, RDATE...).
pub fn split_list(raw: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(raw);
    std::iter::from_fn(move || {
        let text = rest?;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b',' => {
                    rest = Some(&text[i + 1..]);
                    return Some(&text[..i]);
                }
                _ => i += 1,
            }
        }
        rest = None;
        Some(text)
    })
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_parameters_hold_delimiters() {
        let p = parse_line(
            r#"ATTENDEE;CN="Doe, John";DELEGATED-TO="mailto:a@x","mailto:b@x":mailto:j@x"#,
            1,
        )
        .unwrap();
        assert_eq!(p.param("CN"), Some("Doe, John"));
        assert_eq!(
            p.param_values("DELEGATED-TO").collect::<Vec<_>>(),
            ["mailto:a@x", "mailto:b@x"]
        );
        assert_eq!(p.value, "mailto:j@x");
    }

    #[test]
    fn eleven_parameter_values_do_not_spill_into_the_value() {
        let p = parse_line("X-P;MEMBER=a,b,c,d,e,f,g,h,i,j,k,l:mailto:x", 1).unwrap();
        assert_eq!(p.param_values("MEMBER").count(), 12);
        assert_eq!(p.value, "mailto:x");
    }

    #[test]
    fn carets_and_lowercase_names() {
        let p = parse_line("location;x-address=Main St^n^'A^'^^:Here", 1).unwrap();
        assert_eq!(p.name, "LOCATION");
        assert_eq!(p.param("X-ADDRESS"), Some("Main St\n\"A\"^"));
    }

    #[test]
    fn empty_parameter_and_empty_value() {
        let p = parse_line("LOCATION;LANGUAGE=:", 1).unwrap();
        assert_eq!(p.param("LANGUAGE"), Some(""));
        assert_eq!(p.value, "");
    }

    #[test]
    fn a_line_without_colon_is_an_error() {
        assert!(parse_line("SUMMARY just words", 1).is_err());
        assert!(parse_line(":value", 1).is_err());
    }

    #[test]
    fn text_escapes() {
        assert_eq!(unescape_text(r"a\, b\; c\nd\\e\N"), "a, b; c\nd\\e\n");
        assert_eq!(split_list(r"a\,b,c").collect::<Vec<_>>(), [r"a\,b", "c"]);
    }
}
