//! HDMI hotplug: whether a display is plugged into an output, and its EDID bytes.
//!
//! embedded-hal has no trait for this (HPD is a pin on most SoCs, but Linux owns it through
//! DRM), so roomd has its own, [`OutputConnector`], with two implementations: [`DrmConnector`]
//! reads `/sys/class/drm/<connector>/status` and `edid`, which the kernel's HDMI driver keeps
//! current; [`SimConnector`] is a socket in memory that a test plugs an EDID into.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where Linux shows DRM connectors.
pub const DRM_ROOT: &str = "/sys/class/drm";

/// One video output's connector.
pub trait OutputConnector: Send + Sync {
    /// Whether a display is plugged in (its hotplug line is up).
    fn connected(&self) -> Result<bool, String>;
    /// The display's EDID bytes; empty if it gave none.
    fn edid(&self) -> Result<Vec<u8>, String>;
}

/// A DRM connector in sysfs (`card0-HDMI-A-1`).
pub struct DrmConnector {
    dir: PathBuf,
}

impl DrmConnector {
    /// The connector `name` under `root` (normally [`DRM_ROOT`]).
    pub fn new(root: &Path, name: &str) -> DrmConnector {
        DrmConnector {
            dir: root.join(name),
        }
    }
}

impl OutputConnector for DrmConnector {
    fn connected(&self) -> Result<bool, String> {
        let path = self.dir.join("status");
        let status = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        // `unknown` (no hotplug detection) counts as not plugged in.
        Ok(status.trim() == "connected")
    }

    fn edid(&self) -> Result<Vec<u8>, String> {
        let path = self.dir.join("edid");
        std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    }
}

/// A simulated output socket.
#[derive(Default)]
pub struct SimConnector {
    plugged: Mutex<Option<Vec<u8>>>,
}

impl SimConnector {
    /// Plugs in a display with these EDID bytes.
    pub fn plug(&self, edid: Vec<u8>) {
        *self.lock() = Some(edid);
    }

    pub fn unplug(&self) {
        *self.lock() = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Vec<u8>>> {
        self.plugged.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl OutputConnector for SimConnector {
    fn connected(&self) -> Result<bool, String> {
        Ok(self.lock().is_some())
    }

    fn edid(&self) -> Result<Vec<u8>, String> {
        Ok(self.lock().clone().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drm_connector_reads_status_and_edid_from_sysfs() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("card0-HDMI-A-1");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("status"), "disconnected\n").unwrap();
        let connector = DrmConnector::new(root.path(), "card0-HDMI-A-1");
        assert_eq!(connector.connected(), Ok(false));
        std::fs::write(dir.join("status"), "connected\n").unwrap();
        std::fs::write(dir.join("edid"), [0u8, 255, 255]).unwrap();
        assert_eq!(connector.connected(), Ok(true));
        assert_eq!(connector.edid(), Ok(vec![0, 255, 255]));
        let missing = DrmConnector::new(root.path(), "card0-HDMI-A-9");
        let err = missing.connected().unwrap_err();
        assert!(err.contains("card0-HDMI-A-9/status"), "{err}");
    }

    #[test]
    fn a_simulated_socket_holds_what_is_plugged_in() {
        let socket = SimConnector::default();
        assert_eq!(socket.connected(), Ok(false));
        socket.plug(vec![1, 2, 3]);
        assert_eq!(socket.connected(), Ok(true));
        assert_eq!(socket.edid(), Ok(vec![1, 2, 3]));
        socket.unplug();
        assert_eq!(socket.edid(), Ok(vec![]));
    }
}
