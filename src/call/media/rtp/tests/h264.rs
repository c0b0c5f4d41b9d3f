//! H.264 packetization round trips (single NAL, STAP-A, FU-A), gaps and odd input.

use super::super::h264::*;
use super::XorShift;

fn nal(header: u8, len: usize, seed: u64) -> Vec<u8> {
    let mut v = vec![header];
    v.extend(XorShift(seed).bytes(len - 1));
    v
}

/// Depacketizes payloads with consecutive sequence numbers from `seq`, marker on the last.
fn depacketize(d: &mut Depacketizer, payloads: &[Vec<u8>], seq: u16) -> Option<Vec<Vec<u8>>> {
    let mut out = None;
    for (i, p) in payloads.iter().enumerate() {
        out = d.push(p, i + 1 == payloads.len(), seq.wrapping_add(i as u16));
    }
    out
}

#[test]
fn fu_a_for_a_5000_byte_nal() {
    let idr = nal(0x65, 5000, 1);
    let packets = packetize(&[&idr], 1200);
    // 4999 bytes after the NAL header in chunks of 1198: 4 full + 207.
    let sizes: Vec<usize> = packets.iter().map(Vec::len).collect();
    assert_eq!(sizes, [1200, 1200, 1200, 1200, 209]);
    let headers: Vec<[u8; 2]> = packets.iter().map(|p| [p[0], p[1]]).collect();
    // Indicator: F=0, NRI=3, type 28; FU header: S/E bits + type 5.
    assert_eq!(
        headers,
        [
            [0x7c, 0x85],
            [0x7c, 0x05],
            [0x7c, 0x05],
            [0x7c, 0x05],
            [0x7c, 0x45]
        ]
    );
    let mut d = Depacketizer::new();
    assert_eq!(depacketize(&mut d, &packets, 65533), Some(vec![idr])); // across the seq wrap
    assert!(!d.take_loss());
}

#[test]
fn sps_pps_in_a_stap_a_then_the_idr() {
    let sps = nal(0x67, 21, 2);
    let pps = nal(0x68, 4, 3);
    let idr = nal(0x65, 3000, 4);
    let packets = packetize(&[&sps, &pps, &idr], 1200);
    assert_eq!(packets.len(), 1 + 3);
    let mut stap = vec![0x78, 0, 21];
    stap.extend_from_slice(&sps);
    stap.extend_from_slice(&[0, 4]);
    stap.extend_from_slice(&pps);
    assert_eq!(packets[0], stap);
    let mut d = Depacketizer::new();
    assert_eq!(depacketize(&mut d, &packets, 10), Some(vec![sps, pps, idr]));
}

#[test]
fn single_nal_packets_and_aggregation_limits() {
    let p1 = nal(0x41, 700, 5);
    let p2 = nal(0x41, 700, 6);
    let sei = nal(0x06, 10, 7);
    // Two 700-byte slices do not fit one 1200-byte STAP-A; the SEI joins the second.
    let packets = packetize(&[&p1, &p2, &sei, &[]], 1200);
    assert_eq!(packets.len(), 2);
    assert_eq!(packets[0], p1);
    assert_eq!(packets[1][0], 0x18 | 0x40); // STAP-A, NRI of the slice (2)
    assert_eq!(packets[1].len(), 1 + 2 + 700 + 2 + 10);
    let mut d = Depacketizer::new();
    assert_eq!(depacketize(&mut d, &packets, 0), Some(vec![p1, p2, sei]));
}

#[test]
fn tiny_mtu_still_round_trips() {
    let n = nal(0x61, 10, 8);
    let packets = packetize(&[&n], 1);
    assert_eq!(packets.len(), 9);
    assert!(packets.iter().all(|p| p.len() == 3));
    assert_eq!(
        depacketize(&mut Depacketizer::new(), &packets, 0),
        Some(vec![n])
    );
}

#[test]
fn a_gap_drops_the_partial_fragment_and_flags_loss() {
    let sps = nal(0x67, 20, 9);
    let idr = nal(0x65, 5000, 10);
    let mut packets = packetize(&[&sps, &idr], 1200);
    packets.remove(3); // a middle FU-A fragment
    let mut d = Depacketizer::new();
    let mut out = None;
    let mut seq = 100u16;
    for (i, p) in packets.iter().enumerate() {
        if i == 3 {
            seq += 1; // the lost packet's number
        }
        out = d.push(p, i + 1 == packets.len(), seq);
        seq += 1;
    }
    // The SPS survives (it is whole); the broken IDR does not.
    assert_eq!(out, Some(vec![sps]));
    assert!(d.take_loss());
    assert!(!d.take_loss());
    // The next access unit is fine.
    let p = nal(0x41, 300, 11);
    assert_eq!(d.push(&p, true, seq), Some(vec![p]));
    assert!(!d.take_loss());
}

#[test]
fn marker_inside_a_fragment_and_duplicates() {
    let idr = nal(0x65, 3000, 12);
    let packets = packetize(&[&idr], 1200);
    let mut d = Depacketizer::new();
    // The last fragment is lost and the marker arrives on the next AU's first packet.
    assert_eq!(d.push(&packets[0], false, 1), None);
    assert_eq!(d.push(&packets[0], false, 1), None); // a duplicate is ignored
    assert_eq!(d.push(&packets[1], true, 2), None);
    assert!(d.take_loss());
    // A fragment without its start (after the gap) is refused.
    assert_eq!(d.push(&packets[2], true, 3), None);
    assert!(d.take_loss());
}

#[test]
fn refuses_malformed_and_interleaved_mode_payloads() {
    let mut d = Depacketizer::new();
    // STAP-A whose second size runs past the end: dropped whole.
    assert_eq!(d.push(&[0x18, 0, 1, 0x67, 0, 9, 0x68], true, 1), None);
    assert!(d.take_loss());
    // Zero-size unit in a STAP-A, STAP-B (25), MTAP16 (26), FU-B (29), type 0, empty.
    for (i, p) in [
        &[0x18, 0, 0][..],
        &[0x19, 0, 0, 0, 1, 0x67],
        &[0x1a],
        &[0x1d, 0x85],
        &[0x00],
        &[],
        &[0x1c],
    ]
    .iter()
    .enumerate()
    {
        assert_eq!(d.push(p, true, 2 + i as u16), None, "{p:?}");
        assert!(d.take_loss(), "{p:?}");
    }
}

#[test]
fn annex_b_splitting() {
    let stream = [
        0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 0, 1, 0x65, 4, 0, 5,
    ];
    assert_eq!(
        split_annexb(&stream),
        [&[0x67, 1, 2][..], &[0x68, 3], &[0x65, 4, 0, 5]]
    );
    assert!(split_annexb(&[1, 2, 3]).is_empty());
    assert!(split_annexb(&[0, 0, 1]).is_empty());
}
