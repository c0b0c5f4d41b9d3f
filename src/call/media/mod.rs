//! Media for calls: SRTP (`srtp`), RTP and RTCP (`rtp`), audio codecs and the simulated
//! board's sound (`audio`), one call's audio stream as a sans-IO `session`, and the parts
//! that give it sockets (`ports`, `runner`, `manager`).

pub mod audio;
pub mod manager;
pub mod ports;
pub mod rtp;
pub mod runner;
pub mod session;
pub mod srtp;
