//! AES counter mode (RFC 3711 §4.1.1, RFC 6188) and HMAC-SHA1 (RFC 3711 §4.2.1).

use aes::cipher::KeyInit;
use aes::{Aes128, Aes256};
use ctr::cipher::{InnerIvInit, StreamCipher, StreamCipherCoreWrapper as Ctr};
use ctr::{CtrCore, flavors::Ctr128BE};
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::error::SrtpError;

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
    /// HMAC keyed once: holds the precomputed inner and outer SHA-1 states; cloned per packet.
    mac: Hmac<Sha1>,
}

impl CmTransform {
    pub(super) fn new(key: &[u8], salt: &[u8], auth_key: &[u8]) -> Result<CmTransform, SrtpError> {
        let salt: [u8; 14] = salt
            .try_into()
            .map_err(|_| SrtpError::BadKey(format!("AES-CM salt of {} octets", salt.len())))?;
        let mut block = [0u8; 16];
        block[..14].copy_from_slice(&salt);
        let mac = <Hmac<Sha1> as KeyInit>::new_from_slice(auth_key)
            .map_err(|_| SrtpError::BadKey("HMAC key".into()))?;
        Ok(CmTransform {
            aes: Aes::new(key)?,
            salt: u128::from_be_bytes(block),
            mac,
        })
    }

    /// IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), RFC 3711 §4.1.1.
    pub(super) fn iv(&self, ssrc: u32, index: u64) -> [u8; 16] {
        let index = u128::from(index & 0xffff_ffff_ffff);
        (self.salt ^ (u128::from(ssrc) << 64) ^ (index << 16)).to_be_bytes()
    }

    /// Encrypts or decrypts `data` in place for packet `index` of `ssrc`.
    pub(super) fn apply(&self, ssrc: u32, index: u64, data: &mut [u8]) {
        self.aes.ctr_xor(&self.iv(ssrc, index), data);
    }

    /// The full 160-bit HMAC-SHA1 over `data || trailer`.
    pub(super) fn tag(&self, data: &[u8], trailer: &[u8]) -> [u8; 20] {
        let mut mac = self.mac.clone();
        mac.update(data);
        mac.update(trailer);
        mac.finalize().into_bytes().into()
    }

    /// Constant-time check of a truncated tag.
    pub(super) fn verify(&self, data: &[u8], trailer: &[u8], tag: &[u8]) -> Result<(), SrtpError> {
        use subtle::ConstantTimeEq;
        let full = self.tag(data, trailer);
        match full.get(..tag.len()) {
            Some(expected) if bool::from(expected.ct_eq(tag)) => Ok(()),
            _ => Err(SrtpError::AuthenticationFailed),
        }
    }
}
