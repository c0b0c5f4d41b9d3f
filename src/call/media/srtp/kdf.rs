//! The AES-CM key derivation function of RFC 3711 §4.3.3 (key derivation rate 0), used by
//! every suite here: RFC 6188 §5.1 runs it with AES-256, RFC 7714 §11 with a 96-bit master
//! salt (zero-padded to the 112 bits the PRF's input block has room for).

use super::cm::Aes;

pub(super) const RTP_ENCRYPTION: u8 = 0x00;
pub(super) const RTP_AUTHENTICATION: u8 = 0x01;
pub(super) const RTP_SALT: u8 = 0x02;
pub(super) const RTCP_ENCRYPTION: u8 = 0x03;
pub(super) const RTCP_AUTHENTICATION: u8 = 0x04;
pub(super) const RTCP_SALT: u8 = 0x05;

/// Fills `out` with PRF_n(k_master, x) where x = (label || 0^48) XOR master_salt, shifted
/// left 16 bits (the low 16 bits are the block counter).
pub(super) fn derive(prf: &Aes, master_salt: &[u8], label: u8, out: &mut [u8]) {
    let mut x = [0u8; 16];
    let n = master_salt.len().min(14);
    x[..n].copy_from_slice(&master_salt[..n]);
    x[7] ^= label;
    out.fill(0);
    prf.ctr_xor(&x, out);
}
