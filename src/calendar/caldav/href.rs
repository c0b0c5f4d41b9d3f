//! Resolving the hrefs of a multistatus against the URL the request went to.
//!
//! Servers answer with absolute paths (`/remote.php/dav/calendars/room/`), full URLs on
//! another host (iCloud's `https://p42-caldav.icloud.com/...`) or, rarely, relative paths.
//! This is the little of RFC 3986 §5 those need, without a URL crate: http(s) only, dot
//! segments removed, fragments dropped, percent-escapes left as they are. Also here: telling
//! whether two URLs name the same resource, and hiding a password before a URL is shown.

/// Resolves an href from a reply against the URL the request went to (RFC 3986 §5.2):
/// an absolute URL, a network-path (`//host/...`), an absolute path or a relative one.
/// Dot segments are removed and the fragment dropped; percent-escapes are kept. `None`
/// when `base` is not an http(s) URL, or the href is not an http(s) URL or contains control
/// characters.
pub fn resolve_href(base: &str, href: &str) -> Option<String> {
    let (scheme, authority, base_path, base_query) = split_url(base)?;
    let href = href.trim();
    if href.chars().any(char::is_control) {
        return None;
    }
    let href = href.split('#').next().unwrap_or_default();
    if scheme_of(href).is_some() {
        let (scheme, authority, path, query) = split_url(href)?;
        return Some(format!(
            "{scheme}://{authority}{}{query}",
            remove_dots(path)
        ));
    }
    if href.starts_with("//") {
        return resolve_href(&format!("{scheme}:{href}"), "");
    }
    let (path, query) = match href.find('?') {
        Some(i) => href.split_at(i),
        None => (href, ""),
    };
    let path = if path.is_empty() {
        base_path.to_string()
    } else if path.starts_with('/') {
        path.to_string()
    } else {
        let dir = &base_path[..base_path.rfind('/').map_or(0, |i| i + 1)];
        format!("{dir}{path}")
    };
    let query = if href.is_empty() { base_query } else { query };
    Some(format!(
        "{scheme}://{authority}{}{query}",
        remove_dots(&path)
    ))
}

/// `https://host:8443/a/b?q#f` → (`https`, `host:8443`, `/a/b`, `?q`); http(s) only.
fn split_url(url: &str) -> Option<(String, &str, &str, &str)> {
    let (scheme, rest) = scheme_of(url)?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let rest = rest.strip_prefix("//")?;
    let rest = rest.split('#').next().unwrap_or_default();
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, rest) = rest.split_at(end);
    if authority.is_empty() || authority.chars().any(|c| c.is_control() || c == ' ') {
        return None;
    }
    let (path, query) = match rest.find('?') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    Some((
        scheme,
        authority,
        if path.is_empty() { "/" } else { path },
        query,
    ))
}

/// The scheme and what follows its colon, if `s` starts with one.
fn scheme_of(s: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = s.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some((scheme, rest))
}

/// RFC 3986 §5.2.4 on a path starting with `/`.
fn remove_dots(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let mut out: Vec<&str> = Vec::with_capacity(segments.len());
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
        if last && matches!(*segment, "." | "..") {
            out.push("");
        }
    }
    format!("/{}", out.join("/"))
}

/// Two URLs naming the same resource, whatever their trailing slash or percent-escapes.
pub(super) fn same_resource(a: &str, b: &str) -> bool {
    let key = |url: &str| percent_decode(url.trim_end_matches('/'));
    key(a) == key(b)
}

fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit));
        let hex = hex
            .and_then(|h| std::str::from_utf8(h).ok())
            .filter(|_| bytes[i] == b'%');
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

/// The URL without a password, for messages the room shows.
pub(super) fn hide_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_resolve_against_the_request_url() {
        let base = "https://dav.example.com/remote.php/dav/principals/users/room/";
        let cases = "
            /remote.php/dav/calendars/room/ https://dav.example.com/remote.php/dav/calendars/room/
            personal/   https://dav.example.com/remote.php/dav/principals/users/room/personal/
            ../../x/    https://dav.example.com/remote.php/dav/principals/x/
            /a/./b/../c/..  https://dav.example.com/a/
            /../../a    https://dav.example.com/a
            HTTPS://p42-caldav.icloud.com:443/1/ https://p42-caldav.icloud.com:443/1/
            //other.example/x%40y   https://other.example/x%40y
            http://other.example    http://other.example/
            ?q=1#f      https://dav.example.com/remote.php/dav/principals/users/room/?q=1
            #frag       https://dav.example.com/remote.php/dav/principals/users/room/
            mailto:room@example.com -
            urn:uuid:1  -
            https://    -
            https:///x  -";
        for line in cases.lines().filter(|l| !l.trim().is_empty()) {
            let (href, expected) = line.trim().split_once(' ').unwrap();
            let expected = Some(expected.trim()).filter(|e| *e != "-");
            assert_eq!(resolve_href(base, href).as_deref(), expected, "{href}");
        }
        assert_eq!(resolve_href(base, "/a\r\nHost: evil"), None);
        let resolve = |base, href| resolve_href(base, href).unwrap_or_default();
        assert_eq!(
            resolve("http://h:8080/dav?x#y", "cal/"),
            "http://h:8080/cal/"
        );
        assert_eq!(resolve("https://h", ""), "https://h/");
        assert_eq!(resolve("https://h/a?x#y", " "), "https://h/a?x");
        for base in ["dav.example.com/", "ftp://h/", "https:///x", "/relative"] {
            assert_eq!(resolve_href(base, "/a"), None, "{base}");
        }
    }

    #[test]
    fn same_resource_ignores_the_trailing_slash_and_escapes() {
        assert!(same_resource("https://h/a%20b/", "https://h/a b"));
        assert!(same_resource(
            "https://h/room%40x.com",
            "https://h/room@x.com/"
        ));
        assert!(!same_resource("https://h/a/", "https://h/a/b/"));
        assert!(!same_resource("https://h/%zz%4", "https://h/%ZZ%4"));
        assert_eq!(percent_decode("%e2%82%ac%+1%"), "€%+1%".as_bytes());
    }

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            hide_password("https://room:s3cret@h:8443/a@b"),
            "https://h:8443/a@b"
        );
        assert_eq!(hide_password("https://h/x?u=a@b"), "https://h/x?u=a@b");
        assert_eq!(hide_password("not a url"), "not a url");
    }
}
