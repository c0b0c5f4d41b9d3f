//! `xCommand SystemUnit SoftwareUpgrade URL:`: download an image over http(s), install it into
//! the inactive slot, and reboot into it, as RoomOS does.
//!
//! The command answers at once; progress is in `Status Provisioning Software UpgradeStatus`
//! (`Status` InProgress → Succeeded / Failed / InstallationFailed, `Phase` Downloading →
//! Installing, and the percentage in `Message`, since the schema has no percentage leaf).
//! The install is [`Slots::install`] with the key given by `roomd run --firmware-key`: the same
//! checks as the command line, except that a downgrade is never forced over the xAPI
//! (RoomOS's `Forced` is about postponing, not downgrading, and is accepted and ignored). When
//! installed, the device reboots through `SystemUnit Boot`, and the launcher tries the new
//! slot. A device started without `--firmware-root` has no slots and says so.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ed25519_dalek::VerifyingKey;
use serde_json::{Map, json};
use tokio::io::AsyncWriteExt;

use super::slots::{InstallOptions, Slots};
use crate::services::log_write;
use crate::xapi::{Bus, StatusWriter, XapiError};

/// Where images go and whom to trust (`roomd run --firmware-root R --firmware-key PUB`).
pub struct UpgradeSettings {
    pub root: PathBuf,
    pub key: Option<VerifyingKey>,
}

struct Upgrader {
    bus: Arc<Bus>,
    status: StatusWriter,
    board: String,
    settings: UpgradeSettings,
    busy: AtomicBool,
}

pub fn install(bus: &Arc<Bus>, board: &str, settings: Option<UpgradeSettings>) {
    let status = bus.claim_status("Firmware", "Provisioning Software");
    let current = settings
        .as_ref()
        .and_then(|s| Slots::new(&s.root).load().ok().flatten())
        .and_then(|state| state.slot(state.active).map(|info| info.version.clone()))
        .unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_string());
    log_write(status.update(|b| {
        b.set("Provisioning Software Current VersionId", current.as_str())?;
        b.set("Provisioning Software UpgradeStatus Status", "None")?;
        b.set("Provisioning Software UpgradeStatus Phase", "None")?;
        b.set("Provisioning Software UpgradeStatus Message", "")
    }));
    let Some(settings) = settings else {
        bus.handle_sync("SystemUnit SoftwareUpgrade", |_| {
            Err(XapiError::command_failed(
                "this device has no firmware slots (run with --firmware-root)",
            ))
        });
        return;
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let upgrader = Arc::new(Upgrader {
        bus: bus.clone(),
        status,
        board: board.to_string(),
        settings,
        busy: AtomicBool::new(false),
    });
    bus.handle_sync("SystemUnit SoftwareUpgrade", move |inv| {
        let url = inv.params.text("URL").unwrap_or_default();
        upgrader.start(url)?;
        Ok(Map::new())
    });
}

impl Upgrader {
    fn start(self: &Arc<Self>, url: String) -> Result<(), XapiError> {
        let parsed = reqwest::Url::parse(&url)
            .map_err(|e| XapiError::command_failed(format!("invalid URL {url:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(XapiError::command_failed("the URL must be http or https"));
        }
        if self.settings.key.is_none() {
            return Err(XapiError::command_failed(
                "no trusted firmware key (run with --firmware-key)",
            ));
        }
        if self.busy.swap(true, Ordering::SeqCst) {
            return Err(XapiError::command_failed(
                "a software upgrade is already in progress",
            ));
        }
        self.show("InProgress", "Downloading", "Downloading: 0%");
        log_write(
            self.status
                .set("Provisioning Software UpgradeStatus URL", url.as_str()),
        );
        let me = self.clone();
        tokio::spawn(async move {
            let download = me.settings.root.join("download.part");
            let outcome = me.download(parsed, &download).await;
            let outcome = match outcome {
                Ok(()) => me.install_download(download.clone()).await,
                Err(e) => Err(("Failed", e)),
            };
            let _ = tokio::fs::remove_file(&download).await;
            me.busy.store(false, Ordering::SeqCst);
            match outcome {
                Ok(version) => {
                    me.show(
                        "Succeeded",
                        "None",
                        &format!("Installed {version}; rebooting"),
                    );
                    log_write(me.status.set(
                        "Provisioning Software UpgradeStatus VersionId",
                        version.as_str(),
                    ));
                    tracing::info!("software upgrade to {version} installed; rebooting");
                    let reboot = json!({"Action": "Restart"});
                    if let Err(e) = me.bus.command_as_system("SystemUnit Boot", reboot).await {
                        tracing::error!("could not reboot after the upgrade: {e}");
                    }
                }
                Err((status, why)) => {
                    tracing::warn!("software upgrade failed: {why}");
                    me.show(status, "None", &why);
                }
            }
        });
        Ok(())
    }

    fn show(&self, status: &str, phase: &str, message: &str) {
        log_write(self.status.update(|b| {
            b.set("Provisioning Software UpgradeStatus Status", status)?;
            b.set("Provisioning Software UpgradeStatus Phase", phase)?;
            b.set("Provisioning Software UpgradeStatus Message", message)
        }));
    }

    async fn download(&self, url: reqwest::Url, to: &std::path::Path) -> Result<(), String> {
        let fail = |e: &dyn std::fmt::Display| format!("download failed: {e}");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .map_err(|e| fail(&e))?;
        let mut response = client.get(url).send().await.map_err(|e| fail(&e))?;
        if !response.status().is_success() {
            return Err(fail(&format!("HTTP {}", response.status())));
        }
        let total = response.content_length();
        tokio::fs::create_dir_all(&self.settings.root)
            .await
            .map_err(|e| fail(&e))?;
        let mut file = tokio::fs::File::create(to).await.map_err(|e| fail(&e))?;
        let (mut done, mut progress) = (0u64, Progress::default());
        while let Some(chunk) = response.chunk().await.map_err(|e| fail(&e))? {
            file.write_all(&chunk).await.map_err(|e| fail(&e))?;
            done += chunk.len() as u64;
            if let Some(total) = total.filter(|t| *t > 0)
                && let Some(percent) = progress.advance(done, total)
            {
                self.show(
                    "InProgress",
                    "Downloading",
                    &format!("Downloading: {percent}%"),
                );
            }
        }
        file.sync_all().await.map_err(|e| fail(&e))?;
        self.show("InProgress", "DownloadDone", "Downloaded");
        Ok(())
    }

    /// Installs the downloaded image; the version, or the status and reason of a refusal.
    async fn install_download(
        self: &Arc<Self>,
        image: PathBuf,
    ) -> Result<String, (&'static str, String)> {
        self.show("InProgress", "Installing", "Installing: 0%");
        let me = self.clone();
        let installed = tokio::task::spawn_blocking(move || {
            let key = me.settings.key.as_ref().expect("checked at start");
            let options = InstallOptions {
                key,
                board: Some(&me.board),
                force: false,
                tries: super::boot::DEFAULT_TRIES,
            };
            let mut progress = Progress::default();
            Slots::new(&me.settings.root).install(&image, &options, &mut |done, total| {
                if let Some(percent) = progress.advance(done, total) {
                    me.show(
                        "InProgress",
                        "Installing",
                        &format!("Installing: {percent}%"),
                    );
                }
            })
        })
        .await
        .map_err(|e| ("InstallationFailed", format!("the install stopped: {e}")))?;
        installed
            .map(|done| done.manifest.version)
            .map_err(|e| ("InstallationFailed", e))
    }
}

/// Whole percentages of a download or an install, each told once.
#[derive(Default)]
struct Progress {
    shown: u64,
}

impl Progress {
    /// The new percentage, when `done` of `total` passed a whole one since the last.
    fn advance(&mut self, done: u64, total: u64) -> Option<u64> {
        let percent = done * 100 / total.max(1);
        (percent > self.shown).then(|| {
            self.shown = percent;
            percent
        })
    }
}
