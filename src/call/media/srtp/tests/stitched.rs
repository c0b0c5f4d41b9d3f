//! AES-CM + HMAC-SHA1, stitched and portable, against the plain two passes (RustCrypto's `ctr`
//! then `hmac`) at every packet length around the block boundaries, with both key sizes; and
//! HMAC-SHA1 against RFC 2202.

use aes::cipher::KeyInit;
use aes::{Aes128, Aes256};
use ctr::cipher::{KeyIvInit, StreamCipher};
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::super::cm::CmTransform;
use super::super::hmac_sha1::HmacSha1;
use super::super::{Context, SrtpError, Suite};
use super::hex;

const KEY: [u8; 16] = *b"sixteen octets!!";
const KEY256: [u8; 32] = *b"thirty-two octets of AES-256 key";
const SALT: [u8; 14] = *b"fourteen salt.";
const AUTH: [u8; 20] = *b"twenty octet authkey";

/// Encrypt with `ctr`, then MAC with `hmac`: what `seal` must equal.
fn two_pass(key: &[u8], iv: u128, packet: &mut [u8], at: usize, trailer: &[u8]) -> [u8; 20] {
    let iv = iv.to_be_bytes();
    match key.len() {
        16 => ctr::Ctr128BE::<Aes128>::new_from_slices(key, &iv)
            .unwrap()
            .apply_keystream(&mut packet[at..]),
        _ => ctr::Ctr128BE::<Aes256>::new_from_slices(key, &iv)
            .unwrap()
            .apply_keystream(&mut packet[at..]),
    }
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(&AUTH).unwrap();
    mac.update(packet);
    mac.update(trailer);
    mac.finalize().into_bytes().into()
}

/// Every transform under test: both key sizes, stitched (where this processor has it) and
/// portable.
fn transforms() -> Vec<(&'static [u8], &'static str, CmTransform)> {
    let mut all = Vec::new();
    for key in [&KEY[..], &KEY256[..]] {
        let default = CmTransform::new(key, &SALT, &AUTH).unwrap();
        #[cfg(target_arch = "x86_64")]
        assert_eq!(
            default.stitched.is_some(),
            super::super::stitched_x86::available(),
            "the stitched pass is used wherever it can run"
        );
        all.push((key, "default", default));
        let portable = CmTransform::new(key, &SALT, &AUTH).unwrap().portable();
        all.push((key, "portable", portable));
    }
    all
}

#[test]
fn seal_and_open_equal_the_two_pass_reference_at_every_length() {
    for (key, path, cm) in transforms() {
        let iv = cm.iv(0x0a0b_0c0d, 77_777);
        for at in [0, 8, 12, 28, 60, 64, 100] {
            for len in (at..at + 400).chain([1_212, 1_500, 2_047, 4_500]) {
                let plain: Vec<u8> = (0..len).map(|i| (i * 31 + len) as u8).collect();
                for trailer in [&[][..], &[0, 0, 0, 1], &[0x80, 0, 0, 9]] {
                    let mut expected = plain.clone();
                    let want = two_pass(key, iv, &mut expected, at, trailer);
                    let mut sealed = plain.clone();
                    let tag = cm.seal(0x0a0b_0c0d, 77_777, &mut sealed, at, trailer);
                    let what = format!("{path}, {}-octet key, at {at}, length {len}", key.len());
                    assert_eq!((&sealed, tag), (&expected, want), "seal: {what}");

                    let mut opened = sealed.clone();
                    cm.open(0x0a0b_0c0d, 77_777, &mut opened, at, trailer, &tag[..10])
                        .unwrap();
                    assert_eq!(opened, plain, "open: {what}");
                }
            }
        }
    }
}

#[test]
fn a_failed_open_restores_what_it_had_decrypted() {
    for (_, path, cm) in transforms() {
        for len in [12, 140, 141, 268, 1_212, 3_000] {
            let mut sealed: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let tag = cm.seal(1, 2, &mut sealed, 12, &[0; 4]);
            for flip in [0, len / 2, len - 1] {
                let mut forged = sealed.clone();
                forged[flip] ^= 0x40;
                let before = forged.clone();
                assert_eq!(
                    cm.open(1, 2, &mut forged, 12, &[0; 4], &tag[..10]),
                    Err(SrtpError::AuthenticationFailed)
                );
                assert_eq!(forged, before, "{path}: length {len}, octet {flip} flipped");
            }
        }
    }
}

#[test]
fn large_forged_packets_leave_every_suite_unchanged() {
    for suite in Suite::ALL {
        let key: Vec<u8> = (0..suite.master_key_len() + suite.master_salt_len())
            .map(|i| i as u8)
            .collect();
        let mut tx = Context::new(suite, &key).unwrap();
        let mut rx = Context::new(suite, &key).unwrap();
        let mut packet = vec![0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9];
        packet.extend((0..1_200).map(|i| i as u8));
        tx.protect_rtp(&mut packet).unwrap();
        let at = packet.len() - 20;
        packet[at] ^= 1;
        let before = packet.clone();
        assert_eq!(
            rx.unprotect_rtp(&mut packet),
            Err(SrtpError::AuthenticationFailed),
            "{suite}"
        );
        assert_eq!(packet, before, "{suite}");
    }
}

#[test]
fn hmac_sha1_matches_rfc_2202() {
    let cases: [(&[u8], &[u8], &str); 4] = [
        (
            &[0x0b; 20],
            b"Hi There",
            "b617318655057264e28bc0b6fb378c8ef146be00",
        ),
        (
            b"Jefe",
            b"what do ya want for nothing?",
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
        ),
        (
            &[0xaa; 80],
            b"Test Using Larger Than Block-Size Key - Hash Key First",
            "aa4ae5e15272d00e95705637ce8a3b55ed402112",
        ),
        (
            &[0xaa; 80],
            b"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
            "e8e99d0f45237d786d6bbaa7965c7808bbff1a91",
        ),
    ];
    for (key, data, tag) in cases {
        assert_eq!(HmacSha1::new(key).tag(data, &[]).to_vec(), hex(tag));
        // Split between data and trailer, as SRTP splits packet and ROC.
        let (a, b) = data.split_at(data.len() - 4);
        assert_eq!(HmacSha1::new(key).tag(a, b).to_vec(), hex(tag));
    }
}
