//! RIFF/WAVE files with 16-bit PCM: an in-memory reader/writer and a streaming
//! recorder that keeps the file valid while it grows.
//!
//! The reader skips unknown chunks (LIST, fact, …), accepts WAVE_FORMAT_EXTENSIBLE with
//! the PCM sub-format, and tolerates a data size left unpatched by a crashed recorder.

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

const WAVE_FORMAT_PCM: u16 = 1;
const WAVE_FORMAT_EXTENSIBLE: u16 = 0xFFFE;
/// Bytes before the samples in the files we write (RIFF + fmt + data headers).
const HEADER_LEN: usize = 44;

/// A decoded WAV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wav {
    /// Frames per second.
    pub sample_rate: u32,
    /// Channel count (1 or 2 in practice).
    pub channels: u16,
    /// Samples, interleaved by channel.
    pub samples: Vec<i16>,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl Wav {
    /// Parses a RIFF/WAVE file holding 16-bit PCM.
    pub fn read(bytes: &[u8]) -> Result<Wav, String> {
        if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
            return Err("not a RIFF/WAVE file".into());
        }
        let mut fmt: Option<(u32, u16)> = None;
        let mut pos = 12;
        while pos + 8 <= bytes.len() {
            let id = &bytes[pos..pos + 4];
            let declared = u32_at(bytes, pos + 4) as usize;
            let body = pos + 8;
            // A recorder that died before patching leaves 0 or 0xFFFFFFFF: take what is there.
            let len = declared.min(bytes.len() - body);
            let chunk = &bytes[body..body + len];
            match id {
                b"fmt " => fmt = Some(parse_fmt(chunk)?),
                b"data" => {
                    let (sample_rate, channels) = fmt.ok_or("data chunk before fmt chunk")?;
                    let len = if declared == 0 || declared == u32::MAX as usize {
                        bytes.len() - body
                    } else {
                        len
                    };
                    let samples = bytes[body..body + len]
                        .chunks_exact(2)
                        .map(|c| i16::from_le_bytes([c[0], c[1]]))
                        .collect();
                    return Ok(Wav {
                        sample_rate,
                        channels,
                        samples,
                    });
                }
                _ => {}
            }
            // Chunks are padded to an even length.
            pos = body.saturating_add(declared).saturating_add(declared & 1);
        }
        Err(if fmt.is_none() {
            "no fmt chunk".into()
        } else {
            "no data chunk".into()
        })
    }

    /// Serialises as a canonical 44-byte-header PCM WAV file.
    pub fn write(&self) -> Vec<u8> {
        let mut out = header(self.sample_rate, self.channels, self.samples.len() * 2);
        out.reserve(self.samples.len() * 2);
        for s in &self.samples {
            out.extend_from_slice(&s.to_le_bytes());
        }
        out
    }

    /// The samples mixed down to one channel (the average of all channels).
    pub fn mono(&self) -> Vec<i16> {
        let ch = usize::from(self.channels.max(1));
        if ch == 1 {
            return self.samples.clone();
        }
        self.samples
            .chunks_exact(ch)
            .map(|f| (f.iter().map(|&s| i32::from(s)).sum::<i32>() / ch as i32) as i16)
            .collect()
    }

    /// Duration in seconds.
    pub fn duration_secs(&self) -> f64 {
        let frames = self.samples.len() / usize::from(self.channels.max(1));
        frames as f64 / f64::from(self.sample_rate.max(1))
    }
}

fn parse_fmt(c: &[u8]) -> Result<(u32, u16), String> {
    if c.len() < 16 {
        return Err("fmt chunk too short".into());
    }
    let mut tag = u16_at(c, 0);
    let channels = u16_at(c, 2);
    let sample_rate = u32_at(c, 4);
    let bits = u16_at(c, 14);
    if tag == WAVE_FORMAT_EXTENSIBLE {
        // cbSize, validBits, channelMask, then the sub-format GUID whose first two bytes
        // are the ordinary format tag.
        if c.len() < 40 {
            return Err("WAVE_FORMAT_EXTENSIBLE fmt chunk too short".into());
        }
        tag = u16_at(c, 24);
    }
    if tag != WAVE_FORMAT_PCM {
        return Err(format!("unsupported WAV format tag {tag:#06x}"));
    }
    if bits != 16 {
        return Err(format!("unsupported {bits}-bit samples (need 16)"));
    }
    if channels == 0 || sample_rate == 0 {
        return Err("zero channels or sample rate".into());
    }
    Ok((sample_rate, channels))
}

fn header(sample_rate: u32, channels: u16, data_len: usize) -> Vec<u8> {
    let data_len = u32::try_from(data_len).unwrap_or(u32::MAX - 36);
    let block = channels * 2;
    let mut h = Vec::with_capacity(HEADER_LEN);
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&(36u32.saturating_add(data_len)).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&WAVE_FORMAT_PCM.to_le_bytes());
    h.extend_from_slice(&channels.to_le_bytes());
    h.extend_from_slice(&sample_rate.to_le_bytes());
    h.extend_from_slice(&(sample_rate * u32::from(block)).to_le_bytes());
    h.extend_from_slice(&block.to_le_bytes());
    h.extend_from_slice(&16u16.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&data_len.to_le_bytes());
    h
}

/// Records mono PCM to a WAV file. The header's sizes are patched about once a second
/// of audio and on [`WavRecorder::finish`] (or drop), so a reader never sees a broken file.
#[derive(Debug)]
pub struct WavRecorder {
    file: Option<BufWriter<File>>,
    sample_rate: u32,
    data_len: usize,
    unpatched: usize,
}

impl WavRecorder {
    /// Creates (truncates) `path` and writes an empty mono WAV header.
    pub fn create(path: impl AsRef<Path>, sample_rate: u32) -> io::Result<Self> {
        let mut file = BufWriter::new(File::create(path)?);
        file.write_all(&header(sample_rate, 1, 0))?;
        file.flush()?;
        Ok(Self {
            file: Some(file),
            sample_rate,
            data_len: 0,
            unpatched: 0,
        })
    }

    /// Appends samples.
    pub fn push(&mut self, pcm: &[i16]) -> io::Result<()> {
        let Some(file) = self.file.as_mut() else {
            return Ok(());
        };
        let bytes: Vec<u8> = pcm.iter().flat_map(|s| s.to_le_bytes()).collect();
        file.write_all(&bytes)?;
        self.data_len += bytes.len();
        self.unpatched += pcm.len();
        if self.unpatched >= self.sample_rate as usize {
            self.patch()?;
        }
        Ok(())
    }

    /// Samples recorded so far.
    pub fn samples(&self) -> usize {
        self.data_len / 2
    }

    /// Writes the final sizes and closes the file.
    pub fn finish(mut self) -> io::Result<()> {
        self.patch()?;
        self.file = None;
        Ok(())
    }

    fn patch(&mut self) -> io::Result<()> {
        let Some(file) = self.file.as_mut() else {
            return Ok(());
        };
        let h = header(self.sample_rate, 1, self.data_len);
        file.flush()?;
        let f = file.get_mut();
        f.seek(SeekFrom::Start(4))?;
        f.write_all(&h[4..8])?;
        f.seek(SeekFrom::Start(40))?;
        f.write_all(&h[40..44])?;
        f.seek(SeekFrom::End(0))?;
        f.flush()?;
        self.unpatched = 0;
        Ok(())
    }
}

impl Drop for WavRecorder {
    fn drop(&mut self) {
        // Best effort: an error here has nowhere to go; finish() reports it instead.
        let _ = self.patch();
    }
}
