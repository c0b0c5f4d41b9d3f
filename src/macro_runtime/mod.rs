//! Macros: integrators' JavaScript, run the way RoomOS runs it, but each macro in its own
//! process so that none can take the device down.
//!
//! - [`host`]: the process that runs one macro in boa_engine (`roomd macro-host`);
//! - [`supervisor`]: starts, watches and restarts those processes inside roomd;
//! - [`service`]: the `Macros` xAPI; [`store`]: macros on disk; [`log`]: what they print;
//! - [`storage`]: the per-macro key-value store behind `import storage from 'storage'`.

pub mod host;
pub mod log;
pub mod service;
pub mod storage;
pub mod store;
pub mod supervisor;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::xapi::Bus;

mod shipped {
    include!(concat!(env!("OUT_DIR"), "/shipped_macros.rs"));
}

/// Installs the shipped macros into an empty store; those named in `active` start active.
pub fn install_shipped(
    store: &store::MacroStore,
    shipped: &[(&str, &str)],
    active: &[String],
) -> Result<(), crate::xapi::XapiError> {
    if !store.is_empty() {
        return Ok(());
    }
    for (name, source) in shipped {
        store.save(name, source, false)?;
        if active.iter().any(|a| a == name) {
            store.set_active(name, true)?;
        }
    }
    Ok(())
}

/// Sets up the macro runtime of a device and starts the active macros (if `Macros Mode` and
/// `Macros AutoStart` are On).
pub fn install(
    bus: &Arc<Bus>,
    data_dir: &Path,
    settings: supervisor::HostSettings,
    active_shipped: &[String],
) -> Arc<supervisor::Supervisor> {
    let store = Arc::new(store::MacroStore::open(data_dir));
    if let Err(e) = install_shipped(&store, shipped::SHIPPED, active_shipped) {
        tracing::error!("could not install the shipped macros: {e}");
    }
    let log = Arc::new(log::MacroLog::new(bus.clone()));
    let storage = Arc::new(storage::MacroStorage::new(data_dir));
    let supervisor = supervisor::Supervisor::new(bus.clone(), store, log, storage, settings);
    service::install(bus, &supervisor);
    let autostart = bus
        .config("Macros AutoStart")
        .is_none_or(|v| v.to_string() == "On");
    supervisor.set_runtime(autostart);
    supervisor.sync();
    if supervisor.runtime_running() {
        let _ = bus.emit("Macros Runtime Ready", serde_json::json!({}));
    }
    supervisor
}

/// The macro host executable: `roomd-macro-host` beside roomd (small, so each macro costs
/// little memory), or else roomd itself, which runs a macro when started as `roomd macro-host`.
pub fn host_program() -> Result<PathBuf, String> {
    let me = std::env::current_exe().map_err(|e| format!("cannot find own executable: {e}"))?;
    let beside = me.with_file_name("roomd-macro-host");
    Ok(if beside.is_file() { beside } else { me })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_macros_are_installed_once_and_the_board_says_which_run() {
        let dir = tempfile::tempdir().unwrap();
        let store = store::MacroStore::open(dir.path());
        let shipped = [("swap", "// a"), ("redial", "// b")];
        install_shipped(&store, &shipped, &["redial".to_string()]).unwrap();
        assert!(!store.get("swap").unwrap().active);
        assert!(store.get("redial").unwrap().active);
        // An integrator's changes are never overwritten by a later start.
        store.remove("swap").unwrap();
        install_shipped(&store, &shipped, &[]).unwrap();
        assert!(store.get("swap").is_none());
    }
}
