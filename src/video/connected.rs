//! Displays plugged into outputs, as their EDID describes them, and the loop that follows an
//! output's hotplug on a real board.
//!
//! `Status Video Output Connector[n] ConnectedDevice` shows the EDID's monitor name, its
//! preferred mode as `3840_2160_60` and its diagonal in inches. The board's connectors
//! ([`OutputConnector`]: DRM sysfs on Linux, a socket in memory in tests) are polled: a change
//! of the hotplug state reads the EDID and tells [`Video`], as the simulated board's
//! `Simulation Display Connect` does.

use std::sync::Arc;
use std::time::Duration;

use super::{Display, Video};
use crate::board::edid::Edid;
use crate::board::hotplug::OutputConnector;

/// How often hotplug is polled.
pub const POLL: Duration = Duration::from_secs(1);

/// A display as its EDID describes it. Without a detailed timing, the first CTA format it
/// lists, else 640x480 at 60 Hz, the one format every CTA-861 sink must take.
pub fn display_from_edid(edid: &Edid) -> Display {
    let mode = edid.preferred.or_else(|| {
        edid.cta
            .as_ref()
            .and_then(|c| c.vic_modes().first().copied())
    });
    let (width, height, refresh_hz) = match mode {
        Some(m) => (m.width, m.height, m.refresh_hz),
        None => (640, 480, 60),
    };
    Display {
        width,
        height,
        refresh_hz,
        name: edid.display_name(),
        screen_size: edid.screen_inches(),
    }
}

/// A display from raw EDID bytes. A display whose EDID cannot be read is still plugged in:
/// it shows without a name at 1920x1080, and the log says why.
pub fn display_from_bytes(connector: u32, bytes: &[u8]) -> Display {
    match Edid::parse(bytes) {
        Ok(edid) => display_from_edid(&edid),
        Err(e) => {
            tracing::warn!("video output {connector}: {e}");
            Display {
                width: 1920,
                height: 1080,
                refresh_hz: 60,
                name: String::new(),
                screen_size: 0,
            }
        }
    }
}

/// An output and what its connector said last.
pub struct Watched {
    pub connector: u32,
    pub port: Arc<dyn OutputConnector>,
    last: Option<bool>,
}

impl Watched {
    pub fn new(connector: u32, port: Arc<dyn OutputConnector>) -> Watched {
        Watched {
            connector,
            port,
            last: None,
        }
    }
}

/// Looks at every output once and tells `video` about plugs and unplugs.
pub fn poll(video: &Video, outputs: &mut [Watched]) {
    for out in outputs.iter_mut() {
        let connected = match out.port.connected() {
            Ok(c) => c,
            Err(e) => {
                if out.last.is_some() {
                    tracing::warn!("video output {}: {e}", out.connector);
                }
                out.last = None;
                continue;
            }
        };
        if out.last == Some(connected) {
            continue;
        }
        out.last = Some(connected);
        let result = if connected {
            let bytes = out.port.edid().unwrap_or_else(|e| {
                tracing::warn!("video output {}: {e}", out.connector);
                Vec::new()
            });
            video.display_connected(out.connector, display_from_bytes(out.connector, &bytes))
        } else {
            video.display_disconnected(out.connector)
        };
        if let Err(e) = result {
            tracing::warn!("video output {}: {e}", out.connector);
        }
    }
}

/// Polls the outputs for as long as roomd runs.
pub async fn follow(video: Arc<Video>, mut outputs: Vec<Watched>) {
    loop {
        poll(&video, &mut outputs);
        tokio::time::sleep(POLL).await;
    }
}
