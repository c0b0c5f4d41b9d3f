//! The head of every compound RTCP packet a session sends (RFC 3550 §6.1): a report, then our
//! CNAME.

use std::time::Instant;

use super::rtcp::{ReceiverReport, RtcpPacket};
use super::stats::{ReceiverStats, SenderStats};

/// An SR while we send (its NTP time is what the far end echoes for the round trip), else an
/// RR; with a report block about the peer's stream once we have heard it. Then the SDES CNAME.
pub fn report_head(
    ssrc: u32,
    remote_ssrc: Option<u32>,
    received: &mut ReceiverStats,
    sent: &mut SenderStats,
    ntp: u64,
    now: Instant,
) -> Vec<RtcpPacket> {
    let blocks: Vec<_> = remote_ssrc
        .map(|peer| received.report_block(peer, now))
        .into_iter()
        .collect();
    let report = match sent.sender_report(ssrc, now, ntp, blocks.clone()) {
        Some(sr) => RtcpPacket::SenderReport(sr),
        None => RtcpPacket::ReceiverReport(ReceiverReport { ssrc, blocks }),
    };
    vec![
        report,
        RtcpPacket::Sdes(vec![(ssrc, format!("roomd-{ssrc:08x}"))]),
    ]
}
