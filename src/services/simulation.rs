//! The simulated board's hardware controls: only on boards marked `simulated`. They drive the
//! clock and the video hardware (displays and sources plugged in, a far-end presentation), the
//! way the real board's drivers would, and a lossy network for calls' video.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::Map;

use crate::call::media::runner::VideoLoss;
use crate::clock::iso8601;
use crate::video::{Display, Video};
use crate::xapi::{Bus, Value};

fn connector(inv: &crate::xapi::Invocation) -> u32 {
    inv.params.int("Connector").unwrap_or(0).max(0) as u32
}

/// `video_loss` is read by every call's media task: drop every Nth video packet.
pub fn install(bus: &Arc<Bus>, video: &Arc<Video>, video_loss: Arc<VideoLoss>) {
    bus.handle_sync("Simulation Network VideoLoss", move |inv| {
        let every = inv.params.int("EveryNth").unwrap_or(0).clamp(0, 1000) as u32;
        let direction = inv.params.text("Direction").unwrap_or_default();
        let knob = if direction == "Incoming" {
            &video_loss.incoming_every
        } else {
            &video_loss.outgoing_every
        };
        knob.store(every, Ordering::Relaxed);
        tracing::info!("simulated network drops every {every}th {direction} video packet");
        Ok(Map::new())
    });
    let clock = bus.clock().clone();
    bus.handle_sync("Simulation Clock Advance", move |inv| {
        let seconds = inv.params.int("Seconds").unwrap_or(0).max(0) as u64;
        clock.advance(Duration::from_secs(seconds));
        tracing::info!("simulated clock advanced by {seconds} s");
        Ok(Map::new())
    });
    let clock = bus.clock().clone();
    bus.volatile("Simulation Clock Time", move || {
        Value::Text(iso8601(clock.now()))
    });

    let v = video.clone();
    bus.handle_sync("Simulation Display Connect", move |inv| {
        let p = &inv.params;
        let display = Display {
            width: p.int("Width").unwrap_or(1920) as u32,
            height: p.int("Height").unwrap_or(1080) as u32,
            refresh_hz: 60,
            name: p.text("Name").unwrap_or_else(|| "Display".into()),
            screen_size: p.int("ScreenSize").unwrap_or(0).max(0) as u32,
        };
        v.display_connected(connector(&inv), display)?;
        Ok(Map::new())
    });
    let v = video.clone();
    bus.handle_sync("Simulation Display Disconnect", move |inv| {
        v.display_disconnected(connector(&inv))?;
        Ok(Map::new())
    });
    let v = video.clone();
    bus.handle_sync("Simulation Input Connect", move |inv| {
        v.input_connected(connector(&inv))?;
        Ok(Map::new())
    });
    let v = video.clone();
    bus.handle_sync("Simulation Input Disconnect", move |inv| {
        v.input_disconnected(connector(&inv))?;
        Ok(Map::new())
    });
    let v = video.clone();
    bus.handle_sync("Simulation RemotePresentation Start", move |_| {
        v.remote_presentation(true)?;
        Ok(Map::new())
    });
    let v = video.clone();
    bus.handle_sync("Simulation RemotePresentation Stop", move |_| {
        v.remote_presentation(false)?;
        Ok(Map::new())
    });
}
