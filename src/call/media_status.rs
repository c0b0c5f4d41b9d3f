//! `Status MediaChannels Call[n] Channel[m]`: what a call's audio is doing, as RoomOS shows
//! it. Channel 1 is the incoming audio, channel 2 the outgoing.

use crate::call::media::session::AudioStats;
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

pub fn remove(status: &StatusWriter, call: CallId) -> Result<(), XapiError> {
    status.remove(&format!("MediaChannels Call {call}"))
}
