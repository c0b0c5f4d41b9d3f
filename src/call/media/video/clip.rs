//! The simulated board's camera: a short pre-encoded H.264 clip (Annex B) played in a loop,
//! one access unit per frame. A key-frame request jumps ahead to the clip's next IDR, which
//! is what an encoder asked for an intra refresh would produce.

use super::source::VideoSource;
use super::{NAL_IDR, is_key_frame, nal_type};
use crate::call::media::rtp::h264::split_annexb;

/// assets/video/README.md says how it was made: 320x180, 15 fps, an IDR every 15 frames.
const BUILTIN: &[u8] = include_bytes!("../../../../assets/video/testsrc-320x180-15fps.h264");
const BUILTIN_FPS: u32 = 15;

#[derive(Debug, Clone)]
pub struct ClipSource {
    frames: Vec<Vec<Vec<u8>>>,
    fps: u32,
    next: usize,
}

impl ClipSource {
    /// The clip built into roomd.
    pub fn builtin() -> ClipSource {
        ClipSource::from_annexb(BUILTIN, BUILTIN_FPS).expect("the built-in clip has an IDR")
    }

    /// A clip from an Annex B stream. Refused unless it has at least one IDR; frames before
    /// the first IDR are dropped so the loop always starts decodable.
    pub fn from_annexb(stream: &[u8], fps: u32) -> Result<ClipSource, String> {
        let mut frames = access_units(stream);
        let first_key = frames
            .iter()
            .position(|f| is_key_frame(f))
            .ok_or("the clip has no IDR frame")?;
        frames.drain(..first_key);
        Ok(ClipSource {
            frames,
            fps: fps.max(1),
            next: 0,
        })
    }

    pub fn frame_count(&self) -> usize {
        self.frames.len()
    }
}

impl VideoSource for ClipSource {
    fn frame_rate(&self) -> u32 {
        self.fps
    }

    fn next_frame(&mut self, key_frame: bool) -> Vec<Vec<u8>> {
        if key_frame {
            // The first frame is an IDR, so this search always ends.
            while !is_key_frame(&self.frames[self.next]) {
                self.next = (self.next + 1) % self.frames.len();
            }
        }
        let frame = self.frames[self.next].clone();
        self.next = (self.next + 1) % self.frames.len();
        frame
    }
}

/// Groups NAL units into access units (H.264 §7.4.1.2.3): a new one starts at an access
/// unit delimiter, SEI, SPS or PPS after a slice, or at a slice whose first_mb_in_slice is
/// 0 (its ue(v) coding is a single 1 bit) after a slice.
fn access_units(stream: &[u8]) -> Vec<Vec<Vec<u8>>> {
    let mut units = Vec::new();
    let mut current: Vec<Vec<u8>> = Vec::new();
    let mut has_slice = false;
    for nal in split_annexb(stream) {
        let kind = nal_type(nal);
        let slice = (1..=NAL_IDR).contains(&kind);
        let starts_picture = if slice {
            nal.get(1).is_some_and(|b| b & 0x80 != 0)
        } else {
            matches!(kind, 6..=9)
        };
        if has_slice && starts_picture {
            units.push(std::mem::take(&mut current));
            has_slice = false;
        }
        has_slice |= slice;
        current.push(nal.to_vec());
    }
    if has_slice {
        units.push(current);
    }
    units
}
