//! roomd: the runtime of a video-conferencing room device.
//!
//! See `README.md` and `../shared/DESIGN.md` for the architecture. The crate is a library
//! (everything below) and the `roomd` binary (`src/main.rs`).

pub mod alloc_cap;
pub mod board;
pub mod calendar;
pub mod call;
pub mod cli;
pub mod clock;
pub mod device;
pub mod firmware;
pub mod macro_runtime;
pub mod remote;
pub mod services;
pub mod store;
pub mod textapi;
pub mod ui;
pub mod users;
pub mod video;
pub mod xapi;
