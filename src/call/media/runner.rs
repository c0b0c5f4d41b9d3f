//! The task that runs one call's media: it gives the sans-IO audio session (and the main
//! video session, when the call has one) their sockets and the time, writes what arrives to
//! the board's sinks (a WAV and an H.264 file on the simulated board), and reports digits
//! and statistics to the call service.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant as TokioInstant;

use super::audio::WavRecorder;
use super::ports::SocketPair;
use super::rtp::is_rtcp;
use super::session::{AudioSession, AudioStats, Outgoing};
use super::video::{AnnexbRecorder, VideoSession, VideoStats};
use crate::call::sdp::NegotiatedStream;
use crate::call::sip::endpoint::CallId;

/// What the driver asks of a running media task.
pub enum MediaCommand {
    Dtmf {
        digits: String,
        reply: oneshot::Sender<Result<(), String>>,
    },
    /// The call's media changed (hold, resume, new keys).
    Update(Box<NegotiatedStream>),
    /// The same for the main video stream.
    UpdateVideo(Box<NegotiatedStream>),
    Stop,
}

/// What a media task reports.
#[derive(Debug)]
pub enum MediaEvent {
    Digit { call: CallId, digit: char },
    Stats { call: CallId, stats: AudioStats },
    VideoStats { call: CallId, stats: VideoStats },
}

/// The simulated board's lossy network for video: drop every Nth RTP packet sent or
/// received (0 = none). RTCP always passes, as the feedback must for repair to be seen.
#[derive(Debug, Default)]
pub struct VideoLoss {
    pub outgoing_every: AtomicU32,
    pub incoming_every: AtomicU32,
}

/// A call's main video, ready to run: the session, its sockets, where to record what
/// arrives, and the simulated board's loss knob.
pub struct VideoPart {
    pub session: VideoSession,
    pub sockets: SocketPair,
    pub recording: Option<PathBuf>,
    pub loss: Arc<VideoLoss>,
}

struct RunningVideo {
    session: VideoSession,
    rtp: UdpSocket,
    rtcp: UdpSocket,
    recorder: Option<AnnexbRecorder>,
    loss: Arc<VideoLoss>,
    sent: u32,
    received: u32,
}

fn now() -> std::time::Instant {
    TokioInstant::now().into_std()
}

/// Receives on `socket`, or waits forever when there is none.
async fn recv(socket: Option<&UdpSocket>, buf: &mut [u8]) -> std::io::Result<usize> {
    match socket {
        Some(s) => s.recv_from(buf).await.map(|(n, _)| n),
        None => std::future::pending().await,
    }
}

/// Runs until told to stop or the driver goes away.
pub async fn run(
    call: CallId,
    mut session: AudioSession,
    sockets: SocketPair,
    video: Option<VideoPart>,
    mut commands: mpsc::UnboundedReceiver<MediaCommand>,
    events: mpsc::UnboundedSender<MediaEvent>,
    recording: Option<PathBuf>,
) {
    let (Ok(rtp), Ok(rtcp)) = (adopt(sockets.rtp), adopt(sockets.rtcp)) else {
        tracing::warn!("call {call}: cannot use its media sockets");
        return;
    };
    let mut video = video.and_then(|v| start_video(call, v));
    let mut recorder = recording.and_then(|path| {
        WavRecorder::create(&path, session.playout_rate())
            .map_err(|e| tracing::warn!("call {call}: cannot record to {}: {e}", path.display()))
            .ok()
    });
    let mut rtp_buf = vec![0u8; 2048];
    let mut rtcp_buf = vec![0u8; 2048];
    // Video peers in packetization-mode 0 send each NAL whole, however large.
    let mut vrtp_buf = vec![0u8; 65536];
    let mut vrtcp_buf = vec![0u8; 2048];
    let mut out: Vec<Outgoing> = Vec::new();
    let mut next_stats = TokioInstant::now() + Duration::from_secs(1);
    loop {
        let mut wake = TokioInstant::from_std(session.poll_timeout()).min(next_stats);
        if let Some(v) = &video {
            wake = wake.min(TokioInstant::from_std(v.session.poll_timeout()));
        }
        tokio::select! {
            got = rtp.recv_from(&mut rtp_buf) => {
                if let Ok((n, _)) = got {
                    session.handle_datagram(now(), rtp_buf[..n].to_vec());
                }
            }
            got = rtcp.recv_from(&mut rtcp_buf) => {
                if let Ok((n, _)) = got {
                    session.handle_datagram(now(), rtcp_buf[..n].to_vec());
                }
            }
            got = recv(video.as_ref().map(|v| &v.rtp), &mut vrtp_buf) => {
                if let (Ok(n), Some(v)) = (got, video.as_mut()) {
                    v.receive(now(), &vrtp_buf[..n]);
                }
            }
            got = recv(video.as_ref().map(|v| &v.rtcp), &mut vrtcp_buf) => {
                if let (Ok(n), Some(v)) = (got, video.as_mut()) {
                    v.receive(now(), &vrtcp_buf[..n]);
                }
            }
            command = commands.recv() => match command {
                Some(MediaCommand::Dtmf { digits, reply }) => {
                    let _ = reply.send(session.send_dtmf(&digits));
                }
                Some(MediaCommand::Update(stream)) => {
                    if let Err(e) = session.update(&stream) {
                        tracing::warn!("call {call}: media update refused: {e}");
                    }
                }
                Some(MediaCommand::UpdateVideo(stream)) => {
                    if let Some(v) = video.as_mut()
                        && let Err(e) = v.session.update(&stream)
                    {
                        tracing::warn!("call {call}: video update refused: {e}");
                    }
                }
                Some(MediaCommand::Stop) | None => break,
            },
            _ = tokio::time::sleep_until(wake) => {}
        }
        session.poll_transmit(now(), &mut out);
        for packet in out.drain(..) {
            send(&rtp, &rtcp, &packet, session.rtcp_muxed());
        }
        if let Some(v) = video.as_mut() {
            v.transmit(now(), &mut out);
            if !v.record() {
                tracing::warn!("call {call}: the video recording stopped");
            }
        }
        while let Some(pcm) = session.take_played() {
            if let Some(r) = recorder.as_mut()
                && r.push(&pcm).is_err()
            {
                recorder = None;
            }
        }
        while let Some(digit) = session.take_digit() {
            let _ = events.send(MediaEvent::Digit { call, digit });
        }
        if TokioInstant::now() >= next_stats {
            next_stats += Duration::from_secs(1);
            let _ = events.send(MediaEvent::Stats {
                call,
                stats: session.stats(),
            });
            if let Some(v) = &video {
                let _ = events.send(MediaEvent::VideoStats {
                    call,
                    stats: v.session.stats(),
                });
            }
        }
    }
    if let Some(r) = recorder
        && let Err(e) = r.finish()
    {
        tracing::warn!("call {call}: the recording is incomplete: {e}");
    }
}

fn start_video(call: CallId, part: VideoPart) -> Option<RunningVideo> {
    let (Ok(rtp), Ok(rtcp)) = (adopt(part.sockets.rtp), adopt(part.sockets.rtcp)) else {
        tracing::warn!("call {call}: cannot use its video sockets");
        return None;
    };
    let recorder = part.recording.and_then(|path| {
        AnnexbRecorder::create(&path)
            .map_err(|e| tracing::warn!("call {call}: cannot record to {}: {e}", path.display()))
            .ok()
    });
    Some(RunningVideo {
        session: part.session,
        rtp,
        rtcp,
        recorder,
        loss: part.loss,
        sent: 0,
        received: 0,
    })
}

impl RunningVideo {
    /// Sends what the session has due; the loss knob drops some RTP on the way out.
    fn transmit(&mut self, now: std::time::Instant, out: &mut Vec<Outgoing>) {
        self.session.poll_transmit(now, out);
        let every = self.loss.outgoing_every.load(Ordering::Relaxed);
        for packet in out.drain(..) {
            if !packet.rtcp && drops(&mut self.sent, every) {
                continue;
            }
            send(&self.rtp, &self.rtcp, &packet, self.session.rtcp_muxed());
        }
    }

    /// A datagram from the video sockets, unless the simulated network loses it.
    fn receive(&mut self, now: std::time::Instant, bytes: &[u8]) {
        let every = self.loss.incoming_every.load(Ordering::Relaxed);
        if !is_rtcp(bytes) && drops(&mut self.received, every) {
            return;
        }
        self.session.handle_datagram(now, bytes.to_vec());
    }

    /// Writes received frames to the recording. False once, when writing fails.
    fn record(&mut self) -> bool {
        while let Some(frame) = self.session.take_frame() {
            if let Some(r) = self.recorder.as_mut()
                && r.push(&frame).is_err()
            {
                self.recorder = None;
                return false;
            }
        }
        true
    }
}

/// Sends a datagram from the stream's RTP or RTCP socket. With rtcp-mux, RTCP leaves from
/// the RTP port too (RFC 5761 §5.1.1).
fn send(rtp: &UdpSocket, rtcp: &UdpSocket, packet: &Outgoing, muxed: bool) {
    let socket = if packet.rtcp && !muxed { rtcp } else { rtp };
    let _ = socket.try_send_to(&packet.bytes, packet.to);
}

/// Counts a packet; true for every `every`th (never when `every` is 0).
fn drops(count: &mut u32, every: u32) -> bool {
    if every == 0 {
        return false;
    }
    *count = count.wrapping_add(1);
    count.is_multiple_of(every)
}

fn adopt(socket: std::net::UdpSocket) -> std::io::Result<UdpSocket> {
    socket.set_nonblocking(true)?;
    UdpSocket::from_std(socket)
}
