//! Firmware images and A/B updates: signed images, two slots, tried boots, rollback.
//!
//! The design is the common core of RAUC, Mender, Android A/B and ChromeOS (see
//! `../shared/research/firmware-boards.md` §5), at the size of one program:
//!
//! - [`manifest`] and [`version`]: what an image is for and exactly what it carries;
//! - [`sign`]: ed25519 keys and signatures over the manifest;
//! - [`bundle`]: the tar container, read in one pass; [`verify`]: every refusal and its reason;
//! - [`boot`]: the boot state and its transitions, pure; [`slots`]: that state and the slots
//!   on disk, installing atomically; [`launcher`]: `roomd firmware boot`, which starts a slot
//!   and commits or rolls back; [`health`]: when a started roomd counts as healthy;
//! - [`upgrade`]: `xCommand SystemUnit SoftwareUpgrade URL:`, download then install.
//!
//! The slots hold only what an image brings (roomd, its board file, the shipped macros).
//! Configuration, macros, bookings and accounts live in the data store (`roomd run --data`),
//! which no update or rollback touches.

pub mod boot;
pub mod bundle;
pub mod health;
pub mod launcher;
pub mod manifest;
pub mod sign;
pub mod slots;
pub mod upgrade;
pub mod verify;
pub mod version;
