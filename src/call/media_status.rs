//! `Status MediaChannels Call[n] Channel[m]`: what a call's audio and main video are doing,
//! as RoomOS shows it. Channel 1 is the incoming audio, channel 2 the outgoing, channels 3
//! and 4 the incoming and outgoing main video.

use crate::call::media::session::AudioStats;
use crate::call::media::video::VideoStats;
use crate::call::sip::endpoint::CallId;
use crate::xapi::{Batch, StatusWriter, XapiError};

/// The leaves every channel has: type, direction, encryption and its Netstat counters, with
/// loss and jitter on an incoming channel.
struct Channel<'a> {
    call: CallId,
    number: u32,
    kind: &'a str,
    direction: &'a str,
    encrypted: bool,
    packets: u64,
    bytes: u64,
    round_trip_ms: Option<u64>,
    loss_and_jitter: Option<(i64, f64)>,
}

impl Channel<'_> {
    fn leaf(&self, leaf: &str) -> String {
        format!(
            "MediaChannels Call {} Channel {} {leaf}",
            self.call, self.number
        )
    }

    fn write(&self, b: &mut Batch<'_>) -> Result<(), XapiError> {
        b.set(&self.leaf("Type"), self.kind)?;
        b.set(&self.leaf("Direction"), self.direction)?;
        b.set(
            &self.leaf("Encryption"),
            if self.encrypted { "On" } else { "Off" },
        )?;
        b.set(&self.leaf("Netstat Packets"), self.packets as i64)?;
        b.set(&self.leaf("Netstat Bytes"), self.bytes as i64)?;
        if let Some(rtt) = self.round_trip_ms {
            b.set(&self.leaf("Netstat RoundTripTime"), rtt as i64)?;
        }
        if let Some((lost, jitter_ms)) = self.loss_and_jitter {
            b.set(&self.leaf("Netstat Loss"), lost.max(0))?;
            b.set(&self.leaf("Netstat Jitter"), jitter_ms.round() as i64)?;
        }
        Ok(())
    }
}

/// RoomOS's name for an audio codec.
fn protocol(codec: &str) -> &'static str {
    match codec.to_ascii_uppercase().as_str() {
        "PCMU" => "G711Mu",
        "PCMA" => "G711A",
        "G722" => "G722",
        "OPUS" => "Opus",
        _ => "Off",
    }
}

pub fn publish(status: &StatusWriter, call: CallId, stats: &AudioStats) -> Result<(), XapiError> {
    status.update(|b| {
        for (number, direction, packets, bytes) in [
            (1, "Incoming", stats.packets_received, stats.bytes_received),
            (2, "Outgoing", stats.packets_sent, stats.bytes_sent),
        ] {
            let channel = Channel {
                call,
                number,
                kind: "Audio",
                direction,
                encrypted: stats.encrypted,
                packets,
                bytes,
                round_trip_ms: stats.round_trip_ms,
                loss_and_jitter: (number == 1).then_some((stats.packets_lost, stats.jitter_ms)),
            };
            channel.write(b)?;
            b.set(&channel.leaf("Audio Protocol"), protocol(&stats.codec))?;
            b.set(&channel.leaf("Audio Channels"), 1)?;
            b.set(&channel.leaf("Audio ChannelRole"), "Main")?;
        }
        Ok(())
    })?;
    // A roomd extension (schema/extensions/media.json): boards without it simply don't show
    // the count, so a refusal here is not an error.
    let _ = status.update(|b| {
        let leaf = format!("MediaChannels Call {call} Channel 1 Netstat SrtpAuthFailures");
        b.set(&leaf, stats.auth_failures as i64)
    });
    Ok(())
}

/// Main video's channels. Frame, NACK, retransmission and key-frame request counts are roomd
/// extensions (schema/extensions/media.json), left out where a board lacks them.
pub fn publish_video(
    status: &StatusWriter,
    call: CallId,
    stats: &VideoStats,
) -> Result<(), XapiError> {
    let protocol = if stats.codec.eq_ignore_ascii_case("H264") {
        "H264"
    } else {
        "Off"
    };
    status.update(|b| {
        for (number, direction, packets, bytes, intra, rate) in [
            (
                3,
                "Incoming",
                stats.packets_received,
                stats.bytes_received,
                stats.key_frames_received,
                stats.receive_frame_rate,
            ),
            (
                4,
                "Outgoing",
                stats.packets_sent,
                stats.bytes_sent,
                stats.key_frames_sent,
                stats.frame_rate,
            ),
        ] {
            let channel = Channel {
                call,
                number,
                kind: "Video",
                direction,
                encrypted: stats.encrypted,
                packets,
                bytes,
                round_trip_ms: stats.round_trip_ms,
                loss_and_jitter: (number == 3).then_some((stats.packets_lost, stats.jitter_ms)),
            };
            channel.write(b)?;
            b.set(&channel.leaf("Video Protocol"), protocol)?;
            b.set(&channel.leaf("Video ChannelRole"), "Main")?;
            b.set(&channel.leaf("Video IntraFrames"), intra as i64)?;
            b.set(&channel.leaf("Video FrameRate"), i64::from(rate))?;
        }
        Ok(())
    })?;
    let _ = status.update(|b| {
        let p = |channel: u32, leaf: &str| {
            format!("MediaChannels Call {call} Channel {channel} {leaf}")
        };
        b.set(&p(3, "Video Frames"), stats.frames_received as i64)?;
        b.set(&p(3, "Video FramesDropped"), stats.frames_dropped as i64)?;
        b.set(&p(3, "Netstat Nacks"), stats.nacks_sent as i64)?;
        b.set(
            &p(3, "Video PictureLossIndications"),
            stats.plis_sent as i64,
        )?;
        b.set(
            &p(3, "Netstat SrtpAuthFailures"),
            stats.auth_failures as i64,
        )?;
        b.set(&p(4, "Video Frames"), stats.frames_sent as i64)?;
        b.set(&p(4, "Netstat Nacks"), stats.nacks_received as i64)?;
        b.set(
            &p(4, "Netstat Retransmissions"),
            stats.packets_retransmitted as i64,
        )?;
        b.set(
            &p(4, "Video PictureLossIndications"),
            stats.plis_received as i64,
        )?;
        b.set(&p(4, "Video FullIntraRequests"), stats.firs_received as i64)
    });
    Ok(())
}

pub fn remove(status: &StatusWriter, call: CallId) -> Result<(), XapiError> {
    status.remove(&format!("MediaChannels Call {call}"))
}
