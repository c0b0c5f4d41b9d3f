//! Board descriptions: one TOML file per board in `boards/`, embedded in the binary.
//!
//! A board file is data only: what the device presents as on the xAPI, which connectors, pins
//! and ports it has and where Linux shows them. Drivers (`gpio`, `edid`, `serial`, `hotplug`)
//! are built from it; nothing here touches hardware. Every file is checked when loaded
//! (`validate.rs`): a mistake is reported with the file and the key, never at first use.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::validate;

/// The boards built into roomd, by file name.
const EMBEDDED: &[(&str, &str)] = &[
    ("sim.toml", include_str!("../../boards/sim.toml")),
    (
        "codec-pro.toml",
        include_str!("../../boards/codec-pro.toml"),
    ),
    ("room-kit.toml", include_str!("../../boards/room-kit.toml")),
    ("room-bar.toml", include_str!("../../boards/room-bar.toml")),
    (
        "qemu-virt-aarch64.toml",
        include_str!("../../boards/qemu-virt-aarch64.toml"),
    ),
];

/// A video output connector of the board.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VideoOutput {
    /// `Video Output Connector[n]`.
    pub connector: u32,
    /// `HDMI` or `LCD` (the schema's `Video Output Connector[n] Type`).
    #[serde(rename = "type")]
    pub kind: String,
    pub max_width: u32,
    pub max_height: u32,
    /// The I²C bus of the connector's DDC lines (`/dev/i2c-3`), where its EDID is read.
    #[serde(default)]
    pub ddc: Option<String>,
    /// The DRM connector in `/sys/class/drm` (`card0-HDMI-A-1`): hotplug state and EDID.
    #[serde(default)]
    pub drm: Option<String>,
}

/// A video input connector of the board.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VideoInput {
    /// `Video Input Connector[n]`.
    pub connector: u32,
    /// `HDMI`, `Camera`, `3G-SDI`, `USBC-DP`... (the schema's `Video Input Connector[n] Type`).
    #[serde(rename = "type")]
    pub kind: String,
}

/// A GPIO controller: a Linux `/dev/gpiochipN`, or `sim` on the simulated board.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GpioChip {
    pub path: String,
    /// How many lines the chip has; a pin's line must be below it.
    pub lines: u32,
}

/// One pin of the GPIO connector and the chip line behind it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GpioPin {
    /// `GPIO Pin[n]` on the xAPI.
    pub pin: u32,
    /// The `path` of one of the board's `gpio_chip`s.
    pub chip: String,
    /// Line offset on the chip.
    pub line: u32,
    /// The line reads 1 when the connector is Low (an inverting buffer between them).
    #[serde(default)]
    pub active_low: bool,
}

/// A serial port: the control port that carries the text API, or an outbound port.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SerialPortDescription {
    /// `control` for the port a control system logs in on.
    pub name: String,
    /// `/dev/ttyS0`, `/dev/ttyAMA0`, `/dev/ttyUSB0`.
    pub device: String,
    /// Baud rate at start, before `Configuration SerialPort BaudRate` changes it.
    pub baud: u32,
}

/// Audio connectors, counted per kind as the xAPI numbers them (`Audio Input Microphone[1..8]`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Audio {
    #[serde(default)]
    pub microphones: u32,
    #[serde(default)]
    pub hdmi_inputs: u32,
    #[serde(default)]
    pub usbc_inputs: u32,
    #[serde(default)]
    pub line_outputs: u32,
    #[serde(default)]
    pub hdmi_outputs: u32,
}

/// What a board is: which product it presents as, and what it has.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardDescription {
    /// Short name (`sim`, `codec-pro`), the file name without `.toml`.
    pub name: String,
    /// Product codename for the xAPI schema (`barents` is the Codec Pro).
    pub product: String,
    /// `Status SystemUnit ProductId`.
    pub product_id: String,
    /// `Status SystemUnit ProductPlatform`.
    pub product_platform: String,
    /// `Status SystemUnit Hardware Module SerialNumber`.
    pub serial_number: String,
    /// Device-tree `compatible` strings that pick this board on a real device.
    #[serde(default)]
    pub compatible: Vec<String>,
    /// A simulated board: hardware is driven by `Simulation *` commands.
    #[serde(default)]
    pub simulated: bool,
    /// Schema extensions the board adds (`simulation`).
    #[serde(default)]
    pub schema_extensions: Vec<String>,
    /// Configuration defaults of this board that differ from RoomOS's (`"Macros Mode" = "On"`).
    #[serde(default)]
    pub defaults: BTreeMap<String, String>,
    /// Video outputs, in connector order.
    #[serde(default, rename = "output")]
    pub outputs: Vec<VideoOutput>,
    /// Video inputs, in connector order.
    #[serde(default, rename = "input")]
    pub inputs: Vec<VideoInput>,
    /// GPIO controllers the pins are on.
    #[serde(default, rename = "gpio_chip")]
    pub gpio_chips: Vec<GpioChip>,
    /// GPIO connector pins, numbered from 1 without gaps (none if the board has no connector).
    #[serde(default, rename = "gpio")]
    pub gpio: Vec<GpioPin>,
    /// Serial ports.
    #[serde(default)]
    pub serial: Vec<SerialPortDescription>,
    /// Audio connectors.
    #[serde(default)]
    pub audio: Audio,
    /// Shipped macros (`macros/*.js`) that start active on this board.
    #[serde(default)]
    pub macros_active: Vec<String>,
    /// HttpClient requests that may run at once (RoomOS allows one).
    #[serde(default = "default_http_parallel")]
    pub http_parallel: usize,
    /// What calls hear from the room: `tone:<Hz>` or `wav:<path>` (the simulated board's
    /// microphone).
    #[serde(default = "default_audio_source")]
    pub audio_source: String,
    /// Calls the device takes at once; more are answered 486 Busy Here.
    #[serde(default = "default_max_calls")]
    pub max_calls: usize,
    /// Heap cap per macro process, in MiB.
    #[serde(default = "default_macro_memory")]
    pub macro_memory_mb: usize,
}

fn default_audio_source() -> String {
    "tone:440".into()
}

fn default_max_calls() -> usize {
    5
}

fn default_http_parallel() -> usize {
    4
}

fn default_macro_memory() -> usize {
    64
}

impl BoardDescription {
    /// Reads a board file. A path not on disk names a built-in board, by file name
    /// (`boards/sim.toml`) or by board name (`room-bar`), so `--board` works wherever roomd is
    /// started.
    pub fn load(path: &Path) -> Result<BoardDescription, String> {
        let shown = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse_file(&shown, &text),
            Err(e) => {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let file = if name.ends_with(".toml") {
                    name.to_string()
                } else {
                    format!("{name}.toml")
                };
                match Self::embedded_text(&file) {
                    Some(text) => Self::parse_file(&shown, text),
                    None => Err(format!(
                        "cannot read board file {shown}: {e} (built in: {})",
                        Self::embedded_names().join(", ")
                    )),
                }
            }
        }
    }

    /// A built-in board by name (`codec-pro`).
    pub fn builtin(name: &str) -> Result<BoardDescription, String> {
        let file = format!("{name}.toml");
        let text = Self::embedded_text(&file).ok_or_else(|| {
            format!(
                "no built-in board {name:?} (built in: {})",
                Self::embedded_names().join(", ")
            )
        })?;
        Self::parse_file(&format!("boards/{file}"), text)
    }

    /// The names of the built-in boards.
    pub fn embedded_names() -> Vec<&'static str> {
        EMBEDDED
            .iter()
            .map(|(file, _)| file.trim_end_matches(".toml"))
            .collect()
    }

    fn embedded_text(file: &str) -> Option<&'static str> {
        EMBEDDED.iter().find(|(n, _)| *n == file).map(|(_, t)| *t)
    }

    /// Parses and checks a board file; errors start with `board file <file>:`.
    pub fn parse_file(file: &str, text: &str) -> Result<BoardDescription, String> {
        Self::parse(text).map_err(|e| format!("board file {file}: {e}"))
    }

    /// Parses and checks a board file's text.
    pub fn parse(text: &str) -> Result<BoardDescription, String> {
        let board: BoardDescription = toml::from_str(text).map_err(|e| e.to_string())?;
        validate::check(&board)?;
        Ok(board)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simulated_board_is_a_codec_pro() {
        let sim = BoardDescription::load(Path::new("/nonexistent/sim.toml")).unwrap();
        assert_eq!(sim.product, "barents");
        assert!(sim.simulated);
    }

    #[test]
    fn a_board_name_finds_the_built_in_file() {
        let bar = BoardDescription::load(Path::new("room-bar")).unwrap();
        assert_eq!(bar.name, "room-bar");
        let err = BoardDescription::load(Path::new("no-such-board")).unwrap_err();
        assert!(
            err.contains("no-such-board") && err.contains("codec-pro"),
            "{err}"
        );
    }

    #[test]
    fn unknown_keys_are_named() {
        let err = BoardDescription::parse_file(
            "x.toml",
            "name='x'\nproduct='barents'\nproduct_id='a'\nproduct_platform='b'\nserial_number='c'\ncolour='red'\n",
        )
        .unwrap_err();
        assert!(err.contains("x.toml") && err.contains("colour"), "{err}");
    }
}
