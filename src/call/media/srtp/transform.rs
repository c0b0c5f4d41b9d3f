//! Session keys of one of SRTP or SRTCP, for either family of suites.

use super::cm::{Aes, CmTransform};
use super::error::SrtpError;
use super::gcm::GcmTransform;
use super::kdf;
use super::suite::Suite;

// One per context, used on every packet: inline beats a box's extra indirection.
#[allow(clippy::large_enum_variant)]
pub(super) enum Transform {
    Cm(CmTransform),
    Gcm(GcmTransform),
}

impl Transform {
    /// Derives the SRTP (`rtcp == false`) or SRTCP session keys from the master key and salt.
    pub(super) fn derive(
        suite: Suite,
        prf: &Aes,
        master_salt: &[u8],
        rtcp: bool,
    ) -> Result<Transform, SrtpError> {
        let (enc_label, auth_label, salt_label) = if rtcp {
            (
                kdf::RTCP_ENCRYPTION,
                kdf::RTCP_AUTHENTICATION,
                kdf::RTCP_SALT,
            )
        } else {
            (kdf::RTP_ENCRYPTION, kdf::RTP_AUTHENTICATION, kdf::RTP_SALT)
        };
        let mut key = [0u8; 32];
        let mut salt = [0u8; 14];
        let mut auth = [0u8; 20];
        let key = &mut key[..suite.master_key_len()];
        let salt = &mut salt[..suite.master_salt_len()];
        let auth = &mut auth[..suite.auth_key_len()];
        kdf::derive(prf, master_salt, enc_label, key);
        kdf::derive(prf, master_salt, salt_label, salt);
        kdf::derive(prf, master_salt, auth_label, auth);
        Transform::from_session_keys(suite, key, salt, auth)
    }

    /// Builds the transform from already derived session keys.
    pub(super) fn from_session_keys(
        suite: Suite,
        key: &[u8],
        salt: &[u8],
        auth: &[u8],
    ) -> Result<Transform, SrtpError> {
        if key.len() != suite.master_key_len() {
            return Err(SrtpError::BadKey(format!(
                "{suite} needs a {}-octet session key",
                suite.master_key_len()
            )));
        }
        if suite.is_aead() {
            GcmTransform::new(key, salt).map(Transform::Gcm)
        } else {
            CmTransform::new(key, salt, auth).map(Transform::Cm)
        }
    }
}
