//! Builds and drives the test-only libsrtp harness (harness.c, linked with the system's
//! `-lsrtp2`). Shared by tests/srtp_libsrtp.rs and benches/srtp.rs.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

const SOURCE: &str = include_str!("harness.c");

/// What `apt-get install` needs for the harness to build.
pub const NEEDS: &str =
    "a C compiler (`cc`, Debian package gcc) and libsrtp 2 headers (Debian package libsrtp2-dev)";

/// A running harness process.
pub struct Libsrtp {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    _dir: tempfile::TempDir,
}

impl Libsrtp {
    /// Compiles harness.c against the system's libsrtp in a temporary directory and starts it.
    pub fn start() -> Result<Libsrtp, String> {
        Libsrtp::start_with(None)
    }

    /// Like [`Libsrtp::start`], but against the libsrtp installed under `prefix` (its
    /// `include/` and static `lib/libsrtp2.a`, built with OpenSSL by `scripts/libsrtp-openssl`).
    pub fn start_with(prefix: Option<&std::path::Path>) -> Result<Libsrtp, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
        let src = dir.path().join("harness.c");
        let exe = dir.path().join("harness");
        std::fs::write(&src, SOURCE).map_err(|e| format!("writing harness.c: {e}"))?;
        let mut cc = Command::new("cc");
        cc.args(["-O2", "-o"]).arg(&exe).arg(&src);
        match prefix {
            Some(prefix) => cc
                .arg(format!("-I{}", prefix.join("include").display()))
                .arg(prefix.join("lib/libsrtp2.a"))
                .arg("-lcrypto"),
            None => cc.arg("-lsrtp2"),
        };
        let out = cc
            .output()
            .map_err(|e| format!("cannot run `cc` ({e}); install {NEEDS}"))?;
        if !out.status.success() {
            return Err(format!(
                "compiling the libsrtp harness failed; install {NEEDS}.\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let mut child = Command::new(&exe)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting the libsrtp harness: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        Ok(Libsrtp {
            child,
            stdin,
            stdout,
            _dir: dir,
        })
    }

    /// Sends one command line and returns the reply: `Ok(rest)` for "ok rest", `Err(rest)`
    /// for "err rest".
    pub fn call(&mut self, line: &str) -> Result<String, String> {
        writeln!(self.stdin, "{line}").map_err(|e| format!("harness stdin: {e}"))?;
        let mut reply = String::new();
        self.stdout
            .read_line(&mut reply)
            .map_err(|e| format!("harness stdout: {e}"))?;
        let reply = reply.trim_end();
        match reply.split_once(' ').unwrap_or((reply, "")) {
            ("ok", rest) => Ok(rest.to_string()),
            ("err", rest) => Err(rest.to_string()),
            _ => Err(format!("harness said {reply:?}")),
        }
    }

    /// libsrtp's version string.
    pub fn version(&mut self) -> Result<String, String> {
        self.call("version")
    }

    /// Fresh sender and receiver sessions for `suite` (SDES name) and master key || salt.
    pub fn key(&mut self, suite: &str, key: &[u8]) -> Result<(), String> {
        self.call(&format!("key {suite} {}", to_hex(key))).map(drop)
    }

    /// `op` is protect, unprotect, protect_rtcp or unprotect_rtcp. Errors carry libsrtp's
    /// numeric srtp_err_status_t.
    pub fn packet(&mut self, op: &str, packet: &[u8]) -> Result<Vec<u8>, String> {
        let hex = self.call(&format!("{op} {}", to_hex(packet)))?;
        from_hex(&hex).ok_or_else(|| format!("bad hex from harness: {hex}"))
    }

    /// libsrtp's own per-packet figures: (protect ns, unprotect ns).
    pub fn bench(&mut self, suite: &str, payload: usize, n: usize) -> Result<(f64, f64), String> {
        let reply = self.call(&format!("bench {suite} {payload} {n}"))?;
        let field = |name: &str| {
            reply
                .split_whitespace()
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
                .ok_or_else(|| format!("no {name} in {reply:?}"))
        };
        Ok((field("protect_ns")?, field("unprotect_ns")?))
    }
}

impl Drop for Libsrtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// srtp_err_status_t values used by the tests (libsrtp 2 srtp.h).
pub const STATUS_AUTH_FAIL: &str = "7";
pub const STATUS_REPLAY_FAIL: &str = "9";
pub const STATUS_REPLAY_OLD: &str = "10";

pub fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}
