//! Calls offered to us: the incoming INVITE (checked, its SDP answered in advance so an
//! unacceptable offer is refused at once), ringing, accept with 2xx retransmission until the
//! ACK, reject, and CANCEL.

use std::time::Instant;

use super::Endpoint;
use super::call::{Call, Direction, NewCall, PendingOk, Phase};
use super::compose;
use super::event::{CallId, Cause, CauseKind, Event};
use super::uac::{call_media, remote_uuid, session_timer_from};
use crate::call::sdp::{self, KeySource, SessionDescription};
use crate::call::sip::dialog::Dialog;
use crate::call::sip::message::Message;
use crate::call::sip::transaction::timers::{T1, T2, TRANSACTION_TIMEOUT};
use crate::call::sip::transport::Transport;

impl Endpoint {
    pub(super) fn handle_invite(&mut self, now: Instant, key: &str, invite: Message) {
        let live = self
            .calls
            .values()
            .filter(|c| c.phase != Phase::Ending)
            .count();
        if live >= self.config.max_calls {
            let reply = compose::response(&invite, 486, "Busy Here", Some("busy"));
            return self.respond(now, key, reply);
        }
        let wanted = invite.request_uri().and_then(|u| u.user.clone());
        if !self.config.accept_any_user && wanted.as_deref().is_some_and(|u| u != self.config.user)
        {
            let reply = compose::response(&invite, 404, "Not Found", Some("nf"));
            return self.respond(now, key, reply);
        }
        // A request that forked and came back to us by two paths (§8.2.2.2).
        let from_tag = invite.from().and_then(|f| f.tag().map(str::to_string));
        if self.calls.values().any(|c| {
            c.direction == Direction::Incoming
                && Some(c.call_id.as_str()) == invite.call_id()
                && c.invite.from().and_then(|f| f.tag().map(str::to_string)) == from_tag
        }) {
            let reply = compose::response(&invite, 482, "Loop Detected", Some("loop"));
            return self.respond(now, key, reply);
        }
        if let Some(interval) = requested_interval(&invite)
            && interval < self.config.min_se
        {
            let mut reply =
                compose::response(&invite, 422, "Session Interval Too Small", Some("se"));
            reply.headers.push("Min-SE", self.config.min_se.to_string());
            return self.respond(now, key, reply);
        }
        let id = self.next_call;
        self.next_call += 1;
        let config = &mut self.config;
        let local_tag = compose::new_tag(config);
        let session_uuid = compose::random_hex(config, 16);
        let mut session_bytes = [0u8; 8];
        (config.random)(&mut session_bytes);
        session_bytes[0] &= 0x7f;
        let sdp_session = u64::from_be_bytes(session_bytes);
        let Some(media) = call_media(config, id) else {
            let reply = compose::response(&invite, 503, "No Media Ports Free", Some("busy"));
            return self.respond(now, key, reply);
        };

        // Answer the offer now: a refusal (488) must come before the phone rings.
        let mut answer = None;
        let mut late_offer = None;
        if invite.body.is_empty() {
            let random = &mut config.random;
            late_offer = Some(sdp::create_offer(
                &media,
                sdp_session,
                1,
                &mut KeySource(&mut **random),
            ));
        } else {
            let parsed = std::str::from_utf8(&invite.body)
                .map_err(|_| "the SDP is not UTF-8".to_string())
                .and_then(|t| SessionDescription::parse(t).map_err(|e| e.to_string()));
            let offer = match parsed {
                Ok(offer) => offer,
                Err(why) => {
                    let mut reply = compose::response(&invite, 400, "Bad SDP", Some("sdp"));
                    reply
                        .headers
                        .push("Warning", format!("399 roomd \"{why}\""));
                    return self.respond(now, key, reply);
                }
            };
            let random = &mut config.random;
            match sdp::create_answer(
                &offer,
                &media,
                sdp_session,
                1,
                &mut KeySource(&mut **random),
            ) {
                Ok(a) => answer = Some(a),
                Err(rejected) => {
                    let mut reply = compose::response(
                        &invite,
                        rejected.status,
                        "Not Acceptable Here",
                        Some("sdp"),
                    );
                    reply
                        .headers
                        .push("Warning", format!("305 roomd \"{}\"", rejected.reason));
                    return self.respond(now, key, reply);
                }
            }
        }
        let Some(dialog) = Dialog::as_uas(&invite, &local_tag) else {
            let reply = compose::response(&invite, 400, "Missing Contact", Some("bad"));
            return self.respond(now, key, reply);
        };
        let remote = invite.from().unwrap_or_else(|| dialog.remote.clone());
        let request_uri = invite
            .request_uri()
            .map(|u| u.to_string())
            .unwrap_or_default();
        let (offer, local_sdp) = match late_offer {
            Some((sdp, state)) => (Some(state), Some(sdp)),
            None => (None, answer.as_ref().map(|(sdp, _)| sdp.clone())),
        };
        let transport = invite
            .top_via()
            .and_then(|v| Transport::parse(&v.transport))
            .unwrap_or(Transport::Udp);
        let mut call = Call::new(NewCall {
            id,
            direction: Direction::Incoming,
            call_id: invite.call_id().unwrap_or_default().to_string(),
            local_tag: local_tag.clone(),
            remote: remote.clone(),
            local_media: media.clone(),
            transport,
            sdp_session,
            session_uuid,
            session_expires: self.config.session_expires,
            invite,
        });
        call.remote_uuid = remote_uuid(&call.invite);
        call.invite_key = Some(key.to_string());
        call.dialog = Some(dialog);
        call.offer = offer;
        call.answer = answer;
        call.local_sdp = local_sdp;
        call.provisional_seen = true;
        let trying = compose::response(&call.invite, 100, "Trying", None);
        let mut ringing = compose::response(&call.invite, 180, "Ringing", Some(&local_tag));
        ringing.headers.push(
            "Contact",
            compose::contact(&self.config, call.transport).to_string(),
        );
        ringing.headers.push("Session-ID", call.session_id_header());
        self.calls.insert(id, call);
        self.respond(now, key, trying);
        self.respond(now, key, ringing);
        self.emit(Event::Incoming {
            call: id,
            remote,
            request_uri,
        });
    }

    /// Answers an incoming call: 2xx with our SDP, retransmitted until the ACK.
    pub fn accept(&mut self, now: Instant, id: CallId) -> Result<(), String> {
        let call = self.calls.get(&id).ok_or("no such call")?;
        if call.direction != Direction::Incoming || call.phase != Phase::Ringing {
            return Err("the call is not waiting to be answered".into());
        }
        let key = call.invite_key.clone().ok_or("no INVITE to answer")?;
        if !self.transactions.server_pending(&key) {
            return Err("the caller gave up".into());
        }
        let contact = compose::contact(&self.config, call.transport).to_string();
        let min_se = self.config.min_se;
        let call = self.calls.get_mut(&id).ok_or("no such call")?;
        let mut ok = compose::response(&call.invite, 200, "OK", Some(&call.local_tag));
        let h = &mut ok.headers;
        h.push("Contact", contact);
        h.push("Allow", compose::ALLOW);
        h.push("Supported", "timer");
        h.push("Session-ID", call.session_id_header());
        if let Some(se) = session_expires_answer(&call.invite, call.session_expires, min_se) {
            h.push("Session-Expires", se);
            if peer_supports(&call.invite, "timer") {
                h.push("Require", "timer");
            }
        }
        if let Some(sdp) = &call.local_sdp {
            h.push("Content-Type", "application/sdp");
            ok.body = sdp.to_string().into_bytes();
        }
        call.session_timer = session_timer_from(now, &ok, true);
        call.phase = Phase::Accepting;
        let cseq = call.invite.cseq().map(|c| c.seq).unwrap_or(0);
        ok.headers.push("Server", self.config.user_agent.clone());
        let bytes = ok.to_bytes();
        // The transaction sends it once and ends; we retransmit (§13.3.1.4).
        let reply = self.transactions.server_reply(&key);
        self.transactions.respond(now, &key, &ok, &mut self.out);
        if let Some(call) = self.calls.get_mut(&id)
            && let Some(target) = reply
        {
            call.pending_ok = Some(PendingOk {
                bytes,
                target,
                next: now + T1,
                interval: T1,
                give_up: now + TRANSACTION_TIMEOUT,
                cseq,
            });
        }
        Ok(())
    }

    /// Refuses an incoming call with `code` (486 busy, 603 decline…).
    pub fn reject(&mut self, now: Instant, id: CallId, code: u16) -> Result<(), String> {
        let call = self.calls.get(&id).ok_or("no such call")?;
        if call.direction != Direction::Incoming || call.phase != Phase::Ringing {
            return Err("the call is not waiting to be answered".into());
        }
        let key = call.invite_key.clone().ok_or("no INVITE to answer")?;
        let reason = match code {
            486 => "Busy Here",
            480 => "Temporarily Unavailable",
            603 => "Decline",
            _ => "Rejected",
        };
        let reply = compose::response(&call.invite, code, reason, Some(&call.local_tag));
        self.respond(now, &key, reply);
        let cause = Cause::internal(CauseKind::LocalReject, code, reason);
        self.end_call(now, id, cause);
        Ok(())
    }

    pub(super) fn handle_cancel(&mut self, now: Instant, key: &str, cancel: &Message) {
        let Some(invite_key) = self.transactions.invite_key_for_cancel(cancel) else {
            let reply = compose::response(cancel, 481, "Call/Transaction Does Not Exist", None);
            return self.respond(now, key, reply);
        };
        let ok = compose::response(cancel, 200, "OK", Some("cancel"));
        self.respond(now, key, ok);
        let call = self
            .calls
            .values()
            .find(|c| c.invite_key.as_deref() == Some(invite_key.as_str()))
            .map(|c| (c.id, c.invite.clone(), c.local_tag.clone(), c.phase));
        if let Some((id, invite, tag, Phase::Ringing)) = call {
            let terminated = compose::response(&invite, 487, "Request Terminated", Some(&tag));
            self.respond(now, &invite_key, terminated);
            let cause = Cause::sip(CauseKind::RemoteCancel, 487, "Call cancelled by the caller");
            self.end_call(now, id, cause);
        }
    }

    /// The ACK for our 2xx: the call is up (or the re-INVITE done); a late answer may ride on it.
    pub(super) fn handle_ack(&mut self, now: Instant, ack: &Message) {
        let Some(call) = self
            .calls
            .values_mut()
            .find(|c| c.dialog.as_ref().is_some_and(|d| d.matches_request(ack)))
        else {
            return;
        };
        let seq = ack.cseq().map(|c| c.seq);
        if call.pending_ok.as_ref().map(|p| p.cseq) != seq {
            return;
        }
        call.pending_ok = None;
        let id = call.id;
        if let (Some(offer), false) = (&call.offer, ack.body.is_empty()) {
            let answer = std::str::from_utf8(&ack.body)
                .ok()
                .and_then(|t| SessionDescription::parse(t).ok());
            match answer.map(|a| sdp::accept_answer(offer, &a)) {
                Some(Ok(media)) => {
                    call.answer = Some((call.local_sdp.clone().unwrap_or_else(empty_sdp), media))
                }
                _ => {
                    self.send_bye(now, id);
                    let cause = Cause::internal(
                        CauseKind::Rejected,
                        488,
                        "no usable SDP answer in the ACK",
                    );
                    return self.end_call(now, id, cause);
                }
            }
        }
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if call.phase == Phase::Accepting {
            call.phase = Phase::Connected;
            call.offer = None;
            if let Some((_, media)) = call.answer.take() {
                call.media = Some(media.clone());
                self.emit(Event::Connected { call: id, media });
            }
        }
    }

    /// Resends our 2xx with doubling intervals up to T2; after 64·T1 without ACK, hangs up.
    pub(super) fn retransmit_ok(&mut self, now: Instant, id: CallId) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let Some(pending) = call.pending_ok.as_mut() else {
            return;
        };
        if now >= pending.give_up {
            call.pending_ok = None;
            self.send_bye(now, id);
            let cause = Cause::internal(
                CauseKind::Timeout,
                408,
                "the caller never acknowledged the answer",
            );
            return self.end_call(now, id, cause);
        }
        if now >= pending.next {
            self.out
                .push_back(pending.target.transmit(pending.bytes.clone()));
            pending.interval = (pending.interval * 2).min(T2);
            pending.next = now + pending.interval;
        }
    }
}

fn empty_sdp() -> SessionDescription {
    SessionDescription::parse("v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n")
        .expect("a constant SDP parses")
}

/// The Session-Expires the INVITE asks for, if any.
fn requested_interval(invite: &Message) -> Option<u32> {
    invite
        .headers
        .get("Session-Expires")?
        .split(';')
        .next()?
        .trim()
        .parse()
        .ok()
}

fn peer_supports(request: &Message, option: &str) -> bool {
    request
        .headers
        .values("Supported")
        .iter()
        .any(|v| v.trim().eq_ignore_ascii_case(option))
}

/// The Session-Expires of our 2xx (RFC 4028 §9): the caller's interval with the refresher
/// it chose, or uac when it supports timers; ours when it supports but asked nothing.
fn session_expires_answer(invite: &Message, ours: u32, min_se: u32) -> Option<String> {
    let supports = peer_supports(invite, "timer");
    match invite.headers.get("Session-Expires") {
        Some(value) => {
            let interval = requested_interval(invite)?.max(min_se);
            let refresher = value
                .split(';')
                .filter_map(|p| p.trim().strip_prefix("refresher="))
                .next()
                .map(str::to_ascii_lowercase)
                .unwrap_or_else(|| if supports { "uac".into() } else { "uas".into() });
            Some(format!("{interval};refresher={refresher}"))
        }
        None if supports => Some(format!("{ours};refresher=uac")),
        None => None,
    }
}

/// A 400 for a request we could not parse, built from its raw header lines when they are
/// there at all (RFC 4475 §3.1.2: reject with 400 where a response is possible).
pub(super) fn bad_request_reply(bytes: &[u8], why: &str) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.split("\r\n").flat_map(|l| l.split('\n'));
    let first = lines.next()?;
    if first.starts_with("SIP/") || first.trim().is_empty() {
        return None;
    }
    let mut out = String::from("SIP/2.0 400 Bad Request\r\n");
    let mut found = 0;
    for line in lines.take_while(|l| !l.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        let canonical = match name.as_str() {
            "via" | "v" => "Via",
            "from" | "f" => "From",
            "to" | "t" => "To",
            "call-id" | "i" => "Call-ID",
            "cseq" => "CSeq",
            _ => continue,
        };
        found += 1;
        out.push_str(&format!("{canonical}: {}\r\n", value.trim()));
    }
    if found < 5 {
        return None;
    }
    let why = why.replace(['"', '\r', '\n'], " ");
    out.push_str(&format!(
        "Warning: 399 roomd \"{why}\"\r\nContent-Length: 0\r\n\r\n"
    ));
    Some(out.into_bytes())
}
