//! The crypto suites of RFC 4568 §6.2, RFC 6188 §3 and RFC 7714 §14.2, and their sizes.

/// An SRTP protection profile as named in an SDP `a=crypto` line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suite {
    AesCm128HmacSha1_80,
    AesCm128HmacSha1_32,
    AesCm256HmacSha1_80,
    AesCm256HmacSha1_32,
    AeadAes128Gcm,
    AeadAes256Gcm,
}

impl Suite {
    /// Every suite, strongest first (the order an offer would list them in).
    pub const ALL: [Suite; 6] = [
        Suite::AeadAes256Gcm,
        Suite::AeadAes128Gcm,
        Suite::AesCm256HmacSha1_80,
        Suite::AesCm256HmacSha1_32,
        Suite::AesCm128HmacSha1_80,
        Suite::AesCm128HmacSha1_32,
    ];

    /// The suite an SDES crypto-suite name denotes (case-sensitive, as RFC 4568 registers them).
    pub fn from_sdp_name(name: &str) -> Option<Suite> {
        Suite::ALL.into_iter().find(|s| s.sdp_name() == name)
    }

    /// The SDES crypto-suite name.
    pub fn sdp_name(self) -> &'static str {
        match self {
            Suite::AesCm128HmacSha1_80 => "AES_CM_128_HMAC_SHA1_80",
            Suite::AesCm128HmacSha1_32 => "AES_CM_128_HMAC_SHA1_32",
            Suite::AesCm256HmacSha1_80 => "AES_256_CM_HMAC_SHA1_80",
            Suite::AesCm256HmacSha1_32 => "AES_256_CM_HMAC_SHA1_32",
            Suite::AeadAes128Gcm => "AEAD_AES_128_GCM",
            Suite::AeadAes256Gcm => "AEAD_AES_256_GCM",
        }
    }

    /// Master (and session) encryption key length in octets.
    pub fn master_key_len(self) -> usize {
        match self {
            Suite::AesCm128HmacSha1_80 | Suite::AesCm128HmacSha1_32 | Suite::AeadAes128Gcm => 16,
            Suite::AesCm256HmacSha1_80 | Suite::AesCm256HmacSha1_32 | Suite::AeadAes256Gcm => 32,
        }
    }

    /// Master (and session) salt length in octets: 112 bits for AES-CM, 96 bits for GCM.
    pub fn master_salt_len(self) -> usize {
        if self.is_aead() { 12 } else { 14 }
    }

    /// Authentication tag appended to each SRTP packet, in octets.
    pub fn rtp_tag_len(self) -> usize {
        match self {
            Suite::AesCm128HmacSha1_80 | Suite::AesCm256HmacSha1_80 => 10,
            Suite::AesCm128HmacSha1_32 | Suite::AesCm256HmacSha1_32 => 4,
            Suite::AeadAes128Gcm | Suite::AeadAes256Gcm => 16,
        }
    }

    /// Authentication tag appended to each SRTCP packet, in octets. The `_32` suites still use
    /// an 80-bit tag for SRTCP (RFC 4568 §6.2.2, RFC 6188 §3).
    pub fn rtcp_tag_len(self) -> usize {
        if self.is_aead() { 16 } else { 10 }
    }

    /// Session authentication key length in octets (HMAC-SHA1 key; none for GCM).
    pub fn auth_key_len(self) -> usize {
        if self.is_aead() { 0 } else { 20 }
    }

    /// Whether the suite is an AEAD (GCM) suite.
    pub fn is_aead(self) -> bool {
        matches!(self, Suite::AeadAes128Gcm | Suite::AeadAes256Gcm)
    }
}

impl std::fmt::Display for Suite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.sdp_name())
    }
}
