//! Any bytes, under every suite: unprotecting never panics and a refused packet is left as it
//! was; a packet that protects comes back unchanged, and with any one bit flipped it is
//! refused. Covers the stitched AES-CM + HMAC-SHA1 pass where the processor runs it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roomd_fuzz::srtp::{Context, Suite};

fn context(suite: Suite) -> Context {
    let key: Vec<u8> = (0..suite.master_key_len() + suite.master_salt_len())
        .map(|i| (i * 13 + 5) as u8)
        .collect();
    Context::new(suite, &key).expect("a key of the right length")
}

/// Unprotecting `bytes` either succeeds or leaves them untouched.
fn refused_untouched(rtcp: bool, rx: &mut Context, bytes: &[u8]) -> bool {
    let mut packet = bytes.to_vec();
    let result = if rtcp {
        rx.unprotect_rtcp(&mut packet)
    } else {
        rx.unprotect_rtp(&mut packet)
    };
    if result.is_err() {
        assert_eq!(packet, bytes, "a refused packet was changed");
    }
    result.is_err()
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let suite = Suite::ALL[usize::from(selector) % Suite::ALL.len()];
    let rtcp = selector & 0x80 != 0;
    refused_untouched(rtcp, &mut context(suite), bytes);

    let mut tx = context(suite);
    let mut protected = bytes.to_vec();
    let sent = if rtcp {
        tx.protect_rtcp(&mut protected)
    } else {
        tx.protect_rtp(&mut protected)
    };
    if sent.is_err() {
        return;
    }
    let flip = (usize::from(selector) * 7919 + bytes.len()) % (protected.len() * 8);
    let mut forged = protected.clone();
    forged[flip / 8] ^= 1 << (flip % 8);
    assert!(
        refused_untouched(rtcp, &mut context(suite), &forged),
        "{suite}: a packet with bit {flip} flipped was accepted"
    );
    let mut rx = context(suite);
    let received = if rtcp {
        rx.unprotect_rtcp(&mut protected)
    } else {
        rx.unprotect_rtp(&mut protected)
    };
    received.expect("what was protected unprotects");
    assert_eq!(protected, bytes, "{suite}: the round trip changed the packet");
});
