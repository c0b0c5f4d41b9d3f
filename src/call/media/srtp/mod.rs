//! SRTP and SRTCP (RFC 3711), sans-IO.
//!
//! Suites: AES_CM_128_HMAC_SHA1_80/_32 (RFC 4568), AES_256_CM_HMAC_SHA1_80/_32 (RFC 6188) and
//! AEAD_AES_128_GCM/AEAD_AES_256_GCM (RFC 7714, 16-octet tag). One [`Context`] protects or
//! unprotects one direction of one media stream, for every SSRC in it: it holds the session
//! keys derived once from the SDES master key and salt (key derivation rate 0), and per SSRC the
//! highest packet index seen (roll-over counter and sequence number), a 128-entry replay window
//! for SRTP and another for SRTCP, and the next SRTCP index to send.
//!
//! Nothing here does I/O or allocates per packet (beyond growing the caller's `Vec` by the tag
//! when it has no spare capacity); every malformed input is an error, never a panic.

mod cm;
mod context;
mod error;
mod gcm;
mod header;
mod hmac_sha1;
mod kdf;
mod replay;
mod rtcp;
mod rtp;
#[cfg(target_arch = "x86_64")]
mod stitched_x86;
mod suite;
mod transform;

#[cfg(test)]
mod tests;

pub use context::Context;
pub use error::SrtpError;
pub use suite::Suite;
