//! NACK/PLI/FIR byte layouts.

use super::super::feedback::*;
use super::super::packet::RtpError;
use super::super::rtcp::*;

fn bytes(p: &RtcpPacket) -> Vec<u8> {
    let mut out = Vec::new();
    write_compound(std::slice::from_ref(p), &mut out);
    out
}

#[test]
fn nack_packs_pid_and_blp() {
    let nack = RtcpPacket::Nack {
        sender_ssrc: 1,
        media_ssrc: 2,
        lost: vec![100, 101, 103, 116, 117, 200],
    };
    let out = bytes(&nack);
    #[rustfmt::skip]
    let expect = [
        0x81, 205, 0, 5, 0, 0, 0, 1, 0, 0, 0, 2,
        0, 100, 0x80, 0x05, // 100 + bits for 101, 103, 116
        0, 117, 0, 0,
        0, 200, 0, 0,
    ];
    assert_eq!(out, expect);
    assert_eq!(parse_compound(&out).unwrap(), [nack]);
}

#[test]
fn nack_pairs_across_the_wrap() {
    assert_eq!(
        nack_pairs(&[65535, 0, 1, 1, 65535, 40]),
        [(65535, 0b11), (40, 0)]
    );
    let nack = RtcpPacket::Nack {
        sender_ssrc: 1,
        media_ssrc: 2,
        lost: vec![65534, 65535, 0, 14],
    };
    assert_eq!(parse_compound(&bytes(&nack)).unwrap(), [nack]);
}

#[test]
fn pli_and_fir_layouts() {
    let pli = RtcpPacket::Pli {
        sender_ssrc: 0x0a0b_0c0d,
        media_ssrc: 0x0102_0304,
    };
    let out = bytes(&pli);
    assert_eq!(out, [0x81, 206, 0, 2, 0x0a, 0x0b, 0x0c, 0x0d, 1, 2, 3, 4]);
    assert_eq!(parse_compound(&out).unwrap(), [pli]);

    let fir = RtcpPacket::Fir {
        sender_ssrc: 9,
        entries: vec![
            FirEntry {
                ssrc: 0x0102_0304,
                seq: 7,
            },
            FirEntry { ssrc: 5, seq: 255 },
        ],
    };
    let out = bytes(&fir);
    #[rustfmt::skip]
    let expect = [
        0x84, 206, 0, 6, 0, 0, 0, 9, 0, 0, 0, 0,
        1, 2, 3, 4, 7, 0, 0, 0,
        0, 0, 0, 5, 255, 0, 0, 0,
    ];
    assert_eq!(out, expect);
    assert_eq!(parse_compound(&out).unwrap(), [fir]);
}

#[test]
fn feedback_in_a_reduced_size_compound() {
    // RFC 5506: a PLI alone, and RR + NACK + PLI together.
    let rr = RtcpPacket::ReceiverReport(ReceiverReport {
        ssrc: 1,
        blocks: vec![],
    });
    let nack = RtcpPacket::Nack {
        sender_ssrc: 1,
        media_ssrc: 2,
        lost: vec![5],
    };
    let pli = RtcpPacket::Pli {
        sender_ssrc: 1,
        media_ssrc: 2,
    };
    let mut out = Vec::new();
    write_compound(&[rr.clone(), nack.clone(), pli.clone()], &mut out);
    assert_eq!(parse_compound(&out).unwrap(), [rr, nack, pli]);
}

#[test]
fn other_fmts_and_short_bodies() {
    // TMMBR (RTPFB 3) and REMB (PSFB 15) are not interpreted.
    let tmmbr = [
        0x83, 205, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0x04, 0, 0, 0x28,
    ];
    assert_eq!(parse_compound(&tmmbr).unwrap(), [RtcpPacket::Other(205)]);
    let remb = [0x8f, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0];
    assert_eq!(parse_compound(&remb).unwrap(), [RtcpPacket::Other(206)]);
    assert_eq!(
        parse_compound(&[0x81, 206, 0, 1, 0, 0, 0, 1]),
        Err(RtpError::BadLength)
    );
}
