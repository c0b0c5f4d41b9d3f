//! One call's main video stream, sans-IO: the source's access units go out as SRTP-protected
//! H.264 RTP at the source's frame rate; NACKs are answered from the send history, PLI and
//! FIR turn the next frame into a key frame; received packets are authenticated, reordered
//! and reassembled into access units for the sink, with NACK and PLI sent back as the
//! receiver asks. RTCP SR/RR go out every few seconds, as for audio.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::history::{DEFAULT_CAPACITY, History};
use super::receiver::{Feedback, FrameReceiver};
use super::sender::FrameSender;
use super::source::VideoSource;
use crate::call::media::link::Link;
use crate::call::media::rtp::{
    NtpClock, ReceiverStats, ReportBlock, RtcpPacket, RtpPacket, SenderStats, is_rtcp, report_head,
};
use crate::call::media::session::Outgoing;
use crate::call::media::srtp::SrtpError;
use crate::call::sdp::NegotiatedStream;

/// H.264's RTP clock (RFC 6184 §8.2.1).
const CLOCK_RATE: u32 = 90_000;
/// RTCP every 5 s, like audio (RFC 3550's minimum for a two-party session).
const RTCP_INTERVAL: Duration = Duration::from_secs(5);
/// After a stall (the task was not scheduled), skip frames rather than send a burst.
const MAX_CATCH_UP: u32 = 3;
/// A new far-end SSRC is taken only after the current one fell silent this long.
const SSRC_TAKEOVER: Duration = Duration::from_secs(2);

/// What the call's status shows about its video.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VideoStats {
    pub codec: String,
    pub encrypted: bool,
    pub frames_sent: u64,
    pub frames_received: u64,
    pub key_frames_sent: u64,
    pub key_frames_received: u64,
    /// Incomplete or undecodable frames not handed to the sink.
    pub frames_dropped: u64,
    pub packets_sent: u64,
    pub packets_received: u64,
    pub packets_lost: i64,
    pub packets_retransmitted: u64,
    pub jitter_ms: f64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// NACK packets (not sequence numbers) each way.
    pub nacks_sent: u64,
    pub nacks_received: u64,
    pub plis_sent: u64,
    pub plis_received: u64,
    /// FIR entries for us, repeats included.
    pub firs_received: u64,
    pub auth_failures: u64,
    pub round_trip_ms: Option<u64>,
    /// Frames per second we send (the source's rate).
    pub frame_rate: u32,
    /// Complete frames received in the last second.
    pub receive_frame_rate: u32,
}

pub struct VideoSession {
    link: Link,
    payload_type: u8,
    sends: bool,
    ssrc: u32,
    timestamp: u32,
    ticks: u32,
    interval: Duration,
    source: Box<dyn VideoSource>,
    sender: FrameSender,
    history: History,
    receiver: FrameReceiver,
    stats: ReceiverStats,
    sender_stats: SenderStats,
    ntp: NtpClock,
    remote_ssrc: Option<u32>,
    next_frame: Instant,
    next_rtcp: Instant,
    /// Retransmissions waiting for the next `poll_transmit`, and when they were asked for.
    pending: Vec<Outgoing>,
    pending_since: Option<Instant>,
    /// When the far end's current SSRC last sent RTP.
    last_rtp: Option<Instant>,
    /// When each frame of the last second was completed, for the received frame rate.
    frame_times: VecDeque<Instant>,
    counters: VideoStats,
}

impl VideoSession {
    /// A session for a negotiated H.264 video stream. `ssrc` comes from the caller's RNG.
    pub fn new(
        stream: &NegotiatedStream,
        source: Box<dyn VideoSource>,
        ssrc: u32,
        now: Instant,
        ntp_now: u64,
    ) -> Result<VideoSession, String> {
        let remote = stream.remote.ok_or("the video line is disabled")?;
        let codec = stream.codec.as_ref().ok_or("no video codec was agreed")?;
        if !codec.name.eq_ignore_ascii_case("H264") {
            return Err(format!("no video engine for {}", codec.name));
        }
        let mode1 = codec
            .fmtp
            .as_deref()
            .unwrap_or("")
            .split(';')
            .any(|p| p.trim().eq_ignore_ascii_case("packetization-mode=1"));
        let link = Link::new(stream, remote)?;
        let fps = source.frame_rate().clamp(1, 120);
        let counters = VideoStats {
            codec: codec.name.clone(),
            encrypted: link.encrypted(),
            frame_rate: fps,
            ..VideoStats::default()
        };
        Ok(VideoSession {
            link,
            payload_type: codec.payload_type,
            sends: stream.direction.sends(),
            ssrc,
            timestamp: ssrc.rotate_left(11),
            ticks: CLOCK_RATE / fps,
            interval: Duration::from_nanos(1_000_000_000 / u64::from(fps)),
            source,
            sender: FrameSender::new(ssrc, codec.payload_type, mode1),
            history: History::new(DEFAULT_CAPACITY),
            receiver: FrameReceiver::new(),
            stats: ReceiverStats::new(CLOCK_RATE),
            sender_stats: SenderStats::new(CLOCK_RATE),
            ntp: NtpClock::new(now, ntp_now),
            remote_ssrc: None,
            next_frame: now,
            next_rtcp: now + Duration::from_secs(1),
            pending: Vec::new(),
            pending_since: None,
            last_rtp: None,
            frame_times: VecDeque::new(),
            counters,
        })
    }

    /// A re-INVITE changed the stream: follow its direction (hold), address and keys
    /// (re-keying, RFC 4568 §7.1.4). Packets kept for resending were protected with the old
    /// keys, so a re-key forgets them.
    pub fn update(&mut self, stream: &NegotiatedStream) -> Result<(), String> {
        let sends = stream.direction.sends();
        if sends && !self.sends {
            // Resuming: the far end's decoder needs a fresh start.
            self.sender.on_pli();
        }
        self.sends = sends;
        if self.link.update(stream)? {
            // What was sent under the old keys cannot be resent under the new ones.
            self.history.clear();
        }
        Ok(())
    }

    /// RTCP goes to the RTP address (rtcp-mux), so it should leave from the RTP port.
    pub fn rtcp_muxed(&self) -> bool {
        self.link.rtcp_muxed()
    }

    pub fn poll_timeout(&self) -> Instant {
        let mut t = self.next_frame.min(self.next_rtcp);
        if let Some(r) = self.receiver.poll_timeout() {
            t = t.min(r);
        }
        if let Some(p) = self.pending_since {
            t = t.min(p);
        }
        t
    }

    /// Everything due at `now`: video frames, retransmissions, feedback and reports.
    pub fn poll_transmit(&mut self, now: Instant, out: &mut Vec<Outgoing>) {
        self.prune_frame_times(now);
        out.append(&mut self.pending);
        self.pending_since = None;
        if now > self.next_frame + self.interval * MAX_CATCH_UP {
            self.next_frame = now;
        }
        while self.next_frame <= now {
            self.send_frame(now, out);
            self.next_frame += self.interval;
        }
        let feedback = self.receiver.poll(now);
        if feedback != Feedback::default() {
            self.send_rtcp(now, feedback, out);
        }
        if self.next_rtcp <= now {
            self.send_rtcp(now, Feedback::default(), out);
            self.next_rtcp = now + RTCP_INTERVAL;
        }
    }

    fn send_frame(&mut self, now: Instant, out: &mut Vec<Outgoing>) {
        let timestamp = self.timestamp;
        // The RTP clock runs on during hold, as for audio.
        self.timestamp = self.timestamp.wrapping_add(self.ticks);
        if !self.sends {
            return;
        }
        let nals = self.source.next_frame(self.sender.wants_key_frame());
        let (packets, key) = self.sender.packetize(&nals, timestamp);
        if packets.is_empty() {
            return;
        }
        self.counters.frames_sent += 1;
        self.counters.key_frames_sent += u64::from(key);
        for packet in packets {
            let Some(sent) = self.link.rtp(packet.bytes) else {
                continue;
            };
            self.counters.packets_sent += 1;
            self.counters.bytes_sent += packet.payload_len as u64;
            self.sender_stats
                .on_sent(now, timestamp, packet.payload_len);
            self.history.push(packet.sequence, sent.bytes.clone());
            out.push(sent);
        }
    }

    /// A compound RTCP packet: SR (or RR), CNAME, then any feedback (RFC 4585 §3.1).
    fn send_rtcp(&mut self, now: Instant, feedback: Feedback, out: &mut Vec<Outgoing>) {
        let mut packets = report_head(
            self.ssrc,
            self.remote_ssrc,
            &mut self.stats,
            &mut self.sender_stats,
            self.ntp.at(now),
            now,
        );
        let media_ssrc = self.remote_ssrc.unwrap_or(0);
        if !feedback.nack.is_empty() {
            packets.push(RtcpPacket::Nack {
                sender_ssrc: self.ssrc,
                media_ssrc,
                lost: feedback.nack,
            });
        }
        if feedback.pli {
            packets.push(RtcpPacket::Pli {
                sender_ssrc: self.ssrc,
                media_ssrc,
            });
        }
        self.link.send_rtcp(&packets, out);
    }

    /// A datagram from the peer (RTP or RTCP, muxed or not). Anything malformed or
    /// unauthenticated is dropped without changing the session.
    pub fn handle_datagram(&mut self, now: Instant, mut bytes: Vec<u8>) {
        if is_rtcp(&bytes) {
            for p in self.link.receive_rtcp(bytes) {
                self.on_rtcp(now, p);
            }
            return;
        }
        if let Err(e) = self.link.unprotect_rtp(&mut bytes) {
            // A resend of a packet that did arrive is a replay, not an attack.
            if e == SrtpError::AuthenticationFailed {
                self.counters.auth_failures += 1;
            }
            return;
        }
        let Ok(packet) = RtpPacket::parse(&bytes) else {
            return;
        };
        let header = &packet.header;
        if header.payload_type != self.payload_type {
            return;
        }
        if self.remote_ssrc.is_some_and(|s| s != header.ssrc) {
            // A stray packet must not derail a live stream; a sender silent for a while
            // that comes back with a new SSRC has restarted.
            if self.last_rtp.is_some_and(|t| now < t + SSRC_TAKEOVER) {
                return;
            }
            self.receiver.reset();
            self.stats = ReceiverStats::new(CLOCK_RATE);
        }
        self.remote_ssrc = Some(header.ssrc);
        self.last_rtp = Some(now);
        self.counters.packets_received += 1;
        self.counters.bytes_received += packet.payload.len() as u64;
        self.stats.on_packet(now, header.sequence, header.timestamp);
        let before = self.receiver.counts.frames;
        self.receiver
            .on_packet(now, header.sequence, header.marker, packet.payload);
        for _ in before..self.receiver.counts.frames {
            self.frame_times.push_back(now);
        }
        self.prune_frame_times(now);
    }

    fn prune_frame_times(&mut self, now: Instant) {
        while self
            .frame_times
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= Duration::from_secs(1))
            || self.frame_times.len() > 240
        {
            self.frame_times.pop_front();
        }
    }

    fn on_rtcp(&mut self, now: Instant, packet: RtcpPacket) {
        match packet {
            RtcpPacket::SenderReport(sr) => {
                self.stats.on_sender_report(sr.ntp_timestamp, now);
                self.on_report_blocks(&sr.blocks, now);
            }
            RtcpPacket::ReceiverReport(rr) => self.on_report_blocks(&rr.blocks, now),
            RtcpPacket::Nack {
                media_ssrc, lost, ..
            } if media_ssrc == self.ssrc => {
                self.counters.nacks_received += 1;
                for seq in lost {
                    if let Some(bytes) = self.history.get(seq) {
                        self.counters.packets_retransmitted += 1;
                        self.pending.push(self.link.resend(bytes.to_vec()));
                        self.pending_since.get_or_insert(now);
                    }
                }
            }
            RtcpPacket::Pli { media_ssrc, .. } if media_ssrc == self.ssrc => {
                self.counters.plis_received += 1;
                self.sender.on_pli();
            }
            RtcpPacket::Fir {
                sender_ssrc,
                entries,
            } => {
                for e in entries.iter().filter(|e| e.ssrc == self.ssrc) {
                    self.counters.firs_received += 1;
                    self.sender.on_fir(sender_ssrc, e.seq);
                }
            }
            _ => {}
        }
    }

    /// The far end's report about our stream gives the round-trip time.
    fn on_report_blocks(&mut self, blocks: &[ReportBlock], now: Instant) {
        if let Some(rtt) = self.ntp.round_trip(blocks, self.ssrc, now) {
            self.counters.round_trip_ms = Some(rtt.as_millis() as u64);
            self.receiver.set_round_trip(rtt);
        }
    }

    /// The next received access unit (NAL units without start codes), oldest first.
    pub fn take_frame(&mut self) -> Option<Vec<Vec<u8>>> {
        self.receiver.take_frame()
    }

    pub fn stats(&self) -> VideoStats {
        let r = &self.receiver.counts;
        VideoStats {
            frames_received: r.frames,
            key_frames_received: r.key_frames,
            frames_dropped: r.frames_dropped,
            nacks_sent: r.nacks_sent,
            plis_sent: r.plis_sent,
            packets_lost: self.stats.lost(),
            receive_frame_rate: self.frame_times.len() as u32,
            jitter_ms: self.stats.jitter_ms(),
            ..self.counters.clone()
        }
    }
}
