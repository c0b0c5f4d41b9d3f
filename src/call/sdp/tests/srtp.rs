//! Which SRTP keys the answerer picks: suite order, unknown suites, bad keys, policy.

use super::super::*;
use super::{K16, K28, K30A, K44, audio_offer_with_crypto, filler, local};

fn answer(offer: &str, enc: Encryption) -> Result<(SessionDescription, Negotiated), Rejected> {
    let offer = SessionDescription::parse(offer).unwrap();
    let mut fill = filler(42);
    create_answer(&offer, &local(enc), 900, 1, &mut KeySource(&mut fill))
}

#[test]
fn best_effort_avp_with_crypto() {
    let offer = audio_offer_with_crypto(
        "RTP/AVP",
        &[format!("1 AES_CM_128_HMAC_SHA1_80 inline:{K30A}")],
    );
    let (sd, neg) = answer(&offer, Encryption::BestEffort).unwrap();
    assert_eq!(sd.media[0].protocol, "RTP/AVP");
    assert_eq!(sd.media[0].cryptos()[0].tag, 1);
    assert_eq!(
        neg.streams[0].srtp.as_ref().unwrap().suite,
        CryptoSuite::AesCm128HmacSha1_80
    );
    assert!(neg.encrypted);
    // Required accepts best-effort SRTP too; Off answers plain.
    assert!(answer(&offer, Encryption::Required).unwrap().1.encrypted);
    let (sd, neg) = answer(&offer, Encryption::Off).unwrap();
    assert!(sd.media[0].cryptos().is_empty() && !neg.encrypted);
}

#[test]
fn savp_offer_with_encryption_off_is_refused() {
    let offer = audio_offer_with_crypto(
        "RTP/SAVP",
        &[format!("1 AES_CM_128_HMAC_SHA1_80 inline:{K30A}")],
    );
    let err = answer(&offer, Encryption::Off).unwrap_err();
    assert_eq!(
        err.reason,
        "the offer requires SRTP (RTP/SAVP) but encryption is off"
    );
}

#[test]
fn gcm_chosen_when_offered_first() {
    let offer = audio_offer_with_crypto(
        "RTP/SAVP",
        &[
            format!("1 AEAD_AES_256_GCM inline:{K44}"),
            format!("2 AES_CM_128_HMAC_SHA1_80 inline:{K30A}"),
        ],
    );
    let (sd, neg) = answer(&offer, Encryption::Required).unwrap();
    let keys = neg.streams[0].srtp.as_ref().unwrap();
    assert_eq!((keys.suite, keys.tag), (CryptoSuite::AeadAes256Gcm, 1));
    assert_eq!((keys.local_key.len(), keys.remote_key.len()), (44, 44));
    assert_eq!(sd.media[0].cryptos()[0].suite, CryptoSuite::AeadAes256Gcm);

    // Unknown suites are skipped: the GCM line after it wins.
    let offer = audio_offer_with_crypto(
        "RTP/SAVP",
        &[
            format!("1 F8_128_HMAC_SHA1_80 inline:{K30A}"),
            format!("2 AEAD_AES_128_GCM inline:{K28}"),
        ],
    );
    let (_, neg) = answer(&offer, Encryption::Required).unwrap();
    let keys = neg.streams[0].srtp.as_ref().unwrap();
    assert_eq!(
        (keys.suite, keys.tag, keys.local_key.len()),
        (CryptoSuite::AeadAes128Gcm, 2, 28)
    );
}

#[test]
fn wrong_key_length_line_is_ignored() {
    let offer = audio_offer_with_crypto(
        "RTP/SAVP",
        &[
            format!("1 AES_CM_128_HMAC_SHA1_80 inline:{K16}"),
            format!("2 AES_CM_128_HMAC_SHA1_32 inline:{K30A}"),
        ],
    );
    let (_, neg) = answer(&offer, Encryption::Required).unwrap();
    let keys = neg.streams[0].srtp.as_ref().unwrap();
    assert_eq!(
        (keys.suite, keys.tag),
        (CryptoSuite::AesCm128HmacSha1_32, 2)
    );

    let only_bad = audio_offer_with_crypto(
        "RTP/SAVP",
        &[format!("1 AES_CM_128_HMAC_SHA1_80 inline:{K16}")],
    );
    let err = answer(&only_bad, Encryption::Required).unwrap_err();
    assert_eq!(
        err.reason,
        "encryption is required but the offer has no usable a=crypto line (a=crypto:1 \
         AES_CM_128_HMAC_SHA1_80 needs a 30-byte key and salt, the inline key has 16 bytes)"
    );
}

#[test]
fn unsupported_session_params_skip_the_line() {
    let offer = audio_offer_with_crypto(
        "RTP/SAVP",
        &[
            format!("1 AES_CM_128_HMAC_SHA1_80 inline:{K30A} UNENCRYPTED_SRTP"),
            format!("2 AES_CM_128_HMAC_SHA1_80 inline:{K30A}|2^31 WSH=64"),
        ],
    );
    let (_, neg) = answer(&offer, Encryption::Required).unwrap();
    assert_eq!(neg.streams[0].srtp.as_ref().unwrap().tag, 2);
}

#[test]
fn best_effort_savp_without_usable_crypto_is_refused() {
    let offer = audio_offer_with_crypto(
        "RTP/SAVP",
        &[format!("1 AES_CM_128_HMAC_SHA1_80 inline:{K16}")],
    );
    let err = answer(&offer, Encryption::BestEffort).unwrap_err();
    assert_eq!(err.status, 488);
    assert!(err.reason.starts_with(
        "the offer requires SRTP but the offer has no usable a=crypto line (a=crypto:1"
    ));
    // A best-effort AVP offer with a broken key falls back to plain RTP.
    let offer = audio_offer_with_crypto(
        "RTP/AVP",
        &[format!("1 AES_CM_128_HMAC_SHA1_80 inline:{K16}")],
    );
    let (sd, neg) = answer(&offer, Encryption::BestEffort).unwrap();
    assert!(sd.media[0].cryptos().is_empty());
    assert_eq!(neg.streams[0].srtp, None);
    assert!(!neg.encrypted);
}

#[test]
fn keys_stay_out_of_debug_output() {
    let offer = audio_offer_with_crypto(
        "RTP/SAVP",
        &[format!("1 AES_CM_128_HMAC_SHA1_80 inline:{K30A}")],
    );
    let (_, neg) = answer(&offer, Encryption::Required).unwrap();
    let shown = format!("{:?}", neg.streams[0].srtp.as_ref().unwrap());
    assert_eq!(
        shown,
        "SrtpKeys { suite: AesCm128HmacSha1_80, tag: 1, local_key: <30 bytes>, remote_key: <30 bytes> }"
    );
}
