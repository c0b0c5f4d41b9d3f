//! RFC 4733 sender packet sequence and receiver de-duplication.

use super::super::dtmf::*;

/// Polls every 20 ms (160 units at 8 kHz) from timestamp 0; returns (tick ts, packet).
fn run(sender: &mut DtmfSender, ticks: u32) -> Vec<(u32, Option<DtmfPacket>)> {
    (0..ticks)
        .map(|i| (160 * i, sender.poll(160 * i)))
        .collect()
}

fn pkt(marker: bool, timestamp: u32, event: u8, end: bool, duration: u16) -> Option<DtmfPacket> {
    let d = duration.to_be_bytes();
    Some(DtmfPacket {
        payload_type: 101,
        marker,
        timestamp,
        payload: [event, if end { 0x8a } else { 0x0a }, d[0], d[1]],
    })
}

#[test]
fn sender_sequence_for_1_hash() {
    let mut s = DtmfSender::new(101, 8000);
    assert_eq!(s.payload_type(), 101);
    assert!(!s.is_busy());
    s.queue("1#").unwrap();
    assert!(s.is_busy());
    let got = run(&mut s, 18);
    #[rustfmt::skip]
    let expect = [
        // '1': one timestamp (0), marker first, +160 per packet, E=1 at 800 sent 3 times.
        (0, pkt(true, 0, 1, false, 160)),
        (160, pkt(false, 0, 1, false, 320)),
        (320, pkt(false, 0, 1, false, 480)),
        (480, pkt(false, 0, 1, false, 640)),
        (640, pkt(false, 0, 1, true, 800)),
        (800, pkt(false, 0, 1, true, 800)),
        (960, pkt(false, 0, 1, true, 800)),
        // Gap: the tone ended at 800; the next may start 400 units (50 ms) later.
        (1120, None),
        // '#' (event 11) at 1280.
        (1280, pkt(true, 1280, 11, false, 160)),
        (1440, pkt(false, 1280, 11, false, 320)),
        (1600, pkt(false, 1280, 11, false, 480)),
        (1760, pkt(false, 1280, 11, false, 640)),
        (1920, pkt(false, 1280, 11, true, 800)),
        (2080, pkt(false, 1280, 11, true, 800)),
        (2240, pkt(false, 1280, 11, true, 800)),
        (2400, None),
        (2560, None),
        (2720, None),
    ];
    assert_eq!(got, expect);
    assert!(!s.is_busy());
}

#[test]
fn sender_at_48_khz_and_custom_timing() {
    let mut s = DtmfSender::new(101, 48000);
    s.queue("*").unwrap();
    assert_eq!(s.poll(5000), pkt(true, 5000, 10, false, 960));
    assert_eq!(s.poll(5960), pkt(false, 5000, 10, false, 1920));
    // A 40 ms tone in 20 ms packets: the second packet already ends it.
    let mut s = DtmfSender::with_timing(101, 8000, 40, 0, 20);
    s.queue("D").unwrap();
    let got: Vec<_> = run(&mut s, 5).into_iter().map(|(_, p)| p).collect();
    assert_eq!(
        got,
        [
            pkt(true, 0, 15, false, 160),
            pkt(false, 0, 15, true, 320),
            pkt(false, 0, 15, true, 320),
            pkt(false, 0, 15, true, 320),
            None
        ]
    );
}

#[test]
fn sender_refuses_bad_digits_atomically() {
    let mut s = DtmfSender::new(101, 8000);
    assert_eq!(s.queue("12x"), Err("not a DTMF digit: 'x'".to_string()));
    assert!(!s.is_busy());
    s.queue("abcd").unwrap();
    assert!(s.queue(&"1".repeat(253)).is_err());
    assert_eq!(s.poll(0).unwrap().payload[0], 12);
}

#[test]
fn receiver_reports_each_digit_once() {
    let mut s = DtmfSender::new(101, 8000);
    s.queue("1#1").unwrap();
    let mut r = DtmfReceiver::new();
    let mut digits = String::new();
    for i in 0..40 {
        if let Some(p) = s.poll(160 * i) {
            // Deliver every packet twice, as a retransmitting network might.
            for _ in 0..2 {
                digits.extend(r.on_packet(p.timestamp, &p.payload));
            }
        }
    }
    assert_eq!(digits, "1#1");
}

#[test]
fn receiver_reports_on_the_first_packet_even_if_only_end_packets_arrive() {
    let mut r = DtmfReceiver::new();
    let end = [5, 0x8a, 0x03, 0x20];
    assert_eq!(r.on_packet(8000, &end), Some('5'));
    assert_eq!(r.on_packet(8000, &end), None);
    assert_eq!(r.on_packet(8000, &end), None);
    // A start packet reports immediately; its end packets do not report again.
    assert_eq!(r.on_packet(9600, &[9, 0x0a, 0, 160]), Some('9'));
    assert_eq!(r.on_packet(9600, &[9, 0x8a, 3, 32]), None);
    // A late retransmission of an older event is still recognised.
    assert_eq!(r.on_packet(8000, &end), None);
}

#[test]
fn receiver_ignores_non_dtmf_and_short_payloads_and_long_event_segments() {
    let mut r = DtmfReceiver::new();
    assert_eq!(r.on_packet(0, &[16, 0x0a, 0, 160]), None); // flash, not a digit
    assert_eq!(r.on_packet(0, &[1, 0x0a, 0]), None);
    // A long '0' split at the 16-bit duration limit continues under ts + 0xffff.
    assert_eq!(r.on_packet(100, &[0, 0x0a, 0xff, 0xff]), Some('0'));
    assert_eq!(r.on_packet(100 + 0xffff, &[0, 0x0a, 0, 160]), None);
    assert_eq!(r.on_packet(100 + 0xffff, &[0, 0x8a, 1, 0]), None);
    assert_eq!(r.on_packet(200_000, &[0, 0x0a, 0, 160]), Some('0'));
}

#[test]
fn event_codes() {
    let all: String = (0..16).map(|e| digit_of(e).unwrap()).collect();
    assert_eq!(all, "0123456789*#ABCD");
    assert!(
        all.chars()
            .enumerate()
            .all(|(i, c)| event_of(c) == Some(i as u8))
    );
    assert_eq!(digit_of(16), None);
    assert_eq!(
        parse_event(&[11, 0xbf, 0x12, 0x34]),
        Some(TelephoneEvent {
            event: 11,
            end: true,
            volume: 63,
            duration: 0x1234
        })
    );
}
