//! The task that runs one call's audio: it gives the sans-IO session its sockets and the
//! time, writes what arrives to the board's sink (a WAV file on the simulated board), and
//! reports digits and statistics to the call service.

use std::path::PathBuf;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant as TokioInstant;

use super::audio::WavRecorder;
use super::ports::AudioSockets;
use super::session::{AudioSession, AudioStats, Outgoing};
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
    Stop,
}

/// What a media task reports.
#[derive(Debug)]
pub enum MediaEvent {
    Digit { call: CallId, digit: char },
    Stats { call: CallId, stats: AudioStats },
}

fn now() -> std::time::Instant {
    TokioInstant::now().into_std()
}

/// Runs until told to stop or the driver goes away.
pub async fn run(
    call: CallId,
    mut session: AudioSession,
    sockets: AudioSockets,
    mut commands: mpsc::UnboundedReceiver<MediaCommand>,
    events: mpsc::UnboundedSender<MediaEvent>,
    recording: Option<PathBuf>,
) {
    let (Ok(rtp), Ok(rtcp)) = (adopt(sockets.rtp), adopt(sockets.rtcp)) else {
        tracing::warn!("call {call}: cannot use its media sockets");
        return;
    };
    let mut recorder = recording.and_then(|path| {
        WavRecorder::create(&path, session.playout_rate())
            .map_err(|e| tracing::warn!("call {call}: cannot record to {}: {e}", path.display()))
            .ok()
    });
    let mut rtp_buf = vec![0u8; 2048];
    let mut rtcp_buf = vec![0u8; 2048];
    let mut out: Vec<Outgoing> = Vec::new();
    let mut next_stats = TokioInstant::now() + Duration::from_secs(1);
    loop {
        let wake = TokioInstant::from_std(session.poll_timeout()).min(next_stats);
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
            command = commands.recv() => match command {
                Some(MediaCommand::Dtmf { digits, reply }) => {
                    let _ = reply.send(session.send_dtmf(&digits));
                }
                Some(MediaCommand::Update(stream)) => {
                    if let Err(e) = session.update(&stream) {
                        tracing::warn!("call {call}: media update refused: {e}");
                    }
                }
                Some(MediaCommand::Stop) | None => break,
            },
            _ = tokio::time::sleep_until(wake) => {}
        }
        session.poll_transmit(now(), &mut out);
        for packet in out.drain(..) {
            let socket = if packet.rtcp { &rtcp } else { &rtp };
            let _ = socket.try_send_to(&packet.bytes, packet.to);
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
        }
    }
    if let Some(r) = recorder
        && let Err(e) = r.finish()
    {
        tracing::warn!("call {call}: the recording is incomplete: {e}");
    }
}

fn adopt(socket: std::net::UdpSocket) -> std::io::Result<UdpSocket> {
    socket.set_nonblocking(true)?;
    UdpSocket::from_std(socket)
}
