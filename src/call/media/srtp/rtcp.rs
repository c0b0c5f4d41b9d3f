//! SRTCP packet processing (RFC 3711 §3.4, RFC 7714 §9): the E flag and 31-bit SRTCP index
//! follow the encrypted part; for GCM they are authenticated as associated data.

use super::context::Context;
use super::error::SrtpError;
use super::gcm;
use super::header::{self, RTCP_CLEAR};
use super::transform::Transform;

/// Length of the E-flag || SRTCP-index word.
const INDEX_LEN: usize = 4;
const E_FLAG: u32 = 0x8000_0000;

impl Context {
    /// Protects an RTCP compound packet in place: encrypts everything after the sender SSRC,
    /// appends E=1 and the SRTCP index, and the tag (for GCM: tag, then E||index).
    pub fn protect_rtcp(&mut self, packet: &mut Vec<u8>) -> Result<(), SrtpError> {
        let ssrc = header::rtcp_ssrc(packet)?;
        let index = self.stream(ssrc).map_or(0, |s| s.rtcp_next);
        if index > 0x7fff_ffff {
            return Err(SrtpError::IndexExhausted);
        }
        let word = (E_FLAG | index).to_be_bytes();
        packet.reserve(INDEX_LEN + self.suite.rtcp_tag_len());
        match &self.rtcp {
            Transform::Cm(cm) => {
                let tag = cm.seal(ssrc, u64::from(index), packet, RTCP_CLEAR, &word);
                packet.extend_from_slice(&word);
                packet.extend_from_slice(&tag[..self.suite.rtcp_tag_len()]);
            }
            Transform::Gcm(g) => {
                let mut aad = [0u8; RTCP_CLEAR + INDEX_LEN];
                aad[..RTCP_CLEAR].copy_from_slice(&packet[..RTCP_CLEAR]);
                aad[RTCP_CLEAR..].copy_from_slice(&word);
                let tag = g.seal(&g.rtcp_iv(ssrc, index), &aad, &mut packet[RTCP_CLEAR..])?;
                packet.extend_from_slice(&tag);
                packet.extend_from_slice(&word);
            }
        }
        self.stream_mut(ssrc).rtcp_next = index + 1;
        Ok(())
    }

    /// Unprotects an SRTCP packet in place. Packets sent with E=0 (authenticated only) are
    /// accepted too. On any error the packet and the context are left as they were.
    pub fn unprotect_rtcp(&mut self, packet: &mut Vec<u8>) -> Result<(), SrtpError> {
        let tag_len = self.suite.rtcp_tag_len();
        let plain_len = packet
            .len()
            .checked_sub(INDEX_LEN + tag_len)
            .filter(|&n| n >= RTCP_CLEAR)
            .ok_or(SrtpError::TooShort)?;
        let ssrc = header::rtcp_ssrc(packet)?;
        // CM: header | encrypted | E||index | tag.  GCM: header | encrypted | tag | E||index.
        let word_at = if self.suite.is_aead() {
            packet.len() - INDEX_LEN
        } else {
            plain_len
        };
        let word_bytes: [u8; INDEX_LEN] = packet[word_at..word_at + INDEX_LEN]
            .try_into()
            .map_err(|_| SrtpError::TooShort)?;
        let word = u32::from_be_bytes(word_bytes);
        let encrypted = word & E_FLAG != 0;
        let index = word & !E_FLAG;
        if let Some(stream) = self.stream(ssrc) {
            stream.rtcp.check(u64::from(index))?;
        }
        match &self.rtcp {
            Transform::Cm(cm) => {
                let (body, rest) = packet.split_at_mut(plain_len);
                let tag = &rest[INDEX_LEN..];
                if encrypted {
                    cm.open(ssrc, u64::from(index), body, RTCP_CLEAR, &word_bytes, tag)?;
                } else {
                    cm.verify(body, &word_bytes, tag)?;
                }
            }
            Transform::Gcm(g) => {
                let iv = g.rtcp_iv(ssrc, index);
                let (body, rest) = packet.split_at_mut(plain_len);
                let tag = &rest[..gcm::TAG_LEN];
                if encrypted {
                    let mut aad = [0u8; RTCP_CLEAR + INDEX_LEN];
                    aad[..RTCP_CLEAR].copy_from_slice(&body[..RTCP_CLEAR]);
                    aad[RTCP_CLEAR..].copy_from_slice(&word_bytes);
                    g.open(&iv, &aad, &mut body[RTCP_CLEAR..], tag)?;
                } else {
                    // Rare (unencrypted SRTCP): the whole packet and the word are the AAD.
                    let mut aad = Vec::with_capacity(plain_len + INDEX_LEN);
                    aad.extend_from_slice(body);
                    aad.extend_from_slice(&word_bytes);
                    g.open(&iv, &aad, &mut [], tag)?;
                }
            }
        }
        packet.truncate(plain_len);
        self.stream_mut(ssrc).rtcp.accept(u64::from(index));
        Ok(())
    }
}
