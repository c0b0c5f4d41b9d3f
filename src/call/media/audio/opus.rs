//! Opus (RFC 6716) for RTP (RFC 7587): 20 ms mono frames at 48 kHz.
//!
//! The codec is opus-rs, a maintained pure-Rust port of libopus 1.6, rather than a binding
//! to the C library: roomd then builds with nothing but Rust on a fresh machine and
//! cross-builds for the boards unchanged. RFC 7587 fixes the RTP clock at 48 kHz and the
//! rtpmap at `opus/48000/2` whatever is sent; we send mono (`stereo=0`) and take mono or
//! stereo packets (the decoder downmixes).

use super::{Decoder, Encoder};

/// Opus's RTP clock and our coding rate.
pub const OPUS_RATE: u32 = 48_000;
/// 20 ms at 48 kHz.
const FRAME: usize = 960;
/// The largest packet RFC 6716 allows per frame, plus room.
const MAX_PACKET: usize = 1500;
/// Wideband speech with room for music: what RoomOS-class devices send for audio.
const BITRATE: i32 = 48_000;

pub struct OpusEncoder {
    inner: opus_rs::OpusEncoder,
    packet: Vec<u8>,
}

impl OpusEncoder {
    pub fn new() -> OpusEncoder {
        let mut inner = opus_rs::OpusEncoder::new(OPUS_RATE as i32, 1, opus_rs::Application::Voip)
            .expect("48 kHz mono is a valid Opus configuration");
        inner.bitrate_bps = BITRATE;
        OpusEncoder {
            inner,
            packet: vec![0; MAX_PACKET],
        }
    }
}

impl Default for OpusEncoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Encoder for OpusEncoder {
    fn encode(&mut self, pcm: &[i16], out: &mut Vec<u8>) {
        // A short frame (the source ran dry) is padded with silence: Opus takes whole frames.
        let mut frame = [0i16; FRAME];
        let n = pcm.len().min(FRAME);
        frame[..n].copy_from_slice(&pcm[..n]);
        if let Ok(len) = self.inner.encode_i16(&frame, FRAME, &mut self.packet) {
            out.extend_from_slice(&self.packet[..len]);
        }
    }

    fn sample_rate(&self) -> u32 {
        OPUS_RATE
    }

    fn frame_samples(&self) -> usize {
        FRAME
    }
}

pub struct OpusDecoder {
    inner: opus_rs::OpusDecoder,
    pcm: Vec<f32>,
}

impl OpusDecoder {
    pub fn new() -> OpusDecoder {
        OpusDecoder {
            inner: opus_rs::OpusDecoder::new(OPUS_RATE as i32, 1)
                .expect("48 kHz mono is a valid Opus configuration"),
            // Up to 120 ms in one packet.
            pcm: vec![0.0; FRAME * 6],
        }
    }

    fn run(&mut self, payload: &[u8], out: &mut Vec<i16>) {
        match self.inner.decode(payload, FRAME * 6, &mut self.pcm) {
            Ok(samples) => out.extend(
                self.pcm[..samples.min(self.pcm.len())]
                    .iter()
                    .map(|s| (s * 32768.0).clamp(-32768.0, 32767.0) as i16),
            ),
            // A packet that does not decode plays as silence, never as noise.
            Err(_) => out.resize(out.len() + FRAME, 0),
        }
    }
}

impl Default for OpusDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder for OpusDecoder {
    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) {
        self.run(payload, out);
    }

    /// Opus conceals a lost frame itself, from its own state (an empty packet says "lost").
    fn conceal(&mut self, out: &mut Vec<i16>) {
        match self.inner.decode(&[], FRAME, &mut self.pcm) {
            Ok(samples) => out.extend(
                self.pcm[..samples.min(FRAME)]
                    .iter()
                    .map(|s| (s * 32768.0).clamp(-32768.0, 32767.0) as i16),
            ),
            Err(_) => out.resize(out.len() + FRAME, 0),
        }
    }

    fn sample_rate(&self) -> u32 {
        OPUS_RATE
    }
}
