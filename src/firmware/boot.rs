//! The boot state of an A/B pair and every decision made on it, as pure functions.
//!
//! The state (`boot.json`) says which slot boots (`active`), which committed slot to fall back
//! to (`previous`), what each slot holds and how it fared (`good`: reported healthy once;
//! `trial`: installed, not yet healthy; `bad`: failed its tries), and how many boots an
//! untried slot has left (`tries_left`), as ChromeOS and Android A/B count them. The rules:
//!
//! - a `good` active slot boots as it is;
//! - a `trial` active slot boots with `tries_left` decremented *before* it starts, so a boot
//!   that hangs or loses power still counts;
//! - a `trial` slot with no tries left, or a `bad` one, is marked `bad` and the `previous`
//!   slot boots instead (the rollback), provided it is `good`;
//! - reporting healthy commits a `trial` slot (`good`);
//! - installing never writes the slot that would be fallen back to: it writes the other one,
//!   and only once that slot is complete does it become `active` in `trial`.
//!
//! Nothing here touches a file or a process: [`super::slots`] stores the state and
//! [`super::launcher`] starts what [`decide`] says, so every transition is unit-tested.

use serde::{Deserialize, Serialize};

/// Tries a freshly installed slot gets unless told otherwise.
pub const DEFAULT_TRIES: u32 = 3;
/// The exit code with which roomd, started by the launcher, asks to be booted again
/// (`SystemUnit Boot`, or after `SystemUnit SoftwareUpgrade`).
pub const REBOOT_EXIT_CODE: i32 = 75;
/// Set for roomd by the launcher, so roomd reboots by exiting rather than by restarting itself.
pub const LAUNCHER_ENV: &str = "ROOMD_BOOT_LAUNCHER";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Slot {
    A,
    B,
}

impl Slot {
    pub fn other(self) -> Slot {
        match self {
            Slot::A => Slot::B,
            Slot::B => Slot::A,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Slot::A => "a",
            Slot::B => "b",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlotState {
    Trial,
    Good,
    Bad,
}

/// What a slot holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotInfo {
    pub version: String,
    pub board: String,
    pub state: SlotState,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BootState {
    pub active: Slot,
    pub previous: Option<Slot>,
    pub tries_left: u32,
    /// Absent while a slot is empty or being written.
    pub a: Option<SlotInfo>,
    pub b: Option<SlotInfo>,
    /// Why the last automatic rollback happened, for `firmware status`.
    #[serde(default)]
    pub last_rollback: Option<String>,
}

/// What to start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Start this slot; `trial` if it has not reported healthy yet.
    Start { slot: Slot, trial: bool },
    /// Nothing can boot; why.
    Nothing(String),
}

impl BootState {
    pub fn slot(&self, slot: Slot) -> Option<&SlotInfo> {
        match slot {
            Slot::A => self.a.as_ref(),
            Slot::B => self.b.as_ref(),
        }
    }

    fn slot_mut(&mut self, slot: Slot) -> &mut Option<SlotInfo> {
        match slot {
            Slot::A => &mut self.a,
            Slot::B => &mut self.b,
        }
    }

    fn is_good(&self, slot: Slot) -> bool {
        self.slot(slot).is_some_and(|s| s.state == SlotState::Good)
    }

    /// The committed slot the device runs or falls back to: the one an install must spare.
    pub fn good_slot(&self) -> Option<Slot> {
        if self.is_good(self.active) {
            Some(self.active)
        } else {
            self.previous.filter(|p| self.is_good(*p))
        }
    }

    fn describe(&self, slot: Slot) -> String {
        match self.slot(slot) {
            Some(info) => format!("slot {} ({})", slot.name(), info.version),
            None => format!("slot {}", slot.name()),
        }
    }
}

/// Which slot to start now, and the state to store *before* starting it.
pub fn decide(state: &BootState) -> (Decision, BootState) {
    let mut next = state.clone();
    let active = state.active;
    match state.slot(active).map(|s| s.state) {
        Some(SlotState::Good) => (
            Decision::Start {
                slot: active,
                trial: false,
            },
            next,
        ),
        Some(SlotState::Trial) if state.tries_left > 0 => {
            next.tries_left -= 1;
            (
                Decision::Start {
                    slot: active,
                    trial: true,
                },
                next,
            )
        }
        failed => {
            let why = match failed {
                Some(SlotState::Trial) | Some(SlotState::Bad) => {
                    format!("{} did not become healthy", state.describe(active))
                }
                _ => format!("{} holds no firmware", state.describe(active)),
            };
            if let Some(info) = next.slot_mut(active).as_mut() {
                info.state = SlotState::Bad;
            }
            match state.previous.filter(|p| state.is_good(*p)) {
                Some(back) => {
                    let why = format!("{why}; rolled back to {}", state.describe(back));
                    next.active = back;
                    next.previous = None;
                    next.tries_left = 0;
                    next.last_rollback = Some(why);
                    (
                        Decision::Start {
                            slot: back,
                            trial: false,
                        },
                        next,
                    )
                }
                None => (
                    Decision::Nothing(format!("{why}, and there is no good slot to go back to")),
                    next,
                ),
            }
        }
    }
}

/// The state once `slot` reported healthy: a trial slot is committed.
pub fn commit(state: &BootState, slot: Slot) -> BootState {
    let mut next = state.clone();
    if next.active == slot
        && let Some(info) = next.slot_mut(slot).as_mut()
        && info.state == SlotState::Trial
    {
        info.state = SlotState::Good;
        next.tries_left = 0;
    }
    next
}

/// The slot an install writes: never the committed one.
pub fn install_target(state: Option<&BootState>) -> Slot {
    match state.and_then(BootState::good_slot) {
        Some(good) => good.other(),
        None => Slot::A,
    }
}

/// The state to store before writing `target`: nothing may point at it while it is written.
pub fn before_install(state: Option<&BootState>, target: Slot) -> Option<BootState> {
    let mut next = state?.clone();
    *next.slot_mut(target) = None;
    if let Some(good) = next.good_slot().filter(|g| *g != target) {
        next.active = good;
        next.previous = None;
    }
    Some(next)
}

/// The state once `target` is written completely: it boots next, on trial.
pub fn after_install(
    state: Option<&BootState>,
    target: Slot,
    info: SlotInfo,
    tries: u32,
) -> BootState {
    let previous = state.and_then(BootState::good_slot);
    let mut next = state.cloned().unwrap_or(BootState {
        active: target,
        previous: None,
        tries_left: 0,
        a: None,
        b: None,
        last_rollback: None,
    });
    *next.slot_mut(target) = Some(SlotInfo {
        state: SlotState::Trial,
        ..info
    });
    next.active = target;
    next.previous = previous.filter(|p| *p != target);
    next.tries_left = tries.max(1);
    next
}

/// `firmware rollback`: boot the previous good slot next; the current one stays as it is, so
/// rolling back twice returns to it.
pub fn rollback(state: &BootState) -> Result<BootState, String> {
    let back = state
        .previous
        .filter(|p| state.is_good(*p))
        .ok_or("there is no previous good slot to roll back to")?;
    let mut next = state.clone();
    next.active = back;
    next.previous = state.is_good(state.active).then_some(state.active);
    next.tries_left = 0;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(version: &str, state: SlotState) -> SlotInfo {
        SlotInfo {
            version: version.into(),
            board: "sim".into(),
            state,
        }
    }

    /// A device running 0.1.0 from slot a, committed.
    fn running() -> BootState {
        let fresh = after_install(None, Slot::A, info("0.1.0", SlotState::Trial), 3);
        commit(&fresh, Slot::A)
    }

    fn install(state: &BootState, version: &str, tries: u32) -> BootState {
        let target = install_target(Some(state));
        let during = before_install(Some(state), target).unwrap();
        assert!(during.slot(target).is_none());
        assert_eq!(
            decide(&during).0,
            Decision::Start {
                slot: during.active,
                trial: false
            }
        );
        after_install(
            Some(&during),
            target,
            info(version, SlotState::Trial),
            tries,
        )
    }

    #[test]
    fn a_good_slot_boots_as_it_is() {
        let s = running();
        assert_eq!(s.active, Slot::A);
        let (d, next) = decide(&s);
        assert_eq!(
            d,
            Decision::Start {
                slot: Slot::A,
                trial: false
            }
        );
        assert_eq!(next, s);
    }

    #[test]
    fn an_update_is_tried_then_committed() {
        let s = install(&running(), "0.2.0", 3);
        assert_eq!(
            (s.active, s.previous, s.tries_left),
            (Slot::B, Some(Slot::A), 3)
        );
        let (d, s) = decide(&s);
        assert_eq!(
            d,
            Decision::Start {
                slot: Slot::B,
                trial: true
            }
        );
        assert_eq!(s.tries_left, 2, "counted before it starts");
        let s = commit(&s, Slot::B);
        assert_eq!(s.b.as_ref().unwrap().state, SlotState::Good);
        assert_eq!(
            decide(&s).0,
            Decision::Start {
                slot: Slot::B,
                trial: false
            }
        );
        // The next install spares the committed b and writes a.
        assert_eq!(install_target(Some(&s)), Slot::A);
    }

    #[test]
    fn an_update_that_never_gets_healthy_rolls_back_after_its_tries() {
        let mut s = install(&running(), "0.2.0", 2);
        for _ in 0..2 {
            let (d, next) = decide(&s);
            assert_eq!(
                d,
                Decision::Start {
                    slot: Slot::B,
                    trial: true
                }
            );
            s = next;
        }
        let (d, s) = decide(&s);
        assert_eq!(
            d,
            Decision::Start {
                slot: Slot::A,
                trial: false
            }
        );
        assert_eq!(s.active, Slot::A);
        assert_eq!(s.b.as_ref().unwrap().state, SlotState::Bad);
        let why = s.last_rollback.clone().unwrap();
        assert!(
            why.contains("slot b (0.2.0) did not become healthy"),
            "{why}"
        );
        assert!(why.contains("rolled back to slot a (0.1.0)"), "{why}");
        assert_eq!(
            decide(&s).0,
            Decision::Start {
                slot: Slot::A,
                trial: false
            }
        );
        assert_eq!(install_target(Some(&s)), Slot::B);
    }

    #[test]
    fn a_second_install_before_the_first_is_tried_keeps_the_fallback() {
        let s = install(&running(), "0.2.0", 3);
        let s = install(&s, "0.3.0", 3);
        assert_eq!((s.active, s.previous), (Slot::B, Some(Slot::A)));
        assert_eq!(s.b.as_ref().unwrap().version, "0.3.0");
        assert_eq!(s.a.as_ref().unwrap().state, SlotState::Good);
    }

    #[test]
    fn a_first_install_that_fails_has_nothing_to_fall_back_to() {
        let s = after_install(None, Slot::A, info("0.1.0", SlotState::Trial), 1);
        let (_, s) = decide(&s);
        match decide(&s).0 {
            Decision::Nothing(why) => assert!(why.contains("no good slot"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn committing_another_slot_or_a_good_one_changes_nothing() {
        let s = install(&running(), "0.2.0", 3);
        assert_eq!(commit(&s, Slot::A), s);
        let r = running();
        assert_eq!(commit(&r, Slot::A), r);
    }

    #[test]
    fn manual_rollback_swaps_between_good_slots() {
        let s = install(&running(), "0.2.0", 3);
        let s = commit(&decide(&s).1, Slot::B);
        let back = rollback(&s).unwrap();
        assert_eq!((back.active, back.previous), (Slot::A, Some(Slot::B)));
        let forth = rollback(&back).unwrap();
        assert_eq!((forth.active, forth.previous), (Slot::B, Some(Slot::A)));
        assert!(
            rollback(&running())
                .unwrap_err()
                .contains("no previous good slot")
        );
    }
}
