//! Answering a peer's offer (RFC 3264 §6) as a room device: one answer line per offered
//! line, in order; the lines we cannot or will not take are answered with port 0; the call
//! is refused with 488 when no audio line can be accepted.

use super::attrs::Direction;
use super::bfcp;
use super::codecs::{self, Codec};
use super::crypto::CryptoAttribute;
use super::lines::{self, SLIDES_LABEL};
use super::negotiate::{
    Encryption, KeySource, LocalMedia, Negotiated, NegotiatedStream, Rejected, SrtpKeys, StreamKind,
};
use super::session::{MediaDescription, MediaKind, SessionDescription};

/// Answers `offer` willing to send and receive on every line.
pub fn create_answer(
    offer: &SessionDescription,
    local: &LocalMedia,
    session_id: u64,
    version: u64,
    keys: &mut KeySource,
) -> Result<(SessionDescription, Negotiated), Rejected> {
    create_answer_with_direction(offer, local, session_id, version, keys, Direction::SendRecv)
}

/// Like `create_answer`, but never more than `ours` (e.g. `SendOnly` when the peer
/// re-INVITEs while we hold the call, so the answer keeps the hold).
pub fn create_answer_with_direction(
    offer: &SessionDescription,
    local: &LocalMedia,
    session_id: u64,
    version: u64,
    keys: &mut KeySource,
    ours: Direction,
) -> Result<(SessionDescription, Negotiated), Rejected> {
    let mut sd = lines::new_session(local, session_id, version);
    let mut streams: Vec<NegotiatedStream> = Vec::new();
    let mut audio_refusal: Option<String> = None;
    for (i, om) in offer.media.iter().enumerate() {
        let Some(kind) = role_of(om) else {
            sd.media.push(lines::disabled_answer_line(om));
            continue;
        };
        let taken = streams.iter().any(|s| s.kind == kind && s.is_enabled());
        let ctx = Line {
            offer,
            om,
            kind,
            mline: i,
            local,
            ours,
        };
        let outcome = if taken {
            Err(format!(
                "another {} line was already accepted",
                kind_name(kind)
            ))
        } else {
            answer_line(&ctx, keys)
        };
        match outcome {
            Ok((am, stream)) => {
                streams.retain(|s| s.kind != kind);
                sd.media.push(am);
                streams.push(stream);
            }
            Err(reason) => {
                sd.media.push(lines::disabled_answer_line(om));
                if kind == StreamKind::Audio && audio_refusal.is_none() {
                    audio_refusal = Some(reason);
                }
                if !streams.iter().any(|s| s.kind == kind) {
                    streams.push(NegotiatedStream::disabled(i, kind));
                }
            }
        }
    }
    if !streams
        .iter()
        .any(|s| s.kind == StreamKind::Audio && s.is_enabled())
    {
        let reason = audio_refusal.unwrap_or_else(|| "the offer has no audio line".to_string());
        return Err(Rejected::not_acceptable(reason));
    }
    streams.sort_by_key(|s| s.mline);
    Ok((sd, Negotiated::new(streams)))
}

/// The role an offered line would play for us, judged by media type and transport.
fn role_of(m: &MediaDescription) -> Option<StreamKind> {
    match m.kind {
        MediaKind::Audio if m.is_rtp() => Some(StreamKind::Audio),
        MediaKind::Video if m.is_rtp() && lines::is_slides(m) => Some(StreamKind::Slides),
        MediaKind::Video if m.is_rtp() => Some(StreamKind::MainVideo),
        MediaKind::Application if lines::is_bfcp(m) => Some(StreamKind::Bfcp),
        _ => None,
    }
}

/// One offered line and what we need to answer it.
struct Line<'a> {
    offer: &'a SessionDescription,
    om: &'a MediaDescription,
    kind: StreamKind,
    mline: usize,
    local: &'a LocalMedia,
    ours: Direction,
}

type Answered = (MediaDescription, NegotiatedStream);

fn answer_line(l: &Line, keys: &mut KeySource) -> Result<Answered, String> {
    let name = kind_name(l.kind);
    if l.om.port == 0 {
        return Err(format!("the offer disabled the {name} line"));
    }
    let (enabled, port) = match l.kind {
        StreamKind::Audio => (true, l.local.audio_port),
        StreamKind::MainVideo => (l.local.video, l.local.video_port),
        StreamKind::Slides => (l.local.presentation, l.local.slides_port),
        StreamKind::Bfcp => (l.local.presentation, l.local.bfcp_port),
    };
    if !enabled {
        return Err(format!("{name} is turned off on this device"));
    }
    let remote = lines::remote_addr(l.offer, l.om)?;
    if l.kind == StreamKind::Bfcp {
        let (am, params) = bfcp::answer_line(l.om, port)?;
        let mut s = NegotiatedStream::disabled(l.mline, l.kind);
        s.remote = Some(remote);
        s.local_port = port;
        s.direction = Direction::SendRecv;
        s.bfcp = Some(params);
        return Ok((am, s));
    }
    answer_rtp(l, port, remote, keys)
}

fn answer_rtp(
    l: &Line,
    port: u16,
    remote: std::net::SocketAddr,
    keys: &mut KeySource,
) -> Result<Answered, String> {
    let om = l.om;
    if !lines::is_supported_rtp(&om.protocol) {
        return Err(format!("the {} transport is not supported", om.protocol));
    }
    let crypto = choose_crypto(om, l.local.encryption)?;
    let (codec, event) = match l.kind {
        StreamKind::Audio => codecs::choose_audio(om)
            .ok_or("no common audio codec (we take Opus, G.722, PCMU, PCMA)")?,
        _ => (
            codecs::choose_video(om)
                .ok_or("no common video codec (we take H.264 packetization-mode 0 or 1)")?,
            None,
        ),
    };
    let direction = lines::peer_direction(l.offer, om)
        .reversed()
        .intersect(l.ours);
    let mut answer_codecs = vec![codecs::answer_codec(&codec)];
    answer_codecs.extend(event.clone());
    let mut am = lines::rtp_line(
        om.kind.clone(),
        port,
        &om.protocol,
        &answer_codecs,
        direction,
    );
    if l.kind != StreamKind::Audio {
        lines::push_video_feedback(&mut am, |fb| offers_feedback(om, &codec, fb));
        if let Some(content) = om.content() {
            am.push_value("content", content);
        }
        if l.kind == StreamKind::Slides {
            am.push_value("label", SLIDES_LABEL);
        }
    }
    let rtcp_mux = om.rtcp_mux();
    if rtcp_mux {
        am.push_property("rtcp-mux");
    }
    let srtp = crypto.map(|offered| {
        let ours = CryptoAttribute::new(offered.tag, offered.suite, keys.key_for(offered.suite));
        am.push_crypto(&ours);
        SrtpKeys {
            suite: offered.suite,
            tag: offered.tag,
            local_key: ours.master_key().to_vec(),
            remote_key: offered.master_key().to_vec(),
        }
    });
    let stream = NegotiatedStream {
        mline: l.mline,
        kind: l.kind,
        remote: Some(remote),
        local_port: port,
        codec: Some(codec),
        dtmf_payload_type: event.map(|e| e.payload_type),
        direction,
        srtp,
        rtcp_mux,
        remote_rtcp: Some(lines::remote_rtcp(om, remote, rtcp_mux)),
        bfcp: None,
    };
    Ok((am, stream))
}

/// RFC 4568 §7.1.2 as applied by a room device: the first offered line whose suite and
/// parameters we support; `None` means plain RTP; `Err` refuses the line.
fn choose_crypto(
    om: &MediaDescription,
    policy: Encryption,
) -> Result<Option<CryptoAttribute>, String> {
    let savp = lines::is_savp(&om.protocol);
    if policy == Encryption::Off {
        if savp {
            return Err(format!(
                "the offer requires SRTP ({}) but encryption is off",
                om.protocol
            ));
        }
        return Ok(None);
    }
    let lines = om.crypto_lines();
    let mut why_not: Vec<String> = Vec::new();
    for line in &lines {
        match line {
            Ok(c) => match unsupported_params(c) {
                None => return Ok(Some(c.clone())),
                Some(why) => why_not.push(why),
            },
            Err(e) => why_not.push(e.reason.clone()),
        }
    }
    if !savp && policy == Encryption::BestEffort {
        return Ok(None);
    }
    let what = if policy == Encryption::Required {
        "encryption is required"
    } else {
        "the offer requires SRTP"
    };
    Err(if lines.is_empty() && !savp {
        format!(
            "{what} but the offer is plain {} without a=crypto",
            om.protocol
        )
    } else if why_not.is_empty() {
        format!("{what} but the offer has no usable a=crypto line")
    } else {
        format!(
            "{what} but the offer has no usable a=crypto line ({})",
            why_not.join("; ")
        )
    })
}

/// Session parameters and key options our SRTP does not implement make a line unusable.
fn unsupported_params(c: &CryptoAttribute) -> Option<String> {
    // WSH (replay window size hint) is only a hint.
    if let Some(p) = c.session_params.iter().find(|p| !p.starts_with("WSH=")) {
        return Some(format!("a=crypto:{} uses session parameter {p}", c.tag));
    }
    if c.key_params.len() != 1 || c.key_params.iter().any(|k| k.mki.is_some()) {
        return Some(format!("a=crypto:{} uses several keys or an MKI", c.tag));
    }
    None
}

fn offers_feedback(om: &MediaDescription, codec: &Codec, fb: &str) -> bool {
    let pt = codec.payload_type.to_string();
    om.attribute_values("rtcp-fb")
        .any(|v| match v.split_once(' ') {
            Some((p, rest)) => (p == "*" || p == pt) && rest.trim().eq_ignore_ascii_case(fb),
            None => false,
        })
}

pub(crate) fn kind_name(kind: StreamKind) -> &'static str {
    match kind {
        StreamKind::Audio => "audio",
        StreamKind::MainVideo => "video",
        StreamKind::Slides => "presentation",
        StreamKind::Bfcp => "BFCP",
    }
}
