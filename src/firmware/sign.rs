//! Signing keys: ed25519 (ed25519-dalek), read from PEM or hex files, and made fresh.
//!
//! PEM is the standard form (PKCS#8 `PRIVATE KEY`, SPKI `PUBLIC KEY`), so keys made with
//! `openssl genpkey -algorithm ed25519` work too; a file holding just 64 hex digits (the raw
//! 32-byte key) is also accepted, for keys kept in secret stores that hold one line. The
//! signature covers the exact manifest bytes and is checked with `verify_strict`, which also
//! refuses weak keys and malleable signatures.

use std::path::Path;

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::spki::{DecodePublicKey, EncodePublicKey};
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

pub const SIGNATURE_LEN: usize = ed25519_dalek::SIGNATURE_LENGTH;

fn read_key_file(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read key {}: {e}", path.display()))
}

/// The 32 bytes of a one-line hex key, if the text is one.
fn raw_hex(text: &str) -> Option<[u8; 32]> {
    hex::decode(text.trim()).ok()?.try_into().ok()
}

pub fn load_signing_key(path: &Path) -> Result<SigningKey, String> {
    let text = read_key_file(path)?;
    if let Some(bytes) = raw_hex(&text) {
        return Ok(SigningKey::from_bytes(&bytes));
    }
    SigningKey::from_pkcs8_pem(&text).map_err(|e| {
        format!(
            "{} is not an ed25519 private key (PKCS#8 PEM or 64 hex digits): {e}",
            path.display()
        )
    })
}

pub fn load_verifying_key(path: &Path) -> Result<VerifyingKey, String> {
    let text = read_key_file(path)?;
    let key = match raw_hex(&text) {
        Some(bytes) => VerifyingKey::from_bytes(&bytes).map_err(|e| e.to_string()),
        None => VerifyingKey::from_public_key_pem(&text).map_err(|e| e.to_string()),
    };
    key.map_err(|e| {
        format!(
            "{} is not an ed25519 public key (SPKI PEM or 64 hex digits): {e}",
            path.display()
        )
    })
}

/// A new key pair from the system's randomness.
pub fn generate() -> SigningKey {
    let secret: [u8; 32] = rand::random();
    SigningKey::from_bytes(&secret)
}

pub fn private_pem(key: &SigningKey) -> String {
    key.to_pkcs8_pem(LineEnding::LF)
        .expect("an ed25519 key always encodes")
        .to_string()
}

pub fn public_pem(key: &VerifyingKey) -> String {
    key.to_public_key_pem(LineEnding::LF)
        .expect("an ed25519 key always encodes")
}

pub fn sign(key: &SigningKey, message: &[u8]) -> [u8; SIGNATURE_LEN] {
    key.sign(message).to_bytes()
}

/// Checks a signature over `message`; the error is the message a user sees.
pub fn check(key: &VerifyingKey, message: &[u8], signature: &[u8]) -> Result<(), String> {
    let bytes: [u8; SIGNATURE_LEN] = signature.try_into().map_err(|_| {
        format!(
            "signature is {} bytes, an ed25519 signature is {SIGNATURE_LEN}",
            signature.len()
        )
    })?;
    key.verify_strict(message, &Signature::from_bytes(&bytes))
        .map_err(|_| "signature does not match the trusted key".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_pem_and_hex() {
        let dir = tempfile::tempdir().unwrap();
        let key = generate();
        let (private, public) = (dir.path().join("k.pem"), dir.path().join("k.pub.pem"));
        std::fs::write(&private, private_pem(&key)).unwrap();
        std::fs::write(&public, public_pem(&key.verifying_key())).unwrap();
        assert_eq!(load_signing_key(&private).unwrap(), key);
        assert_eq!(load_verifying_key(&public).unwrap(), key.verifying_key());
        let hex_file = dir.path().join("k.hex");
        std::fs::write(
            &hex_file,
            hex::encode(key.verifying_key().to_bytes()) + "\n",
        )
        .unwrap();
        assert_eq!(load_verifying_key(&hex_file).unwrap(), key.verifying_key());
        let e = load_verifying_key(&private).unwrap_err();
        assert!(e.contains("not an ed25519 public key"), "{e}");
    }

    #[test]
    fn a_signature_checks_only_against_its_key_and_message() {
        let key = generate();
        let sig = sign(&key, b"manifest");
        assert!(check(&key.verifying_key(), b"manifest", &sig).is_ok());
        let other = generate().verifying_key();
        assert_eq!(
            check(&other, b"manifest", &sig).unwrap_err(),
            "signature does not match the trusted key"
        );
        assert!(check(&key.verifying_key(), b"manifesT", &sig).is_err());
        assert!(
            check(&key.verifying_key(), b"manifest", &sig[..10])
                .unwrap_err()
                .contains("10 bytes")
        );
    }
}
