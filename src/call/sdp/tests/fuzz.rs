//! Hostile input never panics: every prefix of real offers and thousands of byte-flipped
//! variants go through parse, write, re-parse, answer and accept.

use super::super::*;
use super::{Rng, SIPP_OFFER, baresip_offer, cucm_offer, filler, local};

/// Whatever parses must survive the whole pipeline, and print to text that parses back
/// to the same description.
fn exercise(text: &str) -> bool {
    let Ok(sd) = SessionDescription::parse(text) else {
        return false;
    };
    let written = sd.to_string();
    assert_eq!(
        SessionDescription::parse(&written).as_ref(),
        Ok(&sd),
        "re-parse of {written:?}"
    );
    for m in &sd.media {
        let _ = (
            m.rtpmaps(),
            m.crypto_lines(),
            m.rtcp(),
            m.floorids(),
            m.floorctrl(),
            m.setup(),
        );
    }
    for enc in [
        Encryption::Off,
        Encryption::BestEffort,
        Encryption::Required,
    ] {
        let mut fill = filler(1);
        if let Ok((answer, neg)) = create_answer(&sd, &local(enc), 1, 1, &mut KeySource(&mut fill))
        {
            assert_eq!(answer.media.len(), sd.media.len());
            assert!(
                neg.stream(StreamKind::Audio)
                    .is_some_and(|s| s.is_enabled())
            );
            assert!(SessionDescription::parse(&answer.to_string()).is_ok());
        }
        // Treat it as an answer to our own offer as well.
        let (_, state) = create_offer(&local(enc), 1, 1, &mut KeySource(&mut fill));
        let _ = accept_answer(&state, &sd);
        let _ = hold(&sd, false, Some(&mut KeySource(&mut fill)));
    }
    true
}

#[test]
fn every_prefix_of_real_offers() {
    for text in [cucm_offer(), baresip_offer(), SIPP_OFFER.to_string()] {
        for end in (0..=text.len()).filter(|i| text.is_char_boundary(*i)) {
            let prefix = &text[..end];
            let parsed = exercise(prefix);
            // A prefix made of whole lines, past the mandatory v=/o=/s=, is a valid body.
            let whole_lines = prefix.ends_with('\n') && prefix.contains("\ns=");
            assert!(
                parsed || !whole_lines,
                "whole-line prefix refused: {prefix:?}"
            );
            assert!(
                !parsed || prefix.contains("\ns="),
                "parsed without s=: {prefix:?}"
            );
        }
    }
}

#[test]
fn random_byte_flips() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let seeds = [cucm_offer(), baresip_offer(), SIPP_OFFER.to_string()];
    let alphabet = b" \r\n=:/;*0123456789abcmostvAZ-\t\x00\xff";
    let mut parsed = 0;
    for round in 0..3000 {
        let mut bytes = seeds[round % seeds.len()].clone().into_bytes();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len());
            match rng.below(3) {
                0 => bytes[at] = alphabet[rng.below(alphabet.len())],
                1 => bytes[at] = rng.next_u64() as u8,
                _ => {
                    bytes.remove(at);
                }
            }
        }
        if exercise(&String::from_utf8_lossy(&bytes)) {
            parsed += 1;
        }
    }
    // Most single flips leave a parseable body; some must be refused.
    assert!(
        (500..2900).contains(&parsed),
        "{parsed} of 3000 mutants parsed"
    );
}

#[test]
fn pathological_shapes() {
    let head = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n";
    let many = format!("{head}{}", "m=audio 1 RTP/AVP 0\r\n".repeat(500));
    assert!(exercise(&many));
    let long_attr = format!(
        "{head}m=audio 1 RTP/AVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{}\r\n",
        "A".repeat(10_000)
    );
    assert!(exercise(&long_attr));
    assert!(exercise(&format!("{head}m=audio 1 RTP/AVP\r\n")));
    assert!(exercise(&format!(
        "{head}m=audio 65535 RTP/AVP 0\r\na=rtcp:65535\r\n"
    )));
    assert!(exercise(&format!(
        "{head}m=audio 1 RTP/AVP 127\r\na=rtpmap:127 opus/48000\r\n"
    )));
    assert!(!exercise("\u{feff}v=0\r\n"));
    assert!(!exercise("v=0\r\r\n"));
}
