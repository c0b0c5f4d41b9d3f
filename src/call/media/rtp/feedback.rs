//! RTCP feedback messages for video recovery: generic NACK (RFC 4585 §6.2.1, RTPFB FMT 1),
//! Picture Loss Indication (RFC 4585 §6.3.1, PSFB FMT 1) and Full Intra Request (RFC 5104
//! §4.3.1, PSFB FMT 4). They are variants of [`RtcpPacket`]; this file holds their wire
//! format. Other FMTs (TMMBR, REMB, TWCC...) parse as `RtcpPacket::Other(pt)`.

use super::packet::{RtpError, be16, be32};
use super::rtcp::{PT_PSFB, PT_RTPFB, RtcpPacket, begin, finish};

pub const FMT_NACK: u8 = 1;
pub const FMT_PLI: u8 = 1;
pub const FMT_FIR: u8 = 4;
/// FCI words that fit the RTCP length field next to the header and two SSRCs.
const MAX_FCI: usize = 0xffff - 2;

/// One FIR request: the media sender asked for a key frame, and the command sequence number
/// it should use to tell a new request from a repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirEntry {
    pub ssrc: u32,
    pub seq: u8,
}

/// Parses the body (after the 4-byte common header) of an RTPFB/PSFB packet.
pub(super) fn parse(pt: u8, fmt: u8, body: &[u8]) -> Result<RtcpPacket, RtpError> {
    if body.len() < 8 {
        return Err(RtpError::BadLength);
    }
    let sender_ssrc = be32(body);
    let media_ssrc = be32(&body[4..]);
    let fci = &body[8..];
    Ok(match (pt, fmt) {
        (PT_RTPFB, FMT_NACK) => {
            let mut lost = Vec::new();
            for pair in fci.chunks_exact(4) {
                let pid = be16(pair);
                let blp = be16(&pair[2..]);
                lost.push(pid);
                // Bit i of BLP reports PID + i + 1 lost as well.
                lost.extend(
                    (0..16)
                        .filter(|i| blp >> i & 1 == 1)
                        .map(|i| pid.wrapping_add(i + 1)),
                );
            }
            RtcpPacket::Nack {
                sender_ssrc,
                media_ssrc,
                lost,
            }
        }
        (PT_PSFB, FMT_PLI) => RtcpPacket::Pli {
            sender_ssrc,
            media_ssrc,
        },
        (PT_PSFB, FMT_FIR) => RtcpPacket::Fir {
            sender_ssrc,
            // The common-header media SSRC is unused (0) for FIR; the entries name the targets.
            entries: fci
                .chunks_exact(8)
                .map(|e| FirEntry {
                    ssrc: be32(e),
                    seq: e[4],
                })
                .collect(),
        },
        _ => RtcpPacket::Other(pt),
    })
}

/// Appends a NACK, PLI or FIR packet; anything else is ignored.
pub(super) fn write(packet: &RtcpPacket, out: &mut Vec<u8>) {
    match packet {
        RtcpPacket::Nack {
            sender_ssrc,
            media_ssrc,
            lost,
        } => {
            let start = header(out, FMT_NACK, PT_RTPFB, *sender_ssrc, *media_ssrc);
            // Capped so the 16-bit length field stays true.
            for (pid, blp) in nack_pairs(lost).into_iter().take(MAX_FCI) {
                out.extend_from_slice(&pid.to_be_bytes());
                out.extend_from_slice(&blp.to_be_bytes());
            }
            finish(out, start);
        }
        RtcpPacket::Pli {
            sender_ssrc,
            media_ssrc,
        } => {
            let start = header(out, FMT_PLI, PT_PSFB, *sender_ssrc, *media_ssrc);
            finish(out, start);
        }
        RtcpPacket::Fir {
            sender_ssrc,
            entries,
        } => {
            let start = header(out, FMT_FIR, PT_PSFB, *sender_ssrc, 0);
            for e in entries.iter().take(MAX_FCI / 2) {
                out.extend_from_slice(&e.ssrc.to_be_bytes());
                out.extend_from_slice(&[e.seq, 0, 0, 0]);
            }
            finish(out, start);
        }
        _ => {}
    }
}

fn header(out: &mut Vec<u8>, fmt: u8, pt: u8, sender: u32, media: u32) -> usize {
    let start = begin(out, fmt, pt);
    out.extend_from_slice(&sender.to_be_bytes());
    out.extend_from_slice(&media.to_be_bytes());
    start
}

/// Packs lost sequence numbers into (PID, BLP) pairs, in the order given: a number within
/// 16 after the current PID sets a bit, anything else starts a new pair. Ascending input
/// packs best; repeats of the current PID are dropped.
pub fn nack_pairs(lost: &[u16]) -> Vec<(u16, u16)> {
    let mut pairs: Vec<(u16, u16)> = Vec::new();
    for &seq in lost {
        if let Some((pid, blp)) = pairs.last_mut() {
            let d = seq.wrapping_sub(*pid);
            if d == 0 {
                continue;
            }
            if d <= 16 {
                *blp |= 1 << (d - 1);
                continue;
            }
        }
        pairs.push((seq, 0));
    }
    pairs
}
