//! Which RTP codecs the room device speaks, how they are written in SDP, and how one is
//! picked from a peer's list: Opus, G.722, PCMU, PCMA and telephone-event for audio; H.264
//! (packetization-mode 0 or 1, any profile the peer names) for main video and slides.

use super::attrs::{RtpMap, parse_pt};
use super::session::MediaDescription;

/// A payload format on one m-line: payload type, `rtpmap` fields and `fmtp` parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Codec {
    pub payload_type: u8,
    pub name: String,
    pub clock_rate: u32,
    pub channels: Option<u16>,
    pub fmtp: Option<String>,
}

impl Codec {
    fn new(pt: u8, name: &str, clock_rate: u32, channels: Option<u16>, fmtp: Option<&str>) -> Self {
        Codec {
            payload_type: pt,
            name: name.to_string(),
            clock_rate,
            channels,
            fmtp: fmtp.map(str::to_string),
        }
    }

    pub fn rtpmap(&self) -> RtpMap {
        RtpMap {
            payload_type: self.payload_type,
            encoding: self.name.clone(),
            clock_rate: self.clock_rate,
            channels: self.channels,
        }
    }

    /// Same codec (name, clock, channels), whatever payload type number each side uses.
    pub fn same_format(&self, other: &Codec) -> bool {
        self.name.eq_ignore_ascii_case(&other.name)
            && self.clock_rate == other.clock_rate
            && self.channels.unwrap_or(1) == other.channels.unwrap_or(1)
    }

    pub fn is_telephone_event(&self) -> bool {
        self.name.eq_ignore_ascii_case("telephone-event")
    }

    /// Adds the format, its `a=rtpmap` and its `a=fmtp` (if any) to `m`.
    pub(crate) fn write_into(&self, m: &mut MediaDescription) {
        m.formats.push(self.payload_type.to_string());
        m.push_value("rtpmap", self.rtpmap().to_string());
        if let Some(f) = &self.fmtp {
            m.push_value("fmtp", format!("{} {f}", self.payload_type));
        }
    }
}

pub const OPUS_PT: u8 = 96;
pub const H264_PT: u8 = 97;
/// CUCM's default DTMF payload type.
pub const TELEPHONE_EVENT_PT: u8 = 101;
/// RTCP feedback the video lines ask for (RFC 4585 / RFC 5104).
pub const VIDEO_RTCP_FB: [&str; 3] = ["nack", "nack pli", "ccm fir"];
/// Our H.264 profile: Constrained Baseline, level 3.1.
const OUR_PROFILE_LEVEL_ID: &str = "42e01f";
const OUR_H264_LEVEL: u8 = 0x1f;

/// The audio codecs we offer, best first: the ones the media engine encodes.
pub fn audio_offer() -> Vec<Codec> {
    vec![
        Codec::new(
            OPUS_PT,
            "opus",
            48000,
            Some(2),
            Some("useinbandfec=1;stereo=0"),
        ),
        Codec::new(9, "G722", 8000, None, None),
        Codec::new(0, "PCMU", 8000, None, None),
        Codec::new(8, "PCMA", 8000, None, None),
    ]
}

pub fn telephone_event(pt: u8, clock_rate: u32) -> Codec {
    Codec::new(pt, "telephone-event", clock_rate, None, Some("0-15"))
}

pub fn h264_offer() -> Codec {
    let fmtp = format!("packetization-mode=1;profile-level-id={OUR_PROFILE_LEVEL_ID}");
    Codec::new(H264_PT, "H264", 90000, None, Some(&fmtp))
}

/// RFC 3551 static payload types a peer may list without `a=rtpmap`.
fn static_codec(pt: u8) -> Option<Codec> {
    let (name, rate) = match pt {
        0 => ("PCMU", 8000),
        3 => ("GSM", 8000),
        4 => ("G723", 8000),
        8 => ("PCMA", 8000),
        9 => ("G722", 8000),
        18 => ("G729", 8000),
        34 => ("H263", 90000),
        _ => return None,
    };
    Some(Codec::new(pt, name, rate, None, None))
}

/// What payload type `pt` stands for on `m`: its `a=rtpmap` (+ `a=fmtp`), else the static
/// assignment.
pub fn codec_of(m: &MediaDescription, pt: u8) -> Option<Codec> {
    let mut codec = match m.rtpmap(pt) {
        Some(r) => Codec {
            payload_type: pt,
            name: r.encoding,
            clock_rate: r.clock_rate,
            channels: r.channels,
            fmtp: None,
        },
        None => static_codec(pt)?,
    };
    codec.fmtp = m.fmtp(pt).filter(|f| !f.is_empty()).map(str::to_string);
    Some(codec)
}

/// Every format of `m` that we can name, in the order written.
pub fn codecs_of(m: &MediaDescription) -> Vec<Codec> {
    m.formats
        .iter()
        .filter_map(|f| parse_pt(f))
        .filter_map(|pt| codec_of(m, pt))
        .collect()
}

fn supported_audio(c: &Codec) -> bool {
    audio_offer().iter().any(|ours| {
        // RFC 7587 says opus is always "/2"; tolerate peers that leave it out.
        let opus_without_channels =
            ours.name == "opus" && c.name.eq_ignore_ascii_case("opus") && c.channels.is_none();
        ours.same_format(c) || (opus_without_channels && c.clock_rate == 48000)
    })
}

fn supported_video(c: &Codec) -> bool {
    c.name.eq_ignore_ascii_case("H264")
        && c.clock_rate == 90000
        && matches!(
            fmtp_param(c.fmtp.as_deref(), "packetization-mode"),
            None | Some("0") | Some("1")
        )
}

/// Answerer's audio choice: the first codec in the offerer's order that we support, plus
/// the offered telephone-event payload type (the one with the same clock, else 8000 Hz).
pub fn choose_audio(m: &MediaDescription) -> Option<(Codec, Option<Codec>)> {
    let offered = codecs_of(m);
    let chosen = offered.iter().find(|c| supported_audio(c))?.clone();
    let events: Vec<&Codec> = offered.iter().filter(|c| c.is_telephone_event()).collect();
    let event = events
        .iter()
        .find(|e| e.clock_rate == chosen.clock_rate)
        .or_else(|| events.iter().find(|e| e.clock_rate == 8000))
        .map(|e| telephone_event(e.payload_type, e.clock_rate));
    Some((chosen, event))
}

/// Answerer's video choice: the first H.264 format with packetization-mode 0 or 1.
pub fn choose_video(m: &MediaDescription) -> Option<Codec> {
    codecs_of(m).into_iter().find(supported_video)
}

/// The codec as we write it in an answer: the offerer's payload type and name, with our own
/// receive parameters in `fmtp`.
pub fn answer_codec(offered: &Codec) -> Codec {
    let mut ours = offered.clone();
    ours.fmtp = if offered.name.eq_ignore_ascii_case("opus") {
        ours.channels = Some(2);
        Some("useinbandfec=1".to_string())
    } else if offered.name.eq_ignore_ascii_case("H264") {
        Some(h264_answer_fmtp(offered.fmtp.as_deref()))
    } else {
        None
    };
    ours
}

/// RFC 6184 §8.2.2: keep the offer's packetization-mode and profile; declare a level no
/// higher than ours (unless level asymmetry lets each side state its own).
fn h264_answer_fmtp(offer: Option<&str>) -> String {
    let mode = fmtp_param(offer, "packetization-mode").unwrap_or("0");
    let mut out = format!("packetization-mode={mode}");
    let asymmetric = fmtp_param(offer, "level-asymmetry-allowed") == Some("1");
    if let Some(pli) = fmtp_param(offer, "profile-level-id").filter(|p| is_profile_level_id(p)) {
        let offered_level = u8::from_str_radix(&pli[4..6], 16).unwrap_or(OUR_H264_LEVEL);
        let level = if asymmetric {
            OUR_H264_LEVEL
        } else {
            offered_level.min(OUR_H264_LEVEL)
        };
        out.push_str(&format!(
            ";profile-level-id={}{level:02x}",
            &pli[..4].to_ascii_lowercase()
        ));
    }
    if asymmetric {
        out.push_str(";level-asymmetry-allowed=1");
    }
    out
}

fn is_profile_level_id(s: &str) -> bool {
    s.len() == 6 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The value of `name` in `a=b;c=d` fmtp parameters (names compared without case).
pub fn fmtp_param<'a>(fmtp: Option<&'a str>, name: &str) -> Option<&'a str> {
    fmtp?.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}
