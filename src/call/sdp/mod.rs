//! SDP for the room device's SIP call engine: parse and write session descriptions
//! (RFC 8866), SDES keys (RFC 4568), and offer/answer (RFC 3264) for audio, main video,
//! slides and BFCP.
//!
//! Sans-IO: no sockets, no clock, no RNG. Key material comes from the caller through
//! [`KeySource`]; everything else is a pure function of its inputs.
//!
//! ```text
//! outgoing call:  create_offer -> (send offer) -> accept_answer(state, answer) -> Negotiated
//! incoming call:  SessionDescription::parse(body) -> create_answer -> (send answer), Negotiated
//! re-INVITE:      hold / resume / reoffer(last SDP we sent) -> accept_answer
//! ```

mod accept;
mod answer;
mod attrs;
mod bfcp;
mod codecs;
mod crypto;
mod lines;
mod negotiate;
mod offer;
mod parse;
mod session;
mod write;

#[cfg(test)]
mod tests;

pub use accept::accept_answer;
pub use answer::{create_answer, create_answer_with_direction};
pub use attrs::{Direction, FloorCtrl, FloorId, Rtcp, RtpMap, Setup};
pub use codecs::{Codec, H264_PT, OPUS_PT, TELEPHONE_EVENT_PT};
pub use crypto::{CryptoAttribute, CryptoSuite, KeyParam};
pub use lines::SLIDES_LABEL;
pub use negotiate::{
    BfcpParams, BfcpTransport, Encryption, FloorRole, KeySource, LocalMedia, Negotiated,
    NegotiatedStream, OfferState, Rejected, SrtpKeys, StreamKind,
};
pub use offer::{create_offer, hold, reoffer, resume};
pub use session::{
    Attribute, Bandwidth, Connection, MediaDescription, MediaKind, Origin, SdpError,
    SessionDescription, Timing,
};
