//! Checks a parsed board file for what TOML and serde cannot: duplicates, gaps, references to
//! undeclared chips, impossible values. Each error names the key and the table it is in
//! (`key line of [[gpio]] #3`), so a typo in a board file is found when it is loaded, not when a
//! pin is first driven on a device.

use std::collections::BTreeSet;

use super::description::BoardDescription;

/// `GPIO Pin[1..4]` on the xAPI.
const MAX_GPIO_PINS: u32 = 4;
/// The largest format any RoomOS output or schema value space knows (8K).
const MAX_WIDTH: u32 = 7680;
const MAX_HEIGHT: u32 = 4320;
/// Rates a UART and a control system agree on; anything else is a typo.
pub const STANDARD_BAUDS: &[u32] = &[
    1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600,
];
// As `Status Video Output Connector[n] Type` allows them.
const OUTPUT_TYPES: &[&str] = &["HDMI", "LCD"];
// As `Status Video Input Connector[n] Type` allows them (RoomOS 26.4.1 schema).
const INPUT_TYPES: &[&str] = &[
    "Camera", "3G-SDI", "HD-SDI", "USBC-DP", "HDMI", "USB", "Ethernet",
];

fn at(table: &str, n: usize, key: &str) -> String {
    format!("key {key} of [[{table}]] #{}", n + 1)
}

fn unique<T: Ord + std::fmt::Display>(
    seen: &mut BTreeSet<T>,
    value: T,
    where_: impl FnOnce() -> String,
) -> Result<(), String> {
    if seen.contains(&value) {
        return Err(format!("{}: {value} appears twice", where_()));
    }
    seen.insert(value);
    Ok(())
}

/// Checks everything serde let through.
pub fn check(board: &BoardDescription) -> Result<(), String> {
    top_level(board)?;
    video(board)?;
    gpio(board)?;
    serial(board)
}

fn top_level(b: &BoardDescription) -> Result<(), String> {
    let name_ok = !b.name.is_empty()
        && b.name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !name_ok {
        return Err(format!(
            "key name: {:?} must be lowercase letters, digits and '-'",
            b.name
        ));
    }
    if b.product.is_empty() {
        return Err("key product: empty (a product codename such as \"barents\")".into());
    }
    if b.max_calls == 0 {
        return Err("key max_calls: must be at least 1".into());
    }
    if b.http_parallel == 0 {
        return Err("key http_parallel: must be at least 1".into());
    }
    if !(16..=4096).contains(&b.macro_memory_mb) {
        return Err(format!(
            "key macro_memory_mb: {} MiB is outside 16..4096",
            b.macro_memory_mb
        ));
    }
    if !(b.audio_source.starts_with("tone:") || b.audio_source.starts_with("wav:")) {
        return Err(format!(
            "key audio_source: {:?} is neither tone:<Hz> nor wav:<path>",
            b.audio_source
        ));
    }
    let mut macros = BTreeSet::new();
    for name in &b.macros_active {
        unique(&mut macros, name.as_str(), || "key macros_active".into())?;
    }
    Ok(())
}

fn video(b: &BoardDescription) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for (i, o) in b.outputs.iter().enumerate() {
        if o.connector == 0 {
            return Err(format!(
                "{}: connectors count from 1",
                at("output", i, "connector")
            ));
        }
        unique(&mut seen, o.connector, || at("output", i, "connector"))?;
        if !OUTPUT_TYPES.contains(&o.kind.as_str()) {
            return Err(format!(
                "{}: {:?} is not one of {OUTPUT_TYPES:?}",
                at("output", i, "type"),
                o.kind
            ));
        }
        if o.max_width == 0 || o.max_height == 0 {
            let key = if o.max_width == 0 {
                "max_width"
            } else {
                "max_height"
            };
            return Err(format!(
                "{}: {}x{} is not a resolution",
                at("output", i, key),
                o.max_width,
                o.max_height
            ));
        }
        if o.max_width > MAX_WIDTH || o.max_height > MAX_HEIGHT {
            let key = if o.max_width > MAX_WIDTH {
                "max_width"
            } else {
                "max_height"
            };
            return Err(format!(
                "{}: {}x{} is beyond {MAX_WIDTH}x{MAX_HEIGHT}",
                at("output", i, key),
                o.max_width,
                o.max_height
            ));
        }
        if let Some(ddc) = &o.ddc
            && !ddc.starts_with("/dev/i2c-")
        {
            return Err(format!(
                "{}: {ddc:?} is not a /dev/i2c-N",
                at("output", i, "ddc")
            ));
        }
        if let Some(drm) = &o.drm
            && (drm.is_empty() || drm.contains('/'))
        {
            return Err(format!(
                "{}: {drm:?} is not a connector name like card0-HDMI-A-1",
                at("output", i, "drm")
            ));
        }
    }
    let mut seen = BTreeSet::new();
    for (i, input) in b.inputs.iter().enumerate() {
        if input.connector == 0 {
            return Err(format!(
                "{}: connectors count from 1",
                at("input", i, "connector")
            ));
        }
        unique(&mut seen, input.connector, || at("input", i, "connector"))?;
        if !INPUT_TYPES.contains(&input.kind.as_str()) {
            return Err(format!(
                "{}: {:?} is not one of {INPUT_TYPES:?}",
                at("input", i, "type"),
                input.kind
            ));
        }
    }
    Ok(())
}

fn gpio(b: &BoardDescription) -> Result<(), String> {
    let mut chips = BTreeSet::new();
    for (i, chip) in b.gpio_chips.iter().enumerate() {
        unique(&mut chips, chip.path.as_str(), || {
            at("gpio_chip", i, "path")
        })?;
        if !(chip.path == "sim" || chip.path.starts_with("/dev/gpiochip")) {
            return Err(format!(
                "{}: {:?} is neither a /dev/gpiochipN nor sim",
                at("gpio_chip", i, "path"),
                chip.path
            ));
        }
        if !(1..=1024).contains(&chip.lines) {
            return Err(format!(
                "{}: {} lines is outside 1..1024",
                at("gpio_chip", i, "lines"),
                chip.lines
            ));
        }
    }
    let mut pins = BTreeSet::new();
    let mut lines = BTreeSet::new();
    for (i, pin) in b.gpio.iter().enumerate() {
        if !(1..=MAX_GPIO_PINS).contains(&pin.pin) {
            return Err(format!(
                "{}: pin {} is outside the xAPI's GPIO Pin[1..{MAX_GPIO_PINS}]",
                at("gpio", i, "pin"),
                pin.pin
            ));
        }
        unique(&mut pins, pin.pin, || at("gpio", i, "pin"))?;
        let chip = b
            .gpio_chips
            .iter()
            .find(|c| c.path == pin.chip)
            .ok_or_else(|| {
                format!(
                    "{}: {:?} is not a declared [[gpio_chip]]",
                    at("gpio", i, "chip"),
                    pin.chip
                )
            })?;
        if pin.line >= chip.lines {
            return Err(format!(
                "{}: line {} is out of range: {} has lines 0..{}",
                at("gpio", i, "line"),
                pin.line,
                chip.path,
                chip.lines - 1
            ));
        }
        unique(
            &mut lines,
            format!("{} line {}", pin.chip, pin.line),
            || at("gpio", i, "line"),
        )?;
    }
    // Pins count 1..n: a gap is a forgotten table.
    if let Some(missing) = (1..=pins.len() as u32).find(|n| !pins.contains(n)) {
        return Err(format!(
            "key gpio: pin {missing} is missing (pins are numbered 1..{} without gaps)",
            pins.len()
        ));
    }
    Ok(())
}

fn serial(b: &BoardDescription) -> Result<(), String> {
    let mut names = BTreeSet::new();
    let mut devices = BTreeSet::new();
    for (i, port) in b.serial.iter().enumerate() {
        unique(&mut names, port.name.as_str(), || at("serial", i, "name"))?;
        if !port.device.starts_with("/dev/") {
            return Err(format!(
                "{}: {:?} is not a device path under /dev",
                at("serial", i, "device"),
                port.device
            ));
        }
        unique(&mut devices, port.device.as_str(), || {
            at("serial", i, "device")
        })?;
        if !STANDARD_BAUDS.contains(&port.baud) {
            return Err(format!(
                "{}: {} is not a standard rate ({STANDARD_BAUDS:?})",
                at("serial", i, "baud"),
                port.baud
            ));
        }
    }
    Ok(())
}
