//! Writing iCalendar text back: properties and components as content lines (RFC 5545 §3.1).
//!
//! Values are written as they were read (raw, still escaped), so what the organizer wrote
//! goes back unchanged. Parameter values are quoted when they hold `:` `;` `,`, and encoded
//! with RFC 6868 carets when they hold a newline, a double quote or a caret. Lines are folded
//! at 75 octets, never inside a UTF-8 character, and end with CRLF.

use super::component::Component;
use super::property::{Param, Property};

/// The longest line before folding, in octets, without the CRLF.
const FOLD_AT: usize = 75;

/// Appends `property` as folded content lines.
pub fn write_property(out: &mut String, property: &Property) {
    let mut line = String::with_capacity(property.name.len() + property.value.len() + 16);
    line.push_str(&property.name);
    for param in &property.params {
        write_param(&mut line, param);
    }
    line.push(':');
    line.push_str(&property.value);
    fold_into(out, &line);
}

/// Appends `component` and everything inside it.
pub fn write_component(out: &mut String, component: &Component) {
    fold_into(out, &format!("BEGIN:{}", component.name));
    for p in &component.properties {
        write_property(out, p);
    }
    for child in &component.children {
        write_component(out, child);
    }
    fold_into(out, &format!("END:{}", component.name));
}

/// A property with a value as given (raw: TEXT must already be escaped with [`escape_text`]).
pub fn property(name: &str, params: &[(&str, &str)], value: &str) -> Property {
    Property {
        name: name.to_string(),
        params: params
            .iter()
            .map(|(n, v)| Param {
                name: n.to_string(),
                values: vec![v.to_string()],
            })
            .collect(),
        value: value.to_string(),
        line: 0,
    }
}

/// TEXT escaping (RFC 5545 §3.3.11), the inverse of `unescape_text`.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn write_param(line: &mut String, param: &Param) {
    line.push(';');
    line.push_str(&param.name);
    if param.values.is_empty() {
        return;
    }
    line.push('=');
    for (i, value) in param.values.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        let encoded = encode_caret(value);
        if encoded.contains([':', ';', ',']) {
            line.push('"');
            line.push_str(&encoded);
            line.push('"');
        } else {
            line.push_str(&encoded);
        }
    }
}

/// RFC 6868: newline → `^n`, `"` → `^'`, `^` → `^^`.
fn encode_caret(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '^' => out.push_str("^^"),
            '"' => out.push_str("^'"),
            '\n' => out.push_str("^n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one logical line into `out`: at most 75 octets a line, continuation lines start
/// with a space, cuts only between characters.
fn fold_into(out: &mut String, line: &str) {
    let mut rest = line;
    let mut limit = FOLD_AT;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        // The leading space of a continuation line counts towards its 75 octets.
        limit = FOLD_AT - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::property::parse_line;
    use super::*;

    #[test]
    fn a_property_reads_back_as_written() {
        let p = parse_line(
            "ATTENDEE;CN=\"Room 4; East\";PARTSTAT=NEEDS-ACTION;X-NOTE=a^'b:mailto:r4@example.com",
            1,
        )
        .unwrap();
        let mut out = String::new();
        write_property(&mut out, &p);
        let first = out.split("\r\n").next().unwrap();
        assert_eq!(first.len(), 75, "{out:?}");
        assert!(
            first.starts_with("ATTENDEE;CN=\"Room 4; East\";PARTSTAT=NEEDS-ACTION;X-NOTE=a^'b:")
        );
        let unfolded = out.trim_end().replace("\r\n ", "");
        assert_eq!(parse_line(&unfolded, 1).unwrap().params, p.params);
    }

    #[test]
    fn long_lines_fold_between_characters() {
        let text = "é".repeat(100);
        let mut out = String::new();
        write_property(&mut out, &property("SUMMARY", &[], &text));
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        }
        let unfolded = out.trim_end().replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{text}"));
    }

    #[test]
    fn text_escaping_round_trips() {
        let text = "Budget; Q3, final\\draft\nroom 4";
        let escaped = escape_text(text);
        assert_eq!(escaped, "Budget\\; Q3\\, final\\\\draft\\nroom 4");
        assert_eq!(super::super::property::unescape_text(&escaped), text);
    }
}
