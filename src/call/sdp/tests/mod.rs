//! Tests of the SDP module: sample bodies in the shapes real peers send (CUCM, baresip,
//! SIPp), a deterministic key source, and the test files per concern.

mod accept;
mod answer;
mod crypto;
mod fuzz;
mod offer;
mod parse;
mod srtp;

use std::net::{IpAddr, Ipv4Addr};

use super::{Encryption, LocalMedia};

/// base64 of bytes 1..=30, 101..=130, 201..=230 (30-byte AES-CM key||salt).
pub const K30A: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e";
pub const K30B: &str = "ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGC";
pub const K30C: &str = "ycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm";
/// base64 of bytes 1..=44 (AEAD_AES_256_GCM key||salt).
pub const K44: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKyw=";
/// base64 of bytes 1..=28 (AEAD_AES_128_GCM key||salt).
pub const K28: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHA==";
/// base64 of bytes 1..=16: too short for any suite.
pub const K16: &str = "AQIDBAUGBwgJCgsMDQ4PEA==";

/// A CUCM-style video call offer: SRTP audio with a=rtcp, main video, slides, UDP BFCP,
/// FECC (H.224) and a disabled iX channel.
pub fn cucm_offer() -> String {
    format!(
        "v=0\r\n\
o=CiscoSystemsCCM-SIP 2000 1 IN IP4 10.1.1.10\r\n\
s=SIP Call\r\n\
c=IN IP4 10.1.1.20\r\n\
b=AS:4000\r\n\
t=0 0\r\n\
m=audio 16384 RTP/SAVP 0 8 9 101\r\n\
b=TIAS:64000\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:9 G722/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-15\r\n\
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{K30A}\r\n\
a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:{K30B}\r\n\
a=rtcp:16385\r\n\
a=sendrecv\r\n\
m=video 16386 RTP/SAVP 126 97\r\n\
b=TIAS:2000000\r\n\
a=rtpmap:126 H264/90000\r\n\
a=fmtp:126 profile-level-id=4D0028;packetization-mode=1;max-mbps=245000\r\n\
a=rtpmap:97 H264/90000\r\n\
a=fmtp:97 profile-level-id=42e01f;packetization-mode=0\r\n\
a=rtcp-fb:* nack pli\r\n\
a=rtcp-fb:* ccm fir\r\n\
a=rtcp-fb:* ccm tmmbr\r\n\
a=content:main\r\n\
a=label:11\r\n\
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{K30B}\r\n\
a=rtcp:16387\r\n\
a=sendrecv\r\n\
m=video 16388 RTP/SAVP 126\r\n\
a=rtpmap:126 H264/90000\r\n\
a=fmtp:126 profile-level-id=42801f;packetization-mode=1\r\n\
a=rtcp-fb:* nack pli\r\n\
a=content:slides\r\n\
a=label:12\r\n\
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{K30C}\r\n\
a=sendrecv\r\n\
m=application 16390 UDP/BFCP *\r\n\
a=floorctrl:c-s\r\n\
a=confid:1\r\n\
a=userid:14\r\n\
a=floorid:2 mstrm:12\r\n\
a=bfcpver:1 2\r\n\
m=application 16392 RTP/AVP 96\r\n\
a=rtpmap:96 H224/0\r\n\
a=sendrecv\r\n\
m=application 0 UDP/UDT/IX *\r\n"
    )
}

/// baresip 1.0 with `mediaenc=srtp-mand` and Opus (LF line ends, as some stacks send).
pub fn baresip_offer() -> String {
    format!(
        "v=0\n\
o=- 1823414553 1094924364 IN IP4 127.0.0.1\n\
s=-\n\
c=IN IP4 127.0.0.1\n\
t=0 0\n\
m=audio 6080 RTP/SAVP 96 9 0 8 101\n\
b=AS:128\n\
a=rtpmap:96 opus/48000/2\n\
a=fmtp:96 stereo=1;sprop-stereo=1\n\
a=rtpmap:9 G722/8000\n\
a=rtpmap:0 PCMU/8000\n\
a=rtpmap:8 PCMA/8000\n\
a=rtpmap:101 telephone-event/8000\n\
a=fmtp:101 0-15\n\
a=sendrecv\n\
a=label:1\n\
a=ssrc:1234567890 cname:sip:alice@127.0.0.1\n\
a=rtcp-mux\n\
a=rtcp-rsize\n\
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{K30A}\n"
    )
}

/// SIPp's built-in `uac` scenario body: plain PCMU.
pub const SIPP_OFFER: &str = "v=0\r\n\
o=user1 53655765 2353687637 IN IP4 127.0.0.1\r\n\
s=-\r\n\
c=IN IP4 127.0.0.1\r\n\
t=0 0\r\n\
m=audio 6000 RTP/AVP 0\r\n\
a=rtpmap:0 PCMU/8000\r\n";

/// An offer with one audio line carrying the given `a=crypto` values.
pub fn audio_offer_with_crypto(proto: &str, cryptos: &[String]) -> String {
    let mut s = String::from(
        "v=0\r\no=peer 1 1 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\n",
    );
    s.push_str(&format!(
        "m=audio 5004 {proto} 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
    ));
    s.push_str("a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n");
    for c in cryptos {
        s.push_str(&format!("a=crypto:{c}\r\n"));
    }
    s
}

pub fn local(encryption: Encryption) -> LocalMedia {
    LocalMedia {
        address: IpAddr::V4(Ipv4Addr::new(192, 0, 2, 10)),
        audio_port: 40000,
        video_port: 40002,
        slides_port: 40004,
        bfcp_port: 40006,
        encryption,
        video: true,
        presentation: true,
        bandwidth_kbps: 2048,
    }
}

/// xorshift64: deterministic "random" bytes for keys and fuzzing.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// A key-filling closure for `KeySource`, seeded so each test gets known keys.
pub fn filler(seed: u64) -> impl FnMut(&mut [u8]) {
    let mut rng = Rng(seed);
    move |buf: &mut [u8]| buf.iter_mut().for_each(|b| *b = rng.next_u64() as u8)
}
