//! Durable files: atomic replacement and corruption detection.
//!
//! A file is written to a temporary name beside its target, fsynced, renamed over the
//! target, and the directory fsynced: a power cut or `kill -9` at any instant leaves either
//! the old or the new version. The first line carries a SHA-256 of the rest, so a file
//! damaged on the flash is detected, set aside under a `.corrupt-<time>` name, reported,
//! and replaced by defaults instead of crashing roomd.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

const MAGIC: &str = "roomd-store/1 sha256:";

/// What loading a stored file found.
#[derive(Debug)]
pub enum Loaded<T> {
    /// The file was there and intact.
    Found(T),
    /// There was no file yet.
    Missing,
    /// The file was damaged; it was moved to the path given.
    Corrupt(PathBuf),
}

/// Writes `bytes` to `path` atomically and durably, with a checksum header.
pub fn write_atomic(path: &Path, body: &[u8]) -> io::Result<()> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("store");
    let tmp = dir.join(format!(
        ".{file_name}.tmp-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let digest = hex::encode(Sha256::digest(body));
    let result = (|| {
        let mut file = File::create(&tmp)?;
        file.write_all(format!("{MAGIC}{digest}\n").as_bytes())?;
        file.write_all(body)?;
        file.sync_all()?;
        fs::rename(&tmp, path)?;
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Reads a file written by [`write_atomic`] and checks it.
pub fn read_checked(path: &Path) -> io::Result<Option<Vec<u8>>> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let invalid = |why: &str| io::Error::new(io::ErrorKind::InvalidData, why.to_string());
    let newline = bytes
        .iter()
        .position(|b| *b == b'\n')
        .ok_or_else(|| invalid("no header line"))?;
    let header =
        std::str::from_utf8(&bytes[..newline]).map_err(|_| invalid("header is not text"))?;
    let expected = header
        .strip_prefix(MAGIC)
        .ok_or_else(|| invalid("not a roomd store file"))?;
    let body = &bytes[newline + 1..];
    if hex::encode(Sha256::digest(body)) != expected {
        return Err(invalid("checksum mismatch"));
    }
    Ok(Some(body.to_vec()))
}

/// Stores a value as JSON, atomically.
pub fn save_json<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    let body = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
    write_atomic(path, &body)
}

/// Loads a JSON value; a damaged file is set aside and reported, never fatal.
pub fn load_json<T: DeserializeOwned>(path: &Path) -> Loaded<T> {
    let outcome = read_checked(path).and_then(|body| match body {
        None => Ok(None),
        Some(body) => serde_json::from_slice(&body)
            .map(Some)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e)),
    });
    match outcome {
        Ok(Some(value)) => Loaded::Found(value),
        Ok(None) => Loaded::Missing,
        Err(e) => {
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            let aside = path.with_extension(format!("corrupt-{stamp}"));
            match fs::rename(path, &aside) {
                Ok(()) => tracing::error!(
                    "{} is damaged ({e}); moved it to {} and started from defaults",
                    path.display(),
                    aside.display()
                ),
                Err(rename_err) => tracing::error!(
                    "{} is damaged ({e}) and could not be moved aside ({rename_err}); using defaults",
                    path.display()
                ),
            }
            Loaded::Corrupt(aside)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn round_trips_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        assert!(matches!(
            load_json::<BTreeMap<String, String>>(&path),
            Loaded::Missing
        ));
        let mut map = BTreeMap::new();
        map.insert("Audio/DefaultVolume".to_string(), "30".to_string());
        save_json(&path, &map).unwrap();
        map.insert("Audio/DefaultVolume".to_string(), "40".to_string());
        save_json(&path, &map).unwrap();
        match load_json::<BTreeMap<String, String>>(&path) {
            Loaded::Found(m) => assert_eq!(m, map),
            other => panic!("{other:?}"),
        }
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary files left behind");
    }

    #[test]
    fn damage_is_detected_and_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        save_json(&path, &vec![1, 2, 3]).unwrap();
        let mut bytes = fs::read(&path).unwrap();
        let last = bytes.len() - 2;
        bytes[last] ^= 0x01;
        fs::write(&path, &bytes).unwrap();
        match load_json::<Vec<i32>>(&path) {
            Loaded::Corrupt(aside) => assert!(aside.exists()),
            other => panic!("{other:?}"),
        }
        assert!(!path.exists());
        assert!(matches!(load_json::<Vec<i32>>(&path), Loaded::Missing));
    }
}
