//! EDID: what a display says about itself over its DDC lines (VESA E-EDID 1.3/1.4).
//!
//! Sans-IO: [`Edid::parse`] takes the bytes, however they were read ([`ddc::read`] over an
//! embedded-hal `I2c`, or `/sys/class/drm/*/edid`), and never panics: a wrong header, a bad
//! checksum or a short read is an [`EdidError`] that says which block and why. roomd needs
//! little of it: the name, the preferred mode and the size for
//! `Status Video Output Connector[n] ConnectedDevice`, plus the CTA-861 extension's basics.
//!
//! Layout of the 128-byte base block used here: 0..8 header, 8..10 manufacturer (three 5-bit
//! letters), 10..12 product code (LE), 12..16 serial (LE), 21/22 image size in cm, 54..126
//! four 18-byte descriptors (a detailed timing when its first two bytes are non-zero, else a
//! display descriptor tagged by byte 3: 0xFC name, 0xFF serial text), 126 extension count,
//! 127 checksum (all 128 bytes sum to 0 mod 256).

pub mod cta;
pub mod ddc;

use std::fmt;

/// Every EDID block is this long.
pub const BLOCK: usize = 128;
const HEADER: [u8; 8] = [0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00];
const DESCRIPTORS: [usize; 4] = [54, 72, 90, 108];

/// Why bytes are not a usable EDID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EdidError {
    /// Fewer bytes than the blocks announced.
    Truncated { len: usize, needed: usize },
    /// The base block does not start with 00 FF FF FF FF FF FF 00.
    BadHeader,
    /// A block's bytes do not sum to 0 mod 256.
    BadChecksum { block: usize, sum: u8 },
}

impl fmt::Display for EdidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EdidError::Truncated { len, needed } => {
                write!(f, "EDID truncated: {len} bytes, its blocks need {needed}")
            }
            EdidError::BadHeader => {
                write!(f, "not an EDID: the header is not 00 FF FF FF FF FF FF 00")
            }
            EdidError::BadChecksum { block, sum } => write!(
                f,
                "EDID block {block} is corrupt: its bytes sum to {sum:#04x}, not 0 mod 256"
            ),
        }
    }
}

impl std::error::Error for EdidError {}

/// A video mode: active pixels and the refresh rate in whole hertz.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mode {
    pub width: u32,
    pub height: u32,
    pub refresh_hz: u32,
    pub interlaced: bool,
}

impl Mode {
    /// As RoomOS writes formats: `3840_2160_60`.
    pub fn format(&self) -> String {
        format!("{}_{}_{}", self.width, self.height, self.refresh_hz)
    }
}

/// What roomd reads from an EDID.
#[derive(Clone, Debug, PartialEq)]
pub struct Edid {
    /// Three-letter PNP id (`DEL`, `GSM`, `BNQ`).
    pub manufacturer: String,
    pub product_code: u16,
    pub serial: u32,
    /// The serial-number text descriptor (0xFF), if any.
    pub serial_text: Option<String>,
    /// The monitor name descriptor (0xFC), if any.
    pub name: Option<String>,
    /// The first detailed timing: the preferred mode.
    pub preferred: Option<Mode>,
    /// Image size in cm; `None` for a projector or a variable size (both 0).
    pub size_cm: Option<(u8, u8)>,
    /// The CTA-861 extension, if the display has one (TVs, HDMI monitors).
    pub cta: Option<cta::Cta>,
}

/// Whether a block's bytes sum to 0 mod 256.
pub fn check_block(bytes: &[u8], block: usize) -> Result<(), EdidError> {
    let sum = bytes.iter().fold(0u8, |s, b| s.wrapping_add(*b));
    if sum == 0 {
        Ok(())
    } else {
        Err(EdidError::BadChecksum { block, sum })
    }
}

/// Checks the base block alone; returns how many extension blocks follow it.
pub fn check_base(base: &[u8]) -> Result<usize, EdidError> {
    let base = base.get(..BLOCK).ok_or(EdidError::Truncated {
        len: base.len(),
        needed: BLOCK,
    })?;
    if base[..8] != HEADER {
        return Err(EdidError::BadHeader);
    }
    check_block(base, 0)?;
    Ok(usize::from(base[126]))
}

/// A detailed timing descriptor (18 bytes) as a mode; `None` if it is a display descriptor or
/// describes nothing.
pub fn detailed_timing(d: &[u8]) -> Option<Mode> {
    let d: &[u8; 18] = d.try_into().ok()?;
    let clock_hz = u64::from(u16::from_le_bytes([d[0], d[1]])) * 10_000;
    if clock_hz == 0 {
        return None;
    }
    let h_active = u32::from(d[2]) | (u32::from(d[4] & 0xF0) << 4);
    let h_blank = u32::from(d[3]) | (u32::from(d[4] & 0x0F) << 8);
    let v_active = u32::from(d[5]) | (u32::from(d[7] & 0xF0) << 4);
    let v_blank = u32::from(d[6]) | (u32::from(d[7] & 0x0F) << 8);
    let interlaced = d[17] & 0x80 != 0;
    let total = u64::from(h_active + h_blank) * u64::from(v_active + v_blank);
    if h_active == 0 || v_active == 0 || total == 0 {
        return None;
    }
    // Rounded to whole hertz. An interlaced timing describes one field: the frame has twice
    // its lines, and the rate is the field rate (1080i60 is 60 fields a second).
    let refresh = (clock_hz * 1000 / total + 500) / 1000;
    let height = if interlaced { v_active * 2 } else { v_active };
    Some(Mode {
        width: h_active,
        height,
        refresh_hz: u32::try_from(refresh).unwrap_or(0),
        interlaced,
    })
}

/// The text of a display descriptor: up to 13 bytes, ended by a line feed, padded by spaces.
fn descriptor_text(d: &[u8]) -> String {
    let text = d.get(5..18).unwrap_or(&[]);
    let end = text.iter().position(|b| *b == 0x0A).unwrap_or(text.len());
    text[..end]
        .iter()
        .map(|b| {
            if b.is_ascii_graphic() || *b == b' ' {
                *b as char
            } else {
                '?'
            }
        })
        .collect::<String>()
        .trim_end()
        .to_string()
}

fn manufacturer(hi: u8, lo: u8) -> String {
    let id = u16::from_be_bytes([hi, lo]);
    [10u16, 5, 0]
        .iter()
        .map(|shift| match (id >> shift) & 0x1F {
            n @ 1..=26 => char::from(b'A' + n as u8 - 1),
            _ => '?',
        })
        .collect()
}

impl Edid {
    /// Parses a base block and its extensions. Extra bytes after the announced blocks (some
    /// capture tools read 256 bytes from a one-block display) are ignored.
    pub fn parse(bytes: &[u8]) -> Result<Edid, EdidError> {
        let extensions = check_base(bytes)?;
        let needed = BLOCK * (1 + extensions);
        if bytes.len() < needed {
            return Err(EdidError::Truncated {
                len: bytes.len(),
                needed,
            });
        }
        for block in 1..=extensions {
            check_block(&bytes[block * BLOCK..(block + 1) * BLOCK], block)?;
        }
        let b = &bytes[..BLOCK];
        let mut edid = Edid {
            manufacturer: manufacturer(b[8], b[9]),
            product_code: u16::from_le_bytes([b[10], b[11]]),
            serial: u32::from_le_bytes([b[12], b[13], b[14], b[15]]),
            serial_text: None,
            name: None,
            preferred: None,
            size_cm: (b[21] != 0 && b[22] != 0).then_some((b[21], b[22])),
            cta: None,
        };
        for at in DESCRIPTORS {
            let d = &b[at..at + 18];
            if d[0] != 0 || d[1] != 0 {
                if edid.preferred.is_none() {
                    edid.preferred = detailed_timing(d);
                }
                continue;
            }
            match d[3] {
                0xFC if edid.name.is_none() => edid.name = Some(descriptor_text(d)),
                0xFF if edid.serial_text.is_none() => edid.serial_text = Some(descriptor_text(d)),
                _ => {}
            }
        }
        edid.cta = (1..=extensions)
            .map(|block| &bytes[block * BLOCK..(block + 1) * BLOCK])
            .find_map(cta::Cta::parse);
        Ok(edid)
    }

    /// The diagonal in whole inches, from the image size in cm; 0 if unknown.
    pub fn screen_inches(&self) -> u32 {
        match self.size_cm {
            Some((w, h)) => {
                let cm = (f64::from(w).powi(2) + f64::from(h).powi(2)).sqrt();
                (cm / 2.54).round() as u32
            }
            None => 0,
        }
    }

    /// The name to show: the monitor name descriptor, else the PNP id and product code.
    pub fn display_name(&self) -> String {
        match &self.name {
            Some(name) if !name.is_empty() => name.clone(),
            _ => format!("{} {:04X}", self.manufacturer, self.product_code),
        }
    }
}

/// Decodes a hex dump (`00 ff ff ...`, any whitespace, or none) into bytes.
pub fn from_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    hex::decode(&digits).map_err(|e| format!("EDID hex: {e}"))
}
