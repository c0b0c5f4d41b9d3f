//! Media sockets, bound when a call's SDP is written so the ports it announces are real:
//! for audio and for main video, an even RTP port with RTCP on the next one (RFC 3550 §11),
//! on free ports so several devices share a machine. The endpoint asks through its
//! `MediaAllocator`; the media task takes the sockets when the call connects.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::sync::{Arc, Mutex};

use crate::call::sip::endpoint::{CallId, MediaAllocator, MediaPorts};

/// One stream's RTP and RTCP sockets.
#[derive(Debug)]
pub struct SocketPair {
    pub rtp: UdpSocket,
    pub rtcp: UdpSocket,
}

/// The sockets of one call: audio, and main video when a pair was free.
#[derive(Debug)]
pub struct CallSockets {
    pub audio: SocketPair,
    pub video: Option<SocketPair>,
}

/// Sockets bound for calls that have not picked them up yet.
#[derive(Clone, Default)]
pub struct Pool {
    bound: Arc<Mutex<HashMap<CallId, CallSockets>>>,
}

impl Pool {
    /// An allocator for the endpoint that binds on `ip`.
    pub fn allocator(&self, ip: IpAddr) -> MediaAllocator {
        let pool = self.clone();
        Box::new(move |call| {
            let audio = bind_pair(ip)?;
            let port = audio.rtp.local_addr().ok()?.port();
            let video = bind_pair(ip);
            let video_port = match &video {
                Some(v) => v.rtp.local_addr().ok()?.port(),
                None => port.wrapping_add(2),
            };
            pool.bound
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(call, CallSockets { audio, video });
            // Slides and BFCP are announced but carry nothing yet; they get ports next to
            // audio's pair that are not bound.
            Some(MediaPorts {
                audio: port,
                video: video_port,
                slides: port.wrapping_add(4),
                bfcp: port.wrapping_add(6),
            })
        })
    }

    /// Hands a call's sockets to its media task (once).
    pub fn take(&self, call: CallId) -> Option<CallSockets> {
        self.bound
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&call)
    }

    /// Closes the sockets of a call that ended before its media started.
    pub fn release(&self, call: CallId) {
        self.take(call);
    }
}

/// An even port and the odd one after it, both free.
fn bind_pair(ip: IpAddr) -> Option<SocketPair> {
    for _ in 0..64 {
        let Ok(rtp) = UdpSocket::bind(SocketAddr::new(ip, 0)) else {
            continue;
        };
        let port = rtp.local_addr().ok()?.port();
        if port % 2 != 0 || port == u16::MAX {
            continue;
        }
        if let Ok(rtcp) = UdpSocket::bind(SocketAddr::new(ip, port + 1)) {
            return Some(SocketPair { rtp, rtcp });
        }
    }
    tracing::warn!("no free RTP port pair on {ip}");
    None
}
