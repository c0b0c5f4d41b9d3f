//! The macro's timers (`setTimeout`, `setInterval`): deadlines the host's loop waits for.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::time::{Duration, Instant};

#[derive(Default)]
pub struct Timers {
    /// Live timers: id → (deadline, period for intervals).
    live: HashMap<u64, (Instant, Option<Duration>)>,
    /// Deadlines in order; entries for cancelled or moved timers are skipped when popped.
    queue: BinaryHeap<Reverse<(Instant, u64)>>,
}

/// At most this many timers per macro; more is a runaway.
const MAX_TIMERS: usize = 10_000;

impl Timers {
    pub fn add(&mut self, id: u64, delay: Duration, repeat: bool) {
        self.add_at(Instant::now(), id, delay, repeat);
    }

    /// `add` as of `now` (tests pass their own time).
    pub fn add_at(&mut self, now: Instant, id: u64, delay: Duration, repeat: bool) {
        if self.live.len() >= MAX_TIMERS {
            return;
        }
        let at = now + delay;
        self.live.insert(id, (at, repeat.then_some(delay)));
        self.queue.push(Reverse((at, id)));
    }

    pub fn cancel(&mut self, id: u64) {
        self.live.remove(&id);
    }

    /// How long the loop may sleep before the next timer.
    pub fn wait(&self) -> Duration {
        self.queue
            .peek()
            .map(|Reverse((at, _))| at.saturating_duration_since(Instant::now()))
            .unwrap_or(Duration::from_secs(3600))
    }

    /// The timers that are due now, in deadline order; intervals are re-armed.
    pub fn due(&mut self) -> Vec<u64> {
        self.due_at(Instant::now())
    }

    /// `due` as of `now`.
    pub fn due_at(&mut self, now: Instant) -> Vec<u64> {
        let mut fired = Vec::new();
        while let Some(Reverse((at, id))) = self.queue.peek().copied() {
            if at > now {
                break;
            }
            self.queue.pop();
            match self.live.get(&id).copied() {
                Some((deadline, period)) if deadline == at => {
                    fired.push(id);
                    match period {
                        Some(period) => {
                            let next = (at + period).max(now);
                            self.live.insert(id, (next, Some(period)));
                            self.queue.push(Reverse((next, id)));
                        }
                        None => {
                            self.live.remove(&id);
                        }
                    }
                }
                _ => {}
            }
        }
        fired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_fire_once_and_intervals_repeat() {
        // On its own time, so a busy machine cannot make an interval fire twice.
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let mut t = Timers::default();
        t.add_at(start, 1, Duration::ZERO, false);
        t.add_at(start, 2, Duration::from_millis(10), true);
        t.add_at(start, 3, Duration::ZERO, false);
        t.cancel(3);
        assert_eq!(t.due_at(at(0)), vec![1]);
        assert!(t.due_at(at(9)).is_empty());
        assert_eq!(t.due_at(at(12)), vec![2]);
        assert!(t.due_at(at(15)).is_empty());
        assert_eq!(t.due_at(at(22)), vec![2]);
        t.cancel(2);
        assert!(t.due_at(at(40)).is_empty());
    }
}
