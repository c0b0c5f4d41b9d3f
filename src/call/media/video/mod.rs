//! One call's main video stream, sans-IO, in the same shape as the audio `session`: a
//! [`VideoSource`] gives access units at its frame rate, [`sender`] turns them into H.264
//! RTP (RFC 6184) and keeps what it sent for retransmission, [`receiver`] reorders,
//! reassembles and decides when to ask for a resend (generic NACK) or a key frame (PLI),
//! and [`session`] glues both to SRTP and RTCP. The driver owns sockets and the clock. On
//! the simulated board the camera is a looped clip ([`clip`]) and the screen an Annex B
//! file ([`recorder`]).
//!
//! ```text
//! source -> FrameSender (packetize, SPS/PPS before IDR) -> SRTP -> History -> network
//! network -> SRTP -> FrameReceiver (reorder, h264::Depacketizer) -> access units -> sink
//! RTCP in: NACK -> History resend | PLI/FIR -> next frame is a key frame
//! RTCP out: SR/RR every 5 s, NACK/PLI as soon as the receiver wants them (RFC 4585)
//! ```

pub mod clip;
pub mod history;
pub mod receiver;
pub mod recorder;
pub mod sender;
pub mod session;
pub mod source;

#[cfg(test)]
mod tests;

pub use clip::ClipSource;
pub use recorder::AnnexbRecorder;
pub use session::{VideoSession, VideoStats};
pub use source::{SyntheticSource, VideoSource};

/// NAL unit types that matter for recovery (H.264 Table 7-1).
pub const NAL_IDR: u8 = 5;
pub const NAL_SPS: u8 = 7;
pub const NAL_PPS: u8 = 8;

/// The NAL unit type of a NAL (without start code); 0 for an empty one.
pub fn nal_type(nal: &[u8]) -> u8 {
    nal.first().map_or(0, |b| b & 0x1f)
}

/// An access unit is a key frame when it carries an IDR slice.
pub fn is_key_frame<N: AsRef<[u8]>>(nals: &[N]) -> bool {
    nals.iter().any(|n| nal_type(n.as_ref()) == NAL_IDR)
}
