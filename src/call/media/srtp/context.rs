//! The cryptographic context of one direction of one media stream (RFC 3711 §3.2).

use super::cm::Aes;
use super::error::SrtpError;
use super::replay::ReplayWindow;
use super::suite::Suite;
use super::transform::Transform;

/// Per-SSRC state.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Stream {
    pub(super) ssrc: u32,
    /// ROC to assume for the first SRTP packet of this SSRC (normally 0).
    pub(super) initial_roc: u32,
    /// Highest SRTP index (ROC << 16 | SEQ) protected or accepted, and the replay bitmask.
    pub(super) rtp: ReplayWindow,
    /// Next SRTCP index to send.
    pub(super) rtcp_next: u32,
    /// SRTCP indices received.
    pub(super) rtcp: ReplayWindow,
}

/// SRTP/SRTCP protection for one direction (outbound or inbound) of one media stream, for all
/// of its SSRCs. Keys are derived once, in [`Context::new`].
pub struct Context {
    pub(super) suite: Suite,
    pub(super) rtp: Transform,
    pub(super) rtcp: Transform,
    /// A handful of SSRCs at most: a vector beats a hash map.
    pub(super) streams: Vec<Stream>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("suite", &self.suite)
            .field(
                "ssrcs",
                &self.streams.iter().map(|s| s.ssrc).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Context {
    /// A context for `suite` keyed with the master key followed by the master salt, as the
    /// SDES `inline:` parameter carries them (RFC 4568 §6.1).
    pub fn new(suite: Suite, master_key_and_salt: &[u8]) -> Result<Context, SrtpError> {
        let key_len = suite.master_key_len();
        let want = key_len + suite.master_salt_len();
        if master_key_and_salt.len() != want {
            return Err(SrtpError::BadKey(format!(
                "{suite} needs {want} octets of master key and salt, got {}",
                master_key_and_salt.len()
            )));
        }
        let (key, salt) = master_key_and_salt.split_at(key_len);
        let prf = Aes::new(key)?;
        Ok(Context {
            suite,
            rtp: Transform::derive(suite, &prf, salt, false)?,
            rtcp: Transform::derive(suite, &prf, salt, true)?,
            streams: Vec::new(),
        })
    }

    /// A context from session keys directly (test vectors give these): SRTP and SRTCP use
    /// the same `key`, `salt` and `auth` key here.
    #[cfg(test)]
    pub(crate) fn from_session_keys(
        suite: Suite,
        key: &[u8],
        salt: &[u8],
        auth: &[u8],
    ) -> Result<Context, SrtpError> {
        Ok(Context {
            suite,
            rtp: Transform::from_session_keys(suite, key, salt, auth)?,
            rtcp: Transform::from_session_keys(suite, key, salt, auth)?,
            streams: Vec::new(),
        })
    }

    /// The suite this context was made for.
    pub fn suite(&self) -> Suite {
        self.suite
    }

    /// Sets the roll-over counter to assume for the first SRTP packet of `ssrc` (a stream
    /// joined mid-way, whose ROC signalling provided). Ignored once the SSRC has traffic.
    pub fn set_initial_roc(&mut self, ssrc: u32, roc: u32) {
        let stream = self.stream_mut(ssrc);
        if stream.rtp.top().is_none() {
            stream.initial_roc = roc;
        }
    }

    /// The roll-over counter of `ssrc`: that of the highest index protected or accepted.
    pub fn roc(&self, ssrc: u32) -> Option<u32> {
        let top = self.stream(ssrc)?.rtp.top()?;
        u32::try_from(top >> 16).ok()
    }

    /// Sets the SRTCP index the next SRTCP packet sent for `ssrc` carries (31 bits). It
    /// starts at 0 (RFC 3711 §3.4).
    pub fn set_next_rtcp_index(&mut self, ssrc: u32, index: u32) {
        self.stream_mut(ssrc).rtcp_next = index & 0x7fff_ffff;
    }

    pub(super) fn stream(&self, ssrc: u32) -> Option<&Stream> {
        self.streams.iter().find(|s| s.ssrc == ssrc)
    }

    pub(super) fn stream_mut(&mut self, ssrc: u32) -> &mut Stream {
        let at = match self.streams.iter().position(|s| s.ssrc == ssrc) {
            Some(at) => at,
            None => {
                self.streams.push(Stream {
                    ssrc,
                    ..Stream::default()
                });
                self.streams.len() - 1
            }
        };
        &mut self.streams[at]
    }
}
