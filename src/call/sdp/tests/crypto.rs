//! `a=crypto` (RFC 4568): suites, key lengths, lifetimes/MKIs, refusals, formatting.

use super::super::*;
use super::{K16, K28, K30A, K44};

#[test]
fn suite_lengths() {
    let lens: Vec<(usize, usize, usize)> = CryptoSuite::ALL
        .iter()
        .map(|s| (s.key_len(), s.salt_len(), s.auth_tag_len()))
        .collect();
    assert_eq!(
        lens,
        vec![
            (16, 14, 10),
            (16, 14, 4),
            (32, 14, 10),
            (32, 14, 4),
            (16, 12, 16),
            (32, 12, 16)
        ]
    );
    assert_eq!(
        CryptoSuite::from_name("AEAD_AES_256_GCM"),
        Some(CryptoSuite::AeadAes256Gcm)
    );
    assert_eq!(CryptoSuite::from_name("F8_128_HMAC_SHA1_80"), None);
}

#[test]
fn parses_lifetime_mki_and_session_params() {
    let c = CryptoAttribute::parse(&format!(
        "7 AES_CM_128_HMAC_SHA1_80 inline:{K30A}|2^20|1:4;inline:{K30A}|2:4 KDR=1 UNENCRYPTED_SRTCP"
    ))
    .unwrap();
    assert_eq!(c.tag, 7);
    assert_eq!(c.suite, CryptoSuite::AesCm128HmacSha1_80);
    assert_eq!(c.key_params.len(), 2);
    assert_eq!(c.key_params[0].key.len(), 30);
    assert_eq!(c.key_params[0].lifetime.as_deref(), Some("2^20"));
    assert_eq!(c.key_params[0].mki.as_deref(), Some("1:4"));
    assert_eq!(c.key_params[1].lifetime, None);
    assert_eq!(c.key_params[1].mki.as_deref(), Some("2:4"));
    assert_eq!(c.session_params, ["KDR=1", "UNENCRYPTED_SRTCP"]);
    // Written back exactly.
    assert_eq!(
        c.to_string(),
        format!(
            "7 AES_CM_128_HMAC_SHA1_80 inline:{K30A}|2^20|1:4;inline:{K30A}|2:4 KDR=1 UNENCRYPTED_SRTCP"
        )
    );
}

#[test]
fn gcm_and_aes256_keys_decode_to_suite_length() {
    let gcm = CryptoAttribute::parse(&format!("1 AEAD_AES_128_GCM inline:{K28}")).unwrap();
    assert_eq!(gcm.master_key(), (1..=28).collect::<Vec<u8>>());
    let gcm256 = CryptoAttribute::parse(&format!("2 AEAD_AES_256_GCM inline:{K44}")).unwrap();
    assert_eq!(gcm256.master_key().len(), 44);
    // AES_256_CM needs 46 bytes; the 44-byte key is refused with the numbers in words.
    let err =
        CryptoAttribute::parse(&format!("3 AES_256_CM_HMAC_SHA1_80 inline:{K44}")).unwrap_err();
    assert_eq!(
        err.reason,
        "a=crypto:3 AES_256_CM_HMAC_SHA1_80 needs a 46-byte key and salt, the inline key has 44 bytes"
    );
}

#[test]
fn unpadded_base64_is_accepted() {
    let unpadded = K28.trim_end_matches('=');
    let c = CryptoAttribute::parse(&format!("1 AEAD_AES_128_GCM inline:{unpadded}")).unwrap();
    assert_eq!(c.master_key().len(), 28);
    // Written back padded, as base64's STANDARD alphabet does.
    assert_eq!(c.to_string(), format!("1 AEAD_AES_128_GCM inline:{K28}"));
}

#[test]
fn refusals_name_the_problem() {
    let reason = |v: &str| CryptoAttribute::parse(v).unwrap_err().reason;
    assert_eq!(
        reason(&format!("1 AES_CM_128_HMAC_SHA1_80 inline:{K16}")),
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 needs a 30-byte key and salt, the inline key has 16 bytes"
    );
    assert_eq!(
        reason("1 F8_128_HMAC_SHA1_80 inline:x"),
        "a=crypto:1 uses unknown crypto suite F8_128_HMAC_SHA1_80"
    );
    assert_eq!(
        reason("1 AES_CM_128_HMAC_SHA1_80 inline:!!!!"),
        "a=crypto:1 inline key is not valid base64"
    );
    assert_eq!(reason("1 AES_CM_128_HMAC_SHA1_80"), "a=crypto:1 has no key");
    assert_eq!(
        reason("x AES_CM_128_HMAC_SHA1_80 inline:a"),
        "a=crypto tag 'x' is not a number"
    );
    assert_eq!(
        reason("1234567890 AES_CM_128_HMAC_SHA1_80 inline:a"),
        "a=crypto tag '1234567890' is not a number"
    );
    assert_eq!(
        reason(&format!("1 AES_CM_128_HMAC_SHA1_80 uri:{K30A}")),
        format!("a=crypto:1 key method is not inline: 'uri:{K30A}'")
    );
    assert_eq!(
        reason(&format!("1 AES_CM_128_HMAC_SHA1_80 inline:{K30A}|2^x")),
        "a=crypto:1 has a bad lifetime '2^x'"
    );
    assert_eq!(
        reason(&format!("1 AES_CM_128_HMAC_SHA1_80 inline:{K30A}|1:0")),
        "a=crypto:1 has a bad MKI '1:0'"
    );
}

#[test]
fn wrong_length_line_is_skipped_but_reported_on_media() {
    let text = format!(
        "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 5004 RTP/SAVP 0\r\n\
         a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{K16}\r\na=crypto:2 AEAD_AES_128_GCM inline:{K28}\r\n"
    );
    let sd = SessionDescription::parse(&text).unwrap();
    let lines = sd.media[0].crypto_lines();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0]
            .as_ref()
            .unwrap_err()
            .reason
            .contains("needs a 30-byte key")
    );
    let usable = sd.media[0].cryptos();
    assert_eq!(usable.len(), 1);
    assert_eq!(
        (usable[0].tag, usable[0].suite),
        (2, CryptoSuite::AeadAes128Gcm)
    );
}
