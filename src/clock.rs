//! The device's clock, injected into every service.
//!
//! Wall time is real time plus an offset. On the simulated board `Simulation Clock Advance`
//! moves the offset, and everything waiting on [`Clock::sleep_until`] wakes and looks again,
//! so timers (standby, peripheral heartbeats, bookings) are tested without sleeping.
//! A manual clock does not move at all by itself, for deterministic unit tests.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::Notify;

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

#[derive(Debug)]
enum Base {
    Real,
    Fixed(Millis),
}

/// Wall-clock time for services.
#[derive(Debug)]
pub struct Clock {
    base: Base,
    offset: AtomicI64,
    moved: Notify,
}

impl Clock {
    /// The real time.
    pub fn real() -> Clock {
        Clock {
            base: Base::Real,
            offset: AtomicI64::new(0),
            moved: Notify::new(),
        }
    }

    /// A clock standing at `start` until advanced.
    pub fn manual(start: Millis) -> Clock {
        Clock {
            base: Base::Fixed(start),
            offset: AtomicI64::new(0),
            moved: Notify::new(),
        }
    }

    pub fn now(&self) -> Millis {
        let base = match self.base {
            Base::Real => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as Millis)
                .unwrap_or(0),
            Base::Fixed(start) => start,
        };
        base + self.offset.load(Ordering::SeqCst)
    }

    /// Moves time forward and wakes every sleeper so it can check its deadline.
    pub fn advance(&self, by: Duration) {
        self.offset
            .fetch_add(by.as_millis() as Millis, Ordering::SeqCst);
        self.moved.notify_waiters();
    }

    /// Waits until the clock reads `deadline` or later.
    pub async fn sleep_until(&self, deadline: Millis) {
        loop {
            let moved = self.moved.notified();
            tokio::pin!(moved);
            moved.as_mut().enable();
            let left = deadline - self.now();
            if left <= 0 {
                return;
            }
            match self.base {
                Base::Real => {
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_millis(left as u64)) => {}
                        _ = moved => {}
                    }
                }
                Base::Fixed(_) => moved.await,
            }
        }
    }
}

/// Formats a time as RoomOS does (`2026-11-25T09:38:14Z`).
pub fn iso8601(ms: Millis) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a (year, month, day) date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn formats_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(1_795_599_494_000), "2026-11-25T09:38:14Z");
    }

    #[tokio::test]
    async fn sleepers_wake_when_the_clock_is_advanced() {
        let clock = Arc::new(Clock::manual(1_000));
        let sleeper = {
            let clock = clock.clone();
            tokio::spawn(async move { clock.sleep_until(61_000).await })
        };
        tokio::task::yield_now().await;
        clock.advance(Duration::from_secs(30));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished());
        clock.advance(Duration::from_secs(30));
        tokio::time::timeout(Duration::from_secs(1), sleeper)
            .await
            .expect("woke")
            .unwrap();
        assert_eq!(clock.now(), 61_000);
    }
}
