//! The ways in from outside: the HTTP server with the xAPI WebSocket (later the text API
//! over TCP, SSH and serial).

pub mod auth;
pub mod client;
pub mod jsonrpc;
pub mod ws;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::response::Html;
use axum::routing::get;
use tokio::net::TcpListener;

use crate::users::Users;
use crate::xapi::Bus;

/// What the HTTP handlers share.
pub struct App {
    pub bus: Arc<Bus>,
    pub users: Arc<Users>,
    pub guard: auth::LoginGuard,
}

impl App {
    pub fn new(bus: Arc<Bus>, users: Arc<Users>) -> Arc<App> {
        Arc::new(App {
            bus,
            users,
            // Five wrong passwords a minute per address, then 503 until the minute is over.
            guard: auth::LoginGuard::new(5, Duration::from_secs(60)),
        })
    }
}

async fn index() -> Html<&'static str> {
    Html(
        "<!doctype html><title>roomd</title><h1>roomd</h1>\
         <p>The xAPI is served as JSON-RPC over WebSocket at <code>/ws</code>.</p>",
    )
}

/// Serves HTTP on `listener` until `shutdown` resolves.
pub async fn serve_http(
    listener: TcpListener,
    app: Arc<App>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = Router::new()
        .route("/", get(index))
        .route("/ws", get(ws::upgrade))
        .with_state(app);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
