//! Boards: what hardware a device has, and the drivers that reach it.
//!
//! As in embassy, the board is kept apart from the drivers. A board is data
//! ([`BoardDescription`], one TOML file per board in `boards/`); the drivers are generic over
//! the embedded-hal traits (`InputPin`/`OutputPin` for GPIO, `I2c` for the EDID on a display's
//! DDC lines) and embedded-io (`Read`/`Write` for serial ports), with a simulated and a Linux
//! implementation of each. Hardware that embedded-hal has no trait for (HDMI hotplug) gets a
//! small trait of its own here.

mod description;
pub mod edid;
pub mod gpio;
pub mod hotplug;
mod select;
pub mod serial;
mod validate;

pub use description::{
    Audio, BoardDescription, GpioChip, GpioPin, SerialPortDescription, VideoInput, VideoOutput,
};
pub use select::{DEVICE_TREE_COMPATIBLE, board_path, by_compatible, compatible_strings};
pub use validate::STANDARD_BAUDS;
