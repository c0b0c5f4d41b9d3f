//! Boards: what hardware a device has, and (later) the drivers that reach it.

mod description;

pub use description::BoardDescription;
