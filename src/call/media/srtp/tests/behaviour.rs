//! Behaviour: roll-over across sequence wraps, replay, forgery, truncation, garbage.

use super::super::{Context, SrtpError, Suite};

const SSRC: u32 = 0x1234_5678;

fn key(suite: Suite) -> Vec<u8> {
    (0..suite.master_key_len() + suite.master_salt_len())
        .map(|i| (i * 7 + 3) as u8)
        .collect()
}

fn pair(suite: Suite) -> (Context, Context) {
    (
        Context::new(suite, &key(suite)).unwrap(),
        Context::new(suite, &key(suite)).unwrap(),
    )
}

/// An RTP packet with two CSRCs, a one-octet header extension of one word, and padding bit set.
fn rtp(seq: u16, payload_len: usize) -> Vec<u8> {
    let mut p = vec![0xb2, 0x60];
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&u32::from(seq).wrapping_mul(160).to_be_bytes());
    p.extend_from_slice(&SSRC.to_be_bytes());
    p.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 2]); // CSRCs
    p.extend_from_slice(&[0xbe, 0xde, 0, 1, 0x10, 0xaa, 0, 0]); // extension
    p.extend((0..payload_len).map(|i| (i as u8) ^ (seq as u8)));
    p
}

fn rtcp(n: u8) -> Vec<u8> {
    let mut p = vec![0x81, 0xc9, 0, 7];
    p.extend_from_slice(&SSRC.to_be_bytes());
    p.extend((0..24).map(|i| i ^ n));
    p
}

#[test]
fn every_suite_round_trips_with_csrcs_and_extension() {
    for suite in Suite::ALL {
        let (mut tx, mut rx) = pair(suite);
        for seq in [1u16, 2, 3] {
            let plain = rtp(seq, 100);
            let mut p = plain.clone();
            tx.protect_rtp(&mut p).unwrap();
            assert_eq!(p.len(), plain.len() + suite.rtp_tag_len());
            assert_eq!(p[..28], plain[..28], "{suite}: header stays in the clear");
            assert_ne!(
                p[28..plain.len()],
                plain[28..],
                "{suite}: payload is encrypted"
            );
            rx.unprotect_rtp(&mut p).unwrap();
            assert_eq!(p, plain, "{suite}");

            let plain = rtcp(seq as u8);
            let mut p = plain.clone();
            tx.protect_rtcp(&mut p).unwrap();
            assert_eq!(p.len(), plain.len() + 4 + suite.rtcp_tag_len());
            rx.unprotect_rtcp(&mut p).unwrap();
            assert_eq!(p, plain, "{suite}");
        }
        // An empty payload is fine too.
        let plain = rtp(4, 0);
        let mut p = plain.clone();
        tx.protect_rtp(&mut p).unwrap();
        rx.unprotect_rtp(&mut p).unwrap();
        assert_eq!(p, plain);
    }
}

#[test]
fn roc_follows_70000_packets_across_the_wrap() {
    for suite in [Suite::AesCm128HmacSha1_80, Suite::AeadAes128Gcm] {
        let (mut tx, mut rx) = pair(suite);
        for n in 0u32..70_000 {
            let seq = n as u16;
            let plain = rtp(seq, 8);
            let mut p = plain.clone();
            tx.protect_rtp(&mut p).unwrap();
            rx.unprotect_rtp(&mut p)
                .unwrap_or_else(|e| panic!("{suite}: packet {n}: {e}"));
            assert_eq!(p, plain);
        }
        assert_eq!(tx.roc(SSRC), Some(1));
        assert_eq!(rx.roc(SSRC), Some(1));
    }
}

#[test]
fn reordering_across_the_wrap_is_accepted_once() {
    let (mut tx, mut rx) = pair(Suite::AesCm128HmacSha1_80);
    let seqs = [65530u16, 65531, 65532, 65533, 65534, 65535, 0, 1, 2];
    let mut wire = Vec::new();
    for seq in seqs {
        let mut p = rtp(seq, 20);
        tx.protect_rtp(&mut p).unwrap();
        wire.push(p);
    }
    for i in [0, 1, 6, 2, 7, 5, 3, 4, 8] {
        let mut p = wire[i].clone();
        rx.unprotect_rtp(&mut p)
            .unwrap_or_else(|e| panic!("seq {}: {e}", seqs[i]));
        assert_eq!(p, rtp(seqs[i], 20));
    }
    assert_eq!(rx.roc(SSRC), Some(1));
    for w in &wire {
        assert_eq!(rx.unprotect_rtp(&mut w.clone()), Err(SrtpError::Replayed));
    }
}

#[test]
fn replayed_and_too_old_packets_are_refused() {
    for suite in Suite::ALL {
        let (mut tx, mut rx) = pair(suite);
        let mut wire = Vec::new();
        for seq in 0u16..300 {
            let mut p = rtp(seq, 10);
            tx.protect_rtp(&mut p).unwrap();
            wire.push(p);
        }
        rx.unprotect_rtp(&mut wire[5].clone()).unwrap();
        assert_eq!(
            rx.unprotect_rtp(&mut wire[5].clone()),
            Err(SrtpError::Replayed),
            "{suite}"
        );
        rx.unprotect_rtp(&mut wire[299].clone()).unwrap();
        // 299 - 128 = 171 is the oldest index still in the window.
        rx.unprotect_rtp(&mut wire[172].clone()).unwrap();
        assert_eq!(
            rx.unprotect_rtp(&mut wire[171].clone()),
            Err(SrtpError::TooOld),
            "{suite}"
        );
        assert_eq!(
            rx.unprotect_rtp(&mut wire[10].clone()),
            Err(SrtpError::TooOld),
            "{suite}"
        );

        let mut c = rtcp(1);
        tx.protect_rtcp(&mut c).unwrap();
        rx.unprotect_rtcp(&mut c.clone()).unwrap();
        assert_eq!(
            rx.unprotect_rtcp(&mut c.clone()),
            Err(SrtpError::Replayed),
            "{suite}"
        );
    }
}

#[test]
fn forged_packets_fail_authentication_and_change_nothing() {
    for suite in Suite::ALL {
        let (mut tx, mut rx) = pair(suite);
        let mut first = rtp(40_000, 50);
        tx.protect_rtp(&mut first).unwrap();
        let mut second = rtp(40_001, 50);
        tx.protect_rtp(&mut second).unwrap();
        rx.unprotect_rtp(&mut first).unwrap();

        // Flip each bit of the second packet in turn: every one must fail and leave the
        // packet as it was.
        for bit in 0..second.len() * 8 {
            let mut forged = second.clone();
            forged[bit / 8] ^= 1 << (bit % 8);
            let before = forged.clone();
            let err = rx.unprotect_rtp(&mut forged).unwrap_err();
            assert!(
                matches!(
                    err,
                    SrtpError::AuthenticationFailed
                        | SrtpError::Malformed(_)
                        | SrtpError::TooShort
                        | SrtpError::TooOld
                        | SrtpError::Replayed
                ),
                "{suite} bit {bit}: {err:?}"
            );
            assert_eq!(
                forged, before,
                "{suite}: a failed unprotect must not touch the packet"
            );
        }
        // A forgery whose sequence number makes the receiver guess ROC + 1 must not move
        // the state either.
        let mut far = second.clone();
        far[2..4].copy_from_slice(&100u16.to_be_bytes());
        assert_eq!(
            rx.unprotect_rtp(&mut far),
            Err(SrtpError::AuthenticationFailed)
        );
        assert_eq!(rx.roc(SSRC), Some(0));
        let plain = rtp(40_001, 50);
        rx.unprotect_rtp(&mut second).unwrap();
        assert_eq!(second, plain);

        let mut c = rtcp(9);
        tx.protect_rtcp(&mut c).unwrap();
        let n = c.len();
        let mut forged = c.clone();
        forged[n - 1] ^= 0x01;
        assert_eq!(
            rx.unprotect_rtcp(&mut forged),
            Err(SrtpError::AuthenticationFailed),
            "{suite}"
        );
        rx.unprotect_rtcp(&mut c).unwrap();
        assert_eq!(c, rtcp(9));
    }
}

#[test]
fn wrong_key_fails_authentication() {
    let mut tx =
        Context::new(Suite::AesCm128HmacSha1_32, &key(Suite::AesCm128HmacSha1_32)).unwrap();
    let mut other = key(Suite::AesCm128HmacSha1_32);
    other[0] ^= 1;
    let mut rx = Context::new(Suite::AesCm128HmacSha1_32, &other).unwrap();
    let mut p = rtp(7, 30);
    tx.protect_rtp(&mut p).unwrap();
    assert_eq!(
        rx.unprotect_rtp(&mut p),
        Err(SrtpError::AuthenticationFailed)
    );
}

#[test]
fn truncated_packets_are_too_short() {
    for suite in Suite::ALL {
        let (mut tx, mut rx) = pair(suite);
        assert_eq!(
            tx.protect_rtp(&mut vec![0x80; 11]),
            Err(SrtpError::TooShort)
        );
        assert_eq!(
            tx.protect_rtcp(&mut vec![0x80; 7]),
            Err(SrtpError::TooShort)
        );
        let mut p = rtp(1, 0);
        tx.protect_rtp(&mut p).unwrap();
        // Shorter than header + tag.
        for len in 0..28 + suite.rtp_tag_len() {
            let mut cut = p[..len].to_vec();
            assert_eq!(
                rx.unprotect_rtp(&mut cut),
                Err(SrtpError::TooShort),
                "{suite} len {len}"
            );
        }
        for len in 0..8 + 4 + suite.rtcp_tag_len() {
            assert_eq!(
                rx.unprotect_rtcp(&mut vec![0x81; len]),
                Err(SrtpError::TooShort),
                "{suite} len {len}"
            );
        }
        // An extension whose length runs past the packet.
        let mut bad = rtp(2, 0);
        bad[20..24].copy_from_slice(&[0xbe, 0xde, 0xff, 0xff]);
        assert_eq!(tx.protect_rtp(&mut bad), Err(SrtpError::TooShort));
        assert!(matches!(
            tx.protect_rtp(&mut vec![0x40; 40]),
            Err(SrtpError::Malformed(_))
        ));
    }
}

/// A small deterministic generator (xorshift) for garbage.
fn garbage(seed: &mut u64, len: usize) -> Vec<u8> {
    (0..len)
        .map(|_| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            *seed as u8
        })
        .collect()
}

#[test]
fn no_prefix_and_no_garbage_panics() {
    let mut seed = 0x9e37_79b9_7f4a_7c15;
    for suite in Suite::ALL {
        let (mut tx, mut rx) = pair(suite);
        let mut p = rtp(9, 40);
        tx.protect_rtp(&mut p).unwrap();
        let mut c = rtcp(3);
        tx.protect_rtcp(&mut c).unwrap();
        for len in 0..p.len() {
            let _ = rx.unprotect_rtp(&mut p[..len].to_vec());
            let _ = rx.unprotect_rtcp(&mut p[..len].to_vec());
            let _ = tx.clone_protect_rtp(&p[..len]);
        }
        for len in 0..c.len() {
            let _ = rx.unprotect_rtcp(&mut c[..len].to_vec());
            let _ = rx.unprotect_rtp(&mut c[..len].to_vec());
        }
        for len in (0..200).chain([1500, 9000]) {
            let mut g = garbage(&mut seed, len);
            if let Some(b) = g.first_mut() {
                *b = 0x80 | (*b & 0x3f); // mostly version 2, to get past the first check
            }
            let _ = rx.unprotect_rtp(&mut g.clone());
            let _ = rx.unprotect_rtcp(&mut g.clone());
            let _ = tx.protect_rtp(&mut g.clone());
            let _ = tx.protect_rtcp(&mut g);
        }
        // The real packets are still accepted after all that.
        rx.unprotect_rtp(&mut p).unwrap();
        rx.unprotect_rtcp(&mut c).unwrap();
    }
}

impl Context {
    fn clone_protect_rtp(&mut self, p: &[u8]) -> Result<Vec<u8>, SrtpError> {
        let mut v = p.to_vec();
        self.protect_rtp(&mut v).map(|()| v)
    }
}

#[test]
fn suites_have_their_names_and_sizes() {
    for suite in Suite::ALL {
        assert_eq!(Suite::from_sdp_name(suite.sdp_name()), Some(suite));
        assert!(matches!(
            Context::new(suite, &[0; 29]),
            Err(SrtpError::BadKey(_))
        ));
    }
    assert_eq!(
        Suite::from_sdp_name("AES_CM_128_HMAC_SHA1_80"),
        Some(Suite::AesCm128HmacSha1_80)
    );
    assert_eq!(
        Suite::from_sdp_name("AEAD_AES_256_GCM"),
        Some(Suite::AeadAes256Gcm)
    );
    assert_eq!(Suite::from_sdp_name("F8_128_HMAC_SHA1_80"), None);
    assert_eq!(
        Suite::AesCm256HmacSha1_32.master_key_len() + Suite::AesCm256HmacSha1_32.master_salt_len(),
        46
    );
    assert_eq!(
        Suite::AeadAes128Gcm.master_key_len() + Suite::AeadAes128Gcm.master_salt_len(),
        28
    );
    assert_eq!(
        SrtpError::AuthenticationFailed.to_string(),
        "authentication failed"
    );
}

#[test]
fn initial_roc_and_rtcp_index_can_be_set() {
    let (mut tx, mut rx) = pair(Suite::AesCm128HmacSha1_80);
    tx.set_initial_roc(SSRC, 5);
    rx.set_initial_roc(SSRC, 5);
    let mut p = rtp(10, 10);
    tx.protect_rtp(&mut p).unwrap();
    rx.unprotect_rtp(&mut p).unwrap();
    assert_eq!(rx.roc(SSRC), Some(5));

    tx.set_next_rtcp_index(SSRC, 0x7fff_ffff);
    let mut c = rtcp(0);
    tx.protect_rtcp(&mut c).unwrap();
    rx.unprotect_rtcp(&mut c).unwrap();
    assert_eq!(
        tx.protect_rtcp(&mut rtcp(1)),
        Err(SrtpError::IndexExhausted)
    );
}
