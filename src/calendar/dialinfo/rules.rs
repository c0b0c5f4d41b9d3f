//! The rule table: which matchers run, in which order, over which fields.
//!
//! Like Pexip One-Touch Join's meeting processing rules, the table is a prioritised list:
//! every enabled rule runs, lowest priority number first, and the dial strings come out in
//! that order (a booking keeps them all, the first is dialled). Built-in rules know the
//! formats of the big platforms; an administrator can re-order or disable them, point the
//! Zoom, Teams and Meet rules at other gateways, and add regex rules with a replacement
//! template, e.g. `(?i)vmr\s*(\d{4,})` → `$1@vmr.example.com`.
//!
//! Platform-specific rules come before the generic `sip:` URI rule on purpose: a Zoom invite
//! prints `sip:92403591689@zoomcrc.com` *and* the passcode, and the passcode-completed
//! address must win over the bare URI.

use regex::Regex;

use super::builtin::{self, Candidate};
use super::{Platform, Protocol};

/// Where a rule looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fields {
    /// LOCATION only.
    Location,
    /// DESCRIPTION, the HTML body and the meeting-link properties only.
    Body,
    /// All of them (LOCATION first).
    All,
}

/// How a Teams video gateway is dialled directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gateway {
    /// The tenant key's domain, e.g. `m.webex.com` (subdomains match too).
    pub domain: String,
    /// `{id}` is the Video ID, `{tenant}` the tenant key's user part, `{domain}` its domain
    /// (for Meet gateways, `{code}` is the meeting code and `{pin}` the printed PIN).
    pub template: String,
}

impl Gateway {
    pub fn new(domain: &str, template: &str) -> Gateway {
        Gateway {
            domain: domain.to_ascii_lowercase(),
            template: template.to_string(),
        }
    }
}

/// Settings the built-in rules use.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where Zoom meetings are dialled when the invite gives only a link or an ID.
    pub zoom_domain: String,
    /// Known Teams video gateways.
    pub gateways: Vec<Gateway>,
    /// For a tenant key at a domain not listed above, printed in a "video conferencing
    /// device" block.
    pub default_gateway: Gateway,
    /// A Google Meet SIP gateway, if the organisation has one (none by default).
    pub meet_gateway: Option<Gateway>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            zoom_domain: "zoomcrc.com".into(),
            gateways: vec![
                Gateway::new("m.webex.com", "{id}.{tenant}@{domain}"),
                Gateway::new("t.plcm.vc", "{tenant}.{id}@{domain}"),
            ],
            default_gateway: Gateway::new("", "{id}@{domain}"),
            meet_gateway: None,
        }
    }
}

/// What a rule does.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// A built-in matcher (see `builtin`).
    Builtin(Builtin),
    /// Every match of `pattern` becomes `template` with `$1`, `${name}`... replaced.
    Regex {
        pattern: Regex,
        template: String,
        protocol: Protocol,
        platform: Platform,
    },
}

/// The built-in matchers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    ZoomCrc,
    ZoomMeeting,
    TeamsCvi,
    WebexAddress,
    WebexNumber,
    MeetSip,
    BlueJeans,
    Uri,
    TeamsWebRtc,
    MeetWebRtc,
    LocationAddress,
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    /// Lower runs first.
    pub priority: u32,
    pub enabled: bool,
    pub fields: Fields,
    pub matcher: Matcher,
}

/// The prioritised, configurable rule table.
#[derive(Debug, Clone)]
pub struct RuleTable {
    rules: Vec<Rule>,
    pub config: Config,
}

impl Default for RuleTable {
    fn default() -> RuleTable {
        use Builtin::*;
        let rows = [
            ("zoom-crc", 10, Fields::All, ZoomCrc),
            ("zoom-meeting", 20, Fields::All, ZoomMeeting),
            ("teams-cvi", 30, Fields::All, TeamsCvi),
            ("webex-address", 40, Fields::All, WebexAddress),
            ("webex-number", 45, Fields::Body, WebexNumber),
            ("meet-sip", 50, Fields::All, MeetSip),
            ("bluejeans", 55, Fields::All, BlueJeans),
            ("uri", 60, Fields::All, Uri),
            ("teams-webrtc", 70, Fields::All, TeamsWebRtc),
            ("meet-webrtc", 75, Fields::All, MeetWebRtc),
            ("location-address", 90, Fields::Location, LocationAddress),
        ];
        RuleTable {
            rules: rows
                .into_iter()
                .map(|(name, priority, fields, b)| Rule {
                    name: name.into(),
                    priority,
                    enabled: true,
                    fields,
                    matcher: Matcher::Builtin(b),
                })
                .collect(),
            config: Config::default(),
        }
    }
}

impl RuleTable {
    /// The rules in the order they run.
    pub fn rules(&self) -> Vec<&Rule> {
        let mut rules: Vec<&Rule> = self.rules.iter().filter(|r| r.enabled).collect();
        rules.sort_by_key(|r| r.priority);
        rules
    }

    /// Adds a rule (a custom regex rule, or a built-in under another name).
    pub fn add(&mut self, rule: Rule) {
        self.rules.push(rule);
    }

    /// Adds a regex rule; the error is the regex's.
    pub fn add_regex(
        &mut self,
        name: &str,
        priority: u32,
        pattern: &str,
        template: &str,
        protocol: Protocol,
        platform: Platform,
    ) -> Result<(), regex::Error> {
        let pattern = Regex::new(pattern)?;
        self.add(Rule {
            name: name.into(),
            priority,
            enabled: true,
            fields: Fields::All,
            matcher: Matcher::Regex {
                pattern,
                template: template.into(),
                protocol,
                platform,
            },
        });
        Ok(())
    }

    /// Turns a rule on or off; false when there is no rule of that name.
    pub fn set_enabled(&mut self, name: &str, enabled: bool) -> bool {
        self.rules
            .iter_mut()
            .filter(|r| r.name == name)
            .map(|r| r.enabled = enabled)
            .count()
            > 0
    }

    /// Moves a rule; false when there is no rule of that name.
    pub fn set_priority(&mut self, name: &str, priority: u32) -> bool {
        self.rules
            .iter_mut()
            .filter(|r| r.name == name)
            .map(|r| r.priority = priority)
            .count()
            > 0
    }
}

impl Rule {
    /// What this rule finds in `text` (the fields it looks at, already normalized).
    pub fn run(&self, text: &str, people: &[String], config: &Config) -> Vec<Candidate> {
        use Builtin::*;
        match &self.matcher {
            Matcher::Builtin(b) => match b {
                ZoomCrc => builtin::zoom_crc(text, config),
                ZoomMeeting => builtin::zoom_meeting(text, config),
                TeamsCvi => builtin::teams_cvi(text, config),
                WebexAddress => builtin::webex_address(text, config),
                WebexNumber => builtin::webex_number(text, config),
                MeetSip => builtin::meet_sip(text, config),
                BlueJeans => builtin::bluejeans(text, config),
                Uri => builtin::uris(text, config),
                TeamsWebRtc => builtin::teams_webrtc(text, config),
                MeetWebRtc => builtin::meet_webrtc(text, config),
                LocationAddress => builtin::location_address(text, people),
            },
            Matcher::Regex {
                pattern,
                template,
                protocol,
                platform,
            } => pattern
                .captures_iter(text)
                .map(|c| {
                    let mut number = String::new();
                    c.expand(template, &mut number);
                    Candidate {
                        number,
                        protocol: *protocol,
                        platform: *platform,
                    }
                })
                .filter(|c| !c.number.trim().is_empty())
                .collect(),
        }
    }
}
