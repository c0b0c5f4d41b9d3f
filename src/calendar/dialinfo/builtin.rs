//! The built-in matchers: one function per kind of meeting, each reading the invite's
//! normalized text and proposing dial strings.
//!
//! Formats (see the research note, §1.4–§1.7):
//! - Zoom Cloud Room Connector: `id[.passcode[.options[.hostkey]]]@zoomcrc.com` (also
//!   regional hosts such as `global.zoomcrc.com`); when the invite prints the CRC address
//!   without a passcode, or only a Zoom link and a meeting ID, the passcode printed beside
//!   it is added, so the room is not stopped by Zoom's IVR.
//! - Microsoft Teams through a video gateway (CVI): a tenant key address plus a printed
//!   Video ID; dialled directly as the gateway's template says (Cisco
//!   `{id}.{tenant}@m.webex.com`, Poly `{tenant}.{id}@t.plcm.vc`, others `{id}@{domain}`).
//! - Webex: `number@site.webex.com` or `name@site.webex.com`, or a printed meeting number
//!   with the site taken from the meeting link.
//! - Google Meet through a SIP gateway: a 13-digit PIN at the gateway, or, with a gateway
//!   configured, the meeting code; otherwise the Meet link for WebRTC.
//! - BlueJeans: `id[.passcode]@bjn.vc`, or built from a bluejeans.com link.
//! - `sip:`, `sips:`, `h323:`, `spark:` URIs anywhere.
//! - A bare `user@host` in LOCATION that looks like a video address, not a person's mail.

use std::sync::LazyLock;

use regex::Regex;

use super::ids::{digits, meeting_id, passcode, video_ids};
use super::rules::{Config, Gateway};
use super::{Platform, Protocol};

/// What a matcher proposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub number: String,
    pub protocol: Protocol,
    pub platform: Platform,
}

fn sip(number: String, platform: Platform) -> Candidate {
    Candidate {
        number,
        protocol: Protocol::Sip,
        platform,
    }
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static pattern")
}

static ZOOM_CRC: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?:sips?:)?\b(\d{5,40})((?:\.[^@\s.<>]*){0,3})@((?:[a-z0-9-]+\.)*zoomcrc\.com)\b")
});
static ZOOM_URL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)https?://(?:[a-z0-9-]+\.)*zoom(?:gov)?\.(?:us|com)/(?:j|w|s|my|wc/join|wc)/(\d{9,11})")
});
static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?:mailto:|sips?:)?\b([a-z0-9][\w.+-]*)@((?:[a-z0-9-]+\.)+[a-z]{2,})\b")
});
static POLY_URL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)dialin\.plcm\.vc/teams/?\?key=(\d+)(?:&|&amp;)conf=(\d+)"));
static WEBEX_ADDRESS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:sips?:)?\b([a-z0-9][\w.+-]*)@([a-z0-9-]+)\.webex\.com\b"));
static WEBEX_SITE: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)https://([a-z0-9-]+)\.webex\.com/"));
static MEET_URL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)https?://meet\.google\.com/([a-z]{3}-[a-z]{4}-[a-z]{3})\b"));
static MEET_SIP: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:sips?:)?\b(\d{13})@((?:[a-z0-9-]+\.)+[a-z]{2,})\b"));
static MEET_PIN: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\bPIN\s*[:：]?\s*(\d(?:[ \-]?\d){12})"));
static BJN_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?:sips?:)?\b(\d{6,12}(?:\.\d{1,12})?)@(bjn\.vc|sip\.bluejeans\.com)\b")
});
static BJN_URL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)https?://(?:[a-z0-9-]+\.)?bluejeans\.com/(\d{6,12})(?:/(\d{1,12}))?")
});
static URI: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?i)\b(sips?|h323|spark):([^\s<>"',;()\[\]]+)"#));
static TEAMS_URL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)https://teams\.(?:microsoft\.com/l/meetup-join|microsoft\.com/meet|live\.com/meet)/[^\s<>"']+"#,
    )
});

/// Zoom CRC addresses as printed, completed with the printed passcode when they lack one.
pub fn zoom_crc(text: &str, _config: &Config) -> Vec<Candidate> {
    let printed = passcode(text);
    ZOOM_CRC
        .captures_iter(text)
        .map(|c| {
            let id = &c[1];
            let host = c[3].to_ascii_lowercase();
            let fields = &c[2];
            let number = match (fields.is_empty(), &printed) {
                (true, Some(pass)) => format!("{id}.{pass}@{host}"),
                _ => format!("{id}{fields}@{host}"),
            };
            sip(number, Platform::Zoom)
        })
        .collect()
}

/// A Zoom meeting given only as a link or a printed meeting ID: built into a CRC address.
pub fn zoom_meeting(text: &str, config: &Config) -> Vec<Candidate> {
    let from_url = ZOOM_URL.captures(text).map(|c| c[1].to_string());
    let is_zoom = from_url.is_some() || text.to_ascii_lowercase().contains("zoom");
    let Some(id) = from_url.or_else(|| meeting_id(text).filter(|_| is_zoom)) else {
        return Vec::new();
    };
    if !(9..=11).contains(&id.len()) {
        return Vec::new();
    }
    let domain = &config.zoom_domain;
    let number = match passcode(text) {
        Some(pass) => format!("{id}.{pass}@{domain}"),
        None => format!("{id}@{domain}"),
    };
    vec![sip(number, Platform::Zoom)]
}

/// Teams through a video gateway: a tenant key at a known gateway plus a printed Video ID,
/// or Poly's "alternate instructions" link that carries both.
pub fn teams_cvi(text: &str, config: &Config) -> Vec<Candidate> {
    let mut out = Vec::new();
    for c in POLY_URL.captures_iter(text) {
        out.push(sip(
            format!("{}.{}@t.plcm.vc", &c[1], &c[2]),
            Platform::MicrosoftTeams,
        ));
    }
    let ids = video_ids(text);
    if ids.is_empty() {
        return out;
    }
    for address in ADDRESS.captures_iter(text) {
        let (Some(whole), tenant, domain) =
            (address.get(0), &address[1], address[2].to_ascii_lowercase())
        else {
            continue;
        };
        let Some(gateway) = gateway_for(&domain, text, whole.start(), config) else {
            continue;
        };
        // The Video ID printed nearest after the tenant key (or else the first one).
        let id = ids
            .iter()
            .find(|(at, _)| *at > whole.start())
            .or(ids.first())
            .map(|(_, id)| id.as_str())
            .unwrap_or_default();
        let number = gateway
            .template
            .replace("{id}", id)
            .replace("{tenant}", tenant)
            .replace("{domain}", &domain);
        out.push(sip(number, Platform::MicrosoftTeams));
    }
    out
}

/// The configured gateway for an address's domain; an unknown domain counts as a gateway
/// only when the words just before it say "video conferencing device" or "tenant key".
fn gateway_for<'a>(domain: &str, text: &str, at: usize, config: &'a Config) -> Option<&'a Gateway> {
    if let Some(g) = config
        .gateways
        .iter()
        .find(|g| domain == g.domain || domain.ends_with(&format!(".{}", g.domain)))
    {
        return Some(g);
    }
    let before = text[..at]
        .char_indices()
        .rev()
        .nth(200)
        .map_or(0, |(i, _)| i);
    let context = text[before..at].to_ascii_lowercase();
    let in_cvi_block = [
        "video conferencing device",
        "tenant key",
        "vtc",
        "video conference",
    ]
    .iter()
    .any(|w| context.contains(w));
    in_cvi_block.then_some(&config.default_gateway)
}

/// Webex addresses `x@site.webex.com` (not `m.webex.com`, which is the Teams gateway).
pub fn webex_address(text: &str, _config: &Config) -> Vec<Candidate> {
    WEBEX_ADDRESS
        .captures_iter(text)
        .filter(|c| !c[2].eq_ignore_ascii_case("m"))
        // `spark:` addresses are the URI rule's, with their own protocol.
        .filter(|c| {
            let start = c.get(0).map_or(0, |m| m.start());
            !text[..start].to_ascii_lowercase().ends_with("spark:")
        })
        .map(|c| {
            let site = c[2].to_ascii_lowercase();
            sip(format!("{}@{site}.webex.com", &c[1]), Platform::Webex)
        })
        .collect()
}

/// A printed Webex meeting number, with the site from the invite's Webex link.
pub fn webex_number(text: &str, _config: &Config) -> Vec<Candidate> {
    let Some(site) = WEBEX_SITE.captures(text).map(|c| c[1].to_ascii_lowercase()) else {
        return Vec::new();
    };
    match meeting_id(text).filter(|id| (9..=11).contains(&id.len())) {
        Some(id) => vec![sip(format!("{id}@{site}.webex.com"), Platform::Webex)],
        None => Vec::new(),
    }
}

/// Google Meet through a SIP gateway: `PIN@gateway` as printed, or built from the meeting
/// code or the printed PIN with the configured gateway.
pub fn meet_sip(text: &str, config: &Config) -> Vec<Candidate> {
    let code = MEET_URL.captures(text).map(|c| c[1].to_ascii_lowercase());
    if code.is_none() && !text.to_ascii_lowercase().contains("google meet") {
        return Vec::new();
    }
    let mut out: Vec<Candidate> = MEET_SIP
        .captures_iter(text)
        .map(|c| {
            sip(
                format!("{}@{}", &c[1], c[2].to_ascii_lowercase()),
                Platform::GoogleMeet,
            )
        })
        .collect();
    if let Some(gateway) = &config.meet_gateway {
        let pin = MEET_PIN.captures(text).map(|c| digits(&c[1]));
        let built = match (&code, pin) {
            (_, Some(pin)) if gateway.template.contains("{pin}") => {
                Some(gateway.template.replace("{pin}", &pin))
            }
            (Some(code), _) if gateway.template.contains("{code}") => {
                Some(gateway.template.replace("{code}", code))
            }
            _ => None,
        };
        out.extend(
            built.map(|n| sip(n.replace("{domain}", &gateway.domain), Platform::GoogleMeet)),
        );
    }
    out
}

/// BlueJeans addresses, or a bluejeans.com link turned into one.
pub fn bluejeans(text: &str, _config: &Config) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = BJN_ADDRESS
        .captures_iter(text)
        .map(|c| {
            sip(
                format!("{}@{}", &c[1], c[2].to_ascii_lowercase()),
                Platform::BlueJeans,
            )
        })
        .collect();
    for c in BJN_URL.captures_iter(text) {
        let number = match c.get(2) {
            Some(pass) => format!("{}.{}@bjn.vc", &c[1], pass.as_str()),
            None => format!("{}@bjn.vc", &c[1]),
        };
        out.push(sip(number, Platform::BlueJeans));
    }
    out
}

/// Explicit `sip:`, `sips:`, `h323:` and `spark:` URIs. `sip:` is dropped from the number
/// (it is the default); `sips:` is kept, since it asks for TLS.
pub fn uris(text: &str, _config: &Config) -> Vec<Candidate> {
    URI.captures_iter(text)
        .filter_map(|c| {
            let scheme = c[1].to_ascii_lowercase();
            let target = c[2].trim_end_matches(['.', ':', '!', '?']);
            if target.is_empty()
                || (scheme != "h323" && !target.contains('@') && !target.contains('.'))
            {
                return None;
            }
            let (number, protocol) = match scheme.as_str() {
                "sip" => (target.to_string(), Protocol::Sip),
                "sips" => (format!("sips:{target}"), Protocol::Sip),
                "h323" => (target.to_string(), Protocol::H323),
                _ => (target.to_string(), Protocol::Spark),
            };
            Some(Candidate {
                platform: platform_of(&number, text),
                number,
                protocol,
            })
        })
        .collect()
}

/// A Teams meeting link, joined over WebRTC.
pub fn teams_webrtc(text: &str, _config: &Config) -> Vec<Candidate> {
    TEAMS_URL
        .find_iter(text)
        .map(|m| Candidate {
            number: m.as_str().trim_end_matches(['.', ')']).to_string(),
            protocol: Protocol::WebRtc,
            platform: Platform::MicrosoftTeams,
        })
        .take(1)
        .collect()
}

/// A Google Meet link, joined over WebRTC.
pub fn meet_webrtc(text: &str, _config: &Config) -> Vec<Candidate> {
    MEET_URL
        .captures(text)
        .map(|c| Candidate {
            number: format!("https://meet.google.com/{}", c[1].to_ascii_lowercase()),
            protocol: Protocol::WebRtc,
            platform: Platform::GoogleMeet,
        })
        .into_iter()
        .collect()
}

/// Mail domains of people, never of video systems.
const MAIL_PROVIDERS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "proton.me",
    "protonmail.com",
];

/// Words in an address or around it that say "video system", not "person".
const VIDEO_HINTS: &[&str] = &[
    "vc",
    "video",
    "vmr",
    "sip",
    "meet",
    "conf",
    "bridge",
    "pexip",
    "cisco",
    "lync",
    "vtc",
    "h323",
    "expressway",
    "cms",
    "room",
];

/// A bare `user@host` in LOCATION that is a video address: not an attendee's or the
/// organizer's mail, not at a mail provider, and either numeric, or named like a video
/// system, or introduced as one ("SIP:", "video", "dial").
pub fn location_address(location: &str, people: &[String]) -> Vec<Candidate> {
    let lower = location.to_ascii_lowercase();
    let introduced = ["sip", "video", "dial", "vmr"]
        .iter()
        .any(|w| lower.contains(w));
    ADDRESS
        .captures_iter(location)
        .filter_map(|c| {
            let whole = c.get(0)?.as_str();
            if whole.to_ascii_lowercase().starts_with("mailto:") {
                return None;
            }
            let user = &c[1];
            let domain = c[2].to_ascii_lowercase();
            let address = format!("{user}@{domain}");
            if people.iter().any(|p| p.eq_ignore_ascii_case(&address))
                || MAIL_PROVIDERS.contains(&domain.as_str())
            {
                return None;
            }
            let labels = |s: &str| -> bool {
                s.to_ascii_lowercase()
                    .split(['.', '-', '_', '+'])
                    .any(|part| VIDEO_HINTS.contains(&part))
            };
            let numeric = user.chars().all(|c| c.is_ascii_digit());
            (numeric || labels(user) || labels(&domain) || introduced).then(|| Candidate {
                platform: platform_of(&address, location),
                number: address,
                protocol: Protocol::Sip,
            })
        })
        .collect()
}

/// The platform a SIP address belongs to, by its domain (and, for a Meet PIN, the invite).
pub fn platform_of(number: &str, text: &str) -> Platform {
    let domain = number.rsplit('@').next().unwrap_or("").to_ascii_lowercase();
    let ends = |suffix: &str| domain == suffix || domain.ends_with(&format!(".{suffix}"));
    if ends("zoomcrc.com") {
        Platform::Zoom
    } else if ends("m.webex.com") || ends("t.plcm.vc") || ends("teams.bjn.vc") {
        Platform::MicrosoftTeams
    } else if ends("webex.com") {
        Platform::Webex
    } else if ends("bjn.vc") || ends("bluejeans.com") {
        Platform::BlueJeans
    } else if text.contains("meet.google.com")
        && number
            .split('@')
            .next()
            .is_some_and(|u| u.len() == 13 && u.chars().all(|c| c.is_ascii_digit()))
    {
        Platform::GoogleMeet
    } else {
        Platform::Other
    }
}
