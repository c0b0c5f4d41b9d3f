//! The text API: the RoomOS shell (tshell) that control systems and jsxapi's SSH backend
//! speak, on a TCP port and on the board's serial port.
//!
//! - [`line`] reads a command line into a request (sans-IO);
//! - [`render`] writes answers and feedback in terminal mode (`*s ... ** end`) or JSON mode;
//! - [`session`] runs one session over any byte stream, through the same JSON-RPC layer as
//!   the WebSocket API, so roles, validation and results are the same everywhere;
//! - [`server`] listens on TCP, [`serial`] serves the control port.

pub mod line;
pub mod render;
pub mod serial;
pub mod server;
pub mod session;
