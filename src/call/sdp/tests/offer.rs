//! The offers the device makes, and re-offers for hold, resume and re-keying.

use super::super::*;
use super::{filler, local};

fn offer(enc: Encryption, seed: u64) -> (SessionDescription, OfferState) {
    let mut fill = filler(seed);
    create_offer(&local(enc), 77, 1, &mut KeySource(&mut fill))
}

#[test]
fn plain_audio_offer_text() {
    let mut me = local(Encryption::Off);
    me.video = false;
    me.presentation = false;
    let mut fill = filler(1);
    let (sd, state) = create_offer(&me, 77, 1, &mut KeySource(&mut fill));
    assert_eq!(
        sd.to_string(),
        "v=0\r\n\
o=roomd 77 1 IN IP4 192.0.2.10\r\n\
s=-\r\n\
c=IN IP4 192.0.2.10\r\n\
b=AS:2048\r\n\
t=0 0\r\n\
m=audio 40000 RTP/AVP 96 9 0 8 101\r\n\
a=rtpmap:96 opus/48000/2\r\n\
a=fmtp:96 useinbandfec=1;stereo=0\r\n\
a=rtpmap:9 G722/8000\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-15\r\n\
a=sendrecv\r\n\
a=rtcp-mux\r\n"
    );
    assert_eq!(state.kinds, vec![Some(StreamKind::Audio)]);
    assert_eq!(state.offer, sd);
}

#[test]
fn required_offer_has_savp_and_three_suites_per_line() {
    let (sd, state) = offer(Encryption::Required, 9);
    assert_eq!(
        state.kinds,
        vec![
            Some(StreamKind::Audio),
            Some(StreamKind::MainVideo),
            Some(StreamKind::Slides),
            Some(StreamKind::Bfcp)
        ]
    );
    let heads: Vec<String> = sd
        .media
        .iter()
        .map(|m| m.to_string().lines().next().unwrap().to_string())
        .collect();
    assert_eq!(
        heads,
        [
            "m=audio 40000 RTP/SAVP 96 9 0 8 101",
            "m=video 40002 RTP/SAVP 97",
            "m=video 40004 RTP/SAVP 97",
            "m=application 40006 TCP/BFCP *",
        ]
    );
    let mut all_keys = Vec::new();
    for m in &sd.media[..3] {
        let c = m.cryptos();
        let shape: Vec<(u32, CryptoSuite, usize)> = c
            .iter()
            .map(|c| (c.tag, c.suite, c.master_key().len()))
            .collect();
        assert_eq!(
            shape,
            [
                (1, CryptoSuite::AesCm128HmacSha1_80, 30),
                (2, CryptoSuite::AesCm128HmacSha1_32, 30),
                (3, CryptoSuite::AeadAes128Gcm, 28),
            ]
        );
        all_keys.extend(c.into_iter().map(|c| c.master_key().to_vec()));
    }
    // Fresh key material for every line and suite.
    let mut unique = all_keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 9);

    let main = &sd.media[1];
    assert_eq!(main.rtpmap(97).unwrap().to_string(), "97 H264/90000");
    assert_eq!(
        main.fmtp(97),
        Some("packetization-mode=1;profile-level-id=42e01f")
    );
    assert_eq!(main.content(), Some("main"));
    let fb: Vec<&str> = main.attribute_values("rtcp-fb").collect();
    assert_eq!(fb, ["* nack", "* nack pli", "* ccm fir"]);
    assert_eq!(sd.media[2].content(), Some("slides"));
    assert_eq!(sd.media[2].label(), Some("3"));

    let bfcp = &sd.media[3];
    assert_eq!(bfcp.floorctrl(), vec![FloorCtrl::ClientServer]);
    assert_eq!(bfcp.setup(), Some(Setup::ActPass));
    assert_eq!(bfcp.attribute("connection"), Some("new"));
    assert_eq!((bfcp.confid(), bfcp.userid()), (Some(1), Some(2)));
    assert_eq!(
        bfcp.floorids(),
        vec![FloorId {
            floor_id: 1,
            media_labels: vec!["3".into()]
        }]
    );
    assert!(bfcp.cryptos().is_empty());
}

#[test]
fn best_effort_offer_is_avp_with_crypto() {
    let (sd, _) = offer(Encryption::BestEffort, 2);
    assert_eq!(sd.media[0].protocol, "RTP/AVP");
    assert_eq!(sd.media[0].cryptos().len(), 3);
    assert_eq!(sd.media[1].protocol, "RTP/AVP");
    let (sd, _) = offer(Encryption::Off, 2);
    assert!(sd.media.iter().all(|m| m.cryptos().is_empty()));
}

#[test]
fn hold_and_resume_reoffers_keep_keys_and_bump_version() {
    let (first, _) = offer(Encryption::Required, 5);
    let (held, state) = hold(&first, false, None);
    assert_eq!(held.origin.session_version, 2);
    assert_eq!(held.origin.session_id, 77);
    for m in &held.media[..3] {
        assert_eq!(m.direction(), Some(Direction::SendOnly));
        assert_eq!(
            m.attributes
                .iter()
                .filter(|a| Direction::from_name(&a.name).is_some())
                .count(),
            1
        );
    }
    assert_eq!(held.media[3].attribute("connection"), Some("existing"));
    assert_eq!(held.media[0].cryptos(), first.media[0].cryptos());
    assert_eq!(state.kinds.len(), 4);

    let (inactive, _) = hold(&held, true, None);
    assert_eq!(inactive.origin.session_version, 3);
    assert_eq!(inactive.media[0].direction(), Some(Direction::Inactive));

    let (resumed, _) = resume(&inactive, None);
    assert_eq!(resumed.origin.session_version, 4);
    assert_eq!(resumed.media[0].direction(), Some(Direction::SendRecv));
    assert_eq!(resumed.media[1].cryptos(), first.media[1].cryptos());
}

#[test]
fn rekeying_reoffer_changes_keys_not_tags() {
    let (first, _) = offer(Encryption::Required, 5);
    let mut fill = filler(6);
    let (rekeyed, _) = resume(&first, Some(&mut KeySource(&mut fill)));
    for (old, new) in first.media[..3].iter().zip(&rekeyed.media[..3]) {
        let (old, new) = (old.cryptos(), new.cryptos());
        assert_eq!(old.len(), new.len());
        for (o, n) in old.iter().zip(&new) {
            assert_eq!((o.tag, o.suite), (n.tag, n.suite));
            assert_eq!(n.master_key().len(), o.suite.master_len());
            assert_ne!(o.master_key(), n.master_key());
        }
    }
}

#[test]
fn reoffer_of_an_answer_keeps_disabled_lines() {
    let offer = SessionDescription::parse(&super::cucm_offer()).unwrap();
    let mut fill = filler(8);
    let (ours, _) = create_answer(
        &offer,
        &local(Encryption::Required),
        1,
        1,
        &mut KeySource(&mut fill),
    )
    .unwrap();
    let (held, state) = hold(&ours, false, None);
    assert_eq!(held.media.len(), 6);
    assert_eq!(held.media[4].port, 0);
    assert_eq!(held.media[4].direction(), None);
    assert_eq!(held.media[0].direction(), Some(Direction::SendOnly));
    assert_eq!(
        state.kinds,
        vec![
            Some(StreamKind::Audio),
            Some(StreamKind::MainVideo),
            Some(StreamKind::Slides),
            Some(StreamKind::Bfcp),
            None,
            None
        ]
    );
}

#[test]
fn reoffer_roles_skip_lines_we_refused() {
    let text = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n\
                m=audio 5004 RTP/AVP 18\r\nm=audio 5006 RTP/AVP 8\r\n";
    let offer = SessionDescription::parse(text).unwrap();
    let mut fill = filler(8);
    let (ours, _) = create_answer(
        &offer,
        &local(Encryption::Off),
        1,
        1,
        &mut KeySource(&mut fill),
    )
    .unwrap();
    let (held, state) = hold(&ours, false, None);
    assert_eq!(state.kinds, vec![None, Some(StreamKind::Audio)]);
    assert_eq!(held.media[1].direction(), Some(Direction::SendOnly));
    // The peer answers the hold: only the second line carries audio.
    let answer = "v=0\r\no=- 1 2 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n\
                  m=audio 0 RTP/AVP 18\r\nm=audio 5006 RTP/AVP 8\r\na=recvonly\r\n";
    let neg = accept_answer(&state, &SessionDescription::parse(answer).unwrap()).unwrap();
    assert_eq!(neg.streams.len(), 1);
    let audio = &neg.streams[0];
    assert_eq!(
        (audio.mline, audio.local_port, audio.direction),
        (1, 40000, Direction::SendOnly)
    );
    assert_eq!(audio.codec.as_ref().unwrap().name, "PCMA");
}
