//! The image container: an uncompressed tar (as Mender's), members in a fixed order:
//! `manifest.toml`, then `manifest.sig` (the 64-byte ed25519 signature over the manifest's
//! exact bytes), then the payload files in the manifest's order.
//!
//! The fixed order lets a device check the signature, board and version before it reads or
//! writes a byte of payload, and then check each file as it streams past, in one pass and in
//! constant memory. Only regular files are accepted: links, devices and directories in an
//! image are refused, and so is any path that would leave the slot. Tar's own modes, owners
//! and times are ignored; what matters is in the signed manifest.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};

use super::manifest::{self, FORMAT, FileEntry, MANIFEST_NAME, Manifest, SIGNATURE_NAME};
use super::sign;

/// Largest manifest a reader accepts.
const MAX_MANIFEST: u64 = 1 << 20;

/// What goes into an image.
pub struct Recipe {
    pub board: String,
    pub version: String,
    /// RFC 3339.
    pub built: String,
    pub files: Vec<Payload>,
}

/// One payload file: where it comes from, where it goes in the slot.
pub struct Payload {
    pub source: PathBuf,
    pub path: String,
    pub executable: bool,
}

/// The sha256 and size of what `reader` yields, copying it to `out` on the way.
pub fn copy_hashed(reader: &mut dyn Read, out: &mut dyn Write) -> io::Result<(String, u64)> {
    copy_hashed_with(reader, out, &mut |_| {})
}

/// [`copy_hashed`], telling `progress` how many bytes each chunk had.
pub fn copy_hashed_with(
    reader: &mut dyn Read,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])?;
        total += n as u64;
        progress(n as u64);
    }
    Ok((hex::encode(hasher.finalize()), total))
}

/// Builds and signs an image at `out` (written beside it, then renamed into place).
pub fn build(recipe: &Recipe, key: &SigningKey, out: &Path) -> Result<Manifest, String> {
    let mut files = Vec::new();
    for p in &recipe.files {
        let mut f = File::open(&p.source)
            .map_err(|e| format!("cannot read {}: {e}", p.source.display()))?;
        let (sha256, size) = copy_hashed(&mut f, &mut io::sink())
            .map_err(|e| format!("cannot read {}: {e}", p.source.display()))?;
        files.push(FileEntry {
            path: p.path.clone(),
            size,
            sha256,
            executable: p.executable,
        });
    }
    let manifest = Manifest {
        format: FORMAT,
        board: recipe.board.clone(),
        version: recipe.version.clone(),
        built: recipe.built.clone(),
        files,
    };
    manifest.check()?;
    let text = manifest.to_toml();
    let signature = sign::sign(key, text.as_bytes());
    let mtime = chrono::DateTime::parse_from_rfc3339(&recipe.built)
        .map(|t| t.timestamp().max(0) as u64)
        .unwrap_or(0);
    let tmp = out.with_extension("partial");
    let written = (|| -> io::Result<()> {
        let mut tar = tar::Builder::new(BufWriter::new(File::create(&tmp)?));
        append(
            &mut tar,
            MANIFEST_NAME,
            text.len() as u64,
            false,
            mtime,
            text.as_bytes(),
        )?;
        append(&mut tar, SIGNATURE_NAME, 64, false, mtime, &signature[..])?;
        for (p, entry) in recipe.files.iter().zip(&manifest.files) {
            let f = File::open(&p.source)?;
            append(
                &mut tar,
                &entry.path,
                entry.size,
                entry.executable,
                mtime,
                f,
            )?;
        }
        let file = tar.into_inner()?.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, out)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}: {e}", out.display())
    })?;
    Ok(manifest)
}

fn append<W: Write>(
    tar: &mut tar::Builder<W>,
    path: &str,
    size: u64,
    executable: bool,
    mtime: u64,
    data: impl Read,
) -> io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(if executable { 0o755 } else { 0o644 });
    header.set_mtime(mtime);
    header.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut header, path, data)
}

/// The head of an image: the manifest's bytes and their signature, unchecked.
pub struct Head {
    pub manifest: Vec<u8>,
    pub signature: Vec<u8>,
}

/// Reads an image in one pass. `head` sees the manifest and signature first and returns the
/// checked manifest (or refuses); `payload` then gets each file as `(path, size, contents)`.
pub fn read(
    reader: impl Read,
    head: impl FnOnce(&Head) -> Result<Manifest, String>,
    mut payload: impl FnMut(&Manifest, &str, u64, &mut dyn Read) -> Result<(), String>,
) -> Result<Manifest, String> {
    let mut archive = tar::Archive::new(reader);
    let mut entries = archive
        .entries()
        .map_err(|e| format!("not a firmware image (tar): {e}"))?;
    let mut first =
        next(&mut entries, "the manifest")?.ok_or("image is empty (no manifest.toml)")?;
    if entry_name(&first)? != MANIFEST_NAME {
        return Err("not a firmware image: it must start with manifest.toml".into());
    }
    let manifest_bytes = read_small(&mut first, MAX_MANIFEST, MANIFEST_NAME)?;
    drop(first);
    let unsigned = "image is not signed (no manifest.sig after manifest.toml)";
    let mut second = next(&mut entries, "the signature")?.ok_or(unsigned)?;
    if entry_name(&second)? != SIGNATURE_NAME {
        return Err(unsigned.into());
    }
    let signature = read_small(&mut second, 1024, SIGNATURE_NAME)?;
    drop(second);
    let manifest = head(&Head {
        manifest: manifest_bytes,
        signature,
    })?;
    while let Some(mut entry) = next(&mut entries, "a payload file")? {
        let path = entry_name(&entry)?;
        let size = entry.header().size().map_err(|e| format!("{path}: {e}"))?;
        payload(&manifest, &path, size, &mut entry)?;
    }
    Ok(manifest)
}

fn next<'a, R: Read>(
    entries: &mut tar::Entries<'a, R>,
    what: &str,
) -> Result<Option<tar::Entry<'a, R>>, String> {
    match entries.next() {
        None => Ok(None),
        Some(entry) => entry
            .map(Some)
            .map_err(|e| format!("image is damaged while reading {what}: {e}")),
    }
}

/// A member's path, refused unless it is a regular file at a safe path.
fn entry_name<R: Read>(entry: &tar::Entry<'_, R>) -> Result<String, String> {
    let raw = entry.path_bytes();
    let path = std::str::from_utf8(&raw)
        .map_err(|_| "image holds a file name that is not UTF-8".to_string())?
        .to_string();
    let kind = entry.header().entry_type();
    if !matches!(kind, tar::EntryType::Regular | tar::EntryType::Continuous) {
        return Err(format!(
            "entry {path:?} is not a regular file ({kind:?}): images hold regular files only"
        ));
    }
    if path != MANIFEST_NAME && path != SIGNATURE_NAME {
        manifest::check_payload_path(&path)?;
    }
    Ok(path)
}

fn read_small(reader: &mut dyn Read, limit: u64, name: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!("{name} is larger than {limit} bytes"));
    }
    Ok(bytes)
}
