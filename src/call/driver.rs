//! The tokio driver of the SIP endpoint: it owns the sockets and the clock, feeds the sans-IO
//! core what arrives and what time it is, and sends what the core hands back.
//!
//! UDP and TCP listen on the same port (RFC 3261 §18), TLS on its own (§26.2). TCP and TLS
//! connections are served alike by `stream` tasks; an outgoing request to a peer without a
//! connection opens one. Host names are resolved by RFC 3263 (`resolve`), with answers cached
//! for their TTL.
//!
//! When a request cannot leave — its name does not resolve, the connection or the TLS
//! handshake fails — the driver hands the endpoint a 503 carrying the reason, as RFC 3261
//! §8.1.3.1 asks of a transport error, so a call ends at once with a cause that says what
//! went wrong instead of waiting 32 s for Timer B.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant as TokioInstant;

use super::media::manager::Manager;
use super::resolve::{self, Query, Resolved, Resolver};
use super::sip::endpoint::{CallId, Config, Endpoint, Event, compose};
use super::sip::message::{Message, Method};
use super::sip::transport::{ConnectionId, Destination, Source, Transmit, Transport};
use super::stream::{self, StreamEvent};
use super::tls::Tls;

/// Largest SIP datagram we read (jumbo INVITEs with big SDP fit).
const DATAGRAM_MAX: usize = 65_535;
/// How long a name gets to resolve (NAPTR, SRV and A/AAAA together).
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(10);
/// A destination whose connection just failed is not dialled again for this long: what was
/// queued behind the failure (the ACK for the 503 it caused, a retry) fails at once.
const FAILURE_HOLD: Duration = Duration::from_secs(3);

/// What the call service asks of the endpoint.
pub enum Request {
    Dial {
        number: String,
        reply: oneshot::Sender<Result<CallId, String>>,
    },
    Accept {
        call: CallId,
        reply: oneshot::Sender<Result<(), String>>,
    },
    Reject {
        call: CallId,
        code: u16,
        reply: oneshot::Sender<Result<(), String>>,
    },
    Hangup {
        call: CallId,
        reply: oneshot::Sender<Result<(), String>>,
    },
    Hold {
        call: CallId,
        reply: oneshot::Sender<Result<(), String>>,
    },
    Resume {
        call: CallId,
        reply: oneshot::Sender<Result<(), String>>,
    },
    Dtmf {
        call: CallId,
        digits: String,
        reply: oneshot::Sender<Result<(), String>>,
    },
    /// New SIP settings: calls in progress go on, registration starts again.
    Reconfigure(Box<Config>),
}

/// The bound listening sockets and the TLS identity that goes with them.
pub struct Sockets {
    pub udp: UdpSocket,
    pub tcp: TcpListener,
    pub tls: TcpListener,
    pub tls_identity: Arc<Tls>,
}

impl Sockets {
    /// Binds UDP and TCP on the same port and TLS on the next one (`0`: free ones for all).
    pub async fn bind(ip: IpAddr, port: u16, tls_identity: Arc<Tls>) -> std::io::Result<Sockets> {
        let (udp, tcp) = bind_udp_tcp(ip, port).await?;
        let tls_port = match port {
            0 => 0,
            _ => port.checked_add(1).ok_or_else(|| {
                std::io::Error::other(format!("SIP port {port} leaves no port above it for TLS"))
            })?,
        };
        let tls = TcpListener::bind(SocketAddr::new(ip, tls_port))
            .await
            .map_err(|e| std::io::Error::new(e.kind(), format!("SIP TLS port {tls_port}: {e}")))?;
        Ok(Sockets {
            udp,
            tcp,
            tls,
            tls_identity,
        })
    }

    pub fn udp_addr(&self) -> std::io::Result<SocketAddr> {
        self.udp.local_addr()
    }

    pub fn tcp_addr(&self) -> std::io::Result<SocketAddr> {
        self.tcp.local_addr()
    }

    pub fn tls_addr(&self) -> std::io::Result<SocketAddr> {
        self.tls.local_addr()
    }
}

async fn bind_udp_tcp(ip: IpAddr, port: u16) -> std::io::Result<(UdpSocket, TcpListener)> {
    let mut last_error = None;
    for _ in 0..20 {
        let udp = UdpSocket::bind(SocketAddr::new(ip, port)).await?;
        let chosen = udp.local_addr()?.port();
        match TcpListener::bind(SocketAddr::new(ip, chosen)).await {
            Ok(tcp) => return Ok((udp, tcp)),
            // The free UDP port may be taken for TCP; with a fixed port that is final.
            Err(e) if port == 0 => last_error = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_error.unwrap_or_else(|| std::io::Error::other("no free SIP port")))
}

/// A name's resolution, reported by its task.
struct Resolution {
    query: Query,
    result: Result<Resolved, String>,
}

struct Connection {
    peer: SocketAddr,
    transport: Transport,
    /// We opened it, under the configuration (and TLS policy) of the time.
    outgoing: bool,
    writer: mpsc::UnboundedSender<Vec<u8>>,
}

struct Driver {
    endpoint: Endpoint,
    /// Each connected call's audio.
    media: Manager,
    udp: Arc<UdpSocket>,
    tls: Arc<Tls>,
    connections: HashMap<ConnectionId, Connection>,
    next_connection: ConnectionId,
    stream_tx: mpsc::UnboundedSender<StreamEvent>,
    resolution_tx: mpsc::UnboundedSender<Resolution>,
    events: mpsc::UnboundedSender<Event>,
    /// Made at the first name to resolve.
    resolver: Option<Arc<Resolver>>,
    dns: resolve::Cache,
    /// Transmits waiting for a name being resolved, in the order the endpoint sent them.
    resolving: HashMap<Query, Vec<Transmit>>,
    /// Destinations whose connection just failed: until when, and why.
    failed: HashMap<(SocketAddr, Transport), (std::time::Instant, String)>,
    /// Outgoing connections let go by a new configuration, until their task reports back:
    /// their failures speak of the old settings and must not count against the new ones.
    retired: HashSet<ConnectionId>,
}

/// Runs the endpoint on the sockets until the request channel closes.
pub fn spawn(
    endpoint: Endpoint,
    sockets: Sockets,
    media: Manager,
) -> (mpsc::Sender<Request>, mpsc::UnboundedReceiver<Event>) {
    let (request_tx, requests) = mpsc::channel(64);
    let (events_tx, events) = mpsc::unbounded_channel();
    let (stream_tx, stream_rx) = mpsc::unbounded_channel();
    let (resolution_tx, resolution_rx) = mpsc::unbounded_channel();
    let driver = Driver {
        endpoint,
        media,
        udp: Arc::new(sockets.udp),
        tls: sockets.tls_identity,
        connections: HashMap::new(),
        next_connection: 1,
        stream_tx,
        resolution_tx,
        events: events_tx,
        resolver: None,
        dns: resolve::Cache::default(),
        resolving: HashMap::new(),
        failed: HashMap::new(),
        retired: HashSet::new(),
    };
    let listeners = Listeners {
        tcp: sockets.tcp,
        tls: sockets.tls,
    };
    let inbox = Inbox {
        requests,
        streams: stream_rx,
        resolutions: resolution_rx,
    };
    tokio::spawn(driver.run(listeners, inbox));
    (request_tx, events)
}

/// What the driver loop listens to besides the sockets.
struct Inbox {
    requests: mpsc::Receiver<Request>,
    streams: mpsc::UnboundedReceiver<StreamEvent>,
    resolutions: mpsc::UnboundedReceiver<Resolution>,
}

struct Listeners {
    tcp: TcpListener,
    tls: TcpListener,
}

fn now() -> std::time::Instant {
    TokioInstant::now().into_std()
}

impl Driver {
    async fn run(mut self, listeners: Listeners, mut inbox: Inbox) {
        self.endpoint.start(now());
        let mut buf = vec![0u8; DATAGRAM_MAX];
        loop {
            self.flush();
            let deadline = self
                .endpoint
                .poll_timeout()
                .map(TokioInstant::from_std)
                .unwrap_or_else(|| TokioInstant::now() + Duration::from_secs(3600));
            let udp = self.udp.clone();
            tokio::select! {
                received = udp.recv_from(&mut buf) => match received {
                    Ok((n, from)) => {
                        let source = Source { transport: Transport::Udp, addr: from, connection: None };
                        self.endpoint.handle_input(now(), source, &buf[..n]);
                    }
                    // ICMP port unreachable surfaces here on some systems; keep serving.
                    Err(e) => tracing::debug!("SIP UDP receive: {e}"),
                },
                accepted = listeners.tcp.accept() => match accepted {
                    Ok((stream, peer)) => self.adopt(stream, peer, Transport::Tcp),
                    Err(e) => tracing::warn!("SIP TCP accept failed: {e}"),
                },
                accepted = listeners.tls.accept() => match accepted {
                    Ok((stream, peer)) => self.adopt(stream, peer, Transport::Tls),
                    Err(e) => tracing::warn!("SIP TLS accept failed: {e}"),
                },
                Some(event) = inbox.streams.recv() => self.on_stream(event),
                Some(done) = inbox.resolutions.recv() => self.on_resolved(done.query, done.result),
                request = inbox.requests.recv() => match request {
                    Some(request) => self.on_request(request),
                    None => return,
                },
                _ = tokio::time::sleep_until(deadline) => self.endpoint.handle_timeout(now()),
            }
        }
    }

    fn on_stream(&mut self, event: StreamEvent) {
        match event {
            StreamEvent::Message {
                connection,
                transport,
                from,
                bytes,
            } => {
                let source = Source {
                    transport,
                    addr: from,
                    connection: Some(connection),
                };
                self.endpoint.handle_input(now(), source, &bytes);
            }
            StreamEvent::Connected { connection, peer } => {
                if let Some(c) = self.connections.get_mut(&connection) {
                    c.peer = peer;
                }
            }
            StreamEvent::Closed(id) => {
                self.connections.remove(&id);
                self.retired.remove(&id);
            }
            StreamEvent::Failed {
                connection,
                peers,
                transport,
                reason,
                unsent,
            } => self.on_failed(connection, &peers, transport, &reason, unsent),
        }
    }

    /// An outgoing connection never came up: what was queued on it fails, and so does what
    /// is sent to its addresses for a little while.
    fn on_failed(
        &mut self,
        connection: ConnectionId,
        peers: &[SocketAddr],
        transport: Transport,
        reason: &str,
        unsent: Vec<Vec<u8>>,
    ) {
        if self.retired.remove(&connection) {
            tracing::debug!("SIP: a connection of the old settings failed: {reason}");
            return;
        }
        tracing::warn!("SIP: {reason}");
        self.connections.remove(&connection);
        let until = now() + FAILURE_HOLD;
        for peer in peers {
            self.failed
                .insert((*peer, transport), (until, reason.to_string()));
        }
        let peer = peers.first().copied().unwrap_or_else(unknown_peer);
        for payload in unsent {
            self.fail(&payload, peer, transport, reason);
        }
    }

    /// A name resolved (or not): what waited for it is sent (or fails).
    fn on_resolved(&mut self, query: Query, result: Result<Resolved, String>) {
        let waiting = self.resolving.remove(&query).unwrap_or_default();
        match result {
            Ok(resolved) => {
                self.dns.put(query.clone(), &resolved, now());
                for t in waiting {
                    self.send_to(t, &resolved.addrs, Some(&query.host));
                }
            }
            Err(why) => {
                let reason = format!("cannot resolve {}: {why}", query.host);
                tracing::warn!("SIP: {reason}");
                self.dns.put_failure(query, reason.clone(), now());
                for t in waiting {
                    self.fail(&t.payload, unknown_peer(), t.transport, &reason);
                }
            }
        }
    }

    fn on_request(&mut self, request: Request) {
        let at = now();
        let ep = &mut self.endpoint;
        match request {
            Request::Dial { number, reply } => {
                let _ = reply.send(ep.dial(at, &number));
            }
            Request::Accept { call, reply } => {
                let _ = reply.send(ep.accept(at, call));
            }
            Request::Reject { call, code, reply } => {
                let _ = reply.send(ep.reject(at, call, code));
            }
            Request::Hangup { call, reply } => {
                let _ = reply.send(ep.hangup(at, call));
            }
            Request::Hold { call, reply } => {
                let _ = reply.send(ep.hold(at, call));
            }
            Request::Resume { call, reply } => {
                let _ = reply.send(ep.resume(at, call));
            }
            Request::Dtmf {
                call,
                digits,
                reply,
            } => {
                // In the media as RFC 4733 events when agreed, else as SIP INFO.
                if let Some((digits, reply)) = self.media.dtmf(call, digits, reply) {
                    let _ = reply.send(self.endpoint.send_dtmf(at, call, &digits));
                }
            }
            Request::Reconfigure(config) => {
                // Connections we opened follow the old settings (proxy, TLS policy): new ones
                // are opened as needed. What failed before may work now.
                let old: Vec<ConnectionId> = self
                    .connections
                    .iter()
                    .filter(|(_, c)| c.outgoing)
                    .map(|(id, _)| *id)
                    .collect();
                for id in old {
                    self.connections.remove(&id);
                    self.retired.insert(id);
                }
                self.resolving.clear();
                self.failed.clear();
                self.dns.forget_failures();
                self.endpoint.reconfigure(*config, at);
            }
        }
    }

    /// Sends every pending transmit and passes on every event.
    fn flush(&mut self) {
        while let Some(t) = self.endpoint.poll_transmit() {
            self.send(t);
        }
        while let Some(e) = self.endpoint.poll_event() {
            self.media.on_event(&e);
            let _ = self.events.send(e);
        }
    }

    fn send(&mut self, mut t: Transmit) {
        // Replies (and requests) that name their stream go back on it while it is open.
        if let Some(id) = t.connection
            && let Some(c) = self.connections.get(&id)
        {
            match c.writer.send(t.payload) {
                Ok(()) => return,
                Err(mpsc::error::SendError(payload)) => {
                    self.connections.remove(&id);
                    t.payload = payload;
                }
            }
        }
        match t.destination.clone() {
            Destination::Addr(addr) => self.send_to(t, &[addr], None),
            Destination::Name { host, port } => self.send_to_name(t, host, port),
        }
    }

    /// Sends to a host name: at once when its addresses are known, else after resolving it
    /// (behind any transmits already waiting for the same name, to keep their order).
    fn send_to_name(&mut self, t: Transmit, host: String, port: Option<u16>) {
        let query = Query {
            host,
            port,
            transport: t.transport,
        };
        match self.dns.get(&query, now()) {
            Some(Ok(addrs)) => return self.send_to(t, &addrs, Some(&query.host)),
            Some(Err(reason)) => {
                return self.fail(&t.payload, unknown_peer(), t.transport, &reason);
            }
            None => {}
        }
        if let Some(waiting) = self.resolving.get_mut(&query) {
            waiting.push(t);
            return;
        }
        self.resolving.insert(query.clone(), vec![t]);
        let resolver = self
            .resolver
            .get_or_insert_with(|| Arc::new(Resolver::system()))
            .clone();
        let report = self.resolution_tx.clone();
        tokio::spawn(async move {
            let result = match tokio::time::timeout(RESOLVE_TIMEOUT, resolver.resolve(&query)).await
            {
                Ok(result) => result,
                Err(_) => Err(format!(
                    "no DNS answer within {} s",
                    RESOLVE_TIMEOUT.as_secs()
                )),
            };
            let _ = report.send(Resolution { query, result });
        });
    }

    /// Sends to the first of `addrs` that works (`host`: the name they came from, for TLS).
    fn send_to(&mut self, t: Transmit, addrs: &[SocketAddr], host: Option<&str>) {
        let Some(&first) = addrs.first() else {
            return;
        };
        match t.transport {
            Transport::Udp => {
                // Failing over to the next address is the transaction layer's job (on timeout).
                if let Err(e) = self.udp.try_send_to(&t.payload, first) {
                    tracing::debug!("SIP UDP send to {first}: {e}");
                }
            }
            Transport::Tcp | Transport::Tls => {
                let mut payload = t.payload;
                let open = self
                    .connections
                    .iter()
                    .find(|(_, c)| c.transport == t.transport && addrs.contains(&c.peer))
                    .map(|(id, _)| *id);
                if let Some(id) = open
                    && let Some(c) = self.connections.get(&id)
                {
                    match c.writer.send(payload) {
                        Ok(()) => return,
                        Err(mpsc::error::SendError(back)) => {
                            self.connections.remove(&id);
                            payload = back;
                        }
                    }
                }
                let at = now();
                self.failed.retain(|_, (until, _)| *until > at);
                let fresh: Vec<SocketAddr> = addrs
                    .iter()
                    .copied()
                    .filter(|a| !self.failed.contains_key(&(*a, t.transport)))
                    .collect();
                if fresh.is_empty() {
                    let reason = self
                        .failed
                        .get(&(first, t.transport))
                        .map(|(_, why)| why.clone())
                        .unwrap_or_else(|| format!("cannot connect to {first}"));
                    return self.fail(&payload, first, t.transport, &reason);
                }
                let id = self.connect(fresh, t.transport, host.map(str::to_string));
                if let Some(c) = self.connections.get(&id) {
                    let _ = c.writer.send(payload);
                }
            }
        }
    }

    /// Tells the endpoint a request of `payload` could not be sent (RFC 3261 §8.1.3.1).
    fn fail(&mut self, payload: &[u8], peer: SocketAddr, transport: Transport, reason: &str) {
        let Some(response) = failure_response(payload, reason) else {
            tracing::debug!("SIP: dropped a message to {peer}: {reason}");
            return;
        };
        let source = Source {
            transport,
            addr: peer,
            connection: None,
        };
        self.endpoint.handle_input(now(), source, &response);
    }

    /// Opens a TCP or TLS connection to the first of `peers` that answers; writes queue
    /// until it is up.
    fn connect(
        &mut self,
        peers: Vec<SocketAddr>,
        transport: Transport,
        host: Option<String>,
    ) -> ConnectionId {
        let (id, writes) = self.register(peers[0], transport, true);
        let opening = stream::Opening {
            id,
            peers,
            transport,
            host,
        };
        stream::connect(opening, self.tls.clone(), writes, self.stream_tx.clone());
        id
    }

    /// Serves a connection a peer opened to us (on the TLS port: after the handshake).
    fn adopt(&mut self, tcp: TcpStream, peer: SocketAddr, transport: Transport) {
        let (id, writes) = self.register(peer, transport, false);
        stream::accept(
            id,
            tcp,
            peer,
            transport,
            &self.tls,
            writes,
            self.stream_tx.clone(),
        );
    }

    /// A new connection's id, and the queue of bytes to write on it.
    fn register(
        &mut self,
        peer: SocketAddr,
        transport: Transport,
        outgoing: bool,
    ) -> (ConnectionId, mpsc::UnboundedReceiver<Vec<u8>>) {
        let id = self.next_connection;
        self.next_connection += 1;
        let (writer, writes) = mpsc::unbounded_channel();
        self.connections.insert(
            id,
            Connection {
                peer,
                transport,
                outgoing,
                writer,
            },
        );
        (id, writes)
    }
}

/// Where a made-up response says it came from when no address was reached.
fn unknown_peer() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0)
}

/// The response that stands for a transport failure of the request in `payload`: a 503
/// whose reason phrase says what failed (RFC 3261 §8.1.3.1). `None` for responses and ACKs,
/// which get no answer. The core reads `X-Roomd-Timeout` as "made up locally" and reports
/// the call's cause as Internal; the keepalive OPTIONS gets 408 instead, because the core
/// reads only silence (408) as "the proxy is gone".
fn failure_response(payload: &[u8], reason: &str) -> Option<Vec<u8>> {
    let request = Message::parse(payload).ok()?;
    if !request.is_request() || request.method() == Some(&Method::Ack) {
        return None;
    }
    let code = if request.method() == Some(&Method::Options) {
        408
    } else {
        503
    };
    // A reason phrase is one line of text.
    let reason: String = reason
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut response = compose::response(&request, code, &reason, None);
    response.headers.push("X-Roomd-Timeout", "1");
    Some(response.to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVITE: &str = "INVITE sip:b@example.com SIP/2.0\r\n\
        Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK1234;rport\r\n\
        Max-Forwards: 70\r\n\
        From: <sip:a@example.com>;tag=1\r\n\
        To: <sip:b@example.com>\r\n\
        Call-ID: abc@127.0.0.1\r\n\
        CSeq: 1 INVITE\r\n\
        Content-Length: 0\r\n\r\n";

    #[test]
    fn a_failed_request_gets_a_503_with_the_reason() {
        let bytes = failure_response(INVITE.as_bytes(), "cannot resolve example.com:\r\nno host")
            .expect("a response");
        let response = Message::parse(&bytes).expect("it parses");
        assert_eq!(response.status(), Some(503));
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.starts_with("SIP/2.0 503 cannot resolve example.com:  no host\r\n"),
            "{text}"
        );
        assert!(text.contains("branch=z9hG4bK1234"), "{text}");
        assert!(text.contains("CSeq: 1 INVITE"), "{text}");
    }

    #[test]
    fn acks_and_responses_get_nothing() {
        let ack = INVITE
            .replace("INVITE sip:", "ACK sip:")
            .replace("1 INVITE", "1 ACK");
        assert!(failure_response(ack.as_bytes(), "x").is_none());
        let response = failure_response(INVITE.as_bytes(), "x").unwrap();
        assert!(failure_response(&response, "x").is_none());
    }

    #[test]
    fn the_keepalive_options_gets_a_timeout() {
        let options = INVITE
            .replace("INVITE sip:", "OPTIONS sip:")
            .replace("1 INVITE", "1 OPTIONS");
        let bytes = failure_response(options.as_bytes(), "no route").unwrap();
        assert_eq!(Message::parse(&bytes).unwrap().status(), Some(408));
    }
}
