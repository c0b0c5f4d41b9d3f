//! One call's audio stream, sans-IO: every 20 ms a frame from the source is encoded, put in
//! RTP, protected with SRTP and handed out; received packets are authenticated, decrypted,
//! reordered in the jitter buffer and decoded for the sink; DTMF goes both ways as RFC 4733
//! events; RTCP reports go out every few seconds. The driver owns the sockets and the clock.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::audio::{self, CodecName, Decoder, Encoder, Source};
use super::link::Link;
use super::rtp::{
    DtmfReceiver, DtmfSender, JitterBuffer, NtpClock, Playout, ReceiverStats, ReportBlock,
    RtcpPacket, RtpHeader, RtpPacket, SenderStats, is_rtcp, report_head,
};
use crate::call::sdp::NegotiatedStream;

/// Audio frames are 20 ms, as every codec here and every peer we meet uses.
const FRAME: Duration = Duration::from_millis(20);
/// RTCP every 5 s (RFC 3550's minimum interval for a two-party session).
const RTCP_INTERVAL: Duration = Duration::from_secs(5);

/// Where a datagram goes: the RTP or the RTCP address of the peer.
#[derive(Debug)]
pub struct Outgoing {
    pub to: SocketAddr,
    pub rtcp: bool,
    pub bytes: Vec<u8>,
}

/// What the call's status shows about its audio.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AudioStats {
    pub codec: String,
    pub encrypted: bool,
    pub packets_sent: u64,
    pub packets_received: u64,
    pub packets_lost: i64,
    pub jitter_ms: f64,
    /// Payload octets, both ways.
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// Packets that failed SRTP authentication (counted, then dropped).
    pub auth_failures: u64,
    /// From the far end's reports about our stream (RFC 3550 §6.4.1), once it sent one.
    pub round_trip_ms: Option<u64>,
}

pub struct AudioSession {
    link: Link,
    payload_type: u8,
    clock_rate: u32,
    codec: CodecName,
    encoder: Box<dyn Encoder>,
    decoder: Box<dyn Decoder>,
    source: Source,
    sends: bool,
    ssrc: u32,
    sequence: u16,
    timestamp: u32,
    first_packet: bool,
    jitter: JitterBuffer,
    stats: ReceiverStats,
    sender: SenderStats,
    /// The wall clock as a 64-bit NTP time at an instant, for sender reports and RTT.
    ntp: NtpClock,
    remote_ssrc: Option<u32>,
    dtmf_out: Option<DtmfSender>,
    dtmf_in: DtmfReceiver,
    dtmf_payload_type: Option<u8>,
    next_frame: Instant,
    next_rtcp: Instant,
    played: VecDeque<Vec<i16>>,
    digits: VecDeque<char>,
    counters: AudioStats,
    pcm: Vec<i16>,
}

impl AudioSession {
    /// A session for a negotiated audio stream. `ssrc` comes from the caller's RNG.
    pub fn new(
        stream: &NegotiatedStream,
        source: Source,
        ssrc: u32,
        now: Instant,
        ntp_now: u64,
    ) -> Result<AudioSession, String> {
        let remote = stream.remote.ok_or("the audio line is disabled")?;
        let codec_desc = stream.codec.as_ref().ok_or("no audio codec was agreed")?;
        let codec = audio::codec_from_rtpmap(&codec_desc.name, codec_desc.clock_rate)
            .ok_or_else(|| format!("no audio engine for {}", codec_desc.name))?;
        let link = Link::new(stream, remote)?;
        let clock_rate = codec_desc.clock_rate;
        let encoder = audio::encoder(codec);
        let decoder = audio::decoder(codec);
        let counters = AudioStats {
            codec: codec_desc.name.clone(),
            encrypted: link.encrypted(),
            ..AudioStats::default()
        };
        Ok(AudioSession {
            link,
            payload_type: codec_desc.payload_type,
            clock_rate,
            codec,
            encoder,
            decoder,
            source,
            sends: stream.direction.sends(),
            ssrc,
            sequence: (ssrc >> 16) as u16,
            timestamp: ssrc.rotate_left(7),
            first_packet: true,
            jitter: JitterBuffer::new(20, clock_rate),
            stats: ReceiverStats::new(clock_rate),
            sender: SenderStats::new(clock_rate),
            ntp: NtpClock::new(now, ntp_now),
            remote_ssrc: None,
            dtmf_out: stream
                .dtmf_payload_type
                .map(|pt| DtmfSender::new(pt, clock_rate)),
            dtmf_in: DtmfReceiver::default(),
            dtmf_payload_type: stream.dtmf_payload_type,
            next_frame: now,
            next_rtcp: now + Duration::from_secs(1),
            played: VecDeque::new(),
            digits: VecDeque::new(),
            counters,
            pcm: Vec::new(),
        })
    }

    /// A re-INVITE changed the stream: follow its direction (hold), address and keys
    /// (re-keying, RFC 4568 §7.1.4). The codec stays; a codec change restarts the session.
    pub fn update(&mut self, stream: &NegotiatedStream) -> Result<(), String> {
        self.sends = stream.direction.sends();
        self.link.update(stream)?;
        Ok(())
    }

    /// RTCP goes to the RTP address (rtcp-mux), so it should leave from the RTP port.
    pub fn rtcp_muxed(&self) -> bool {
        self.link.rtcp_muxed()
    }

    pub fn codec(&self) -> CodecName {
        self.codec
    }

    /// RTP timestamp units per 20 ms frame (G.722's RTP clock is 8 kHz though it samples
    /// at 16 kHz, RFC 3551 §4.5.2).
    fn frame_ticks(&self) -> u32 {
        self.clock_rate / 50
    }

    /// Queues digits to send as RFC 4733 events.
    pub fn send_dtmf(&mut self, digits: &str) -> Result<(), String> {
        match self.dtmf_out.as_mut() {
            Some(sender) => sender.queue(digits),
            None => Err("the far end did not agree to telephone-event".into()),
        }
    }

    pub fn poll_timeout(&self) -> Instant {
        self.next_frame.min(self.next_rtcp)
    }

    /// Everything due at `now`: audio or DTMF packets, RTCP, and a frame of playout.
    pub fn poll_transmit(&mut self, now: Instant, out: &mut Vec<Outgoing>) {
        while self.next_frame <= now {
            self.send_frame(now, out);
            self.play_frame(now);
            self.next_frame += FRAME;
        }
        if self.next_rtcp <= now {
            self.send_report(now, out);
            self.next_rtcp = now + RTCP_INTERVAL;
        }
    }

    fn send_frame(&mut self, now: Instant, out: &mut Vec<Outgoing>) {
        let ticks = self.frame_ticks();
        let mut payload = Vec::with_capacity(200);
        let mut header = RtpHeader {
            marker: self.first_packet,
            payload_type: self.payload_type,
            sequence: self.sequence,
            timestamp: self.timestamp,
            ssrc: self.ssrc,
            csrcs: Vec::new(),
            extension: None,
        };
        let dtmf = self
            .dtmf_out
            .as_mut()
            .and_then(|d| d.next_packet(self.timestamp));
        match dtmf {
            Some(event) => {
                header.payload_type = event.payload_type;
                header.marker = event.marker;
                header.timestamp = event.timestamp;
                payload.extend_from_slice(&event.payload);
            }
            None => {
                let rate = self.encoder.sample_rate();
                let samples = (rate / 50) as usize;
                self.pcm.clear();
                self.source.next_frame(rate, samples, &mut self.pcm);
                self.encoder.encode(&self.pcm, &mut payload);
            }
        }
        // Time runs on while we hold the call; sequence numbers count only packets sent, so
        // the far end sees no loss when we resume.
        self.timestamp = self.timestamp.wrapping_add(ticks);
        if !self.sends {
            return;
        }
        self.first_packet = false;
        self.sequence = self.sequence.wrapping_add(1);
        let mut packet = Vec::with_capacity(payload.len() + 32);
        header.write(&payload, &mut packet);
        let Some(packet) = self.link.rtp(packet) else {
            return;
        };
        self.counters.packets_sent += 1;
        self.counters.bytes_sent += payload.len() as u64;
        self.sender.on_sent(now, header.timestamp, payload.len());
        out.push(packet);
    }

    fn play_frame(&mut self, now: Instant) {
        let mut pcm = Vec::with_capacity(320);
        match self.jitter.pop(now) {
            Playout::Frame(payload) => self.decoder.decode(&payload, &mut pcm),
            Playout::Missing => self.decoder.conceal(&mut pcm),
            Playout::Nothing => return,
        }
        self.played.push_back(pcm);
        // The sink drains this; never let it grow without bound if nobody listens.
        while self.played.len() > 500 {
            self.played.pop_front();
        }
    }

    fn send_report(&mut self, now: Instant, out: &mut Vec<Outgoing>) {
        let packets = report_head(
            self.ssrc,
            self.remote_ssrc,
            &mut self.stats,
            &mut self.sender,
            self.ntp.at(now),
            now,
        );
        self.link.send_rtcp(&packets, out);
    }

    /// A datagram from the peer (RTP or RTCP, muxed or not).
    pub fn handle_datagram(&mut self, now: Instant, mut bytes: Vec<u8>) {
        if is_rtcp(&bytes) {
            // Early RTCP that fails to decrypt is tolerated (baresip sends one at start).
            for p in self.link.receive_rtcp(bytes) {
                match p {
                    RtcpPacket::SenderReport(sr) => {
                        self.stats.on_sender_report(sr.ntp_timestamp, now);
                        self.on_report_blocks(&sr.blocks, now);
                    }
                    RtcpPacket::ReceiverReport(rr) => self.on_report_blocks(&rr.blocks, now),
                    _ => {}
                }
            }
            return;
        }
        if self.link.unprotect_rtp(&mut bytes).is_err() {
            self.counters.auth_failures += 1;
            return;
        }
        let Ok(packet) = RtpPacket::parse(&bytes) else {
            return;
        };
        let header = &packet.header;
        self.remote_ssrc = Some(header.ssrc);
        self.counters.packets_received += 1;
        self.counters.bytes_received += packet.payload.len() as u64;
        self.stats.on_packet(now, header.sequence, header.timestamp);
        if Some(header.payload_type) == self.dtmf_payload_type {
            if let Some(digit) = self.dtmf_in.on_packet(header.timestamp, packet.payload) {
                self.digits.push_back(digit);
            }
            return;
        }
        if header.payload_type == self.payload_type {
            self.jitter
                .push(now, header.sequence, header.timestamp, packet.payload);
        }
    }

    /// The far end's report about our stream gives the round-trip time.
    fn on_report_blocks(&mut self, blocks: &[ReportBlock], now: Instant) {
        if let Some(rtt) = self.ntp.round_trip(blocks, self.ssrc, now) {
            self.counters.round_trip_ms = Some(rtt.as_millis() as u64);
        }
    }

    /// Decoded audio ready for the sink, oldest first.
    pub fn take_played(&mut self) -> Option<Vec<i16>> {
        self.played.pop_front()
    }

    /// The sample rate of what `take_played` returns.
    pub fn playout_rate(&self) -> u32 {
        self.decoder.sample_rate()
    }

    /// A DTMF digit the far end sent.
    pub fn take_digit(&mut self) -> Option<char> {
        self.digits.pop_front()
    }

    pub fn stats(&self) -> AudioStats {
        AudioStats {
            packets_lost: self.stats.lost(),
            jitter_ms: self.stats.jitter_ms(),
            ..self.counters.clone()
        }
    }
}
