//! The SIP user agent core, sans-IO in the style of quinn-proto: the driver feeds it
//! `(now, source, bytes)` and `handle_timeout(now)`, and drains `poll_transmit`,
//! `poll_event` and `poll_timeout`. It never reads a clock, opens a socket or spawns.
//!
//! The user agent places and answers calls (INVITE, CANCEL, BYE, re-INVITE hold/resume,
//! session timers), registers and keeps a proxy alive. Layers: messages (`message`),
//! transactions (`transaction`), dialogs (`dialog`), and this module on top.

pub mod call;
pub mod compose;
pub mod config;
pub mod event;
mod in_dialog;
mod registration;
mod uac;
mod uas;

use std::collections::{BTreeMap, VecDeque};
use std::time::Instant;

use call::Call;
pub use config::{Config, MediaAllocator, MediaPorts, RandomSource, fixed_media_ports};
pub use event::{CallId, Cause, CauseKind, CauseOrigin, Event, RegistrationState};
use registration::{Keepalive, Registration};

use super::message::{Message, Method};
use super::transaction::{RequestMatch, Transactions, TxEvent};
use super::transport::{Source, Target, Transmit};
use super::validate::{self, Policy};

/// Who a client transaction belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    Register,
    Keepalive,
    Call(CallId, Purpose),
}

/// What a call's client transaction is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Invite,
    Reinvite,
    Cancel,
    Bye,
    Other,
}

pub struct Endpoint {
    config: Config,
    transactions: Transactions<Owner>,
    calls: BTreeMap<CallId, Call>,
    next_call: CallId,
    registration: Registration,
    keepalive: Keepalive,
    out: VecDeque<Transmit>,
    events: VecDeque<Event>,
}

impl Endpoint {
    pub fn new(config: Config) -> Endpoint {
        let limit = config.max_transactions;
        Endpoint {
            config,
            transactions: Transactions::new(limit),
            calls: BTreeMap::new(),
            next_call: 1,
            registration: Registration::default(),
            keepalive: Keepalive::default(),
            out: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Takes new settings and keeps the calls: their dialogs and transactions stay, and each
    /// keeps the media it agreed; new calls follow the new settings. Registration and
    /// keepalives start again under them, as at [`Endpoint::start`]; replies to the replaced
    /// registration are ignored.
    pub fn reconfigure(&mut self, config: Config, now: Instant) {
        self.config = config;
        self.registration = Registration::default();
        self.keepalive = Keepalive::default();
        self.start(now);
    }

    /// Starts registration and keepalives as configured.
    pub fn start(&mut self, now: Instant) {
        if self.config.register {
            self.register(now);
        }
        self.keepalive.start(now, &self.config);
    }

    /// Takes one received datagram or framed stream message.
    pub fn handle_input(&mut self, now: Instant, source: Source, bytes: &[u8]) {
        match Message::parse(bytes) {
            Ok(msg) if msg.is_request() => self.handle_request(now, source, msg),
            Ok(msg) => self.handle_response(now, msg),
            Err(err) => {
                tracing::debug!("SIP from {}: unparsable ({})", source.addr, err.reason);
                if let Some(reply) = uas::bad_request_reply(bytes, &err.reason) {
                    self.out
                        .push_back(Target::reply_to(&source).transmit(reply));
                }
            }
        }
    }

    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.out.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When `handle_timeout` must be called next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [
            self.transactions.poll_timeout(),
            self.registration.next_deadline(),
            self.keepalive.next,
            self.calls.values().filter_map(Call::next_deadline).min(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        for event in self.transactions.handle_timeout(now, &mut self.out) {
            match event {
                TxEvent::ClientTimeout { owner, request } => {
                    let timeout = uac::synthetic_timeout(&request);
                    self.route_response(now, owner, request, timeout);
                }
                TxEvent::AckTimeout { request } => {
                    tracing::debug!("no ACK for our answer to {:?}", request.call_id());
                }
            }
        }
        self.registration_timers(now);
        self.keepalive_timer(now);
        let due: Vec<CallId> = self
            .calls
            .values()
            .filter(|c| c.next_deadline().is_some_and(|d| d <= now))
            .map(|c| c.id)
            .collect();
        for id in due {
            self.call_timers(now, id);
        }
    }

    /// The number of calls that exist at the SIP level (including ones ending).
    pub fn call_count(&self) -> usize {
        self.calls.len()
    }

    pub fn transaction_count(&self) -> usize {
        self.transactions.len()
    }

    fn handle_request(&mut self, now: Instant, source: Source, request: Message) {
        let key = match self
            .transactions
            .on_request(now, &request, &source, &mut self.out)
        {
            RequestMatch::New(key) => key,
            RequestMatch::Retransmission | RequestMatch::AckAbsorbed => return,
            RequestMatch::AckForDialog => return self.handle_ack(now, &request),
            RequestMatch::Full => {
                let mut busy = compose::response(&request, 503, "Service Unavailable", None);
                busy.headers.push("Retry-After", "5");
                self.out
                    .push_back(Target::reply_to(&source).transmit(busy.to_bytes()));
                return;
            }
        };
        let policy = Policy {
            supported_extensions: compose::SUPPORTED,
            accepted_body_types: &["application/sdp", "multipart/mixed"],
            allowed_methods: &[
                Method::Invite,
                Method::Ack,
                Method::Cancel,
                Method::Bye,
                Method::Options,
                Method::Info,
                Method::Update,
                Method::Prack,
            ],
        };
        if let Err(rejection) = validate::check_request(&request, &policy) {
            let mut reply =
                compose::response(&request, rejection.code, rejection.reason, Some("rj"));
            for (name, value) in rejection.headers {
                reply.headers.push(&name, value);
            }
            if rejection.code == 405 {
                reply.headers.set("Allow", compose::ALLOW);
            }
            return self.respond(now, &key, reply);
        }
        let in_dialog = request.to().is_some_and(|t| t.tag().is_some());
        match request.method() {
            Some(Method::Cancel) => self.handle_cancel(now, &key, &request),
            _ if in_dialog => self.handle_in_dialog(now, &key, request),
            Some(Method::Invite) => self.handle_invite(now, &key, request),
            Some(Method::Options) => {
                let reply = self.options_reply(&request);
                self.respond(now, &key, reply);
            }
            _ => {
                let reply =
                    compose::response(&request, 481, "Call/Transaction Does Not Exist", None);
                self.respond(now, &key, reply);
            }
        }
    }

    fn handle_response(&mut self, now: Instant, response: Message) {
        match self.transactions.on_response(now, &response, &mut self.out) {
            Some((owner, request)) => self.route_response(now, owner, request, response),
            None => self.stray_response(now, &response),
        }
    }

    fn route_response(&mut self, now: Instant, owner: Owner, request: Message, response: Message) {
        match owner {
            Owner::Register if self.registration.sent(&response) => {
                self.registration_response(now, &request, &response)
            }
            Owner::Register => {}
            Owner::Keepalive => self.keepalive_response(&response),
            Owner::Call(id, purpose) => self.call_response(now, id, purpose, &request, &response),
        }
    }

    /// Sends a response through its server transaction, with our User-Agent.
    fn respond(&mut self, now: Instant, key: &str, mut response: Message) {
        response
            .headers
            .push("Server", self.config.user_agent.clone());
        self.transactions
            .respond(now, key, &response, &mut self.out);
    }

    /// Starts a client transaction; false if the table is full.
    fn send_request(
        &mut self,
        now: Instant,
        mut request: Message,
        target: Target,
        owner: Owner,
    ) -> bool {
        if !request.headers.contains("User-Agent") {
            request
                .headers
                .push("User-Agent", self.config.user_agent.clone());
        }
        self.transactions
            .start_client(now, request, target, owner, &mut self.out)
            .is_some()
    }

    fn options_reply(&self, request: &Message) -> Message {
        let mut reply = compose::response(request, 200, "OK", Some("opt"));
        reply.headers.push("Allow", compose::ALLOW);
        reply.headers.push("Accept", "application/sdp");
        reply
            .headers
            .push("Supported", compose::SUPPORTED.join(", "));
        reply
    }

    fn emit(&mut self, event: Event) {
        self.events.push_back(event);
    }

    /// Reports a call's end once, and schedules forgetting it.
    fn end_call(&mut self, now: Instant, id: CallId, cause: Cause) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        // An outgoing call ended before it was answered may still be answered (the 2xx
        // crosses our CANCEL) and must then be ACKed and hung up: it stays for 64·T1. Any
        // other call is done; its transactions absorb what comes late.
        let unanswered = call.direction == call::Direction::Outgoing
            && matches!(call.phase, call::Phase::Dialling | call::Phase::Ringing);
        call.phase = call::Phase::Ending;
        call.pending_ok = None;
        call.session_timer = None;
        call.reinvite_retry = None;
        call.drop_at = Some(if unanswered {
            now + super::transaction::timers::TRANSACTION_TIMEOUT
        } else {
            now
        });
        if !call.ended_reported {
            call.ended_reported = true;
            self.events.push_back(Event::Ended { call: id, cause });
        }
    }
}
