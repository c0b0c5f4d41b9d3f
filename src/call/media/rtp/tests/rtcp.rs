//! RTCP SR/RR/SDES/BYE byte layouts and compound packets.

use super::super::packet::RtpError;
use super::super::rtcp::*;

fn block() -> ReportBlock {
    ReportBlock {
        ssrc: 0x1111_2222,
        fraction_lost: 64,
        cumulative_lost: -2,
        highest_seq: 0x0001_0005,
        jitter: 37,
        lsr: 0xb705_2030,
        dlsr: 0x0005_4000,
    }
}

const BLOCK_BYTES: [u8; 24] = [
    0x11, 0x11, 0x22, 0x22, // SSRC
    64, 0xff, 0xff, 0xfe, // fraction, cumulative -2 in 24-bit two's complement
    0, 1, 0, 5, // extended highest seq
    0, 0, 0, 37, // jitter
    0xb7, 0x05, 0x20, 0x30, // LSR
    0, 5, 0x40, 0, // DLSR
];

#[test]
fn sender_report_layout() {
    let sr = SenderReport {
        ssrc: 0xdead_beef,
        ntp_timestamp: 0xe5a1_b2c3_8000_0000,
        rtp_timestamp: 160_000,
        packet_count: 1000,
        octet_count: 160_000,
        blocks: vec![block()],
    };
    let mut out = Vec::new();
    write_compound(&[RtcpPacket::SenderReport(sr.clone())], &mut out);
    let mut expect = vec![0x81, 200, 0, 12]; // RC=1, length 13 words - 1
    expect.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    expect.extend_from_slice(&[0xe5, 0xa1, 0xb2, 0xc3, 0x80, 0, 0, 0]);
    expect.extend_from_slice(&160_000u32.to_be_bytes());
    expect.extend_from_slice(&1000u32.to_be_bytes());
    expect.extend_from_slice(&160_000u32.to_be_bytes());
    expect.extend_from_slice(&BLOCK_BYTES);
    assert_eq!(out, expect);
    assert_eq!(
        parse_compound(&out).unwrap(),
        [RtcpPacket::SenderReport(sr)]
    );
}

#[test]
fn receiver_report_layout() {
    let rr = ReceiverReport {
        ssrc: 7,
        blocks: vec![block()],
    };
    let mut out = Vec::new();
    write_compound(&[RtcpPacket::ReceiverReport(rr.clone())], &mut out);
    let mut expect = vec![0x81, 201, 0, 7, 0, 0, 0, 7];
    expect.extend_from_slice(&BLOCK_BYTES);
    assert_eq!(out, expect);
    assert_eq!(
        parse_compound(&out).unwrap(),
        [RtcpPacket::ReceiverReport(rr)]
    );
    // An empty RR (nothing received yet) is one word of header plus the SSRC.
    let mut empty = Vec::new();
    write_compound(
        &[RtcpPacket::ReceiverReport(ReceiverReport {
            ssrc: 7,
            blocks: vec![],
        })],
        &mut empty,
    );
    assert_eq!(empty, [0x80, 201, 0, 1, 0, 0, 0, 7]);
}

#[test]
fn cumulative_loss_is_clamped_to_24_bits() {
    let rr = ReceiverReport {
        ssrc: 1,
        blocks: vec![ReportBlock {
            cumulative_lost: 10_000_000,
            ..block()
        }],
    };
    let mut out = Vec::new();
    write_compound(&[RtcpPacket::ReceiverReport(rr)], &mut out);
    assert_eq!(out[13..16], [0x7f, 0xff, 0xff]);
    let Ok(p) = parse_compound(&out) else {
        panic!()
    };
    let RtcpPacket::ReceiverReport(rr) = &p[0] else {
        panic!()
    };
    assert_eq!(rr.blocks[0].cumulative_lost, 0x7f_ffff);
}

/// What a phone sends every few seconds: SR with no report blocks + SDES CNAME, as bytes.
const SR_SDES: &[u8] = &[
    0x80, 0xc8, 0x00, 0x06, // SR, RC 0, 7 words
    0x5e, 0x1f, 0x0a, 0x31, // SSRC
    0xe9, 0x4c, 0x3b, 0x07, 0x2d, 0x0e, 0x56, 0x04, // NTP
    0x00, 0x5d, 0xc9, 0x40, // RTP timestamp
    0x00, 0x00, 0x01, 0x2c, // 300 packets
    0x00, 0x00, 0xbb, 0x80, // 48000 octets
    0x81, 0xca, 0x00, 0x06, // SDES, SC 1, 7 words
    0x5e, 0x1f, 0x0a, 0x31, // SSRC
    0x01, 0x10, b'b', b'o', b'b', b'@', b'1', b'9', b'2', b'.', b'0', b'.', b'2', b'.', b'1', b'0',
    b'.', b'x', // CNAME (16)
    0x00, 0x00, // end + pad to a word
];

#[test]
fn compound_sr_and_sdes() {
    let p = parse_compound(SR_SDES).unwrap();
    assert_eq!(
        p,
        [
            RtcpPacket::SenderReport(SenderReport {
                ssrc: 0x5e1f_0a31,
                ntp_timestamp: 0xe94c_3b07_2d0e_5604,
                rtp_timestamp: 0x005d_c940,
                packet_count: 300,
                octet_count: 48000,
                blocks: vec![],
            }),
            RtcpPacket::Sdes(vec![(0x5e1f_0a31, "bob@192.0.2.10.x".into())]),
        ]
    );
    let mut out = Vec::new();
    write_compound(&p, &mut out);
    assert_eq!(out, SR_SDES);
}

#[test]
fn sdes_padding_at_each_length_and_other_items() {
    for n in 0..9 {
        let cname = "c".repeat(n);
        let sdes = RtcpPacket::Sdes(vec![(5, cname.clone()), (6, "x".into())]);
        let mut out = vec![0xee]; // an unaligned prefix must not disturb the padding
        write_compound(std::slice::from_ref(&sdes), &mut out);
        assert_eq!((out.len() - 1) % 4, 0);
        assert_eq!(parse_compound(&out[1..]).unwrap(), [sdes]);
    }
    // A chunk with NAME (2) before CNAME, and a chunk with only a TOOL item (skipped).
    let bytes = [
        0x82, 202, 0, 5, 0, 0, 0, 9, 2, 2, b'h', b'i', 1, 1, b'z', 0, 0, 0, 0, 8, 6, 1, b't', 0,
    ];
    assert_eq!(
        parse_compound(&bytes).unwrap(),
        [RtcpPacket::Sdes(vec![(9, "z".into())])]
    );
}

#[test]
fn bye_with_reason_and_unknown_types() {
    // BYE of two sources with a reason, then an APP packet (204).
    let bytes = [
        0x82, 203, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 3, b'b', b'y', b'e', //
        0x80, 204, 0, 2, 0, 0, 0, 1, b'n', b'a', b'm', b'e',
    ];
    let p = parse_compound(&bytes).unwrap();
    assert_eq!(p, [RtcpPacket::Bye(vec![1, 2]), RtcpPacket::Other(204)]);
    let mut out = Vec::new();
    write_compound(&p, &mut out);
    assert_eq!(out, [0x82, 203, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2]);
}

#[test]
fn padding_on_the_last_packet() {
    let mut bytes = vec![0xa0, 201, 0, 2, 0, 0, 0, 7, 0, 0, 0, 4];
    let p = parse_compound(&bytes).unwrap();
    assert_eq!(
        p,
        [RtcpPacket::ReceiverReport(ReceiverReport {
            ssrc: 7,
            blocks: vec![]
        })]
    );
    bytes[11] = 0;
    assert_eq!(parse_compound(&bytes), Err(RtpError::BadPadding));
    bytes[11] = 9;
    assert_eq!(parse_compound(&bytes), Err(RtpError::BadPadding));
}

#[test]
fn refuses_bad_lengths() {
    assert_eq!(parse_compound(&[]), Err(RtpError::TooShort));
    assert_eq!(parse_compound(&[0x80, 200, 0]), Err(RtpError::TooShort));
    assert_eq!(
        parse_compound(&[0x40, 201, 0, 0]),
        Err(RtpError::BadVersion)
    );
    // Length says 2 words follow, 1 does.
    assert_eq!(
        parse_compound(&[0x80, 201, 0, 2, 0, 0, 0, 1]),
        Err(RtpError::BadLength)
    );
    // RC 1 but no report block.
    assert_eq!(
        parse_compound(&[0x81, 201, 0, 1, 0, 0, 0, 1]),
        Err(RtpError::BadLength)
    );
    // SDES whose item runs off the end.
    assert_eq!(
        parse_compound(&[0x81, 202, 0, 2, 0, 0, 0, 1, 1, 9, b'a', 0]),
        Err(RtpError::BadLength)
    );
    // A good RR followed by a truncated one fails the whole compound.
    assert_eq!(
        parse_compound(&[0x80, 201, 0, 1, 0, 0, 0, 1, 0x80, 201]),
        Err(RtpError::TooShort)
    );
}
