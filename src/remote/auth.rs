//! Who is connecting: credentials from `Authorization: Basic` or from jsxapi's
//! `auth-<base64url(user:pass)>` WebSocket subprotocol, and a brake on password guessing.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// A username and password as sent.
#[derive(Debug, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

fn split_pair(decoded: &[u8]) -> Option<Credentials> {
    let text = std::str::from_utf8(decoded).ok()?;
    let (username, password) = text.split_once(':')?;
    Some(Credentials {
        username: username.to_string(),
        password: password.to_string(),
    })
}

/// Reads `Authorization: Basic <base64(user:pass)>`.
pub fn from_basic(header: &str) -> Option<Credentials> {
    let (scheme, token) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    split_pair(&STANDARD.decode(token.trim()).ok()?)
}

/// Finds an `auth-<token>` among the offered subprotocols; returns the credentials and the
/// protocol name, which the server must echo for browsers to accept the connection.
pub fn from_subprotocols(header: &str) -> Option<(Credentials, String)> {
    header.split(',').map(str::trim).find_map(|proto| {
        let token = proto.strip_prefix("auth-")?;
        // jsxapi strips the padding; accept padded tokens too.
        let decoded = URL_SAFE_NO_PAD.decode(token.trim_end_matches('=')).ok()?;
        Some((split_pair(&decoded)?, proto.to_string()))
    })
}

/// Failed logins per address in a sliding window; past the limit, the address is refused
/// (HTTP 503) until the window has passed, so passwords cannot be guessed at speed.
pub struct LoginGuard {
    window: Duration,
    limit: usize,
    failures: Mutex<HashMap<IpAddr, Vec<Instant>>>,
}

impl LoginGuard {
    pub fn new(limit: usize, window: Duration) -> LoginGuard {
        LoginGuard {
            window,
            limit,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn with<R>(&self, ip: IpAddr, f: impl FnOnce(&mut Vec<Instant>) -> R) -> R {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let window = self.window;
        map.retain(|_, times| {
            times.retain(|t| now.duration_since(*t) < window);
            !times.is_empty()
        });
        f(map.entry(ip).or_default())
    }

    /// True while `ip` has failed too often recently.
    pub fn blocked(&self, ip: IpAddr) -> bool {
        self.with(ip, |times| times.len() >= self.limit)
    }

    pub fn failed(&self, ip: IpAddr) {
        self.with(ip, |times| times.push(Instant::now()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_ways_of_sending_credentials() {
        let basic = format!("Basic {}", STANDARD.encode("admin:s3cr:et"));
        assert_eq!(
            from_basic(&basic),
            Some(Credentials {
                username: "admin".into(),
                password: "s3cr:et".into()
            })
        );
        // base64url of "admin:pa??>" has '-' and '_' where standard base64 has '+' and '/'.
        let token = URL_SAFE_NO_PAD.encode("admin:pa??>");
        let (creds, proto) = from_subprotocols(&format!("chat, auth-{token}")).unwrap();
        assert_eq!(creds.password, "pa??>");
        assert_eq!(proto, format!("auth-{token}"));
        assert_eq!(from_basic("Bearer abc"), None);
        assert_eq!(from_subprotocols("auth-!!!"), None);
    }

    #[test]
    fn too_many_failures_block_an_address() {
        let guard = LoginGuard::new(3, Duration::from_secs(60));
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..3 {
            assert!(!guard.blocked(ip));
            guard.failed(ip);
        }
        assert!(guard.blocked(ip));
        assert!(!guard.blocked("10.0.0.1".parse().unwrap()));
    }
}
