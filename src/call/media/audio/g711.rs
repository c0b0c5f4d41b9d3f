//! G.711 µ-law (PCMU, RTP PT 0) and A-law (PCMA, PT 8), bit-exact with the ITU-T G.711
//! tables as implemented by the classic Sun reference code (and Python's `audioop`).
//!
//! Encoding works on 16-bit linear PCM: µ-law uses the top 14 bits, A-law the top 13.

use super::{Decoder, Encoder, Plc};

/// Upper bounds of the eight µ-law segments, in 14-bit magnitude after adding the bias.
const SEG_UEND: [i32; 8] = [0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF];
/// Upper bounds of the eight A-law segments, in 13-bit magnitude.
const SEG_AEND: [i32; 8] = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF];
/// µ-law bias (0x84 in 16-bit scale) and clip level (14-bit scale).
const ULAW_BIAS: i32 = 0x84;
const ULAW_CLIP: i32 = 8159;

fn segment(v: i32, ends: &[i32; 8]) -> usize {
    ends.iter().position(|&e| v <= e).unwrap_or(8)
}

/// Encodes one 16-bit linear sample as a µ-law byte.
pub fn ulaw_encode(sample: i16) -> u8 {
    let mut v = i32::from(sample) >> 2;
    let mask: i32 = if v < 0 {
        v = -v;
        0x7F
    } else {
        0xFF
    };
    let v = v.min(ULAW_CLIP) + (ULAW_BIAS >> 2);
    let seg = segment(v, &SEG_UEND);
    if seg >= 8 {
        return (0x7F ^ mask) as u8;
    }
    let code = ((seg as i32) << 4) | ((v >> (seg + 1)) & 0x0F);
    (code ^ mask) as u8
}

const fn ulaw_decode_const(code: u8) -> i16 {
    let u = !code;
    let mut t = (((u & 0x0F) as i32) << 3) + ULAW_BIAS;
    t <<= (u & 0x70) >> 4;
    if u & 0x80 != 0 {
        (ULAW_BIAS - t) as i16
    } else {
        (t - ULAW_BIAS) as i16
    }
}

/// Encodes one 16-bit linear sample as an A-law byte (even bits already inverted).
pub fn alaw_encode(sample: i16) -> u8 {
    let mut v = i32::from(sample) >> 3;
    let mask: i32 = if v >= 0 {
        0xD5
    } else {
        v = -v - 1;
        0x55
    };
    let seg = segment(v, &SEG_AEND);
    if seg >= 8 {
        return (0x7F ^ mask) as u8;
    }
    let shift = if seg < 2 { 1 } else { seg };
    let code = ((seg as i32) << 4) | ((v >> shift) & 0x0F);
    (code ^ mask) as u8
}

const fn alaw_decode_const(code: u8) -> i16 {
    let a = code ^ 0x55;
    let mut t = ((a & 0x0F) as i32) << 4;
    let seg = (a & 0x70) >> 4;
    match seg {
        0 => t += 8,
        1 => t += 0x108,
        _ => {
            t += 0x108;
            t <<= seg - 1;
        }
    }
    if a & 0x80 != 0 { t as i16 } else { -t as i16 }
}

const fn build_table(alaw: bool) -> [i16; 256] {
    let mut t = [0i16; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = if alaw {
            alaw_decode_const(i as u8)
        } else {
            ulaw_decode_const(i as u8)
        };
        i += 1;
    }
    t
}

// Decoding is the hot path on receive, so it is a table built at compile time.
static ULAW_TABLE: [i16; 256] = build_table(false);
static ALAW_TABLE: [i16; 256] = build_table(true);

/// Decodes a µ-law byte to 16-bit linear PCM.
pub fn ulaw_decode(code: u8) -> i16 {
    ULAW_TABLE[usize::from(code)]
}

/// Decodes an A-law byte to 16-bit linear PCM.
pub fn alaw_decode(code: u8) -> i16 {
    ALAW_TABLE[usize::from(code)]
}

/// Which G.711 companding law a coder uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Law {
    /// µ-law (PCMU).
    Ulaw,
    /// A-law (PCMA).
    Alaw,
}

/// G.711 encoder: one byte per sample at 8 kHz, 160 samples per 20 ms frame.
#[derive(Debug, Clone)]
pub struct G711Encoder {
    law: Law,
}

impl G711Encoder {
    /// A new encoder for `law`.
    pub fn new(law: Law) -> Self {
        Self { law }
    }
}

impl Encoder for G711Encoder {
    fn encode(&mut self, pcm: &[i16], out: &mut Vec<u8>) {
        let f = match self.law {
            Law::Ulaw => ulaw_encode,
            Law::Alaw => alaw_encode,
        };
        out.extend(pcm.iter().map(|&s| f(s)));
    }
    fn sample_rate(&self) -> u32 {
        8000
    }
    fn frame_samples(&self) -> usize {
        160
    }
}

/// G.711 decoder with repeat-and-fade concealment.
#[derive(Debug, Clone)]
pub struct G711Decoder {
    law: Law,
    plc: Plc,
}

impl G711Decoder {
    /// A new decoder for `law`.
    pub fn new(law: Law) -> Self {
        Self {
            law,
            plc: Plc::new(160),
        }
    }
}

impl Decoder for G711Decoder {
    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) {
        let table = match self.law {
            Law::Ulaw => &ULAW_TABLE,
            Law::Alaw => &ALAW_TABLE,
        };
        let start = out.len();
        out.extend(payload.iter().map(|&b| table[usize::from(b)]));
        self.plc.remember(&out[start..]);
    }
    fn conceal(&mut self, out: &mut Vec<i16>) {
        self.plc.conceal(out);
    }
    fn sample_rate(&self) -> u32 {
        8000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes() {
        assert_eq!(ulaw_encode(0), 0xFF);
        assert_eq!(alaw_encode(0), 0xD5);
        assert_eq!(ulaw_decode(0x00), -32124);
        assert_eq!(ulaw_decode(0x80), 32124);
        assert_eq!(ulaw_decode(0xFF), 0);
        assert_eq!(ulaw_decode(0x7F), 0);
        assert_eq!(alaw_decode(0xD5), 8);
        assert_eq!(alaw_decode(0x55), -8);
        assert_eq!(alaw_decode(0xAA), 32256);
        assert_eq!(alaw_decode(0x2A), -32256);
        // Full-scale saturates to the extreme codes.
        assert_eq!(ulaw_encode(i16::MAX), 0x80);
        assert_eq!(ulaw_encode(i16::MIN), 0x00);
        assert_eq!(alaw_encode(i16::MAX), 0xAA);
        assert_eq!(alaw_encode(i16::MIN), 0x2A);
    }

    #[test]
    fn matches_python_audioop() {
        // Values from Python's audioop.lin2ulaw / lin2alaw / ulaw2lin / alaw2lin (Sun code).
        let cases: [(i16, u8, u8); 8] = [
            (1000, 0xCE, 0xFA),
            (-1000, 0x4E, 0x7A),
            (12345, 0x97, 0xBD),
            (-12345, 0x17, 0x3D),
            (100, 0xF2, 0xD3),
            (-100, 0x72, 0x53),
            (-1, 0x7E, 0x55),
            (30000, 0x82, 0xA8),
        ];
        for (s, u, a) in cases {
            assert_eq!(ulaw_encode(s), u, "ulaw {s}");
            assert_eq!(alaw_encode(s), a, "alaw {s}");
        }
        // FNV-1a 64 of audioop's output over every i16 (encode) and every code (decode, LE).
        let fnv = |bytes: &mut dyn Iterator<Item = u8>| {
            bytes.fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            })
        };
        let all = || i16::MIN..=i16::MAX;
        assert_eq!(fnv(&mut all().map(ulaw_encode)), 0xd5ee_23f7_d0ff_ae91);
        assert_eq!(fnv(&mut all().map(alaw_encode)), 0xf030_666e_b780_cf25);
        let dec = |f: fn(u8) -> i16| (0..=255u8).flat_map(move |c| f(c).to_le_bytes());
        assert_eq!(fnv(&mut dec(ulaw_decode)), 0xb91e_65d6_8481_a1a8);
        assert_eq!(fnv(&mut dec(alaw_decode)), 0x693a_40ca_62a3_d2a5);
        assert_eq!(ulaw_decode(0xCE), 988);
        assert_eq!(alaw_decode(0xFA), 1008);
    }

    #[test]
    fn full_range_round_trip() {
        for s in i16::MIN..=i16::MAX {
            let mag = i32::from(s).abs();
            // Half a quantisation step of the segment, plus the bits dropped before coding.
            let bound = (mag >> 5).max(8) + 8;
            let u = i32::from(ulaw_decode(ulaw_encode(s)));
            let a = i32::from(alaw_decode(alaw_encode(s)));
            let clip = (mag - 32256).max(0);
            assert!((u - i32::from(s)).abs() <= bound + clip, "ulaw {s} -> {u}");
            assert!((a - i32::from(s)).abs() <= bound + clip, "alaw {s} -> {a}");
            // Decoded values are fixed points of the codec.
            assert_eq!(ulaw_decode(ulaw_encode(u as i16)), u as i16);
            assert_eq!(alaw_decode(alaw_encode(a as i16)), a as i16);
        }
        // Every code decodes to a value that encodes back to itself (bar µ-law's -0).
        for c in 0..=255u8 {
            if c != 0x7F {
                assert_eq!(ulaw_encode(ulaw_decode(c)), c);
            }
            assert_eq!(alaw_encode(alaw_decode(c)), c);
        }
    }
}
