//! Producing offers: the initial INVITE offer of a room device, and re-offers built from the
//! last SDP we sent (hold, resume, optional re-keying) for re-INVITEs.

use super::attrs::Direction;
use super::bfcp;
use super::codecs::{self, TELEPHONE_EVENT_PT};
use super::crypto::CryptoAttribute;
use super::lines::{self, SLIDES_LABEL};
use super::negotiate::{Encryption, KeySource, LocalMedia, OfferState};
use super::session::{MediaDescription, MediaKind, SessionDescription};

/// The initial offer: audio, then main video, then slides and BFCP when enabled.
///
/// `Encryption::BestEffort` offers `RTP/AVP` *with* `a=crypto` lines: not RFC 4568's
/// letter (SDES belongs to SAVP), but the "best effort SRTP" that CUCM and Cisco endpoints
/// send and accept, and a plain peer simply ignores the unknown attribute.
pub fn create_offer(
    local: &LocalMedia,
    session_id: u64,
    version: u64,
    keys: &mut KeySource,
) -> (SessionDescription, OfferState) {
    let mut sd = lines::new_session(local, session_id, version);
    let proto = match local.encryption {
        Encryption::Required => "RTP/SAVP",
        Encryption::Off | Encryption::BestEffort => "RTP/AVP",
    };
    let with_crypto = local.encryption != Encryption::Off;
    let mut crypto_for = |m: &mut MediaDescription| {
        if with_crypto {
            for c in lines::offer_cryptos(keys) {
                m.push_crypto(&c);
            }
        }
    };

    let mut audio_codecs = codecs::audio_offer();
    audio_codecs.push(codecs::telephone_event(TELEPHONE_EVENT_PT, 8000));
    let mut audio = lines::rtp_line(
        MediaKind::Audio,
        local.audio_port,
        proto,
        &audio_codecs,
        Direction::SendRecv,
    );
    audio.push_property("rtcp-mux");
    crypto_for(&mut audio);
    sd.media.push(audio);

    let video_line = |port: u16, content: &str| {
        let mut m = lines::rtp_line(
            MediaKind::Video,
            port,
            proto,
            &[codecs::h264_offer()],
            Direction::SendRecv,
        );
        lines::push_video_feedback(&mut m, |_| true);
        m.push_value("content", content);
        m.push_property("rtcp-mux");
        m
    };
    if local.video {
        let mut main = video_line(local.video_port, "main");
        crypto_for(&mut main);
        sd.media.push(main);
    }
    if local.presentation {
        let mut slides = video_line(local.slides_port, "slides");
        slides.push_value("label", SLIDES_LABEL);
        crypto_for(&mut slides);
        sd.media.push(slides);
        // The BFCP channel itself stays unencrypted (as CUCM relays it).
        sd.media.push(bfcp::offer_line(local.bfcp_port));
    }
    let kinds = lines::classify_own(&sd);
    (sd.clone(), OfferState { offer: sd, kinds })
}

/// A re-offer that puts the call on hold: `a=sendonly` on every active RTP line, or
/// `a=inactive` when the peer already holds us (it sends nothing, so neither direction is
/// left). `previous` is the last offer or answer we sent in this dialog.
pub fn hold(
    previous: &SessionDescription,
    remote_holds_us: bool,
    rekey: Option<&mut KeySource>,
) -> (SessionDescription, OfferState) {
    let dir = if remote_holds_us {
        Direction::Inactive
    } else {
        Direction::SendOnly
    };
    reoffer(previous, dir, rekey)
}

/// A re-offer that takes the call off hold (`a=sendrecv`; the peer answers with its own
/// hold state if it still holds us).
pub fn resume(
    previous: &SessionDescription,
    rekey: Option<&mut KeySource>,
) -> (SessionDescription, OfferState) {
    reoffer(previous, Direction::SendRecv, rekey)
}

/// `previous` with `o=` version + 1, `dir` on its active RTP lines, the same keys unless
/// `rekey` is given (then a fresh key per `a=crypto` line, same tag and suite), and BFCP
/// asked to keep its existing TCP connection (RFC 4145 `a=connection:existing`).
pub fn reoffer(
    previous: &SessionDescription,
    dir: Direction,
    mut rekey: Option<&mut KeySource>,
) -> (SessionDescription, OfferState) {
    let mut sd = previous.clone();
    sd.origin.session_version = sd.origin.session_version.wrapping_add(1);
    // Direction is per line from here on.
    sd.attributes
        .retain(|a| a.value.is_some() || Direction::from_name(&a.name).is_none());
    for m in sd.media.iter_mut().filter(|m| m.port != 0) {
        if lines::is_bfcp(m) {
            if m.has_attribute("connection") {
                m.remove_attributes("connection");
                m.push_value("connection", "existing");
            }
            continue;
        }
        if !m.is_rtp() {
            continue;
        }
        m.set_direction(dir);
        if let Some(keys) = rekey.as_deref_mut() {
            let fresh: Vec<CryptoAttribute> = m
                .cryptos()
                .into_iter()
                .map(|c| CryptoAttribute::new(c.tag, c.suite, keys.key_for(c.suite)))
                .collect();
            m.remove_attributes("crypto");
            for c in &fresh {
                m.push_crypto(c);
            }
        }
    }
    let kinds = lines::classify_own(&sd);
    (sd.clone(), OfferState { offer: sd, kinds })
}
