//! SDES key exchange: the `a=crypto` attribute (RFC 4568) with the SRTP suites of
//! RFC 4568, RFC 6188 (AES-256) and RFC 7714 (AES-GCM). A line that cannot be used (unknown
//! suite, key of the wrong length, bad base64) is refused with a reason so that the
//! negotiator can skip it and still explain a 488.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::session::{MediaDescription, SdpError};

/// The SRTP crypto suites roomd can negotiate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CryptoSuite {
    AesCm128HmacSha1_80,
    AesCm128HmacSha1_32,
    Aes256CmHmacSha1_80,
    Aes256CmHmacSha1_32,
    AeadAes128Gcm,
    AeadAes256Gcm,
}

impl CryptoSuite {
    pub const ALL: [CryptoSuite; 6] = [
        CryptoSuite::AesCm128HmacSha1_80,
        CryptoSuite::AesCm128HmacSha1_32,
        CryptoSuite::Aes256CmHmacSha1_80,
        CryptoSuite::Aes256CmHmacSha1_32,
        CryptoSuite::AeadAes128Gcm,
        CryptoSuite::AeadAes256Gcm,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CryptoSuite::AesCm128HmacSha1_80 => "AES_CM_128_HMAC_SHA1_80",
            CryptoSuite::AesCm128HmacSha1_32 => "AES_CM_128_HMAC_SHA1_32",
            CryptoSuite::Aes256CmHmacSha1_80 => "AES_256_CM_HMAC_SHA1_80",
            CryptoSuite::Aes256CmHmacSha1_32 => "AES_256_CM_HMAC_SHA1_32",
            CryptoSuite::AeadAes128Gcm => "AEAD_AES_128_GCM",
            CryptoSuite::AeadAes256Gcm => "AEAD_AES_256_GCM",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Master key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            CryptoSuite::AesCm128HmacSha1_80
            | CryptoSuite::AesCm128HmacSha1_32
            | CryptoSuite::AeadAes128Gcm => 16,
            CryptoSuite::Aes256CmHmacSha1_80
            | CryptoSuite::Aes256CmHmacSha1_32
            | CryptoSuite::AeadAes256Gcm => 32,
        }
    }

    /// Master salt length in bytes (112 bits for AES-CM, 96 bits for GCM).
    pub fn salt_len(self) -> usize {
        match self {
            CryptoSuite::AeadAes128Gcm | CryptoSuite::AeadAes256Gcm => 12,
            _ => 14,
        }
    }

    /// Length of the inline `key||salt`.
    pub fn master_len(self) -> usize {
        self.key_len() + self.salt_len()
    }

    /// SRTP authentication tag length in bytes (GCM: the AEAD tag).
    pub fn auth_tag_len(self) -> usize {
        match self {
            CryptoSuite::AesCm128HmacSha1_80 | CryptoSuite::Aes256CmHmacSha1_80 => 10,
            CryptoSuite::AesCm128HmacSha1_32 | CryptoSuite::Aes256CmHmacSha1_32 => 4,
            CryptoSuite::AeadAes128Gcm | CryptoSuite::AeadAes256Gcm => 16,
        }
    }
}

impl fmt::Display for CryptoSuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One `inline:<key||salt>[|lifetime][|mki:length]` key parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyParam {
    /// Master key followed by master salt, decoded.
    pub key: Vec<u8>,
    /// e.g. `2^31`, kept as written.
    pub lifetime: Option<String>,
    /// e.g. `1:4` (value:length), kept as written.
    pub mki: Option<String>,
}

/// `a=crypto:<tag> <suite> <key-params> [<session-params>]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CryptoAttribute {
    pub tag: u32,
    pub suite: CryptoSuite,
    pub key_params: Vec<KeyParam>,
    /// e.g. `UNENCRYPTED_SRTCP`, `KDR=1`, `WSH=64`, kept as written.
    pub session_params: Vec<String>,
}

impl CryptoAttribute {
    /// A single-key attribute without lifetime, MKI or session parameters.
    pub fn new(tag: u32, suite: CryptoSuite, key: Vec<u8>) -> Self {
        CryptoAttribute {
            tag,
            suite,
            key_params: vec![KeyParam {
                key,
                lifetime: None,
                mki: None,
            }],
            session_params: Vec::new(),
        }
    }

    /// The first master key||salt (what SRTP uses when there is no MKI).
    pub fn master_key(&self) -> &[u8] {
        self.key_params
            .first()
            .map(|k| k.key.as_slice())
            .unwrap_or(&[])
    }

    /// Parses the value of an `a=crypto` line (everything after `crypto:`).
    pub fn parse(value: &str) -> Result<Self, SdpError> {
        let mut parts = value.split_whitespace();
        let tag_text = parts
            .next()
            .ok_or_else(|| SdpError::new("a=crypto line is empty"))?;
        let tag = tag_text
            .parse::<u32>()
            .ok()
            .filter(|_| tag_text.len() <= 9)
            .ok_or_else(|| SdpError::new(format!("a=crypto tag '{tag_text}' is not a number")))?;
        let suite_name = parts
            .next()
            .ok_or_else(|| SdpError::new(format!("a=crypto:{tag} has no crypto suite")))?;
        let suite = CryptoSuite::from_name(suite_name).ok_or_else(|| {
            SdpError::new(format!(
                "a=crypto:{tag} uses unknown crypto suite {suite_name}"
            ))
        })?;
        let keys = parts
            .next()
            .ok_or_else(|| SdpError::new(format!("a=crypto:{tag} has no key")))?;
        let key_params = keys
            .split(';')
            .map(|k| parse_key_param(tag, suite, k))
            .collect::<Result<Vec<_>, _>>()?;
        let session_params = parts.map(str::to_string).collect();
        Ok(CryptoAttribute {
            tag,
            suite,
            key_params,
            session_params,
        })
    }
}

fn parse_key_param(tag: u32, suite: CryptoSuite, text: &str) -> Result<KeyParam, SdpError> {
    let info = text.strip_prefix("inline:").ok_or_else(|| {
        SdpError::new(format!("a=crypto:{tag} key method is not inline: '{text}'"))
    })?;
    let mut fields = info.split('|');
    let b64 = fields.next().unwrap_or("");
    let key = decode_key(b64)
        .ok_or_else(|| SdpError::new(format!("a=crypto:{tag} inline key is not valid base64")))?;
    if key.len() != suite.master_len() {
        return Err(SdpError::new(format!(
            "a=crypto:{tag} {suite} needs a {}-byte key and salt, the inline key has {} bytes",
            suite.master_len(),
            key.len()
        )));
    }
    let mut lifetime = None;
    let mut mki = None;
    for field in fields {
        // An MKI is "value:length"; a lifetime is "2^n" or a decimal count.
        if let Some((v, len)) = field.split_once(':') {
            let ok = is_digits(v)
                && is_digits(len)
                && len.parse::<u8>().is_ok_and(|l| (1..=128).contains(&l));
            if !ok || mki.is_some() {
                return Err(SdpError::new(format!(
                    "a=crypto:{tag} has a bad MKI '{field}'"
                )));
            }
            mki = Some(field.to_string());
        } else {
            let ok = field.strip_prefix("2^").map_or(is_digits(field), is_digits);
            if !ok || lifetime.is_some() || mki.is_some() {
                return Err(SdpError::new(format!(
                    "a=crypto:{tag} has a bad lifetime '{field}'"
                )));
            }
            lifetime = Some(field.to_string());
        }
    }
    Ok(KeyParam { key, lifetime, mki })
}

/// Decodes standard base64, also when the peer left the `=` padding out.
fn decode_key(b64: &str) -> Option<Vec<u8>> {
    if b64.is_empty() || b64.len() > 256 {
        return None;
    }
    let mut padded = b64.to_string();
    while !padded.len().is_multiple_of(4) {
        padded.push('=');
    }
    STANDARD.decode(padded).ok()
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Display for KeyParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "inline:{}", STANDARD.encode(&self.key))?;
        if let Some(l) = &self.lifetime {
            write!(f, "|{l}")?;
        }
        if let Some(m) = &self.mki {
            write!(f, "|{m}")?;
        }
        Ok(())
    }
}

/// The attribute value (without `crypto:`).
impl fmt::Display for CryptoAttribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ", self.tag, self.suite)?;
        for (i, k) in self.key_params.iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            write!(f, "{k}")?;
        }
        for p in &self.session_params {
            write!(f, " {p}")?;
        }
        Ok(())
    }
}

impl MediaDescription {
    /// Every `a=crypto` line, parsed; unusable ones carry the reason.
    pub fn crypto_lines(&self) -> Vec<Result<CryptoAttribute, SdpError>> {
        self.attribute_values("crypto")
            .map(CryptoAttribute::parse)
            .collect()
    }

    /// The usable `a=crypto` lines, in the peer's order of preference.
    pub fn cryptos(&self) -> Vec<CryptoAttribute> {
        self.crypto_lines()
            .into_iter()
            .filter_map(Result::ok)
            .collect()
    }

    pub fn push_crypto(&mut self, crypto: &CryptoAttribute) {
        self.push_value("crypto", crypto.to_string());
    }
}
