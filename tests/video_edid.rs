//! A display plugged into an output shows in `Status Video Output Connector[n]
//! ConnectedDevice` as its EDID describes it: the hotplug loop, the EDID parser and the video
//! service together, on the simulated board's outputs with simulated sockets.

mod common;

use std::sync::Arc;

use common::get;
use roomd::board::BoardDescription;
use roomd::board::edid::from_hex;
use roomd::board::hotplug::{OutputConnector, SimConnector};
use roomd::clock::Clock;
use roomd::video::connected::{Watched, poll};
use roomd::xapi::{Bus, Limits, Schema};
use serde_json::json;

fn fixture(name: &str) -> Vec<u8> {
    from_hex(&std::fs::read_to_string(format!("tests/fixtures/edid/{name}.hex")).unwrap()).unwrap()
}

fn connected_device(bus: &Bus, n: u32) -> serde_json::Value {
    let at = |leaf: &str| get(bus, &format!("Status Video Output Connector {n} {leaf}"));
    json!({
        "Connected": at("Connected"),
        "Name": at("ConnectedDevice Name"),
        "PreferredFormat": at("ConnectedDevice PreferredFormat"),
        "ScreenSize": at("ConnectedDevice ScreenSize"),
        "RefreshRate": at("Resolution RefreshRate"),
    })
}

#[tokio::test]
async fn plugged_displays_show_their_edid() {
    let board = BoardDescription::builtin("sim").unwrap();
    let schema = Schema::embedded(&board.product, &board.schema_extensions).unwrap();
    let bus = Bus::new(Arc::new(schema), Arc::new(Clock::real()), Limits::default());
    let video = roomd::video::install(&bus, &board);
    let sockets: Vec<Arc<SimConnector>> = (0..3).map(|_| Arc::default()).collect();
    let mut outputs: Vec<Watched> = sockets
        .iter()
        .enumerate()
        .map(|(i, s)| Watched::new(i as u32 + 1, s.clone() as Arc<dyn OutputConnector>))
        .collect();

    sockets[0].plug(fixture("lg-tv-sscr2"));
    sockets[1].plug(fixture("benq-pj"));
    let mut broken = fixture("dell-u2415");
    broken[30] ^= 0xFF;
    sockets[2].plug(broken);
    poll(&video, &mut outputs);
    assert_eq!(
        connected_device(&bus, 1),
        json!({"Connected": "True", "Name": "LG TV SSCR2", "PreferredFormat": "3840_2160_60",
               "ScreenSize": 72, "RefreshRate": 60})
    );
    assert_eq!(
        connected_device(&bus, 2),
        json!({"Connected": "True", "Name": "BenQ PJ", "PreferredFormat": "1920_1080_60",
               "ScreenSize": 0, "RefreshRate": 60})
    );
    // A corrupt EDID: the display is there, nameless, at the default format.
    assert_eq!(connected_device(&bus, 3)["Connected"], json!("True"));
    assert_eq!(connected_device(&bus, 3)["Name"], json!(""));

    // Replugging a Dell into output 3 with a good EDID; unplugging the TV.
    sockets[2].unplug();
    poll(&video, &mut outputs);
    sockets[2].plug(fixture("dell-u2415"));
    sockets[0].unplug();
    poll(&video, &mut outputs);
    assert_eq!(
        connected_device(&bus, 3),
        json!({"Connected": "True", "Name": "DELL U2415", "PreferredFormat": "1920_1200_60",
               "ScreenSize": 24, "RefreshRate": 60})
    );
    assert_eq!(connected_device(&bus, 1)["Connected"], json!("False"));
    assert_eq!(connected_device(&bus, 1)["Name"], json!(""));
}
