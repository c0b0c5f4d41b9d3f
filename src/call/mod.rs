//! The call engine: a sans-IO SIP user agent (`sip`), SDP offer/answer (`sdp`), the tokio
//! driver that gives them sockets and time (`driver`) with its connections (`stream`), TLS
//! (`tls`) and RFC 3263 name resolution (`resolve`), the media (`media`), and the service
//! that puts calls on the xAPI (`service`, with `media_status`).

pub mod driver;
pub mod media;
pub mod media_status;
pub mod resolve;
pub mod sdp;
pub mod service;
pub mod settings;
pub mod sip;
pub mod stream;
pub mod tls;
