//! ITU-T G.722 sub-band ADPCM at 64 kbit/s (mode 1), written from the Recommendation's
//! block diagram and the public-domain CMU / Steve Underwood fixed-point reference.
//!
//! 16 kHz PCM is split by a 24-tap QMF into two 8 kHz sub-bands: the lower coded with
//! 6 bits, the higher with 2, one byte per pair of input samples (20 ms: 320 samples →
//! 160 bytes). Arithmetic is the reference's 16-bit saturating fixed point, so the
//! bitstream is bit-exact with other conforming implementations (checked against spandsp).
//! The QMF gain follows current spandsp (input >> 14, output >> 11), which leaves headroom
//! so full-scale 16-bit input does not clip the 15-bit sub-band signals.

use super::g722_tables::{IHN, IHP, ILB, ILN, ILP, Q6, QM2, QM4, QM6, QMF, RH2, RL42, WH, WL};
use super::{Decoder, Encoder, Plc};

fn sat(v: i32) -> i32 {
    v.clamp(i32::from(i16::MIN), i32::from(i16::MAX))
}

/// Adaptive predictor and scale factor state of one sub-band.
#[derive(Debug, Clone, Default)]
struct Band {
    /// Predicted signal: total, pole part, zero part.
    s: i32,
    sp: i32,
    sz: i32,
    /// Reconstructed signal, pole coefficients and partial reconstruction, newest first.
    r: [i32; 3],
    a: [i32; 3],
    p: [i32; 3],
    /// Quantised differences and zero coefficients, newest first.
    d: [i32; 7],
    b: [i32; 7],
    /// Log scale factor and the linear scale factor derived from it.
    nb: i32,
    det: i32,
}

impl Band {
    fn new(det: i32) -> Self {
        Self {
            det,
            ..Self::default()
        }
    }

    /// Blocks 3L/3H (LOGSCL + SCALEL, LOGSCH + SCALEH): adapt the scale factor.
    /// `shift` is 8 for the lower band and 10 for the higher; `max` bounds `nb`.
    fn scale(&mut self, wd: i32, max: i32, shift: i32) {
        self.nb = (((self.nb * 127) >> 7) + wd).clamp(0, max);
        let wd1 = ILB[((self.nb >> 6) & 31) as usize];
        let wd2 = shift - (self.nb >> 11);
        let wd3 = if wd2 < 0 { wd1 << -wd2 } else { wd1 >> wd2 };
        self.det = wd3 << 2;
    }

    /// Block 4: reconstruct, update the pole and zero predictors, and predict the next
    /// sample, given the quantised difference `d`.
    fn predict(&mut self, d: i32) {
        // RECONS, PARREC
        self.d[0] = d;
        self.r[0] = sat(self.s + d);
        self.p[0] = sat(self.sz + d);

        // UPPOL2: second pole coefficient.
        let sg = |v: i32| v >> 15;
        let (sg0, sg1, sg2) = (sg(self.p[0]), sg(self.p[1]), sg(self.p[2]));
        let wd1 = sat(self.a[1] << 2);
        let wd2 = if sg0 == sg1 { -wd1 } else { wd1 }.min(32767);
        let mut wd3 = (wd2 >> 7) + if sg0 == sg2 { 128 } else { -128 };
        wd3 += (self.a[2] * 32512) >> 15;
        let ap2 = wd3.clamp(-12288, 12288);

        // UPPOL1: first pole coefficient, bounded by the stability triangle.
        let wd1 = if sg0 == sg1 { 192 } else { -192 };
        let wd2 = (self.a[1] * 32640) >> 15;
        let lim = sat(15360 - ap2);
        let ap1 = sat(wd1 + wd2).clamp(-lim, lim);

        // UPZERO: sign-sign update of the six zero coefficients (in place, since DELAYA
        // would just copy the new ones over the old).
        let step = if d == 0 { 0 } else { 128 };
        let sgd = sg(d);
        for (b, &di) in self.b[1..].iter_mut().zip(&self.d[1..]) {
            let wd2 = if sg(di) == sgd { step } else { -step };
            *b = sat(wd2 + ((*b * 32640) >> 15));
        }

        // DELAYA
        self.d.copy_within(0..6, 1);
        self.r.copy_within(0..2, 1);
        self.p.copy_within(0..2, 1);
        self.a[1] = ap1;
        self.a[2] = ap2;

        // FILTEP, FILTEZ, PREDIC
        let wd1 = (self.a[1] * sat(self.r[1] + self.r[1])) >> 15;
        let wd2 = (self.a[2] * sat(self.r[2] + self.r[2])) >> 15;
        self.sp = sat(wd1 + wd2);
        let mut sz = 0;
        for i in (1..7).rev() {
            sz += (self.b[i] * sat(self.d[i] + self.d[i])) >> 15;
        }
        self.sz = sat(sz);
        self.s = sat(self.sp + self.sz);
    }
}

/// G.722 64 kbit/s encoder: 16 kHz PCM in, one byte per two samples out.
#[derive(Debug, Clone)]
pub struct G722Encoder {
    low: Band,
    high: Band,
    /// QMF delay line, oldest first.
    x: [i32; 24],
    /// An odd sample left over from the previous call, waiting for its pair.
    pending: Option<i16>,
}

impl Default for G722Encoder {
    fn default() -> Self {
        Self::new()
    }
}

impl G722Encoder {
    /// A fresh encoder in the reset state.
    pub fn new() -> Self {
        Self {
            low: Band::new(32),
            high: Band::new(8),
            x: [0; 24],
            pending: None,
        }
    }

    /// Encodes one pair of 16 kHz samples into one G.722 byte.
    fn encode_pair(&mut self, s0: i16, s1: i16) -> u8 {
        // Transmit QMF: split into lower and higher band at 8 kHz.
        self.x.copy_within(2.., 0);
        self.x[22] = i32::from(s0);
        self.x[23] = i32::from(s1);
        let (mut sumodd, mut sumeven) = (0i32, 0i32);
        for i in 0..12 {
            sumodd += self.x[2 * i] * QMF[i];
            sumeven += self.x[2 * i + 1] * QMF[11 - i];
        }
        let xlow = (sumeven + sumodd) >> 14;
        let xhigh = (sumeven - sumodd) >> 14;

        // Lower band. SUBTRA, QUANTL
        let el = sat(xlow - self.low.s);
        let wd = if el >= 0 { el } else { -(el + 1) };
        let mut i = 1;
        while i < 30 && wd >= (Q6[i] * self.low.det) >> 12 {
            i += 1;
        }
        let ilow = if el < 0 { ILN[i] } else { ILP[i] };
        // INVQAL, LOGSCL/SCALEL, then the predictor.
        let ril = (ilow >> 2) as usize;
        let dlow = (self.low.det * QM4[ril]) >> 15;
        self.low.scale(WL[RL42[ril]], 18432, 8);
        self.low.predict(dlow);

        // Higher band. SUBTRA, QUANTH
        let eh = sat(xhigh - self.high.s);
        let wd = if eh >= 0 { eh } else { -(eh + 1) };
        let mih = if wd >= (564 * self.high.det) >> 12 {
            2
        } else {
            1
        };
        let ihigh = if eh < 0 { IHN[mih] } else { IHP[mih] };
        let dhigh = (self.high.det * QM2[ihigh as usize]) >> 15;
        self.high.scale(WH[RH2[ihigh as usize]], 22528, 10);
        self.high.predict(dhigh);

        ((ihigh << 6) | ilow) as u8
    }
}

impl Encoder for G722Encoder {
    fn encode(&mut self, pcm: &[i16], out: &mut Vec<u8>) {
        let mut rest = pcm;
        if let (Some(first), Some((&second, tail))) = (self.pending, rest.split_first()) {
            out.push(self.encode_pair(first, second));
            self.pending = None;
            rest = tail;
        }
        let mut pairs = rest.chunks_exact(2);
        for pair in &mut pairs {
            out.push(self.encode_pair(pair[0], pair[1]));
        }
        if let [odd] = pairs.remainder() {
            self.pending = Some(*odd);
        }
    }
    fn sample_rate(&self) -> u32 {
        16000
    }
    fn frame_samples(&self) -> usize {
        320
    }
}

/// G.722 64 kbit/s decoder: one byte in, two 16 kHz samples out. Any byte is valid.
#[derive(Debug, Clone)]
pub struct G722Decoder {
    low: Band,
    high: Band,
    x: [i32; 24],
    plc: Plc,
}

impl Default for G722Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl G722Decoder {
    /// A fresh decoder in the reset state.
    pub fn new() -> Self {
        Self {
            low: Band::new(32),
            high: Band::new(8),
            x: [0; 24],
            plc: Plc::new(320),
        }
    }

    fn decode_byte(&mut self, code: u8) -> [i16; 2] {
        let ilow = usize::from(code & 0x3F);
        let ihigh = usize::from(code >> 6);

        // Lower band: INVQBL gives the 6-bit output; INVQAL's 4-bit value drives the
        // predictor, exactly as in the encoder, so both stay in step.
        let rlow = (self.low.s + ((self.low.det * QM6[ilow]) >> 15)).clamp(-16384, 16383);
        let ril = ilow >> 2;
        let dlow = (self.low.det * QM4[ril]) >> 15;
        self.low.scale(WL[RL42[ril]], 18432, 8);
        self.low.predict(dlow);

        // Higher band.
        let dhigh = (self.high.det * QM2[ihigh]) >> 15;
        let rhigh = (dhigh + self.high.s).clamp(-16384, 16383);
        self.high.scale(WH[RH2[ihigh]], 22528, 10);
        self.high.predict(dhigh);

        // Receive QMF: recombine the bands at 16 kHz.
        self.x.copy_within(2.., 0);
        self.x[22] = rlow + rhigh;
        self.x[23] = rlow - rhigh;
        let (mut xout1, mut xout2) = (0i32, 0i32);
        for i in 0..12 {
            xout2 += self.x[2 * i] * QMF[i];
            xout1 += self.x[2 * i + 1] * QMF[11 - i];
        }
        [sat(xout1 >> 11) as i16, sat(xout2 >> 11) as i16]
    }
}

impl Decoder for G722Decoder {
    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) {
        let start = out.len();
        out.reserve(payload.len() * 2);
        for &b in payload {
            out.extend_from_slice(&self.decode_byte(b));
        }
        self.plc.remember(&out[start..]);
    }
    fn conceal(&mut self, out: &mut Vec<i16>) {
        self.plc.conceal(out);
    }
    fn sample_rate(&self) -> u32 {
        16000
    }
}
