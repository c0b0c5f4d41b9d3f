//! AES-CTR and HMAC-SHA1 in one pass on x86-64 with AES-NI and the SHA extensions.
//!
//! SHA-1 on the SHA extensions is one chain of `sha1rnds4` instructions, each waiting for the
//! one before, so a pass of it leaves much of the core idle; AES-CTR is independent work that
//! can run in those gaps. Here each 64-octet block of the hash is followed by 64 octets of
//! counter mode, kept two blocks ahead of the hash when sealing (the hash covers the
//! ciphertext) and behind it when opening (the ciphertext must be hashed before it is
//! deciphered); the HMAC's padding and outer hash are done here too, so a packet is one call.
//! The SHA-1 rounds are those of RustCrypto's `sha1` (its `x86_sha` backend).
//!
//! Measured on this project's Xeon (Ice Lake server, under a hypervisor), 1,212-octet packets:
//! the 21 SHA-1 blocks of the HMAC alone take about 650 ns (OpenSSL's SHA-1 runs at the same
//! speed there), AES-CTR alone about 205 ns, both in one pass about 800 ns. The cipher does
//! not hide entirely: the SHA instructions and half of the AES ones share an execution port.
//! Interleaving at a finer grain (one AES round per four SHA-1 rounds) measured no better.

use core::arch::x86_64::*;

use super::hmac_sha1::{self, BLOCK, HmacSha1};

/// Whether this processor has what the kernels need.
pub(super) fn available() -> bool {
    std::is_x86_feature_detected!("aes")
        && std::is_x86_feature_detected!("sha")
        && std::is_x86_feature_detected!("sse4.1")
        && std::is_x86_feature_detected!("ssse3")
}

/// Expanded AES round keys, loaded in registers' form. Built only where [`available`] holds.
#[derive(Clone, Copy)]
pub(super) enum RoundKeys {
    A128([__m128i; 11]),
    A256([__m128i; 15]),
}

impl RoundKeys {
    /// Expands a 16- or 32-octet key (FIPS-197 §5.2) with `aeskeygenassist`: no table
    /// lookups indexed by key octets. `None` for other lengths or without AES-NI.
    pub(super) fn new(key: &[u8]) -> Option<RoundKeys> {
        if !available() {
            return None;
        }
        // SAFETY: `available()` checked for AES-NI and SSE4.1.
        unsafe {
            match key.len() {
                16 => Some(RoundKeys::A128(expand128(key.try_into().ok()?))),
                32 => Some(RoundKeys::A256(expand256(key.try_into().ok()?))),
                _ => None,
            }
        }
    }
}

// SAFETY of the `_mm_*` calls below: every function is `#[target_feature]` for what it uses
// and is only reached through `RoundKeys`, which exists only where `available()` held.

/// The round key after `k` (four words back): each word XORed into the next, then the word
/// `aeskeygenassist` computed (SubWord, RotWord and Rcon in lane 3; SubWord alone in lane 2),
/// broadcast.
#[target_feature(enable = "aes,sse2")]
fn next(k: __m128i, assist: __m128i, lane: i32) -> __m128i {
    let t = match lane {
        3 => _mm_shuffle_epi32(assist, 0xff),
        _ => _mm_shuffle_epi32(assist, 0xaa),
    };
    let mut k = k;
    k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
    k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
    k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
    _mm_xor_si128(k, t)
}

#[target_feature(enable = "aes,sse2")]
fn expand128(key: &[u8; 16]) -> [__m128i; 11] {
    let mut rk = [_mm_setzero_si128(); 11];
    // SAFETY: 16 readable octets; unaligned load.
    rk[0] = unsafe { _mm_loadu_si128(key.as_ptr().cast()) };
    macro_rules! round {
        ($i:expr, $rcon:expr) => {
            rk[$i] = next(rk[$i - 1], _mm_aeskeygenassist_si128(rk[$i - 1], $rcon), 3);
        };
    }
    round!(1, 0x01);
    round!(2, 0x02);
    round!(3, 0x04);
    round!(4, 0x08);
    round!(5, 0x10);
    round!(6, 0x20);
    round!(7, 0x40);
    round!(8, 0x80);
    round!(9, 0x1b);
    round!(10, 0x36);
    rk
}

#[target_feature(enable = "aes,sse2")]
fn expand256(key: &[u8; 32]) -> [__m128i; 15] {
    let mut rk = [_mm_setzero_si128(); 15];
    // SAFETY: 32 readable octets; unaligned loads.
    unsafe {
        rk[0] = _mm_loadu_si128(key.as_ptr().cast());
        rk[1] = _mm_loadu_si128(key.as_ptr().add(16).cast());
    }
    // Even keys take RotWord+SubWord+Rcon of the key before (lane 3); odd keys SubWord only
    // (lane 2, Rcon 0).
    macro_rules! even {
        ($i:expr, $rcon:expr) => {
            rk[$i] = next(rk[$i - 2], _mm_aeskeygenassist_si128(rk[$i - 1], $rcon), 3);
        };
    }
    macro_rules! odd {
        ($i:expr) => {
            rk[$i] = next(rk[$i - 2], _mm_aeskeygenassist_si128(rk[$i - 1], 0), 2);
        };
    }
    macro_rules! pairs {
        ($(($i:expr, $rcon:expr)),*) => {
            $(
                even!($i, $rcon);
                odd!($i + 1);
            )*
        };
    }
    pairs!(
        (2, 0x01),
        (4, 0x02),
        (6, 0x04),
        (8, 0x08),
        (10, 0x10),
        (12, 0x20)
    );
    even!(14, 0x40);
    rk
}

/// Which way a packet goes through [`pass`].
#[derive(Clone, Copy)]
pub(super) enum Direction {
    /// Encrypts `packet[at..]` and returns the HMAC-SHA1 of the result followed by `trailer`.
    Seal,
    /// Returns the HMAC-SHA1 of `packet || trailer` and decrypts `packet[at..]`, whatever
    /// the tag: a caller that finds it wrong encrypts again to restore the packet.
    Open,
}

/// One packet through AES-CTR (counter blocks `iv`, `iv + 1`, ...) and HMAC-SHA1 at once.
pub(super) fn pass(
    keys: &RoundKeys,
    direction: Direction,
    mac: &HmacSha1,
    iv: u128,
    packet: &mut [u8],
    at: usize,
    trailer: &[u8],
) -> [u8; 20] {
    use Direction::{Open, Seal};
    // SAFETY: `RoundKeys` exists only where `available()` held.
    unsafe {
        match (keys, direction) {
            (RoundKeys::A128(rk), Seal) => run::<11, true>(rk, mac, iv, packet, at, trailer),
            (RoundKeys::A128(rk), Open) => run::<11, false>(rk, mac, iv, packet, at, trailer),
            (RoundKeys::A256(rk), Seal) => run::<15, true>(rk, mac, iv, packet, at, trailer),
            (RoundKeys::A256(rk), Open) => run::<15, false>(rk, mac, iv, packet, at, trailer),
        }
    }
}

/// Sealing keeps the ciphertext two blocks ahead of the hash; opening deciphers behind it.
#[target_feature(enable = "aes,sha,sse2,ssse3,sse4.1")]
fn run<const KEYS: usize, const SEAL: bool>(
    rk: &[__m128i; KEYS],
    mac: &HmacSha1,
    iv: u128,
    packet: &mut [u8],
    at: usize,
    trailer: &[u8],
) -> [u8; 20] {
    let len = packet.len();
    let whole = len / BLOCK;
    let counter = Counter { iv, at };
    let mut crypted = at;
    // Ciphers up to `limit` (at most `len`) in 64-octet steps, then what is left.
    let cipher_to = |packet: &mut [u8], crypted: &mut usize, limit: usize| {
        while *crypted < limit {
            if *crypted + BLOCK <= len {
                counter.xor(packet, *crypted, counter.keystream(rk, *crypted));
                *crypted += BLOCK;
            } else {
                counter.xor_rest(rk, packet, *crypted);
                *crypted = len;
            }
        }
    };
    let mut sha = Sha1State::load(&mac.inner);
    for end in (BLOCK..=whole * BLOCK).step_by(BLOCK) {
        if SEAL {
            cipher_to(packet, &mut crypted, end);
        }
        sha.block(packet[end - BLOCK..].first_chunk().expect("64 octets"));
        // The cipher's step comes after the hash's rounds in program order, so that theirs,
        // the critical path, go first where both want the same execution port.
        if SEAL {
            cipher_to(packet, &mut crypted, (end + 2 * BLOCK).min(len));
        } else {
            while crypted + BLOCK <= end {
                counter.xor(packet, crypted, counter.keystream(rk, crypted));
                crypted += BLOCK;
            }
        }
    }
    if SEAL {
        cipher_to(packet, &mut crypted, len);
    }
    // Copied out before opening deciphers the rest, alongside the last blocks.
    let (last, n) = hmac_sha1::last_blocks(&packet[whole * BLOCK..], trailer, len + trailer.len());
    for block in &last[..n] {
        sha.block(block);
        let limit = (crypted + BLOCK).min(len);
        cipher_to(packet, &mut crypted, limit);
    }
    let mut outer = Sha1State::load(&mac.outer);
    outer.block(&hmac_sha1::outer_block(&sha.digest()));
    cipher_to(packet, &mut crypted, len);
    outer.digest()
}

/// The counter blocks of one packet: block `n` of the payload (which starts at octet `at`)
/// is XORed with AES(iv + n). The IV's low 16 bits are zero and a packet has fewer than 2^16
/// blocks, so only those bits change.
struct Counter {
    iv: u128,
    at: usize,
}

impl Counter {
    /// The four counter blocks for `packet[from..from + 64]`, whitened with the first round key.
    #[target_feature(enable = "sse2,sse4.1")]
    fn blocks<const KEYS: usize>(&self, rk: &[__m128i; KEYS], from: usize) -> [__m128i; 4] {
        let first = ((from - self.at) / 16) as u16;
        // SAFETY: 16 readable octets.
        let base = unsafe { _mm_loadu_si128(self.iv.to_be_bytes().as_ptr().cast()) };
        [0u16, 1, 2, 3].map(|i| {
            let counter = _mm_insert_epi16::<7>(base, i32::from((first + i).swap_bytes()));
            _mm_xor_si128(counter, rk[0])
        })
    }

    /// The keystream for `packet[from..from + 64]`, four AES blocks side by side.
    #[target_feature(enable = "aes,sse2,sse4.1")]
    fn keystream<const KEYS: usize>(&self, rk: &[__m128i; KEYS], from: usize) -> [__m128i; 4] {
        let mut x = self.blocks(rk, from);
        for key in &rk[1..KEYS - 1] {
            x = x.map(|b| _mm_aesenc_si128(b, *key));
        }
        x.map(|b| _mm_aesenclast_si128(b, rk[KEYS - 1]))
    }

    /// XORs 64 octets of keystream into `packet[from..from + 64]`.
    #[target_feature(enable = "sse2")]
    fn xor(&self, packet: &mut [u8], from: usize, keystream: [__m128i; 4]) {
        let chunk: &mut [u8; BLOCK] = (&mut packet[from..from + BLOCK])
            .try_into()
            .expect("64 octets");
        for (i, keystream) in keystream.into_iter().enumerate() {
            let p = chunk[16 * i..].as_mut_ptr().cast::<__m128i>();
            // SAFETY: `chunk` has 16 octets at `16 * i`; unaligned load and store.
            unsafe { _mm_storeu_si128(p, _mm_xor_si128(_mm_loadu_si128(p), keystream)) };
        }
    }

    /// XORs the keystream into `packet[from..]`, fewer than 64 octets.
    #[target_feature(enable = "aes,sse2,sse4.1")]
    fn xor_rest<const KEYS: usize>(&self, rk: &[__m128i; KEYS], packet: &mut [u8], from: usize) {
        let rest = &mut packet[from..];
        let mut chunk = [0u8; BLOCK];
        chunk[..rest.len()].copy_from_slice(rest);
        self.xor(&mut chunk, 0, self.keystream(rk, from));
        rest.copy_from_slice(&chunk[..rest.len()]);
    }
}

/// The SHA-1 state in the two registers the SHA extensions work on.
struct Sha1State {
    abcd: __m128i,
    e: __m128i,
}

impl Sha1State {
    #[target_feature(enable = "sse2,sse4.1")]
    fn load(state: &[u32; 5]) -> Sha1State {
        // SAFETY: 16 readable octets.
        let abcd = unsafe { _mm_loadu_si128(state.as_ptr().cast()) };
        Sha1State {
            abcd: _mm_shuffle_epi32(abcd, 0b0001_1011),
            e: _mm_set_epi32(state[4] as i32, 0, 0, 0),
        }
    }

    #[target_feature(enable = "sse2,sse4.1")]
    fn digest(&self) -> [u8; 20] {
        let mut state = [0u32; 5];
        let abcd = _mm_shuffle_epi32(self.abcd, 0b0001_1011);
        // SAFETY: 16 writable octets.
        unsafe { _mm_storeu_si128(state.as_mut_ptr().cast(), abcd) };
        state[4] = _mm_extract_epi32::<3>(self.e) as u32;
        hmac_sha1::digest(&state)
    }

    /// 80 rounds over one block (FIPS 180-4 §6.1.2), as RustCrypto's `sha1` x86 backend does
    /// them.
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn block(&mut self, block: &[u8; 64]) {
        macro_rules! rounds4 {
            ($h0:ident, $h1:ident, $wk:expr, $i:expr) => {
                _mm_sha1rnds4_epu32::<$i>($h0, _mm_sha1nexte_epu32($h1, $wk))
            };
        }
        macro_rules! schedule_rounds4 {
            ($h0:ident, $h1:ident, $w0:expr, $w1:expr, $w2:expr, $w3:expr, $w4:expr, $i:expr) => {
                $w4 = _mm_sha1msg2_epu32(_mm_xor_si128(_mm_sha1msg1_epu32($w0, $w1), $w2), $w3);
                $h1 = rounds4!($h0, $h1, $w4, $i);
            };
        }
        let mask = _mm_set_epi64x(0x0001_0203_0405_0607, 0x0809_0a0b_0c0d_0e0f);
        // SAFETY: `block` has 64 readable octets; unaligned loads.
        let word = |i: usize| unsafe {
            _mm_shuffle_epi8(_mm_loadu_si128(block[16 * i..].as_ptr().cast()), mask)
        };
        let (mut w0, mut w1, mut w2, mut w3) = (word(0), word(1), word(2), word(3));
        let mut w4;
        let mut h0 = self.abcd;
        let mut h1 = _mm_add_epi32(self.e, w0);

        // Rounds 0..20
        h1 = _mm_sha1rnds4_epu32::<0>(h0, h1);
        h0 = rounds4!(h1, h0, w1, 0);
        h1 = rounds4!(h0, h1, w2, 0);
        h0 = rounds4!(h1, h0, w3, 0);
        schedule_rounds4!(h0, h1, w0, w1, w2, w3, w4, 0);
        // Rounds 20..40
        schedule_rounds4!(h1, h0, w1, w2, w3, w4, w0, 1);
        schedule_rounds4!(h0, h1, w2, w3, w4, w0, w1, 1);
        schedule_rounds4!(h1, h0, w3, w4, w0, w1, w2, 1);
        schedule_rounds4!(h0, h1, w4, w0, w1, w2, w3, 1);
        schedule_rounds4!(h1, h0, w0, w1, w2, w3, w4, 1);
        // Rounds 40..60
        schedule_rounds4!(h0, h1, w1, w2, w3, w4, w0, 2);
        schedule_rounds4!(h1, h0, w2, w3, w4, w0, w1, 2);
        schedule_rounds4!(h0, h1, w3, w4, w0, w1, w2, 2);
        schedule_rounds4!(h1, h0, w4, w0, w1, w2, w3, 2);
        schedule_rounds4!(h0, h1, w0, w1, w2, w3, w4, 2);
        // Rounds 60..80
        schedule_rounds4!(h1, h0, w1, w2, w3, w4, w0, 3);
        schedule_rounds4!(h0, h1, w2, w3, w4, w0, w1, 3);
        schedule_rounds4!(h1, h0, w3, w4, w0, w1, w2, 3);
        schedule_rounds4!(h0, h1, w4, w0, w1, w2, w3, 3);
        schedule_rounds4!(h1, h0, w0, w1, w2, w3, w4, 3);

        self.abcd = _mm_add_epi32(self.abcd, h0);
        self.e = _mm_sha1nexte_epu32(h1, self.e);
    }
}
