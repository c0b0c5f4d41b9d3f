//! Reading an EDID over DDC: the I²C bus in an HDMI cable, through embedded-hal's `I2c`.
//!
//! The display answers at address 0x50: write the offset, read 128 bytes. A 256-byte segment
//! holds two blocks; blocks past the second need the E-DDC segment pointer (address 0x30)
//! set first. The base block is checked before its extension count is trusted, so a bad read
//! never makes roomd read 255 blocks of noise. On Linux this runs over
//! `linux_embedded_hal::I2cdev` (`/dev/i2c-N`, the output's `ddc` in the board file).

use embedded_hal::i2c::{Error as _, ErrorKind, I2c};

use super::{BLOCK, Edid, EdidError, check_base, check_block};

/// The DDC address of the EDID EEPROM.
pub const EDID_ADDRESS: u8 = 0x50;
/// The E-DDC segment pointer.
pub const SEGMENT_ADDRESS: u8 = 0x30;

/// Why an EDID could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The bus failed (no display answering: `NoAcknowledge`).
    Bus { block: usize, kind: ErrorKind },
    /// The bytes arrived but are not a good EDID.
    Edid(EdidError),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Bus { block, kind } => {
                write!(f, "DDC read of EDID block {block} failed: {kind}")
            }
            ReadError::Edid(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReadError {}

impl From<EdidError> for ReadError {
    fn from(e: EdidError) -> Self {
        ReadError::Edid(e)
    }
}

fn read_block<I: I2c>(i2c: &mut I, block: usize) -> Result<[u8; BLOCK], ReadError> {
    let bus = |e: I::Error| ReadError::Bus {
        block,
        kind: e.kind(),
    };
    let segment = (block / 2) as u8;
    if segment > 0 {
        i2c.write(SEGMENT_ADDRESS, &[segment]).map_err(bus)?;
    }
    let offset = ((block % 2) * BLOCK) as u8;
    let mut buf = [0u8; BLOCK];
    i2c.write_read(EDID_ADDRESS, &[offset], &mut buf)
        .map_err(bus)?;
    Ok(buf)
}

/// Reads the base block and its extensions, each checked; returns the raw bytes.
pub fn read_bytes<I: I2c>(i2c: &mut I) -> Result<Vec<u8>, ReadError> {
    let base = read_block(i2c, 0)?;
    let extensions = check_base(&base)?;
    let mut bytes = base.to_vec();
    for block in 1..=extensions {
        let ext = read_block(i2c, block)?;
        check_block(&ext, block)?;
        bytes.extend_from_slice(&ext);
    }
    Ok(bytes)
}

/// Reads and parses the EDID of the display on a DDC bus.
pub fn read<I: I2c>(i2c: &mut I) -> Result<Edid, ReadError> {
    Ok(Edid::parse(&read_bytes(i2c)?)?)
}

/// The DDC bus of an output on Linux (`/dev/i2c-N`).
pub fn open_linux(path: &str) -> Result<linux_embedded_hal::I2cdev, String> {
    linux_embedded_hal::I2cdev::new(path).map_err(|e| format!("cannot open DDC bus {path}: {e}"))
}

#[cfg(test)]
mod tests {
    use embedded_hal::i2c::NoAcknowledgeSource;
    use embedded_hal_mock::eh1::i2c::{Mock, Transaction};

    use super::*;

    /// A one-block EDID with a good checksum and `extensions` announced.
    fn base(extensions: u8) -> Vec<u8> {
        let mut b = vec![0u8; BLOCK];
        b[..8].copy_from_slice(&[0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0]);
        b[8..10].copy_from_slice(&[0x10, 0xAC]); // DEL
        b[126] = extensions;
        seal(&mut b);
        b
    }

    fn extension(tag: u8) -> Vec<u8> {
        let mut b = vec![0u8; BLOCK];
        b[0] = tag;
        b[1] = 3;
        b[2] = 4;
        seal(&mut b);
        b
    }

    fn seal(b: &mut [u8]) {
        let sum = b[..127].iter().fold(0u8, |s, x| s.wrapping_add(*x));
        b[127] = sum.wrapping_neg();
    }

    #[test]
    fn reads_the_base_block_then_each_extension_at_its_offset_and_segment() {
        let expectations = [
            Transaction::write_read(0x50, vec![0], base(3)),
            Transaction::write_read(0x50, vec![128], extension(0x02)),
            Transaction::write(0x30, vec![1]),
            Transaction::write_read(0x50, vec![0], extension(0x02)),
            Transaction::write(0x30, vec![1]),
            Transaction::write_read(0x50, vec![128], extension(0x10)),
        ];
        let mut i2c = Mock::new(&expectations);
        let edid = read(&mut i2c).unwrap();
        assert_eq!(edid.manufacturer, "DEL");
        assert!(edid.cta.is_some());
        i2c.done();
    }

    #[test]
    fn a_bad_base_block_stops_before_any_extension_is_read() {
        let mut bad = base(2);
        bad[127] ^= 1;
        let expectations = [Transaction::write_read(0x50, vec![0], bad)];
        let mut i2c = Mock::new(&expectations);
        let err = read(&mut i2c).unwrap_err();
        assert!(matches!(
            err,
            ReadError::Edid(EdidError::BadChecksum { block: 0, .. })
        ));
        i2c.done();
    }

    #[test]
    fn a_corrupt_extension_is_named() {
        let mut ext = extension(0x02);
        ext[50] = 0x55;
        let expectations = [
            Transaction::write_read(0x50, vec![0], base(1)),
            Transaction::write_read(0x50, vec![128], ext),
        ];
        let mut i2c = Mock::new(&expectations);
        let err = read(&mut i2c).unwrap_err();
        assert!(err.to_string().contains("block 1"), "{err}");
        i2c.done();
    }

    #[test]
    fn no_display_on_the_bus_is_a_bus_error() {
        let nack = ErrorKind::NoAcknowledge(NoAcknowledgeSource::Address);
        let expectations =
            [Transaction::write_read(0x50, vec![0], vec![0; BLOCK]).with_error(nack)];
        let mut i2c = Mock::new(&expectations);
        let err = read(&mut i2c).unwrap_err();
        assert_eq!(
            err,
            ReadError::Bus {
                block: 0,
                kind: nack
            }
        );
        assert!(err.to_string().contains("block 0"), "{err}");
        i2c.done();
    }
}
