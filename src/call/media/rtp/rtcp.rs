//! RTCP compound packets (RFC 3550 §6): sender and receiver blocks, SDES CNAME and BYE,
//! plus the feedback messages of [`super::feedback`]. Parsing is strict about lengths (a
//! bad sub-packet invalidates the compound, RFC 3550 A.2) but does not insist that the
//! compound starts with SR/RR, so reduced-size RTCP (RFC 5506) parses too.

use super::feedback::{self, FirEntry};
use super::packet::{RtpError, be16, be32};

pub const PT_SR: u8 = 200;
pub const PT_RR: u8 = 201;
pub const PT_SDES: u8 = 202;
pub const PT_BYE: u8 = 203;
pub const PT_RTPFB: u8 = 205;
pub const PT_PSFB: u8 = 206;

/// One reception report block (RFC 3550 §6.4.1), 24 bytes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReportBlock {
    /// The source this block blocks on.
    pub ssrc: u32,
    /// Fraction lost since the previous report, in 1/256.
    pub fraction_lost: u8,
    /// Cumulative packets lost, 24-bit signed on the wire (duplicates can make it negative).
    pub cumulative_lost: i32,
    /// Extended highest sequence number received (cycles << 16 | seq).
    pub highest_seq: u32,
    /// Interarrival jitter in RTP timestamp units.
    pub jitter: u32,
    /// Middle 32 bits of the NTP timestamp of the last SR from that source (0 = none).
    pub lsr: u32,
    /// Delay since that SR was received, in 1/65536 s.
    pub dlsr: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SenderReport {
    pub ssrc: u32,
    /// 64-bit NTP timestamp (seconds since 1900 << 32 | fraction).
    pub ntp_timestamp: u64,
    /// The same instant as `ntp_timestamp`, in the stream's RTP clock.
    pub rtp_timestamp: u32,
    pub packet_count: u32,
    pub octet_count: u32,
    /// At most 31 are written.
    pub blocks: Vec<ReportBlock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReceiverReport {
    pub ssrc: u32,
    /// At most 31 are written.
    pub blocks: Vec<ReportBlock>,
}

/// One packet of a compound RTCP packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RtcpPacket {
    SenderReport(SenderReport),
    ReceiverReport(ReceiverReport),
    /// (SSRC, CNAME) per chunk; chunks without a CNAME are skipped, other items ignored.
    Sdes(Vec<(u32, String)>),
    /// SSRCs leaving; the optional reason text is ignored.
    Bye(Vec<u32>),
    /// Generic NACK (RFC 4585 §6.2.1): the sequence numbers the sender asks to be resent.
    Nack {
        sender_ssrc: u32,
        media_ssrc: u32,
        lost: Vec<u16>,
    },
    /// Picture Loss Indication (RFC 4585 §6.3.1).
    Pli {
        sender_ssrc: u32,
        media_ssrc: u32,
    },
    /// Full Intra Request (RFC 5104 §4.3.1), one entry per media sender asked.
    Fir {
        sender_ssrc: u32,
        entries: Vec<FirEntry>,
    },
    /// A packet type (or feedback FMT) we do not interpret; carries the packet type.
    /// Writing it produces nothing.
    Other(u8),
}

/// Parses a compound RTCP packet (already SRTCP-unprotected).
pub fn parse_compound(bytes: &[u8]) -> Result<Vec<RtcpPacket>, RtpError> {
    if bytes.is_empty() {
        return Err(RtpError::TooShort);
    }
    let mut packets = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        if rest.len() < 4 {
            return Err(RtpError::TooShort);
        }
        if rest[0] >> 6 != 2 {
            return Err(RtpError::BadVersion);
        }
        let len = (usize::from(be16(&rest[2..])) + 1) * 4;
        if len > rest.len() {
            return Err(RtpError::BadLength);
        }
        let (pkt, tail) = rest.split_at(len);
        rest = tail;
        let mut end = len;
        if pkt[0] & 0x20 != 0 {
            let pad = usize::from(pkt[len - 1]);
            if pad == 0 || pad > len - 4 {
                return Err(RtpError::BadPadding);
            }
            end -= pad;
        }
        packets.push(parse_one(pkt[0] & 0x1f, pkt[1], &pkt[4..end])?);
    }
    Ok(packets)
}

fn parse_one(count: u8, pt: u8, body: &[u8]) -> Result<RtcpPacket, RtpError> {
    let count = usize::from(count);
    Ok(match pt {
        PT_SR => {
            if body.len() < 24 + 24 * count {
                return Err(RtpError::BadLength);
            }
            RtcpPacket::SenderReport(SenderReport {
                ssrc: be32(body),
                ntp_timestamp: u64::from(be32(&body[4..])) << 32 | u64::from(be32(&body[8..])),
                rtp_timestamp: be32(&body[12..]),
                packet_count: be32(&body[16..]),
                octet_count: be32(&body[20..]),
                blocks: body[24..24 + 24 * count]
                    .chunks_exact(24)
                    .map(parse_block)
                    .collect(),
            })
        }
        PT_RR => {
            if body.len() < 4 + 24 * count {
                return Err(RtpError::BadLength);
            }
            RtcpPacket::ReceiverReport(ReceiverReport {
                ssrc: be32(body),
                blocks: body[4..4 + 24 * count]
                    .chunks_exact(24)
                    .map(parse_block)
                    .collect(),
            })
        }
        PT_SDES => RtcpPacket::Sdes(parse_sdes(count, body)?),
        PT_BYE => {
            if body.len() < 4 * count {
                return Err(RtpError::BadLength);
            }
            RtcpPacket::Bye(body[..4 * count].chunks_exact(4).map(be32).collect())
        }
        PT_RTPFB | PT_PSFB => feedback::parse(pt, count as u8, body)?,
        other => RtcpPacket::Other(other),
    })
}

fn parse_block(b: &[u8]) -> ReportBlock {
    // Sign-extend the 24-bit cumulative loss.
    let lost = i32::from_be_bytes([b[5], b[6], b[7], 0]) >> 8;
    ReportBlock {
        ssrc: be32(b),
        fraction_lost: b[4],
        cumulative_lost: lost,
        highest_seq: be32(&b[8..]),
        jitter: be32(&b[12..]),
        lsr: be32(&b[16..]),
        dlsr: be32(&b[20..]),
    }
}

fn parse_sdes(count: usize, body: &[u8]) -> Result<Vec<(u32, String)>, RtpError> {
    let mut out = Vec::new();
    let mut pos = 0;
    for _ in 0..count {
        if body.len() < pos + 4 {
            return Err(RtpError::BadLength);
        }
        let ssrc = be32(&body[pos..]);
        pos += 4;
        let mut cname = None;
        loop {
            let Some(&kind) = body.get(pos) else {
                return Err(RtpError::BadLength);
            };
            if kind == 0 {
                // End of items; the chunk is padded with nulls to a 32-bit boundary.
                pos = (pos + 4) & !3;
                break;
            }
            let Some(&len) = body.get(pos + 1) else {
                return Err(RtpError::BadLength);
            };
            let text = body
                .get(pos + 2..pos + 2 + usize::from(len))
                .ok_or(RtpError::BadLength)?;
            if kind == 1 && cname.is_none() {
                cname = Some(String::from_utf8_lossy(text).into_owned());
            }
            pos += 2 + usize::from(len);
        }
        if let Some(cname) = cname {
            out.push((ssrc, cname));
        }
    }
    Ok(out)
}

/// Appends the packets as one compound packet. Counts above 31 (report blocks, SDES chunks,
/// BYE sources) are cut to 31; a CNAME is cut to 255 bytes at a character boundary.
pub fn write_compound(packets: &[RtcpPacket], out: &mut Vec<u8>) {
    for p in packets {
        write_one(p, out);
    }
}

fn write_one(packet: &RtcpPacket, out: &mut Vec<u8>) {
    match packet {
        RtcpPacket::SenderReport(sr) => {
            let blocks = &sr.blocks[..sr.blocks.len().min(31)];
            let start = begin(out, blocks.len() as u8, PT_SR);
            for v in [
                sr.ssrc,
                (sr.ntp_timestamp >> 32) as u32,
                sr.ntp_timestamp as u32,
                sr.rtp_timestamp,
            ] {
                out.extend_from_slice(&v.to_be_bytes());
            }
            out.extend_from_slice(&sr.packet_count.to_be_bytes());
            out.extend_from_slice(&sr.octet_count.to_be_bytes());
            blocks.iter().for_each(|b| write_block(b, out));
            finish(out, start);
        }
        RtcpPacket::ReceiverReport(rr) => {
            let blocks = &rr.blocks[..rr.blocks.len().min(31)];
            let start = begin(out, blocks.len() as u8, PT_RR);
            out.extend_from_slice(&rr.ssrc.to_be_bytes());
            blocks.iter().for_each(|b| write_block(b, out));
            finish(out, start);
        }
        RtcpPacket::Sdes(chunks) => {
            let chunks = &chunks[..chunks.len().min(31)];
            let start = begin(out, chunks.len() as u8, PT_SDES);
            for (ssrc, cname) in chunks {
                out.extend_from_slice(&ssrc.to_be_bytes());
                let mut n = cname.len().min(255);
                while !cname.is_char_boundary(n) {
                    n -= 1;
                }
                out.extend_from_slice(&[1, n as u8]);
                out.extend_from_slice(&cname.as_bytes()[..n]);
                // At least one null ends the item list, then pad to 32 bits.
                out.push(0);
                let pad = (4 - (out.len() - start) % 4) % 4;
                out.resize(out.len() + pad, 0);
            }
            finish(out, start);
        }
        RtcpPacket::Bye(ssrcs) => {
            let ssrcs = &ssrcs[..ssrcs.len().min(31)];
            let start = begin(out, ssrcs.len() as u8, PT_BYE);
            ssrcs
                .iter()
                .for_each(|s| out.extend_from_slice(&s.to_be_bytes()));
            finish(out, start);
        }
        RtcpPacket::Nack { .. } | RtcpPacket::Pli { .. } | RtcpPacket::Fir { .. } => {
            feedback::write(packet, out)
        }
        RtcpPacket::Other(_) => {}
    }
}

fn write_block(b: &ReportBlock, out: &mut Vec<u8>) {
    let lost = b.cumulative_lost.clamp(-0x80_0000, 0x7f_ffff).to_be_bytes();
    out.extend_from_slice(&b.ssrc.to_be_bytes());
    out.extend_from_slice(&[b.fraction_lost, lost[1], lost[2], lost[3]]);
    for v in [b.highest_seq, b.jitter, b.lsr, b.dlsr] {
        out.extend_from_slice(&v.to_be_bytes());
    }
}

/// Writes a common header with a placeholder length; returns where the packet starts.
pub(super) fn begin(out: &mut Vec<u8>, count: u8, pt: u8) -> usize {
    let start = out.len();
    out.extend_from_slice(&[0x80 | (count & 0x1f), pt, 0, 0]);
    start
}

/// Fills in the length (32-bit words minus one) of the packet that began at `start`.
pub(super) fn finish(out: &mut [u8], start: usize) {
    let words = ((out.len() - start) / 4 - 1) as u16;
    out[start + 2..start + 4].copy_from_slice(&words.to_be_bytes());
}
