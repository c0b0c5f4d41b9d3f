//! Starts, restarts and stops each call's media task as the SIP endpoint reports the call's
//! life (connected, media changed, ended). Lives inside the SIP driver.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::audio::Source;
use super::ports::Pool;
use super::ports::SocketPair;
use super::rtp::ntp_from_system_time;
use super::runner::{self, MediaCommand, MediaEvent, VideoLoss, VideoPart};
use super::session::AudioSession;
use super::video::{ClipSource, VideoSession};
use crate::call::sdp::{Negotiated, NegotiatedStream, StreamKind};
use crate::call::sip::endpoint::{CallId, Event};

/// What the board gives calls to hear and where what they say goes.
#[derive(Clone, Debug)]
pub struct MediaSettings {
    /// `tone:<Hz>` or `wav:<path>`.
    pub source: String,
    /// Each call's received audio is written to `<dir>/call-<id>.wav` and its main video
    /// to `<dir>/call-<id>.h264` (simulated board).
    pub recordings: Option<PathBuf>,
    /// Main video runs only where there is a camera to send: the simulated board's is the
    /// built-in clip. Elsewhere video lines are negotiated but carry nothing yet.
    pub video: bool,
    /// The simulated board's lossy network, set by `Simulation Network VideoLoss`.
    pub video_loss: Arc<VideoLoss>,
}

impl MediaSettings {
    fn source(&self) -> Source {
        Source::from_spec(&self.source).unwrap_or_else(|e| {
            tracing::warn!("audio source {:?}: {e}; using a 440 Hz tone", self.source);
            Source::tone(440.0)
        })
    }
}

struct Running {
    commands: mpsc::UnboundedSender<MediaCommand>,
    dtmf: bool,
}

pub struct Manager {
    pool: Pool,
    settings: MediaSettings,
    running: HashMap<CallId, Running>,
    events: mpsc::UnboundedSender<MediaEvent>,
}

impl Manager {
    pub fn new(
        pool: Pool,
        settings: MediaSettings,
        events: mpsc::UnboundedSender<MediaEvent>,
    ) -> Manager {
        Manager {
            pool,
            settings,
            running: HashMap::new(),
            events,
        }
    }

    /// Follows the endpoint's events.
    pub fn on_event(&mut self, event: &Event) {
        match event {
            Event::Connected { call, media } => self.start(*call, media),
            Event::MediaChanged { call, media, .. } => self.update(*call, media),
            Event::Ended { call, .. } => self.stop(*call),
            _ => {}
        }
    }

    fn start(&mut self, call: CallId, media: &Negotiated) {
        let Some(stream) = audio_of(media) else {
            return;
        };
        let Some(sockets) = self.pool.take(call) else {
            return;
        };
        let mut ssrc = [0u8; 4];
        rand::fill(&mut ssrc);
        let session = match AudioSession::new(
            stream,
            self.settings.source(),
            u32::from_be_bytes(ssrc),
            std::time::Instant::now(),
            ntp_from_system_time(std::time::SystemTime::now()),
        ) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!("call {call}: no audio: {e}");
                return;
            }
        };
        let recording = self.recording(call, "wav");
        let video = sockets.video.and_then(|pair| self.video(call, media, pair));
        let (tx, rx) = mpsc::unbounded_channel();
        self.running.insert(
            call,
            Running {
                commands: tx,
                dtmf: stream.dtmf_payload_type.is_some(),
            },
        );
        tokio::spawn(runner::run(
            call,
            session,
            sockets.audio,
            video,
            rx,
            self.events.clone(),
            recording,
        ));
    }

    /// Where the simulated board records this call's received `ext` media.
    fn recording(&self, call: CallId, ext: &str) -> Option<PathBuf> {
        let dir = self.settings.recordings.as_ref()?;
        std::fs::create_dir_all(dir).ok()?;
        Some(dir.join(format!("call-{call}.{ext}")))
    }

    /// The call's main video, if it agreed on H.264 and this board has a camera.
    fn video(&self, call: CallId, media: &Negotiated, sockets: SocketPair) -> Option<VideoPart> {
        if !self.settings.video {
            return None;
        }
        let stream = video_of(media).filter(|s| s.remote.is_some())?;
        let mut ssrc = [0u8; 4];
        rand::fill(&mut ssrc);
        let session = VideoSession::new(
            stream,
            Box::new(ClipSource::builtin()),
            u32::from_be_bytes(ssrc),
            std::time::Instant::now(),
            ntp_from_system_time(std::time::SystemTime::now()),
        )
        .map_err(|e| tracing::info!("call {call}: no video: {e}"))
        .ok()?;
        Some(VideoPart {
            session,
            sockets,
            recording: self.recording(call, "h264"),
            loss: self.settings.video_loss.clone(),
        })
    }

    fn update(&mut self, call: CallId, media: &Negotiated) {
        let Some(running) = self.running.get(&call) else {
            return;
        };
        if let Some(stream) = audio_of(media) {
            let _ = running
                .commands
                .send(MediaCommand::Update(Box::new(stream.clone())));
        }
        // A video line turned off (port 0) comes as a disabled stream: it stops sending.
        if let Some(stream) = video_of(media) {
            let _ = running
                .commands
                .send(MediaCommand::UpdateVideo(Box::new(stream.clone())));
        }
    }

    fn stop(&mut self, call: CallId) {
        self.pool.release(call);
        if let Some(r) = self.running.remove(&call) {
            let _ = r.commands.send(MediaCommand::Stop);
        }
    }

    /// Sends digits in the media (RFC 4733) when the call agreed to telephone-event; gives
    /// the reply back otherwise so the caller can fall back to SIP INFO.
    pub fn dtmf(
        &mut self,
        call: CallId,
        digits: String,
        reply: oneshot::Sender<Result<(), String>>,
    ) -> Option<(String, oneshot::Sender<Result<(), String>>)> {
        match self.running.get(&call) {
            Some(r) if r.dtmf => {
                let _ = r.commands.send(MediaCommand::Dtmf { digits, reply });
                None
            }
            _ => Some((digits, reply)),
        }
    }
}

/// The call's main video line, on or off.
fn video_of(media: &Negotiated) -> Option<&NegotiatedStream> {
    media
        .streams
        .iter()
        .find(|s| s.kind == StreamKind::MainVideo)
}

/// The call's audio stream, if it is on.
fn audio_of(media: &Negotiated) -> Option<&NegotiatedStream> {
    media
        .streams
        .iter()
        .find(|s| s.kind == StreamKind::Audio && s.remote.is_some())
}
