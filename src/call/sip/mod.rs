//! SIP (RFC 3261) without I/O: messages, transactions, dialogs, digest authentication and
//! the user agent on top. Time is always an argument; nothing here touches a socket.

pub mod auth;
pub mod dialog;
pub mod endpoint;
pub mod message;
pub mod transaction;
pub mod transport;
pub mod validate;
