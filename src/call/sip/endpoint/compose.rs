//! Building blocks of the messages the endpoint sends: identifiers, Via, Contact, responses,
//! and where a request goes first.

use std::net::IpAddr;

use super::config::Config;
use crate::call::sip::message::{Message, NameAddr, Params, Uri};
use crate::call::sip::transaction::MAGIC_COOKIE;
use crate::call::sip::transport::{Destination, Target, Transport};

/// The methods we answer (sent in Allow, checked on arrival).
pub const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK";
/// The extensions a request may require of us: session timers. (We never send reliable
/// provisionals, so `Require: 100rel` is refused with 420, as RFC 3262 §3 lets a UAS do.)
pub const SUPPORTED: &[&str] = &["timer"];
/// What our INVITEs say we support: a UAS may send reliable provisionals, which we PRACK.
pub const SUPPORTED_AS_CALLER: &str = "timer, 100rel";

/// Random hex of `bytes` bytes from the configured source.
pub fn random_hex(config: &mut Config, bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    (config.random)(&mut buf);
    hex::encode(buf)
}

pub fn new_branch(config: &mut Config) -> String {
    format!("{MAGIC_COOKIE}{}", random_hex(config, 10))
}

pub fn new_tag(config: &mut Config) -> String {
    random_hex(config, 6)
}

pub fn new_call_id(config: &mut Config) -> String {
    let host = config
        .local_addr(config.transport)
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "roomd".into());
    format!("{}@{host}", random_hex(config, 12))
}

/// Our Via for a request on `transport`, with a fresh branch and `rport` (RFC 3581) so
/// answers find us behind NAT.
pub fn via(config: &mut Config, transport: Transport) -> String {
    let branch = new_branch(config);
    let sent_by = config
        .local_addr(transport)
        .map(|a| a.to_string())
        .unwrap_or_else(|| "0.0.0.0".into());
    format!(
        "SIP/2.0/{} {sent_by};branch={branch};rport",
        transport.via_name()
    )
}

/// Our address of record: `sip:user@domain`.
pub fn aor(config: &Config) -> NameAddr {
    let uri = Uri {
        scheme: "sip".into(),
        user: (!config.user.is_empty()).then(|| config.user.clone()),
        password: None,
        host: config.domain.to_ascii_lowercase(),
        port: None,
        params: Params::default(),
        headers: Vec::new(),
        opaque: None,
    };
    NameAddr {
        display_name: config.display_name.clone().filter(|d| !d.is_empty()),
        uri,
        params: Params::default(),
    }
}

/// Where the peer reaches us directly on `transport`.
pub fn contact(config: &Config, transport: Transport) -> NameAddr {
    let addr = config.local_addr(transport);
    let mut params = Params::default();
    if transport != Transport::Udp {
        params.set("transport", Some(transport.param()));
    }
    let host = match addr.map(|a| a.ip()) {
        Some(IpAddr::V6(ip)) => format!("[{ip}]"),
        Some(ip) => ip.to_string(),
        None => "0.0.0.0".into(),
    };
    let uri = Uri {
        scheme: if transport == Transport::Tls {
            "sips".into()
        } else {
            "sip".into()
        },
        user: (!config.user.is_empty()).then(|| config.user.clone()),
        password: None,
        host,
        port: addr.map(|a| a.port()),
        params,
        headers: Vec::new(),
        opaque: None,
    };
    let mut header_params = Params::default();
    for (name, value) in &config.contact_params {
        header_params.set(name, value.as_deref());
    }
    NameAddr {
        display_name: None,
        uri,
        params: header_params,
    }
}

/// A response to `request` (§8.2.6): its Vias, From, To (with `to_tag` if it had none),
/// Call-ID and CSeq.
pub fn response(request: &Message, code: u16, reason: &str, to_tag: Option<&str>) -> Message {
    let mut msg = Message::response(code, reason);
    for via in request.headers.get_all("Via") {
        msg.headers.push("Via", via.to_string());
    }
    if let Some(from) = request.headers.get("From") {
        msg.headers.push("From", from.to_string());
    }
    if let Some(to) = request.to() {
        let mut to = to;
        if to.tag().is_none()
            && let Some(tag) = to_tag
            && code != 100
        {
            to.params.set("tag", Some(tag));
        }
        msg.headers.push("To", to.to_string());
    }
    if let Some(call_id) = request.headers.get("Call-ID") {
        msg.headers.push("Call-ID", call_id.to_string());
    }
    if let Some(cseq) = request.headers.get("CSeq") {
        msg.headers.push("CSeq", cseq.to_string());
    }
    msg
}

/// How to reach the host of `uri` (RFC 3263 in its simplest form: the URI's transport
/// parameter or scheme, else our default; IP literals directly, names for the driver).
pub fn target_for(uri: &Uri, default: Transport) -> Target {
    let transport = if uri.scheme == "sips" {
        Transport::Tls
    } else {
        uri.params
            .value("transport")
            .and_then(Transport::parse)
            .unwrap_or(default)
    };
    let host = uri.host.trim_start_matches('[').trim_end_matches(']');
    let destination = match host.parse::<IpAddr>() {
        Ok(ip) => Destination::Addr(std::net::SocketAddr::new(
            ip,
            uri.port.unwrap_or(transport.default_port()),
        )),
        Err(_) => Destination::Name {
            host: host.to_string(),
            port: uri.port,
        },
    };
    Target {
        transport,
        destination,
        connection: None,
    }
}

/// Turns what a user typed (`sip:a@b`, `a@b`, `1234`) into a URI in our domain.
pub fn dial_uri(number: &str, config: &Config) -> Result<Uri, String> {
    let number = number.trim();
    if number.is_empty() {
        return Err("the number is empty".into());
    }
    let lower = number.to_ascii_lowercase();
    let text = if lower.starts_with("sip:") || lower.starts_with("sips:") {
        number.to_string()
    } else if number.contains('@') {
        format!("sip:{number}")
    } else {
        // A bare number belongs to our own domain; a device without a SIP URI of its own
        // leaves it to its proxy.
        let domain = match &config.proxy {
            Some(proxy) if config.accept_any_user => proxy.host_port(),
            _ => config.domain.clone(),
        };
        format!("sip:{number}@{domain}")
    };
    let uri = Uri::parse(&text).map_err(|e| format!("{number:?} is not a SIP address: {e}"))?;
    if uri.host.is_empty() {
        return Err(format!("{number:?} has no host"));
    }
    Ok(uri)
}
