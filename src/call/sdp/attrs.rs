//! Typed reading of the attributes the call engine cares about (rtpmap, fmtp, direction,
//! content, rtcp, rtcp-mux, label, floorctrl, confid, userid, floorid, setup). Everything
//! else stays a plain `Attribute`. Malformed values read as "absent", never as a panic.

use std::fmt;

use super::session::{Attribute, Connection, MediaDescription, SessionDescription};

/// Media direction (RFC 3264 §5.1, RFC 8866 §6.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

impl Direction {
    pub fn from_flags(send: bool, recv: bool) -> Self {
        match (send, recv) {
            (true, true) => Direction::SendRecv,
            (true, false) => Direction::SendOnly,
            (false, true) => Direction::RecvOnly,
            (false, false) => Direction::Inactive,
        }
    }

    pub fn sends(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::SendOnly)
    }

    pub fn receives(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::RecvOnly)
    }

    /// The same stream seen from the other end.
    pub fn reversed(self) -> Self {
        Direction::from_flags(self.receives(), self.sends())
    }

    /// What both `self` and `other` allow.
    pub fn intersect(self, other: Direction) -> Self {
        Direction::from_flags(
            self.sends() && other.sends(),
            self.receives() && other.receives(),
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [
            Direction::SendRecv,
            Direction::SendOnly,
            Direction::RecvOnly,
            Direction::Inactive,
        ]
        .into_iter()
        .find(|d| name.eq_ignore_ascii_case(d.as_str()))
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `a=rtpmap:<pt> <encoding>/<clock>[/<channels>]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtpMap {
    pub payload_type: u8,
    pub encoding: String,
    pub clock_rate: u32,
    pub channels: Option<u16>,
}

impl RtpMap {
    pub fn parse(value: &str) -> Option<Self> {
        let (pt, rest) = value.trim().split_once(' ')?;
        let payload_type = parse_pt(pt)?;
        let mut parts = rest.trim().split('/');
        let encoding = parts.next().filter(|e| !e.is_empty())?.to_string();
        let clock_rate = parts.next()?.parse().ok()?;
        let channels = match parts.next() {
            Some(c) => Some(c.parse().ok()?),
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(RtpMap {
            payload_type,
            encoding,
            clock_rate,
            channels,
        })
    }
}

impl fmt::Display for RtpMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}/{}",
            self.payload_type, self.encoding, self.clock_rate
        )?;
        if let Some(c) = self.channels {
            write!(f, "/{c}")?;
        }
        Ok(())
    }
}

/// An RTP payload type number (0..=127).
pub fn parse_pt(s: &str) -> Option<u8> {
    s.parse::<u8>().ok().filter(|pt| *pt <= 127)
}

/// `a=rtcp:<port> [<nettype> <addrtype> <address>]` (RFC 3605)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rtcp {
    pub port: u16,
    pub connection: Option<Connection>,
}

/// `a=floorctrl` roles (RFC 8856 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloorCtrl {
    ClientOnly,
    ServerOnly,
    ClientServer,
}

impl FloorCtrl {
    pub fn as_str(self) -> &'static str {
        match self {
            FloorCtrl::ClientOnly => "c-only",
            FloorCtrl::ServerOnly => "s-only",
            FloorCtrl::ClientServer => "c-s",
        }
    }

    fn from_name(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "c-only" => Some(FloorCtrl::ClientOnly),
            "s-only" => Some(FloorCtrl::ServerOnly),
            "c-s" => Some(FloorCtrl::ClientServer),
            _ => None,
        }
    }
}

/// `a=floorid:<id> [mstrm:<label> ...]` (RFC 8856 §5.4; `m-stream:` is the RFC 4583
/// spelling that older Cisco/Polycom gear still sends).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FloorId {
    pub floor_id: u16,
    pub media_labels: Vec<String>,
}

impl FloorId {
    pub fn parse(value: &str) -> Option<Self> {
        let mut tokens = value.split_whitespace();
        let floor_id = tokens.next()?.parse().ok()?;
        let mut media_labels = Vec::new();
        for t in tokens {
            let label = t
                .strip_prefix("mstrm:")
                .or_else(|| t.strip_prefix("m-stream:"))
                .unwrap_or(t);
            if !label.is_empty() {
                media_labels.push(label.to_string());
            }
        }
        Some(FloorId {
            floor_id,
            media_labels,
        })
    }
}

impl fmt::Display for FloorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.floor_id)?;
        for (i, l) in self.media_labels.iter().enumerate() {
            if i == 0 {
                write!(f, " mstrm:{l}")?;
            } else {
                write!(f, " {l}")?;
            }
        }
        Ok(())
    }
}

/// `a=setup` (RFC 4145): who opens the TCP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setup {
    Active,
    Passive,
    ActPass,
    HoldConn,
}

impl Setup {
    pub fn as_str(self) -> &'static str {
        match self {
            Setup::Active => "active",
            Setup::Passive => "passive",
            Setup::ActPass => "actpass",
            Setup::HoldConn => "holdconn",
        }
    }

    fn from_name(s: &str) -> Option<Self> {
        [
            Setup::Active,
            Setup::Passive,
            Setup::ActPass,
            Setup::HoldConn,
        ]
        .into_iter()
        .find(|v| s.eq_ignore_ascii_case(v.as_str()))
    }
}

pub(crate) fn find<'a>(attrs: &'a [Attribute], name: &str) -> Option<&'a Attribute> {
    attrs.iter().find(|a| a.name.eq_ignore_ascii_case(name))
}

impl MediaDescription {
    /// The value of the first `a=<name>:...`; `None` when absent or a property.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        find(&self.attributes, name).and_then(|a| a.value.as_deref())
    }

    pub fn has_attribute(&self, name: &str) -> bool {
        find(&self.attributes, name).is_some()
    }

    /// Values of every `a=<name>:...`, in order.
    pub fn attribute_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.attributes
            .iter()
            .filter(move |a| a.name.eq_ignore_ascii_case(name))
            .filter_map(|a| a.value.as_deref())
    }

    /// Every well-formed `a=rtpmap`.
    pub fn rtpmaps(&self) -> Vec<RtpMap> {
        self.attribute_values("rtpmap")
            .filter_map(RtpMap::parse)
            .collect()
    }

    pub fn rtpmap(&self, pt: u8) -> Option<RtpMap> {
        self.rtpmaps().into_iter().find(|r| r.payload_type == pt)
    }

    /// The parameters of `a=fmtp:<pt> <params>`.
    pub fn fmtp(&self, pt: u8) -> Option<&str> {
        self.attribute_values("fmtp").find_map(|v| {
            let (p, params) = v.split_once(' ').unwrap_or((v, ""));
            (parse_pt(p) == Some(pt)).then(|| params.trim())
        })
    }

    /// The media-level direction attribute, if any (see `SessionDescription::direction_of`).
    pub fn direction(&self) -> Option<Direction> {
        self.attributes
            .iter()
            .filter(|a| a.value.is_none())
            .find_map(|a| Direction::from_name(&a.name))
    }

    /// Replaces any direction attribute with `dir`.
    pub fn set_direction(&mut self, dir: Direction) {
        self.attributes
            .retain(|a| a.value.is_some() || Direction::from_name(&a.name).is_none());
        self.push_property(dir.as_str());
    }

    /// `a=content:` (RFC 4796), e.g. `main` or `slides`.
    pub fn content(&self) -> Option<&str> {
        self.attribute("content")
    }

    pub fn label(&self) -> Option<&str> {
        self.attribute("label")
    }

    pub fn rtcp(&self) -> Option<Rtcp> {
        let v = self.attribute("rtcp")?;
        let mut parts = v.split_whitespace();
        let port = parts.next()?.parse().ok()?;
        let rest: Vec<&str> = parts.collect();
        let connection = match rest.as_slice() {
            [n, t, a] => Some(Connection {
                net_type: n.to_string(),
                addr_type: t.to_string(),
                address: a.to_string(),
            }),
            _ => None,
        };
        Some(Rtcp { port, connection })
    }

    pub fn rtcp_mux(&self) -> bool {
        self.has_attribute("rtcp-mux")
    }

    /// Roles listed in `a=floorctrl` (empty when absent).
    pub fn floorctrl(&self) -> Vec<FloorCtrl> {
        self.attribute("floorctrl")
            .map(|v| {
                v.split_whitespace()
                    .filter_map(FloorCtrl::from_name)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `a=confid` (BFCP conference id, 32 bits).
    pub fn confid(&self) -> Option<u32> {
        self.attribute("confid")?.trim().parse().ok()
    }

    /// `a=userid` (BFCP user id, 16 bits).
    pub fn userid(&self) -> Option<u16> {
        self.attribute("userid")?.trim().parse().ok()
    }

    pub fn floorids(&self) -> Vec<FloorId> {
        self.attribute_values("floorid")
            .filter_map(FloorId::parse)
            .collect()
    }

    pub fn setup(&self) -> Option<Setup> {
        Setup::from_name(self.attribute("setup")?.trim())
    }
}

impl SessionDescription {
    /// The session-level direction attribute, if any.
    pub fn direction(&self) -> Option<Direction> {
        self.attributes
            .iter()
            .filter(|a| a.value.is_none())
            .find_map(|a| Direction::from_name(&a.name))
    }

    /// The direction that applies to `media`: its own, else the session's, else sendrecv.
    pub fn direction_of(&self, media: &MediaDescription) -> Direction {
        media
            .direction()
            .or(self.direction())
            .unwrap_or(Direction::SendRecv)
    }

    /// The value of the first session-level `a=<name>:...`.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        find(&self.attributes, name).and_then(|a| a.value.as_deref())
    }
}
