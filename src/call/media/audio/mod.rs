//! Audio for the call engine: G.711 and G.722 codecs, WAV files, a tone/WAV source, a
//! frequency detector and a linear resampler. Sans-IO and std-only, apart from
//! [`WavRecorder`], which writes to a file.
//!
//! Every codec works on 16-bit mono PCM at its own [`Encoder::sample_rate`]; the
//! [`Source`] resamples for it. Note G.722's RTP clock (8000) is half its sample rate
//! (16000), see [`CodecName::rtp_clock`].

mod detect;
mod g711;
mod g722;
mod g722_tables;
mod opus;
mod resample;
mod tone;
mod wav;

#[cfg(test)]
mod tests;

pub use detect::{dominant_frequency, tone_power};
pub use g711::{G711Decoder, G711Encoder, Law, alaw_decode, alaw_encode, ulaw_decode, ulaw_encode};
pub use g722::{G722Decoder, G722Encoder};
pub use opus::{OPUS_RATE, OpusDecoder, OpusEncoder};
pub use resample::resample;
pub use tone::{Source, Tone};
pub use wav::{Wav, WavRecorder};

/// Turns PCM into one RTP payload.
pub trait Encoder: Send {
    /// Appends the encoding of `pcm` (mono, at [`Encoder::sample_rate`]) to `out`.
    fn encode(&mut self, pcm: &[i16], out: &mut Vec<u8>);
    /// PCM sample rate the encoder expects.
    fn sample_rate(&self) -> u32;
    /// Samples in one 20 ms frame.
    fn frame_samples(&self) -> usize;
}

/// Turns RTP payloads back into PCM.
pub trait Decoder: Send {
    /// Appends the PCM decoded from `payload` to `out`.
    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>);
    /// Appends one frame of packet-loss concealment (repeat with fade, then silence).
    fn conceal(&mut self, out: &mut Vec<i16>);
    /// PCM sample rate the decoder produces.
    fn sample_rate(&self) -> u32;
}

/// The audio codecs this module implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodecName {
    /// G.711 µ-law.
    Pcmu,
    /// G.711 A-law.
    Pcma,
    /// G.722 at 64 kbit/s.
    G722,
    /// Opus, 48 kHz mono.
    Opus,
}

impl CodecName {
    /// Static RTP payload type (RFC 3551).
    pub fn payload_type(self) -> u8 {
        match self {
            CodecName::Pcmu => 0,
            CodecName::Pcma => 8,
            CodecName::G722 => 9,
            CodecName::Opus => crate::call::sdp::OPUS_PT,
        }
    }

    /// Encoding name as written in `a=rtpmap`.
    pub fn rtpmap_name(self) -> &'static str {
        match self {
            CodecName::Pcmu => "PCMU",
            CodecName::Pcma => "PCMA",
            CodecName::G722 => "G722",
            CodecName::Opus => "opus",
        }
    }

    /// RTP timestamp clock: 8000 for all three (RFC 3551 keeps G.722 at 8000 by mistake).
    pub fn rtp_clock(self) -> u32 {
        match self {
            CodecName::Opus => OPUS_RATE,
            _ => 8000,
        }
    }

    /// PCM sample rate of the codec.
    pub fn sample_rate(self) -> u32 {
        match self {
            CodecName::G722 => 16000,
            CodecName::Opus => OPUS_RATE,
            _ => 8000,
        }
    }

    /// RTP timestamp increment for `samples` PCM samples at [`CodecName::sample_rate`].
    pub fn rtp_ticks(self, samples: usize) -> u32 {
        (samples as u64 * u64::from(self.rtp_clock()) / u64::from(self.sample_rate())) as u32
    }
}

/// A fresh encoder for `c`.
pub fn encoder(c: CodecName) -> Box<dyn Encoder> {
    match c {
        CodecName::Pcmu => Box::new(G711Encoder::new(Law::Ulaw)),
        CodecName::Pcma => Box::new(G711Encoder::new(Law::Alaw)),
        CodecName::G722 => Box::new(G722Encoder::new()),
        CodecName::Opus => Box::new(OpusEncoder::new()),
    }
}

/// A fresh decoder for `c`.
pub fn decoder(c: CodecName) -> Box<dyn Decoder> {
    match c {
        CodecName::Pcmu => Box::new(G711Decoder::new(Law::Ulaw)),
        CodecName::Pcma => Box::new(G711Decoder::new(Law::Alaw)),
        CodecName::G722 => Box::new(G722Decoder::new()),
        CodecName::Opus => Box::new(OpusDecoder::new()),
    }
}

/// Maps an `a=rtpmap` encoding name and clock rate to a codec (name is case-insensitive).
pub fn codec_from_rtpmap(name: &str, clock: u32) -> Option<CodecName> {
    let c = [
        CodecName::Pcmu,
        CodecName::Pcma,
        CodecName::G722,
        CodecName::Opus,
    ]
    .into_iter()
    .find(|c| c.rtpmap_name().eq_ignore_ascii_case(name))?;
    (clock == c.rtp_clock()).then_some(c)
}

/// Packet-loss concealment shared by the decoders: replay the last frame, halving its
/// level each time, and go silent after a few frames so a long gap is not a buzz.
#[derive(Debug, Clone)]
pub(crate) struct Plc {
    last: Vec<i16>,
    frame: usize,
    lost: u32,
}

impl Plc {
    const MAX_REPEATS: u32 = 4;

    pub(crate) fn new(frame: usize) -> Self {
        Self {
            last: Vec::new(),
            frame,
            lost: 0,
        }
    }

    pub(crate) fn remember(&mut self, pcm: &[i16]) {
        self.last.clear();
        self.last.extend_from_slice(pcm);
        self.lost = 0;
    }

    pub(crate) fn conceal(&mut self, out: &mut Vec<i16>) {
        self.lost = self.lost.saturating_add(1);
        if self.last.is_empty() || self.lost > Self::MAX_REPEATS {
            let n = if self.last.is_empty() {
                self.frame
            } else {
                self.last.len()
            };
            out.resize(out.len() + n, 0);
            return;
        }
        // Fade linearly within the frame from the previous level to half of it, so the
        // joins are continuous in level.
        let n = self.last.len();
        let start = 1.0 / f64::from(1u32 << (self.lost - 1));
        for (i, &s) in self.last.iter().enumerate() {
            let g = start * (1.0 - 0.5 * i as f64 / n as f64);
            out.push((f64::from(s) * g) as i16);
        }
    }
}
