//! Audio jitter buffer: reorders fixed-duration frames by RTP sequence number and plays them
//! out one per `pop` (the audio clock, every `frame_ms`) after an adaptive delay.
//!
//! - Playout starts (and restarts after an underrun) once the oldest buffered frame has
//!   waited the target delay, so the buffer re-primes itself instead of playing hand to mouth.
//! - The target is `frame + 3 × jitter + late boost`, clamped to [min, max] (40–200 ms by
//!   default); jitter is the RFC 3550 estimate in ms, and each late packet adds a frame to
//!   the boost, which decays by one frame per second.
//! - A frame missing when its turn comes is reported as [`Playout::Missing`] (the decoder
//!   conceals it) and the packet is dropped if it shows up later. Duplicates are dropped.
//! - When the smoothed buffer level exceeds the target by two frames, one frame in five is
//!   skipped to bring the delay back down. The buffer holds at most `2 × max / frame + 4`
//!   frames (the oldest go first).
//!
//! Keyed by sequence number, not timestamp, so silence suppression (DTX, comfort noise) with
//! timestamp jumps plays without inserting gaps.

use std::collections::BTreeMap;
use std::time::Instant;

/// A sequence jump bigger than this (20 s of 20 ms frames) is a new stream: start over.
const RESYNC: i64 = 1000;
/// At most one frame in this many + 1 is skipped when cutting delay (a 25 % speed-up).
const SKIP_SPACING: u32 = 4;

/// What to play for the next `frame_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Playout {
    /// The payload of the next frame, to decode.
    Frame(Vec<u8>),
    /// The frame is lost or late, or the buffer ran dry: conceal (PLC) or play comfort noise.
    Missing,
    /// Playout has not started yet: play silence.
    Nothing,
}

#[derive(Debug, Clone)]
pub struct JitterBuffer {
    frame_ms: u32,
    clock_rate: u32,
    min_ms: u32,
    max_ms: u32,
    capacity: usize,
    /// Extended sequence number → (arrival, payload).
    frames: BTreeMap<i64, (Instant, Vec<u8>)>,
    /// Highest extended sequence number pushed, the reference for unwrapping.
    highest: Option<i64>,
    /// Next extended sequence number to play, once playout has started.
    next: Option<i64>,
    /// True while playing; false before the first start and after an underrun.
    primed: bool,
    last_arrival: Option<(Instant, u32)>,
    jitter_ms: f64,
    late_boost_ms: f64,
    level_ms: f64,
    /// Pops since a frame was last skipped to cut delay; skips are spaced to stay inaudible.
    since_skip: u32,
    late: u64,
    duplicates: u64,
    lost: u64,
    dropped: u64,
}

impl JitterBuffer {
    /// A buffer for `frame_ms` frames on an RTP clock of `clock_rate` Hz, delay 40–200 ms.
    pub fn new(frame_ms: u32, clock_rate: u32) -> Self {
        Self::with_delay(frame_ms, clock_rate, 40, 200)
    }

    /// Like [`JitterBuffer::new`] with explicit delay bounds in milliseconds.
    pub fn with_delay(frame_ms: u32, clock_rate: u32, min_ms: u32, max_ms: u32) -> Self {
        let frame_ms = frame_ms.max(1);
        let max_ms = max_ms.max(min_ms).max(frame_ms);
        JitterBuffer {
            frame_ms,
            clock_rate: clock_rate.max(1),
            min_ms,
            max_ms,
            capacity: (2 * max_ms / frame_ms) as usize + 4,
            frames: BTreeMap::new(),
            highest: None,
            next: None,
            primed: false,
            last_arrival: None,
            jitter_ms: 0.0,
            late_boost_ms: 0.0,
            level_ms: 0.0,
            since_skip: 0,
            late: 0,
            duplicates: 0,
            lost: 0,
            dropped: 0,
        }
    }

    /// Stores a received frame.
    pub fn push(&mut self, now: Instant, seq: u16, ts: u32, payload: &[u8]) {
        let ext = match self.highest {
            None => i64::from(seq),
            Some(h) => h + i64::from(seq.wrapping_sub(h as u16) as i16),
        };
        if self.highest.is_some_and(|h| (ext - h).abs() > RESYNC) {
            self.reset();
        }
        self.update_jitter(now, ts);
        self.highest = Some(self.highest.map_or(ext, |h| h.max(ext)));
        if self.next.is_some_and(|n| ext < n) {
            self.late += 1;
            self.late_boost_ms =
                (self.late_boost_ms + f64::from(self.frame_ms)).min(f64::from(self.max_ms));
            return;
        }
        if self.frames.contains_key(&ext) {
            self.duplicates += 1;
            return;
        }
        self.frames.insert(ext, (now, payload.to_vec()));
        if self.frames.len() > self.capacity
            && let Some((oldest, _)) = self.frames.pop_first()
        {
            self.dropped += 1;
            if let Some(n) = &mut self.next {
                *n = (*n).max(oldest + 1);
            }
        }
    }

    /// The frame to play now; call once per `frame_ms`.
    pub fn pop(&mut self, now: Instant) -> Playout {
        let frame = f64::from(self.frame_ms);
        self.late_boost_ms = (self.late_boost_ms - frame / 50.0).max(0.0);
        let target = f64::from(self.target_delay_ms());
        if !self.primed {
            let waited = self
                .frames
                .values()
                .map(|(at, _)| now.saturating_duration_since(*at))
                .max();
            if !waited.is_some_and(|w| w.as_secs_f64() * 1000.0 >= target) {
                return if self.next.is_some() {
                    Playout::Missing
                } else {
                    Playout::Nothing
                };
            }
            let first = *self.frames.keys().next().unwrap_or(&0);
            if let Some(n) = self.next {
                self.lost += (first - n).max(0) as u64;
            }
            self.next = Some(first);
            self.primed = true;
            self.level_ms = self.frames.len() as f64 * frame;
            // Let the first frames after a (re)start play intact before any skipping.
            self.since_skip = 0;
        }
        let Some(mut next) = self.next else {
            return Playout::Nothing;
        };
        if self.frames.is_empty() {
            // Underrun: conceal, and wait for the target delay again before resuming.
            self.primed = false;
            return Playout::Missing;
        }
        self.level_ms += (self.frames.len() as f64 * frame - self.level_ms) / 8.0;
        self.since_skip = self.since_skip.saturating_add(1);
        if self.since_skip > SKIP_SPACING
            && self.level_ms > target + 2.0 * frame
            && self.frames.len() >= 2
        {
            self.since_skip = 0;
            // Too much delay: skip the oldest frame (the decoder barely notices one frame).
            if let Some((key, _)) = self.frames.pop_first() {
                self.dropped += 1;
                next = next.max(key + 1);
                self.level_ms -= frame;
            }
        }
        let playout = match self.frames.remove(&next) {
            Some((_, payload)) => Playout::Frame(payload),
            None => {
                self.lost += 1;
                Playout::Missing
            }
        };
        self.next = Some(next + 1);
        playout
    }

    /// The playout delay currently aimed for, in milliseconds.
    pub fn target_delay_ms(&self) -> u32 {
        let want = f64::from(self.frame_ms) + 3.0 * self.jitter_ms + self.late_boost_ms;
        (want.ceil() as u32).clamp(self.min_ms, self.max_ms)
    }

    /// Frames waiting to be played.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Packets that arrived after their turn and were dropped.
    pub fn late(&self) -> u64 {
        self.late
    }

    /// Packets dropped as duplicates of buffered ones.
    pub fn duplicates(&self) -> u64 {
        self.duplicates
    }

    /// Frames whose sequence numbers were skipped because they had not arrived in time.
    pub fn lost(&self) -> u64 {
        self.lost
    }

    /// Frames discarded to cut delay or to stay within capacity.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// RFC 3550-style interarrival jitter estimate in milliseconds.
    pub fn jitter_ms(&self) -> f64 {
        self.jitter_ms
    }

    fn reset(&mut self) {
        self.frames.clear();
        self.highest = None;
        self.next = None;
        self.primed = false;
        self.last_arrival = None;
    }

    fn update_jitter(&mut self, now: Instant, ts: u32) {
        if let Some((at, prev_ts)) = self.last_arrival {
            let elapsed_ms = if now >= at {
                (now - at).as_secs_f64() * 1000.0
            } else {
                -(at - now).as_secs_f64() * 1000.0
            };
            let media_ms =
                f64::from(ts.wrapping_sub(prev_ts) as i32) * 1000.0 / f64::from(self.clock_rate);
            let d = (elapsed_ms - media_ms).abs().min(f64::from(self.max_ms));
            self.jitter_ms += (d - self.jitter_ms) / 16.0;
        }
        self.last_arrival = Some((now, ts));
    }
}
