//! The CTA-861 extension block (tag 0x02) that TVs and HDMI monitors add: which of the
//! standard video formats (VICs) the display takes, whether it is an HDMI sink, its CEC
//! physical address, and more detailed timings.
//!
//! Layout: byte 0 tag, 1 revision, 2 offset `d` of the first detailed timing, 3 flags
//! (underscan, basic audio, YCbCr 4:4:4 / 4:2:2, number of native timings), then data blocks
//! from byte 4 to `d` (a header byte: tag in bits 7..5, length in bits 4..0), then 18-byte
//! detailed timings up to byte 127.

use super::{Mode, detailed_timing};

/// The IEEE OUI of an HDMI 1.x vendor-specific data block, as stored (little-endian).
const HDMI_OUI: [u8; 3] = [0x03, 0x0C, 0x00];
/// The HDMI Forum's (HDMI 2.x) OUI, as stored.
const HDMI_FORUM_OUI: [u8; 3] = [0xD8, 0x5D, 0xC4];

const TAG_VIDEO: u8 = 2;
const TAG_VENDOR: u8 = 3;

/// What a CTA-861 extension says, as far as roomd uses it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cta {
    pub revision: u8,
    pub underscan: bool,
    pub basic_audio: bool,
    /// Short video descriptors in the display's order (VIC codes).
    pub vics: Vec<u8>,
    /// VICs marked native (bit 7 of a VIC 1..64 descriptor).
    pub native_vics: Vec<u8>,
    /// An HDMI sink (it has the HDMI vendor block), not plain DVI.
    pub hdmi: bool,
    /// HDMI 2.x (HDMI Forum vendor block).
    pub hdmi_forum: bool,
    /// The CEC physical address (`4.0.0.0`), from the HDMI vendor block.
    pub physical_address: Option<[u8; 4]>,
    /// Detailed timings of the extension.
    pub timings: Vec<Mode>,
}

impl Cta {
    /// Parses a checked 128-byte extension block; `None` if it is not CTA-861.
    pub fn parse(block: &[u8]) -> Option<Cta> {
        if block.len() < super::BLOCK || block[0] != 0x02 {
            return None;
        }
        let mut cta = Cta {
            revision: block[1],
            ..Cta::default()
        };
        let dtd_start = usize::from(block[2]);
        if block[1] >= 2 {
            cta.underscan = block[3] & 0x80 != 0;
            cta.basic_audio = block[3] & 0x40 != 0;
        }
        // Data blocks only exist from revision 3, between byte 4 and the first timing.
        if block[1] >= 3 && (4..=127).contains(&dtd_start) {
            let mut at = 4;
            while at < dtd_start {
                let header = block[at];
                let len = usize::from(header & 0x1F);
                let Some(payload) = block.get(at + 1..at + 1 + len) else {
                    break;
                };
                if at + 1 + len > dtd_start {
                    break;
                }
                cta.data_block(header >> 5, payload);
                at += 1 + len;
            }
        }
        if (4..=127).contains(&dtd_start) {
            let mut at = dtd_start;
            while at + 18 <= 127 {
                let d = &block[at..at + 18];
                if d[0] == 0 && d[1] == 0 {
                    break;
                }
                cta.timings.extend(detailed_timing(d));
                at += 18;
            }
        }
        Some(cta)
    }

    fn data_block(&mut self, tag: u8, payload: &[u8]) {
        match tag {
            TAG_VIDEO => {
                for &svd in payload {
                    // VICs 1..64 carry a native flag in bit 7; from 129 up the byte is the VIC.
                    let (vic, native) = match svd {
                        129..=192 => (svd & 0x7F, true),
                        _ => (svd, false),
                    };
                    self.vics.push(vic);
                    if native {
                        self.native_vics.push(vic);
                    }
                }
            }
            TAG_VENDOR if payload.len() >= 3 => match [payload[0], payload[1], payload[2]] {
                HDMI_OUI => {
                    self.hdmi = true;
                    if let (Some(ab), Some(cd)) = (payload.get(3), payload.get(4)) {
                        self.physical_address = Some([ab >> 4, ab & 0x0F, cd >> 4, cd & 0x0F]);
                    }
                }
                HDMI_FORUM_OUI => self.hdmi_forum = true,
                _ => {}
            },
            _ => {}
        }
    }

    /// The modes of the VICs roomd knows, in the display's order.
    pub fn vic_modes(&self) -> Vec<Mode> {
        self.vics.iter().filter_map(|v| vic_mode(*v)).collect()
    }

    /// The CEC physical address as HDMI writes it (`4.0.0.0`).
    pub fn physical_address_text(&self) -> Option<String> {
        self.physical_address
            .map(|[a, b, c, d]| format!("{a}.{b}.{c}.{d}"))
    }
}

/// The progressive formats of CTA-861 a room display is likely to offer, by VIC.
pub fn vic_mode(vic: u8) -> Option<Mode> {
    let (width, height, refresh_hz) = match vic {
        1 => (640, 480, 60),
        2 | 3 => (720, 480, 60),
        4 => (1280, 720, 60),
        16 => (1920, 1080, 60),
        17 | 18 => (720, 576, 50),
        19 => (1280, 720, 50),
        31 => (1920, 1080, 50),
        32 => (1920, 1080, 24),
        33 => (1920, 1080, 25),
        34 => (1920, 1080, 30),
        63 => (1920, 1080, 120),
        64 => (1920, 1080, 100),
        93 => (3840, 2160, 24),
        94 => (3840, 2160, 25),
        95 => (3840, 2160, 30),
        96 => (3840, 2160, 50),
        97 => (3840, 2160, 60),
        98 => (4096, 2160, 24),
        99 => (4096, 2160, 25),
        100 => (4096, 2160, 30),
        101 => (4096, 2160, 50),
        102 => (4096, 2160, 60),
        _ => return None,
    };
    Some(Mode {
        width,
        height,
        refresh_hz,
        interlaced: false,
    })
}
