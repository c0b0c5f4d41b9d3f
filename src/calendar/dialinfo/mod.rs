//! Dial strings: how a room joins the meeting an invite describes.
//!
//! An invite says how to join in words meant for people: a Zoom link and a passcode, a
//! Teams "Join on a video conferencing device" block, a Webex video address, a SIP URI in
//! LOCATION. [`extract`] reads LOCATION, DESCRIPTION, the HTML body (`X-ALT-DESC`) and the
//! meeting-link properties Outlook and Google add (`X-MICROSOFT-SKYPETEAMSMEETINGURL`,
//! `X-GOOGLE-CONFERENCE`), undoes what mail did to them (`text`), and runs the prioritised
//! [`RuleTable`] over them (`rules`, `builtin`, `ids`). The result is what a booking's
//! `DialInfo Calls Call[n] Number/Protocol` and `MeetingPlatform` hold, best first.

mod builtin;
mod ids;
mod rules;
pub mod text;

use std::fmt;

pub use rules::{Builtin, Config, Fields, Gateway, Matcher, Rule, RuleTable};

use super::ics::Event;

/// How to place the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    Sip,
    H323,
    /// Webex cloud calling (`spark:` URIs).
    Spark,
    /// A meeting link to open in the device's browser engine (Teams, Google Meet).
    WebRtc,
}

/// Whose meeting it is, as RoomOS names it in `MeetingPlatform`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    Webex,
    Zoom,
    MicrosoftTeams,
    GoogleMeet,
    BlueJeans,
    Other,
}

impl Protocol {
    /// As in `DialInfo Calls Call[n] Protocol`.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Sip => "SIP",
            Protocol::H323 => "H323",
            Protocol::Spark => "Spark",
            Protocol::WebRtc => "WebRTC",
        }
    }
}

impl Platform {
    /// As in a booking's `MeetingPlatform`.
    pub fn name(self) -> &'static str {
        match self {
            Platform::Webex => "Webex",
            Platform::Zoom => "Zoom",
            Platform::MicrosoftTeams => "MicrosoftTeams",
            Platform::GoogleMeet => "GoogleMeet",
            Platform::BlueJeans => "BlueJeans",
            Platform::Other => "Other",
        }
    }
}

/// One way to join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialInfo {
    /// What to dial: `92403591689.110292@zoomcrc.com`, or a meeting link for WebRTC.
    pub number: String,
    pub protocol: Protocol,
    pub platform: Platform,
    /// The rule that found it.
    pub rule: String,
}

impl fmt::Display for DialInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}, {}, rule {})",
            self.number,
            self.protocol.name(),
            self.platform.name(),
            self.rule
        )
    }
}

/// The parts of an invite the rules read, already normalized.
#[derive(Debug, Clone, Default)]
pub struct Invite {
    pub location: String,
    /// DESCRIPTION, then the HTML body as text, then the meeting-link properties.
    pub body: String,
    /// Addresses of people (attendees, organizer): never taken for video addresses.
    pub people: Vec<String>,
}

/// The longest body text searched (bytes); a huge body is cut, not searched for minutes.
pub const MAX_BODY: usize = 512 << 10;

impl Invite {
    /// From loose parts: a LOCATION, a plain body, an HTML body.
    pub fn new(location: Option<&str>, plain: Option<&str>, html: Option<&str>) -> Invite {
        let mut body = String::new();
        if let Some(plain) = plain {
            body.push_str(&text::normalize(cut(plain)));
        }
        if let Some(html) = html {
            body.push('\n');
            body.push_str(&text::normalize(&text::html_to_text(
                &text::undo_quoted_printable(cut(html)),
            )));
        }
        Invite {
            location: location
                .map(|l| text::normalize(cut(l)))
                .unwrap_or_default(),
            body,
            people: Vec::new(),
        }
    }

    /// From a parsed VEVENT.
    pub fn from_event(event: &Event) -> Invite {
        let mut invite = Invite::new(
            event.location.as_deref(),
            event.description.as_deref(),
            event.html_description.as_deref(),
        );
        for name in [
            "X-MICROSOFT-SKYPETEAMSMEETINGURL",
            "X-GOOGLE-CONFERENCE",
            "URL",
            "CONFERENCE",
        ] {
            for p in event.component.properties_named(name) {
                invite.body.push('\n');
                invite.body.push_str(&text::normalize(&p.text()));
            }
        }
        invite.people = event
            .attendees
            .iter()
            .chain(event.organizer.as_ref())
            .map(|p| p.email())
            .collect();
        invite
    }
}

fn cut(s: &str) -> &str {
    if s.len() <= MAX_BODY {
        return s;
    }
    let mut end = MAX_BODY;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The dial strings of an invite, best first, each number once.
pub fn extract(invite: &Invite, table: &RuleTable) -> Vec<DialInfo> {
    let all = format!("{}\n{}", invite.location, invite.body);
    let mut out: Vec<DialInfo> = Vec::new();
    for rule in table.rules() {
        let text = match rule.fields {
            Fields::Location => invite.location.as_str(),
            Fields::Body => invite.body.as_str(),
            Fields::All => all.as_str(),
        };
        for candidate in rule.run(text, &invite.people, &table.config) {
            let number = candidate.number.trim().to_string();
            if number.is_empty() || out.iter().any(|d| d.number.eq_ignore_ascii_case(&number)) {
                continue;
            }
            out.push(DialInfo {
                number,
                protocol: candidate.protocol,
                platform: candidate.platform,
                rule: rule.name.clone(),
            });
        }
    }
    out
}

/// The dial strings of a parsed VEVENT with the default rules.
pub fn extract_event(event: &Event) -> Vec<DialInfo> {
    extract(&Invite::from_event(event), &RuleTable::default())
}
