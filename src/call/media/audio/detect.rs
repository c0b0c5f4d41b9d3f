//! Tone analysis for tests and diagnostics: "does this recording hold a 440 Hz tone?".
//!
//! [`dominant_frequency`] finds the strongest spectral peak with a Hann-windowed FFT and
//! then refines it by maximising the windowed DTFT around that bin (golden-section
//! search), so the answer is accurate to well under 1 Hz rather than to a bin.
//! [`tone_power`] is a Goertzel filter at one frequency.

use std::f64::consts::{PI, TAU};

/// Longest stretch analysed (taken from the middle of the input); ~0.34 s at 48 kHz.
const MAX_WINDOW: usize = 16384;
/// RMS below which the input counts as silence (about -60 dBFS).
const SILENCE_RMS: f64 = 32.0;
/// Lowest frequency reported, so DC offset and hum are never "the tone".
const MIN_FREQ: f64 = 20.0;

/// Power of the component at `freq` Hz, as the mean square of that sinusoid (a sine of
/// peak amplitude A gives about A²/2). Goertzel over the whole input, unwindowed.
pub fn tone_power(pcm: &[i16], sample_rate: u32, freq: f64) -> f64 {
    if pcm.is_empty() || sample_rate == 0 {
        return 0.0;
    }
    let w = TAU * freq / f64::from(sample_rate);
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &x in pcm {
        let s0 = f64::from(x) + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let mag2 = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    let n = pcm.len() as f64;
    2.0 * mag2.max(0.0) / (n * n)
}

/// The frequency of the strongest tone in `pcm`, or `None` for silence.
pub fn dominant_frequency(pcm: &[i16], sample_rate: u32) -> Option<f64> {
    if pcm.len() < 64 || sample_rate == 0 {
        return None;
    }
    let len = pcm.len().min(MAX_WINDOW);
    let start = (pcm.len() - len) / 2;
    let x: Vec<f64> = pcm[start..start + len]
        .iter()
        .map(|&s| f64::from(s))
        .collect();
    let mean = x.iter().sum::<f64>() / len as f64;
    let rms = (x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / len as f64).sqrt();
    if rms < SILENCE_RMS {
        return None;
    }
    let hann: Vec<f64> = (0..len)
        .map(|i| (x[i] - mean) * (0.5 - 0.5 * (TAU * i as f64 / len as f64).cos()))
        .collect();

    // Coarse: FFT peak. Zero-pad to a power of two (at least 4x the data, finer bins).
    let n = (len * 4).next_power_of_two();
    let mut re = hann.clone();
    re.resize(n, 0.0);
    let mut im = vec![0.0; n];
    fft(&mut re, &mut im);
    let rate = f64::from(sample_rate);
    let bin_hz = rate / n as f64;
    let first = ((MIN_FREQ / bin_hz).ceil() as usize).max(1);
    let peak = (first..n / 2).max_by(|&a, &b| {
        let pa = re[a] * re[a] + im[a] * im[a];
        let pb = re[b] * re[b] + im[b] * im[b];
        pa.total_cmp(&pb)
    })?;

    // Fine: maximise |DTFT|² of the windowed data within ±1 bin of the peak.
    let power = |f: f64| dtft_power(&hann, TAU * f / rate);
    let (mut lo, mut hi) = ((peak as f64 - 1.0) * bin_hz, (peak as f64 + 1.0) * bin_hz);
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let (mut c, mut d) = (hi - g * (hi - lo), lo + g * (hi - lo));
    let (mut pc, mut pd) = (power(c), power(d));
    while hi - lo > 0.01 {
        if pc > pd {
            hi = d;
            (d, pd) = (c, pc);
            c = hi - g * (hi - lo);
            pc = power(c);
        } else {
            lo = c;
            (c, pc) = (d, pd);
            d = lo + g * (hi - lo);
            pd = power(d);
        }
    }
    Some((lo + hi) / 2.0)
}

/// The squared magnitude of the DTFT of `x` at ω radians/sample, by a Goertzel recurrence.
fn dtft_power(x: &[f64], w: f64) -> f64 {
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &v in x {
        let s0 = v + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    s1 * s1 + s2 * s2 - coeff * s1 * s2
}

/// In-place iterative radix-2 FFT; `re.len()` must be a power of two.
fn fft(re: &mut [f64], im: &mut [f64]) {
    let n = re.len();
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let mut size = 2;
    while size <= n {
        let ang = -2.0 * PI / size as f64;
        let (wr, wi) = (ang.cos(), ang.sin());
        for chunk in (0..n).step_by(size) {
            let (mut cr, mut ci) = (1.0f64, 0.0f64);
            for k in 0..size / 2 {
                let (a, b) = (chunk + k, chunk + k + size / 2);
                let tr = re[b] * cr - im[b] * ci;
                let ti = re[b] * ci + im[b] * cr;
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
                (cr, ci) = (cr * wr - ci * wi, cr * wi + ci * wr);
            }
        }
        size <<= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::Tone;
    use super::*;

    #[test]
    fn goertzel_power_of_a_sine() {
        let mut pcm = vec![0i16; 8000];
        Tone::new(1000.0, 8000, 10000).fill(&mut pcm);
        let p = tone_power(&pcm, 8000, 1000.0);
        assert!((p / 5.0e7 - 1.0).abs() < 0.01, "{p}");
        assert!(tone_power(&pcm, 8000, 1500.0) < p * 1e-4);
    }
}
