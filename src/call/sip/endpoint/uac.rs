//! Calls we place: the INVITE with our SDP offer, provisional and final responses, digest
//! challenges, 422 retries, CANCEL, and the ACK for 2xx.

use std::time::Instant;

use super::call::{Call, Direction, NewCall, Phase, SessionTimer};
use super::compose;
use super::event::{CallId, Cause, CauseKind, Event};
use super::registration::response_reason;
use super::{Endpoint, Owner, Purpose};
use crate::call::sdp::{self, KeySource, SessionDescription};
use crate::call::sip::auth::Challenge;
use crate::call::sip::dialog::Dialog;
use crate::call::sip::message::{Message, Method, NameAddr, Params};

impl Endpoint {
    /// Places a call to `number` (a SIP URI, `user@host`, or a number in our domain).
    pub fn dial(&mut self, now: Instant, number: &str) -> Result<CallId, String> {
        if self
            .calls
            .values()
            .filter(|c| c.phase != Phase::Ending)
            .count()
            >= self.config.max_calls
        {
            return Err(format!(
                "already in {} calls, the most this device takes",
                self.config.max_calls
            ));
        }
        let target_uri = compose::dial_uri(number, &self.config)?;
        let id = self.next_call;
        self.next_call += 1;
        let config = &mut self.config;
        let call_id = compose::new_call_id(config);
        let local_tag = compose::new_tag(config);
        let session_uuid = compose::random_hex(config, 16);
        let sdp_session = u64::from_be_bytes(random_bytes(config));
        let media = call_media(config, id).ok_or("no media ports are free")?;
        let random = &mut config.random;
        let (offer_sdp, offer) =
            sdp::create_offer(&media, sdp_session, 1, &mut KeySource(&mut **random));
        let remote = NameAddr {
            display_name: None,
            uri: target_uri.clone(),
            params: Params::default(),
        };
        let mut from = compose::aor(config);
        from.params.set("tag", Some(&local_tag));
        let mut invite = Message::request(Method::Invite, target_uri.clone());
        let h = &mut invite.headers;
        h.push("Max-Forwards", "70");
        h.push("From", from.to_string());
        h.push("To", remote.to_string());
        h.push("Call-ID", call_id.clone());
        h.push("CSeq", "1 INVITE");
        let mut call = Call::new(NewCall {
            id,
            direction: Direction::Outgoing,
            call_id,
            local_tag,
            remote,
            invite,
            local_media: media,
            transport: self.config.transport,
            sdp_session,
            session_uuid,
            session_expires: self.config.session_expires,
        });
        call.offer = Some(offer);
        call.local_sdp = Some(offer_sdp);
        let next_hop = self.config.proxy.clone().unwrap_or(target_uri);
        let target = compose::target_for(&next_hop, self.config.transport);
        call.transport = target.transport;
        self.finish_invite(&mut call);
        call.invite_target = Some(target.clone());
        let invite = call.invite.clone();
        let remote = call.remote.clone();
        self.calls.insert(id, call);
        if !self.send_request(now, invite, target, Owner::Call(id, Purpose::Invite)) {
            self.calls.remove(&id);
            return Err("too many SIP transactions in progress".into());
        }
        self.emit(Event::Outgoing { call: id, remote });
        Ok(id)
    }

    /// Completes our INVITE: Via, Contact, routing and the headers that change between
    /// resends (session interval, SDP).
    fn finish_invite(&mut self, call: &mut Call) {
        let config = &mut self.config;
        // Via and Contact name the transport the INVITE really goes on (a sips: target).
        let transport = call.transport;
        let session_id = call.session_id_header();
        let h = &mut call.invite.headers;
        h.remove("Via");
        h.remove("Route");
        h.remove("Contact");
        h.remove("Session-Expires");
        h.remove("Min-SE");
        h.remove("Session-ID");
        h.remove("Supported");
        h.remove("Allow");
        h.remove("Content-Type");
        h.push("Via", compose::via(config, transport));
        if let Some(proxy) = &config.proxy {
            let mut route = proxy.clone();
            route.params.set("lr", None);
            h.push("Route", format!("<{route}>"));
        }
        h.push("Contact", compose::contact(config, transport).to_string());
        h.push("Allow", compose::ALLOW);
        h.push("Supported", compose::SUPPORTED_AS_CALLER);
        h.push("Session-Expires", call.session_expires.to_string());
        h.push("Min-SE", config.min_se.to_string());
        h.push("Session-ID", session_id);
        if let Some(sdp) = &call.local_sdp {
            h.push("Content-Type", "application/sdp");
            call.invite.body = sdp.to_string().into_bytes();
        }
    }

    /// Ends a call from our side: CANCEL while it rings, BYE once connected, a decline while
    /// an incoming call waits.
    pub fn hangup(&mut self, now: Instant, id: CallId) -> Result<(), String> {
        let call = self.calls.get_mut(&id).ok_or("no such call")?;
        match (call.direction, call.phase) {
            (_, Phase::Ending) => return Err("the call is already ending".into()),
            (Direction::Incoming, Phase::Ringing) => return self.reject(now, id, 603),
            (Direction::Outgoing, Phase::Dialling | Phase::Ringing) => {
                call.cancel_wanted = true;
                if call.provisional_seen {
                    self.send_cancel(now, id);
                }
                let cause = Cause::internal(CauseKind::LocalCancel, 487, "Call cancelled");
                self.end_call(now, id, cause);
            }
            _ => {
                self.send_bye(now, id);
                let cause = Cause::internal(CauseKind::LocalDisconnect, 0, "Call ended");
                self.end_call(now, id, cause);
            }
        }
        Ok(())
    }

    /// CANCEL for our INVITE (§9.1): same Request-URI, Call-ID, From, To, top Via, CSeq
    /// number and Route.
    fn send_cancel(&mut self, now: Instant, id: CallId) {
        let Some(call) = self.calls.get(&id) else {
            return;
        };
        let (Some(uri), Some(target)) = (
            call.invite.request_uri().cloned(),
            call.invite_target.clone(),
        ) else {
            return;
        };
        let invite = &call.invite;
        let mut cancel = Message::request(Method::Cancel, uri);
        let h = &mut cancel.headers;
        if let Some(via) = invite.headers.values("Via").first() {
            h.push("Via", via.to_string());
        }
        for route in invite.headers.get_all("Route") {
            h.push("Route", route.to_string());
        }
        h.push("Max-Forwards", "70");
        for name in ["From", "To", "Call-ID"] {
            if let Some(v) = invite.headers.get(name) {
                h.push(name, v.to_string());
            }
        }
        let seq = invite.cseq().map(|c| c.seq).unwrap_or(1);
        h.push("CSeq", format!("{seq} CANCEL"));
        self.send_request(now, cancel, target, Owner::Call(id, Purpose::Cancel));
    }

    /// BYE in the call's dialog.
    pub(super) fn send_bye(&mut self, now: Instant, id: CallId) {
        if let Some((bye, target)) = self.in_dialog_request(id, Method::Bye) {
            self.send_request(now, bye, target, Owner::Call(id, Purpose::Bye));
        }
    }

    /// A request in a call's dialog with our Via, and where to send it.
    pub(super) fn in_dialog_request(
        &mut self,
        id: CallId,
        method: Method,
    ) -> Option<(Message, crate::call::sip::transport::Target)> {
        let call = self.calls.get(&id)?;
        let target = compose::target_for(&call.dialog.as_ref()?.next_hop(), call.transport);
        let via = compose::via(&mut self.config, target.transport);
        let call = self.calls.get_mut(&id)?;
        let session_id = call.session_id_header();
        let dialog = call.dialog.as_mut()?;
        let mut request = dialog.request(method);
        request.headers.push("Via", via);
        request.headers.push("Session-ID", session_id);
        Some((request, target))
    }

    pub(super) fn call_response(
        &mut self,
        now: Instant,
        id: CallId,
        purpose: Purpose,
        request: &Message,
        response: &Message,
    ) {
        match purpose {
            Purpose::Invite => self.invite_response(now, id, response),
            Purpose::Reinvite => self.reinvite_response(now, id, request, response),
            Purpose::Cancel | Purpose::Bye | Purpose::Other => {}
        }
    }

    fn invite_response(&mut self, now: Instant, id: CallId, response: &Message) {
        let Some(code) = response.status() else {
            return;
        };
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if let Some(uuid) = remote_uuid(response) {
            call.remote_uuid = Some(uuid);
        }
        match code {
            100 => {}
            101..=199 => {
                call.provisional_seen = true;
                if call.cancel_wanted {
                    return self.send_cancel(now, id);
                }
                self.acknowledge_reliable(now, id, response);
                let Some(call) = self.calls.get_mut(&id) else {
                    return;
                };
                if call.phase == Phase::Dialling {
                    call.phase = Phase::Ringing;
                    // The early dialog (a PRACK may have made it already).
                    if call.dialog.is_none() {
                        call.dialog = Dialog::as_uac(&call.invite, response);
                    }
                    self.emit(Event::Ringing { call: id });
                }
            }
            200..=299 => self.invite_accepted(now, id, response),
            401 | 407 => self.invite_challenged(now, id, code, response),
            422 => {
                let min = response
                    .headers
                    .get("Min-SE")
                    .and_then(|v| v.split(';').next()?.trim().parse::<u32>().ok());
                match min {
                    Some(min) if min > call.session_expires && !call.cancel_wanted => {
                        call.session_expires = min;
                        self.resend_invite(now, id);
                    }
                    _ => self.invite_failed(now, id, code, response),
                }
            }
            _ => self.invite_failed(now, id, code, response),
        }
    }

    /// PRACK for a reliable provisional response (RFC 3262 §4), once per RSeq.
    fn acknowledge_reliable(&mut self, now: Instant, id: CallId, response: &Message) {
        let reliable = response
            .headers
            .values("Require")
            .iter()
            .any(|v| v.trim().eq_ignore_ascii_case("100rel"));
        let rseq = response
            .headers
            .get("RSeq")
            .and_then(|v| v.trim().parse::<u32>().ok());
        let (true, Some(rseq)) = (reliable, rseq) else {
            return;
        };
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if call.last_rseq.is_some_and(|last| rseq <= last) {
            return;
        }
        call.last_rseq = Some(rseq);
        if call.dialog.is_none() {
            call.dialog = Dialog::as_uac(&call.invite, response);
        }
        let invite_seq = call.invite.cseq().map(|c| c.seq).unwrap_or(1);
        if let Some((mut prack, target)) = self.in_dialog_request(id, Method::Prack) {
            prack
                .headers
                .push("RAck", format!("{rseq} {invite_seq} INVITE"));
            self.send_request(now, prack, target, Owner::Call(id, Purpose::Other));
        }
    }

    fn invite_accepted(&mut self, now: Instant, id: CallId, response: &Message) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let Some(mut dialog) = Dialog::as_uac(&call.invite, response) else {
            tracing::warn!("2xx to INVITE without a usable To tag or Contact; ignored");
            return;
        };
        // PRACKs in the early dialog already used CSeq numbers past the INVITE's.
        if let Some(early) = &call.dialog {
            dialog.local_cseq = dialog.local_cseq.max(early.local_cseq);
        }
        call.dialog = Some(dialog);
        let invite_seq = call.invite.cseq().map(|c| c.seq).unwrap_or(1);
        self.send_ack(now, id, invite_seq, None);
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if call.phase == Phase::Ending {
            // We hung up while it rang and the answer crossed our CANCEL.
            return self.send_bye(now, id);
        }
        let answer = std::str::from_utf8(&response.body)
            .ok()
            .and_then(|text| SessionDescription::parse(text).ok());
        let negotiated = match (&call.offer, answer) {
            (Some(offer), Some(answer)) => sdp::accept_answer(offer, &answer),
            _ => Err(sdp::Rejected {
                status: 488,
                reason: "the answer carries no SDP".into(),
            }),
        };
        match negotiated {
            Ok(media) => {
                call.phase = Phase::Connected;
                call.media = Some(media.clone());
                call.offer = None;
                call.session_timer = session_timer_from(now, response, false);
                self.emit(Event::Connected { call: id, media });
            }
            Err(rejected) => {
                self.send_bye(now, id);
                let cause = Cause::internal(CauseKind::Rejected, rejected.status, &rejected.reason);
                self.end_call(now, id, cause);
            }
        }
    }

    /// ACK for a 2xx: a new transaction-less request in the dialog with the INVITE's CSeq.
    pub(super) fn send_ack(&mut self, _now: Instant, id: CallId, seq: u32, sdp: Option<&str>) {
        let Some((mut ack, target)) = self.in_dialog_request(id, Method::Ack) else {
            return;
        };
        ack.headers.set("CSeq", format!("{seq} ACK"));
        if let Some(sdp) = sdp {
            ack.headers.push("Content-Type", "application/sdp");
            ack.body = sdp.as_bytes().to_vec();
        }
        self.out.push_back(target.transmit(ack.to_bytes()));
    }

    fn invite_challenged(&mut self, now: Instant, id: CallId, code: u16, response: &Message) {
        let header = if code == 401 {
            "WWW-Authenticate"
        } else {
            "Proxy-Authenticate"
        };
        let challenge = Challenge::pick(response.headers.get_all(header));
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let (Some(challenge), Some(creds)) = (challenge, self.config.credentials.clone()) else {
            return self.invite_failed(now, id, code, response);
        };
        if call.auth_tries >= 1 && !challenge.stale || call.cancel_wanted {
            return self.invite_failed(now, id, code, response);
        }
        call.auth_tries += 1;
        call.nonce_count += 1;
        let uri = call
            .invite
            .request_uri()
            .map(|u| u.to_string())
            .unwrap_or_default();
        let nc = call.nonce_count;
        let cnonce = compose::random_hex(&mut self.config, 8);
        let answer = challenge.answer(&creds, "INVITE", &uri, &cnonce, nc);
        let name = if code == 401 {
            "Authorization"
        } else {
            "Proxy-Authorization"
        };
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        call.invite.headers.set(name, answer);
        self.resend_invite(now, id);
    }

    /// Sends the INVITE again with the next CSeq and a new branch (after 401/407/422).
    fn resend_invite(&mut self, now: Instant, id: CallId) {
        let Some(mut call) = self.calls.remove(&id) else {
            return;
        };
        let seq = call.invite.cseq().map(|c| c.seq).unwrap_or(1) + 1;
        call.invite.headers.set("CSeq", format!("{seq} INVITE"));
        self.finish_invite(&mut call);
        let invite = call.invite.clone();
        let target = call.invite_target.clone();
        self.calls.insert(id, call);
        if let Some(target) = target {
            self.send_request(now, invite, target, Owner::Call(id, Purpose::Invite));
        }
    }

    fn invite_failed(&mut self, now: Instant, id: CallId, code: u16, response: &Message) {
        let reason = response_reason(response);
        let synthetic = response.headers.contains("X-Roomd-Timeout");
        let kind = match code {
            487 => CauseKind::LocalCancel,
            486 | 600 => CauseKind::RemoteBusy,
            408 if synthetic => CauseKind::Timeout,
            _ => CauseKind::Rejected,
        };
        let cause = if synthetic {
            Cause::internal(kind, code, &reason)
        } else {
            Cause::sip(kind, code, &reason)
        };
        self.end_call(now, id, cause);
    }

    /// A 2xx retransmission after the INVITE transaction ended: ACK it again (§13.2.2.4);
    /// a 2xx from another fork: ACK and BYE it.
    pub(super) fn stray_response(&mut self, now: Instant, response: &Message) {
        let Some(cseq) = response.cseq() else {
            return;
        };
        let code = response.status().unwrap_or(0);
        if cseq.method != Method::Invite || !(200..300).contains(&code) {
            return;
        }
        let Some(call) = self
            .calls
            .values()
            .find(|c| Some(c.call_id.as_str()) == response.call_id())
        else {
            return;
        };
        let id = call.id;
        let same_dialog = call.dialog.as_ref().is_some_and(|d| {
            response.to().and_then(|t| t.tag().map(str::to_string)) == Some(d.remote_tag.clone())
        });
        if same_dialog {
            self.send_ack(now, id, cseq.seq, None);
        } else {
            tracing::debug!("2xx from a second fork of call {id}: ACK and BYE it");
        }
    }
}

/// A 408 standing for Timer B/F expiry, marked so the cause says "Internal".
pub(super) fn synthetic_timeout(request: &Message) -> Message {
    let mut response = compose::response(request, 408, "Request Timeout", None);
    response.headers.push("X-Roomd-Timeout", "1");
    response
}

/// A new call's media description with ports from the allocator.
pub(super) fn call_media(config: &mut super::Config, id: CallId) -> Option<sdp::LocalMedia> {
    let ports = (config.media_ports)(id)?;
    let mut media = config.media.clone();
    media.audio_port = ports.audio;
    media.video_port = ports.video;
    media.slides_port = ports.slides;
    media.bfcp_port = ports.bfcp;
    Some(media)
}

fn random_bytes(config: &mut super::Config) -> [u8; 8] {
    let mut buf = [0u8; 8];
    (config.random)(&mut buf);
    buf[0] &= 0x7f; // SDP session ids stay positive when read as signed 64-bit
    buf
}

/// The peer's RFC 7989 UUID from a Session-ID header.
pub(super) fn remote_uuid(message: &Message) -> Option<String> {
    let value = message.headers.get("Session-ID")?;
    let uuid = value.split(';').next()?.trim();
    (uuid.len() == 32 && uuid.bytes().all(|b| b.is_ascii_hexdigit()) && uuid != "0".repeat(32))
        .then(|| uuid.to_ascii_lowercase())
}

/// The RFC 4028 timer a 2xx sets up (`uas_side`: we answered the INVITE).
pub(super) fn session_timer_from(
    now: Instant,
    message: &Message,
    uas_side: bool,
) -> Option<SessionTimer> {
    let value = message.headers.get("Session-Expires")?;
    let mut parts = value.split(';');
    let interval: u32 = parts.next()?.trim().parse().ok()?;
    let refresher = parts
        .filter_map(|p| p.trim().strip_prefix("refresher="))
        .next()
        .unwrap_or("uac")
        .to_ascii_lowercase();
    let we_refresh = (refresher == "uas") == uas_side;
    Some(SessionTimer::start(now, interval, we_refresh))
}
