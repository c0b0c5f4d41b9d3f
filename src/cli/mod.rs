//! Command-line tools that talk to a running roomd over its xAPI.

pub mod firmware;
pub mod macros;
