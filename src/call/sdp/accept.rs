//! Checking the peer's answer against what we offered (RFC 3264 §7) and turning it into
//! negotiated streams: same lines in the same order, only codecs and crypto tags we
//! offered, port 0 meaning "this stream is off".

use super::answer::kind_name;
use super::attrs::parse_pt;
use super::bfcp;
use super::codecs::{Codec, codec_of, codecs_of};
use super::lines;
use super::negotiate::{Negotiated, NegotiatedStream, OfferState, Rejected, SrtpKeys, StreamKind};
use super::session::{MediaDescription, SessionDescription};

/// Reads `answer` to the offer kept in `state`. An answer that breaks the offer's terms
/// is refused with a reason (the caller then ends the call).
pub fn accept_answer(
    state: &OfferState,
    answer: &SessionDescription,
) -> Result<Negotiated, Rejected> {
    let offer = &state.offer;
    // RFC 3264 wants every offered line answered, but simple peers (SIPp's canned answer,
    // some gateways) answer only the lines they take: the missing trailing lines count as
    // refused. More lines than offered cannot be read at all.
    if answer.media.len() > offer.media.len() {
        return Err(Rejected::not_acceptable(format!(
            "the answer has {} m= lines, the offer had {}",
            answer.media.len(),
            offer.media.len()
        )));
    }
    let mut streams = Vec::new();
    for (i, om) in offer.media.iter().enumerate() {
        let Some(am) = answer.media.get(i) else {
            if let Some(kind) = state.kinds.get(i).copied().flatten() {
                streams.push(NegotiatedStream::disabled(i, kind));
            }
            continue;
        };
        if am.kind != om.kind {
            return Err(Rejected::not_acceptable(format!(
                "m= line {} is {} in the answer but {} in the offer",
                i + 1,
                am.kind,
                om.kind
            )));
        }
        let Some(kind) = state.kinds.get(i).copied().flatten() else {
            continue;
        };
        if om.port == 0 || am.port == 0 {
            streams.push(NegotiatedStream::disabled(i, kind));
            continue;
        }
        let side = Sides {
            offer,
            om,
            answer,
            am,
        };
        let stream = accept_line(&side, kind, i)
            .map_err(|r| Rejected::not_acceptable(format!("{} line: {r}", kind_name(kind))))?;
        streams.push(stream);
    }
    if !streams.iter().any(NegotiatedStream::is_enabled) {
        return Err(Rejected::not_acceptable(
            "the answer refused every media line",
        ));
    }
    Ok(Negotiated::new(streams))
}

struct Sides<'a> {
    offer: &'a SessionDescription,
    om: &'a MediaDescription,
    answer: &'a SessionDescription,
    am: &'a MediaDescription,
}

fn accept_line(s: &Sides, kind: StreamKind, mline: usize) -> Result<NegotiatedStream, String> {
    let (om, am) = (s.om, s.am);
    let remote = lines::remote_addr(s.answer, am)?;
    let mut stream = NegotiatedStream::disabled(mline, kind);
    stream.remote = Some(remote);
    stream.local_port = om.port;
    if kind == StreamKind::Bfcp {
        stream.direction = super::attrs::Direction::SendRecv;
        stream.bfcp = Some(bfcp::accept(om, am)?);
        return Ok(stream);
    }
    if !am.protocol.eq_ignore_ascii_case(&om.protocol) {
        return Err(format!(
            "the answer uses {} but we offered {}",
            am.protocol, om.protocol
        ));
    }
    let (codec, dtmf) = answered_codec(om, am)?;
    stream.srtp = answered_keys(om, am)?;
    stream.direction = s
        .offer
        .direction_of(om)
        .intersect(lines::peer_direction(s.answer, am).reversed());
    stream.rtcp_mux = om.rtcp_mux() && am.rtcp_mux();
    stream.remote_rtcp = Some(lines::remote_rtcp(am, remote, stream.rtcp_mux));
    stream.codec = Some(codec);
    stream.dtmf_payload_type = dtmf;
    Ok(stream)
}

/// The first answered media codec that we offered, and the answered telephone-event.
/// Extra formats we never offered are tolerated after a common one (RFC 3264 §6.1 lets
/// an answer list them); an answer with no common media codec is refused.
fn answered_codec(
    om: &MediaDescription,
    am: &MediaDescription,
) -> Result<(Codec, Option<u8>), String> {
    let offered = codecs_of(om);
    let mut chosen = None;
    let mut dtmf = None;
    let mut foreign = Vec::new();
    for pt in am.formats.iter().filter_map(|f| parse_pt(f)) {
        // A dynamic payload type answered without rtpmap means the one we offered.
        let Some(ac) =
            codec_of(am, pt).or_else(|| offered.iter().find(|c| c.payload_type == pt).cloned())
        else {
            foreign.push(pt.to_string());
            continue;
        };
        match offered.iter().find(|oc| oc.same_format(&ac)) {
            Some(oc) if oc.is_telephone_event() => {
                dtmf.get_or_insert(pt);
            }
            Some(_) => {
                chosen.get_or_insert(ac);
            }
            None => foreign.push(format!("{pt} {}/{}", ac.name, ac.clock_rate)),
        }
    }
    match chosen {
        Some(c) => Ok((c, dtmf)),
        None if foreign.is_empty() => Err("the answer lists no codec".to_string()),
        None => Err(format!(
            "the answer chose codecs we never offered ({})",
            foreign.join(", ")
        )),
    }
}

/// Pairs the answer's `a=crypto` with the offered line of the same tag.
fn answered_keys(om: &MediaDescription, am: &MediaDescription) -> Result<Option<SrtpKeys>, String> {
    let ours = om.cryptos();
    if ours.is_empty() {
        return Ok(None);
    }
    let answered = am.crypto_lines();
    let theirs = match answered.iter().find_map(|l| l.as_ref().ok()) {
        Some(c) => c,
        None => {
            if let Some(Err(e)) = answered.first() {
                return Err(format!("the answer's a=crypto is unusable: {}", e.reason));
            }
            if lines::is_savp(&om.protocol) {
                return Err(format!(
                    "the answer has no a=crypto for an {} line",
                    om.protocol
                ));
            }
            // Best-effort SRTP offer answered in plain RTP: allowed.
            return Ok(None);
        }
    };
    let mine = ours
        .iter()
        .find(|c| c.tag == theirs.tag)
        .ok_or_else(|| format!("the answer's a=crypto tag {} was never offered", theirs.tag))?;
    if mine.suite != theirs.suite {
        return Err(format!(
            "a=crypto tag {} was offered as {} but answered as {}",
            theirs.tag, mine.suite, theirs.suite
        ));
    }
    Ok(Some(SrtpKeys {
        suite: mine.suite,
        tag: mine.tag,
        local_key: mine.master_key().to_vec(),
        remote_key: theirs.master_key().to_vec(),
    }))
}
