//! URI comparison per RFC 3261 19.1.4: which parts are case-sensitive, which `%HH` escapes
//! are equivalent to the character they encode, and which parameters are ignored when only
//! one side has them.

use super::Uri;
use super::chars;

impl Uri {
    /// Whether the two URIs are equivalent per RFC 3261 19.1.4.
    pub fn equivalent(&self, other: &Uri) -> bool {
        if !self.scheme.eq_ignore_ascii_case(&other.scheme) {
            return false;
        }
        if let (Some(a), Some(b)) = (&self.opaque, &other.opaque) {
            return normalise(a) == normalise(b);
        }
        if self.opaque.is_some() || other.opaque.is_some() {
            return false;
        }
        // Userinfo is case-sensitive, host is not, and a default port is not implied.
        let same_user = self.user.as_deref().map(normalise) == other.user.as_deref().map(normalise)
            && self.password.as_deref().map(normalise) == other.password.as_deref().map(normalise);
        if !same_user || !self.host.eq_ignore_ascii_case(&other.host) || self.port != other.port {
            return false;
        }
        params_match(self, other) && params_match(other, self) && headers_match(self, other)
    }
}

/// Every parameter of `a` matches `b`'s, except those RFC 3261 lets one side omit.
fn params_match(a: &Uri, b: &Uri) -> bool {
    a.params
        .0
        .iter()
        .all(|(name, value)| match b.params.get(name) {
            Some(other) => {
                let (x, y) = (value.as_deref().map(normalise), other.map(normalise));
                x.map(|s| s.to_ascii_lowercase()) == y.map(|s| s.to_ascii_lowercase())
            }
            None => !["user", "ttl", "method", "maddr"]
                .iter()
                .any(|p| name.eq_ignore_ascii_case(p)),
        })
}

/// URI headers are never ignored: the same set on both sides, in any order.
fn headers_match(a: &Uri, b: &Uri) -> bool {
    let key = |u: &Uri| {
        let mut v: Vec<(String, String)> = u
            .headers
            .iter()
            .map(|(n, v)| (normalise(n).to_ascii_lowercase(), normalise(v)))
            .collect();
        v.sort();
        v
    };
    key(a) == key(b)
}

/// Decodes escapes of unreserved characters (equivalent to the character) and upper-cases
/// the hex of the others (an escaped reserved character stays distinct from the character).
fn normalise(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            if v.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&v) {
                out.push(char::from(v));
            } else {
                out.push_str(&format!("%{v:02X}"));
            }
            i += 3;
            continue;
        }
        let c = chars::char_at(s, i);
        out.push(c);
        i += c.len_utf8();
    }
    out
}
