//! The A/B slots on disk and installing an image into one.
//!
//! ```text
//! <root>/boot.json      the boot state (crate::store: checksummed, write-temp/fsync/rename)
//! <root>/slots/a/       manifest.toml, manifest.sig, bin/roomd, boards/*.toml, macros/*.js
//! <root>/slots/b/
//! <root>/slots/b.tmp/   an install in progress
//! ```
//!
//! Install order, so that `kill -9` or a power cut at any instant leaves a bootable device and a
//! refused image changes nothing:
//!
//! 1. the image is extracted into `<slot>.tmp`, every file checked against the signed manifest
//!    and fsynced (the boot state is untouched, so a refusal here leaves all as it was);
//! 2. the boot state is stored with the target slot emptied (nothing points at it any more);
//! 3. the old target directory is removed and `<slot>.tmp` renamed over it, the directory
//!    fsynced;
//! 4. the boot state is stored with the new slot active, on trial.
//!
//! Until step 4 the committed slot boots; after it, the new one is tried. The data store
//! (`roomd run --data`) is elsewhere and never touched.

use std::cell::Cell;
use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use ed25519_dalek::VerifyingKey;

use super::boot::{self, BootState, Slot, SlotInfo, SlotState};
use super::bundle;
use super::manifest::{MANIFEST_NAME, Manifest, ROOMD, SIGNATURE_NAME};
use super::verify::{self, PayloadCheck, Trust};
use super::version::Version;
use crate::store::{self, Loaded};

/// How to install.
pub struct InstallOptions<'a> {
    pub key: &'a VerifyingKey,
    /// This device's board; by default the board of the committed slot.
    pub board: Option<&'a str>,
    pub force: bool,
    pub tries: u32,
}

/// What an install did.
pub struct Installed {
    pub slot: Slot,
    pub manifest: Manifest,
}

pub struct Slots {
    root: PathBuf,
}

impl Slots {
    pub fn new(root: &Path) -> Slots {
        Slots {
            root: root.to_path_buf(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn state_path(&self) -> PathBuf {
        self.root.join("boot.json")
    }

    fn slots_dir(&self) -> PathBuf {
        self.root.join("slots")
    }

    pub fn slot_dir(&self, slot: Slot) -> PathBuf {
        self.slots_dir().join(slot.name())
    }

    fn tmp_dir(&self, slot: Slot) -> PathBuf {
        self.slots_dir().join(format!("{}.tmp", slot.name()))
    }

    pub fn roomd(&self, slot: Slot) -> PathBuf {
        self.slot_dir(slot).join(ROOMD)
    }

    /// The board description a slot carries for `board`, if it has one.
    pub fn board_file(&self, slot: Slot, board: &str) -> Option<PathBuf> {
        let path = self
            .slot_dir(slot)
            .join("boards")
            .join(format!("{board}.toml"));
        path.is_file().then_some(path)
    }

    /// The boot state; `None` before the first install.
    pub fn load(&self) -> Result<Option<BootState>, String> {
        match store::load_json::<BootState>(&self.state_path()) {
            Loaded::Found(state) => Ok(Some(state)),
            Loaded::Missing => Ok(None),
            Loaded::Corrupt(aside) => Err(format!(
                "the boot state {} is damaged (moved to {})",
                self.state_path().display(),
                aside.display()
            )),
        }
    }

    pub fn save(&self, state: &BootState) -> Result<(), String> {
        store::save_json(&self.state_path(), state)
            .map_err(|e| format!("cannot store {}: {e}", self.state_path().display()))
    }

    /// Verifies and installs an image into the inactive slot and marks it to be tried.
    /// `progress` hears `(bytes written, bytes in all)`.
    pub fn install(
        &self,
        image: &Path,
        options: &InstallOptions,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Installed, String> {
        let state = self.load()?;
        let good = state
            .as_ref()
            .and_then(|s| s.good_slot().and_then(|g| s.slot(g)));
        let board = match (options.board, good) {
            (Some(board), _) => board.to_string(),
            (None, Some(info)) => info.board.clone(),
            (None, None) => {
                return Err("cannot tell this device's board: give --board".into());
            }
        };
        let running = good.map(|info| Version::parse(&info.version)).transpose()?;
        let trust = Trust {
            key: options.key,
            board: &board,
            running: running.as_ref(),
            force: options.force,
        };
        let target = boot::install_target(state.as_ref());
        let tmp = self.tmp_dir(target);
        let extracted = self.extract(image, &trust, &tmp, progress);
        let manifest = match extracted {
            Ok(manifest) => manifest,
            Err(e) => {
                let _ = fs::remove_dir_all(&tmp);
                return Err(e);
            }
        };
        if let Some(during) = boot::before_install(state.as_ref(), target) {
            self.save(&during)?;
        }
        let dir = self.slot_dir(target);
        let swapped = (|| -> std::io::Result<()> {
            if dir.exists() {
                fs::remove_dir_all(&dir)?;
            }
            fs::rename(&tmp, &dir)?;
            File::open(self.slots_dir())?.sync_all()
        })();
        swapped.map_err(|e| format!("cannot put the image into slot {}: {e}", target.name()))?;
        let info = SlotInfo {
            version: manifest.version.clone(),
            board: manifest.board.clone(),
            state: SlotState::Trial,
        };
        let during = self.load()?;
        self.save(&boot::after_install(
            during.as_ref(),
            target,
            info,
            options.tries,
        ))?;
        Ok(Installed {
            slot: target,
            manifest,
        })
    }

    /// Step 1: the image, checked, into `tmp`.
    fn extract(
        &self,
        image: &Path,
        trust: &Trust,
        tmp: &Path,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Manifest, String> {
        let file =
            File::open(image).map_err(|e| format!("cannot open {}: {e}", image.display()))?;
        let io_err =
            |what: &Path, e: std::io::Error| format!("cannot write {}: {e}", what.display());
        let (done, total) = (Cell::new(0u64), Cell::new(0u64));
        let mut check = PayloadCheck::new(|n| {
            done.set(done.get() + n);
            progress(done.get(), total.get());
        });
        let manifest = bundle::read(
            BufReader::new(file),
            |head| {
                let manifest = verify::check_head(head, trust)?;
                total.set(manifest.total_size());
                if tmp.exists() {
                    fs::remove_dir_all(tmp).map_err(|e| io_err(tmp, e))?;
                }
                fs::create_dir_all(tmp).map_err(|e| io_err(tmp, e))?;
                for (name, bytes) in [
                    (MANIFEST_NAME, &head.manifest),
                    (SIGNATURE_NAME, &head.signature),
                ] {
                    let path = tmp.join(name);
                    write_synced(&path, bytes, false).map_err(|e| io_err(&path, e))?;
                }
                Ok(manifest)
            },
            |manifest, path, size, contents| {
                let target = tmp.join(path);
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent).map_err(|e| io_err(parent, e))?;
                }
                let file = File::create(&target).map_err(|e| io_err(&target, e))?;
                let mut out = BufWriter::new(file);
                check.file(manifest, path, size, contents, &mut out)?;
                let file = out
                    .into_inner()
                    .map_err(|e| io_err(&target, e.into_error()))?;
                let executable = manifest.file(path).is_some_and(|f| f.executable);
                finish_file(&file, executable).map_err(|e| io_err(&target, e))
            },
        )?;
        check.finish(&manifest)?;
        sync_dirs(tmp).map_err(|e| io_err(tmp, e))?;
        Ok(manifest)
    }
}

fn finish_file(file: &File, executable: bool) -> std::io::Result<()> {
    let mode = if executable { 0o755 } else { 0o644 };
    file.set_permissions(fs::Permissions::from_mode(mode))?;
    file.sync_all()
}

fn write_synced(path: &Path, bytes: &[u8], executable: bool) -> std::io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    finish_file(&file, executable)
}

/// Fsyncs a directory and every directory below it, so the new entries are durable.
fn sync_dirs(dir: &Path) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            sync_dirs(&entry.path())?;
        }
    }
    File::open(dir)?.sync_all()
}
