//! Differential test of roomd's SRTP against the real libsrtp 2 (the system's libsrtp2, via a
//! small C harness compiled at test time): packets protected by one are unprotected by the
//! other, for every suite both support, across a sequence-number wrap, and replayed or forged
//! packets are rejected by both.
//!
//! Needs `cc` and libsrtp2-dev; without them this test fails and says what to install.

#[path = "srtp_libsrtp/harness.rs"]
#[allow(dead_code)] // the benchmark uses the rest
mod harness;

use harness::{Libsrtp, STATUS_AUTH_FAIL, STATUS_REPLAY_FAIL, STATUS_REPLAY_OLD};
use roomd::call::media::srtp::{Context, SrtpError, Suite};

const SSRC: u32 = 0xdead_beef;

fn key(suite: Suite) -> Vec<u8> {
    (0..suite.master_key_len() + suite.master_salt_len())
        .map(|i| (i * 13 + 5) as u8)
        .collect()
}

/// RTP packets of varying shape: plain, with CSRCs, with a header extension, with padding.
fn rtp(seq: u16) -> Vec<u8> {
    let shape = seq % 4;
    let mut p = vec![0x80, (seq % 128) as u8];
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&(u32::from(seq) * 160).to_be_bytes());
    p.extend_from_slice(&SSRC.to_be_bytes());
    match shape {
        1 => {
            p[0] |= 2;
            p.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
        }
        2 => {
            p[0] |= 0x10;
            p.extend_from_slice(&[0xbe, 0xde, 0, 2, 0x12, 0xab, 0xcd, 0, 0x21, 0x99, 0x88, 0]);
        }
        3 => p[0] |= 0x20,
        _ => {}
    }
    let len = 20 + usize::from(seq % 200);
    p.extend((0..len).map(|i| (i as u8).wrapping_mul(31) ^ seq as u8));
    if shape == 3 {
        p.extend_from_slice(&[0, 0, 0, 4]);
    }
    p
}

fn rtcp(n: u32) -> Vec<u8> {
    // A receiver report with one report block, then an SDES CNAME chunk.
    let mut p = vec![0x81, 0xc9, 0, 7];
    p.extend_from_slice(&SSRC.to_be_bytes());
    p.extend_from_slice(&0x0102_0304u32.to_be_bytes());
    p.extend((0..20).map(|i| (i as u8) ^ n as u8));
    p.extend_from_slice(&[0x81, 0xca, 0, 3]);
    p.extend_from_slice(&SSRC.to_be_bytes());
    p.extend_from_slice(&[1, 4, b'r', b'o', b'o', b'm', 0, 0]);
    p
}

/// Sequence numbers crossing the 65535 -> 0 wrap.
fn seqs() -> impl Iterator<Item = u16> {
    (0u32..1_200).map(|i| (65_000 + i) as u16)
}

fn check_suite(lib: &mut Libsrtp, suite: Suite) {
    let name = suite.sdp_name();
    let k = key(suite);

    // roomd protects, libsrtp unprotects; the wire bytes must also be identical to what
    // libsrtp's own sender produces for the same packet.
    lib.key(name, &k).unwrap();
    let mut ours = Context::new(suite, &k).unwrap();
    let mut sent = Vec::new();
    for seq in seqs() {
        let plain = rtp(seq);
        let mut p = plain.clone();
        ours.protect_rtp(&mut p).unwrap();
        let theirs = lib.packet("protect", &plain).unwrap();
        assert_eq!(
            p, theirs,
            "{name} seq {seq}: roomd and libsrtp protect differently"
        );
        let back = lib
            .packet("unprotect", &p)
            .unwrap_or_else(|e| panic!("{name} seq {seq}: libsrtp refused roomd's packet: {e}"));
        assert_eq!(back, plain, "{name} seq {seq}");
        sent.push(p);
    }
    assert_eq!(ours.roc(SSRC), Some(1), "{name}: the wrap bumped the ROC");
    for n in 0..5 {
        let plain = rtcp(n);
        let mut p = plain.clone();
        ours.protect_rtcp(&mut p).unwrap();
        let back = lib
            .packet("unprotect_rtcp", &p)
            .unwrap_or_else(|e| panic!("{name} rtcp {n}: libsrtp refused roomd's packet: {e}"));
        assert_eq!(back, plain, "{name} rtcp {n}");
    }

    // libsrtp rejects replays, too-old packets and forgeries of roomd's packets.
    let last = sent.len() - 1;
    assert_eq!(
        lib.packet("unprotect", &sent[last]),
        Err(STATUS_REPLAY_FAIL.into()),
        "{name}"
    );
    assert_eq!(
        lib.packet("unprotect", &sent[0]),
        Err(STATUS_REPLAY_OLD.into()),
        "{name}"
    );
    let mut forged = rtp(1_000);
    ours.protect_rtp(&mut forged).unwrap();
    let at = forged.len() - suite.rtp_tag_len() - 1;
    forged[at] ^= 0x40;
    assert_eq!(
        lib.packet("unprotect", &forged),
        Err(STATUS_AUTH_FAIL.into()),
        "{name}"
    );
    let mut c = rtcp(9);
    ours.protect_rtcp(&mut c).unwrap();
    c[10] ^= 1;
    assert_eq!(
        lib.packet("unprotect_rtcp", &c),
        Err(STATUS_AUTH_FAIL.into()),
        "{name}"
    );

    // libsrtp protects, roomd unprotects.
    lib.key(name, &k).unwrap();
    let mut ours = Context::new(suite, &k).unwrap();
    let mut received = Vec::new();
    for seq in seqs() {
        let plain = rtp(seq);
        let mut p = lib.packet("protect", &plain).unwrap();
        received.push(p.clone());
        ours.unprotect_rtp(&mut p)
            .unwrap_or_else(|e| panic!("{name} seq {seq}: roomd refused libsrtp's packet: {e}"));
        assert_eq!(p, plain, "{name} seq {seq}");
    }
    assert_eq!(ours.roc(SSRC), Some(1), "{name}");
    for n in 0..5 {
        let plain = rtcp(n);
        let mut p = lib.packet("protect_rtcp", &plain).unwrap();
        ours.unprotect_rtcp(&mut p)
            .unwrap_or_else(|e| panic!("{name} rtcp {n}: roomd refused libsrtp's packet: {e}"));
        assert_eq!(p, plain, "{name} rtcp {n}");
    }

    // roomd rejects replays, too-old packets and forgeries of libsrtp's packets, and a
    // rejected forgery leaves it able to accept the genuine packet.
    assert_eq!(
        ours.unprotect_rtp(&mut received[last].clone()),
        Err(SrtpError::Replayed),
        "{name}"
    );
    assert_eq!(
        ours.unprotect_rtp(&mut received[0].clone()),
        Err(SrtpError::TooOld),
        "{name}"
    );
    let genuine = lib.packet("protect", &rtp(1_000)).unwrap();
    let mut forged = genuine.clone();
    let at = forged.len() - 1;
    forged[at] ^= 0x01;
    assert_eq!(
        ours.unprotect_rtp(&mut forged),
        Err(SrtpError::AuthenticationFailed),
        "{name}"
    );
    ours.unprotect_rtp(&mut genuine.clone()).unwrap();
    let mut c = lib.packet("protect_rtcp", &rtcp(9)).unwrap();
    let replay = c.clone();
    c[12] ^= 0x80;
    assert_eq!(
        ours.unprotect_rtcp(&mut c),
        Err(SrtpError::AuthenticationFailed),
        "{name}"
    );
    ours.unprotect_rtcp(&mut replay.clone()).unwrap();
    assert_eq!(
        ours.unprotect_rtcp(&mut replay.clone()),
        Err(SrtpError::Replayed),
        "{name}"
    );
}

#[test]
fn roomd_and_libsrtp_interoperate() {
    let mut lib = match Libsrtp::start() {
        Ok(lib) => lib,
        Err(e) => panic!("the libsrtp differential test cannot run: {e}"),
    };
    let version = lib.version().unwrap();
    let mut tested = Vec::new();
    let mut unsupported = Vec::new();
    for suite in Suite::ALL {
        match lib.key(suite.sdp_name(), &key(suite)) {
            Ok(()) => {
                check_suite(&mut lib, suite);
                tested.push(suite.sdp_name());
            }
            Err(status) => unsupported.push(format!(
                "{} (srtp_create status {status})",
                suite.sdp_name()
            )),
        }
    }
    eprintln!(
        "{version}: interoperates on {tested:?}; not supported by this libsrtp: {unsupported:?}"
    );
    assert!(
        tested.contains(&"AES_CM_128_HMAC_SHA1_80"),
        "libsrtp must at least support the default suite"
    );
}
