//! What the audio and video sessions take alike from a negotiated stream: where its RTCP goes
//! and its SRTP contexts.

use std::net::SocketAddr;

use super::srtp::{Context, Suite};
use crate::call::sdp::{NegotiatedStream, SrtpKeys};

/// The peer's RTCP address: as signalled (`a=rtcp`), else the RTP address with rtcp-mux
/// (RFC 5761), else the RTP port plus one (RFC 3550 §11).
pub fn rtcp_address(stream: &NegotiatedStream, remote: SocketAddr) -> SocketAddr {
    stream.remote_rtcp.unwrap_or_else(|| {
        if stream.rtcp_mux {
            remote
        } else {
            SocketAddr::new(remote.ip(), remote.port().wrapping_add(1))
        }
    })
}

/// (ours, theirs) SRTP contexts for the stream's SDES keys.
pub fn contexts(keys: &SrtpKeys) -> Result<(Context, Context), String> {
    let suite = Suite::from_sdp_name(keys.suite.name())
        .ok_or_else(|| format!("no SRTP for {}", keys.suite.name()))?;
    let out = Context::new(suite, &keys.local_key).map_err(|e| e.to_string())?;
    let inn = Context::new(suite, &keys.remote_key).map_err(|e| e.to_string())?;
    Ok((out, inn))
}

/// Whether `keys` differ from the ones `current` was made with (a re-key, RFC 4568 §7.1.4).
pub fn rekeyed(keys: &SrtpKeys, current: &(Vec<u8>, Vec<u8>), suite: Option<Suite>) -> bool {
    Suite::from_sdp_name(keys.suite.name()) != suite
        || (current.0 != keys.local_key || current.1 != keys.remote_key)
}
