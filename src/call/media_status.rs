//! `Status MediaChannels Call[n] Channel[m]`: what a call's audio and main video are doing,
//! as RoomOS shows it. Channel 1 is the incoming audio, channel 2 the outgoing, channels 3
//! and 4 the incoming and outgoing main video.

use crate::call::media::session::AudioStats;
use crate::call::media::video::VideoStats;
use crate::call::sip::endpoint::CallId;
use crate::xapi::{StatusWriter, XapiError};

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
    let encryption = if stats.encrypted { "On" } else { "Off" };
    status.update(|b| {
        for (channel, direction, packets, bytes) in [
            (1, "Incoming", stats.packets_received, stats.bytes_received),
            (2, "Outgoing", stats.packets_sent, stats.bytes_sent),
        ] {
            let p = |leaf: &str| format!("MediaChannels Call {call} Channel {channel} {leaf}");
            b.set(&p("Type"), "Audio")?;
            b.set(&p("Direction"), direction)?;
            b.set(&p("Encryption"), encryption)?;
            b.set(&p("Audio Protocol"), protocol(&stats.codec))?;
            b.set(&p("Audio Channels"), 1)?;
            b.set(&p("Audio ChannelRole"), "Main")?;
            b.set(&p("Netstat Packets"), packets as i64)?;
            b.set(&p("Netstat Bytes"), bytes as i64)?;
            if let Some(rtt) = stats.round_trip_ms {
                b.set(&p("Netstat RoundTripTime"), rtt as i64)?;
            }
            if channel == 1 {
                b.set(&p("Netstat Loss"), stats.packets_lost.max(0))?;
                b.set(&p("Netstat Jitter"), stats.jitter_ms.round() as i64)?;
            }
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
    let encryption = if stats.encrypted { "On" } else { "Off" };
    let protocol = if stats.codec.eq_ignore_ascii_case("H264") {
        "H264"
    } else {
        "Off"
    };
    status.update(|b| {
        for (channel, direction, packets, bytes, intra, rate) in [
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
            let p = |leaf: &str| format!("MediaChannels Call {call} Channel {channel} {leaf}");
            b.set(&p("Type"), "Video")?;
            b.set(&p("Direction"), direction)?;
            b.set(&p("Encryption"), encryption)?;
            b.set(&p("Video Protocol"), protocol)?;
            b.set(&p("Video ChannelRole"), "Main")?;
            b.set(&p("Video IntraFrames"), intra as i64)?;
            b.set(&p("Video FrameRate"), i64::from(rate))?;
            b.set(&p("Netstat Packets"), packets as i64)?;
            b.set(&p("Netstat Bytes"), bytes as i64)?;
            if let Some(rtt) = stats.round_trip_ms {
                b.set(&p("Netstat RoundTripTime"), rtt as i64)?;
            }
            if channel == 3 {
                b.set(&p("Netstat Loss"), stats.packets_lost.max(0))?;
                b.set(&p("Netstat Jitter"), stats.jitter_ms.round() as i64)?;
            }
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
