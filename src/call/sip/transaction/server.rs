//! Server transactions (RFC 3261 §17.2): absorb request retransmissions by repeating the last
//! response, retransmit failure responses to INVITE until the ACK arrives, then forget.

use super::timers::Deadline;
use crate::call::sip::message::Message;
use crate::call::sip::transport::Target;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerState {
    /// Proceeding (INVITE) or Trying/Proceeding (non-INVITE): the TU has not answered finally.
    Proceeding,
    /// A final response was sent; for INVITE we wait for the ACK.
    Completed,
    /// INVITE only: the ACK came; absorb its retransmissions (timer I).
    Confirmed,
}

#[derive(Debug)]
pub struct ServerTx {
    /// The request, until a non-INVITE transaction completes: lingering to absorb
    /// retransmissions needs only the response, and a busy device has thousands lingering.
    pub request: Option<Message>,
    pub reply: Target,
    pub state: ServerState,
    pub invite: bool,
    pub(super) last_response: Option<Vec<u8>>,
    pub(super) interval: std::time::Duration,
    pub(super) retransmit: Option<Deadline>,
    pub(super) timeout: Option<Deadline>,
    pub(super) linger: Option<Deadline>,
}
