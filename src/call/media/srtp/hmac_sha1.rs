//! HMAC-SHA1 (RFC 2104) with the key's inner and outer states computed once per session.
//!
//! The pieces are public to the stitched pass (`stitched_x86.rs`), which runs SHA-1's rounds
//! itself: the two states, the padded last blocks of the inner hash and the outer hash's block.

use sha1::Digest;
use sha1::block_api::compress;

/// SHA-1's initial state (FIPS 180-4 §5.3.1).
const H0: [u32; 5] = [
    0x6745_2301,
    0xefcd_ab89,
    0x98ba_dcfe,
    0x1032_5476,
    0xc3d2_e1f0,
];
pub(super) const BLOCK: usize = 64;

/// An HMAC-SHA1 key: SHA-1 states after the key XOR ipad and the key XOR opad blocks.
#[derive(Clone)]
pub(super) struct HmacSha1 {
    pub(super) inner: [u32; 5],
    pub(super) outer: [u32; 5],
}

impl HmacSha1 {
    pub(super) fn new(key: &[u8]) -> HmacSha1 {
        let mut block = [0u8; BLOCK];
        if key.len() > BLOCK {
            block[..20].copy_from_slice(&sha1::Sha1::digest(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let state_after = |pad: u8| {
            let mut state = H0;
            compress(&mut state, &[block.map(|b| b ^ pad)]);
            state
        };
        HmacSha1 {
            inner: state_after(0x36),
            outer: state_after(0x5c),
        }
    }

    /// The full 160-bit tag of `data || trailer`, where `trailer` is at most 55 octets (SRTP's
    /// are 4: the ROC, or E||index).
    pub(super) fn tag(&self, data: &[u8], trailer: &[u8]) -> [u8; 20] {
        let (blocks, tail) = data.as_chunks::<BLOCK>();
        let mut inner = self.inner;
        compress(&mut inner, blocks);
        let (last, n) = last_blocks(tail, trailer, data.len() + trailer.len());
        compress(&mut inner, &last[..n]);
        let mut outer = self.outer;
        compress(&mut outer, &[outer_block(&digest(&inner))]);
        digest(&outer)
    }
}

/// The inner hash's last one or two blocks: `tail` (what follows the last whole block of the
/// data), `trailer`, and SHA-1's padding for a message of `message_len` octets after the
/// ipad block.
pub(super) fn last_blocks(
    tail: &[u8],
    trailer: &[u8],
    message_len: usize,
) -> ([[u8; BLOCK]; 2], usize) {
    let mut buf = [0u8; 2 * BLOCK];
    let n = tail.len() + trailer.len();
    assert!(n + 9 <= 2 * BLOCK, "HMAC tail of {n} octets");
    buf[..tail.len()].copy_from_slice(tail);
    buf[tail.len()..n].copy_from_slice(trailer);
    buf[n] = 0x80;
    let blocks = if n + 9 <= BLOCK { 1 } else { 2 };
    let bits = ((BLOCK + message_len) as u64) * 8;
    buf[blocks * BLOCK - 8..blocks * BLOCK].copy_from_slice(&bits.to_be_bytes());
    let (whole, _) = buf.as_chunks::<BLOCK>();
    ([whole[0], whole[1]], blocks)
}

/// The outer hash's one block: the inner digest and padding (the opad block plus 20 octets).
pub(super) fn outer_block(inner: &[u8; 20]) -> [u8; BLOCK] {
    let mut block = [0u8; BLOCK];
    block[..20].copy_from_slice(inner);
    block[20] = 0x80;
    block[BLOCK - 8..].copy_from_slice(&(((BLOCK + 20) * 8) as u64).to_be_bytes());
    block
}

pub(super) fn digest(state: &[u32; 5]) -> [u8; 20] {
    let mut digest = [0u8; 20];
    for (out, word) in digest.chunks_exact_mut(4).zip(state) {
        out.copy_from_slice(&word.to_be_bytes());
    }
    digest
}
