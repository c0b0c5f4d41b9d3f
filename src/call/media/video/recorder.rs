//! The simulated board's screen: received access units appended to an Annex B file
//! (`call-<id>.h264` next to the call's WAV), which ffprobe/ffplay read as raw H.264.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

#[derive(Debug)]
pub struct AnnexbRecorder {
    file: BufWriter<File>,
}

impl AnnexbRecorder {
    /// Creates (truncates) `path`.
    pub fn create(path: impl AsRef<Path>) -> io::Result<AnnexbRecorder> {
        Ok(AnnexbRecorder {
            file: BufWriter::new(File::create(path)?),
        })
    }

    /// Appends one access unit, each NAL behind a 4-byte start code, and flushes so the file
    /// is readable while the call goes on.
    pub fn push(&mut self, nals: &[Vec<u8>]) -> io::Result<()> {
        for nal in nals {
            self.file.write_all(&[0, 0, 0, 1])?;
            self.file.write_all(nal)?;
        }
        self.file.flush()
    }
}
