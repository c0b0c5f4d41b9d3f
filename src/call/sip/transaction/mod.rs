//! The transaction layer (RFC 3261 §17): matching messages to transactions, retransmissions
//! and timers A–K, all on time handed in by the caller.
//!
//! The table is bounded: past `limit` live transactions new ones are refused, so a flood of
//! requests costs a fixed amount of memory (the endpoint answers 503 statelessly).

pub mod client;
pub mod server;
pub mod timers;

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use client::{ClientState, ClientTx, Delivery, ack_for_failure};
use server::{ServerState, ServerTx};
use timers::{Side, T1, T2, T4, TRANSACTION_TIMEOUT, TimerKind, TimerQueue};

use super::message::{Message, Method};
use super::transport::{Source, Target, Transmit};

/// RFC 3261's magic cookie: branches starting with it are unique per transaction.
pub const MAGIC_COOKIE: &str = "z9hG4bK";

/// What the transaction layer tells its user when time passes.
#[derive(Debug)]
pub enum TxEvent<O> {
    /// Timer B or F: no final response came (the TU treats it as 408).
    ClientTimeout { owner: O, request: Message },
    /// Timer H: our failure response to an INVITE was never acknowledged.
    AckTimeout { request: Message },
}

/// How an incoming request relates to the server transactions.
#[derive(Debug, PartialEq, Eq)]
pub enum RequestMatch {
    /// A new transaction was created under this key; the TU must answer it.
    New(String),
    /// A retransmission, answered from the transaction (or still being worked on).
    Retransmission,
    /// The ACK for a failure response: consumed by the transaction.
    AckAbsorbed,
    /// An ACK matching no transaction: the ACK for a 2xx, which belongs to the dialog.
    AckForDialog,
    /// The table is full.
    Full,
}

/// Every live transaction of an endpoint.
#[derive(Debug)]
pub struct Transactions<O> {
    clients: HashMap<String, ClientTx<O>>,
    servers: HashMap<String, ServerTx>,
    timers: TimerQueue,
    limit: usize,
}

impl<O: Clone> Transactions<O> {
    pub fn new(limit: usize) -> Self {
        Transactions {
            clients: HashMap::new(),
            servers: HashMap::new(),
            timers: TimerQueue::default(),
            limit,
        }
    }

    pub fn len(&self) -> usize {
        self.clients.len() + self.servers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_full(&self) -> bool {
        self.len() >= self.limit
    }

    /// Sends `request` and starts its transaction. The request's top Via must carry a fresh
    /// branch. Returns the key, or `None` when the table is full.
    pub fn start_client(
        &mut self,
        now: Instant,
        request: Message,
        target: Target,
        owner: O,
        out: &mut VecDeque<Transmit>,
    ) -> Option<String> {
        if self.is_full() {
            return None;
        }
        let key = client_key(&request)?;
        let invite = request.method() == Some(&Method::Invite);
        let bytes = request.to_bytes();
        out.push_back(target.transmit(bytes.clone()));
        let retransmit = (!target.transport.is_reliable()).then(|| {
            self.timers
                .arm(now + T1, Side::Client, TimerKind::Retransmit, &key)
        });
        let timeout = Some(self.timers.arm(
            now + TRANSACTION_TIMEOUT,
            Side::Client,
            TimerKind::Timeout,
            &key,
        ));
        let tx = ClientTx {
            owner,
            request,
            target,
            state: ClientState::Calling,
            invite,
            bytes,
            interval: T1,
            retransmit,
            timeout,
            linger: None,
            ack: None,
        };
        self.clients.insert(key.clone(), tx);
        Some(key)
    }

    /// Matches a response to its client transaction (§17.1.3). Returns the owner and the
    /// original request when the TU should see the response.
    pub fn on_response(
        &mut self,
        now: Instant,
        response: &Message,
        out: &mut VecDeque<Transmit>,
    ) -> Option<(O, Message)> {
        let key = client_key(response)?;
        let tx = self.clients.get_mut(&key)?;
        let code = response.status()?;
        let delivery = if code < 200 {
            if tx.state == ClientState::Calling {
                tx.state = ClientState::Proceeding;
                if tx.invite {
                    // Timer A stops once the INVITE is known to have arrived.
                    tx.retransmit = None;
                }
            }
            if !tx.invite && tx.retransmit.is_some() {
                tx.interval = T2;
            }
            Delivery::Deliver
        } else if tx.state == ClientState::Completed {
            // A retransmitted final response: repeat our ACK, tell nobody.
            if let Some(ack) = &tx.ack {
                out.push_back(tx.target.transmit(ack.clone()));
            }
            Delivery::Absorb
        } else if code < 300 && tx.invite {
            // 2xx ends the INVITE transaction at once; the dialog ACKs it (§13.2.2.4) and
            // sees its retransmissions as stray responses.
            let owner = tx.owner.clone();
            let request = tx.request.clone();
            self.clients.remove(&key);
            return Some((owner, request));
        } else {
            tx.state = ClientState::Completed;
            tx.retransmit = None;
            tx.timeout = None;
            if tx.invite
                && let Some(ack) = ack_for_failure(&tx.request, response)
            {
                let bytes = ack.to_bytes();
                out.push_back(tx.target.transmit(bytes.clone()));
                tx.ack = Some(bytes);
            }
            match tx.linger_after_final(now) {
                Some(at) => {
                    tx.linger = Some(self.timers.arm(at, Side::Client, TimerKind::Linger, &key))
                }
                None => {
                    let tx = self.clients.remove(&key)?;
                    return Some((tx.owner, tx.request));
                }
            }
            Delivery::Deliver
        };
        match delivery {
            Delivery::Deliver => Some((tx.owner.clone(), tx.request.clone())),
            Delivery::Absorb => None,
        }
    }

    /// Matches a request to a server transaction (§17.2.3), creating one if it is new.
    pub fn on_request(
        &mut self,
        now: Instant,
        request: &Message,
        source: &Source,
        out: &mut VecDeque<Transmit>,
    ) -> RequestMatch {
        let Some(key) = server_key(request) else {
            return RequestMatch::Full;
        };
        let is_ack = request.method() == Some(&Method::Ack);
        if let Some(tx) = self.servers.get_mut(&key) {
            if is_ack {
                if tx.invite && tx.state == ServerState::Completed {
                    tx.state = ServerState::Confirmed;
                    tx.retransmit = None;
                    tx.timeout = None;
                    if source.transport.is_reliable() {
                        self.servers.remove(&key);
                    } else {
                        tx.linger =
                            Some(
                                self.timers
                                    .arm(now + T4, Side::Server, TimerKind::Linger, &key),
                            );
                    }
                }
                return RequestMatch::AckAbsorbed;
            }
            if let Some(last) = &tx.last_response {
                out.push_back(tx.reply.transmit(last.clone()));
            }
            return RequestMatch::Retransmission;
        }
        if is_ack {
            return RequestMatch::AckForDialog;
        }
        if self.is_full() {
            return RequestMatch::Full;
        }
        let invite = request.method() == Some(&Method::Invite);
        self.servers.insert(
            key.clone(),
            ServerTx {
                request: Some(request.clone()),
                reply: Target::reply_to(source),
                state: ServerState::Proceeding,
                invite,
                last_response: None,
                interval: T1,
                retransmit: None,
                timeout: None,
                linger: None,
            },
        );
        RequestMatch::New(key)
    }

    /// Sends the TU's response for server transaction `key`.
    pub fn respond(
        &mut self,
        now: Instant,
        key: &str,
        response: &Message,
        out: &mut VecDeque<Transmit>,
    ) {
        let Some(tx) = self.servers.get_mut(key) else {
            return;
        };
        if tx.state != ServerState::Proceeding {
            return;
        }
        let code = response.status().unwrap_or(500);
        let bytes = response.to_bytes();
        out.push_back(tx.reply.transmit(bytes.clone()));
        tx.last_response = Some(bytes);
        if code < 200 {
            return;
        }
        let reliable = tx.reply.transport.is_reliable();
        if tx.invite && code < 300 {
            // The TU retransmits 2xx itself until the ACK (§13.3.1.4).
            self.servers.remove(key);
            return;
        }
        tx.state = ServerState::Completed;
        if tx.invite {
            if !reliable {
                tx.retransmit =
                    Some(
                        self.timers
                            .arm(now + T1, Side::Server, TimerKind::Retransmit, key),
                    );
            }
            tx.timeout = Some(self.timers.arm(
                now + TRANSACTION_TIMEOUT,
                Side::Server,
                TimerKind::Timeout,
                key,
            ));
        } else if reliable {
            self.servers.remove(key);
        } else {
            tx.request = None;
            tx.linger = Some(self.timers.arm(
                now + TRANSACTION_TIMEOUT,
                Side::Server,
                TimerKind::Linger,
                key,
            ));
        }
    }

    /// Where a server transaction's responses go.
    pub fn server_reply(&self, key: &str) -> Option<Target> {
        self.servers.get(key).map(|tx| tx.reply.clone())
    }

    /// Whether the server transaction still waits for the TU's final answer.
    pub fn server_pending(&self, key: &str) -> bool {
        self.servers
            .get(key)
            .is_some_and(|tx| tx.state == ServerState::Proceeding)
    }

    /// The INVITE server transaction a CANCEL refers to (§9.2: same key but the method).
    pub fn invite_key_for_cancel(&self, cancel: &Message) -> Option<String> {
        let key = server_key(cancel)?;
        let invite_key = key.strip_suffix("|CANCEL")?.to_string() + "|INVITE";
        self.servers.contains_key(&invite_key).then_some(invite_key)
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.next()
    }

    /// Fires every timer due at `now`.
    pub fn handle_timeout(
        &mut self,
        now: Instant,
        out: &mut VecDeque<Transmit>,
    ) -> Vec<TxEvent<O>> {
        let mut events = Vec::new();
        while let Some(due) = self.timers.pop_due(now) {
            match due.side {
                Side::Client => self.fire_client(now, due, out, &mut events),
                Side::Server => self.fire_server(now, due, out, &mut events),
            }
        }
        events
    }

    fn fire_client(
        &mut self,
        now: Instant,
        due: timers::Due,
        out: &mut VecDeque<Transmit>,
        events: &mut Vec<TxEvent<O>>,
    ) {
        let Some(tx) = self.clients.get_mut(&due.key) else {
            return;
        };
        if !due.is_current(tx.retransmit, tx.timeout, tx.linger) {
            return;
        }
        match due.kind {
            TimerKind::Retransmit => {
                out.push_back(tx.target.transmit(tx.bytes.clone()));
                tx.interval = tx.next_interval();
                tx.retransmit = Some(self.timers.arm(
                    now + tx.interval,
                    Side::Client,
                    TimerKind::Retransmit,
                    &due.key,
                ));
            }
            TimerKind::Timeout => {
                if let Some(tx) = self.clients.remove(&due.key) {
                    events.push(TxEvent::ClientTimeout {
                        owner: tx.owner,
                        request: tx.request,
                    });
                }
            }
            TimerKind::Linger => {
                self.clients.remove(&due.key);
            }
        }
    }

    fn fire_server(
        &mut self,
        now: Instant,
        due: timers::Due,
        out: &mut VecDeque<Transmit>,
        events: &mut Vec<TxEvent<O>>,
    ) {
        let Some(tx) = self.servers.get_mut(&due.key) else {
            return;
        };
        if !due.is_current(tx.retransmit, tx.timeout, tx.linger) {
            return;
        }
        match due.kind {
            TimerKind::Retransmit => {
                if let Some(last) = &tx.last_response {
                    out.push_back(tx.reply.transmit(last.clone()));
                }
                tx.interval = (tx.interval * 2).min(T2);
                tx.retransmit = Some(self.timers.arm(
                    now + tx.interval,
                    Side::Server,
                    TimerKind::Retransmit,
                    &due.key,
                ));
            }
            TimerKind::Timeout => {
                if let Some(request) = self.servers.remove(&due.key).and_then(|tx| tx.request) {
                    events.push(TxEvent::AckTimeout { request });
                }
            }
            TimerKind::Linger => {
                self.servers.remove(&due.key);
            }
        }
    }
}

/// Client transactions are keyed by branch and CSeq method (§17.1.3).
fn client_key(message: &Message) -> Option<String> {
    let via = message.top_via()?;
    let method = message.cseq()?.method;
    let method = if method == Method::Ack {
        Method::Invite
    } else {
        method
    };
    Some(format!("{}|{}", via.branch()?, method.as_str()))
}

/// Server transactions are keyed by branch, sent-by and method, ACK counting as INVITE
/// (§17.2.3); requests from RFC 2543 peers without the magic cookie fall back to the
/// Call-ID, CSeq number and From tag.
fn server_key(request: &Message) -> Option<String> {
    let via = request.top_via()?;
    let method = match request.method()? {
        Method::Ack => Method::Invite,
        m => m.clone(),
    };
    let sent_by = match via.port {
        Some(p) => format!("{}:{p}", via.host),
        None => via.host.clone(),
    };
    match via.branch() {
        Some(b) if b.starts_with(MAGIC_COOKIE) => {
            Some(format!("{b}|{sent_by}|{}", method.as_str()))
        }
        _ => {
            let cseq = request.cseq()?.seq;
            let from_tag = request.from()?.tag().unwrap_or("").to_string();
            Some(format!(
                "2543:{}:{cseq}:{from_tag}|{sent_by}|{}",
                request.call_id()?,
                method.as_str()
            ))
        }
    }
}
