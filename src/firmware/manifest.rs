//! The manifest of a firmware image: what it is for and exactly which bytes it carries.
//!
//! It is the only thing signed, so everything a device trusts about an image is in it: the
//! board, the version (for the downgrade rule), the build time, and each payload file's path,
//! size, sha256 and whether it is executable (tar header modes are not signed, so they are
//! ignored). Parsing is strict: unknown fields, unsafe paths, duplicates and malformed
//! digests are refused with a message naming the field, because a manifest that means
//! something other than its signer intended is as bad as a forged one.
//!
//! ```toml
//! format = 1
//! board = "sim"
//! version = "0.2.0"
//! built = "2026-11-25T14:54:00Z"
//!
//! [[file]]
//! path = "bin/roomd"
//! size = 85050496
//! sha256 = "9f86d08…"
//! executable = true
//! ```

use std::collections::BTreeSet;
use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

use super::version::Version;

/// The manifest format this roomd reads and writes.
pub const FORMAT: u32 = 1;
/// The roomd program inside an image; every image has one.
pub const ROOMD: &str = "bin/roomd";
/// Names an image uses for itself, never for payload.
pub const MANIFEST_NAME: &str = "manifest.toml";
pub const SIGNATURE_NAME: &str = "manifest.sig";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    /// The board this image runs on (a `boards/<board>.toml` name).
    pub board: String,
    pub version: String,
    /// When it was built, RFC 3339.
    pub built: String,
    #[serde(rename = "file", default)]
    pub files: Vec<FileEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Relative path inside the slot, `/`-separated.
    pub path: String,
    pub size: u64,
    /// Lowercase hex.
    pub sha256: String,
    #[serde(default)]
    pub executable: bool,
}

impl Manifest {
    /// Parses and checks manifest text.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let manifest: Manifest =
            toml::from_str(text).map_err(|e| format!("manifest is malformed: {e}"))?;
        manifest.check()?;
        Ok(manifest)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a manifest always serialises")
    }

    pub fn version(&self) -> Version {
        Version::parse(&self.version).expect("checked when parsed or built")
    }

    pub fn file(&self, path: &str) -> Option<&FileEntry> {
        self.files.iter().find(|f| f.path == path)
    }

    pub fn total_size(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }

    /// Everything [`Manifest::parse`] promises, also used on manifests being built.
    pub fn check(&self) -> Result<(), String> {
        if self.format != FORMAT {
            return Err(format!(
                "manifest format {} is not supported (this roomd reads format {FORMAT})",
                self.format
            ));
        }
        check_board_name(&self.board)?;
        Version::parse(&self.version).map_err(|e| format!("manifest: {e}"))?;
        chrono::DateTime::parse_from_rfc3339(&self.built).map_err(|e| {
            format!(
                "manifest: built {:?} is not an RFC 3339 time: {e}",
                self.built
            )
        })?;
        let mut seen = BTreeSet::new();
        for f in &self.files {
            check_payload_path(&f.path)?;
            if !seen.insert(f.path.as_str()) {
                return Err(format!("manifest lists file {} twice", f.path));
            }
            let hex_ok = f.sha256.len() == 64
                && f.sha256
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !hex_ok {
                return Err(format!(
                    "manifest: file {}: sha256 must be 64 lowercase hex digits",
                    f.path
                ));
            }
        }
        if !seen.contains(ROOMD) {
            return Err(format!(
                "manifest lists no {ROOMD}: an image must carry roomd"
            ));
        }
        Ok(())
    }
}

/// A board name as used in file names: letters, digits, `-` and `_`.
pub fn check_board_name(board: &str) -> Result<(), String> {
    let ok = !board.is_empty()
        && board
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "board name {board:?} is not valid (letters, digits, - and _)"
        ))
    }
}

/// A payload path must stay inside the slot: relative, no `..`, no empty or `.` parts, no
/// backslashes, and not one of the image's own names.
pub fn check_payload_path(path: &str) -> Result<(), String> {
    let refuse = |why: &str| Err(format!("path {path:?} is refused: {why}"));
    if path.is_empty() {
        return refuse("it is empty");
    }
    if path.contains('\\') || path.contains('\0') {
        return refuse("it contains a backslash or NUL");
    }
    if path.starts_with('/') {
        return refuse("it is absolute");
    }
    if path.split('/').any(|part| part.is_empty() || part == ".") {
        return refuse("it has an empty or `.` part");
    }
    if Path::new(path)
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return refuse("it leaves the image (path traversal)");
    }
    if path == MANIFEST_NAME || path == SIGNATURE_NAME {
        return refuse("the name is reserved for the image's manifest");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    fn sample() -> Manifest {
        Manifest {
            format: FORMAT,
            board: "sim".into(),
            version: "0.2.0".into(),
            built: "2026-11-25T14:54:00Z".into(),
            files: vec![FileEntry {
                path: ROOMD.into(),
                size: 4,
                sha256: DIGEST.into(),
                executable: true,
            }],
        }
    }

    #[test]
    fn round_trips_through_toml() {
        let m = sample();
        assert_eq!(Manifest::parse(&m.to_toml()).unwrap(), m);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let text = sample()
            .to_toml()
            .replace("format = 1", "format = 1\nextra = true");
        let e = Manifest::parse(&text).unwrap_err();
        assert!(e.contains("unknown field `extra`"), "{e}");
    }

    #[test]
    fn traversal_and_absolute_paths_are_refused() {
        for (path, why) in [
            ("../etc/passwd", "path traversal"),
            ("bin/../../x", "path traversal"),
            ("/bin/sh", "absolute"),
            ("bin//roomd", "empty or `.` part"),
            ("./bin", "empty or `.` part"),
            ("manifest.sig", "reserved"),
        ] {
            let e = check_payload_path(path).unwrap_err();
            assert!(e.contains(why), "{path}: {e}");
        }
        assert!(check_payload_path("macros/display-swap.js").is_ok());
    }

    #[test]
    fn each_field_is_checked_with_a_message_naming_it() {
        let mut m = sample();
        m.format = 2;
        assert!(m.check().unwrap_err().contains("format 2"));
        let mut m = sample();
        m.board = "../x".into();
        assert!(m.check().unwrap_err().contains("board name"));
        let mut m = sample();
        m.built = "yesterday".into();
        assert!(m.check().unwrap_err().contains("RFC 3339"));
        let mut m = sample();
        m.files[0].sha256 = DIGEST.to_uppercase();
        assert!(m.check().unwrap_err().contains("sha256"));
        let mut m = sample();
        m.files.push(m.files[0].clone());
        assert!(m.check().unwrap_err().contains("twice"));
        let mut m = sample();
        m.files[0].path = "bin/other".into();
        assert!(m.check().unwrap_err().contains("no bin/roomd"));
    }
}
