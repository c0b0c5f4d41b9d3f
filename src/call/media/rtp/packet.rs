//! RTP fixed header (RFC 3550 §5.1): parse a received packet without copying its payload,
//! write a header + payload for sending, and tell RTP from RTCP on a muxed port (RFC 5761).

use std::fmt;

/// Why a packet was refused. Shared by RTP, RTCP and the payload formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RtpError {
    /// Fewer bytes than the header (or a length field) promises.
    TooShort,
    /// Version bits are not 2.
    BadVersion,
    /// The padding count is zero or larger than the packet.
    BadPadding,
    /// An RTCP length field does not match the bytes present.
    BadLength,
    /// A field holds a value the format forbids (e.g. a report count that does not fit).
    Malformed,
}

impl fmt::Display for RtpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RtpError::TooShort => "packet too short",
            RtpError::BadVersion => "not RTP version 2",
            RtpError::BadPadding => "bad padding length",
            RtpError::BadLength => "length field does not match the packet",
            RtpError::Malformed => "malformed packet",
        })
    }
}

impl std::error::Error for RtpError {}

/// The fixed RTP header plus CSRCs and the (single, RFC 3550 §5.3.1) header extension.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RtpHeader {
    pub marker: bool,
    pub payload_type: u8,
    pub sequence: u16,
    pub timestamp: u32,
    pub ssrc: u32,
    /// At most 15 are written; extra ones are ignored by [`RtpHeader::write`].
    pub csrcs: Vec<u32>,
    /// (profile-defined 16 bits, data). Data is zero-padded to a multiple of 4 when written.
    pub extension: Option<(u16, Vec<u8>)>,
}

/// A parsed RTP packet borrowing its payload from the received buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtpPacket<'a> {
    pub header: RtpHeader,
    /// Payload without padding.
    pub payload: &'a [u8],
    /// Number of padding octets that were stripped (including the count octet), 0 if none.
    pub padding: u8,
}

impl<'a> RtpPacket<'a> {
    /// Parses one RTP packet. Never panics; refuses anything inconsistent.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, RtpError> {
        if bytes.len() < 12 {
            return Err(RtpError::TooShort);
        }
        let b0 = bytes[0];
        if b0 >> 6 != 2 {
            return Err(RtpError::BadVersion);
        }
        let has_padding = b0 & 0x20 != 0;
        let has_extension = b0 & 0x10 != 0;
        let cc = usize::from(b0 & 0x0f);
        let b1 = bytes[1];
        let mut pos = 12 + 4 * cc;
        if bytes.len() < pos {
            return Err(RtpError::TooShort);
        }
        let csrcs = bytes[12..pos].chunks_exact(4).map(be32).collect();
        let extension = if has_extension {
            if bytes.len() < pos + 4 {
                return Err(RtpError::TooShort);
            }
            let profile = be16(&bytes[pos..]);
            let words = usize::from(be16(&bytes[pos + 2..]));
            let start = pos + 4;
            pos = start + 4 * words;
            if bytes.len() < pos {
                return Err(RtpError::TooShort);
            }
            Some((profile, bytes[start..pos].to_vec()))
        } else {
            None
        };
        let mut end = bytes.len();
        let mut padding = 0;
        if has_padding {
            // The last octet counts itself, so 0 is invalid (RFC 3550 §5.1).
            padding = bytes[end - 1];
            if padding == 0 || usize::from(padding) > end - pos {
                return Err(RtpError::BadPadding);
            }
            end -= usize::from(padding);
        }
        Ok(RtpPacket {
            header: RtpHeader {
                marker: b1 & 0x80 != 0,
                payload_type: b1 & 0x7f,
                sequence: be16(&bytes[2..]),
                timestamp: be32(&bytes[4..]),
                ssrc: be32(&bytes[8..]),
                csrcs,
                extension,
            },
            payload: &bytes[pos..end],
            padding,
        })
    }
}

impl RtpHeader {
    /// Appends header + payload to `out` (no padding).
    pub fn write(&self, payload: &[u8], out: &mut Vec<u8>) {
        self.write_padded(payload, 0, out);
    }

    /// Appends header + payload + `padding` octets of padding (0 = none; the last octet
    /// carries the count, as RFC 3550 requires). SRTP-encrypted audio may pad to hide sizes.
    pub fn write_padded(&self, payload: &[u8], padding: u8, out: &mut Vec<u8>) {
        let csrcs = &self.csrcs[..self.csrcs.len().min(15)];
        let mut b0 = 0x80 | csrcs.len() as u8;
        if padding > 0 {
            b0 |= 0x20;
        }
        if self.extension.is_some() {
            b0 |= 0x10;
        }
        out.push(b0);
        out.push(u8::from(self.marker) << 7 | (self.payload_type & 0x7f));
        out.extend_from_slice(&self.sequence.to_be_bytes());
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        out.extend_from_slice(&self.ssrc.to_be_bytes());
        for c in csrcs {
            out.extend_from_slice(&c.to_be_bytes());
        }
        if let Some((profile, data)) = &self.extension {
            // The length field is 16 bits of words; longer data is cut rather than lying.
            let data = &data[..data.len().min(0xffff * 4)];
            let words = data.len().div_ceil(4);
            out.extend_from_slice(&profile.to_be_bytes());
            out.extend_from_slice(&(words as u16).to_be_bytes());
            out.extend_from_slice(data);
            out.resize(out.len() + words * 4 - data.len(), 0);
        }
        out.extend_from_slice(payload);
        if padding > 0 {
            out.resize(out.len() + usize::from(padding) - 1, 0);
            out.push(padding);
        }
    }

    /// Size in bytes of this header when written.
    pub fn encoded_len(&self) -> usize {
        let ext = self
            .extension
            .as_ref()
            .map_or(0, |(_, d)| 4 + d.len().min(0xffff * 4).div_ceil(4) * 4);
        12 + 4 * self.csrcs.len().min(15) + ext
    }
}

/// RFC 5761 §4: on an rtcp-mux port, a second byte of 192..=223 (RTCP packet types 192–223,
/// which RTP payload types 64–95 with the marker set would collide with) means RTCP.
pub fn is_rtcp(bytes: &[u8]) -> bool {
    bytes.len() >= 2 && (192..=223).contains(&bytes[1])
}

pub(super) fn be16(b: &[u8]) -> u16 {
    u16::from_be_bytes([b[0], b[1]])
}

pub(super) fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}
