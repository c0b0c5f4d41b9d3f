//! A simple linear-interpolation resampler for feeding codecs (48k ↔ 16k ↔ 8k).
//!
//! Downsampling first applies a centred moving average one output period wide: a cheap
//! anti-alias filter that keeps speech-band tones intact (a 440 Hz tone loses < 0.1 dB
//! going 48k→8k) and introduces no delay. Good enough for test tones and prompts, not
//! for music.

/// Resamples `input` from `from` Hz to `to` Hz, appending the result to `out`.
/// Output length is `input.len() * to / from`, rounded down.
pub fn resample(input: &[i16], from: u32, to: u32, out: &mut Vec<i16>) {
    if input.is_empty() || from == 0 || to == 0 {
        return;
    }
    if from == to {
        out.extend_from_slice(input);
        return;
    }
    let (from, to) = (u64::from(from), u64::from(to));
    let filtered;
    let src: &[i16] = if from > to {
        filtered = box_filter(input, (from / to / 2) as usize);
        &filtered
    } else {
        input
    };
    let n_out = (input.len() as u64 * to / from) as usize;
    let last = src.len() - 1;
    out.reserve(n_out);
    for i in 0..n_out as u64 {
        // Exact rational position i·from/to, so long inputs do not drift.
        let num = i * from;
        let idx = (num / to) as usize;
        let frac = (num % to) as f64 / to as f64;
        let a = f64::from(src[idx.min(last)]);
        let b = f64::from(src[(idx + 1).min(last)]);
        out.push((a + (b - a) * frac).round() as i16);
    }
}

/// Centred moving average over ±`half` samples (edges use the samples that exist).
fn box_filter(input: &[i16], half: usize) -> Vec<i16> {
    if half == 0 {
        return input.to_vec();
    }
    let mut prefix = Vec::with_capacity(input.len() + 1);
    prefix.push(0i64);
    for &s in input {
        prefix.push(prefix[prefix.len() - 1] + i64::from(s));
    }
    (0..input.len())
        .map(|i| {
            let lo = i.saturating_sub(half);
            let hi = (i + half + 1).min(input.len());
            ((prefix[hi] - prefix[lo]) / (hi - lo) as i64) as i16
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_identity() {
        let x: Vec<i16> = (0..480).map(|i| i as i16).collect();
        let mut out = Vec::new();
        resample(&x, 48000, 8000, &mut out);
        assert_eq!(out.len(), 80);
        out.clear();
        resample(&x, 16000, 48000, &mut out);
        assert_eq!(out.len(), 1440);
        // Upsampling a ramp by linear interpolation gives the ramp.
        assert_eq!(&out[..4], &[0, 0, 1, 1]);
        out.clear();
        resample(&x, 8000, 8000, &mut out);
        assert_eq!(out, x);
    }
}
