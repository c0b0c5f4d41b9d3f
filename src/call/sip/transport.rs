//! What the sans-IO core says about the wire: where a message came from, and what the driver
//! must send where. The core never resolves names or opens connections; the driver does.

use std::fmt;
use std::net::SocketAddr;

/// A SIP transport (RFC 3261 §18).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Transport {
    Udp,
    Tcp,
    Tls,
}

impl Transport {
    /// The name used in `Via` (`SIP/2.0/UDP`).
    pub fn via_name(self) -> &'static str {
        match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
            Transport::Tls => "TLS",
        }
    }

    /// The `transport=` URI parameter value.
    pub fn param(self) -> &'static str {
        match self {
            Transport::Udp => "udp",
            Transport::Tcp => "tcp",
            Transport::Tls => "tls",
        }
    }

    pub fn parse(name: &str) -> Option<Transport> {
        match name.to_ascii_lowercase().as_str() {
            "udp" => Some(Transport::Udp),
            "tcp" => Some(Transport::Tcp),
            "tls" => Some(Transport::Tls),
            _ => None,
        }
    }

    /// Reliable transports need no retransmissions (RFC 3261 §17.1.1.2).
    pub fn is_reliable(self) -> bool {
        !matches!(self, Transport::Udp)
    }

    pub fn default_port(self) -> u16 {
        match self {
            Transport::Tls => 5061,
            _ => 5060,
        }
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.via_name())
    }
}

/// Identifies one stream connection held by the driver.
pub type ConnectionId = u64;

/// Where an incoming message came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source {
    pub transport: Transport,
    pub addr: SocketAddr,
    /// The stream it arrived on; responses go back on the same one (RFC 3261 §18.2.2).
    pub connection: Option<ConnectionId>,
}

/// Where to send: an address, or a host name the driver resolves (RFC 3263).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    Addr(SocketAddr),
    Name { host: String, port: Option<u16> },
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Destination::Addr(a) => write!(f, "{a}"),
            Destination::Name {
                host,
                port: Some(p),
            } => write!(f, "{host}:{p}"),
            Destination::Name { host, port: None } => f.write_str(host),
        }
    }
}

/// Bytes the driver must send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmit {
    pub transport: Transport,
    pub destination: Destination,
    /// Reuse this stream if it is still open.
    pub connection: Option<ConnectionId>,
    pub payload: Vec<u8>,
}

/// Where a request or response goes: the parts of a [`Transmit`] without the bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub transport: Transport,
    pub destination: Destination,
    pub connection: Option<ConnectionId>,
}

impl Target {
    pub fn transmit(&self, payload: Vec<u8>) -> Transmit {
        Transmit {
            transport: self.transport,
            destination: self.destination.clone(),
            connection: self.connection,
            payload,
        }
    }

    /// Replies go back where the request came from.
    pub fn reply_to(source: &Source) -> Target {
        Target {
            transport: source.transport,
            destination: Destination::Addr(source.addr),
            connection: source.connection,
        }
    }
}
