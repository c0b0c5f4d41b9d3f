//! xGet round trip over loopback WebSocket (goal: p50 ≤ 100 µs, p99 ≤ 1 ms).
//!
//! A device runs in this process on the simulated board with its real HTTP/WebSocket server;
//! one client sends `xGet Status Audio Volume` and waits for each answer before the next.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use roomd::clock::Clock;
use roomd::device::{Device, Options};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const WARMUP: usize = 2_000;
const SAMPLES: usize = 20_000;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let options = Options {
            board: "boards/sim.toml".into(),
            data: dir.path().to_path_buf(),
            listen: "127.0.0.1".parse().unwrap(),
            http_port: 0,
            sip_port: 0,
            text_port: None,
            admin_password: Some("bench".into()),
            macro_host: Some(env!("CARGO_BIN_EXE_roomd-macro-host").into()),
        };
        let device = Device::build(&options, Arc::new(Clock::real())).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = roomd::remote::App::new(device.bus.clone(), device.users.clone());
        tokio::spawn(roomd::remote::serve_http(listener, app, std::future::pending()));

        let mut request = format!("ws://{addr}/ws").into_client_request().unwrap();
        request
            .headers_mut()
            .insert("Authorization", "Basic YWRtaW46YmVuY2g=".parse().unwrap());
        let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        let mut samples = Vec::with_capacity(SAMPLES);
        for i in 0..WARMUP + SAMPLES {
            let text = format!(
                r#"{{"jsonrpc":"2.0","id":{i},"method":"xGet","params":{{"Path":["Status","Audio","Volume"]}}}}"#
            );
            let start = Instant::now();
            ws.send(Message::Text(text.into())).await.unwrap();
            let reply = ws.next().await.unwrap().unwrap();
            let elapsed = start.elapsed();
            assert!(reply.to_text().unwrap().contains("\"result\":50"));
            if i >= WARMUP {
                samples.push(elapsed);
            }
        }
        samples.sort();
        let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
        let show = |d: Duration| format!("{:.1} µs", d.as_secs_f64() * 1e6);
        println!(
            "xGet round trip over loopback WebSocket, {SAMPLES} samples: p50 {}  p90 {}  p99 {}  max {}",
            show(pct(0.50)),
            show(pct(0.90)),
            show(pct(0.99)),
            show(*samples.last().unwrap())
        );
    });
}
