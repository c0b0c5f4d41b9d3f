//! DTMF as RTP telephone-events (RFC 4733): a sender driven by the media session's 20 ms
//! packet clock, and a receiver that reports each digit once. Payload (§2.3):
//! `event(8) | E(1) R(1) volume(6) | duration(16)`, duration in RTP timestamp units.

use std::collections::VecDeque;

/// Digits queued beyond this are refused, so a runaway `Call DTMFSend` cannot grow memory.
const MAX_QUEUE: usize = 256;
/// -10 dBm0, the level RFC 4733 examples and most phones use.
const VOLUME: u8 = 10;
/// RFC 4733 §2.5.1.4: the final packet is sent three times.
const END_PACKETS: u8 = 3;

/// One packet to send instead of audio: put `payload_type`, `timestamp` and `marker` in the
/// RTP header with the stream's next sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DtmfPacket {
    pub payload_type: u8,
    pub marker: bool,
    pub timestamp: u32,
    pub payload: [u8; 4],
}

#[derive(Debug, Clone, Copy)]
enum State {
    Idle,
    Tone {
        event: u8,
        start: u32,
        first: bool,
    },
    Ending {
        event: u8,
        start: u32,
        duration: u16,
        left: u8,
    },
    /// Silence until `rtp_ts - tone_end >= gap`.
    Gap {
        tone_end: u32,
    },
}

/// Sends queued digits. The session calls [`DtmfSender::poll`] once per packet interval with
/// the RTP timestamp the next audio packet would carry; `Some` means send that packet
/// instead of audio.
///
/// Per digit: packets every interval with one timestamp (the tone start), the first with the
/// marker bit, duration growing by one interval each; when the duration reaches the tone
/// length (100 ms) the packet has E=1 and is sent three times; then at least 50 ms of audio
/// (the gap, counted from the tone's end) before the next digit.
#[derive(Debug, Clone)]
pub struct DtmfSender {
    payload_type: u8,
    queue: VecDeque<u8>,
    state: State,
    tone: u32,
    gap: u32,
    ptime: u32,
}

impl DtmfSender {
    /// 100 ms tones, 50 ms gaps, 20 ms packets.
    pub fn new(payload_type: u8, clock_rate: u32) -> Self {
        Self::with_timing(payload_type, clock_rate, 100, 50, 20)
    }

    /// Custom tone length, inter-digit gap and packet interval, in milliseconds.
    pub fn with_timing(
        payload_type: u8,
        clock_rate: u32,
        tone_ms: u32,
        gap_ms: u32,
        ptime_ms: u32,
    ) -> Self {
        let units = |ms: u32| (u64::from(clock_rate) * u64::from(ms) / 1000).min(0xffff) as u32;
        DtmfSender {
            payload_type,
            queue: VecDeque::new(),
            state: State::Idle,
            tone: units(tone_ms).max(1),
            gap: units(gap_ms),
            ptime: units(ptime_ms).max(1),
        }
    }

    pub fn payload_type(&self) -> u8 {
        self.payload_type
    }

    /// Queues digits `0-9 * # A-D` (lower case accepted). Nothing is queued if any character
    /// is not a digit or the queue would exceed 256.
    pub fn queue(&mut self, digits: &str) -> Result<(), String> {
        let events = digits
            .chars()
            .map(|c| event_of(c).ok_or_else(|| format!("not a DTMF digit: {c:?}")))
            .collect::<Result<Vec<u8>, String>>()?;
        if self.queue.len() + events.len() > MAX_QUEUE {
            return Err(format!("too many DTMF digits queued (at most {MAX_QUEUE})"));
        }
        self.queue.extend(events);
        Ok(())
    }

    /// True while a digit is playing, ending, in its gap, or queued.
    pub fn is_busy(&self) -> bool {
        !matches!(self.state, State::Idle) || !self.queue.is_empty()
    }

    /// Same as [`DtmfSender::poll`].
    pub fn next_packet(&mut self, rtp_ts: u32) -> Option<DtmfPacket> {
        self.poll(rtp_ts)
    }

    fn packet(
        &self,
        marker: bool,
        timestamp: u32,
        event: u8,
        end: bool,
        duration: u16,
    ) -> DtmfPacket {
        let d = duration.to_be_bytes();
        DtmfPacket {
            payload_type: self.payload_type,
            marker,
            timestamp,
            payload: [event, u8::from(end) << 7 | VOLUME, d[0], d[1]],
        }
    }

    /// The packet to send in the interval starting at `rtp_ts`, if any.
    pub fn poll(&mut self, rtp_ts: u32) -> Option<DtmfPacket> {
        loop {
            match self.state {
                State::Idle => {
                    let event = self.queue.pop_front()?;
                    self.state = State::Tone {
                        event,
                        start: rtp_ts,
                        first: true,
                    };
                }
                State::Tone {
                    event,
                    start,
                    first,
                } => {
                    let duration = rtp_ts.wrapping_sub(start).saturating_add(self.ptime);
                    if duration >= self.tone {
                        let duration = self.tone as u16;
                        self.state = State::Ending {
                            event,
                            start,
                            duration,
                            left: END_PACKETS - 1,
                        };
                        return Some(self.packet(first, start, event, true, duration));
                    }
                    self.state = State::Tone {
                        event,
                        start,
                        first: false,
                    };
                    return Some(self.packet(first, start, event, false, duration as u16));
                }
                State::Ending {
                    event,
                    start,
                    duration,
                    left,
                } => {
                    self.state = if left > 1 {
                        State::Ending {
                            event,
                            start,
                            duration,
                            left: left - 1,
                        }
                    } else {
                        State::Gap {
                            tone_end: start.wrapping_add(u32::from(duration)),
                        }
                    };
                    return Some(self.packet(false, start, event, true, duration));
                }
                State::Gap { tone_end } => {
                    // Signed, so a caller's timestamp behind the tone end still waits.
                    if (rtp_ts.wrapping_sub(tone_end) as i32) < self.gap as i32 {
                        return None;
                    }
                    self.state = State::Idle;
                }
            }
        }
    }
}

/// RFC 4733 event code of a DTMF character.
pub fn event_of(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '*' => Some(10),
        '#' => Some(11),
        'A'..='D' => Some(c as u8 - b'A' + 12),
        'a'..='d' => Some(c as u8 - b'a' + 12),
        _ => None,
    }
}

/// The DTMF character of an event code (0–15).
pub fn digit_of(event: u8) -> Option<char> {
    b"0123456789*#ABCD"
        .get(usize::from(event))
        .map(|&b| char::from(b))
}

/// A decoded telephone-event payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TelephoneEvent {
    pub event: u8,
    pub end: bool,
    pub volume: u8,
    pub duration: u16,
}

/// Decodes the first 4 bytes of a telephone-event payload.
pub fn parse_event(payload: &[u8]) -> Option<TelephoneEvent> {
    let p = payload.get(..4)?;
    Some(TelephoneEvent {
        event: p[0],
        end: p[1] & 0x80 != 0,
        volume: p[1] & 0x3f,
        duration: u16::from_be_bytes([p[2], p[3]]),
    })
}

/// Reports received digits once each. An event is identified by its RTP timestamp; the
/// digit is reported on the **first packet seen** for a new timestamp (normally the start
/// packet, so there is no wait for the end; if the start packets were lost, the first end
/// packet reports it). Repeats, the three end packets and late retransmissions of recent
/// events are ignored, as is the continuation of a long event under a new timestamp
/// (RFC 4733 §2.5.1.3).
#[derive(Debug, Clone, Default)]
pub struct DtmfReceiver {
    /// Timestamps of recent events, newest last.
    recent: VecDeque<u32>,
    /// The newest event: (timestamp, event code, last duration, ended).
    current: Option<(u32, u8, u16, bool)>,
}

impl DtmfReceiver {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds one telephone-event packet (RTP timestamp and payload).
    pub fn on_packet(&mut self, rtp_ts: u32, payload: &[u8]) -> Option<char> {
        let ev = parse_event(payload)?;
        let digit = digit_of(ev.event)?;
        if self.recent.contains(&rtp_ts) {
            if let Some((ts, e, dur, ended)) = &mut self.current
                && *ts == rtp_ts
                && *e == ev.event
            {
                *dur = (*dur).max(ev.duration);
                *ended |= ev.end;
            }
            return None;
        }
        let continuation = matches!(self.current, Some((ts, e, dur, false))
            if e == ev.event && ts.wrapping_add(u32::from(dur)) == rtp_ts);
        if self.recent.len() == 8 {
            self.recent.pop_front();
        }
        self.recent.push_back(rtp_ts);
        self.current = Some((rtp_ts, ev.event, ev.duration, ev.end));
        (!continuation).then_some(digit)
    }
}
