//! Requests inside an established call: BYE, re-INVITE and UPDATE (hold, resume, session
//! refresh, glare), INFO and OPTIONS; our own hold/resume; and the per-call timers.

use std::time::{Duration, Instant};

use super::call::{Phase, Reinvite, SessionTimer};
use super::compose;
use super::event::{CallId, Cause, CauseKind, Event};
use super::uac::session_timer_from;
use super::{Endpoint, Owner, Purpose};
use crate::call::sdp::{
    self, Direction as MediaDirection, KeySource, Negotiated, SessionDescription,
};
use crate::call::sip::message::{Message, Method};

impl Endpoint {
    pub(super) fn handle_in_dialog(&mut self, now: Instant, key: &str, request: Message) {
        let Some(id) = self
            .calls
            .values()
            .find(|c| {
                c.dialog
                    .as_ref()
                    .is_some_and(|d| d.matches_request(&request))
            })
            .map(|c| c.id)
        else {
            let reply = compose::response(&request, 481, "Call/Transaction Does Not Exist", None);
            return self.respond(now, key, reply);
        };
        let in_order = self
            .calls
            .get_mut(&id)
            .and_then(|c| c.dialog.as_mut())
            .is_some_and(|d| d.accept_remote_cseq(&request));
        if !in_order {
            let reply = compose::response(&request, 500, "CSeq Out of Order", None);
            return self.respond(now, key, reply);
        }
        match request.method() {
            Some(Method::Bye) => {
                let reply = compose::response(&request, 200, "OK", None);
                self.respond(now, key, reply);
                let cause = bye_cause(&request);
                self.end_call(now, id, cause);
            }
            Some(Method::Invite) | Some(Method::Update) => {
                self.handle_offer_in_dialog(now, key, id, &request)
            }
            Some(Method::Options) => {
                let reply = self.options_reply(&request);
                self.respond(now, key, reply);
            }
            _ => {
                // INFO (e.g. DTMF relay), PRACK: acknowledged; nothing else to do.
                let reply = compose::response(&request, 200, "OK", None);
                self.respond(now, key, reply);
            }
        }
    }

    /// A re-INVITE or UPDATE: answer its SDP (or send ours if it has none), note hold
    /// changes, restart the session timer.
    fn handle_offer_in_dialog(&mut self, now: Instant, key: &str, id: CallId, request: &Message) {
        let is_invite = request.method() == Some(&Method::Invite);
        let Some(call) = self.calls.get(&id) else {
            return;
        };
        if call.reinvite.is_some() && is_invite {
            // Both sides re-INVITEd at once (§14.2).
            let reply = compose::response(request, 491, "Request Pending", None);
            return self.respond(now, key, reply);
        }
        if call.phase == Phase::Ending {
            let reply = compose::response(request, 481, "Call/Transaction Does Not Exist", None);
            return self.respond(now, key, reply);
        }
        let Some(media) = self.calls.get(&id).map(|c| c.local_media.clone()) else {
            return;
        };
        let transport = self
            .calls
            .get(&id)
            .map(|c| c.transport)
            .unwrap_or(self.config.transport);
        let contact = compose::contact(&self.config, transport).to_string();
        let random = &mut self.config.random;
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let mut reply = compose::response(request, 200, "OK", None);
        let mut changed: Option<Negotiated> = None;
        if !request.body.is_empty() {
            let offer = std::str::from_utf8(&request.body)
                .ok()
                .and_then(|t| SessionDescription::parse(t).ok());
            let Some(offer) = offer else {
                let reply = compose::response(request, 400, "Bad SDP", None);
                return self.respond(now, key, reply);
            };
            call.sdp_version += 1;
            // While we hold the call our answer keeps holding it.
            let ours = if call.local_hold {
                MediaDirection::SendOnly
            } else {
                MediaDirection::SendRecv
            };
            let answered = sdp::create_answer_with_direction(
                &offer,
                &media,
                call.sdp_session,
                call.sdp_version,
                &mut KeySource(&mut **random),
                ours,
            );
            match answered {
                Ok((answer, negotiated)) => {
                    reply.headers.push("Content-Type", "application/sdp");
                    reply.body = answer.to_string().into_bytes();
                    call.local_sdp = Some(answer);
                    changed = Some(negotiated);
                }
                Err(rejected) => {
                    // The old session stays as it was (RFC 3264 §8).
                    let reply = compose::response(request, 488, "Not Acceptable Here", None);
                    tracing::debug!("re-offer refused: {}", rejected.reason);
                    return self.respond(now, key, reply);
                }
            }
        } else if is_invite && let Some(sdp) = &call.local_sdp {
            reply.headers.push("Content-Type", "application/sdp");
            reply.body = sdp.to_string().into_bytes();
        }
        if let Some(dialog) = call.dialog.as_mut() {
            dialog.refresh_target(request);
        }
        reply.headers.push("Contact", contact);
        reply.headers.push("Session-ID", call.session_id_header());
        if let Some(se) = request.headers.get("Session-Expires") {
            reply.headers.push("Session-Expires", se.to_string());
            reply.headers.push("Require", "timer");
        }
        call.session_timer = session_timer_from(now, &reply, true).or(call.session_timer);
        if let Some(timer) = call.session_timer
            && request.headers.get("Session-Expires").is_none()
        {
            call.session_timer = Some(SessionTimer::start(now, timer.interval, timer.we_refresh));
        }
        let cseq = request.cseq().map(|c| c.seq).unwrap_or(0);
        if is_invite {
            let target = self.transactions.server_reply(key);
            reply.headers.push("Server", self.config.user_agent.clone());
            let bytes = reply.to_bytes();
            self.transactions.respond(now, key, &reply, &mut self.out);
            if let (Some(call), Some(target)) = (self.calls.get_mut(&id), target) {
                call.pending_ok = Some(super::call::PendingOk {
                    bytes,
                    target,
                    next: now + crate::call::sip::transaction::timers::T1,
                    interval: crate::call::sip::transaction::timers::T1,
                    give_up: now + crate::call::sip::transaction::timers::TRANSACTION_TIMEOUT,
                    cseq,
                });
            }
        } else {
            self.respond(now, key, reply);
        }
        if let Some(media) = changed {
            self.media_changed(id, media);
        }
    }

    /// Records new media and tells the user, with who holds whom.
    fn media_changed(&mut self, id: CallId, media: Negotiated) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        call.remote_hold = remote_holds(&media, call.local_hold);
        call.media = Some(media.clone());
        let (local_hold, remote_hold) = (call.local_hold, call.remote_hold);
        self.emit(Event::MediaChanged {
            call: id,
            media,
            local_hold,
            remote_hold,
        });
    }

    /// Sends DTMF digits as SIP INFO (`application/dtmf-relay`, as Cisco gear expects), one
    /// request per digit. In-band RFC 4733 events come with the media engine.
    pub fn send_dtmf(&mut self, now: Instant, id: CallId, digits: &str) -> Result<(), String> {
        let call = self.calls.get(&id).ok_or("no such call")?;
        if call.phase != Phase::Connected {
            return Err("the call is not connected".into());
        }
        if let Some(bad) = digits.chars().find(|c| !is_dtmf(*c)) {
            return Err(format!("{bad:?} is not a DTMF digit (0-9, *, #, A-D)"));
        }
        for digit in digits.chars() {
            let Some((mut info, target)) = self.in_dialog_request(id, Method::Info) else {
                return Err("the call has no dialog".into());
            };
            info.headers.push("Content-Type", "application/dtmf-relay");
            info.body = format!("Signal={digit}\r\nDuration=160\r\n").into_bytes();
            self.send_request(now, info, target, Owner::Call(id, Purpose::Other));
        }
        Ok(())
    }

    /// Puts a connected call on hold (re-INVITE with a=sendonly, RFC 3264 §8.4).
    pub fn hold(&mut self, now: Instant, id: CallId) -> Result<(), String> {
        self.start_reinvite(now, id, Reinvite::Hold)
    }

    pub fn resume(&mut self, now: Instant, id: CallId) -> Result<(), String> {
        self.start_reinvite(now, id, Reinvite::Resume)
    }

    fn start_reinvite(&mut self, now: Instant, id: CallId, why: Reinvite) -> Result<(), String> {
        let call = self.calls.get(&id).ok_or("no such call")?;
        if call.phase != Phase::Connected {
            return Err("the call is not connected".into());
        }
        if call.reinvite.is_some() {
            return Err("a change of this call is already in progress".into());
        }
        match why {
            Reinvite::Hold if call.local_hold => return Err("the call is already on hold".into()),
            Reinvite::Resume if !call.local_hold => return Err("the call is not on hold".into()),
            _ => {}
        }
        let Some((mut request, target)) = self.in_dialog_request(id, Method::Invite) else {
            return Err("the call has no dialog".into());
        };
        let transport = self
            .calls
            .get(&id)
            .map(|c| c.transport)
            .unwrap_or(self.config.transport);
        let contact = compose::contact(&self.config, transport).to_string();
        let call = self.calls.get_mut(&id).ok_or("no such call")?;
        let previous = call
            .local_sdp
            .clone()
            .ok_or("the call has no session yet")?;
        let body = match why {
            // A refresh repeats the current session unchanged (RFC 4028 §7.4).
            Reinvite::Refresh => previous.to_string(),
            Reinvite::Hold | Reinvite::Resume => {
                let (offer, state) = if why == Reinvite::Hold {
                    sdp::hold(&previous, call.remote_hold, None)
                } else {
                    sdp::resume(&previous, None)
                };
                call.sdp_version = offer.origin.session_version;
                call.offer = Some(state);
                let text = offer.to_string();
                call.local_sdp = Some(offer);
                text
            }
        };
        request.headers.push("Contact", contact);
        request.headers.push("Allow", compose::ALLOW);
        request.headers.push("Supported", "timer");
        if let Some(timer) = call.session_timer {
            // We are the UAC of this re-INVITE: the refresher stays who it was.
            let refresher = if timer.we_refresh { "uac" } else { "uas" };
            request.headers.push(
                "Session-Expires",
                format!("{};refresher={refresher}", timer.interval),
            );
        }
        request.headers.push("Content-Type", "application/sdp");
        request.body = body.into_bytes();
        let seq = request.cseq().map(|c| c.seq).unwrap_or(0);
        call.reinvite = Some((why, seq));
        if !self.send_request(now, request, target, Owner::Call(id, Purpose::Reinvite)) {
            if let Some(call) = self.calls.get_mut(&id) {
                call.reinvite = None;
            }
            return Err("too many SIP transactions in progress".into());
        }
        Ok(())
    }

    pub(super) fn reinvite_response(
        &mut self,
        now: Instant,
        id: CallId,
        _request: &Message,
        response: &Message,
    ) {
        let Some(code) = response.status() else {
            return;
        };
        if code < 200 {
            return;
        }
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let Some((why, seq)) = call.reinvite.take() else {
            return;
        };
        match code {
            200..=299 => {
                self.send_ack(now, id, seq, None);
                let Some(call) = self.calls.get_mut(&id) else {
                    return;
                };
                if let Some(dialog) = call.dialog.as_mut() {
                    dialog.refresh_target(response);
                }
                call.session_timer = session_timer_from(now, response, false).or_else(|| {
                    call.session_timer
                        .map(|t| SessionTimer::start(now, t.interval, t.we_refresh))
                });
                if why == Reinvite::Refresh {
                    return;
                }
                let answer = std::str::from_utf8(&response.body)
                    .ok()
                    .and_then(|t| SessionDescription::parse(t).ok());
                let negotiated = match (call.offer.take(), answer) {
                    (Some(offer), Some(answer)) => sdp::accept_answer(&offer, &answer).ok(),
                    _ => None,
                };
                call.local_hold = why == Reinvite::Hold;
                match negotiated {
                    Some(media) => self.media_changed(id, media),
                    None => {
                        let media = call.media.clone();
                        if let Some(media) = media {
                            self.media_changed(id, media);
                        }
                    }
                }
            }
            491 => {
                // Glare: try again after a random 2.1–4 s if we hold the Call-ID, else 0–2 s
                // (§14.1); we simply pick within the wider window.
                let mut byte = [0u8; 1];
                (self.config.random)(&mut byte);
                let wait = Duration::from_millis(2100 + u64::from(byte[0]) * 7);
                if let Some(call) = self.calls.get_mut(&id) {
                    call.reinvite_retry = Some((now + wait, why));
                }
            }
            408 | 481 => {
                // The dialog is gone on the other side (§14.1).
                self.send_bye(now, id);
                let cause = Cause::sip(CauseKind::Timeout, code, "the far end lost the call");
                self.end_call(now, id, cause);
            }
            _ => {
                tracing::debug!("re-INVITE of call {id} refused with {code}; session unchanged");
            }
        }
    }

    /// Fires a call's own timers.
    pub(super) fn call_timers(&mut self, now: Instant, id: CallId) {
        self.retransmit_ok(now, id);
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if call.drop_at.is_some_and(|at| at <= now) {
            // Its client transactions (a BYE still being retransmitted) run out on their own.
            self.calls.remove(&id);
            return;
        }
        if let Some((at, why)) = call.reinvite_retry
            && at <= now
        {
            call.reinvite_retry = None;
            let _ = self.start_reinvite(now, id, why);
        }
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if let Some(timer) = call.session_timer
            && timer.deadline <= now
        {
            if timer.we_refresh {
                call.session_timer = Some(SessionTimer::start(now, timer.interval, true));
                if call.reinvite.is_none() {
                    let _ = self.start_reinvite(now, id, Reinvite::Refresh);
                }
            } else {
                call.session_timer = None;
                self.send_bye(now, id);
                let cause = Cause::internal(CauseKind::Timeout, 408, "the session timer expired");
                self.end_call(now, id, cause);
            }
        }
    }
}

fn is_dtmf(c: char) -> bool {
    c.is_ascii_digit() || matches!(c.to_ascii_uppercase(), '*' | '#' | 'A' | 'B' | 'C' | 'D')
}

/// Whether the peer holds us: our audio may not send although we did not hold.
fn remote_holds(media: &Negotiated, local_hold: bool) -> bool {
    media.streams.iter().any(|s| {
        s.kind == sdp::StreamKind::Audio
            && s.remote.is_some()
            && !local_hold
            && matches!(
                s.direction,
                MediaDirection::RecvOnly | MediaDirection::Inactive
            )
    })
}

/// Why the far end hung up: a `Reason: SIP;cause=…` header (RFC 3326) if it gave one.
fn bye_cause(bye: &Message) -> Cause {
    let reason = bye.headers.get("Reason").and_then(|r| {
        let mut parts = r.split(';');
        let protocol = parts.next()?.trim();
        if !protocol.eq_ignore_ascii_case("SIP") {
            return None;
        }
        let mut code = None;
        let mut text = String::new();
        for p in parts {
            let p = p.trim();
            if let Some(c) = p.strip_prefix("cause=") {
                code = c.trim().parse::<u16>().ok();
            } else if let Some(t) = p.strip_prefix("text=") {
                text = t.trim_matches('"').to_string();
            }
        }
        Some((code?, text))
    });
    match reason {
        Some((code, text)) => Cause::sip(CauseKind::RemoteDisconnect, code, &text),
        None => Cause::sip(CauseKind::RemoteDisconnect, 0, "Call ended by the far end"),
    }
}
