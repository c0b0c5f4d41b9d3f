//! Every Configuration node of the product exists with its default value, and every Command
//! of the product is known (implemented, or "not implemented on this device").

mod common;

use common::{device, p};
use roomd::xapi::{Caller, ErrorKind, Typing};
use serde_json::Value as Json;

fn entries() -> Vec<Json> {
    serde_json::from_str(&std::fs::read_to_string("schema/barents.json").unwrap()).unwrap()
}

/// `Audio Output Line[1..6] Channel` → every concrete path, with its first index.
fn expand(path: &str) -> Vec<(String, Option<u32>)> {
    let mut out = vec![(String::new(), None)];
    for word in path.split(' ') {
        let (name, range) = match word.split_once('[') {
            Some((name, r)) => (name, Some(r.trim_end_matches(']'))),
            None => (word, None),
        };
        out = out
            .into_iter()
            .flat_map(|(prefix, first)| {
                let base = format!("{prefix} {name}");
                match range {
                    None => vec![(base, first)],
                    Some(r) => {
                        let (lo, hi) = r.split_once("..").unwrap_or((r, r));
                        let (lo, hi): (u32, u32) = (lo.parse().unwrap(), hi.parse().unwrap());
                        (lo..=hi)
                            .map(|i| (format!("{base} {i}"), first.or(Some(i))))
                            .collect()
                    }
                }
            })
            .collect();
    }
    out
}

fn default_for(default: &str, index: Option<u32>) -> String {
    if !default.starts_with('[') {
        return default.to_string();
    }
    let pairs: Vec<(u32, &str)> = default
        .split(';')
        .filter_map(|part| part.trim().split_once(':'))
        .map(|(k, v)| (k.trim().trim_matches(['[', ']']).parse().unwrap(), v.trim()))
        .collect();
    pairs
        .iter()
        .find(|(k, _)| Some(*k) == index)
        .unwrap_or(&pairs[0])
        .1
        .to_string()
}

#[tokio::test]
async fn every_configuration_exists_with_its_default() {
    let (device, _dir) = device();
    // The board may set its own defaults (the simulated board turns macros on).
    let board = &device.board.defaults;
    let system = Caller::system();
    let mut checked = 0;
    for entry in entries().iter().filter(|e| e["type"] == "Configuration") {
        let default = entry["default"].as_str().unwrap();
        for (path, index) in expand(entry["path"].as_str().unwrap()) {
            let value = device
                .bus
                .get(&system, &p(&format!("Configuration{path}")), Typing::Legacy)
                .unwrap_or_else(|e| panic!("Configuration{path}: {e}"));
            let board_default = board.get(entry["path"].as_str().unwrap());
            let want = board_default
                .cloned()
                .unwrap_or_else(|| default_for(default, index));
            assert_eq!(value.as_str(), Some(want.as_str()), "Configuration{path}");
            checked += 1;
        }
    }
    assert!(checked > 1000, "checked {checked}");
}

#[tokio::test]
async fn every_command_is_known() {
    let (device, _dir) = device();
    let system = Caller::system();
    let mut implemented = 0;
    for entry in entries().iter().filter(|e| e["type"] == "Command") {
        let path = entry["path"].as_str().unwrap();
        // Run with no parameters: implemented commands answer, or reject the parameters;
        // the rest say they are not implemented. None may be unknown.
        let outcome = device
            .bus
            .command(&system, &p(path), &Default::default(), None)
            .await;
        match outcome {
            Err(e) if e.kind == ErrorKind::NotImplemented => {}
            Err(e) if e.kind == ErrorKind::UnknownCommand => panic!("{path} unknown"),
            _ => implemented += 1,
        }
    }
    assert!(implemented >= 30, "implemented {implemented}");
}
