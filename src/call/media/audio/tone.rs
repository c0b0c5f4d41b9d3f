//! Audio sources for the simulated board: a phase-continuous sine tone and a looping
//! WAV clip, both delivered in frames at whatever rate the codec wants.

use std::f64::consts::TAU;

use super::wav::Wav;

/// A sine generator whose phase carries across calls, so frames join without clicks.
#[derive(Debug, Clone)]
pub struct Tone {
    freq_hz: f64,
    sample_rate: u32,
    amplitude: i16,
    /// Current phase in cycles, kept in [0, 1) so precision does not decay over hours.
    phase: f64,
}

impl Tone {
    /// A tone of `freq_hz` at `sample_rate` with peak `amplitude`.
    pub fn new(freq_hz: f64, sample_rate: u32, amplitude: i16) -> Self {
        Self {
            freq_hz,
            sample_rate: sample_rate.max(1),
            amplitude,
            phase: 0.0,
        }
    }

    /// Fills `out` with the next samples.
    pub fn fill(&mut self, out: &mut [i16]) {
        let step = self.freq_hz / f64::from(self.sample_rate);
        let amp = f64::from(self.amplitude);
        for s in out {
            *s = (amp * (TAU * self.phase).sin()).round() as i16;
            self.phase = (self.phase + step).fract();
        }
    }

    /// Changes the output rate, keeping the phase (the tone is defined in continuous time).
    pub fn set_sample_rate(&mut self, sample_rate: u32) {
        self.sample_rate = sample_rate.max(1);
    }

    /// The tone's frequency in Hz.
    pub fn freq_hz(&self) -> f64 {
        self.freq_hz
    }

    /// The rate [`Tone::fill`] produces.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }
}

/// What the simulated microphone plays.
#[derive(Debug, Clone)]
pub enum Source {
    /// A sine tone.
    Tone(Tone),
    /// A mono clip that loops forever.
    Wav {
        /// Mono samples of the clip.
        samples: Vec<i16>,
        /// The clip's sample rate.
        rate: u32,
        /// Read position in clip samples; fractional because output rates differ.
        pos: f64,
    },
}

impl Source {
    /// A steady tone at a comfortable level (about -12 dBFS).
    pub fn tone(freq_hz: f64) -> Self {
        Source::Tone(Tone::new(freq_hz, 48_000, 8_000))
    }

    /// The board's setting: `tone:<Hz>` or `wav:<path>`.
    pub fn from_spec(spec: &str) -> Result<Self, String> {
        if let Some(hz) = spec.strip_prefix("tone:") {
            let hz: f64 = hz
                .trim()
                .parse()
                .map_err(|_| format!("{hz:?} is not a frequency in Hz"))?;
            if !(20.0..=20_000.0).contains(&hz) {
                return Err(format!("{hz} Hz is outside 20-20000 Hz"));
            }
            return Ok(Source::tone(hz));
        }
        if let Some(path) = spec.strip_prefix("wav:") {
            let bytes =
                std::fs::read(path.trim()).map_err(|e| format!("cannot read {path}: {e}"))?;
            return Ok(Source::from_wav(&Wav::read(&bytes)?));
        }
        Err("expected tone:<Hz> or wav:<path>".into())
    }

    /// A looping source playing `wav` (mixed down to mono).
    pub fn from_wav(wav: &Wav) -> Self {
        Source::Wav {
            samples: wav.mono(),
            rate: wav.sample_rate.max(1),
            pos: 0.0,
        }
    }

    /// Appends the next `samples` samples at `rate` to `out`.
    pub fn next_frame(&mut self, rate: u32, samples: usize, out: &mut Vec<i16>) {
        let start = out.len();
        out.resize(start + samples, 0);
        match self {
            Source::Tone(t) => {
                t.set_sample_rate(rate);
                t.fill(&mut out[start..]);
            }
            Source::Wav {
                samples: clip,
                rate: clip_rate,
                pos,
            } => {
                if clip.is_empty() {
                    return;
                }
                let len = clip.len() as f64;
                let step = f64::from(*clip_rate) / f64::from(rate.max(1));
                // Downsampling averages over one output period, a cheap anti-alias filter.
                let half = if step > 1.0 { (step / 2.0) as isize } else { 0 };
                for s in &mut out[start..] {
                    *s = looped_sample(clip, *pos, half);
                    *pos = (*pos + step) % len;
                }
            }
        }
    }
}

/// Linear interpolation at fractional `pos` in a looping clip, box-filtered over
/// ±`half` samples.
fn looped_sample(clip: &[i16], pos: f64, half: isize) -> i16 {
    let n = clip.len() as isize;
    let at = |i: isize| f64::from(clip[i.rem_euclid(n) as usize]);
    let i = pos.floor() as isize;
    let frac = pos - pos.floor();
    let mut acc = 0.0;
    for k in -half..=half {
        acc += at(i + k) * (1.0 - frac) + at(i + k + 1) * frac;
    }
    (acc / (2 * half + 1) as f64).round() as i16
}
