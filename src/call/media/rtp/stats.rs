//! Per-stream RTP statistics for RTCP blocks: the receiver side follows RFC 3550 Appendix A
//! (A.1 sequence validation, A.3 loss, A.8 interarrival jitter) and fills report blocks
//! with LSR/DLSR; the sender side counts packets/octets for SRs; [`round_trip`] turns a
//! report block about our stream into an RTT (RFC 3550 §6.4.1). Time is always passed in:
//! `Instant` for local arrival/departure, 64-bit NTP for wall clock.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::rtcp::{ReportBlock, SenderReport};

const MIN_SEQUENTIAL: u16 = 2;
const MAX_DROPOUT: u16 = 3000;
const MAX_MISORDER: u16 = 100;
/// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
const NTP_UNIX_OFFSET: u64 = 2_208_988_800;

/// What a receiver knows about one remote source.
#[derive(Debug, Clone)]
pub struct ReceiverStats {
    clock_rate: u32,
    seen: bool,
    probation: u16,
    max_seq: u16,
    /// Sequence-number cycles, already multiplied by 65536 (as in A.1).
    cycles: i64,
    /// Extended first sequence number.
    base_seq: i64,
    bad_seq: u32,
    received: u64,
    expected_prior: i64,
    received_prior: u64,
    /// Last packet's arrival and RTP timestamp, for the A.8 transit difference.
    last: Option<(Instant, u32)>,
    /// Interarrival jitter in timestamp units (kept fractional; A.8 keeps it scaled by 16).
    jitter: f64,
    /// (middle 32 bits of the last SR's NTP time, when it arrived).
    last_sr: Option<(u32, Instant)>,
}

impl ReceiverStats {
    pub fn new(clock_rate: u32) -> Self {
        ReceiverStats {
            clock_rate: clock_rate.max(1),
            seen: false,
            probation: MIN_SEQUENTIAL,
            max_seq: 0,
            cycles: 0,
            base_seq: 0,
            bad_seq: 1 << 16,
            received: 0,
            expected_prior: 0,
            received_prior: 0,
            last: None,
            jitter: 0.0,
            last_sr: None,
        }
    }

    /// Records one received packet. Returns false while the source is on probation (the first
    /// packet) or after a big jump that is not yet confirmed, i.e. when RFC 3550 A.1 would not
    /// count it; the caller may still play it.
    ///
    /// Unlike A.1 literally, the packets that pass probation are counted, so a clean stream of
    /// N packets blocks N received and 0 lost.
    pub fn on_packet(&mut self, arrival: Instant, seq: u16, rtp_ts: u32) -> bool {
        if !self.seen {
            self.seen = true;
            self.max_seq = seq.wrapping_sub(1);
            self.probation = MIN_SEQUENTIAL;
        }
        let valid = self.update_seq(seq);
        if valid {
            self.update_jitter(arrival, rtp_ts);
        } else {
            // Keep the transit reference current so the first counted packet has a sane D.
            self.last = Some((arrival, rtp_ts));
        }
        valid
    }

    fn init_seq(&mut self, seq: u16) {
        self.base_seq = i64::from(seq);
        self.max_seq = seq;
        self.bad_seq = 1 << 16;
        self.cycles = 0;
        self.received = 0;
        self.received_prior = 0;
        self.expected_prior = 0;
    }

    /// RFC 3550 A.1 `update_seq`.
    fn update_seq(&mut self, seq: u16) -> bool {
        let udelta = seq.wrapping_sub(self.max_seq);
        if self.probation > 0 {
            if seq == self.max_seq.wrapping_add(1) {
                self.probation -= 1;
                self.max_seq = seq;
                if self.probation == 0 {
                    self.init_seq(seq);
                    let n = MIN_SEQUENTIAL - 1;
                    self.base_seq -= i64::from(n);
                    if self.base_seq < 0 {
                        // The probation packets were just before a wrap: count that cycle.
                        self.cycles = 1 << 16;
                        self.base_seq += 1 << 16;
                    }
                    self.received = u64::from(n);
                } else {
                    return false;
                }
            } else {
                self.probation = MIN_SEQUENTIAL - 1;
                self.max_seq = seq;
                return false;
            }
        } else if udelta < MAX_DROPOUT {
            if seq < self.max_seq {
                self.cycles += 1 << 16;
            }
            self.max_seq = seq;
        } else if udelta <= u16::MAX - MAX_MISORDER {
            // A big jump: believe it only if the next packet continues from it (restart).
            if u32::from(seq) == self.bad_seq {
                self.init_seq(seq);
                self.last = None;
            } else {
                self.bad_seq = u32::from(seq.wrapping_add(1));
                return false;
            }
        }
        // else: duplicate or reordered packet, counted but not moving max_seq.
        self.received += 1;
        true
    }

    /// RFC 3550 A.8: J += (|D| - J) / 16, D the change in transit time between packets.
    fn update_jitter(&mut self, arrival: Instant, rtp_ts: u32) {
        if let Some((prev_at, prev_ts)) = self.last {
            let rate = f64::from(self.clock_rate);
            let elapsed = if arrival >= prev_at {
                (arrival - prev_at).as_nanos() as f64
            } else {
                -((prev_at - arrival).as_nanos() as f64)
            };
            let d = elapsed * rate / 1e9 - f64::from(rtp_ts.wrapping_sub(prev_ts) as i32);
            self.jitter += (d.abs() - self.jitter) / 16.0;
        }
        self.last = Some((arrival, rtp_ts));
    }

    fn extended_max(&self) -> i64 {
        self.cycles + i64::from(self.max_seq)
    }

    fn expected(&self) -> i64 {
        if self.probation > 0 {
            return 0;
        }
        self.extended_max() - self.base_seq + 1
    }

    /// Remembers a sender report from this source (its 64-bit NTP time, and when it arrived)
    /// for the LSR/DLSR of our next report block.
    pub fn on_sender_report(&mut self, ntp: u64, now: Instant) {
        self.last_sr = Some((ntp_middle32(ntp), now));
    }

    /// Builds the next report block (RFC 3550 A.3) and starts a new loss interval.
    pub fn report_block(&mut self, ssrc: u32, now: Instant) -> ReportBlock {
        let expected = self.expected();
        let expected_interval = expected - self.expected_prior;
        let received_interval = self.received as i64 - self.received_prior as i64;
        self.expected_prior = expected;
        self.received_prior = self.received;
        let lost_interval = expected_interval - received_interval;
        let fraction_lost = if expected_interval <= 0 || lost_interval <= 0 {
            0
        } else {
            ((lost_interval << 8) / expected_interval).min(255) as u8
        };
        let (lsr, dlsr) = match self.last_sr {
            Some((lsr, at)) => {
                let since = now.saturating_duration_since(at).as_nanos() * 65536 / 1_000_000_000;
                (lsr, u32::try_from(since).unwrap_or(u32::MAX))
            }
            None => (0, 0),
        };
        ReportBlock {
            ssrc,
            fraction_lost,
            cumulative_lost: self.lost().clamp(-0x80_0000, 0x7f_ffff) as i32,
            highest_seq: if self.probation > 0 {
                0
            } else {
                self.extended_max() as u32
            },
            jitter: self.jitter as u32,
            lsr,
            dlsr,
        }
    }

    /// Packets counted as received (duplicates included, as RFC 3550 does).
    pub fn packets_received(&self) -> u64 {
        self.received
    }

    /// Cumulative loss: expected minus received; negative when duplicates outnumber losses.
    pub fn lost(&self) -> i64 {
        self.expected() - self.received as i64
    }

    /// Interarrival jitter in milliseconds.
    pub fn jitter_ms(&self) -> f64 {
        self.jitter * 1000.0 / f64::from(self.clock_rate)
    }

    /// Interarrival jitter in RTP timestamp units, unrounded.
    pub fn jitter_units(&self) -> f64 {
        self.jitter
    }
}

/// What a sender counts for its sender blocks.
#[derive(Debug, Clone)]
pub struct SenderStats {
    clock_rate: u32,
    packets: u32,
    octets: u32,
    /// When the last packet went out and its RTP timestamp, to project "now" onto the RTP clock.
    last: Option<(Instant, u32)>,
}

impl SenderStats {
    pub fn new(clock_rate: u32) -> Self {
        SenderStats {
            clock_rate: clock_rate.max(1),
            packets: 0,
            octets: 0,
            last: None,
        }
    }

    /// Counts one sent packet; `payload_len` excludes header and padding (RFC 3550 §6.4.1).
    pub fn on_sent(&mut self, now: Instant, rtp_ts: u32, payload_len: usize) {
        self.packets = self.packets.wrapping_add(1);
        self.octets = self.octets.wrapping_add(payload_len as u32);
        self.last = Some((now, rtp_ts));
    }

    /// Packets sent, wrapping at 2^32 as the SR field does.
    pub fn packets(&self) -> u32 {
        self.packets
    }

    /// Payload octets sent, wrapping at 2^32.
    pub fn octets(&self) -> u32 {
        self.octets
    }

    /// A sender report for `now` (wall clock `ntp`, see [`ntp_from_system_time`]). The RTP
    /// timestamp is the last sent one advanced by the time since, so receivers can map RTP
    /// time to wall clock (lip sync). None before anything was sent (send an RR instead).
    pub fn sender_report(
        &self,
        ssrc: u32,
        now: Instant,
        ntp: u64,
        blocks: Vec<ReportBlock>,
    ) -> Option<SenderReport> {
        let (at, ts) = self.last?;
        let ticks = now.saturating_duration_since(at).as_nanos() * u128::from(self.clock_rate)
            / 1_000_000_000;
        Some(SenderReport {
            ssrc,
            ntp_timestamp: ntp,
            rtp_timestamp: ts.wrapping_add(ticks as u32),
            packet_count: self.packets,
            octet_count: self.octets,
            blocks,
        })
    }
}

/// Round-trip time from a report block about our stream and the middle 32 bits of the NTP
/// time it arrived: A - LSR - DLSR (RFC 3550 §6.4.1). None without an LSR, or when the
/// result is negative by more than 1 ms (clock trouble); a tiny negative rounds to zero.
pub fn round_trip(block: &ReportBlock, arrival_ntp_middle32: u32) -> Option<Duration> {
    if block.lsr == 0 {
        return None;
    }
    let rtt = arrival_ntp_middle32
        .wrapping_sub(block.lsr)
        .wrapping_sub(block.dlsr) as i32;
    if rtt < -66 {
        return None;
    }
    let units = u64::from(rtt.max(0) as u32);
    Some(Duration::from_nanos(units * 1_000_000_000 / 65536))
}

/// 64-bit NTP timestamp (seconds since 1900 in the high 32 bits) of a wall-clock time.
pub fn ntp_from_system_time(t: SystemTime) -> u64 {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs() + NTP_UNIX_OFFSET;
    let frac = (u64::from(since.subsec_nanos()) << 32) / 1_000_000_000;
    secs << 32 | frac
}

/// The wall-clock time of a 64-bit NTP timestamp (era 0, i.e. before 2036).
pub fn ntp_to_system_time(ntp: u64) -> SystemTime {
    let secs = (ntp >> 32).saturating_sub(NTP_UNIX_OFFSET);
    let nanos = ((ntp & 0xffff_ffff) * 1_000_000_000) >> 32;
    UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_nanos(nanos)
}

/// The middle 32 bits of an NTP timestamp, the compact form used in LSR (16.16 seconds).
pub fn ntp_middle32(ntp: u64) -> u32 {
    (ntp >> 16) as u32
}
