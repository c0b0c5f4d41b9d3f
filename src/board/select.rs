//! Which board roomd runs on: the one `--board` names, else the one whose `compatible` list
//! matches the device tree, else the simulated board (a PC has no device tree).
//!
//! One firmware image serves every board, as one RoomOS package serves a product family; the
//! device tree the bootloader hands the kernel says which board this is.

use std::path::{Path, PathBuf};

use super::description::BoardDescription;

/// Where Linux shows the root node's `compatible` property.
pub const DEVICE_TREE_COMPATIBLE: &str = "/proc/device-tree/compatible";

/// The board used when nothing names one.
pub const FALLBACK: &str = "sim";

/// The strings of a device tree `compatible` property: NUL-separated, most specific first.
pub fn compatible_strings(raw: &[u8]) -> Vec<String> {
    raw.split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

/// The built-in board for a device tree's `compatible` property: the most specific string
/// that some board lists wins.
pub fn by_compatible(raw: &[u8]) -> Option<String> {
    let boards: Vec<BoardDescription> = BoardDescription::embedded_names()
        .into_iter()
        .filter_map(|name| BoardDescription::builtin(name).ok())
        .collect();
    compatible_strings(raw).iter().find_map(|wanted| {
        boards
            .iter()
            .find(|b| b.compatible.iter().any(|c| c == wanted))
            .map(|b| b.name.clone())
    })
}

/// The board file to load: `--board` if given, else the device tree's match read from
/// `device_tree`, else [`FALLBACK`].
pub fn board_path(flag: Option<PathBuf>, device_tree: &Path) -> PathBuf {
    if let Some(path) = flag {
        return path;
    }
    let matched = std::fs::read(device_tree)
        .ok()
        .and_then(|raw| by_compatible(&raw));
    match matched {
        Some(name) => {
            tracing::info!("device tree says board {name}");
            PathBuf::from(format!("boards/{name}.toml"))
        }
        None => PathBuf::from(format!("boards/{FALLBACK}.toml")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qemu_virt_machine_is_found_by_its_device_tree() {
        assert_eq!(
            by_compatible(b"linux,dummy-virt\0").as_deref(),
            Some("qemu-virt-aarch64")
        );
        // Most specific first: the first string some board knows wins.
        assert_eq!(
            by_compatible(b"acme,unknown\0cisco,room-bar\0cisco,codec-pro\0").as_deref(),
            Some("room-bar")
        );
        assert_eq!(
            by_compatible(b"raspberrypi,4-model-b\0brcm,bcm2711\0"),
            None
        );
        assert_eq!(by_compatible(b""), None);
    }

    #[test]
    fn the_flag_wins_and_a_pc_falls_back_to_sim() {
        let dir = tempfile::tempdir().unwrap();
        let dt = dir.path().join("compatible");
        assert_eq!(
            board_path(None, &dt),
            PathBuf::from("boards/sim.toml"),
            "no device tree"
        );
        std::fs::write(&dt, b"linux,dummy-virt\0").unwrap();
        assert_eq!(
            board_path(None, &dt),
            PathBuf::from("boards/qemu-virt-aarch64.toml")
        );
        assert_eq!(
            board_path(Some("room-kit".into()), &dt),
            PathBuf::from("room-kit")
        );
    }
}
