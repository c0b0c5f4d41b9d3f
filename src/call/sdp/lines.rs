//! Building blocks shared by the offer, answer and re-offer code: the session skeleton,
//! RTP m-lines, SRTP transport names, address resolution and the role of each m-line.

use std::net::SocketAddr;

use super::attrs::Direction;
use super::codecs::{Codec, VIDEO_RTCP_FB};
use super::crypto::{CryptoAttribute, CryptoSuite};
use super::negotiate::{KeySource, LocalMedia, StreamKind};
use super::session::{Bandwidth, MediaDescription, MediaKind, Origin, SessionDescription};

/// `a=label` of our slides line, referenced by `a=floorid ... mstrm:` on the BFCP line.
pub const SLIDES_LABEL: &str = "3";
/// What we write in `o=`.
const ORIGIN_USER: &str = "roomd";
/// Suites we offer, in order of preference (tags 1..).
pub const OFFERED_SUITES: [CryptoSuite; 3] = [
    CryptoSuite::AesCm128HmacSha1_80,
    CryptoSuite::AesCm128HmacSha1_32,
    CryptoSuite::AeadAes128Gcm,
];

pub fn new_session(local: &LocalMedia, session_id: u64, version: u64) -> SessionDescription {
    let origin = Origin::new(ORIGIN_USER, session_id, version, local.address);
    let mut sd = SessionDescription::new(origin, local.address);
    if local.bandwidth_kbps > 0 {
        sd.bandwidths.push(Bandwidth {
            bw_type: "AS".to_string(),
            value: local.bandwidth_kbps.into(),
        });
    }
    sd
}

/// An RTP m-line with `codecs` (each with rtpmap/fmtp) and a direction.
pub fn rtp_line(
    kind: MediaKind,
    port: u16,
    proto: &str,
    codecs: &[Codec],
    dir: Direction,
) -> MediaDescription {
    let mut m = MediaDescription::new(kind, port, proto, Vec::new());
    for c in codecs {
        c.write_into(&mut m);
    }
    m.push_property(dir.as_str());
    m
}

/// The RTCP feedback we ask for on video lines (RFC 4585 allows it on AVP lines too, and
/// SIP video endpoints use it there; we do not switch the profile to AVPF for it).
pub fn push_video_feedback(m: &mut MediaDescription, wanted: impl Fn(&str) -> bool) {
    for fb in VIDEO_RTCP_FB {
        if wanted(fb) {
            m.push_value("rtcp-fb", format!("* {fb}"));
        }
    }
}

/// One fresh `a=crypto` line per offered suite, tags 1, 2, 3.
pub fn offer_cryptos(keys: &mut KeySource) -> Vec<CryptoAttribute> {
    (1..)
        .zip(OFFERED_SUITES)
        .map(|(tag, suite)| CryptoAttribute::new(tag, suite, keys.key_for(suite)))
        .collect()
}

/// RFC 3264 §6: a refused line keeps its media type and transport, port 0, and (here)
/// only the first format of the offer.
pub fn disabled_answer_line(offer: &MediaDescription) -> MediaDescription {
    let formats = offer.formats.first().cloned().into_iter().collect();
    MediaDescription::new(offer.kind.clone(), 0, &offer.protocol, formats)
}

/// `RTP/SAVP` or `RTP/SAVPF`: the transport itself demands SRTP.
pub fn is_savp(proto: &str) -> bool {
    let p = proto.to_ascii_uppercase();
    p == "RTP/SAVP" || p == "RTP/SAVPF"
}

/// RTP transports we can run (SDES or plain; no DTLS-SRTP, no ICE).
pub fn is_supported_rtp(proto: &str) -> bool {
    matches!(
        proto.to_ascii_uppercase().as_str(),
        "RTP/AVP" | "RTP/SAVP" | "RTP/AVPF" | "RTP/SAVPF"
    )
}

pub fn is_bfcp(m: &MediaDescription) -> bool {
    m.kind == MediaKind::Application && m.protocol.to_ascii_uppercase().ends_with("/BFCP")
}

/// The role of each enabled line of an SDP we produced ourselves.
pub fn classify_own(sd: &SessionDescription) -> Vec<Option<StreamKind>> {
    let mut seen = Vec::new();
    sd.media
        .iter()
        .map(|m| {
            // A disabled line (e.g. one we refused in an answer) stays disabled.
            if m.port == 0 {
                return None;
            }
            let kind = match m.kind {
                MediaKind::Audio if m.is_rtp() => StreamKind::Audio,
                MediaKind::Video if m.is_rtp() && is_slides(m) => StreamKind::Slides,
                MediaKind::Video if m.is_rtp() => StreamKind::MainVideo,
                MediaKind::Application if is_bfcp(m) => StreamKind::Bfcp,
                _ => return None,
            };
            // Only the first line of each role is ours; further ones are carried at port 0.
            if seen.contains(&kind) {
                return None;
            }
            seen.push(kind);
            Some(kind)
        })
        .collect()
}

pub fn is_slides(m: &MediaDescription) -> bool {
    m.content()
        .is_some_and(|c| c.eq_ignore_ascii_case("slides"))
}

/// Where the peer receives this line's media, if it gave an IP address.
pub fn remote_addr(sd: &SessionDescription, m: &MediaDescription) -> Result<SocketAddr, String> {
    let c = sd
        .connection_for(m)
        .ok_or_else(|| format!("the {} line has no c= address", m.kind))?;
    let ip = c.ip().ok_or_else(|| {
        format!(
            "the {} line's address '{}' is not an IP address",
            m.kind, c.address
        )
    })?;
    Ok(SocketAddr::new(ip, m.port))
}

/// Where the peer receives RTCP: the media address with rtcp-mux, else `a=rtcp` (RFC 3605),
/// else the next port up.
pub fn remote_rtcp(m: &MediaDescription, media: SocketAddr, mux: bool) -> SocketAddr {
    if mux {
        return media;
    }
    match m.rtcp() {
        Some(r) => {
            let ip = r.connection.and_then(|c| c.ip()).unwrap_or(media.ip());
            SocketAddr::new(ip, r.port)
        }
        None => SocketAddr::new(media.ip(), media.port().wrapping_add(1)),
    }
}

/// The direction the peer declared for `m`, with RFC 2543 hold (`c=0.0.0.0`) read as
/// "do not send to me".
pub fn peer_direction(sd: &SessionDescription, m: &MediaDescription) -> Direction {
    let declared = sd.direction_of(m);
    let on_hold = sd.connection_for(m).is_some_and(|c| c.is_unspecified());
    if on_hold {
        Direction::from_flags(declared.sends(), false)
    } else {
        declared
    }
}
