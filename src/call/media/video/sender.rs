//! The sending half of a video stream: access units become H.264 RTP packets
//! (packetization-mode 1: single NAL, STAP-A, FU-A; mode 0: one NAL per packet), the
//! marker bit ends each frame, and a key frame always carries SPS and PPS in front of its
//! IDR so a receiver that lost everything can start decoding from it. It also decides when
//! the next frame must be a key frame: after a PLI, or a FIR whose sequence number is new
//! (RFC 5104 §4.3.1.2: a repeated FIR is the same request).

use std::collections::HashMap;

use super::{NAL_PPS, NAL_SPS, is_key_frame, nal_type};
use crate::call::media::rtp::{RtpHeader, packetize};

/// RTP payload size that keeps an SRTP packet inside one 1280-byte IPv6 datagram.
pub const MTU: usize = 1200;

/// One packet ready for SRTP: its sequence number and the plaintext RTP bytes.
#[derive(Debug, Clone)]
pub struct Packet {
    pub sequence: u16,
    pub payload_len: usize,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct FrameSender {
    ssrc: u32,
    payload_type: u8,
    /// Packetization-mode 1 (STAP-A and FU-A allowed) or 0 (single NAL units only).
    aggregate: bool,
    sequence: u16,
    sps: Option<Vec<u8>>,
    pps: Option<Vec<u8>>,
    key_requested: bool,
    /// Last FIR command sequence number seen from each requester (their SSRC).
    fir_seen: HashMap<u32, u8>,
}

impl FrameSender {
    pub fn new(ssrc: u32, payload_type: u8, mode1: bool) -> Self {
        FrameSender {
            ssrc,
            payload_type,
            aggregate: mode1,
            sequence: (ssrc >> 16) as u16,
            sps: None,
            pps: None,
            // The first frame a receiver sees must be decodable.
            key_requested: true,
            fir_seen: HashMap::new(),
        }
    }

    /// A PLI arrived (RFC 4585 §6.3.1).
    pub fn on_pli(&mut self) {
        self.key_requested = true;
    }

    /// A FIR entry for us arrived from `requester`. Returns true if it is a new request.
    pub fn on_fir(&mut self, requester: u32, seq: u8) -> bool {
        if self.fir_seen.insert(requester, seq) == Some(seq) {
            return false;
        }
        self.key_requested = true;
        true
    }

    /// Whether the next frame must be a key frame (the request is consumed by `packetize`).
    pub fn wants_key_frame(&self) -> bool {
        self.key_requested
    }

    /// Packs one access unit sent at RTP time `timestamp`. Returns its packets and whether
    /// it was a key frame. Empty NALs are skipped; an empty access unit sends nothing.
    pub fn packetize(&mut self, nals: &[Vec<u8>], timestamp: u32) -> (Vec<Packet>, bool) {
        let key = is_key_frame(nals);
        for nal in nals {
            match nal_type(nal) {
                NAL_SPS => self.sps = Some(nal.clone()),
                NAL_PPS => self.pps = Some(nal.clone()),
                _ => {}
            }
        }
        let mut units: Vec<&[u8]> = Vec::with_capacity(nals.len() + 2);
        if key {
            self.key_requested = false;
            let has = |t| nals.iter().any(|n| nal_type(n) == t);
            // Parameter sets go first when the source did not repeat them.
            if !has(NAL_SPS)
                && let Some(sps) = &self.sps
            {
                units.push(sps);
            }
            if !has(NAL_PPS)
                && let Some(pps) = &self.pps
            {
                units.push(pps);
            }
        }
        units.extend(nals.iter().map(Vec::as_slice).filter(|n| !n.is_empty()));
        let payloads = if self.aggregate {
            packetize(&units, MTU)
        } else {
            units.iter().map(|n| n.to_vec()).collect()
        };
        let last = payloads.len().saturating_sub(1);
        let packets = payloads
            .into_iter()
            .enumerate()
            .map(|(i, payload)| {
                let header = RtpHeader {
                    marker: i == last,
                    payload_type: self.payload_type,
                    sequence: self.sequence,
                    timestamp,
                    ssrc: self.ssrc,
                    csrcs: Vec::new(),
                    extension: None,
                };
                self.sequence = self.sequence.wrapping_add(1);
                let mut bytes = Vec::with_capacity(payload.len() + 12);
                header.write(&payload, &mut bytes);
                Packet {
                    sequence: header.sequence,
                    payload_len: payload.len(),
                    bytes,
                }
            })
            .collect();
        (packets, key)
    }
}
