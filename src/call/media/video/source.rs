//! Where the video we send comes from: anything that yields H.264 access units (NAL units
//! without start codes) at a fixed frame rate and can start over with a key frame when the
//! far end lost the picture.

/// A producer of H.264 access units.
pub trait VideoSource: Send {
    /// Frames per second; the session sends one access unit per frame period.
    fn frame_rate(&self) -> u32;
    /// The next access unit. With `key_frame` the source must give an IDR frame (the
    /// sender adds SPS/PPS in front if the source left them out).
    fn next_frame(&mut self, key_frame: bool) -> Vec<Vec<u8>>;
}

/// A stand-in encoder for tests and boards without a clip: an IDR every `gop` frames (or on
/// request) of `key_size` bytes, other frames `delta_size` bytes. Payload bytes carry the
/// frame number so a receiver can tell frames apart. Not decodable video.
#[derive(Debug, Clone)]
pub struct SyntheticSource {
    pub fps: u32,
    pub gop: u32,
    pub key_size: usize,
    pub delta_size: usize,
    frame: u32,
    since_key: u32,
}

impl SyntheticSource {
    pub fn new(fps: u32, gop: u32, key_size: usize, delta_size: usize) -> Self {
        SyntheticSource {
            fps: fps.max(1),
            gop: gop.max(1),
            key_size: key_size.max(2),
            delta_size: delta_size.max(2),
            frame: 0,
            since_key: 0,
        }
    }
}

impl VideoSource for SyntheticSource {
    fn frame_rate(&self) -> u32 {
        self.fps
    }

    fn next_frame(&mut self, key_frame: bool) -> Vec<Vec<u8>> {
        let key = key_frame || self.frame == 0 || self.since_key + 1 >= self.gop;
        let tag = self.frame.to_be_bytes();
        self.frame = self.frame.wrapping_add(1);
        let slice = |header: u8, size: usize| {
            let mut nal = vec![header];
            nal.extend((0..size - 1).map(|i| tag[i % 4]));
            nal
        };
        if key {
            self.since_key = 0;
            vec![
                vec![0x67, 0x42, 0xc0, 0x1f, 0x8c],
                vec![0x68, 0xce, 0x3c, 0x80],
                slice(0x65, self.key_size),
            ]
        } else {
            self.since_key += 1;
            vec![slice(0x41, self.delta_size)]
        }
    }
}
