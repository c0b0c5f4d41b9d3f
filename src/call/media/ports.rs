//! Media sockets, bound when a call's SDP is written so the ports it announces are real:
//! an even RTP port with RTCP on the next one (RFC 3550 §11), on free ports so several
//! devices share a machine. The endpoint asks through its `MediaAllocator`; the media task
//! takes the sockets when the call connects.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::sync::{Arc, Mutex};

use crate::call::sip::endpoint::{CallId, MediaAllocator, MediaPorts};

/// The audio socket pair of one call.
#[derive(Debug)]
pub struct AudioSockets {
    pub rtp: UdpSocket,
    pub rtcp: UdpSocket,
}

/// Sockets bound for calls that have not picked them up yet.
#[derive(Clone, Default)]
pub struct Pool {
    bound: Arc<Mutex<HashMap<CallId, AudioSockets>>>,
}

impl Pool {
    /// An allocator for the endpoint that binds on `ip`.
    pub fn allocator(&self, ip: IpAddr) -> MediaAllocator {
        let pool = self.clone();
        Box::new(move |call| {
            let audio = bind_pair(ip)?;
            let port = audio.rtp.local_addr().ok()?.port();
            pool.bound
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(call, audio);
            // Video, slides and BFCP are announced but carry nothing yet (the media engine
            // does audio); they get ports next to audio's pair that are not bound.
            Some(MediaPorts {
                audio: port,
                video: port.wrapping_add(2),
                slides: port.wrapping_add(4),
                bfcp: port.wrapping_add(6),
            })
        })
    }

    /// Hands a call's sockets to its media task (once).
    pub fn take(&self, call: CallId) -> Option<AudioSockets> {
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
fn bind_pair(ip: IpAddr) -> Option<AudioSockets> {
    for _ in 0..64 {
        let Ok(rtp) = UdpSocket::bind(SocketAddr::new(ip, 0)) else {
            continue;
        };
        let port = rtp.local_addr().ok()?.port();
        if port % 2 != 0 || port == u16::MAX {
            continue;
        }
        if let Ok(rtcp) = UdpSocket::bind(SocketAddr::new(ip, port + 1)) {
            return Some(AudioSockets { rtp, rtcp });
        }
    }
    tracing::warn!("no free RTP port pair on {ip}");
    None
}
