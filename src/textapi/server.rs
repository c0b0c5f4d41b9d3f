//! The text API on a TCP port (`roomd run --text-port`), for control systems that speak the
//! RoomOS shell over a socket, as they would over Telnet or SSH. Every connection logs in
//! with a device user's name and password.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;

use super::session::{self, Peer};
use crate::users::Users;
use crate::xapi::Bus;

/// Accepts connections until the listener fails.
pub async fn serve_tcp(listener: TcpListener, bus: Arc<Bus>, users: Arc<Users>) {
    loop {
        let (socket, from): (_, SocketAddr) = match listener.accept().await {
            Ok(pair) => pair,
            Err(e) => {
                tracing::warn!("text API: accept failed: {e}");
                continue;
            }
        };
        let _ = socket.set_nodelay(true);
        let peer = Peer {
            label: format!("tcp {from}"),
            login: true,
            as_user: None,
        };
        tokio::spawn(session::run(socket, bus.clone(), users.clone(), peer));
    }
}
