//! The data model of a session description (RFC 8866): plain owned structs that the
//! parser fills, the writer prints and the offer/answer code builds. No behaviour lives
//! here beyond small constructors and lookups; typed attribute access is in `attrs.rs`.

use std::fmt;
use std::net::IpAddr;

/// Why an SDP body was refused, in plain words (e.g. "m= line has no port").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdpError {
    /// 1-based line number, when the problem belongs to one line.
    pub line: Option<usize>,
    pub reason: String,
}

impl SdpError {
    pub(crate) fn new(reason: impl Into<String>) -> Self {
        SdpError {
            line: None,
            reason: reason.into(),
        }
    }

    pub(crate) fn at(line: usize, reason: impl Into<String>) -> Self {
        SdpError {
            line: Some(line),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for SdpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(n) => write!(f, "SDP line {n}: {}", self.reason),
            None => write!(f, "SDP: {}", self.reason),
        }
    }
}

impl std::error::Error for SdpError {}

/// A whole session description: the session section followed by its media sections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDescription {
    pub origin: Origin,
    /// `s=`; empty when the peer wrote `s= ` (the RFC's way of saying "no name").
    pub session_name: String,
    pub information: Option<String>,
    pub uri: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub connection: Option<Connection>,
    pub bandwidths: Vec<Bandwidth>,
    /// `t=` lines with their `r=` lines; written as `t=0 0` when empty.
    pub times: Vec<Timing>,
    /// `z=`, kept verbatim.
    pub time_zones: Option<String>,
    /// `k=` (obsolete), kept verbatim.
    pub encryption_key: Option<String>,
    /// Session-level `a=` lines, in order.
    pub attributes: Vec<Attribute>,
    pub media: Vec<MediaDescription>,
}

impl SessionDescription {
    /// A minimal description (`s=-`, `t=0 0`, `c=` for `address`) with no media yet.
    pub fn new(origin: Origin, address: IpAddr) -> Self {
        SessionDescription {
            origin,
            session_name: "-".to_string(),
            information: None,
            uri: None,
            emails: Vec::new(),
            phones: Vec::new(),
            connection: Some(Connection::from_ip(address)),
            bandwidths: Vec::new(),
            times: vec![Timing {
                start: 0,
                stop: 0,
                repeats: Vec::new(),
            }],
            time_zones: None,
            encryption_key: None,
            attributes: Vec::new(),
            media: Vec::new(),
        }
    }

    /// The connection that applies to `media`: its own `c=`, else the session's.
    pub fn connection_for<'a>(&'a self, media: &'a MediaDescription) -> Option<&'a Connection> {
        media.connection.as_ref().or(self.connection.as_ref())
    }
}

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub username: String,
    pub session_id: u64,
    pub session_version: u64,
    pub net_type: String,
    pub addr_type: String,
    pub address: String,
}

impl Origin {
    /// An `IN IP4`/`IN IP6` origin for `address`.
    pub fn new(username: &str, session_id: u64, session_version: u64, address: IpAddr) -> Self {
        Origin {
            username: username.to_string(),
            session_id,
            session_version,
            net_type: "IN".to_string(),
            addr_type: addr_type_of(address).to_string(),
            address: address.to_string(),
        }
    }
}

/// `c=<nettype> <addrtype> <connection-address>`. The address stays text because it may be
/// a host name or carry a multicast `/ttl`; `ip()` gives the typed form when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub net_type: String,
    pub addr_type: String,
    pub address: String,
}

impl Connection {
    pub fn from_ip(ip: IpAddr) -> Self {
        Connection {
            net_type: "IN".to_string(),
            addr_type: addr_type_of(ip).to_string(),
            address: ip.to_string(),
        }
    }

    /// The address as an IP, ignoring a multicast `/ttl` or `/count` suffix; `None` for a
    /// host name.
    pub fn ip(&self) -> Option<IpAddr> {
        let bare = self.address.split('/').next().unwrap_or("");
        bare.parse().ok()
    }

    /// `c=IN IP4 0.0.0.0` (or `::`): the RFC 2543 way of putting a call on hold.
    pub fn is_unspecified(&self) -> bool {
        self.ip().is_some_and(|ip| ip.is_unspecified())
    }
}

pub(crate) fn addr_type_of(ip: IpAddr) -> &'static str {
    match ip {
        IpAddr::V4(_) => "IP4",
        IpAddr::V6(_) => "IP6",
    }
}

/// `b=<bwtype>:<bandwidth>`, e.g. `AS` (kbit/s) or `TIAS` (bit/s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bandwidth {
    pub bw_type: String,
    pub value: u64,
}

/// `t=<start> <stop>` and the `r=` lines that follow it (kept verbatim).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    pub start: u64,
    pub stop: u64,
    pub repeats: Vec<String>,
}

/// `a=<name>` (property, `value` is `None`) or `a=<name>:<value>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub name: String,
    pub value: Option<String>,
}

impl Attribute {
    pub fn property(name: &str) -> Self {
        Attribute {
            name: name.to_string(),
            value: None,
        }
    }

    pub fn value(name: &str, value: impl Into<String>) -> Self {
        Attribute {
            name: name.to_string(),
            value: Some(value.into()),
        }
    }
}

/// The `<media>` field of an `m=` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaKind {
    Audio,
    Video,
    Application,
    /// Anything else (`text`, `message`, ...), kept as written.
    Other(String),
}

impl MediaKind {
    pub fn from_token(token: &str) -> Self {
        match token {
            "audio" => MediaKind::Audio,
            "video" => MediaKind::Video,
            "application" => MediaKind::Application,
            other => MediaKind::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
            MediaKind::Application => "application",
            MediaKind::Other(s) => s,
        }
    }
}

impl fmt::Display for MediaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One media section: the `m=` line and the lines up to the next `m=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaDescription {
    pub kind: MediaKind,
    /// 0 means the stream is disabled or rejected (RFC 3264).
    pub port: u16,
    /// The `/<number of ports>` suffix, when written.
    pub port_count: Option<u16>,
    /// e.g. `RTP/AVP`, `RTP/SAVP`, `RTP/AVPF`, `RTP/SAVPF`, `TCP/BFCP`, `UDP/BFCP`.
    pub protocol: String,
    /// Payload type numbers for RTP, `*` for BFCP, as written.
    pub formats: Vec<String>,
    pub information: Option<String>,
    pub connection: Option<Connection>,
    pub bandwidths: Vec<Bandwidth>,
    pub encryption_key: Option<String>,
    pub attributes: Vec<Attribute>,
}

impl MediaDescription {
    pub fn new(kind: MediaKind, port: u16, protocol: &str, formats: Vec<String>) -> Self {
        MediaDescription {
            kind,
            port,
            port_count: None,
            protocol: protocol.to_string(),
            formats,
            information: None,
            connection: None,
            bandwidths: Vec::new(),
            encryption_key: None,
            attributes: Vec::new(),
        }
    }

    /// Whether the transport carries RTP (`RTP/AVP`, `RTP/SAVPF`, `UDP/TLS/RTP/SAVP`, ...).
    pub fn is_rtp(&self) -> bool {
        self.protocol
            .split('/')
            .any(|p| p.eq_ignore_ascii_case("RTP"))
    }

    pub fn push_property(&mut self, name: &str) {
        self.attributes.push(Attribute::property(name));
    }

    pub fn push_value(&mut self, name: &str, value: impl Into<String>) {
        self.attributes.push(Attribute::value(name, value));
    }

    /// Removes every attribute called `name`.
    pub fn remove_attributes(&mut self, name: &str) {
        self.attributes
            .retain(|a| !a.name.eq_ignore_ascii_case(name));
    }
}
