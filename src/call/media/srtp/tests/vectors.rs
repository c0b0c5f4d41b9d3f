//! Known-answer tests: RFC 3711 App. B, RFC 6188 §7, RFC 7714 §16–§17, and the reference
//! packets of libsrtp's `srtp_validate*()` (cisco/libsrtp test/srtp_driver.c).

use super::super::cm::{Aes, CmTransform};
use super::super::kdf;
use super::super::{Context, Suite};
use super::hex;

/// RFC 3711 App. B.3 master key || salt; libsrtp's `test_key` starts with the same 30 octets.
const TEST_KEY: &str = "e1f97a0d3e018be0d64fa32c06de4139 0ec675ad498afeebb6960b3aabe6";

fn keystream(key: &str, blocks: usize) -> Vec<u8> {
    let aes = Aes::new(&hex(key)).unwrap();
    let iv: [u8; 16] = hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000").try_into().unwrap();
    let mut out = vec![0u8; blocks * 16];
    aes.ctr_xor(&iv, &mut out);
    out
}

#[test]
fn rfc3711_b2_aes_cm_keystream() {
    let ks = keystream("2B7E151628AED2A6ABF7158809CF4F3C", 65282);
    assert_eq!(
        ks[..48],
        hex(
            "E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB 41E95B3BB0A2E8DD477901E4FCA894C0"
        )
    );
    assert_eq!(
        ks[ks.len() - 48..],
        hex(
            "EC8CDF7398607CB0F2D21675EA9EA1E4 362B7C3C6773516318A077D7FC5073AE 6A2CC3787889374FBEB4C81B17BA6C44"
        )
    );
    // The same through the packet IV construction: salt F0..FD, SSRC 0, index 0.
    let cm = CmTransform::new(
        &hex("2B7E151628AED2A6ABF7158809CF4F3C"),
        &hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"),
        &[0; 20],
    )
    .unwrap();
    assert_eq!(
        cm.iv(0, 0).to_be_bytes().to_vec(),
        hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000")
    );
    let mut data = vec![0u8; 48];
    cm.seal(0, 0, &mut data, 0, &[]);
    assert_eq!(data, ks[..48]);
    // SSRC lands in octets 4..8, the 48-bit index in 8..14.
    let zero = CmTransform::new(&[0; 16], &[0; 14], &[0; 20]).unwrap();
    assert_eq!(
        zero.iv(0x0102_0304, 0x5566_7788_99aa)
            .to_be_bytes()
            .to_vec(),
        hex("00000000 01020304 5566778899aa 0000")
    );
}

#[test]
fn rfc3711_b3_key_derivation() {
    let master = hex(TEST_KEY);
    let prf = Aes::new(&master[..16]).unwrap();
    let salt = &master[16..];
    let mut key = [0u8; 16];
    kdf::derive(&prf, salt, kdf::RTP_ENCRYPTION, &mut key);
    assert_eq!(key.to_vec(), hex("C61E7A93744F39EE10734AFE3FF7A087"));
    let mut session_salt = [0u8; 14];
    kdf::derive(&prf, salt, kdf::RTP_SALT, &mut session_salt);
    assert_eq!(session_salt.to_vec(), hex("30CBBC08863D8C85D49DB34A9AE1"));
    let mut auth = [0u8; 94];
    kdf::derive(&prf, salt, kdf::RTP_AUTHENTICATION, &mut auth);
    assert_eq!(
        auth.to_vec(),
        hex(
            "CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE E049646C43D9327AD175578EF7227098
             6371C10C9A369AC2F94A8C5FBCDDDC25 6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2"
        )
    );
}

#[test]
fn rfc6188_7_1_aes_256_cm_keystream() {
    let ks = keystream(
        "57f82fe3613fd170a85ec93c40b1f0922ec4cb0dc025b58272147cc438944a98",
        65282,
    );
    assert_eq!(
        ks[..48],
        hex(
            "92bdd28a93c3f52511c677d08b5515a4 9da71b2378a854f67050756ded165bac 63c4868b7096d88421b563b8c94c9a31"
        )
    );
    assert_eq!(
        ks[ks.len() - 48..],
        hex(
            "cea518c90fd91ced9cbb18c078a54711 3dbc4814f4da5f00a08772b63c6a046d 6eb246913062a16891433e97dd01a57f"
        )
    );
}

#[test]
fn rfc6188_7_2_aes_256_key_derivation() {
    let prf = Aes::new(&hex(
        "f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6",
    ))
    .unwrap();
    let salt = hex("3b04803de51ee7c96423ab5b78d2");
    let mut key = [0u8; 32];
    kdf::derive(&prf, &salt, kdf::RTP_ENCRYPTION, &mut key);
    assert_eq!(
        key.to_vec(),
        hex("5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4")
    );
    let mut session_salt = [0u8; 14];
    kdf::derive(&prf, &salt, kdf::RTP_SALT, &mut session_salt);
    assert_eq!(session_salt.to_vec(), hex("fa31791685ca444a9e07c6c64e93"));
    let mut auth = [0u8; 20];
    kdf::derive(&prf, &salt, kdf::RTP_AUTHENTICATION, &mut auth);
    assert_eq!(
        auth.to_vec(),
        hex("fd9c32d39ed5fbb5a9dc96b30818454d1313dc05")
    );
}

/// Protects `plain` on a fresh context (SRTCP index preset), checks the wire bytes, then
/// unprotects them on another fresh context.
fn check_rtp(tx: &mut Context, rx: &mut Context, plain: &str, wire: &str) {
    let mut packet = hex(plain);
    tx.protect_rtp(&mut packet).unwrap();
    assert_eq!(packet, hex(wire), "protected SRTP");
    rx.unprotect_rtp(&mut packet).unwrap();
    assert_eq!(packet, hex(plain), "unprotected SRTP");
}

fn check_rtcp(tx: &mut Context, rx: &mut Context, plain: &str, wire: &str) {
    let mut packet = hex(plain);
    tx.protect_rtcp(&mut packet).unwrap();
    assert_eq!(packet, hex(wire), "protected SRTCP");
    rx.unprotect_rtcp(&mut packet).unwrap();
    assert_eq!(packet, hex(plain), "unprotected SRTCP");
}

const LIBSRTP_RTP: &str = "800f1234decafbadcafebabe abababababababababababababababab";
const LIBSRTP_RTCP: &str = "81c8000bcafebabe abababababababababababababababab";

/// libsrtp starts its SRTCP index at 1; RFC 3711 §3.4 (and this module) at 0.
fn contexts(suite: Suite, key: &[u8]) -> (Context, Context) {
    let mut tx = Context::new(suite, key).unwrap();
    tx.set_next_rtcp_index(0xcafe_babe, 1);
    (tx, Context::new(suite, key).unwrap())
}

#[test]
fn libsrtp_srtp_validate() {
    let (mut tx, mut rx) = contexts(Suite::AesCm128HmacSha1_80, &hex(TEST_KEY));
    check_rtp(
        &mut tx,
        &mut rx,
        LIBSRTP_RTP,
        "800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb",
    );
    check_rtcp(
        &mut tx,
        &mut rx,
        LIBSRTP_RTCP,
        "81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798",
    );
}

#[test]
fn libsrtp_srtp_validate_aes_256() {
    let key = hex(
        "f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6 3b04803de51ee7c96423ab5b78d2",
    );
    let (mut tx, mut rx) = contexts(Suite::AesCm256HmacSha1_80, &key);
    check_rtp(
        &mut tx,
        &mut rx,
        LIBSRTP_RTP,
        "800f1234decafbadcafebabe f1d9de17ff251ff1aa007774b0b4b40d a08d9d9a5b3a55d8873b",
    );
}

#[test]
fn libsrtp_srtp_validate_gcm() {
    let key = hex("000102030405060708090a0b0c0d0e0f a0a1a2a3a4a5a6a7a8a9aaab");
    let (mut tx, mut rx) = contexts(Suite::AeadAes128Gcm, &key);
    check_rtp(
        &mut tx,
        &mut rx,
        LIBSRTP_RTP,
        "800f1234decafbadcafebabe c5002ede04cfdd2eb91159e0880aa06e d2976826f796b201df3131a127e8a392",
    );
    check_rtcp(
        &mut tx,
        &mut rx,
        LIBSRTP_RTCP,
        "81c8000bcafebabe c98b8b5df0392a55852b6c21ac8e7025 c52c6fbea2b3b446ea31123ba88ce61e 80000001",
    );
}

const RFC7714_SALT: &str = "517569642070726f2071756f";
const RFC7714_RTP: &str = "8040f17b8041f8d35501a0b2 47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573";
const RFC7714_RTCP: &str = "81c8000d4d617273 4e5450314e545032525450200000042a0000e9304c756e61 deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";

fn rfc7714(suite: Suite, key: &str) -> (Context, Context) {
    let mut tx = Context::from_session_keys(suite, &hex(key), &hex(RFC7714_SALT), &[]).unwrap();
    tx.set_next_rtcp_index(0x4d61_7273, 0x5d4);
    (
        tx,
        Context::from_session_keys(suite, &hex(key), &hex(RFC7714_SALT), &[]).unwrap(),
    )
}

#[test]
fn rfc7714_16_1_and_17_1_aead_aes_128_gcm() {
    let (mut tx, mut rx) = rfc7714(Suite::AeadAes128Gcm, "000102030405060708090a0b0c0d0e0f");
    check_rtp(
        &mut tx,
        &mut rx,
        RFC7714_RTP,
        "8040f17b8041f8d35501a0b2 f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce",
    );
    check_rtcp(
        &mut tx,
        &mut rx,
        RFC7714_RTCP,
        "81c8000d4d617273 63e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded
         0bb9275bc84aa45896cf4d2fc5abf872 45d9eade 800005d4",
    );
}

#[test]
fn rfc7714_16_2_and_17_2_aead_aes_256_gcm() {
    let (mut tx, mut rx) = rfc7714(
        Suite::AeadAes256Gcm,
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    );
    check_rtp(
        &mut tx,
        &mut rx,
        RFC7714_RTP,
        "8040f17b8041f8d35501a0b2 32b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a76c13",
    );
    check_rtcp(
        &mut tx,
        &mut rx,
        RFC7714_RTCP,
        "81c8000d4d617273 d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be8415f658c61de047
         6f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be 800005d4",
    );
}

#[test]
fn rfc7714_ivs() {
    let g = super::super::gcm::GcmTransform::new(&[0; 16], &hex(RFC7714_SALT)).unwrap();
    assert_eq!(
        g.rtp_iv(0x5501_a0b2, 0xf17b).to_vec(),
        hex("51753c6580c2726f20718414")
    );
    assert_eq!(
        g.rtcp_iv(0x4d61_7273, 0x5d4).to_vec(),
        hex("517524055203726f207170bb")
    );
}
