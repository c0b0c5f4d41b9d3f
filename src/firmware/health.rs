//! When a started roomd counts as healthy, which is what commits a freshly installed slot.
//!
//! Healthy means the device does its job: the schema loaded and the device was assembled
//! (`Device::build` succeeded), the xAPI server listens, and every shipped macro the board
//! starts (`macros_active`) that is still active runs (its host reported ready). An
//! integrator's own macros do not count: a broken one must not roll the firmware back. roomd
//! then prints the line `healthy` on stdout, once, for the launcher.

use std::io::Write;
use std::time::Duration;

use crate::macro_runtime::supervisor::Supervisor;

/// The line roomd prints once healthy.
pub const HEALTHY_LINE: &str = "healthy";

/// Whether every shipped macro that should run does.
pub fn shipped_macros_running(supervisor: &Supervisor, shipped_active: &[String]) -> bool {
    if !supervisor.runtime_running() {
        return true;
    }
    let states = supervisor.states();
    shipped_active
        .iter()
        .filter(|name| supervisor.store.get(name).is_some_and(|m| m.active))
        .all(|name| {
            states
                .iter()
                .any(|(n, s)| n == name.as_str() && s.state == "Running")
        })
}

/// Waits until the shipped macros run, then prints [`HEALTHY_LINE`]. Call once the xAPI
/// server is listening. Gives no deadline: the launcher keeps the time.
pub async fn report_when_healthy(supervisor: std::sync::Arc<Supervisor>, shipped: Vec<String>) {
    while !shipped_macros_running(&supervisor, &shipped) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tracing::info!("healthy: xAPI up, schema loaded, shipped macros running");
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{HEALTHY_LINE}");
    let _ = out.flush();
}
