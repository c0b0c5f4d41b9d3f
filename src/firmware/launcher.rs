//! `roomd firmware boot`: the thin shell around [`super::boot::decide`] that plays bootloader.
//!
//! Each round it loads the boot state, stores what [`decide`] says (a try counted, or a
//! rollback), starts that slot's `bin/roomd run …` and watches its stdout, passed through
//! line by line, for `healthy` (printed by roomd once the xAPI listens, the schema is loaded
//! and the shipped macros run). Healthy in time commits a trial slot; exiting first or
//! staying silent past the limit is a failed try, and the next round decides again: the same
//! slot while tries remain, then the previous one. When roomd exits with
//! [`REBOOT_EXIT_CODE`] (`SystemUnit Boot`, or after an upgrade) the next round boots
//! whatever is active then. Its own lines start with `boot: `.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::boot::{self, Decision, LAUNCHER_ENV, REBOOT_EXIT_CODE, Slot, SlotInfo};
use super::slots::Slots;

/// Environment variables roomd reads its firmware settings from (`roomd run` flags' defaults).
pub const ROOT_ENV: &str = "ROOMD_FIRMWARE_ROOT";
pub const SLOT_ENV: &str = "ROOMD_FIRMWARE_SLOT";

pub struct LaunchOptions {
    pub root: PathBuf,
    /// Arguments after `roomd run`.
    pub run_args: Vec<OsString>,
    /// How long a slot has to report healthy.
    pub health_timeout: Duration,
}

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "boot: {line}");
    let _ = out.flush();
}

enum Watched {
    Healthy(Child),
    Failed(String),
}

/// Boots until roomd shuts down; returns its exit code.
pub fn run(options: &LaunchOptions) -> Result<i32, String> {
    let slots = Slots::new(&options.root);
    loop {
        let state = slots.load()?.ok_or_else(|| {
            format!(
                "no firmware installed under {} (run roomd firmware install)",
                options.root.display()
            )
        })?;
        let (decision, next) = boot::decide(&state);
        if next != state {
            slots.save(&next)?;
        }
        if next.last_rollback != state.last_rollback
            && let Some(why) = &next.last_rollback
        {
            say(why);
        }
        let (slot, trial) = match decision {
            Decision::Start { slot, trial } => (slot, trial),
            Decision::Nothing(why) => return Err(why),
        };
        let info = next
            .slot(slot)
            .cloned()
            .ok_or("boot decision names an empty slot")?;
        let how = if trial {
            format!("trial, {} tries left", next.tries_left)
        } else {
            "committed".to_string()
        };
        let what = format!("slot {} {}", slot.name(), info.version);
        match start_and_watch(&slots, slot, &info, options, &format!("{what} ({how})"))? {
            Watched::Healthy(mut child) => {
                if trial {
                    let now = slots.load()?.ok_or("the boot state vanished")?;
                    slots.save(&boot::commit(&now, slot))?;
                    say(&format!("committed {what}"));
                }
                let status = child.wait().map_err(|e| e.to_string())?;
                match status.code() {
                    Some(REBOOT_EXIT_CODE) => say("rebooting"),
                    Some(code) => return Ok(code),
                    None => return Err(format!("{what} ended: {status}")),
                }
            }
            Watched::Failed(why) => {
                say(&format!("{what} failed: {why}"));
                if !trial {
                    return Err(format!("{what} failed: {why}"));
                }
            }
        }
    }
}

fn start_and_watch(
    slots: &Slots,
    slot: Slot,
    info: &SlotInfo,
    options: &LaunchOptions,
    label: &str,
) -> Result<Watched, String> {
    let program = slots.roomd(slot);
    let mut command = Command::new(&program);
    command.arg("run").args(&options.run_args);
    let has_board = options.run_args.iter().any(|a| {
        a.to_str()
            .is_some_and(|a| a == "--board" || a.starts_with("--board="))
    });
    if !has_board && let Some(board) = slots.board_file(slot, &info.board) {
        command.arg("--board").arg(board);
    }
    command
        .env(LAUNCHER_ENV, "1")
        .env(ROOT_ENV, slots.root())
        .env(SLOT_ENV, slot.name())
        .stdout(Stdio::piped());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            return Ok(Watched::Failed(format!(
                "cannot start {}: {e}",
                program.display()
            )));
        }
    };
    say(&format!("started {label}, pid {}", child.id()));
    let stdout = child.stdout.take().expect("piped");
    let (healthy_tx, healthy) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
            if line == super::health::HEALTHY_LINE {
                let _ = healthy_tx.send(());
            }
        }
    });
    match healthy.recv_timeout(options.health_timeout) {
        Ok(()) => Ok(Watched::Healthy(child)),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let status = child.wait().map_err(|e| e.to_string())?;
            Ok(Watched::Failed(format!(
                "{status} before reporting healthy"
            )))
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            let _ = child.kill();
            let _ = child.wait();
            Ok(Watched::Failed(format!(
                "not healthy within {} s",
                options.health_timeout.as_secs_f32()
            )))
        }
    }
}
