//! The secured path to the peer that an audio or a video session sends on: where its RTP and
//! RTCP go, and the SRTP contexts of both directions, following re-INVITEs (a new address, new
//! SDES keys).

use std::net::SocketAddr;

use super::rtp::{RtcpPacket, parse_compound, write_compound};
use super::session::Outgoing;
use super::srtp::{Context, SrtpError, Suite};
use crate::call::sdp::{NegotiatedStream, SrtpKeys};

pub struct Link {
    remote: SocketAddr,
    remote_rtcp: SocketAddr,
    srtp_out: Option<Context>,
    srtp_in: Option<Context>,
    /// The SDES keys in use (ours, theirs), to notice re-keying.
    keys: (Vec<u8>, Vec<u8>),
}

impl Link {
    /// The link to `remote` for a negotiated stream, encrypted if it agreed SDES keys.
    pub fn new(stream: &NegotiatedStream, remote: SocketAddr) -> Result<Link, String> {
        let (srtp_out, srtp_in, keys) = match &stream.srtp {
            Some(keys) => {
                let (out, inn) = contexts(keys)?;
                (Some(out), Some(inn), key_pair(keys))
            }
            None => (None, None, Default::default()),
        };
        Ok(Link {
            remote,
            remote_rtcp: rtcp_address(stream, remote),
            srtp_out,
            srtp_in,
            keys,
        })
    }

    /// Follows a re-INVITE: its address and its keys (RFC 4568 §7.1.4). Returns whether the
    /// keys changed, which starts the SRTP contexts (and their indices) afresh.
    pub fn update(&mut self, stream: &NegotiatedStream) -> Result<bool, String> {
        if let Some(remote) = stream.remote {
            self.remote = remote;
            self.remote_rtcp = rtcp_address(stream, remote);
        }
        let Some(keys) = &stream.srtp else {
            return Ok(false);
        };
        let suite = Suite::from_sdp_name(keys.suite.name());
        if suite == self.srtp_out.as_ref().map(|c| c.suite()) && key_pair(keys) == self.keys {
            return Ok(false);
        }
        let (out, inn) = contexts(keys)?;
        self.srtp_out = Some(out);
        self.srtp_in = Some(inn);
        self.keys = key_pair(keys);
        Ok(true)
    }

    pub fn encrypted(&self) -> bool {
        self.srtp_out.is_some()
    }

    /// RTCP goes to the RTP address (rtcp-mux), so it should leave from the RTP port.
    pub fn rtcp_muxed(&self) -> bool {
        self.remote_rtcp == self.remote
    }

    /// An RTP packet protected and addressed; `None` if SRTP refuses it (index exhausted).
    pub fn rtp(&mut self, mut packet: Vec<u8>) -> Option<Outgoing> {
        if let Some(srtp) = self.srtp_out.as_mut() {
            srtp.protect_rtp(&mut packet).ok()?;
        }
        Some(Outgoing {
            to: self.remote,
            rtcp: false,
            bytes: packet,
        })
    }

    /// An RTP packet protected before (a retransmission of what was sent), addressed.
    pub fn resend(&self, protected: Vec<u8>) -> Outgoing {
        Outgoing {
            to: self.remote,
            rtcp: false,
            bytes: protected,
        }
    }

    /// Writes `packets` as one compound, protects it and queues it for the peer's RTCP address.
    pub fn send_rtcp(&mut self, packets: &[RtcpPacket], out: &mut Vec<Outgoing>) {
        let mut bytes = Vec::new();
        write_compound(packets, &mut bytes);
        if let Some(srtp) = self.srtp_out.as_mut()
            && srtp.protect_rtcp(&mut bytes).is_err()
        {
            return;
        }
        out.push(Outgoing {
            to: self.remote_rtcp,
            rtcp: true,
            bytes,
        });
    }

    /// Authenticates and decrypts a received RTP packet in place (nothing to do unencrypted).
    pub fn unprotect_rtp(&mut self, bytes: &mut Vec<u8>) -> Result<(), SrtpError> {
        match self.srtp_in.as_mut() {
            Some(srtp) => srtp.unprotect_rtp(bytes),
            None => Ok(()),
        }
    }

    /// The packets of a received RTCP compound; none if it fails authentication or parsing.
    pub fn receive_rtcp(&mut self, mut bytes: Vec<u8>) -> Vec<RtcpPacket> {
        if let Some(srtp) = self.srtp_in.as_mut()
            && srtp.unprotect_rtcp(&mut bytes).is_err()
        {
            return Vec::new();
        }
        parse_compound(&bytes).unwrap_or_default()
    }
}

/// The peer's RTCP address: as signalled (`a=rtcp`), else the RTP address with rtcp-mux
/// (RFC 5761), else the RTP port plus one (RFC 3550 §11).
fn rtcp_address(stream: &NegotiatedStream, remote: SocketAddr) -> SocketAddr {
    stream.remote_rtcp.unwrap_or_else(|| {
        if stream.rtcp_mux {
            remote
        } else {
            SocketAddr::new(remote.ip(), remote.port().wrapping_add(1))
        }
    })
}

/// (ours, theirs) SRTP contexts for the stream's SDES keys.
fn contexts(keys: &SrtpKeys) -> Result<(Context, Context), String> {
    let suite = Suite::from_sdp_name(keys.suite.name())
        .ok_or_else(|| format!("no SRTP for {}", keys.suite.name()))?;
    let out = Context::new(suite, &keys.local_key).map_err(|e| e.to_string())?;
    let inn = Context::new(suite, &keys.remote_key).map_err(|e| e.to_string())?;
    Ok((out, inn))
}

fn key_pair(keys: &SrtpKeys) -> (Vec<u8>, Vec<u8>) {
    (keys.local_key.clone(), keys.remote_key.clone())
}
