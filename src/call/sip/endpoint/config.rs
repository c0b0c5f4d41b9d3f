//! How an endpoint presents itself: identity, registrar, transports, timers and limits.

use std::net::SocketAddr;
use std::time::Duration;

use super::event::CallId;
use crate::call::sdp::LocalMedia;
use crate::call::sip::auth::Credentials;
use crate::call::sip::message::Uri;
use crate::call::sip::transport::Transport;

/// Fills a buffer with random bytes. The driver passes a CSPRNG (SRTP keys come from it);
/// tests pass a seeded generator so runs repeat exactly.
pub type RandomSource = Box<dyn FnMut(&mut [u8]) + Send>;

/// The ports a call's media lines announce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediaPorts {
    pub audio: u16,
    pub video: u16,
    pub slides: u16,
    pub bfcp: u16,
}

/// Gives a new call its media ports, or `None` when none are free. The driver binds real
/// sockets and hands out their ports; the default counts up from `media`'s ports.
pub type MediaAllocator = Box<dyn FnMut(CallId) -> Option<MediaPorts> + Send>;

/// Ports in blocks of eight above the configured ones, one block per call.
pub fn fixed_media_ports(base: MediaPorts) -> MediaAllocator {
    Box::new(move |id| {
        let shift = ((id as u16) % 512) * 8;
        Some(MediaPorts {
            audio: base.audio.wrapping_add(shift),
            video: base.video.wrapping_add(shift),
            slides: base.slides.wrapping_add(shift),
            bfcp: base.bfcp.wrapping_add(shift),
        })
    })
}

pub struct Config {
    /// The user part of our address of record (`SIP URI` without the domain).
    pub user: String,
    /// The domain of our address of record; the registrar unless a proxy is set.
    pub domain: String,
    pub display_name: Option<String>,
    /// Digest credentials for REGISTER and INVITE challenges.
    pub credentials: Option<Credentials>,
    /// The outbound proxy: every request outside a dialog goes there (`SIP Proxy[1] Address`).
    pub proxy: Option<Uri>,
    /// Whether to register our address of record.
    pub register: bool,
    pub register_expires: u32,
    /// OPTIONS to the proxy this often, to notice it is gone (`None`: never).
    pub keepalive: Option<Duration>,
    /// The transport for requests we originate.
    pub transport: Transport,
    /// Our listening addresses, for Via and Contact.
    pub udp: Option<SocketAddr>,
    pub tcp: Option<SocketAddr>,
    pub tls: Option<SocketAddr>,
    /// Extra Contact parameters, e.g. `+sip.instance` or Cisco's `video`.
    pub contact_params: Vec<(String, Option<String>)>,
    pub user_agent: String,
    /// RFC 4028 session interval we ask for, and the smallest we accept.
    pub session_expires: u32,
    pub min_se: u32,
    /// Media addresses and policy for SDP; each call gets its own ports from these bases.
    pub media: LocalMedia,
    /// Answer calls for any user part (a device without a SIP URI of its own); otherwise a
    /// call for another user is answered 404.
    pub accept_any_user: bool,
    pub max_calls: usize,
    pub max_transactions: usize,
    pub random: RandomSource,
    pub media_ports: MediaAllocator,
}

impl Config {
    /// A working configuration for `user@domain` on one UDP address; tests and the driver
    /// adjust the fields they care about.
    pub fn new(user: &str, domain: &str, udp: SocketAddr, random: RandomSource) -> Config {
        Config {
            user: user.to_string(),
            domain: domain.to_string(),
            display_name: None,
            credentials: None,
            proxy: None,
            register: false,
            register_expires: 3600,
            keepalive: None,
            transport: Transport::Udp,
            udp: Some(udp),
            tcp: None,
            tls: None,
            contact_params: Vec::new(),
            user_agent: format!("roomd/{}", env!("CARGO_PKG_VERSION")),
            session_expires: 1800,
            min_se: 90,
            media: LocalMedia {
                address: udp.ip(),
                audio_port: 16384,
                video_port: 16386,
                slides_port: 16388,
                bfcp_port: 16390,
                encryption: crate::call::sdp::Encryption::BestEffort,
                video: true,
                presentation: true,
                bandwidth_kbps: 6000,
            },
            accept_any_user: true,
            max_calls: 5,
            // Lingering transactions keep only their last response (~0.5 KB), so this
            // bounds a flood at a few tens of MB; a device's own traffic never nears it.
            max_transactions: 32768,
            random,
            media_ports: fixed_media_ports(MediaPorts {
                audio: 16384,
                video: 16386,
                slides: 16388,
                bfcp: 16390,
            }),
        }
    }

    /// Our sent-by / Contact address for a transport (falling back to any we have).
    pub fn local_addr(&self, transport: Transport) -> Option<SocketAddr> {
        match transport {
            Transport::Udp => self.udp,
            Transport::Tcp => self.tcp,
            Transport::Tls => self.tls,
        }
        .or(self.udp)
        .or(self.tcp)
    }
}
