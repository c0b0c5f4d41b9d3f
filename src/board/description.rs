//! Board descriptions: one TOML file per board in `boards/`, embedded in the binary.

use std::path::Path;

use serde::Deserialize;

/// The boards built into roomd, by file name.
const EMBEDDED: &[(&str, &str)] = &[("sim.toml", include_str!("../../boards/sim.toml"))];

/// A video output connector of the board.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VideoOutput {
    pub connector: u32,
    /// `HDMI` or `LCD`.
    #[serde(rename = "type")]
    pub kind: String,
    pub max_width: u32,
    pub max_height: u32,
}

/// A video input connector of the board.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VideoInput {
    pub connector: u32,
    /// `HDMI`, `USBC`, `Camera`...
    #[serde(rename = "type")]
    pub kind: String,
}

/// What a board is: which product it presents as, and what it has.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardDescription {
    /// Short name (`sim`, `codec-pro`).
    pub name: String,
    /// Product codename for the xAPI schema (`barents` is the Codec Pro).
    pub product: String,
    /// `Status SystemUnit ProductId`.
    pub product_id: String,
    /// `Status SystemUnit ProductPlatform`.
    pub product_platform: String,
    /// `Status SystemUnit Hardware Module SerialNumber`.
    pub serial_number: String,
    /// A simulated board: hardware is driven by `Simulation *` commands.
    #[serde(default)]
    pub simulated: bool,
    /// Schema extensions the board adds (`simulation`).
    #[serde(default)]
    pub schema_extensions: Vec<String>,
    /// Configuration defaults of this board that differ from RoomOS's (`"Macros Mode" = "On"`).
    #[serde(default)]
    pub defaults: std::collections::BTreeMap<String, String>,
    /// Video outputs, in connector order.
    #[serde(default, rename = "output")]
    pub outputs: Vec<VideoOutput>,
    /// Video inputs, in connector order.
    #[serde(default, rename = "input")]
    pub inputs: Vec<VideoInput>,
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
    /// Reads a board file; falls back to the built-in copy of a file with the same name,
    /// so the default `boards/sim.toml` works wherever roomd is started.
    pub fn load(path: &Path) -> Result<BoardDescription, String> {
        let shown = path.display();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                EMBEDDED
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, text)| text.to_string())
                    .ok_or_else(|| format!("cannot read board file {shown}: {e}"))?
            }
        };
        Self::parse(&text).map_err(|e| format!("board file {shown}: {e}"))
    }

    pub fn parse(text: &str) -> Result<BoardDescription, String> {
        toml::from_str(text).map_err(|e| e.to_string())
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
    fn unknown_keys_are_named() {
        let err = BoardDescription::parse(
            "name='x'\nproduct='barents'\nproduct_id='a'\nproduct_platform='b'\nserial_number='c'\ncolour='red'\n",
        )
        .unwrap_err();
        assert!(err.contains("colour"), "{err}");
    }
}
