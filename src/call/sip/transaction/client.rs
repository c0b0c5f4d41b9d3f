//! Client transactions (RFC 3261 §17.1): send a request, retransmit it over UDP, hand the
//! responses to the transaction user once each, ACK failed INVITEs, and time out.

use std::time::Instant;

use super::timers::{Deadline, T2, T4, TIMER_D};
use crate::call::sip::message::{Message, Method, StartLine};
use crate::call::sip::transport::Target;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientState {
    /// Calling (INVITE) or Trying (non-INVITE): no response yet.
    Calling,
    Proceeding,
    Completed,
}

/// One client transaction, owned by `O` (whatever the transaction user needs to find its
/// call or registration again).
#[derive(Debug)]
pub struct ClientTx<O> {
    pub owner: O,
    pub request: Message,
    pub target: Target,
    pub state: ClientState,
    pub invite: bool,
    pub(super) bytes: Vec<u8>,
    pub(super) interval: std::time::Duration,
    pub(super) retransmit: Option<Deadline>,
    pub(super) timeout: Option<Deadline>,
    pub(super) linger: Option<Deadline>,
    /// The ACK sent for a failure response, sent again if the response is.
    pub(super) ack: Option<Vec<u8>>,
}

/// What a response means to the transaction user.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The TU sees it (first provisional of each kind, every 2xx, the first failure).
    Deliver,
    /// A retransmission the transaction absorbed.
    Absorb,
}

impl<O> ClientTx<O> {
    /// Lingering after a final response, per transport: D for INVITE, K otherwise.
    pub(super) fn linger_after_final(&self, now: Instant) -> Option<Instant> {
        if self.target.transport.is_reliable() {
            return None;
        }
        Some(now + if self.invite { TIMER_D } else { T4 })
    }

    /// The next retransmit interval: INVITEs double without bound (timer A), other requests
    /// cap at T2 (timer E), and at T2 once a provisional came (§17.1.2.2).
    pub(super) fn next_interval(&self) -> std::time::Duration {
        let doubled = self.interval * 2;
        if self.invite {
            doubled
        } else if self.state == ClientState::Proceeding {
            T2
        } else {
            doubled.min(T2)
        }
    }
}

/// The ACK for a non-2xx final response to `invite` (§17.1.1.3): same branch, the response's
/// To (with its tag), the INVITE's Route set.
pub fn ack_for_failure(invite: &Message, response: &Message) -> Option<Message> {
    let StartLine::Request { uri, .. } = &invite.start else {
        return None;
    };
    let mut ack = Message::request(Method::Ack, uri.clone());
    let headers = &mut ack.headers;
    // Only the top Via, even when the INVITE's Via line is comma-joined.
    headers.push("Via", invite.headers.values("Via").first()?.to_string());
    headers.push("Max-Forwards", "70");
    headers.push("From", invite.headers.get("From")?.to_string());
    headers.push("To", response.headers.get("To")?.to_string());
    headers.push("Call-ID", invite.headers.get("Call-ID")?.to_string());
    let seq = invite.cseq()?.seq;
    headers.push("CSeq", format!("{seq} ACK"));
    for route in invite.headers.get_all("Route") {
        headers.push("Route", route.to_string());
    }
    Some(ack)
}
