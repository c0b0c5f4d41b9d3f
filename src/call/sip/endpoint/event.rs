//! What the endpoint tells its user: registration changes and the life of each call.

use crate::call::sdp::Negotiated;
use crate::call::sip::message::NameAddr;

/// Our handle for a call (not the SIP Call-ID).
pub type CallId = u64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistrationState {
    Registering,
    Registered { expires: u32 },
    Failed { code: u16, reason: String },
    Deregistered,
}

/// Who ended a call or why it never started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CauseKind {
    LocalDisconnect,
    RemoteDisconnect,
    /// The far end refused or failed the call (a 4xx–6xx, or our own local reasons).
    Rejected,
    RemoteBusy,
    /// No answer in time: transaction timeout or session timer expiry.
    Timeout,
    LocalCancel,
    RemoteCancel,
    /// We refused an incoming call.
    LocalReject,
}

/// Where the cause comes from: a SIP response or roomd itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CauseOrigin {
    Sip,
    Internal,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    pub kind: CauseKind,
    /// A SIP status code (or the one we synthesised, e.g. 408).
    pub code: u16,
    pub reason: String,
    pub origin: CauseOrigin,
}

impl Cause {
    pub fn sip(kind: CauseKind, code: u16, reason: &str) -> Cause {
        Cause {
            kind,
            code,
            reason: reason.to_string(),
            origin: CauseOrigin::Sip,
        }
    }

    pub fn internal(kind: CauseKind, code: u16, reason: &str) -> Cause {
        Cause {
            kind,
            code,
            reason: reason.to_string(),
            origin: CauseOrigin::Internal,
        }
    }
}

#[derive(Clone, Debug)]
pub enum Event {
    Registration(RegistrationState),
    /// We placed a call (`dial`); it is being set up.
    Outgoing {
        call: CallId,
        remote: NameAddr,
    },
    /// A call is offered to us; answer with `accept` or `reject`.
    Incoming {
        call: CallId,
        remote: NameAddr,
        request_uri: String,
    },
    /// The far end is alerting (180/183).
    Ringing {
        call: CallId,
    },
    Connected {
        call: CallId,
        media: Negotiated,
    },
    /// The media changed in the call: hold, resume, re-keying.
    MediaChanged {
        call: CallId,
        media: Negotiated,
        /// We put the call on hold.
        local_hold: bool,
        /// The far end put us on hold.
        remote_hold: bool,
    },
    Ended {
        call: CallId,
        cause: Cause,
    },
    /// The outbound proxy stopped answering OPTIONS (or answers again).
    ProxyReachable(bool),
}
