//! Any text: SDP parsing never panics; what parses can be answered, and written out and
//! parsed again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roomd_fuzz::sdp::{Encryption, KeySource, LocalMedia, SessionDescription, create_answer};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(offer) = SessionDescription::parse(text) else {
        return;
    };
    let again = SessionDescription::parse(&offer.to_string()).expect("what we write parses");
    assert_eq!(again.media.len(), offer.media.len());
    let local = LocalMedia {
        address: "127.0.0.1".parse().unwrap(),
        audio_port: 16384,
        video_port: 16386,
        slides_port: 16388,
        bfcp_port: 16390,
        encryption: Encryption::BestEffort,
        video: true,
        presentation: true,
        bandwidth_kbps: 6000,
    };
    let mut fill = |buf: &mut [u8]| buf.fill(7);
    if let Ok((answer, _)) = create_answer(&offer, &local, 1, 1, &mut KeySource(&mut fill)) {
        SessionDescription::parse(&answer.to_string()).expect("our answer parses");
    }
});
