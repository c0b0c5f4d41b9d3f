//! SRTP packet processing (RFC 3711 §3.3, RFC 7714 §8).

use super::context::{Context, Stream};
use super::error::SrtpError;
use super::header;
use super::transform::Transform;

/// Guesses the 48-bit index of a packet with sequence number `seq` from the highest index so
/// far (RFC 3711 §3.3.1: v is ROC-1, ROC or ROC+1, whichever puts the index closest).
fn estimate_index(stream: Option<&Stream>, seq: u16) -> Result<u64, SrtpError> {
    let seq64 = u64::from(seq);
    let Some(top) = stream.and_then(|s| s.rtp.top()) else {
        let roc = stream.map_or(0, |s| s.initial_roc);
        return Ok(u64::from(roc) << 16 | seq64);
    };
    let roc = top >> 16;
    let s_l = top & 0xffff;
    let v = if s_l < 0x8000 {
        if seq64 > s_l + 0x8000 {
            roc.checked_sub(1).ok_or(SrtpError::TooOld)?
        } else {
            roc
        }
    } else if s_l - 0x8000 > seq64 {
        roc + 1
    } else {
        roc
    };
    if v > u64::from(u32::MAX) {
        return Err(SrtpError::IndexExhausted);
    }
    Ok(v << 16 | seq64)
}

impl Context {
    /// Protects an RTP packet in place: encrypts the payload (everything after the header,
    /// CSRCs and header extension) and appends the authentication tag.
    pub fn protect_rtp(&mut self, packet: &mut Vec<u8>) -> Result<(), SrtpError> {
        let h = header::rtp(packet)?;
        let index = estimate_index(self.stream(h.ssrc), h.seq)?;
        let tag_len = self.suite.rtp_tag_len();
        packet.reserve(tag_len);
        match &self.rtp {
            Transform::Cm(cm) => {
                let roc = ((index >> 16) as u32).to_be_bytes();
                let tag = cm.seal(h.ssrc, index, packet, h.len, &roc);
                packet.extend_from_slice(&tag[..tag_len]);
            }
            Transform::Gcm(gcm) => {
                let iv = gcm.rtp_iv(h.ssrc, index);
                let (aad, payload) = packet.split_at_mut(h.len);
                let tag = gcm.seal(&iv, aad, payload)?;
                packet.extend_from_slice(&tag);
            }
        }
        self.stream_mut(h.ssrc).rtp.accept(index);
        Ok(())
    }

    /// Unprotects an SRTP packet in place: checks the replay window and the tag, decrypts,
    /// and strips the tag. On any error the packet and the context are left as they were.
    pub fn unprotect_rtp(&mut self, packet: &mut Vec<u8>) -> Result<(), SrtpError> {
        let tag_len = self.suite.rtp_tag_len();
        let body_len = packet
            .len()
            .checked_sub(tag_len)
            .ok_or(SrtpError::TooShort)?;
        let (body, tag) = packet.split_at_mut(body_len);
        let h = header::rtp(body)?;
        let stream = self.stream(h.ssrc);
        let index = estimate_index(stream, h.seq)?;
        if let Some(stream) = stream {
            stream.rtp.check(index)?;
        }
        match &self.rtp {
            Transform::Cm(cm) => {
                let roc = ((index >> 16) as u32).to_be_bytes();
                cm.open(h.ssrc, index, body, h.len, &roc, tag)?;
            }
            Transform::Gcm(gcm) => {
                let iv = gcm.rtp_iv(h.ssrc, index);
                let (aad, payload) = body.split_at_mut(h.len);
                gcm.open(&iv, aad, payload, tag)?;
            }
        }
        packet.truncate(body_len);
        self.stream_mut(h.ssrc).rtp.accept(index);
        Ok(())
    }
}
