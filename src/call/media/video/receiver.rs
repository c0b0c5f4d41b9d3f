//! The receiving half of a video stream: puts packets back in sequence order, hands them to
//! the H.264 depacketizer and keeps only access units a decoder can use. A sequence gap is
//! NACKed at once and once more a round trip later (RFC 4585 §6.2.1); a gap still open at
//! the deadline is given up, and from then on (and before the first IDR) frames are dropped
//! until a key frame comes, asked for with PLI no more than twice a second.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use super::is_key_frame;
use crate::call::media::rtp::Depacketizer;

/// How many times one missing packet is NACKed.
const MAX_NACKS: u8 = 2;
/// Wait before NACKing again when no round-trip time is known yet.
const DEFAULT_RETRY: Duration = Duration::from_millis(100);
/// A missing packet older than this is given up and its frame with it.
const GIVE_UP: Duration = Duration::from_millis(400);
/// At most one PLI per this interval (RFC 4585 §3.5 leaves the rate to the application).
const PLI_INTERVAL: Duration = Duration::from_millis(500);
/// A jump further ahead than this is a restarted stream, not loss to repair.
const MAX_GAP: u64 = 1000;
/// Complete access units waiting for the sink; the oldest go if nobody takes them.
const MAX_QUEUED: usize = 64;
/// Packets at most in one NACK (keeps the RTCP packet well under the MTU).
const MAX_NACK_LIST: usize = 200;

#[derive(Debug, Clone)]
struct Missing {
    since: Instant,
    nacks: u8,
    due: Instant,
}

/// What the receiver wants sent back to the media sender now.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub nack: Vec<u16>,
    pub pli: bool,
}

/// Frame-level counts for the session's statistics.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReceiverCounts {
    pub frames: u64,
    pub key_frames: u64,
    /// Frames dropped because they were incomplete or could not be decoded (no key yet).
    pub frames_dropped: u64,
    pub nacks_sent: u64,
    pub plis_sent: u64,
}

#[derive(Debug)]
pub struct FrameReceiver {
    /// Extended sequence number of the next packet for the depacketizer; None before any.
    next: Option<u64>,
    highest: u64,
    buffer: BTreeMap<u64, (bool, Vec<u8>)>,
    missing: BTreeMap<u64, Missing>,
    depacketizer: Depacketizer,
    /// Frames are useless until an IDR arrives (at start, and after any loss).
    need_key: bool,
    want_pli: bool,
    last_pli: Option<Instant>,
    retry: Duration,
    /// The latest time we were told, for a PLI that is due at once.
    clock: Option<Instant>,
    frames: VecDeque<Vec<Vec<u8>>>,
    pub counts: ReceiverCounts,
}

impl Default for FrameReceiver {
    fn default() -> Self {
        Self::new()
    }
}

impl FrameReceiver {
    pub fn new() -> Self {
        FrameReceiver {
            next: None,
            highest: 0,
            buffer: BTreeMap::new(),
            missing: BTreeMap::new(),
            depacketizer: Depacketizer::new(),
            need_key: true,
            want_pli: false,
            last_pli: None,
            retry: DEFAULT_RETRY,
            clock: None,
            frames: VecDeque::new(),
            counts: ReceiverCounts::default(),
        }
    }

    /// The round-trip time from RTCP, to space the second NACK.
    pub fn set_round_trip(&mut self, rtt: Duration) {
        self.retry = (rtt + Duration::from_millis(20))
            .clamp(Duration::from_millis(30), Duration::from_millis(300));
    }

    /// The sender restarted (new SSRC): forget its old sequence space.
    pub fn reset(&mut self) {
        let counts = std::mem::take(&mut self.counts);
        let last_pli = self.last_pli;
        *self = FrameReceiver {
            counts,
            last_pli,
            retry: self.retry,
            clock: self.clock,
            ..FrameReceiver::new()
        };
    }

    /// One received H.264 RTP payload (already authenticated).
    pub fn on_packet(&mut self, now: Instant, sequence: u16, marker: bool, payload: &[u8]) {
        self.clock = Some(now);
        let next = match self.next {
            Some(next) => next,
            None => {
                let first = u64::from(sequence) + (1 << 16);
                self.highest = first - 1;
                *self.next.insert(first)
            }
        };
        // The extended number nearest to what we expect.
        let offset = i64::from(sequence.wrapping_sub(next as u16) as i16);
        let Some(ext) = next.checked_add_signed(offset) else {
            return;
        };
        if ext < next || self.buffer.contains_key(&ext) {
            return; // Late, or a duplicate (a retransmission we no longer need).
        }
        if ext - next > MAX_GAP {
            self.buffer.clear();
            self.missing.clear();
            self.next = Some(ext);
            self.highest = ext;
        } else if ext > self.highest {
            for seq in self.highest + 1..ext {
                self.missing.insert(
                    seq,
                    Missing {
                        since: now,
                        nacks: 0,
                        due: now,
                    },
                );
            }
            self.highest = ext;
        }
        self.missing.remove(&ext);
        self.buffer.insert(ext, (marker, payload.to_vec()));
        self.drain();
    }

    /// Feeds the depacketizer everything that is now in order. A number up to the highest
    /// seen that is neither buffered nor awaited was given up: it is skipped, and the
    /// depacketizer sees the gap and drops its frame.
    fn drain(&mut self) {
        let Some(mut next) = self.next else { return };
        loop {
            if let Some((marker, payload)) = self.buffer.remove(&next) {
                let unit = self.depacketizer.push(&payload, marker, next as u16);
                if marker {
                    let lost = self.depacketizer.take_loss();
                    match unit {
                        Some(nals) => self.on_access_unit(nals, lost),
                        None if lost => self.on_access_unit(Vec::new(), true),
                        None => {}
                    }
                }
            } else if next > self.highest || self.missing.contains_key(&next) {
                break;
            }
            next += 1;
        }
        self.next = Some(next);
    }

    fn on_access_unit(&mut self, nals: Vec<Vec<u8>>, lost: bool) {
        let key = !lost && is_key_frame(&nals);
        if lost || (self.need_key && !key) {
            self.counts.frames_dropped += 1;
            self.need_key = true;
            self.want_pli = true;
            return;
        }
        if key {
            // Whatever loss came before, this frame repairs it: no PLI is needed any more.
            self.want_pli = false;
        }
        self.need_key = false;
        self.counts.frames += 1;
        self.counts.key_frames += u64::from(key);
        if self.frames.len() == MAX_QUEUED {
            self.frames.pop_front();
        }
        self.frames.push_back(nals);
    }

    /// Gives up on packets missing too long, and says what to send back.
    pub fn poll(&mut self, now: Instant) -> Feedback {
        self.clock = Some(now);
        let expired: Vec<u64> = self
            .missing
            .iter()
            .filter(|(_, m)| now.saturating_duration_since(m.since) >= GIVE_UP)
            .map(|(&seq, _)| seq)
            .collect();
        if !expired.is_empty() {
            for seq in &expired {
                self.missing.remove(seq);
            }
            self.want_pli = true;
            self.drain();
        }
        let mut feedback = Feedback::default();
        for (&seq, m) in self.missing.iter_mut() {
            if feedback.nack.len() == MAX_NACK_LIST {
                break;
            }
            if m.nacks < MAX_NACKS && m.due <= now {
                m.nacks += 1;
                m.due = now + self.retry;
                feedback.nack.push(seq as u16);
            }
        }
        self.counts.nacks_sent += u64::from(!feedback.nack.is_empty());
        if self.want_pli && self.last_pli.is_none_or(|t| now >= t + PLI_INTERVAL) {
            self.want_pli = false;
            self.last_pli = Some(now);
            self.counts.plis_sent += 1;
            feedback.pli = true;
        }
        feedback
    }

    /// When `poll` next has something to do.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let nack = self
            .missing
            .values()
            .filter(|m| m.nacks < MAX_NACKS)
            .map(|m| m.due);
        let give_up = self.missing.values().map(|m| m.since + GIVE_UP);
        let pli = match (self.want_pli, self.last_pli) {
            (false, _) => None,
            (true, Some(t)) => Some(t + PLI_INTERVAL),
            (true, None) => self.clock,
        };
        nack.chain(give_up).chain(pli).min()
    }

    /// Packets held back plus packets awaited (bounded by the largest gap repaired).
    #[cfg(test)]
    pub fn held(&self) -> usize {
        self.buffer.len() + self.missing.len()
    }

    /// The next complete, decodable access unit, oldest first.
    pub fn take_frame(&mut self) -> Option<Vec<Vec<u8>>> {
        self.frames.pop_front()
    }
}
