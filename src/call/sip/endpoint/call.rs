//! The state of one call: its dialog, the SDP exchange, and the call's own timers (2xx
//! retransmission, session refresh, glare back-off).

use std::time::{Duration, Instant};

use super::event::CallId;
use crate::call::sdp::{Negotiated, OfferState, SessionDescription};
use crate::call::sip::dialog::Dialog;
use crate::call::sip::message::{Message, NameAddr};
use crate::call::sip::transport::{Target, Transport};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Incoming,
    Outgoing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Outgoing INVITE sent, no answer yet.
    Dialling,
    /// Ringing: a provisional came back, or an incoming call awaits `accept`.
    Ringing,
    /// Incoming call accepted: 2xx sent, waiting for the ACK.
    Accepting,
    Connected,
    /// Ended towards the user; finishing the SIP side (CANCEL, late 2xx, BYE).
    Ending,
}

/// Retransmission of our 2xx to an INVITE until the ACK comes (§13.3.1.4).
#[derive(Debug)]
pub struct PendingOk {
    pub bytes: Vec<u8>,
    pub target: Target,
    pub next: Instant,
    pub interval: Duration,
    pub give_up: Instant,
    /// The CSeq of the INVITE it answers (the ACK carries the same).
    pub cseq: u32,
}

/// RFC 4028 session timer of a confirmed dialog.
#[derive(Clone, Copy, Debug)]
pub struct SessionTimer {
    pub interval: u32,
    /// We send the refreshes; otherwise we expect them.
    pub we_refresh: bool,
    /// When we refresh (refresher) or give up (the other side).
    pub deadline: Instant,
}

impl SessionTimer {
    pub fn start(now: Instant, interval: u32, we_refresh: bool) -> SessionTimer {
        let secs = if we_refresh {
            interval / 2
        } else {
            // §10: the BYE goes out a little before expiry: min(32, SE/3) seconds early.
            interval - (interval / 3).min(32)
        };
        SessionTimer {
            interval,
            we_refresh,
            deadline: now + Duration::from_secs(u64::from(secs.max(1))),
        }
    }
}

/// What our own re-INVITE is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reinvite {
    Hold,
    Resume,
    Refresh,
}

pub struct Call {
    pub id: CallId,
    pub direction: Direction,
    pub phase: Phase,
    pub call_id: String,
    pub local_tag: String,
    /// The peer as the user should see it.
    pub remote: NameAddr,
    /// Outgoing: our INVITE (resent with credentials); incoming: theirs.
    pub invite: Message,
    /// Incoming: the server transaction of the INVITE.
    pub invite_key: Option<String>,
    pub dialog: Option<Dialog>,
    /// Outgoing: where the INVITE went (CANCEL follows it).
    pub invite_target: Option<Target>,
    pub offer: Option<OfferState>,
    /// The SDP answer prepared for an incoming INVITE, sent on accept.
    pub answer: Option<(SessionDescription, Negotiated)>,
    pub media: Option<Negotiated>,
    /// The last SDP we sent, for session refreshes.
    pub local_sdp: Option<SessionDescription>,
    pub sdp_version: u64,
    pub sdp_session: u64,
    pub provisional_seen: bool,
    /// The last reliable provisional we PRACKed (RFC 3262).
    pub last_rseq: Option<u32>,
    pub cancel_wanted: bool,
    pub auth_tries: u32,
    pub nonce_count: u32,
    pub ended_reported: bool,
    pub pending_ok: Option<PendingOk>,
    pub session_timer: Option<SessionTimer>,
    /// Our re-INVITE in flight, and its CSeq.
    pub reinvite: Option<(Reinvite, u32)>,
    /// After a 491, when to try our re-INVITE again.
    pub reinvite_retry: Option<(Instant, Reinvite)>,
    pub local_hold: bool,
    pub remote_hold: bool,
    /// RFC 7989 Session-ID: ours, and the peer's once known.
    pub session_uuid: String,
    pub remote_uuid: Option<String>,
    /// Session interval asked for in our INVITE (raised after a 422).
    pub session_expires: u32,
    /// A call ended at the SIP level is dropped at this time (after late messages).
    pub drop_at: Option<Instant>,
    /// Our media addresses and ports for this call, kept for re-offers and answers.
    pub local_media: crate::call::sdp::LocalMedia,
    /// The transport of the call's signalling: where our INVITE went, or how theirs came.
    pub transport: Transport,
}

/// What distinguishes a new call; everything else starts empty.
pub struct NewCall {
    pub id: CallId,
    pub direction: Direction,
    pub call_id: String,
    pub local_tag: String,
    pub remote: NameAddr,
    pub invite: Message,
    pub local_media: crate::call::sdp::LocalMedia,
    pub transport: Transport,
    pub sdp_session: u64,
    pub session_uuid: String,
    pub session_expires: u32,
}

impl Call {
    /// A call that is just starting: dialling if ours, ringing if theirs.
    pub fn new(new: NewCall) -> Call {
        Call {
            id: new.id,
            direction: new.direction,
            phase: match new.direction {
                Direction::Outgoing => Phase::Dialling,
                Direction::Incoming => Phase::Ringing,
            },
            call_id: new.call_id,
            local_tag: new.local_tag,
            remote: new.remote,
            invite: new.invite,
            invite_key: None,
            dialog: None,
            invite_target: None,
            offer: None,
            answer: None,
            media: None,
            local_sdp: None,
            sdp_version: 1,
            sdp_session: new.sdp_session,
            last_rseq: None,
            provisional_seen: false,
            cancel_wanted: false,
            auth_tries: 0,
            nonce_count: 0,
            ended_reported: false,
            pending_ok: None,
            session_timer: None,
            reinvite: None,
            reinvite_retry: None,
            local_hold: false,
            remote_hold: false,
            session_uuid: new.session_uuid,
            remote_uuid: None,
            session_expires: new.session_expires,
            drop_at: None,
            local_media: new.local_media,
            transport: new.transport,
        }
    }

    /// The earliest of the call's own deadlines.
    pub fn next_deadline(&self) -> Option<Instant> {
        [
            self.pending_ok.as_ref().map(|p| p.next.min(p.give_up)),
            self.session_timer.map(|t| t.deadline),
            self.reinvite_retry.map(|(at, _)| at),
            self.drop_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// The RFC 7989 header value.
    pub fn session_id_header(&self) -> String {
        let remote = self.remote_uuid.clone().unwrap_or_else(|| "0".repeat(32));
        format!("{};remote={remote}", self.session_uuid)
    }
}
