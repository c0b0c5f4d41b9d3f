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
        if self.live.len() >= MAX_TIMERS {
            return;
        }
        let at = Instant::now() + delay;
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
        let now = Instant::now();
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
        let mut t = Timers::default();
        t.add(1, Duration::ZERO, false);
        t.add(2, Duration::from_millis(10), true);
        t.add(3, Duration::ZERO, false);
        t.cancel(3);
        assert_eq!(t.due(), vec![1]);
        std::thread::sleep(Duration::from_millis(12));
        assert_eq!(t.due(), vec![2]);
        std::thread::sleep(Duration::from_millis(12));
        assert_eq!(t.due(), vec![2]);
        t.cancel(2);
        std::thread::sleep(Duration::from_millis(12));
        assert!(t.due().is_empty());
    }
}
