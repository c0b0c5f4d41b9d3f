//! What the firmware tests share: the test key, images built with the real `roomd firmware`
//! command, hand-made hostile images, and the boot launcher as a process.

use std::ffi::OsStr;
use std::fmt::Debug;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

pub const ROOMD: &str = env!("CARGO_BIN_EXE_roomd");
pub const KEY: &str = "tests/fixtures/firmware/TEST-ONLY-signing-key.pem";
pub const PUBLIC_KEY: &str = "tests/fixtures/firmware/TEST-ONLY-signing-key.pub.pem";

/// The members of an image: (name, contents), in order.
pub type Members = Vec<(String, Vec<u8>)>;

/// `roomd firmware <args>`.
pub fn firmware<A: AsRef<OsStr> + Debug>(args: &[A]) -> Output {
    Command::new(ROOMD)
        .arg("firmware")
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run roomd firmware")
}

/// `roomd firmware <args>`, which must succeed; its stdout.
pub fn firmware_ok<A: AsRef<OsStr> + Debug>(args: &[A]) -> String {
    let out = firmware(args);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "roomd firmware {args:?} failed: {}{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// `roomd firmware <args>`, which must fail; its message.
pub fn firmware_refuses<A: AsRef<OsStr> + Debug>(args: &[A]) -> String {
    let out = firmware(args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "roomd firmware {args:?} should fail"
    );
    String::from_utf8_lossy(&out.stderr).trim().to_string()
}

pub fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// An image of `bin` (default: this roomd) signed with the test key.
pub fn build_image(dir: &Path, version: &str, bin: Option<&Path>) -> PathBuf {
    let out = dir.join(format!("roomd-{version}.tar"));
    let mut args = vec![
        "build",
        "--board",
        "sim",
        "--version",
        version,
        "--key",
        KEY,
        "--out",
        s(&out),
    ];
    if let Some(bin) = bin {
        args.extend(["--bin", s(bin)]);
    }
    args.extend(["--built", "2026-11-25T12:00:00Z"]);
    firmware_ok(&args);
    out
}

/// An executable shell script standing in for a roomd build.
pub fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

pub fn install(image: &Path, root: &Path, extra: &[&str]) -> String {
    let mut args = vec!["install", s(image), "--root", s(root), "--key", PUBLIC_KEY];
    args.extend(["--board", "sim"]);
    args.extend(extra);
    firmware_ok(&args)
}

pub fn status(root: &Path) -> String {
    firmware_ok(&["status", "--root", s(root)])
}

/// The raw members of an image, in order.
pub fn members(image: &Path) -> Members {
    let mut archive = tar::Archive::new(std::fs::File::open(image).unwrap());
    archive
        .entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let name = String::from_utf8(e.path_bytes().to_vec()).unwrap();
            let mut body = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut body).unwrap();
            (name, body)
        })
        .collect()
}

/// Writes members as a tar, names taken verbatim (even `../x`, which `tar` itself refuses).
pub fn write_members(path: &Path, members: &Members) {
    let mut builder = tar::Builder::new(std::fs::File::create(path).unwrap());
    for (name, body) in members {
        let mut header = tar::Header::new_gnu();
        header.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name.as_bytes());
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        builder.append(&header, &body[..]).unwrap();
    }
    builder.into_inner().unwrap();
}

/// A manifest signed with the test key, as the `manifest.sig` member's body.
pub fn sign(manifest: &[u8]) -> Vec<u8> {
    let key = roomd::firmware::sign::load_signing_key(Path::new(KEY)).unwrap();
    roomd::firmware::sign::sign(&key, manifest).to_vec()
}

/// `roomd firmware boot` on a slots root, running roomd with its own data dir and free ports.
pub struct Launcher {
    child: Child,
    lines: Receiver<String>,
    /// Every roomd it started, to end them with it.
    pids: Vec<u32>,
    /// The HTTP port announced last and not yet asked for.
    port: Option<u16>,
    pub seen: Vec<String>,
}

pub const PASSWORD: &str = "test-admin-pw";

impl Launcher {
    pub fn start(root: &Path, data: &Path, health_timeout_secs: u32) -> Launcher {
        let mut child = Command::new(ROOMD)
            .args(["firmware", "boot", "--root", s(root), "--health-timeout"])
            .arg(health_timeout_secs.to_string())
            .args([
                "--",
                "--http-port",
                "0",
                "--sip-port",
                "0",
                "--data",
                s(data),
            ])
            .args(["--admin-password", PASSWORD, "--firmware-key", PUBLIC_KEY])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the launcher");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Launcher {
            child,
            lines,
            pids: Vec::new(),
            port: None,
            seen: Vec::new(),
        }
    }

    /// The next line for which `want` holds, within `secs`; earlier lines are kept in `seen`.
    pub fn wait_line(&mut self, secs: u64, want: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match self.lines.recv_timeout(left) {
                Ok(line) => line,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no such line within {secs} s; saw {:#?}", self.seen)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the launcher ended; it printed {:#?}", self.seen)
                }
            };
            if line.starts_with("boot: started ") {
                self.port = None;
            }
            if let Some(pid) = line.split(", pid ").nth(1) {
                self.pids.push(pid.trim().parse().unwrap());
            }
            if let Some(addr) = line.strip_prefix("listening http ") {
                self.port = addr.rsplit(':').next().and_then(|p| p.parse().ok());
            }
            self.seen.push(line.clone());
            if want(&line) {
                return line;
            }
        }
    }

    /// The HTTP port of the roomd started last (waiting for it to listen).
    pub fn next_port(&mut self) -> u16 {
        if self.port.is_none() {
            self.wait_line(60, |l| l.starts_with("listening http "));
        }
        self.port.take().unwrap()
    }
}

impl Drop for Launcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for pid in &self.pids {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        }
    }
}
