//! The SIP user agent on a simulated network: two endpoints and a registrar exchanging real
//! bytes with latency, loss and reordering, on virtual time. Whole call flows, including
//! the 32-second RFC 3261 timeouts, run in milliseconds of wall time.
//!
//! The registrar here is a small stand-in built from our own message and digest code so
//! the flow is deterministic; the real registrar (kamailio) is exercised in tests/sip_interop.rs.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use roomd::call::sip::auth::Credentials;
use roomd::call::sip::auth::{Algorithm, Challenge};
use roomd::call::sip::endpoint::compose;
use roomd::call::sip::endpoint::{
    CallId, CauseKind, CauseOrigin, Config, Endpoint, Event, RegistrationState,
};
use roomd::call::sip::message::Message;
use roomd::call::sip::transport::{Destination, Source, Transport};

/// A tiny deterministic generator (xorshift64*), for the network and the endpoints.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 10_000) as f64 / 10_000.0 < p
    }
}

fn random_source(seed: u64) -> roomd::call::sip::endpoint::RandomSource {
    let mut rng = Rng(seed);
    Box::new(move |buf: &mut [u8]| {
        for b in buf.iter_mut() {
            *b = rng.next() as u8;
        }
    })
}

const REGISTRAR: &str = "10.0.0.1:5060";
const ALICE: &str = "10.0.0.2:5060";
const BOB: &str = "10.0.0.3:5060";

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

/// A registrar that challenges every REGISTER without valid credentials.
struct Registrar {
    password: String,
    nonce: u32,
    challenges: Vec<Challenge>,
    received: Vec<Message>,
    bindings: HashMap<String, u32>,
}

impl Registrar {
    fn handle(&mut self, request: &Message) -> Message {
        self.received.push(request.clone());
        let authorized = request.headers.get("Authorization").is_some_and(|auth| {
            self.challenges
                .iter()
                .any(|c| c.verify(auth, "REGISTER", &self.password))
        });
        if !authorized {
            self.nonce += 1;
            let challenge = Challenge {
                realm: "sim".into(),
                nonce: format!("nonce{}", self.nonce),
                opaque: None,
                algorithm: Algorithm::Sha256,
                qop_auth: true,
                stale: false,
            };
            let mut reply = compose::response(request, 401, "Unauthorized", Some("reg"));
            reply
                .headers
                .push("WWW-Authenticate", challenge.to_header());
            self.challenges.push(challenge);
            return reply;
        }
        let aor = request.to().unwrap().uri.to_string();
        let expires = request.expires().unwrap_or(3600);
        self.bindings.insert(aor, expires);
        let mut reply = compose::response(request, 200, "OK", Some("reg"));
        let contact = request.headers.get("Contact").unwrap().to_string();
        reply
            .headers
            .push("Contact", format!("{contact};expires={expires}"));
        reply
    }
}

struct Packet {
    at: Instant,
    from: SocketAddr,
    to: SocketAddr,
    bytes: Vec<u8>,
}

/// Endpoints, a registrar and the wire between them, on virtual time.
struct Net {
    now: Instant,
    start: Instant,
    nodes: Vec<(SocketAddr, Endpoint, Vec<Event>)>,
    registrar: Registrar,
    wire: Vec<Packet>,
    rng: Rng,
    loss: f64,
    /// Packets to this address vanish (a dead host).
    dead: Vec<SocketAddr>,
    /// Every datagram sent, for counting retransmissions.
    log: Vec<(Instant, SocketAddr, SocketAddr, Vec<u8>)>,
}

impl Net {
    fn new(seed: u64) -> Net {
        let now = Instant::now();
        Net {
            now,
            start: now,
            nodes: Vec::new(),
            registrar: Registrar {
                password: "secret".into(),
                nonce: 0,
                challenges: Vec::new(),
                received: Vec::new(),
                bindings: HashMap::new(),
            },
            wire: Vec::new(),
            rng: Rng(seed),
            loss: 0.0,
            dead: Vec::new(),
            log: Vec::new(),
        }
    }

    fn add(&mut self, user: &str, at: &str, seed: u64, tweak: impl FnOnce(&mut Config)) -> usize {
        let mut config = Config::new(user, at, addr(at), random_source(seed));
        tweak(&mut config);
        let mut endpoint = Endpoint::new(config);
        endpoint.start(self.now);
        self.nodes.push((addr(at), endpoint, Vec::new()));
        self.nodes.len() - 1
    }

    fn ep(&mut self, i: usize) -> &mut Endpoint {
        &mut self.nodes[i].1
    }

    fn events(&self, i: usize) -> &[Event] {
        &self.nodes[i].2
    }

    fn elapsed(&self) -> Duration {
        self.now - self.start
    }

    /// Moves every endpoint's output onto the wire: 5–25 ms latency (so packets overtake
    /// each other), some lost.
    fn collect(&mut self) {
        for i in 0..self.nodes.len() {
            let from = self.nodes[i].0;
            while let Some(t) = self.nodes[i].1.poll_transmit() {
                assert_eq!(t.transport, Transport::Udp);
                let Destination::Addr(to) = t.destination else {
                    panic!("the simulation only has addresses");
                };
                self.log.push((self.now, from, to, t.payload.clone()));
                if self.rng.chance(self.loss)
                    || self.dead.contains(&to)
                    || self.dead.contains(&from)
                {
                    continue;
                }
                let latency = Duration::from_millis(5 + self.rng.next() % 20);
                self.wire.push(Packet {
                    at: self.now + latency,
                    from,
                    to,
                    bytes: t.payload,
                });
            }
            while let Some(e) = self.nodes[i].1.poll_event() {
                self.nodes[i].2.push(e);
            }
        }
    }

    /// Runs until nothing is due before `now + span`.
    fn run(&mut self, span: Duration) {
        let end = self.now + span;
        loop {
            self.collect();
            let next_packet = self.wire.iter().map(|p| p.at).min();
            let next_timer = self.nodes.iter().filter_map(|n| n.1.poll_timeout()).min();
            let Some(next) = [next_packet, next_timer].into_iter().flatten().min() else {
                break;
            };
            if next > end {
                break;
            }
            self.now = self.now.max(next);
            let now = self.now;
            let (due, rest): (Vec<_>, Vec<_>) = self.wire.drain(..).partition(|p| p.at <= now);
            self.wire = rest;
            for p in due {
                self.deliver(p);
            }
            for node in &mut self.nodes {
                if node.1.poll_timeout().is_some_and(|t| t <= now) {
                    node.1.handle_timeout(now);
                }
            }
        }
        self.now = end;
        for node in &mut self.nodes {
            node.1.handle_timeout(end);
        }
        self.collect();
    }

    fn deliver(&mut self, p: Packet) {
        if p.to == addr(REGISTRAR) {
            let request = Message::parse(&p.bytes).expect("the registrar gets valid SIP");
            let reply = self.registrar.handle(&request);
            self.wire.push(Packet {
                at: self.now + Duration::from_millis(5),
                from: p.to,
                to: p.from,
                bytes: reply.to_bytes(),
            });
            return;
        }
        let source = Source {
            transport: Transport::Udp,
            addr: p.from,
            connection: None,
        };
        if let Some(node) = self.nodes.iter_mut().find(|n| n.0 == p.to) {
            node.1.handle_input(self.now, source, &p.bytes);
        }
    }

    /// Datagrams from `from` that start a request of `method`.
    fn sent(&self, from: &str, method: &str) -> usize {
        self.log
            .iter()
            .filter(|(_, f, _, b)| {
                *f == addr(from) && b.starts_with(format!("{method} ").as_bytes())
            })
            .count()
    }
}

fn incoming(events: &[Event]) -> Option<CallId> {
    events.iter().find_map(|e| match e {
        Event::Incoming { call, .. } => Some(*call),
        _ => None,
    })
}

fn ended(events: &[Event]) -> Option<roomd::call::sip::endpoint::Cause> {
    events.iter().find_map(|e| match e {
        Event::Ended { cause, .. } => Some(cause.clone()),
        _ => None,
    })
}

fn connected(events: &[Event]) -> bool {
    events.iter().any(|e| matches!(e, Event::Connected { .. }))
}

fn credentials(password: &str) -> Option<Credentials> {
    Some(Credentials {
        username: "alice".into(),
        password: password.into(),
    })
}

#[test]
fn register_answers_the_digest_challenge_and_refreshes() {
    let wall = Instant::now();
    let mut net = Net::new(1);
    let a = net.add("alice", ALICE, 11, |c| {
        c.domain = REGISTRAR.into();
        c.register = true;
        c.credentials = credentials("secret");
    });
    net.run(Duration::from_secs(2));
    let states: Vec<_> = net
        .events(a)
        .iter()
        .filter_map(|e| match e {
            Event::Registration(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        states,
        [
            RegistrationState::Registering,
            RegistrationState::Registered { expires: 3600 }
        ]
    );
    assert_eq!(
        net.registrar.received.len(),
        2,
        "one challenged, one authorised"
    );
    assert!(
        net.registrar.received[0]
            .headers
            .get("Authorization")
            .is_none()
    );
    let auth = net.registrar.received[1]
        .headers
        .get("Authorization")
        .unwrap();
    assert!(
        auth.contains("algorithm=SHA-256") && auth.contains("qop=auth"),
        "{auth}"
    );

    // The binding is refreshed a minute before it expires, answering the last challenge
    // up front, so the registrar accepts it at once and the state never wavers.
    net.run(Duration::from_secs(3600));
    assert_eq!(net.registrar.received.len(), 3, "one refresh");
    let refresh = &net.registrar.received[2];
    assert!(
        refresh
            .headers
            .get("Authorization")
            .unwrap()
            .contains("nc=00000002")
    );
    assert_eq!(refresh.expires(), Some(3600));
    assert_eq!(
        net.events(a).len(),
        2,
        "no state change: {:?}",
        net.events(a)
    );
    eprintln!(
        "registration over 1 h of virtual time: {:?} wall",
        wall.elapsed()
    );
}

#[test]
fn a_wrong_password_fails_registration_with_the_registrars_code() {
    let mut net = Net::new(2);
    let a = net.add("alice", ALICE, 12, |c| {
        c.domain = REGISTRAR.into();
        c.register = true;
        c.credentials = credentials("wrong");
    });
    net.run(Duration::from_secs(5));
    let failed = net.events(a).iter().find_map(|e| match e {
        Event::Registration(RegistrationState::Failed { code, reason }) => {
            Some((*code, reason.clone()))
        }
        _ => None,
    });
    let (code, reason) = failed.expect("registration failed");
    assert_eq!(code, 401);
    assert!(reason.contains("refused the credentials"), "{reason}");
    assert_eq!(
        net.registrar.received.len(),
        2,
        "one retry with credentials, no loop"
    );
}

/// Alice calls Bob: ringing, answer, hold and resume, hang-up. On a lossy network each
/// step gets time for retransmissions (and a lost 180 is never repeated, by design).
fn call_flow(net: &mut Net) {
    let step = if net.loss > 0.0 { 20 } else { 3 };
    let a = net.add("alice", ALICE, 21, |_| {});
    let b = net.add("bob", BOB, 22, |_| {});
    let now = net.now;
    let call = net.ep(a).dial(now, &format!("sip:bob@{BOB}")).unwrap();
    net.run(Duration::from_secs(step));
    if net.loss == 0.0 {
        assert!(
            net.events(a)
                .iter()
                .any(|e| matches!(e, Event::Ringing { .. }))
        );
    }
    let incoming = incoming(net.events(b)).expect("bob is called");
    let now = net.now;
    net.ep(b).accept(now, incoming).unwrap();
    net.run(Duration::from_secs(step));
    assert!(
        connected(net.events(a)),
        "alice connected: {:?}",
        net.events(a)
    );
    assert!(
        connected(net.events(b)),
        "bob connected: {:?}",
        net.events(b)
    );

    let now = net.now;
    net.ep(a).hold(now, call).unwrap();
    net.run(Duration::from_secs(step));
    assert!(net.events(b).iter().any(|e| matches!(
        e,
        Event::MediaChanged {
            remote_hold: true,
            ..
        }
    )));
    assert!(net.events(a).iter().any(|e| matches!(
        e,
        Event::MediaChanged {
            local_hold: true,
            ..
        }
    )));
    let now = net.now;
    net.ep(a).resume(now, call).unwrap();
    net.run(Duration::from_secs(step));
    assert!(matches!(
        net.events(b)
            .iter()
            .rev()
            .find(|e| matches!(e, Event::MediaChanged { .. })),
        Some(Event::MediaChanged {
            remote_hold: false,
            ..
        })
    ));

    let now = net.now;
    net.ep(a).hangup(now, call).unwrap();
    net.run(Duration::from_secs(40));
    let bob_end = ended(net.events(b)).expect("bob saw the end");
    assert_eq!(bob_end.kind, CauseKind::RemoteDisconnect);
    assert_eq!(
        ended(net.events(a)).unwrap().kind,
        CauseKind::LocalDisconnect
    );
    assert_eq!(net.ep(a).call_count(), 0, "alice forgot the call");
    assert_eq!(net.ep(b).call_count(), 0, "bob forgot the call");
    assert_eq!(net.ep(a).transaction_count(), 0);
    assert_eq!(net.ep(b).transaction_count(), 0);
}

#[test]
fn a_call_rings_connects_holds_resumes_and_ends() {
    let wall = Instant::now();
    let mut net = Net::new(3);
    call_flow(&mut net);
    // One INVITE each way for the call, one re-INVITE each for hold and resume: nothing
    // was retransmitted on a clean network.
    assert_eq!(net.sent(ALICE, "INVITE"), 3);
    assert_eq!(net.sent(ALICE, "BYE"), 1);
    eprintln!(
        "call flow over {:?} virtual: {:?} wall",
        net.elapsed(),
        wall.elapsed()
    );
}

#[test]
fn the_call_flow_survives_loss_and_reordering() {
    for seed in [4, 5, 6, 7] {
        let mut net = Net::new(seed);
        net.loss = 0.2;
        call_flow(&mut net);
    }
}

#[test]
fn cancelling_a_ringing_call_ends_it_on_both_sides() {
    let mut net = Net::new(8);
    let a = net.add("alice", ALICE, 31, |_| {});
    let b = net.add("bob", BOB, 32, |_| {});
    let now = net.now;
    let call = net.ep(a).dial(now, &format!("bob@{BOB}")).unwrap();
    net.run(Duration::from_secs(1));
    assert!(incoming(net.events(b)).is_some());
    let now = net.now;
    net.ep(a).hangup(now, call).unwrap();
    net.run(Duration::from_secs(40));
    let bob = ended(net.events(b)).unwrap();
    assert_eq!((bob.kind, bob.code), (CauseKind::RemoteCancel, 487));
    let alice = ended(net.events(a)).unwrap();
    assert_eq!(alice.kind, CauseKind::LocalCancel);
    assert_eq!(net.sent(ALICE, "CANCEL"), 1);
    assert_eq!(net.sent(ALICE, "ACK"), 1, "the 487 was acknowledged");
    assert_eq!(net.ep(a).call_count() + net.ep(b).call_count(), 0);
}

#[test]
fn a_rejected_call_reports_the_status_code() {
    let mut net = Net::new(9);
    let a = net.add("alice", ALICE, 41, |_| {});
    let b = net.add("bob", BOB, 42, |_| {});
    let now = net.now;
    net.ep(a).dial(now, &format!("sip:bob@{BOB}")).unwrap();
    net.run(Duration::from_secs(1));
    let call = incoming(net.events(b)).unwrap();
    let now = net.now;
    net.ep(b).reject(now, call, 486).unwrap();
    net.run(Duration::from_secs(1));
    let cause = ended(net.events(a)).unwrap();
    assert_eq!(
        (cause.kind, cause.code, cause.origin),
        (CauseKind::RemoteBusy, 486, CauseOrigin::Sip)
    );
    assert_eq!(cause.reason, "Busy Here");
}

#[test]
fn timer_b_gives_up_on_a_silent_callee_after_64_t1() {
    let mut net = Net::new(10);
    let a = net.add("alice", ALICE, 51, |_| {});
    net.dead.push(addr(BOB));
    let now = net.now;
    net.ep(a).dial(now, &format!("sip:bob@{BOB}")).unwrap();
    net.run(Duration::from_millis(31_900));
    assert!(ended(net.events(a)).is_none(), "still trying before 32 s");
    net.run(Duration::from_millis(200));
    let cause = ended(net.events(a)).expect("timer B fired");
    assert_eq!(
        (cause.kind, cause.code, cause.origin),
        (CauseKind::Timeout, 408, CauseOrigin::Internal)
    );
    // Timer A: sent at 0, 0.5, 1.5, 3.5, 7.5, 15.5 and 31.5 s.
    assert_eq!(net.sent(ALICE, "INVITE"), 7);
}

#[test]
fn timer_f_gives_up_on_a_silent_registrar() {
    let mut net = Net::new(11);
    let a = net.add("alice", ALICE, 61, |c| {
        c.domain = REGISTRAR.into();
        c.register = true;
    });
    net.dead.push(addr(REGISTRAR));
    net.run(Duration::from_millis(32_100));
    let failed = net.events(a).iter().find_map(|e| match e {
        Event::Registration(RegistrationState::Failed { code, .. }) => Some(*code),
        _ => None,
    });
    assert_eq!(failed, Some(408));
    // Timer E: 0, 0.5, 1.5, 3.5, then every T2 = 4 s up to 32 s.
    assert_eq!(net.sent(ALICE, "REGISTER"), 11);
}

#[test]
fn the_refresher_keeps_the_session_alive_and_the_other_side_ends_a_dead_one() {
    let mut net = Net::new(12);
    let a = net.add("alice", ALICE, 71, |c| c.session_expires = 90);
    let b = net.add("bob", BOB, 72, |_| {});
    let now = net.now;
    net.ep(a).dial(now, &format!("sip:bob@{BOB}")).unwrap();
    net.run(Duration::from_secs(1));
    let call = incoming(net.events(b)).unwrap();
    let now = net.now;
    net.ep(b).accept(now, call).unwrap();
    net.run(Duration::from_secs(200));
    // Alice (the UAC) refreshes every 45 s; Bob never hangs up.
    assert!(
        net.sent(ALICE, "INVITE") >= 5,
        "refreshes: {}",
        net.sent(ALICE, "INVITE")
    );
    assert!(ended(net.events(b)).is_none());
    // Alice vanishes: Bob ends the call before the 90 s interval runs out.
    net.dead.push(addr(ALICE));
    net.run(Duration::from_secs(90));
    let cause = ended(net.events(b)).expect("bob gave up");
    assert_eq!(cause.kind, CauseKind::Timeout);
}

#[test]
fn garbage_gets_400_or_silence_and_changes_nothing() {
    let mut net = Net::new(13);
    let b = net.add("bob", BOB, 81, |_| {});
    let source = Source {
        transport: Transport::Udp,
        addr: addr(ALICE),
        connection: None,
    };
    let now = net.now;
    // A request whose CSeq is not a number: parsable enough to answer 400.
    let bad = "INVITE sip:bob@10.0.0.3 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKx\r\n\
               From: <sip:a@b>;tag=1\r\nTo: <sip:bob@10.0.0.3>\r\nCall-ID: x\r\nCSeq: abc INVITE\r\n\
               Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    net.ep(b).handle_input(now, source, bad.as_bytes());
    let reply = net.ep(b).poll_transmit().expect("a 400 went back");
    assert!(reply.payload.starts_with(b"SIP/2.0 400"));
    for junk in [
        &b"\x00\x01\x02"[..],
        b"",
        b"SIP/2.0 200 OK\r\n\r\n",
        b"HELLO",
    ] {
        net.ep(b).handle_input(now, source, junk);
    }
    assert!(net.ep(b).poll_transmit().is_none());
    assert_eq!(net.ep(b).call_count(), 0);
    assert!(net.events(b).is_empty());
}

/// Drives one endpoint by hand: feeds it `response`s built from its own request.
fn reply(ep: &mut Endpoint, now: Instant, to: &Message, code: u16, extra: &[(&str, &str)]) {
    let mut response = compose::response(to, code, "Session Progress", Some("peer"));
    response.headers.push("Contact", "<sip:peer@10.0.0.9:5060>");
    for (name, value) in extra {
        response.headers.push(name, *value);
    }
    let source = Source {
        transport: Transport::Udp,
        addr: addr("10.0.0.9:5060"),
        connection: None,
    };
    ep.handle_input(now, source, &response.to_bytes());
}

/// A 200 to `invite` carrying a real SDP answer to its offer.
fn reply_with_answer(ep: &mut Endpoint, now: Instant, invite: &Message) {
    use roomd::call::sdp::{KeySource, SessionDescription, create_answer};
    let offer = SessionDescription::parse(std::str::from_utf8(&invite.body).unwrap()).unwrap();
    let mut local = Config::new("peer", "10.0.0.9", addr("10.0.0.9:5060"), random_source(1)).media;
    local.address = "10.0.0.9".parse().unwrap();
    let mut fill = |b: &mut [u8]| b.fill(3);
    let (answer, _) = create_answer(&offer, &local, 9, 1, &mut KeySource(&mut fill)).unwrap();
    let mut ok = compose::response(invite, 200, "OK", Some("peer"));
    ok.headers.push("Contact", "<sip:peer@10.0.0.9:5060>");
    ok.headers.push("Content-Type", "application/sdp");
    ok.body = answer.to_string().into_bytes();
    let source = Source {
        transport: Transport::Udp,
        addr: addr("10.0.0.9:5060"),
        connection: None,
    };
    ep.handle_input(now, source, &ok.to_bytes());
}

fn sent_messages(ep: &mut Endpoint) -> Vec<Message> {
    std::iter::from_fn(|| ep.poll_transmit())
        .map(|t| Message::parse(&t.payload).unwrap())
        .collect()
}

#[test]
fn reliable_provisionals_are_pracked_and_cseq_stays_in_order() {
    let now = Instant::now();
    let mut ep = Endpoint::new(Config::new("alice", ALICE, addr(ALICE), random_source(91)));
    ep.dial(now, "sip:peer@10.0.0.9").unwrap();
    let invite = sent_messages(&mut ep).remove(0);
    assert!(invite.headers.get("Supported").unwrap().contains("100rel"));
    reply(
        &mut ep,
        now,
        &invite,
        183,
        &[("Require", "100rel"), ("RSeq", "7")],
    );
    let prack = sent_messages(&mut ep).remove(0);
    assert_eq!(
        prack.method(),
        Some(&roomd::call::sip::message::Method::Prack)
    );
    assert_eq!(prack.headers.get("RAck"), Some("7 1 INVITE"));
    assert_eq!(prack.cseq().unwrap().seq, 2);
    // A retransmission of the same reliable provisional is not PRACKed twice.
    reply(
        &mut ep,
        now,
        &invite,
        183,
        &[("Require", "100rel"), ("RSeq", "7")],
    );
    assert!(sent_messages(&mut ep).is_empty());

    reply_with_answer(&mut ep, now, &invite);
    let ack = sent_messages(&mut ep).remove(0);
    assert_eq!(ack.headers.get("CSeq"), Some("1 ACK"));
    let call = match ep.poll_event() {
        Some(Event::Outgoing { call, .. }) => call,
        other => panic!("{other:?}"),
    };
    ep.hangup(now, call).unwrap();
    let bye = sent_messages(&mut ep).remove(0);
    assert_eq!(
        bye.headers.get("CSeq"),
        Some("3 BYE"),
        "after INVITE 1 and PRACK 2"
    );
}

#[test]
fn an_invite_requiring_what_we_lack_gets_420() {
    let now = Instant::now();
    let mut ep = Endpoint::new(Config::new("bob", BOB, addr(BOB), random_source(92)));
    let invite = "INVITE sip:bob@10.0.0.3 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKr1\r\n\
                  From: <sip:a@10.0.0.2>;tag=1\r\nTo: <sip:bob@10.0.0.3>\r\nCall-ID: req1\r\n\
                  CSeq: 1 INVITE\r\nContact: <sip:a@10.0.0.2>\r\nRequire: 100rel, foo\r\n\
                  Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    let source = Source {
        transport: Transport::Udp,
        addr: addr(ALICE),
        connection: None,
    };
    ep.handle_input(now, source, invite.as_bytes());
    let reply = sent_messages(&mut ep).remove(0);
    assert_eq!(reply.status(), Some(420));
    assert!(reply.headers.get("Unsupported").unwrap().contains("100rel"));
    assert_eq!(ep.call_count(), 0);
}

#[test]
fn a_flood_of_requests_is_bounded_by_the_transaction_table() {
    let now = Instant::now();
    let mut config = Config::new("bob", BOB, addr(BOB), random_source(93));
    config.max_transactions = 10;
    let mut ep = Endpoint::new(config);
    let source = Source {
        transport: Transport::Udp,
        addr: addr(ALICE),
        connection: None,
    };
    for i in 0..50 {
        let options = format!(
            "OPTIONS sip:bob@10.0.0.3 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKf{i}\r\n\
             From: <sip:a@10.0.0.2>;tag={i}\r\nTo: <sip:bob@10.0.0.3>\r\nCall-ID: flood{i}\r\n\
             CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
        );
        ep.handle_input(now, source, options.as_bytes());
    }
    let replies: Vec<u16> = sent_messages(&mut ep)
        .iter()
        .filter_map(Message::status)
        .collect();
    assert_eq!(replies.len(), 50, "every request was answered");
    assert_eq!(replies.iter().filter(|c| **c == 200).count(), 10);
    assert_eq!(replies.iter().filter(|c| **c == 503).count(), 40);
    assert_eq!(ep.transaction_count(), 10);
    // Timer J frees the table; then requests are served again.
    ep.handle_timeout(now + Duration::from_secs(33));
    assert_eq!(ep.transaction_count(), 0);
}

#[test]
fn options_keepalives_notice_a_proxy_going_away() {
    let mut net = Net::new(14);
    let a = net.add("alice", ALICE, 94, |c| {
        c.proxy = Some(roomd::call::sip::message::Uri::parse(&format!("sip:{REGISTRAR}")).unwrap());
        c.keepalive = Some(Duration::from_secs(30));
    });
    // The stand-in registrar answers every request it gets (a 401 to OPTIONS still proves
    // the proxy is there).
    net.run(Duration::from_secs(31));
    assert_eq!(net.sent(ALICE, "OPTIONS"), 1);
    assert!(
        matches!(net.events(a), [Event::ProxyReachable(true)]),
        "{:?}",
        net.events(a)
    );
    net.dead.push(addr(REGISTRAR));
    net.run(Duration::from_secs(70));
    assert!(
        matches!(
            net.events(a),
            [Event::ProxyReachable(true), Event::ProxyReachable(false)]
        ),
        "{:?}",
        net.events(a)
    );
}

#[test]
fn new_settings_keep_the_call_and_ignore_the_replaced_registrations_reply() {
    let now = Instant::now();
    let settings = |name: &str, seed: u64| {
        let mut config = Config::new("alice", REGISTRAR, addr(ALICE), random_source(seed));
        config.register = true;
        config.display_name = Some(name.into());
        config
    };
    let mut ep = Endpoint::new(settings("Room", 93));
    ep.start(now);
    let first_register = sent_messages(&mut ep).remove(0);
    let call = ep.dial(now, "sip:peer@10.0.0.9").unwrap();
    let invite = sent_messages(&mut ep).remove(0);
    reply_with_answer(&mut ep, now, &invite);
    sent_messages(&mut ep); // the ACK

    ep.reconfigure(settings("Room A", 94), now);
    let second_register = sent_messages(&mut ep).remove(0);
    assert_ne!(
        first_register.headers.get("Call-ID"),
        second_register.headers.get("Call-ID"),
        "registration starts afresh"
    );
    // The reply to the REGISTER the settings replaced changes nothing.
    let before: Vec<_> = std::iter::from_fn(|| ep.poll_event()).collect();
    reply(&mut ep, now, &first_register, 200, &[("Expires", "3600")]);
    let after_old: Vec<_> = std::iter::from_fn(|| ep.poll_event()).collect();
    assert!(
        !after_old
            .iter()
            .any(|e| matches!(e, Event::Registration(RegistrationState::Registered { .. }))),
        "the old registration's 200 was taken: {after_old:?} (before: {before:?})"
    );
    reply(&mut ep, now, &second_register, 200, &[("Expires", "3600")]);
    assert!(
        std::iter::from_fn(|| ep.poll_event())
            .any(|e| matches!(e, Event::Registration(RegistrationState::Registered { .. })))
    );

    // The call made under the old settings is still there and ends with a BYE.
    ep.hangup(now, call).unwrap();
    let bye = sent_messages(&mut ep).remove(0);
    assert_eq!(bye.method(), Some(&roomd::call::sip::message::Method::Bye));
    assert_eq!(bye.headers.get("Call-ID"), invite.headers.get("Call-ID"));
}
