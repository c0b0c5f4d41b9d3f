//! Reads the xAPI configuration (`SIP URI`, `SIP Proxy[1] Address`, `SIP Authentication`,
//! `SIP DefaultTransport`, `SIP DisplayName`, `Conference Encryption Mode`) into an endpoint,
//! and `SIP TlsVerify` and the SIP domain for the driver's TLS.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use rand::RngExt as _;

use super::media::ports::Pool;
use super::sdp::Encryption;
use super::sip::auth::Credentials;
use super::sip::endpoint::Config;
use super::sip::message::Uri;
use super::sip::transport::Transport;
use crate::xapi::Bus;

fn text(bus: &Bus, path: &str) -> String {
    bus.config(path)
        .map(|v| v.to_string())
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// A fresh endpoint for the current configuration, on the bound addresses.
/// `max_calls` comes from the board: how many calls the hardware takes at once.
pub fn config(
    bus: &Arc<Bus>,
    udp: SocketAddr,
    tcp: SocketAddr,
    tls: SocketAddr,
    max_calls: usize,
    media_ports: &Pool,
) -> Config {
    let random = Box::new(|buf: &mut [u8]| rand::rng().fill(buf));
    // Contacts must carry an address peers can reach; a wildcard bind says nothing.
    let advertised = |a: SocketAddr| {
        if a.ip().is_unspecified() {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), a.port())
        } else {
            a
        }
    };
    let udp = advertised(udp);
    let uri = text(bus, "SIP URI");
    let (user, domain) = match uri.trim_start_matches("sip:").split_once('@') {
        Some((user, domain)) => (user.to_string(), domain.to_string()),
        None if !uri.is_empty() => (uri.clone(), udp.to_string()),
        None => ("roomd".to_string(), udp.to_string()),
    };
    let mut config = Config::new(&user, &domain, udp, random);
    config.accept_any_user = uri.is_empty();
    config.tcp = Some(advertised(tcp));
    config.tls = Some(advertised(tls));
    let display = text(bus, "SIP DisplayName");
    config.display_name = (!display.is_empty()).then_some(display);
    let proxy = text(bus, "SIP Proxy 1 Address");
    if !proxy.is_empty() {
        let with_scheme = if proxy.contains(':') && proxy.starts_with("sip") {
            proxy.clone()
        } else {
            format!("sip:{proxy}")
        };
        match Uri::parse(&with_scheme) {
            Ok(uri) => config.proxy = Some(uri),
            Err(e) => tracing::warn!("SIP Proxy 1 Address {proxy:?} is not usable: {e}"),
        }
    }
    config.register = !uri.is_empty() && config.proxy.is_some();
    config.keepalive = config.proxy.as_ref().map(|_| Duration::from_secs(30));
    let username = text(bus, "SIP Authentication UserName");
    if !username.is_empty() {
        config.credentials = Some(Credentials {
            username,
            password: bus
                .config("SIP Authentication Password")
                .map(|v| v.to_string())
                .unwrap_or_default(),
        });
    }
    config.transport = match text(bus, "SIP DefaultTransport").as_str() {
        "TCP" => Transport::Tcp,
        "Tls" => Transport::Tls,
        _ => Transport::Udp,
    };
    config.media.encryption = match text(bus, "Conference Encryption Mode").as_str() {
        "On" => Encryption::Required,
        "Off" => Encryption::Off,
        _ => Encryption::BestEffort,
    };
    config.media.address = udp.ip();
    config.media_ports = media_ports.allocator(config.media.address);
    config.max_calls = max_calls;
    config
}

/// `SIP TlsVerify`: whether the certificates of servers we connect to must be trusted.
pub fn tls_verify(bus: &Bus) -> bool {
    !text(bus, "SIP TlsVerify").eq_ignore_ascii_case("Off")
}

/// The domain of `SIP URI` when it is a host name (not an address): the name the device's
/// TLS certificate carries.
pub fn sip_domain(bus: &Bus) -> Option<String> {
    host_name_in(&text(bus, "SIP URI"))
}

/// The host of `[sip:|sips:]user@host[:port][;params]` if it is a DNS name.
fn host_name_in(uri: &str) -> Option<String> {
    let uri = uri
        .strip_prefix("sips:")
        .or_else(|| uri.strip_prefix("sip:"))
        .unwrap_or(uri);
    let (_, domain) = uri.split_once('@')?;
    let host = domain.split([';', '?', '>']).next()?;
    // `host:port`; a bracketed IPv6 literal is no name anyway.
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    let is_name = !host.is_empty()
        && host.parse::<IpAddr>().is_err()
        && host.chars().any(|c| c.is_ascii_alphabetic())
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    is_name.then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::host_name_in;

    #[test]
    fn the_certificate_name_is_the_uri_host_when_it_is_a_name() {
        assert_eq!(
            host_name_in("sip:room1@Example.COM").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            host_name_in("room1@sbc.example.com:5061;transport=tls").as_deref(),
            Some("sbc.example.com")
        );
        assert_eq!(host_name_in("sips:room1@10.0.0.5:5061"), None);
        assert_eq!(host_name_in("sip:room1@[2001:db8::1]"), None);
        assert_eq!(host_name_in("room1"), None);
        assert_eq!(host_name_in(""), None);
        assert_eq!(host_name_in("sip:a@bad_host"), None);
    }
}
