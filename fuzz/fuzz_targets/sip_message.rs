//! Any bytes: parsing never panics; what parses is checked like a request the device got,
//! and survives being written out and parsed again; stream framing never panics either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roomd_fuzz::message::{Message, Method, frame};
use roomd_fuzz::validate::{Policy, check_request};

fuzz_target!(|data: &[u8]| {
    let _ = frame(data);
    let Ok(message) = Message::parse(data) else {
        return;
    };
    let policy = Policy {
        supported_extensions: &["timer"],
        accepted_body_types: &["application/sdp"],
        allowed_methods: &[
            Method::Invite,
            Method::Ack,
            Method::Bye,
            Method::Cancel,
            Method::Options,
        ],
    };
    if message.is_request() {
        let _ = check_request(&message, &policy);
    }
    let _ = (
        message.from(),
        message.to(),
        message.vias(),
        message.contacts(),
        message.cseq(),
    );
    let again = Message::parse(&message.to_bytes()).expect("what we write parses");
    assert_eq!(again.call_id(), message.call_id());
});
