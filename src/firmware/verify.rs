//! Whether a device may take an image, and why not.
//!
//! The checks run in the order that makes each refusal's message true and nothing unchecked
//! reach the device: the signature over the manifest's bytes first (nothing in an unsigned or
//! tampered manifest is believed), then the manifest's own rules, the board, the version (no
//! downgrade unless forced), and last each payload file's size and sha256 as it streams past,
//! with the set of files matching the manifest exactly. Installing runs the same checks while
//! writing into a temporary slot, so a file that fails its hash is never made bootable.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::Path;

use ed25519_dalek::VerifyingKey;

use super::bundle::{self, Head};
use super::manifest::Manifest;
use super::sign;
use super::version::Version;

/// What the device trusts and is.
pub struct Trust<'a> {
    pub key: &'a VerifyingKey,
    /// This device's board name.
    pub board: &'a str,
    /// The version running (committed) now, if any.
    pub running: Option<&'a Version>,
    /// Allow a downgrade.
    pub force: bool,
}

/// Checks an image's head: signature, manifest, board, version.
pub fn check_head(head: &Head, trust: &Trust) -> Result<Manifest, String> {
    sign::check(trust.key, &head.manifest, &head.signature)?;
    let text = std::str::from_utf8(&head.manifest)
        .map_err(|_| "manifest is not UTF-8 text".to_string())?;
    let manifest = Manifest::parse(text)?;
    if manifest.board != trust.board {
        return Err(format!(
            "image is for board {}, this device is {}",
            manifest.board, trust.board
        ));
    }
    if let Some(running) = trust.running
        && manifest.version() < *running
        && !trust.force
    {
        return Err(format!(
            "version {} is older than the running {running} (use --force to downgrade)",
            manifest.version
        ));
    }
    Ok(manifest)
}

/// Checks payload files as they stream past.
pub struct PayloadCheck<'p> {
    seen: BTreeSet<String>,
    progress: Box<dyn FnMut(u64) + 'p>,
}

impl<'p> PayloadCheck<'p> {
    /// `progress` hears of every chunk of payload read (bytes).
    pub fn new(progress: impl FnMut(u64) + 'p) -> PayloadCheck<'p> {
        PayloadCheck {
            seen: BTreeSet::new(),
            progress: Box::new(progress),
        }
    }

    /// Copies one file to `out`, checking it against the manifest.
    pub fn file(
        &mut self,
        manifest: &Manifest,
        path: &str,
        size: u64,
        contents: &mut dyn Read,
        out: &mut dyn Write,
    ) -> Result<(), String> {
        let entry = manifest
            .file(path)
            .ok_or_else(|| format!("file {path} is in the image but not in the manifest"))?;
        if !self.seen.insert(path.to_string()) {
            return Err(format!("file {path} is in the image twice"));
        }
        if size != entry.size {
            return Err(format!(
                "file {path}: size {size} differs from the manifest's {}",
                entry.size
            ));
        }
        let (sha256, read) = bundle::copy_hashed_with(contents, out, &mut *self.progress)
            .map_err(|e| format!("file {path}: {e}"))?;
        if read != entry.size {
            return Err(format!(
                "file {path}: image ends after {read} of {} bytes",
                entry.size
            ));
        }
        if sha256 != entry.sha256 {
            return Err(format!("file {path}: sha256 mismatch"));
        }
        Ok(())
    }

    /// After the last file: every file of the manifest was there.
    pub fn finish(self, manifest: &Manifest) -> Result<(), String> {
        match manifest.files.iter().find(|f| !self.seen.contains(&f.path)) {
            Some(missing) => Err(format!(
                "file {} is in the manifest but missing from the image",
                missing.path
            )),
            None => Ok(()),
        }
    }
}

/// Verifies a whole image file without writing anything.
pub fn verify_file(path: &Path, trust: &Trust) -> Result<Manifest, String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut check = PayloadCheck::new(|_| {});
    let manifest = bundle::read(
        BufReader::new(file),
        |head| check_head(head, trust),
        |manifest, path, size, contents| {
            check.file(manifest, path, size, contents, &mut io::sink())
        },
    )?;
    check.finish(&manifest)?;
    Ok(manifest)
}
