//! What can go wrong protecting or unprotecting a packet.

/// An SRTP/SRTCP failure. A failed call leaves the packet and the context as they were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SrtpError {
    /// The packet is shorter than its headers and tag say it must be.
    TooShort,
    /// The packet is not RTP/RTCP version 2.
    Malformed(&'static str),
    /// The authentication tag does not match: forged, corrupted or keyed differently.
    AuthenticationFailed,
    /// The packet index was already received (inside the replay window).
    Replayed,
    /// The packet index is older than the replay window, or before the start of the stream.
    TooOld,
    /// The key and salt have protected as many packets as the standard allows; re-key.
    IndexExhausted,
    /// The master key and salt do not fit the suite.
    BadKey(String),
}

impl std::fmt::Display for SrtpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SrtpError::TooShort => f.write_str("packet too short"),
            SrtpError::Malformed(why) => write!(f, "malformed packet: {why}"),
            SrtpError::AuthenticationFailed => f.write_str("authentication failed"),
            SrtpError::Replayed => f.write_str("replayed packet"),
            SrtpError::TooOld => f.write_str("packet too old for the replay window"),
            SrtpError::IndexExhausted => {
                f.write_str("packet index exhausted; the key must be renewed")
            }
            SrtpError::BadKey(why) => write!(f, "bad key: {why}"),
        }
    }
}

impl std::error::Error for SrtpError {}
