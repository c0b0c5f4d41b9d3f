//! RTP header parse/write against hand-built bytes, and the RTP/RTCP demultiplexer.

use super::super::packet::*;

fn header() -> RtpHeader {
    RtpHeader {
        marker: true,
        payload_type: 111,
        sequence: 0xabcd,
        timestamp: 0x0102_0304,
        ssrc: 0xdead_beef,
        csrcs: vec![],
        extension: None,
    }
}

#[test]
fn minimal_header_bytes() {
    let mut out = Vec::new();
    header().write(&[0xaa, 0xbb], &mut out);
    assert_eq!(
        out,
        [
            0x80,
            0x80 | 111,
            0xab,
            0xcd,
            1,
            2,
            3,
            4,
            0xde,
            0xad,
            0xbe,
            0xef,
            0xaa,
            0xbb
        ]
    );
    let p = RtpPacket::parse(&out).unwrap();
    assert_eq!(p.header, header());
    assert_eq!(p.payload, [0xaa, 0xbb]);
    assert_eq!(p.padding, 0);
}

#[test]
fn csrcs_extension_and_padding_round_trip() {
    let h = RtpHeader {
        csrcs: vec![1, 0x0203_0405],
        extension: Some((0xbede, vec![0x10, 0xff, 0, 0])),
        ..header()
    };
    let mut out = Vec::new();
    h.write_padded(b"voice", 3, &mut out);
    let expect: Vec<u8> = [
        &[0xb2, 0xef, 0xab, 0xcd, 1, 2, 3, 4, 0xde, 0xad, 0xbe, 0xef][..],
        &[0, 0, 0, 1, 2, 3, 4, 5],             // CSRCs
        &[0xbe, 0xde, 0, 1, 0x10, 0xff, 0, 0], // one-byte-header extension, 1 word
        b"voice",
        &[0, 0, 3], // padding, count last
    ]
    .concat();
    assert_eq!(out, expect);
    assert_eq!(h.encoded_len(), 12 + 8 + 8);
    let p = RtpPacket::parse(&out).unwrap();
    assert_eq!(p.header, h);
    assert_eq!(p.payload, b"voice");
    assert_eq!(p.padding, 3);
}

#[test]
fn extension_data_is_padded_to_words() {
    let h = RtpHeader {
        extension: Some((0x1000, vec![1, 2, 3, 4, 5])),
        ..header()
    };
    let mut out = Vec::new();
    h.write(&[], &mut out);
    assert_eq!(&out[12..], [0x10, 0, 0, 2, 1, 2, 3, 4, 5, 0, 0, 0]);
    let p = RtpPacket::parse(&out).unwrap();
    assert_eq!(
        p.header.extension,
        Some((0x1000, vec![1, 2, 3, 4, 5, 0, 0, 0]))
    );
    assert!(p.payload.is_empty());
}

#[test]
fn refuses_inconsistent_packets() {
    let mut ok = Vec::new();
    header().write(b"x", &mut ok);
    assert_eq!(RtpPacket::parse(&ok[..11]), Err(RtpError::TooShort));
    let mut v1 = ok.clone();
    v1[0] = 0x40;
    assert_eq!(RtpPacket::parse(&v1), Err(RtpError::BadVersion));
    let mut cc = ok.clone();
    cc[0] = 0x81; // one CSRC promised, only 1 byte follows
    assert_eq!(RtpPacket::parse(&cc), Err(RtpError::TooShort));
    let mut ext = ok.clone();
    ext[0] = 0x90;
    assert_eq!(RtpPacket::parse(&ext), Err(RtpError::TooShort));
    // Padding count of 0, and one larger than the payload.
    let mut pad = ok.clone();
    pad[0] = 0xa0;
    pad.push(0);
    assert_eq!(RtpPacket::parse(&pad), Err(RtpError::BadPadding));
    *pad.last_mut().unwrap() = 3;
    assert_eq!(RtpPacket::parse(&pad), Err(RtpError::BadPadding));
    // Padding that eats exactly the payload is fine.
    *pad.last_mut().unwrap() = 2;
    assert_eq!(RtpPacket::parse(&pad).unwrap().payload, b"");
    assert_eq!(RtpError::BadVersion.to_string(), "not RTP version 2");
}

#[test]
fn sixteen_csrcs_write_fifteen() {
    let h = RtpHeader {
        csrcs: (0..16).collect(),
        ..header()
    };
    let mut out = Vec::new();
    h.write(&[], &mut out);
    assert_eq!(out[0] & 0x0f, 15);
    assert_eq!(out.len(), h.encoded_len());
    assert_eq!(
        RtpPacket::parse(&out).unwrap().header.csrcs,
        (0..15).collect::<Vec<_>>()
    );
}

#[test]
fn rtcp_mux_demultiplexing() {
    // SR (200), RR (201), PSFB (206) are RTCP; PCMU, Opus 111 with marker, PT 95 are RTP.
    assert!(is_rtcp(&[0x80, 200, 0, 6]));
    assert!(is_rtcp(&[0x81, 201]));
    assert!(is_rtcp(&[0x81, 206]));
    assert!(!is_rtcp(&[0x80, 0]));
    assert!(!is_rtcp(&[0x80, 0x80 | 111]));
    assert!(!is_rtcp(&[0x80, 0x80 | 96])); // 224
    assert!(!is_rtcp(&[0x80]));
}
