//! Invite bodies made searchable: HTML to text, mail encodings and link wrappers undone.
//!
//! Dial strings hide in bodies that were written for people and then mangled by mail:
//! - HTML (`X-ALT-DESC`, the text/html part): tags, entities (`&nbsp;` `&amp;` `&#64;`),
//!   labels and values in separate table cells ("Meeting ID:" | "924 0359 1689");
//! - quoted-printable soft line breaks (`=` at the end of a line) splitting an ID or a URL,
//!   and `=3D` for `=`;
//! - no-break and thin spaces inside IDs;
//! - Outlook SafeLinks (`https://eur01.safelinks.protection.outlook.com/?url=<original>&...`)
//!   and Proofpoint URL Defense wrapping every link;
//! - Outlook's plain-text rendering of links, `text<https://url>` and `addr<mailto:addr>`.
//!
//! [`normalize`] undoes all of these; [`html_to_text`] also keeps every `href`, since a link's
//! target may hold what its visible text does not.

use std::borrow::Cow;

/// Turns HTML into text: block ends become line breaks, cells become spaces, entities are
/// decoded, and each link's `href` is added after its text.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = &after[..gt];
        rest = &after[gt + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match name.as_str() {
            "br" | "p" | "div" | "tr" | "li" | "h1" | "h2" | "h3" | "h4" | "table" => {
                out.push('\n')
            }
            "td" | "th" | "span" => out.push(' '),
            "style" | "script" | "head" if !tag.starts_with('/') => {
                // Skip their content entirely.
                let close = format!("</{name}");
                match rest.to_ascii_lowercase().find(&close) {
                    Some(end) => rest = &rest[end..],
                    None => rest = "",
                }
            }
            "a" => {
                if let Some(href) = attribute(tag, "href") {
                    out.push(' ');
                    out.push_str(&decode_entities(href));
                    out.push(' ');
                }
            }
            _ => {}
        }
    }
    out.push_str(&decode_entities(rest));
    out
}

/// The value of attribute `name` in a tag's inside, quoted or not.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = tag[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value = rest[1..].trim_start();
        return Some(match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        });
    }
    None
}

/// Decodes the HTML entities that matter here: named basics and numeric ones.
pub fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| entity(&after[..e]));
        match (end, decoded) {
            (Some(e), Some(c)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "nbsp" => '\u{a0}',
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "commat" => '@',
        "period" => '.',
        "colon" => ':',
        _ => return None,
    })
}

/// Undoes quoted-printable when the text shows signs of it (soft breaks or `=3D`): soft line
/// breaks are removed and `=XX` escapes decoded. Text without those signs is left alone, so
/// that `?pwd=AB12` in a plain URL is not taken for an escape.
pub fn undo_quoted_printable(text: &str) -> Cow<'_, str> {
    let soft = text.contains("=\n") || text.contains("=\r\n");
    if !soft && !text.contains("=3D") {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            match (bytes.get(i + 1), bytes.get(i + 2)) {
                (Some(b'\r'), Some(b'\n')) => {
                    i += 3;
                    continue;
                }
                (Some(b'\n'), _) => {
                    i += 2;
                    continue;
                }
                (Some(&h), Some(&l)) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => {
                    let hex = [h, l];
                    let value = std::str::from_utf8(&hex)
                        .ok()
                        .and_then(|s| u8::from_str_radix(s, 16).ok());
                    if let Some(v) = value {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                }
                _ => {}
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// Replaces wrapped links by their targets: SafeLinks (`?url=` percent-encoded) and
/// Proofpoint URL Defense v3 (`https://urldefense.com/v3/__<url>__;...`).
pub fn unwrap_links(text: &str) -> Cow<'_, str> {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("safelinks.protection.outlook.com")
        && !lower.contains("urldefense.com/v3/__")
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    let mut search = 0;
    while let Some(i) = lower[search..].find("https://") {
        let start = search + i;
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')'))
            .map_or(text.len(), |e| start + e);
        let link = &text[start..end];
        let host = link[8..]
            .split(['/', '?'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let wrapped = host.ends_with("safelinks.protection.outlook.com")
            || (host == "urldefense.com" && link.contains("/v3/__"));
        if let Some(target) = wrapped.then(|| unwrap_one(link)).flatten() {
            out.push_str(&text[done..start]);
            out.push_str(&target);
            done = end;
        }
        search = end.max(start + 8);
    }
    out.push_str(&text[done..]);
    Cow::Owned(out)
}

fn unwrap_one(link: &str) -> Option<String> {
    if let Some(inner) = link.find("/v3/__").map(|i| &link[i + 6..]) {
        let end = inner.find("__;").unwrap_or(inner.len());
        return Some(inner[..end].to_string());
    }
    let query = &link[link.find('?')? + 1..];
    let url = query.split('&').find_map(|kv| kv.strip_prefix("url="))?;
    Some(percent_decode(url))
}

/// Decodes `%XX` escapes (and `+` stays `+`).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Everything above in order, then spaces made plain: NBSP, thin and figure spaces become
/// spaces, zero-width characters go, and Outlook's `<mailto:...>` echoes are dropped.
pub fn normalize(text: &str) -> String {
    let text = undo_quoted_printable(text);
    let text = decode_entities(&text).into_owned();
    let text = unwrap_links(&text).into_owned();
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("<mailto:") {
        out.push_str(&rest[..i]);
        rest = rest[i..].find('>').map_or("", |e| &rest[i + e + 1..]);
    }
    out.push_str(rest);
    out.chars()
        .filter_map(|c| match c {
            '\u{a0}' | '\u{2007}' | '\u{2009}' | '\u{202f}' | '\u{3000}' => Some(' '),
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '\u{ad}' => None,
            '<' | '>' => Some(' '),
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_cells_entities_and_links() {
        let text = html_to_text(
            "<table><tr><td>Meeting&nbsp;ID:</td><td>924&nbsp;0359 1689</td></tr></table><p><a href=\"https://x.zoom.us/j/1?pwd=a&amp;b=1\">Join</a> 123&#64;zoomcrc.com</p>",
        );
        assert!(
            text.contains("Meeting\u{a0}ID:  924\u{a0}0359 1689"),
            "{text:?}"
        );
        assert!(text.contains("https://x.zoom.us/j/1?pwd=a&b=1"));
        assert!(text.contains("123@zoomcrc.com"));
    }

    #[test]
    fn quoted_printable_only_when_it_is_there() {
        assert_eq!(
            undo_quoted_printable("VTC Conference ID: 01792068=\n4"),
            "VTC Conference ID: 017920684"
        );
        assert_eq!(
            undo_quoted_printable("https://z/j/1?pwd=AB12"),
            "https://z/j/1?pwd=AB12"
        );
        assert_eq!(undo_quoted_printable("a=3Db=\r\nc"), "a=bc");
    }

    #[test]
    fn safelinks_and_urldefense() {
        let wrapped = "Join: https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fcisco.webex.com%2Fmeet%2Fjdoe&data=05%7C01&reserved=0 now";
        assert_eq!(
            normalize(wrapped),
            "Join: https://cisco.webex.com/meet/jdoe now"
        );
        let pp = "see https://urldefense.com/v3/__https://zoom.us/j/123__;!!abc$ end";
        assert_eq!(normalize(pp), "see https://zoom.us/j/123 end");
    }

    #[test]
    fn mailto_echoes_and_odd_spaces() {
        assert_eq!(
            normalize("813878896@t.plcm.vc<mailto:813878896@t.plcm.vc>\u{a0}ID:\u{202f}1"),
            "813878896@t.plcm.vc ID: 1"
        );
    }
}
