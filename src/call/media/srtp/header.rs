//! Just enough RTP/RTCP header parsing to find what SRTP encrypts and authenticates.

use super::error::SrtpError;

/// Fields of an RTP header that SRTP needs.
pub(super) struct RtpHeader {
    /// Octets of fixed header, CSRC list and header extension: the part left in the clear.
    pub(super) len: usize,
    pub(super) seq: u16,
    pub(super) ssrc: u32,
}

/// Parses the RTP header at the start of `packet` (RFC 3550 §5.1, §5.3.1). Padding is
/// irrelevant: SRTP encrypts the padding with the payload.
pub(super) fn rtp(packet: &[u8]) -> Result<RtpHeader, SrtpError> {
    let fixed: &[u8; 12] = packet
        .get(..12)
        .and_then(|h| h.try_into().ok())
        .ok_or(SrtpError::TooShort)?;
    if fixed[0] >> 6 != 2 {
        return Err(SrtpError::Malformed("not RTP version 2"));
    }
    let mut len = 12 + 4 * usize::from(fixed[0] & 0x0f);
    if fixed[0] & 0x10 != 0 {
        let ext = packet.get(len..len + 4).ok_or(SrtpError::TooShort)?;
        len += 4 + 4 * usize::from(u16::from_be_bytes([ext[2], ext[3]]));
    }
    if len > packet.len() {
        return Err(SrtpError::TooShort);
    }
    Ok(RtpHeader {
        len,
        seq: u16::from_be_bytes([fixed[2], fixed[3]]),
        ssrc: u32::from_be_bytes([fixed[8], fixed[9], fixed[10], fixed[11]]),
    })
}

/// Octets of RTCP left in the clear by SRTCP: the first header word and the sender SSRC.
pub(super) const RTCP_CLEAR: usize = 8;

/// The sender SSRC of an RTCP compound packet (RFC 3711 §3.4).
pub(super) fn rtcp_ssrc(packet: &[u8]) -> Result<u32, SrtpError> {
    let head: &[u8; 8] = packet
        .get(..8)
        .and_then(|h| h.try_into().ok())
        .ok_or(SrtpError::TooShort)?;
    if head[0] >> 6 != 2 {
        return Err(SrtpError::Malformed("not RTCP version 2"));
    }
    Ok(u32::from_be_bytes([head[4], head[5], head[6], head[7]]))
}
