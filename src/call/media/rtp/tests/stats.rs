//! Receiver statistics (RFC 3550 A.1, A.3, A.8), sender counts and round-trip time.

use std::time::{Duration, Instant, UNIX_EPOCH};

use super::super::rtcp::ReportBlock;
use super::super::stats::*;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn jitter_follows_the_rfc_formula() {
    // 8 kHz, 20 ms packets (160 units), arrivals at 0, 20, 45, 60, 80 ms.
    let t0 = Instant::now();
    let mut s = ReceiverStats::new(8000);
    for (i, at) in [0, 20, 45, 60, 80].into_iter().enumerate() {
        s.on_packet(t0 + ms(at), i as u16, 160 * i as u32);
    }
    // D = 0, +40, -40, 0 units:
    //   J1 = 0; J2 = 0 + (40 - 0)/16 = 2.5; J3 = 2.5 + (40 - 2.5)/16 = 4.84375;
    //   J4 = 4.84375 + (0 - 4.84375)/16 = 4.541015625
    assert_eq!(s.jitter_units(), 4.541015625);
    assert!((s.jitter_ms() - 4.541015625 / 8.0).abs() < 1e-12);
    assert_eq!(s.report_block(1, t0 + ms(100)).jitter, 4);
}

#[test]
fn clean_stream_counts_every_packet() {
    let t0 = Instant::now();
    let mut s = ReceiverStats::new(8000);
    assert!(!s.on_packet(t0, 1000, 0)); // on probation
    for i in 1..10u16 {
        assert!(s.on_packet(t0 + ms(20 * u64::from(i)), 1000 + i, 160 * u32::from(i)));
    }
    assert_eq!(s.packets_received(), 10);
    assert_eq!(s.lost(), 0);
    let b = s.report_block(42, t0 + ms(200));
    assert_eq!(
        (b.ssrc, b.fraction_lost, b.cumulative_lost, b.highest_seq),
        (42, 0, 0, 1009)
    );
    assert_eq!((b.lsr, b.dlsr), (0, 0));
}

#[test]
fn loss_across_a_sequence_wrap() {
    let t0 = Instant::now();
    let mut s = ReceiverStats::new(8000);
    // 65530..=65535 then 0..=9, with 65533, 1 and 2 lost: 16 expected, 13 received.
    let seqs = (65530u16..=65535)
        .chain(0..=9)
        .filter(|q| ![65533, 1, 2].contains(q));
    for (i, q) in seqs.enumerate() {
        s.on_packet(t0 + ms(20 * i as u64), q, 160 * u32::from(q));
    }
    assert_eq!(s.packets_received(), 13);
    assert_eq!(s.lost(), 3);
    let b = s.report_block(1, t0 + ms(400));
    assert_eq!(b.highest_seq, 0x0001_0009);
    assert_eq!(b.cumulative_lost, 3);
    assert_eq!(b.fraction_lost, (3 * 256 / 16) as u8); // 48
    // Next interval: 11 expected (10..=20), 15 lost -> 256 / 11 = 23; cumulative 4.
    for q in (10u16..=20).filter(|&q| q != 15) {
        s.on_packet(t0 + ms(400 + 20 * u64::from(q)), q, 160 * u32::from(q));
    }
    let b = s.report_block(1, t0 + ms(900));
    assert_eq!(
        (b.fraction_lost, b.cumulative_lost, b.highest_seq),
        (23, 4, 0x0001_0014)
    );
    // Nothing new: fraction 0 for an empty interval.
    assert_eq!(s.report_block(1, t0 + ms(1000)).fraction_lost, 0);
}

#[test]
fn duplicates_and_reordering() {
    let t0 = Instant::now();
    let mut s = ReceiverStats::new(8000);
    for q in [1u16, 2, 4, 3, 3, 5] {
        s.on_packet(t0, q, 0);
    }
    // 5 expected (1..=5), 6 received (3 twice): RFC 3550 blocks -1 lost.
    assert_eq!((s.packets_received(), s.lost()), (6, -1));
    assert_eq!(s.report_block(1, t0).cumulative_lost, -1);
}

#[test]
fn stream_starting_just_before_the_wrap() {
    let t0 = Instant::now();
    let mut s = ReceiverStats::new(8000);
    for q in [65535u16, 0, 1] {
        s.on_packet(t0, q, 0);
    }
    assert_eq!((s.packets_received(), s.lost()), (3, 0));
    assert_eq!(s.report_block(1, t0).highest_seq, 0x0001_0001);
}

#[test]
fn big_jump_is_a_restart_once_confirmed() {
    let t0 = Instant::now();
    let mut s = ReceiverStats::new(8000);
    for q in 0..5u16 {
        s.on_packet(t0, q, 0);
    }
    assert!(!s.on_packet(t0, 40_000, 0)); // a stray packet is not believed
    assert_eq!(s.lost(), 0);
    assert!(s.on_packet(t0, 40_001, 0)); // but a sequence from there is: new base
    assert_eq!((s.packets_received(), s.lost()), (1, 0));
}

#[test]
fn lsr_and_dlsr_in_report_blocks() {
    let t0 = Instant::now();
    let mut s = ReceiverStats::new(8000);
    s.on_packet(t0, 1, 0);
    s.on_packet(t0, 2, 160);
    s.on_sender_report(0xe94c_3b07_2d0e_5604, t0);
    let b = s.report_block(1, t0 + ms(1500));
    assert_eq!(b.lsr, 0x3b07_2d0e);
    assert_eq!(b.dlsr, 98304); // 1.5 s in 1/65536 s
}

#[test]
fn round_trip_rfc3550_example() {
    // RFC 3550 §6.4.1 figure 2: A = b710:8000, LSR = b705:2030, DLSR = 0005:4000.
    let block = ReportBlock {
        lsr: 0xb705_2030,
        dlsr: 0x0005_4000,
        ..Default::default()
    };
    let rtt = round_trip(&block, 0xb710_8000).unwrap();
    // 0x0006:1fd0 = 401360 / 65536 s = 6.124267578125 s (the RFC rounds to 6.125).
    assert_eq!(rtt, Duration::from_nanos(6_124_267_578));
    assert_eq!(
        round_trip(&ReportBlock { lsr: 0, ..block }, 0xb710_8000),
        None
    );
    // Slightly negative (clock rounding) is zero; clearly negative is refused.
    assert_eq!(
        round_trip(&block, 0xb705_2030 + 0x0005_4000 - 10),
        Some(Duration::ZERO)
    );
    assert_eq!(round_trip(&block, 0xb705_2030), None);
}

#[test]
fn sender_report_projects_the_rtp_clock() {
    let t0 = Instant::now();
    let mut s = SenderStats::new(8000);
    let ntp = 0xe94c_3b07_0000_0000;
    assert_eq!(s.sender_report(5, t0, ntp, vec![]), None);
    for i in 0..50u32 {
        s.on_sent(t0 + ms(20 * u64::from(i)), 1000 + 160 * i, 160);
    }
    assert_eq!((s.packets(), s.octets()), (50, 8000));
    let sr = s.sender_report(5, t0 + ms(980 + 5), ntp, vec![]).unwrap();
    assert_eq!(sr.rtp_timestamp, 1000 + 160 * 49 + 40); // 5 ms after the last packet
    assert_eq!(
        (sr.packet_count, sr.octet_count, sr.ntp_timestamp),
        (50, 8000, ntp)
    );
}

#[test]
fn ntp_conversions() {
    let t = UNIX_EPOCH + Duration::from_millis(1_700_000_000_500);
    let ntp = ntp_from_system_time(t);
    assert_eq!(ntp >> 32, 1_700_000_000 + 2_208_988_800);
    assert_eq!(ntp as u32, 0x8000_0000);
    assert_eq!(ntp_to_system_time(ntp), t);
    assert_eq!(ntp_middle32(0x1122_3344_5566_7788), 0x3344_5566);
}
