//! Sans-IO RTP for the call engine (RFC 3550/3551 and friends): packet parse/write, RTCP
//! compound packets with SR/RR/SDES/BYE and feedback (RFC 4585/5104), receiver and sender
//! statistics, RFC 4733 DTMF, an audio jitter buffer and H.264 packetization (RFC 6184).
//!
//! Nothing here owns a socket, a clock or an RNG: arrival times (`Instant`), wall-clock NTP
//! timestamps and RTP timestamps are passed in, so every piece is deterministic under test.
//! SRTP sits below this layer: it hands us plaintext packets and takes ours.
//!
//! ```text
//! receive: bytes -> is_rtcp? yes -> parse_compound -> RtcpPacket...
//!                            no  -> RtpPacket::parse -> ReceiverStats::on_packet, then by PT:
//!            audio -> JitterBuffer::push | video -> h264::Depacketizer | DTMF -> DtmfReceiver
//! send:    every 20 ms: DtmfSender::poll, else audio -> RtpHeader::write, SenderStats::on_sent
//! ```

pub mod dtmf;
pub mod feedback;
pub mod h264;
pub mod jitter;
pub mod ntp_clock;
pub mod packet;
pub mod report;
pub mod rtcp;
pub mod stats;

#[cfg(test)]
mod tests;

pub use dtmf::{DtmfPacket, DtmfReceiver, DtmfSender};
pub use feedback::FirEntry;
pub use h264::{Depacketizer, packetize};
pub use jitter::{JitterBuffer, Playout};
pub use ntp_clock::NtpClock;
pub use packet::{RtpError, RtpHeader, RtpPacket, is_rtcp};
pub use report::report_head;
pub use rtcp::{
    ReceiverReport, ReportBlock, RtcpPacket, SenderReport, parse_compound, write_compound,
};
pub use stats::{ReceiverStats, SenderStats, ntp_from_system_time, ntp_middle32, round_trip};
