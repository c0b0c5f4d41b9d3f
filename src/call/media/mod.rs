//! Media for calls: SRTP (`srtp`), RTP and RTCP (`rtp`), audio codecs and the simulated
//! board's sound (`audio`), one call's audio stream as a sans-IO `session`, its main video
//! as a sans-IO `video` session (both send on a `link`: the peer's addresses and SRTP), and
//! the parts that give them sockets (`ports`, `runner`, `manager`).

pub mod audio;
pub mod link;
pub mod manager;
pub mod ports;
pub mod rtp;
pub mod runner;
pub mod session;
pub mod srtp;
pub mod video;
