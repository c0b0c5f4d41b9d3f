//! roomd's parsers and SRTP, compiled from the main tree for fuzzing (same files, no device around).
//! `validate` reaches the messages as `super::message`, so both sit at the crate root.

#[path = "../../src/call/sip/message/mod.rs"]
pub mod message;
#[path = "../../src/call/sdp/mod.rs"]
pub mod sdp;
#[path = "../../src/call/sip/validate.rs"]
pub mod validate;
#[path = "../../src/call/media/srtp/mod.rs"]
pub mod srtp;
