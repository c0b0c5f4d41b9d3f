//! Board files: every one in `boards/` loads, is built into the binary, and gives a device
//! schema; broken board files are refused with the file and the key named.

mod common;

use std::path::Path;

use roomd::board::BoardDescription;
use roomd::xapi::Schema;

fn board_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir("boards")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_board_file_loads_and_is_built_in() {
    let files = board_files();
    assert!(files.len() >= 5, "{files:?}");
    let mut names = BoardDescription::embedded_names();
    names.sort();
    let mut stems: Vec<_> = files
        .iter()
        .map(|f| f.file_stem().unwrap().to_str().unwrap().to_string())
        .collect();
    stems.sort();
    assert_eq!(names, stems, "every board file is embedded, and only those");
    for file in &files {
        let board = BoardDescription::load(file).unwrap_or_else(|e| panic!("{e}"));
        let stem = file.file_stem().unwrap().to_str().unwrap();
        assert_eq!(
            board.name,
            stem,
            "{}: name is the file name",
            file.display()
        );
        let builtin = BoardDescription::builtin(stem).unwrap();
        assert_eq!(format!("{board:?}"), format!("{builtin:?}"));
    }
}

#[test]
fn every_board_gives_a_schema_with_its_defaults_and_macros() {
    for file in board_files() {
        let board = BoardDescription::load(&file).unwrap();
        let mut schema = Schema::embedded(&board.product, &board.schema_extensions)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (path, value) in &board.defaults {
            schema
                .set_default(path, value)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        }
        for name in &board.macros_active {
            let js = Path::new("macros").join(format!("{name}.js"));
            assert!(js.exists(), "{}: no shipped macro {name}", file.display());
        }
    }
}

#[test]
fn the_boards_have_what_their_products_have() {
    let pro = BoardDescription::builtin("codec-pro").unwrap();
    assert_eq!((pro.outputs.len(), pro.gpio.len()), (3, 4));
    assert_eq!(pro.serial[0].baud, 115200);
    let bar = BoardDescription::builtin("room-bar").unwrap();
    assert_eq!((bar.outputs.len(), bar.gpio.len()), (2, 0));
    let qemu = BoardDescription::builtin("qemu-virt-aarch64").unwrap();
    assert_eq!(qemu.gpio_chips[0].path, "/dev/gpiochip0");
    assert_eq!(qemu.gpio_chips[0].lines, 8);
    assert_eq!(qemu.serial[0].device, "/dev/ttyAMA0");
    assert!(qemu.compatible.contains(&"linux,dummy-virt".to_string()));
    let sim = BoardDescription::builtin("sim").unwrap();
    assert_eq!(sim.gpio.len(), 4);
    assert!(sim.macros_active.contains(&"display-swap".to_string()));
}

/// Every board assembles a whole device (schema, extensions, services, drivers) on this PC,
/// presenting its product and as many GPIO pins as it has.
#[tokio::test]
async fn every_board_runs_a_device() {
    for file in board_files() {
        let board = BoardDescription::load(&file).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let options = roomd::device::Options {
            board: file.clone(),
            data: dir.path().to_path_buf(),
            listen: "127.0.0.1".parse().unwrap(),
            http_port: 0,
            sip_port: 0,
            text_port: None,
            admin_password: Some(common::PASSWORD.into()),
            macro_host: Some(env!("CARGO_BIN_EXE_roomd-macro-host").into()),
        };
        let clock = std::sync::Arc::new(roomd::clock::Clock::manual(1_795_600_000_000));
        let device = roomd::device::Device::build(&options, clock)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        common::settle().await;
        let bus = &device.bus;
        assert_eq!(
            common::get(bus, "Status SystemUnit ProductPlatform"),
            serde_json::json!(board.product_platform),
            "{}",
            file.display()
        );
        let pins = bus.status_indices("GPIO Pin");
        assert_eq!(pins.len(), board.gpio.len(), "{}", file.display());
        for output in &board.outputs {
            let at = format!("Status Video Output Connector {} Type", output.connector);
            assert_eq!(
                common::get(bus, &at),
                serde_json::json!(output.kind),
                "{at}"
            );
        }
    }
}

const HEAD: &str = "name = 'bad'\nproduct = 'barents'\nproduct_id = 'P'\n\
                    product_platform = 'P'\nserial_number = 'S'\n";

/// Loads `HEAD + body` as the file `bad.toml` and returns the error.
fn refused(body: &str) -> String {
    let text = format!("{HEAD}{body}");
    match BoardDescription::parse_file("boards/bad.toml", &text) {
        Ok(b) => panic!("accepted: {b:?}\n{text}"),
        Err(e) => {
            assert!(e.starts_with("board file boards/bad.toml: "), "{e}");
            e
        }
    }
}

fn assert_names(err: &str, words: &[&str]) {
    for word in words {
        assert!(err.contains(word), "{word:?} not in: {err}");
    }
}

const CHIP: &str = "[[gpio_chip]]\npath = '/dev/gpiochip0'\nlines = 8\n";

fn pin(n: u32, line: u32) -> String {
    format!("[[gpio]]\npin = {n}\nchip = '/dev/gpiochip0'\nline = {line}\n")
}

#[test]
fn bad_board_files_name_the_file_and_the_key() {
    let out = |w: u32, h: u32| {
        format!("[[output]]\nconnector = 1\ntype = 'HDMI'\nmax_width = {w}\nmax_height = {h}\n")
    };
    let cases: Vec<(String, &[&str])> =
        vec![
        ("colour = 'red'\n".into(), &["colour"]),
        ("[audio]\nspeakers = 2\n".into(), &["speakers"]),
        (out(0, 0), &["max_width", "[[output]] #1", "0x0"]),
        (out(1920, 0), &["max_height"]),
        (out(15360, 8640), &["max_width", "beyond"]),
        (
            format!("{}{}", out(1920, 1080), out(3840, 2160)),
            &["connector", "[[output]] #2", "twice"],
        ),
        (
            "[[output]]\nconnector = 1\ntype = 'VGA'\nmax_width = 1\nmax_height = 1\n".into(),
            &["type", "VGA"],
        ),
        (
            "[[input]]\nconnector = 2\ntype = 'HDMI'\n[[input]]\nconnector = 2\ntype = 'HDMI'\n"
                .into(),
            &["connector", "[[input]] #2"],
        ),
        (format!("{CHIP}{}", pin(1, 8)), &["line", "out of range", "0..7"]),
        (format!("{CHIP}{}{}", pin(1, 0), pin(1, 1)), &["pin", "[[gpio]] #2", "twice"]),
        (format!("{CHIP}{}{}", pin(1, 0), pin(2, 0)), &["line", "twice"]),
        (format!("{CHIP}{}{}", pin(1, 0), pin(3, 1)), &["gpio", "pin 2 is missing"]),
        (format!("{CHIP}{}", pin(5, 0)), &["pin", "1..4"]),
        (pin(1, 0), &["chip", "not a declared"]),
        (
            format!("{CHIP}[[gpio]]\npin = 1\nchip = '/dev/gpiochip0'\n"),
            &["missing field", "line"],
        ),
        (
            "[[gpio_chip]]\npath = '/dev/gpiochip0'\nlines = 0\n".into(),
            &["lines", "[[gpio_chip]] #1"],
        ),
        (
            "[[serial]]\nname = 'control'\ndevice = '/dev/ttyS0'\nbaud = 115201\n".into(),
            &["baud", "115201", "standard"],
        ),
        (
            "[[serial]]\nname = 'control'\ndevice = 'COM1'\nbaud = 9600\n".into(),
            &["device", "COM1"],
        ),
        ("max_calls = 0\n".into(), &["max_calls"]),
        ("macro_memory_mb = 1\n".into(), &["macro_memory_mb"]),
        ("audio_source = 'mic'\n".into(), &["audio_source"]),
        ("macros_active = ['a', 'a']\n".into(), &["macros_active", "twice"]),
        ("max_calls = 'many'\n".into(), &["max_calls"]),
    ];
    for (body, words) in cases {
        let err = refused(&body);
        assert_names(&err, words);
    }
}

#[test]
fn a_board_file_on_disk_is_named_in_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.toml");
    std::fs::write(&file, format!("{HEAD}[[gpio]]\npin = 1\n")).unwrap();
    let err = BoardDescription::load(&file).unwrap_err();
    assert_names(&err, &[&file.display().to_string(), "chip"]);
}
