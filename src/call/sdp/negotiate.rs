//! The vocabulary of offer/answer (RFC 3264) for the room device: what we have locally,
//! where key material comes from, what a finished negotiation yields per stream, and why a
//! session was refused. The procedures live in `offer.rs`, `answer.rs` and `accept.rs`.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use super::attrs::{Direction, FloorId, Setup};
use super::codecs::Codec;
use super::crypto::CryptoSuite;
use super::session::SessionDescription;

/// Media encryption policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encryption {
    /// Plain RTP only; SRTP offers are refused.
    Off,
    /// SRTP when the peer can, plain RTP otherwise.
    BestEffort,
    /// SRTP or no call (488).
    Required,
}

/// What this device brings to a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalMedia {
    pub address: IpAddr,
    pub audio_port: u16,
    pub video_port: u16,
    pub slides_port: u16,
    pub bfcp_port: u16,
    pub encryption: Encryption,
    pub video: bool,
    /// Offer/accept the slides video line and the BFCP line that controls it.
    pub presentation: bool,
    /// Session bandwidth written as `b=AS`; 0 writes none.
    pub bandwidth_kbps: u32,
}

/// Random bytes for SRTP master keys. The caller owns the RNG; this module never makes one.
pub struct KeySource<'a>(pub &'a mut dyn FnMut(&mut [u8]));

impl KeySource<'_> {
    /// A fresh master key||salt of the length `suite` needs.
    pub fn key_for(&mut self, suite: CryptoSuite) -> Vec<u8> {
        let mut key = vec![0u8; suite.master_len()];
        (self.0)(&mut key);
        key
    }
}

/// Why we refuse an offer (sent as the SIP status) or cannot use an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// 488 Not Acceptable Here.
    pub status: u16,
    pub reason: String,
}

impl Rejected {
    pub(crate) fn not_acceptable(reason: impl Into<String>) -> Self {
        Rejected {
            status: 488,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.reason)
    }
}

impl std::error::Error for Rejected {}

/// The role an m-line plays in a room-device call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamKind {
    Audio,
    MainVideo,
    /// The presentation (content) video line, `a=content:slides`.
    Slides,
    /// The floor-control line for `Slides`.
    Bfcp,
}

/// SRTP master keys for one stream (key||salt each, `suite.master_len()` bytes).
#[derive(Clone, PartialEq, Eq)]
pub struct SrtpKeys {
    pub suite: CryptoSuite,
    /// The `a=crypto` tag both sides agreed on.
    pub tag: u32,
    /// Protects what we send.
    pub local_key: Vec<u8>,
    /// Unprotects what we receive.
    pub remote_key: Vec<u8>,
}

// Keys stay out of logs.
impl fmt::Debug for SrtpKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SrtpKeys")
            .field("suite", &self.suite)
            .field("tag", &self.tag)
            .field(
                "local_key",
                &format_args!("<{} bytes>", self.local_key.len()),
            )
            .field(
                "remote_key",
                &format_args!("<{} bytes>", self.remote_key.len()),
            )
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BfcpTransport {
    Tcp,
    Udp,
}

/// Our side of the BFCP floor-control relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloorRole {
    Client,
    Server,
}

/// What the BFCP engine needs to run the floor for the slides stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BfcpParams {
    pub transport: BfcpTransport,
    pub role: FloorRole,
    /// For TCP: `Active` = we connect, `Passive` = we listen. `None` for UDP.
    pub tcp_setup: Option<Setup>,
    pub conference_id: Option<u32>,
    pub user_id: Option<u16>,
    pub floors: Vec<FloorId>,
}

/// The outcome for one m-line we know how to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NegotiatedStream {
    /// Index of the m-line in both offer and answer.
    pub mline: usize,
    pub kind: StreamKind,
    /// Where to send; `None` when the line is disabled (port 0) or rejected. With RFC 2543
    /// hold (`c=0.0.0.0`) this is the unspecified address and `direction` does not send.
    pub remote: Option<SocketAddr>,
    /// Our port for this line (0 when disabled).
    pub local_port: u16,
    /// The media codec; `payload_type` is the one to send with (the peer's number), `fmtp`
    /// the peer's parameters. `None` for BFCP and disabled lines.
    pub codec: Option<Codec>,
    /// RFC 4733 telephone-event payload type to send DTMF with.
    pub dtmf_payload_type: Option<u8>,
    /// From our point of view.
    pub direction: Direction,
    pub srtp: Option<SrtpKeys>,
    pub rtcp_mux: bool,
    pub remote_rtcp: Option<SocketAddr>,
    pub bfcp: Option<BfcpParams>,
}

impl NegotiatedStream {
    pub(crate) fn disabled(mline: usize, kind: StreamKind) -> Self {
        NegotiatedStream {
            mline,
            kind,
            remote: None,
            local_port: 0,
            codec: None,
            dtmf_payload_type: None,
            direction: Direction::Inactive,
            srtp: None,
            rtcp_mux: false,
            remote_rtcp: None,
            bfcp: None,
        }
    }

    /// The line was accepted by both sides.
    pub fn is_enabled(&self) -> bool {
        self.remote.is_some()
    }
}

/// Everything the media layer needs after a completed offer/answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    /// One entry per m-line we recognise, in m-line order (disabled ones included).
    pub streams: Vec<NegotiatedStream>,
    /// Every enabled RTP stream uses SRTP (false when no RTP stream is enabled).
    pub encrypted: bool,
}

impl Negotiated {
    pub(crate) fn new(streams: Vec<NegotiatedStream>) -> Self {
        let mut rtp = streams
            .iter()
            .filter(|s| s.is_enabled() && s.kind != StreamKind::Bfcp)
            .peekable();
        let encrypted = rtp.peek().is_some() && rtp.all(|s| s.srtp.is_some());
        Negotiated { streams, encrypted }
    }

    /// The first stream of `kind`.
    pub fn stream(&self, kind: StreamKind) -> Option<&NegotiatedStream> {
        self.streams.iter().find(|s| s.kind == kind)
    }
}

/// What we offered, kept until the answer arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferState {
    /// The offer exactly as sent (our keys are in its `a=crypto` lines).
    pub offer: SessionDescription,
    /// The role of each m-line; `None` for lines we only carry (port 0).
    pub kinds: Vec<Option<StreamKind>>,
}
