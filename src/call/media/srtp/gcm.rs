//! AEAD_AES_128_GCM and AEAD_AES_256_GCM for SRTP/SRTCP (RFC 7714 §8–§9), 16-octet tag.

use aes_gcm::{AeadInOut, Aes128Gcm, Aes256Gcm, KeyInit};

use super::error::SrtpError;

pub(super) const TAG_LEN: usize = 16;

// One per context, used on every packet: inline beats a box's extra indirection.
#[allow(clippy::large_enum_variant)]
enum Cipher {
    G128(Aes128Gcm),
    G256(Aes256Gcm),
}

/// Session key (expanded, with its GHASH key) and 96-bit session salt.
pub(super) struct GcmTransform {
    cipher: Cipher,
    salt: [u8; 12],
}

impl GcmTransform {
    pub(super) fn new(key: &[u8], salt: &[u8]) -> Result<GcmTransform, SrtpError> {
        let salt: [u8; 12] = salt
            .try_into()
            .map_err(|_| SrtpError::BadKey(format!("GCM salt of {} octets", salt.len())))?;
        let bad = |_| SrtpError::BadKey("GCM key".into());
        let cipher = match key.len() {
            16 => Cipher::G128(Aes128Gcm::new_from_slice(key).map_err(bad)?),
            32 => Cipher::G256(Aes256Gcm::new_from_slice(key).map_err(bad)?),
            n => return Err(SrtpError::BadKey(format!("GCM key of {n} octets"))),
        };
        Ok(GcmTransform { cipher, salt })
    }

    fn xor_salt(&self, mut iv: [u8; 12]) -> [u8; 12] {
        for (b, s) in iv.iter_mut().zip(self.salt) {
            *b ^= s;
        }
        iv
    }

    /// IV = (0x0000 || SSRC || ROC || SEQ) XOR salt, RFC 7714 §8.1.
    pub(super) fn rtp_iv(&self, ssrc: u32, index: u64) -> [u8; 12] {
        let mut iv = [0u8; 12];
        iv[2..6].copy_from_slice(&ssrc.to_be_bytes());
        iv[6..12].copy_from_slice(&index.to_be_bytes()[2..8]);
        self.xor_salt(iv)
    }

    /// IV = (0x0000 || SSRC || 0x0000 || 0 || SRTCP index) XOR salt, RFC 7714 §9.1.
    pub(super) fn rtcp_iv(&self, ssrc: u32, index: u32) -> [u8; 12] {
        let mut iv = [0u8; 12];
        iv[2..6].copy_from_slice(&ssrc.to_be_bytes());
        iv[8..12].copy_from_slice(&(index & 0x7fff_ffff).to_be_bytes());
        self.xor_salt(iv)
    }

    /// Encrypts `data` in place and returns the tag.
    pub(super) fn seal(
        &self,
        iv: &[u8; 12],
        aad: &[u8],
        data: &mut [u8],
    ) -> Result<[u8; TAG_LEN], SrtpError> {
        let tag = match &self.cipher {
            Cipher::G128(c) => c.encrypt_inout_detached(iv.into(), aad, data.into()),
            Cipher::G256(c) => c.encrypt_inout_detached(iv.into(), aad, data.into()),
        }
        .map_err(|_| SrtpError::Malformed("packet too long for GCM"))?;
        Ok(tag.into())
    }

    /// Checks the tag and, only if it matches, decrypts `data` in place.
    pub(super) fn open(
        &self,
        iv: &[u8; 12],
        aad: &[u8],
        data: &mut [u8],
        tag: &[u8],
    ) -> Result<(), SrtpError> {
        let tag: &[u8; TAG_LEN] = tag.try_into().map_err(|_| SrtpError::TooShort)?;
        match &self.cipher {
            Cipher::G128(c) => c.decrypt_inout_detached(iv.into(), aad, data.into(), tag.into()),
            Cipher::G256(c) => c.decrypt_inout_detached(iv.into(), aad, data.into(), tag.into()),
        }
        .map_err(|_| SrtpError::AuthenticationFailed)
    }
}
