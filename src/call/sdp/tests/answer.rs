//! Answering real-world offers as the room device.

use std::net::SocketAddr;

use super::super::*;
use super::{SIPP_OFFER, baresip_offer, cucm_offer, filler, local};

fn answer(offer: &str, enc: Encryption) -> Result<(SessionDescription, Negotiated), Rejected> {
    let offer = SessionDescription::parse(offer).unwrap();
    let mut fill = filler(42);
    create_answer(&offer, &local(enc), 900, 1, &mut KeySource(&mut fill))
}

fn addr(s: &str) -> Option<SocketAddr> {
    Some(s.parse().unwrap())
}

#[test]
fn answers_cucm_video_offer() {
    let (sd, neg) = answer(&cucm_offer(), Encryption::Required).unwrap();
    assert_eq!(sd.origin.session_id, 900);
    assert_eq!(sd.connection.as_ref().unwrap().address, "192.0.2.10");
    let lines: Vec<String> = sd
        .media
        .iter()
        .map(|m| m.to_string().lines().next().unwrap().to_string())
        .collect();
    assert_eq!(
        lines,
        [
            "m=audio 40000 RTP/SAVP 0 101",
            "m=video 40002 RTP/SAVP 126",
            "m=video 40004 RTP/SAVP 126",
            "m=application 40006 UDP/BFCP *",
            "m=application 0 RTP/AVP 96",
            "m=application 0 UDP/UDT/IX *",
        ]
    );
    assert!(neg.encrypted);
    assert_eq!(neg.streams.len(), 4);

    let audio = neg.stream(StreamKind::Audio).unwrap();
    assert_eq!(audio.mline, 0);
    assert_eq!(audio.remote, addr("10.1.1.20:16384"));
    assert_eq!(audio.remote_rtcp, addr("10.1.1.20:16385"));
    assert!(!audio.rtcp_mux);
    assert_eq!(audio.local_port, 40000);
    let codec = audio.codec.as_ref().unwrap();
    assert_eq!(
        (codec.payload_type, codec.name.as_str(), codec.clock_rate),
        (0, "PCMU", 8000)
    );
    assert_eq!(audio.dtmf_payload_type, Some(101));
    assert_eq!(audio.direction, Direction::SendRecv);
    let keys = audio.srtp.as_ref().unwrap();
    assert_eq!(
        (keys.suite, keys.tag),
        (CryptoSuite::AesCm128HmacSha1_80, 1)
    );
    assert_eq!(keys.remote_key, (1..=30).collect::<Vec<u8>>());
    assert_eq!(keys.local_key.len(), 30);
    // Our key is the one written in the answer.
    let ours = sd.media[0].cryptos();
    assert_eq!(ours.len(), 1);
    assert_eq!(
        (ours[0].tag, ours[0].master_key()),
        (1, keys.local_key.as_slice())
    );

    let main = neg.stream(StreamKind::MainVideo).unwrap();
    let h264 = main.codec.as_ref().unwrap();
    assert_eq!((h264.payload_type, h264.name.as_str()), (126, "H264"));
    assert_eq!(
        h264.fmtp.as_deref(),
        Some("profile-level-id=4D0028;packetization-mode=1;max-mbps=245000")
    );
    // Peer's profile kept, level capped at ours (3.1).
    assert_eq!(
        sd.media[1].fmtp(126),
        Some("packetization-mode=1;profile-level-id=4d001f")
    );
    assert_eq!(sd.media[1].content(), Some("main"));
    let fb: Vec<&str> = sd.media[1].attribute_values("rtcp-fb").collect();
    assert_eq!(fb, ["* nack pli", "* ccm fir"]);
    assert_eq!(main.remote_rtcp, addr("10.1.1.20:16387"));

    let slides = neg.stream(StreamKind::Slides).unwrap();
    assert_eq!(slides.remote, addr("10.1.1.20:16388"));
    assert_eq!(
        slides.srtp.as_ref().unwrap().remote_key,
        (201..=230).collect::<Vec<u8>>()
    );
    assert_eq!(sd.media[2].content(), Some("slides"));
    assert_eq!(sd.media[2].label(), Some(SLIDES_LABEL));
    assert_eq!(
        sd.media[2].fmtp(126),
        Some("packetization-mode=1;profile-level-id=42801f")
    );

    let bfcp = neg.stream(StreamKind::Bfcp).unwrap();
    assert_eq!(bfcp.remote, addr("10.1.1.20:16390"));
    let p = bfcp.bfcp.as_ref().unwrap();
    assert_eq!(
        (p.transport, p.role, p.tcp_setup),
        (BfcpTransport::Udp, FloorRole::Client, None)
    );
    assert_eq!((p.conference_id, p.user_id), (Some(1), Some(14)));
    assert_eq!(
        p.floors,
        vec![FloorId {
            floor_id: 2,
            media_labels: vec!["12".into()]
        }]
    );
    assert_eq!(sd.media[3].floorctrl(), vec![FloorCtrl::ClientOnly]);
    assert!(sd.media[3].setup().is_none());

    // The answer is itself valid SDP.
    assert_eq!(SessionDescription::parse(&sd.to_string()).unwrap(), sd);
}

#[test]
fn cucm_offer_without_video_support_disables_video_lines() {
    let offer = SessionDescription::parse(&cucm_offer()).unwrap();
    let mut me = local(Encryption::BestEffort);
    me.video = false;
    me.presentation = false;
    let mut fill = filler(1);
    let (sd, neg) = create_answer(&offer, &me, 1, 1, &mut KeySource(&mut fill)).unwrap();
    let ports: Vec<u16> = sd.media.iter().map(|m| m.port).collect();
    assert_eq!(ports, [40000, 0, 0, 0, 0, 0]);
    assert_eq!(sd.media[1].formats, ["126"]);
    let kinds: Vec<(StreamKind, bool)> = neg
        .streams
        .iter()
        .map(|s| (s.kind, s.is_enabled()))
        .collect();
    assert_eq!(
        kinds,
        [
            (StreamKind::Audio, true),
            (StreamKind::MainVideo, false),
            (StreamKind::Slides, false),
            (StreamKind::Bfcp, false)
        ]
    );
    assert!(neg.encrypted);
}

#[test]
fn answers_baresip_srtp_with_the_first_codec_we_speak() {
    let (sd, neg) = answer(&baresip_offer(), Encryption::Required).unwrap();
    assert_eq!(sd.media.len(), 1);
    let m = &sd.media[0];
    assert_eq!((m.port, m.protocol.as_str()), (40000, "RTP/SAVP"));
    // baresip lists Opus first, and we speak it.
    assert_eq!(m.formats, ["96", "101"]);
    assert_eq!(m.rtpmap(96).unwrap().to_string(), "96 opus/48000/2");
    assert_eq!(m.fmtp(101), Some("0-15"));
    assert!(m.rtcp_mux());
    assert_eq!(m.direction(), Some(Direction::SendRecv));

    let audio = &neg.streams[0];
    let codec = audio.codec.as_ref().unwrap();
    assert_eq!(
        (codec.name.as_str(), codec.clock_rate, codec.channels),
        ("opus", 48000, Some(2))
    );
    assert_eq!(audio.dtmf_payload_type, Some(101));
    assert!(audio.rtcp_mux);
    assert_eq!(audio.remote, addr("127.0.0.1:6080"));
    assert_eq!(audio.remote_rtcp, addr("127.0.0.1:6080"));
    let keys = audio.srtp.as_ref().unwrap();
    assert_eq!(
        (keys.suite, keys.local_key.len(), keys.remote_key.len()),
        (CryptoSuite::AesCm128HmacSha1_80, 30, 30)
    );
    assert!(neg.encrypted);
}

#[test]
fn sipp_plain_offer_by_policy() {
    for enc in [Encryption::Off, Encryption::BestEffort] {
        let (sd, neg) = answer(SIPP_OFFER, enc).unwrap();
        assert_eq!(
            sd.media[0].to_string().lines().next(),
            Some("m=audio 40000 RTP/AVP 0")
        );
        assert!(sd.media[0].cryptos().is_empty());
        let audio = &neg.streams[0];
        assert_eq!(audio.codec.as_ref().unwrap().name, "PCMU");
        assert_eq!(audio.dtmf_payload_type, None);
        assert_eq!(audio.srtp, None);
        assert_eq!(audio.remote_rtcp, addr("127.0.0.1:6001"));
        assert!(!neg.encrypted);
    }
    let err = answer(SIPP_OFFER, Encryption::Required).unwrap_err();
    assert_eq!(err.status, 488);
    assert_eq!(
        err.reason,
        "encryption is required but the offer is plain RTP/AVP without a=crypto"
    );
}

#[test]
fn hold_offers_are_mirrored() {
    let base = "v=0\r\no=peer 1 2 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\nm=audio 5004 RTP/AVP 8\r\n";
    for (attr, ours) in [
        ("a=sendonly\r\n", Direction::RecvOnly),
        ("a=recvonly\r\n", Direction::SendOnly),
        ("a=inactive\r\n", Direction::Inactive),
        ("", Direction::SendRecv),
    ] {
        let (sd, neg) = answer(&format!("{base}{attr}"), Encryption::BestEffort).unwrap();
        assert_eq!(neg.streams[0].direction, ours, "offer {attr:?}");
        assert_eq!(sd.media[0].direction(), Some(ours));
        assert_eq!(neg.streams[0].codec.as_ref().unwrap().name, "PCMA");
    }
    // RFC 2543 hold: c=0.0.0.0 means "do not send to me".
    let old = base.replace("c=IN IP4 198.51.100.7", "c=IN IP4 0.0.0.0");
    let (sd, neg) = answer(&old, Encryption::BestEffort).unwrap();
    assert_eq!(neg.streams[0].direction, Direction::RecvOnly);
    assert_eq!(sd.media[0].direction(), Some(Direction::RecvOnly));
    assert_eq!(neg.streams[0].remote, addr("0.0.0.0:5004"));
}

#[test]
fn answering_while_we_hold_keeps_hold() {
    let offer = SessionDescription::parse(SIPP_OFFER).unwrap();
    let mut fill = filler(3);
    let (sd, neg) = create_answer_with_direction(
        &offer,
        &local(Encryption::Off),
        1,
        2,
        &mut KeySource(&mut fill),
        Direction::SendOnly,
    )
    .unwrap();
    assert_eq!(neg.streams[0].direction, Direction::SendOnly);
    assert_eq!(sd.media[0].direction(), Some(Direction::SendOnly));
}

#[test]
fn ipv6_offer_gets_ipv6_remote() {
    let text = "v=0\r\no=- 1 1 IN IP6 2001:db8::7\r\ns=-\r\nc=IN IP6 2001:db8::7\r\nt=0 0\r\nm=audio 5004 RTP/AVP 9 0\r\n";
    let offer = SessionDescription::parse(text).unwrap();
    let mut me = local(Encryption::Off);
    me.address = "2001:db8::10".parse().unwrap();
    let mut fill = filler(1);
    let (sd, neg) = create_answer(&offer, &me, 5, 1, &mut KeySource(&mut fill)).unwrap();
    assert_eq!(neg.streams[0].remote, addr("[2001:db8::7]:5004"));
    assert_eq!(neg.streams[0].codec.as_ref().unwrap().name, "G722");
    assert!(sd.to_string().contains("\r\nc=IN IP6 2001:db8::10\r\n"));
    assert!(
        sd.to_string()
            .contains("o=roomd 5 1 IN IP6 2001:db8::10\r\n")
    );
}

#[test]
fn refusals_explain_themselves() {
    let head = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n";
    let reason = |body: &str| {
        answer(&format!("{head}{body}"), Encryption::BestEffort)
            .unwrap_err()
            .reason
    };
    assert_eq!(
        reason("m=audio 5004 RTP/AVP 18\r\n"),
        "no common audio codec (we take Opus, G.722, PCMU, PCMA)"
    );
    assert_eq!(
        reason("m=video 5004 RTP/AVP 97\r\na=rtpmap:97 H264/90000\r\n"),
        "the offer has no audio line"
    );
    assert_eq!(
        reason("m=audio 0 RTP/AVP 0\r\n"),
        "the offer disabled the audio line"
    );
    assert_eq!(
        reason("m=audio 5004 UDP/TLS/RTP/SAVPF 0\r\n"),
        "the UDP/TLS/RTP/SAVPF transport is not supported"
    );
    let no_c = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\n";
    assert_eq!(
        answer(no_c, Encryption::Off).unwrap_err().reason,
        "the audio line has no c= address"
    );
    // A second audio line is answered with port 0 once the first is taken.
    let (sd, _) = answer(
        &format!("{head}m=audio 5004 RTP/AVP 0\r\nm=audio 5006 RTP/AVP 0\r\n"),
        Encryption::Off,
    )
    .unwrap();
    assert_eq!((sd.media[0].port, sd.media[1].port), (40000, 0));
    // A first unusable audio line does not stop a second usable one.
    let (sd, neg) = answer(
        &format!("{head}m=audio 5004 RTP/AVP 18\r\nm=audio 5006 RTP/AVP 8\r\n"),
        Encryption::Off,
    )
    .unwrap();
    assert_eq!((sd.media[0].port, sd.media[1].port), (0, 40000));
    assert_eq!(neg.streams.len(), 1);
    assert_eq!(neg.streams[0].mline, 1);
}

#[test]
fn h264_mode_2_is_refused_mode_0_accepted() {
    let head = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\n";
    let video = "m=video 5006 RTP/AVP 98 99\r\na=rtpmap:98 H264/90000\r\na=fmtp:98 packetization-mode=2\r\n\
                 a=rtpmap:99 H264/90000\r\na=fmtp:99 profile-level-id=640028\r\n";
    let (sd, neg) = answer(&format!("{head}{video}"), Encryption::Off).unwrap();
    assert_eq!(neg.streams[1].codec.as_ref().unwrap().payload_type, 99);
    assert_eq!(
        sd.media[1].fmtp(99),
        Some("packetization-mode=0;profile-level-id=64001f")
    );
}

#[test]
fn telephone_event_follows_the_chosen_clock() {
    let text = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n\
                m=audio 5004 RTP/AVP 111 0 101 102\r\na=rtpmap:111 opus/48000/2\r\n\
                a=rtpmap:101 telephone-event/8000\r\na=rtpmap:102 telephone-event/48000\r\n";
    let (sd, neg) = answer(text, Encryption::Off).unwrap();
    // Opus (48 kHz) is chosen, so the 48 kHz telephone-event goes with it.
    assert_eq!(sd.media[0].formats, ["111", "102"]);
    assert_eq!(neg.streams[0].dtmf_payload_type, Some(102));
    // With PCMU (8 kHz) first, the 8 kHz one goes with it, not the 48 kHz one.
    let text = text.replace("RTP/AVP 111 0", "RTP/AVP 0 111");
    let (sd, neg) = answer(&text, Encryption::Off).unwrap();
    assert_eq!(sd.media[0].formats, ["0", "101"]);
    assert_eq!(
        sd.media[0].rtpmap(101).unwrap().to_string(),
        "101 telephone-event/8000"
    );
    assert_eq!(neg.streams[0].codec.as_ref().unwrap().payload_type, 0);
    assert_eq!(neg.streams[0].dtmf_payload_type, Some(101));
}
