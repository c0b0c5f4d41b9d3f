//! Sliding replay window (RFC 3711 §3.3.2) over 48-bit SRTP or 31-bit SRTCP indices.

use super::error::SrtpError;

/// Number of indices below the highest one the window remembers.
pub(super) const WINDOW: u64 = 128;

/// Highest index accepted so far, and a bitmask of which of the 128 indices at and below it
/// were accepted (bit `k` = index `top - k`).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct ReplayWindow {
    started: bool,
    top: u64,
    bits: u128,
}

impl ReplayWindow {
    /// The highest index accepted, if any.
    pub(super) fn top(&self) -> Option<u64> {
        self.started.then_some(self.top)
    }

    /// Whether `index` may be accepted (read-only).
    pub(super) fn check(&self, index: u64) -> Result<(), SrtpError> {
        if !self.started || index > self.top {
            return Ok(());
        }
        let delta = self.top - index;
        if delta >= WINDOW {
            Err(SrtpError::TooOld)
        } else if self.bits >> delta & 1 == 1 {
            Err(SrtpError::Replayed)
        } else {
            Ok(())
        }
    }

    /// Records `index` as accepted (call only after authentication succeeded).
    pub(super) fn accept(&mut self, index: u64) {
        if !self.started {
            *self = ReplayWindow {
                started: true,
                top: index,
                bits: 1,
            };
        } else if index > self.top {
            let shift = index - self.top;
            self.bits = if shift >= WINDOW {
                0
            } else {
                self.bits << shift
            };
            self.bits |= 1;
            self.top = index;
        } else if self.top - index < WINDOW {
            self.bits |= 1 << (self.top - index);
        }
    }
}
