//! Audio jitter buffer: start-up delay, reordering, loss, late and duplicate packets,
//! underrun, bounds and delay adaptation. Time is simulated in 20 ms ticks.

use std::time::{Duration, Instant};

use super::super::jitter::*;

struct Sim {
    t0: Instant,
    jb: JitterBuffer,
    /// The first sequence number, so timestamps (160 per seq) start at 0 and do not jump.
    base: u16,
}

impl Sim {
    fn new() -> Self {
        Sim {
            t0: Instant::now(),
            jb: JitterBuffer::new(20, 8000),
            base: 0,
        }
    }

    fn at(&self, ms: u64) -> Instant {
        self.t0 + Duration::from_millis(ms)
    }

    /// Pushes `seq` (payload = its low byte) arriving at `ms`.
    fn push(&mut self, ms: u64, seq: u16) {
        let now = self.at(ms);
        self.jb.push(
            now,
            seq,
            u32::from(seq.wrapping_sub(self.base)) * 160,
            &[seq as u8],
        );
    }

    /// Pops at tick `k` and names the result: "n" for seq n, "-" missing, "." not yet.
    fn pop(&mut self, k: u64) -> String {
        let now = self.at(20 * k);
        match self.jb.pop(now) {
            Playout::Frame(p) => p[0].to_string(),
            Playout::Missing => "-".into(),
            Playout::Nothing => ".".into(),
        }
    }

    /// Runs ticks `from..to`: pushes the seqs `arrivals(k)` then pops once.
    fn run(
        &mut self,
        ticks: std::ops::Range<u64>,
        arrivals: impl Fn(u64) -> Vec<u16>,
    ) -> Vec<String> {
        ticks
            .map(|k| {
                for seq in arrivals(k) {
                    self.push(20 * k, seq);
                }
                self.pop(k)
            })
            .collect()
    }
}

#[test]
fn plays_in_order_after_the_initial_delay_across_a_wrap() {
    let mut s = Sim::new();
    let base = 65534u16;
    s.base = base;
    let got = s.run(0..8, |k| vec![base.wrapping_add(k as u16)]);
    // The first frame waits 40 ms (the minimum delay), then one frame per tick.
    assert_eq!(got, [".", ".", "254", "255", "0", "1", "2", "3"]);
    assert_eq!(s.jb.target_delay_ms(), 40);
    assert_eq!(s.jb.len(), 2);
}

#[test]
fn reorders() {
    let mut s = Sim::new();
    let got = s.run(0..8, |k| match k {
        2 => vec![3, 2],
        3 => vec![],
        5 => vec![6, 5],
        6 => vec![],
        k => vec![k as u16],
    });
    assert_eq!(got, [".", ".", "0", "1", "2", "3", "4", "5"]);
    assert_eq!((s.jb.lost(), s.jb.late()), (0, 0));
}

#[test]
fn loss_then_a_late_packet_is_dropped() {
    let mut s = Sim::new();
    // Seq 3 is held back until tick 7, after its turn (tick 5) has passed.
    let got = s.run(0..9, |k| match k {
        3 => vec![],
        7 => vec![3, 7],
        k => vec![k as u16],
    });
    assert_eq!(got, [".", ".", "0", "1", "2", "-", "4", "5", "6"]);
    assert_eq!((s.jb.lost(), s.jb.late()), (1, 1));
    // The late packet raised the target delay.
    assert!(s.jb.target_delay_ms() > 40, "{}", s.jb.target_delay_ms());
}

#[test]
fn duplicates_are_dropped() {
    let mut s = Sim::new();
    let got = s.run(0..6, |k| {
        if k < 3 {
            vec![k as u16, k as u16]
        } else {
            vec![]
        }
    });
    assert_eq!(got, [".", ".", "0", "1", "2", "-"]);
    assert_eq!(s.jb.duplicates(), 3);
}

#[test]
fn underrun_conceals_then_reprimes() {
    let mut s = Sim::new();
    // Arrivals stop after seq 4 and resume at tick 10 with seq 10 (5..=9 never come).
    let got = s.run(0..16, |k| {
        if !(5..10).contains(&k) {
            vec![k as u16]
        } else {
            vec![]
        }
    });
    // Playout drains 0..=4, then conceals until seq 10 has waited the target delay again.
    assert_eq!(
        got,
        [
            ".", ".", "0", "1", "2", "3", "4", "-", "-", "-", "-", "-", "10", "11", "12", "13"
        ]
    );
    assert_eq!(s.jb.lost(), 5);
}

#[test]
fn bounded_when_nobody_pops() {
    let mut s = Sim::new();
    for seq in 0..1000u16 {
        s.push(0, seq);
    }
    assert_eq!(s.jb.len(), 2 * 200 / 20 + 4);
    assert_eq!(s.jb.dropped(), 1000 - 24);
    // All arriving at once looks like 20 ms of jitter per packet: the target is 20 + 3 × 20.
    assert_eq!(s.jb.target_delay_ms(), 80);
    assert_eq!(s.pop(3), ".");
    // Playout starts from the oldest frame kept.
    assert_eq!(s.pop(4), (976 % 256).to_string());
}

#[test]
fn a_burst_is_played_down_to_the_target() {
    let mut s = Sim::new();
    // A 200 ms stall after seq 5, then seqs 6..=15 arrive at once, then steady again.
    let got = s.run(0..60, |k| match k {
        0..=5 => vec![k as u16],
        6..=14 => vec![],
        15 => (6..=15).collect(),
        k => vec![k as u16],
    });
    assert!(s.jb.dropped() > 0);
    // Every frame played is in order and the buffer is back near the target.
    let played: Vec<u16> = got.iter().filter_map(|g| g.parse().ok()).collect();
    assert!(played.windows(2).all(|w| w[0] < w[1]), "{got:?}");
    assert!(s.jb.len() <= 4, "{} frames buffered: {got:?}", s.jb.len());
}

#[test]
fn target_delay_grows_with_jitter_and_stays_bounded() {
    let mut s = Sim::new();
    // Arrivals alternate 0 and 30 ms late.
    for k in 0..200u64 {
        s.push(20 * k + if k % 2 == 1 { 30 } else { 0 }, k as u16);
        s.pop(k);
    }
    let target = s.jb.target_delay_ms();
    // |D| is 30 ms every packet, so the jitter estimate approaches 30 ms.
    assert!(
        (s.jb.jitter_ms() - 30.0).abs() < 0.5,
        "{}",
        s.jb.jitter_ms()
    );
    assert!((100..=200).contains(&target), "{target}");
    let mut wild = Sim::new();
    for k in 0..200u64 {
        wild.push(20 * k + (k % 7) * 300, k as u16);
    }
    assert_eq!(wild.jb.target_delay_ms(), 200);
}
