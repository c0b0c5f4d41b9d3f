//! AES counter mode (RFC 3711 §4.1.1, RFC 6188) and HMAC-SHA1 (RFC 3711 §4.2.1).
//!
//! HMAC-SHA1 is the slow half of these suites. Where the processor allows, both run in one
//! stitched pass (`stitched_x86.rs`); elsewhere RustCrypto's `ctr` and `sha1` do it in two.

use aes::cipher::KeyInit;
use aes::{Aes128, Aes256};
use ctr::cipher::{InnerIvInit, StreamCipher, StreamCipherCoreWrapper as Ctr};
use ctr::{CtrCore, flavors::Ctr128BE};

use super::error::SrtpError;
use super::hmac_sha1::HmacSha1;
#[cfg(target_arch = "x86_64")]
use super::stitched_x86::{
    self as stitched,
    Direction::{Open, Seal},
};

/// An expanded AES key of either size (round keys computed once per session).
// One per context, used on every packet: inline beats a box's extra indirection.
#[allow(clippy::large_enum_variant)]
pub(super) enum Aes {
    A128(Aes128),
    A256(Aes256),
}

impl Aes {
    pub(super) fn new(key: &[u8]) -> Result<Aes, SrtpError> {
        match key.len() {
            16 => Aes128::new_from_slice(key).map(Aes::A128),
            32 => Aes256::new_from_slice(key).map(Aes::A256),
            _ => {
                return Err(SrtpError::BadKey(format!(
                    "AES key of {} octets",
                    key.len()
                )));
            }
        }
        .map_err(|_| SrtpError::BadKey("AES key".into()))
    }

    /// XORs `data` with the AES-CTR keystream starting at counter block `iv` (big-endian
    /// increment; SRTP packets are far below the 2^16 blocks the 16-bit counter allows, so
    /// this is the RFC's 16-bit counter).
    pub(super) fn ctr_xor(&self, iv: &[u8; 16], data: &mut [u8]) {
        match self {
            Aes::A128(aes) => Ctr::from_core(CtrCore::<_, Ctr128BE>::inner_iv_init(aes, iv.into()))
                .apply_keystream(data),
            Aes::A256(aes) => Ctr::from_core(CtrCore::<_, Ctr128BE>::inner_iv_init(aes, iv.into()))
                .apply_keystream(data),
        }
    }
}

/// Session keys of an AES-CM + HMAC-SHA1 suite for one of SRTP or SRTCP.
pub(super) struct CmTransform {
    aes: Aes,
    /// The session salt shifted left by 16 bits, as the top 112 bits of a 128-bit block.
    salt: u128,
    mac: HmacSha1,
    /// The key in AES-NI's form, where the stitched pass can run.
    #[cfg(target_arch = "x86_64")]
    pub(super) stitched: Option<stitched::RoundKeys>,
}

impl CmTransform {
    pub(super) fn new(key: &[u8], salt: &[u8], auth_key: &[u8]) -> Result<CmTransform, SrtpError> {
        let salt: [u8; 14] = salt
            .try_into()
            .map_err(|_| SrtpError::BadKey(format!("AES-CM salt of {} octets", salt.len())))?;
        let mut block = [0u8; 16];
        block[..14].copy_from_slice(&salt);
        Ok(CmTransform {
            aes: Aes::new(key)?,
            salt: u128::from_be_bytes(block),
            mac: HmacSha1::new(auth_key),
            #[cfg(target_arch = "x86_64")]
            stitched: stitched::RoundKeys::new(key),
        })
    }

    /// The same transform without the stitched pass: the portable path, for tests.
    #[cfg(test)]
    pub(super) fn portable(mut self) -> CmTransform {
        #[cfg(target_arch = "x86_64")]
        {
            self.stitched = None;
        }
        self
    }

    /// IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), RFC 3711 §4.1.1.
    pub(super) fn iv(&self, ssrc: u32, index: u64) -> u128 {
        let index = u128::from(index & 0xffff_ffff_ffff);
        self.salt ^ (u128::from(ssrc) << 64) ^ (index << 16)
    }

    /// Encrypts `packet[at..]` for packet `index` of `ssrc` and returns the HMAC of the
    /// result followed by `trailer` (the ROC, or SRTCP's E||index).
    pub(super) fn seal(
        &self,
        ssrc: u32,
        index: u64,
        packet: &mut [u8],
        at: usize,
        trailer: &[u8],
    ) -> [u8; 20] {
        let iv = self.iv(ssrc, index);
        #[cfg(target_arch = "x86_64")]
        if let Some(keys) = &self.stitched {
            return stitched::pass(keys, Seal, &self.mac, iv, packet, at, trailer);
        }
        self.aes.ctr_xor(&iv.to_be_bytes(), &mut packet[at..]);
        self.mac.tag(packet, trailer)
    }

    /// Checks `tag` (a truncation of the HMAC of `packet || trailer`) and decrypts
    /// `packet[at..]`. On a mismatch the packet is left as it was.
    pub(super) fn open(
        &self,
        ssrc: u32,
        index: u64,
        packet: &mut [u8],
        at: usize,
        trailer: &[u8],
        tag: &[u8],
    ) -> Result<(), SrtpError> {
        let iv = self.iv(ssrc, index);
        #[cfg(target_arch = "x86_64")]
        if let Some(keys) = &self.stitched {
            let full = stitched::pass(keys, Open, &self.mac, iv, packet, at, trailer);
            return check_tag(&full, tag).inspect_err(|_| {
                // Counter mode is its own inverse: encrypting again restores the ciphertext.
                self.aes.ctr_xor(&iv.to_be_bytes(), &mut packet[at..]);
            });
        }
        check_tag(&self.mac.tag(packet, trailer), tag)?;
        self.aes.ctr_xor(&iv.to_be_bytes(), &mut packet[at..]);
        Ok(())
    }

    /// Constant-time check of a truncated tag.
    pub(super) fn verify(&self, data: &[u8], trailer: &[u8], tag: &[u8]) -> Result<(), SrtpError> {
        check_tag(&self.mac.tag(data, trailer), tag)
    }
}

fn check_tag(full: &[u8; 20], tag: &[u8]) -> Result<(), SrtpError> {
    use subtle::ConstantTimeEq;
    match full.get(..tag.len()) {
        Some(expected) if bool::from(expected.ct_eq(tag)) => Ok(()),
        _ => Err(SrtpError::AuthenticationFailed),
    }
}
