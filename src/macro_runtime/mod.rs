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

/// Sets up the macro runtime of a device and starts the active macros (if `Macros Mode` and
/// `Macros AutoStart` are On).
pub fn install(
    bus: &Arc<Bus>,
    data_dir: &Path,
    settings: supervisor::HostSettings,
) -> Arc<supervisor::Supervisor> {
    let store = Arc::new(store::MacroStore::open(data_dir));
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
