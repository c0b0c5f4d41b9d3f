//! Two video sessions wired back to back through a link that can drop chosen packets, on a
//! simulated clock: what each end sees after loss, NACK, PLI and FIR.

use std::time::{Duration, Instant};

use super::clip::ClipSource;
use super::history::History;
use super::receiver::FrameReceiver;
use super::recorder::AnnexbRecorder;
use super::session::{VideoSession, VideoStats};
use super::source::{SyntheticSource, VideoSource};
use crate::call::media::rtp::{FirEntry, RtcpPacket, RtpPacket, is_rtcp, write_compound};
use crate::call::media::session::Outgoing;
use crate::call::sdp::{Codec, CryptoSuite, Direction, NegotiatedStream, SrtpKeys, StreamKind};

const STEP: Duration = Duration::from_millis(5);

fn stream(remote: &str, keys: Option<(u8, u8)>) -> NegotiatedStream {
    let mut s = NegotiatedStream::disabled(1, StreamKind::MainVideo);
    s.remote = Some(remote.parse().unwrap());
    s.local_port = 5000;
    s.direction = Direction::SendRecv;
    s.rtcp_mux = true;
    s.codec = Some(Codec {
        payload_type: 97,
        name: "H264".into(),
        clock_rate: 90_000,
        channels: None,
        fmtp: Some("packetization-mode=1;profile-level-id=42e01f".into()),
    });
    s.srtp = keys.map(|(local, remote)| SrtpKeys {
        suite: CryptoSuite::AesCm128HmacSha1_80,
        tag: 1,
        local_key: vec![local; 30],
        remote_key: vec![remote; 30],
    });
    s
}

/// Key frames of 3000 bytes (three FU-A packets after the SPS/PPS), delta frames of 2500
/// (three FU-A packets), 15 fps, a key frame only at the start or on request.
fn source() -> Box<SyntheticSource> {
    Box::new(SyntheticSource::new(15, 100_000, 3000, 2500))
}

struct Link {
    a: VideoSession,
    b: VideoSession,
    now: Instant,
    /// RTP sequence numbers sent by A (in the clear SRTP header) that the link always drops.
    drop_a: Vec<u16>,
    first_seq_a: Option<u16>,
    /// Drop each of `drop_a` only the first time (the resend gets through).
    drop_once: bool,
    dropped: u64,
}

impl Link {
    fn new(srtp: bool) -> Link {
        Link::with_sources(srtp, source(), source())
    }

    fn with_sources(srtp: bool, sa: Box<dyn VideoSource>, sb: Box<dyn VideoSource>) -> Link {
        let now = Instant::now();
        let (ka, kb) = if srtp {
            (Some((1, 2)), Some((2, 1)))
        } else {
            (None, None)
        };
        let a =
            VideoSession::new(&stream("10.0.0.2:5000", ka), sa, 0xaaaa_0001, now, 1 << 32).unwrap();
        let b =
            VideoSession::new(&stream("10.0.0.1:5000", kb), sb, 0xbbbb_0002, now, 1 << 32).unwrap();
        Link {
            a,
            b,
            now,
            drop_a: Vec::new(),
            first_seq_a: None,
            drop_once: false,
            dropped: 0,
        }
    }

    /// Drops A's RTP packets number `k..k+n` (counted from A's first packet), every time
    /// they are sent, retransmissions included.
    fn drop_from_a(&mut self, k: u16, n: u16) {
        self.drop_a.extend(k..k + n);
    }

    fn run(&mut self, time: Duration) {
        let end = self.now + time;
        while self.now < end {
            let mut from_a = Vec::new();
            let mut from_b = Vec::new();
            self.a.poll_transmit(self.now, &mut from_a);
            self.b.poll_transmit(self.now, &mut from_b);
            for p in from_a {
                if !p.rtcp && self.dropped_on_link(&p) {
                    self.dropped += 1;
                    continue;
                }
                self.b.handle_datagram(self.now, p.bytes);
            }
            for p in from_b {
                self.a.handle_datagram(self.now, p.bytes);
            }
            self.now += STEP;
        }
    }

    fn dropped_on_link(&mut self, p: &Outgoing) -> bool {
        let seq = RtpPacket::parse(&p.bytes).unwrap().header.sequence;
        let first = *self.first_seq_a.get_or_insert(seq);
        let k = seq.wrapping_sub(first);
        let hit = self.drop_a.contains(&k);
        if hit && self.drop_once {
            self.drop_a.retain(|&d| d != k);
        }
        hit
    }

    fn frames_at_b(&mut self) -> usize {
        std::iter::from_fn(|| self.b.take_frame()).count()
    }
}

#[test]
fn frames_flow_both_ways_with_srtp() {
    let mut link = Link::new(true);
    link.run(Duration::from_secs(2));
    let (a, b) = (link.a.stats(), link.b.stats());
    for (sent, got) in [(&a, &b), (&b, &a)] {
        assert!(sent.frames_sent >= 29, "{sent:?}");
        assert!(got.frames_received + 1 >= sent.frames_sent, "{got:?}");
        assert_eq!(got.key_frames_received, 1);
        assert_eq!(
            (got.nacks_sent, got.plis_sent, got.frames_dropped),
            (0, 0, 0)
        );
        assert_eq!(got.auth_failures, 0);
        assert!(got.encrypted);
    }
    assert_eq!(link.frames_at_b() as u64, b.frames_received);
}

#[test]
fn a_dropped_packet_is_nacked_resent_and_its_frame_completes() {
    let mut link = Link::new(true);
    // Packet 10 is the middle of a delta frame (the key frame takes packets 0-3).
    link.drop_a.push(10);
    link.drop_once = true;
    link.run(Duration::from_secs(1));
    let (a, b) = (link.a.stats(), link.b.stats());
    assert_eq!(link.dropped, 1);
    assert!(b.nacks_sent >= 1 && a.nacks_received >= 1, "{b:?} {a:?}");
    assert!(a.packets_retransmitted >= 1, "{a:?}");
    assert_eq!(
        (b.frames_dropped, b.plis_sent, a.key_frames_sent),
        (0, 0, 1)
    );
    assert!(b.frames_received + 1 >= a.frames_sent, "{b:?} {a:?}");
    assert_eq!(b.packets_lost, 0, "the resend filled the gap");
}

#[test]
fn a_burst_the_nack_cannot_fix_ends_in_pli_and_a_key_frame() {
    let mut link = Link::new(true);
    link.drop_from_a(10, 6);
    link.run(Duration::from_secs(2));
    let (a, b) = (link.a.stats(), link.b.stats());
    assert!(
        b.nacks_sent >= 1 && a.packets_retransmitted >= 6,
        "{b:?} {a:?}"
    );
    assert!(b.frames_dropped >= 1, "{b:?}");
    assert!(b.plis_sent >= 1 && a.plis_received >= 1, "{b:?} {a:?}");
    assert_eq!(
        a.key_frames_sent, 2,
        "one at the start, one for the PLI: {a:?}"
    );
    assert_eq!(b.key_frames_received, 2, "{b:?}");
    // Frames flow again after the key frame: most of the two seconds arrived.
    assert!(b.frames_received >= a.frames_sent - 10, "{b:?} {a:?}");
}

#[test]
fn a_receiver_that_missed_the_first_key_frame_asks_for_one() {
    let mut link = Link::new(false);
    link.drop_from_a(0, 4);
    link.run(Duration::from_secs(1));
    let (a, b) = (link.a.stats(), link.b.stats());
    assert!(b.plis_sent >= 1 && a.plis_received >= 1, "{b:?} {a:?}");
    assert_eq!(b.key_frames_received, 1, "{b:?}");
    assert_eq!(a.key_frames_sent, 2, "{a:?}");
}

/// FIR from B to A, as B would send it (no SRTP on this link).
fn fir(link: &mut Link, seq: u8) {
    let mut bytes = Vec::new();
    write_compound(
        &[RtcpPacket::Fir {
            sender_ssrc: 0xbbbb_0002,
            entries: vec![FirEntry {
                ssrc: 0xaaaa_0001,
                seq,
            }],
        }],
        &mut bytes,
    );
    assert!(is_rtcp(&bytes));
    link.a.handle_datagram(link.now, bytes);
}

#[test]
fn a_repeated_fir_gives_one_key_frame() {
    let mut link = Link::new(false);
    link.run(Duration::from_millis(500));
    for _ in 0..3 {
        fir(&mut link, 7);
        link.run(Duration::from_millis(200));
    }
    let a = link.a.stats();
    assert_eq!((a.firs_received, a.key_frames_sent), (3, 2), "{a:?}");
    fir(&mut link, 8);
    link.run(Duration::from_millis(200));
    let (a, b) = (link.a.stats(), link.b.stats());
    assert_eq!((a.firs_received, a.key_frames_sent), (4, 3), "{a:?}");
    assert_eq!(b.key_frames_received, 3, "{b:?}");
}

#[test]
fn on_hold_nothing_is_sent_and_resuming_starts_with_a_key_frame() {
    let mut link = Link::new(true);
    link.run(Duration::from_millis(500));
    let mut held = stream("10.0.0.2:5000", Some((1, 2)));
    held.direction = Direction::RecvOnly;
    link.a.update(&held).unwrap();
    let before = link.a.stats().frames_sent;
    link.run(Duration::from_millis(500));
    assert_eq!(link.a.stats().frames_sent, before);
    held.direction = Direction::SendRecv;
    link.a.update(&held).unwrap();
    link.run(Duration::from_millis(500));
    let (a, b) = (link.a.stats(), link.b.stats());
    assert!(a.frames_sent > before);
    assert_eq!((a.key_frames_sent, b.key_frames_received), (2, 2));
    assert_eq!(b.frames_dropped, 0, "{b:?}");
}

#[test]
fn garbage_changes_nothing_and_never_panics() {
    let mut link = Link::new(true);
    link.run(Duration::from_millis(300));
    let before: VideoStats = link.b.stats();
    let mut x = 0x1234_5678_9abc_def0u64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for n in 0..3000 {
        let len = (next() % 300) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if n % 2 == 0 && bytes.len() > 12 {
            // Valid RTP v2 with our payload type and a far-away sequence, garbage H.264.
            bytes[0] = 0x80;
            bytes[1] = 97 | (bytes[1] & 0x80);
        }
        if n % 3 == 0 && bytes.len() > 4 {
            bytes[0] = 0x80 | (bytes[0] & 0x1f);
            bytes[1] = 200 + (bytes[1] % 7);
        }
        link.b.handle_datagram(link.now, bytes);
    }
    let after = link.b.stats();
    assert!(after.auth_failures > 1000, "{after:?}");
    assert_eq!(
        VideoStats {
            auth_failures: before.auth_failures,
            ..after
        },
        before
    );
    link.run(Duration::from_millis(300));
    assert!(link.b.stats().frames_received > before.frames_received);
    assert_eq!(link.b.stats().frames_dropped, 0);
}

#[test]
fn unencrypted_garbage_never_panics_and_the_stream_goes_on() {
    let mut link = Link::new(false);
    link.run(Duration::from_millis(300));
    let mut x = 0x0fed_cba9_8765_4321u64;
    for n in 0..3000u32 {
        let len = (x % 300) as usize;
        let mut bytes = Vec::with_capacity(len);
        for _ in 0..len {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            bytes.push(x as u8);
        }
        if n % 2 == 0 && bytes.len() > 12 {
            bytes[0] = 0x80;
            bytes[1] = 97 | (bytes[1] & 0x80);
        }
        link.b.handle_datagram(link.now, bytes);
        link.a
            .handle_datagram(link.now, vec![0x80, 0xcd, 0, 1, 0, 0]);
    }
    let before = link.b.stats().frames_received;
    link.run(Duration::from_secs(2));
    assert!(link.b.stats().frames_received > before + 20);
}

#[test]
fn history_finds_recent_packets_only() {
    let mut h = History::new(4);
    for seq in 65533u16..=65535 {
        h.push(seq, vec![seq as u8]);
    }
    for seq in 0u16..3 {
        h.push(seq, vec![seq as u8]);
    }
    assert_eq!(h.get(65535), Some(&[255u8][..]));
    assert_eq!(h.get(2), Some(&[2u8][..]));
    assert_eq!(h.get(65534), None, "forgotten");
    assert_eq!(h.get(3), None, "not sent yet");
}

#[test]
fn reordered_packets_still_make_whole_frames() {
    let now = Instant::now();
    let mut r = FrameReceiver::new();
    let key = [vec![0x67u8, 1], vec![0x68, 2], vec![0x65, 3, 3]];
    let payloads =
        crate::call::media::rtp::packetize(&key.iter().map(Vec::as_slice).collect::<Vec<_>>(), 4);
    assert!(payloads.len() >= 3);
    let last = payloads.len() - 1;
    let mut order: Vec<usize> = (0..payloads.len()).collect();
    order.swap(1, 2);
    for i in order {
        r.on_packet(now, 100 + i as u16, i == last, &payloads[i]);
    }
    assert_eq!(r.take_frame(), Some(key.to_vec()));
    assert_eq!(r.counts.frames_dropped, 0);
}

#[test]
fn the_builtin_clip_loops_and_jumps_to_its_next_idr() {
    let mut clip = ClipSource::builtin();
    assert_eq!((clip.frame_count(), clip.frame_rate()), (30, 15));
    let first = clip.next_frame(false);
    let kinds: Vec<u8> = first.iter().map(|n| super::nal_type(n)).collect();
    assert!(
        kinds.starts_with(&[7, 8]) && kinds.contains(&5),
        "{kinds:?}"
    );
    for _ in 0..3 {
        assert!(!super::is_key_frame(&clip.next_frame(false)));
    }
    // Asked for a key frame at frame 4, it jumps to frame 15, the next IDR.
    let key = clip.next_frame(true);
    assert!(super::is_key_frame(&key));
    for _ in 16..30 {
        assert!(!super::is_key_frame(&clip.next_frame(false)));
    }
    assert_eq!(clip.next_frame(false), first, "it loops");
}

#[test]
fn clips_without_an_idr_are_refused_and_garbage_never_panics() {
    assert!(ClipSource::from_annexb(&[0, 0, 1, 0x41, 0x80, 1, 2], 15).is_err());
    assert!(ClipSource::from_annexb(&[], 15).is_err());
    let mut x = 99u64;
    for _ in 0..500 {
        let bytes: Vec<u8> = (0..(x % 200))
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                [0, 0, 1, 0x65, 0x67, 0x41, x as u8][(x % 7) as usize]
            })
            .collect();
        if let Ok(mut clip) = ClipSource::from_annexb(&bytes, 15) {
            for _ in 0..5 {
                clip.next_frame(x.is_multiple_of(2));
            }
        }
    }
}

#[test]
fn the_clip_arrives_frame_for_frame_and_is_recorded_as_sent() {
    let mut link = Link::with_sources(
        true,
        Box::new(ClipSource::builtin()),
        Box::new(ClipSource::builtin()),
    );
    link.drop_a.push(7);
    link.drop_once = true;
    link.run(Duration::from_millis(2990));
    let mut reference = ClipSource::builtin();
    let dir = std::env::temp_dir().join(format!("roomd-video-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("call-1.h264");
    let mut recorder = AnnexbRecorder::create(&path).unwrap();
    let mut frames = 0;
    while let Some(frame) = link.b.take_frame() {
        assert_eq!(frame, reference.next_frame(false), "frame {frames}");
        recorder.push(&frame).unwrap();
        frames += 1;
    }
    assert!(frames >= 44, "{frames}");
    assert_eq!(link.a.stats().packets_retransmitted, 1);
    let written = std::fs::read(&path).unwrap();
    let nals = crate::call::media::rtp::h264::split_annexb(&written);
    assert!(nals.len() >= frames);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn heavy_loss_of_single_packet_frames_recovers_once_the_link_heals() {
    let small = || Box::new(SyntheticSource::new(15, 100_000, 400, 60));
    let mut link = Link::with_sources(true, small(), small());
    link.run(Duration::from_millis(500));
    link.drop_a = (0..2000).filter(|k| k % 2 == 1).collect();
    link.run(Duration::from_millis(1500));
    link.drop_a.clear();
    let before = link.b.stats();
    link.run(Duration::from_secs(2));
    let (a, b) = (link.a.stats(), link.b.stats());
    assert!(b.plis_sent >= 1, "{b:?}");
    assert!(
        b.frames_received >= before.frames_received + 20,
        "{before:?}\n{b:?}\n{a:?}"
    );
}

#[test]
fn gaps_given_up_together_do_not_stall_the_stream() {
    let start = Instant::now();
    let mut r = FrameReceiver::new();
    // One-packet frames; every other one lost (as a lossy link does), then none.
    let frame = |k: u8| vec![if k == 0 { 0x65 } else { 0x41 }, k];
    for seq in 0u16..40 {
        if (1..20).contains(&seq) && seq % 2 == 1 {
            continue;
        }
        let now = start + Duration::from_millis(u64::from(seq) * 10);
        r.on_packet(now, 1000 + seq, true, &frame(seq as u8));
        r.poll(now);
    }
    r.poll(start + Duration::from_secs(2));
    let got = std::iter::from_fn(|| r.take_frame()).count();
    assert_eq!(
        got, 1,
        "only the key frame: the rest cannot be decoded without it"
    );
    // A key frame after the gaps were given up is shown, and so is what follows.
    for seq in 40u16..45 {
        let header = if seq == 40 { 0x65 } else { 0x41 };
        r.on_packet(
            start + Duration::from_secs(3),
            1000 + seq,
            true,
            &[header, 1],
        );
    }
    assert_eq!(std::iter::from_fn(|| r.take_frame()).count(), 5);
    assert!(r.counts.plis_sent >= 1);
}

#[test]
fn a_receiver_fed_random_packets_never_panics_and_stays_bounded() {
    let start = Instant::now();
    let mut r = FrameReceiver::new();
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for i in 0..20_000u64 {
        let now = start + Duration::from_millis(i / 4);
        let seq = if i % 3 == 0 {
            next() as u16
        } else {
            (i / 2) as u16
        };
        let len = (next() % 40) as usize;
        let payload: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        r.on_packet(now, seq, next() % 4 == 0, &payload);
        let feedback = r.poll(now);
        assert!(feedback.nack.len() <= 200);
        assert!(r.held() <= 1001, "{}", r.held());
        while r.take_frame().is_some() {}
    }
}
