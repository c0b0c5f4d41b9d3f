//! Reading answers to our offers, including device-to-device calls and hold round trips.

use super::super::*;
use super::{K30A, filler, local};

/// Two room devices: A offers, B answers, A accepts.
fn call(
    enc_a: Encryption,
    enc_b: Encryption,
) -> (OfferState, SessionDescription, Negotiated, Negotiated) {
    let mut fill_a = filler(10);
    let mut fill_b = filler(20);
    let (offer, state) = create_offer(&local(enc_a), 1, 1, &mut KeySource(&mut fill_a));
    let offer = SessionDescription::parse(&offer.to_string()).unwrap();
    let mut b = local(enc_b);
    b.address = "192.0.2.20".parse().unwrap();
    let (answer, neg_b) = create_answer(&offer, &b, 2, 1, &mut KeySource(&mut fill_b)).unwrap();
    let answer = SessionDescription::parse(&answer.to_string()).unwrap();
    let neg_a = accept_answer(&state, &answer).unwrap();
    (state, answer, neg_a, neg_b)
}

#[test]
fn device_to_device_srtp_call() {
    let (_, _, a, b) = call(Encryption::Required, Encryption::Required);
    assert!(a.encrypted && b.encrypted);
    assert_eq!(a.streams.len(), 4);
    for (sa, sb) in a.streams.iter().zip(&b.streams) {
        assert_eq!(sa.kind, sb.kind);
        assert_eq!(sa.remote.unwrap().port(), sb.local_port);
        assert_eq!(sb.remote.unwrap().port(), sa.local_port);
        assert_eq!(sa.direction, Direction::SendRecv);
        if sa.kind == StreamKind::Bfcp {
            let (pa, pb) = (sa.bfcp.as_ref().unwrap(), sb.bfcp.as_ref().unwrap());
            // B answers c-only -> A serves; B takes "active" -> A listens.
            assert_eq!((pa.role, pb.role), (FloorRole::Server, FloorRole::Client));
            assert_eq!(
                (pa.tcp_setup, pb.tcp_setup),
                (Some(Setup::Passive), Some(Setup::Active))
            );
            assert_eq!((pb.conference_id, pb.user_id), (Some(1), Some(2)));
            continue;
        }
        let (ka, kb) = (sa.srtp.as_ref().unwrap(), sb.srtp.as_ref().unwrap());
        assert_eq!((ka.suite, ka.tag), (CryptoSuite::AesCm128HmacSha1_80, 1));
        assert_eq!(ka.local_key, kb.remote_key);
        assert_eq!(ka.remote_key, kb.local_key);
        assert_eq!(ka.local_key.len(), 30);
        assert!(sa.rtcp_mux && sb.rtcp_mux);
    }
    let audio = a.stream(StreamKind::Audio).unwrap();
    let codec = audio.codec.as_ref().unwrap();
    assert_eq!(
        (codec.payload_type, codec.name.as_str(), codec.channels),
        (96, "opus", Some(2))
    );
    assert_eq!(audio.dtmf_payload_type, Some(101));
    assert_eq!(audio.remote.unwrap().to_string(), "192.0.2.20:40000");
    let video = a.stream(StreamKind::MainVideo).unwrap();
    assert_eq!(
        video.codec.as_ref().unwrap().fmtp.as_deref(),
        Some("packetization-mode=1;profile-level-id=42e01f")
    );
}

#[test]
fn best_effort_offer_to_plain_peer() {
    let (_, answer, a, _) = call(Encryption::BestEffort, Encryption::Off);
    assert!(answer.media[0].cryptos().is_empty());
    assert!(!a.encrypted);
    assert!(a.streams.iter().all(|s| s.srtp.is_none()));
    assert_eq!(
        a.stream(StreamKind::Audio)
            .unwrap()
            .codec
            .as_ref()
            .unwrap()
            .name,
        "opus"
    );
}

fn edit(
    answer: &SessionDescription,
    f: impl FnOnce(&mut SessionDescription),
) -> SessionDescription {
    let mut a = answer.clone();
    f(&mut a);
    a
}

#[test]
fn answer_violations_are_refused() {
    let (state, answer, _, _) = call(Encryption::Required, Encryption::Required);
    let reason = |a: SessionDescription| accept_answer(&state, &a).unwrap_err().reason;

    let more = edit(&answer, |a| {
        let extra = a.media[0].clone();
        a.media.push(extra);
    });
    assert_eq!(reason(more), "the answer has 5 m= lines, the offer had 4");

    // Missing trailing lines are read as refused, the way simple peers answer.
    let fewer = edit(&answer, |a| {
        a.media.truncate(1);
    });
    let negotiated = accept_answer(&state, &fewer).unwrap();
    assert_eq!(negotiated.streams.len(), 4);
    assert!(negotiated.streams[0].is_enabled());
    assert!(negotiated.streams[1..].iter().all(|s| !s.is_enabled()));

    let g729 = edit(&answer, |a| {
        a.media[0].formats = vec!["18".into()];
        a.media[0].remove_attributes("rtpmap");
    });
    assert_eq!(
        reason(g729),
        "audio line: the answer chose codecs we never offered (18 G729/8000)"
    );

    let bad_tag = edit(&answer, |a| {
        a.media[0].remove_attributes("crypto");
        a.media[0].push_value("crypto", format!("9 AES_CM_128_HMAC_SHA1_80 inline:{K30A}"));
    });
    assert_eq!(
        reason(bad_tag),
        "audio line: the answer's a=crypto tag 9 was never offered"
    );

    let suite_swap = edit(&answer, |a| {
        a.media[0].remove_attributes("crypto");
        a.media[0].push_value("crypto", format!("1 AES_CM_128_HMAC_SHA1_32 inline:{K30A}"));
    });
    assert_eq!(
        reason(suite_swap),
        "audio line: a=crypto tag 1 was offered as AES_CM_128_HMAC_SHA1_80 but answered as AES_CM_128_HMAC_SHA1_32"
    );

    let no_crypto = edit(&answer, |a| a.media[0].remove_attributes("crypto"));
    assert_eq!(
        reason(no_crypto),
        "audio line: the answer has no a=crypto for an RTP/SAVP line"
    );

    let plain = edit(&answer, |a| a.media[1].protocol = "RTP/AVP".into());
    assert_eq!(
        reason(plain),
        "video line: the answer uses RTP/AVP but we offered RTP/SAVP"
    );

    let swapped = edit(&answer, |a| a.media.swap(0, 1));
    assert_eq!(
        reason(swapped),
        "m= line 1 is video in the answer but audio in the offer"
    );

    let all_off = edit(&answer, |a| a.media.iter_mut().for_each(|m| m.port = 0));
    assert_eq!(reason(all_off), "the answer refused every media line");
}

#[test]
fn port_zero_disables_a_stream() {
    let (state, answer, _, _) = call(Encryption::Required, Encryption::Required);
    let no_video = edit(&answer, |a| a.media[1].port = 0);
    let neg = accept_answer(&state, &no_video).unwrap();
    let video = neg.stream(StreamKind::MainVideo).unwrap();
    assert_eq!(
        (video.remote, video.codec.as_ref(), video.direction),
        (None, None, Direction::Inactive)
    );
    assert!(!video.is_enabled());
    assert!(neg.stream(StreamKind::Audio).unwrap().is_enabled());
    assert!(neg.encrypted);
}

#[test]
fn hold_resume_round_trip_between_devices() {
    let mut fill_a = filler(30);
    let mut fill_b = filler(40);
    let a_local = local(Encryption::Required);
    let mut b_local = local(Encryption::Required);
    b_local.address = "192.0.2.20".parse().unwrap();
    let (offer, _) = create_offer(&a_local, 1, 1, &mut KeySource(&mut fill_a));
    let (b_answer, _) = create_answer(&offer, &b_local, 2, 1, &mut KeySource(&mut fill_b)).unwrap();

    // A holds B: sendonly; B mirrors recvonly; A ends up sendonly; keys unchanged.
    let (hold_offer, hold_state) = hold(&offer, false, None);
    let (b_hold_answer, b_neg) =
        create_answer(&hold_offer, &b_local, 2, 2, &mut KeySource(&mut fill_b)).unwrap();
    assert_eq!(
        b_hold_answer.media[0].direction(),
        Some(Direction::RecvOnly)
    );
    assert_eq!(b_neg.streams[0].direction, Direction::RecvOnly);
    let a_neg = accept_answer(&hold_state, &b_hold_answer).unwrap();
    assert_eq!(a_neg.streams[0].direction, Direction::SendOnly);
    assert_eq!(
        a_neg.streams[0].srtp.as_ref().unwrap().local_key,
        offer.media[0].cryptos()[0].master_key()
    );
    assert_eq!(
        b_neg.streams[0].srtp.as_ref().unwrap().remote_key,
        offer.media[0].cryptos()[0].master_key()
    );

    // B, held, holds A too: inactive both ways.
    let (b_hold, b_state) = hold(&b_hold_answer, true, None);
    assert_eq!(b_hold.origin.session_version, 3);
    let (a_answer, a_neg) =
        create_answer(&b_hold, &a_local, 1, 3, &mut KeySource(&mut fill_a)).unwrap();
    assert_eq!(a_neg.streams[0].direction, Direction::Inactive);
    assert_eq!(
        accept_answer(&b_state, &a_answer).unwrap().streams[0].direction,
        Direction::Inactive
    );

    // A resumes (from its last SDP, the answer above); B still holds, so A receives nothing.
    let (resume_offer, resume_state) = resume(&a_answer, None);
    assert_eq!(resume_offer.media[0].direction(), Some(Direction::SendRecv));
    let (b_answer2, _) = create_answer_with_direction(
        &resume_offer,
        &b_local,
        2,
        4,
        &mut KeySource(&mut fill_b),
        Direction::SendOnly,
    )
    .unwrap();
    let a_neg = accept_answer(&resume_state, &b_answer2).unwrap();
    assert_eq!(a_neg.streams[0].direction, Direction::RecvOnly);

    // B resumes as well: sendrecv again, and the original answer shape still matches.
    let (b_resume, b_state) = resume(&b_answer2, None);
    let (a_final, _) =
        create_answer(&b_resume, &a_local, 1, 5, &mut KeySource(&mut fill_a)).unwrap();
    let b_neg = accept_answer(&b_state, &a_final).unwrap();
    assert!(
        b_neg
            .streams
            .iter()
            .filter(|s| s.kind != StreamKind::Bfcp)
            .all(|s| s.direction == Direction::SendRecv)
    );
    assert!(b_neg.encrypted);
    assert_eq!(b_answer.media.len(), b_resume.media.len());
}

#[test]
fn bfcp_answer_roles() {
    let (state, answer, _, _) = call(Encryption::Off, Encryption::Off);
    let as_server = edit(&answer, |a| {
        let m = &mut a.media[3];
        m.remove_attributes("floorctrl");
        m.remove_attributes("setup");
        m.push_value("floorctrl", "s-only");
        m.push_value("setup", "passive");
        m.push_value("confid", "77");
        m.push_value("userid", "5");
        m.push_value("floorid", "9 mstrm:4");
    });
    let neg = accept_answer(&state, &as_server).unwrap();
    let p = neg.stream(StreamKind::Bfcp).unwrap().bfcp.clone().unwrap();
    assert_eq!(
        (p.role, p.tcp_setup),
        (FloorRole::Client, Some(Setup::Active))
    );
    assert_eq!((p.conference_id, p.user_id), (Some(77), Some(5)));
    assert_eq!(
        p.floors,
        vec![FloorId {
            floor_id: 9,
            media_labels: vec!["4".into()]
        }]
    );
}
