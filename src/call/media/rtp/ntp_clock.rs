//! The wall clock as a 64-bit NTP time, for sender reports and round-trip times, anchored
//! once (an `Instant` and the NTP time at it) so that a session never reads a clock itself.

use std::time::{Duration, Instant};

use super::rtcp::ReportBlock;
use super::stats::{ntp_middle32, round_trip};

#[derive(Clone, Copy, Debug)]
pub struct NtpClock {
    anchor: Instant,
    ntp: u64,
}

impl NtpClock {
    /// The clock that read `ntp` at `anchor`.
    pub fn new(anchor: Instant, ntp: u64) -> NtpClock {
        NtpClock { anchor, ntp }
    }

    /// The NTP time at `now`.
    pub fn at(&self, now: Instant) -> u64 {
        let since = now.saturating_duration_since(self.anchor);
        let frac = (u64::from(since.subsec_nanos()) << 32) / 1_000_000_000;
        self.ntp + (since.as_secs() << 32) + frac
    }

    /// The round-trip time the last of `blocks` about `ssrc` shows, arriving at `now`.
    pub fn round_trip(&self, blocks: &[ReportBlock], ssrc: u32, now: Instant) -> Option<Duration> {
        let arrival = ntp_middle32(self.at(now));
        blocks
            .iter()
            .rev()
            .filter(|b| b.ssrc == ssrc)
            .find_map(|b| round_trip(b, arrival))
    }
}
