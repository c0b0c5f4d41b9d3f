//! RFC 3261 timer values (§17, Table 4) and the deadline queue every transaction shares.
//!
//! Deadlines are plain `Instant`s handed in by the caller; the queue only orders them. An entry
//! whose transaction has since re-armed or dropped that timer is stale and is skipped.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::{Duration, Instant};

/// Round-trip estimate.
pub const T1: Duration = Duration::from_millis(500);
/// Longest retransmit interval for non-INVITE requests and INVITE responses.
pub const T2: Duration = Duration::from_secs(4);
/// Longest time a message may stay in the network.
pub const T4: Duration = Duration::from_secs(5);
/// Timers B, F, H and J: 64·T1.
pub const TRANSACTION_TIMEOUT: Duration = Duration::from_secs(32);
/// Timer D on unreliable transports (at least 32 s).
pub const TIMER_D: Duration = Duration::from_secs(32);

/// Which of a transaction's three timers a deadline belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TimerKind {
    /// A, E (client) or G (server): send again.
    Retransmit,
    /// B, F (client) or H (server): give up.
    Timeout,
    /// D, K (client) or I, J (server): absorb retransmissions, then forget.
    Linger,
}

/// An armed timer: when, and the id that tells a live entry from a stale one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    pub at: Instant,
    pub id: u64,
}

/// Whether the transaction is a client or a server one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    Client,
    Server,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    at: Instant,
    id: u64,
    side: Side,
    kind: TimerKind,
    key: String,
}

/// A min-queue of deadlines across all transactions.
#[derive(Debug, Default)]
pub struct TimerQueue {
    heap: BinaryHeap<Reverse<Entry>>,
    next_id: u64,
}

/// A due timer popped from the queue.
pub struct Due {
    pub id: u64,
    pub side: Side,
    pub kind: TimerKind,
    pub key: String,
}

impl Due {
    /// Whether this entry is still its transaction's timer of that kind (not re-armed or
    /// dropped since it was queued).
    pub fn is_current(
        &self,
        retransmit: Option<Deadline>,
        timeout: Option<Deadline>,
        linger: Option<Deadline>,
    ) -> bool {
        let armed = match self.kind {
            TimerKind::Retransmit => retransmit,
            TimerKind::Timeout => timeout,
            TimerKind::Linger => linger,
        };
        armed.map(|d| d.id) == Some(self.id)
    }
}

impl TimerQueue {
    pub fn arm(&mut self, at: Instant, side: Side, kind: TimerKind, key: &str) -> Deadline {
        self.next_id += 1;
        let id = self.next_id;
        self.heap.push(Reverse(Entry {
            at,
            id,
            side,
            kind,
            key: key.to_string(),
        }));
        Deadline { at, id }
    }

    /// The earliest deadline (possibly stale: waking for it is harmless).
    pub fn next(&self) -> Option<Instant> {
        self.heap.peek().map(|Reverse(e)| e.at)
    }

    /// Takes the next entry due at `now`, if any.
    pub fn pop_due(&mut self, now: Instant) -> Option<Due> {
        if self.heap.peek().is_some_and(|Reverse(e)| e.at <= now) {
            let Reverse(e) = self.heap.pop()?;
            return Some(Due {
                id: e.id,
                side: e.side,
                kind: e.kind,
                key: e.key,
            });
        }
        None
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}
