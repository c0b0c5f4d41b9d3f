//! Registration (RFC 3261 §10) with digest challenges, refresh before expiry, 423 handling
//! and retry after failure; and OPTIONS keepalives to the outbound proxy.

use std::time::{Duration, Instant};

use super::compose;
use super::config::Config;
use super::event::{Event, RegistrationState};
use super::{Endpoint, Owner};
use crate::call::sip::auth::Challenge;
use crate::call::sip::message::{Message, Method, Uri};

/// Retry a failed registration after this long.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30);

#[derive(Debug, Default)]
pub struct Registration {
    pub state: Option<RegistrationState>,
    call_id: Option<String>,
    local_tag: String,
    cseq: u32,
    /// The Expires we ask for (raised by a 423).
    expires: u32,
    challenge: Option<(Challenge, bool)>,
    nonce_count: u32,
    auth_tries: u32,
    refresh_at: Option<Instant>,
    /// Whether the request in flight removes the binding.
    removing: bool,
}

impl Registration {
    /// Whether `response` answers this registration's REGISTER (its Call-ID), not one that
    /// settings since replaced.
    pub fn sent(&self, response: &Message) -> bool {
        self.call_id.is_some() && response.headers.get("Call-ID") == self.call_id.as_deref()
    }

    pub fn next_deadline(&self) -> Option<Instant> {
        self.refresh_at
    }
}

#[derive(Debug, Default)]
pub struct Keepalive {
    pub next: Option<Instant>,
    reachable: Option<bool>,
}

impl Keepalive {
    pub fn start(&mut self, now: Instant, config: &Config) {
        self.next = match (&config.proxy, config.keepalive) {
            (Some(_), Some(every)) => Some(now + every),
            _ => None,
        };
    }
}

/// When to refresh a binding that lasts `expires` seconds: halfway for short ones, a minute
/// early for long ones.
fn refresh_delay(expires: u32) -> Duration {
    let secs = if expires <= 120 {
        expires / 2
    } else {
        expires - 60
    };
    Duration::from_secs(u64::from(secs.max(1)))
}

impl Endpoint {
    /// Registers (or refreshes) our address of record.
    pub fn register(&mut self, now: Instant) {
        if self.registration.expires == 0 {
            self.registration.expires = self.config.register_expires;
        }
        self.registration.removing = false;
        self.registration.auth_tries = 0;
        self.send_register(now);
    }

    /// Removes our binding (Expires: 0).
    pub fn unregister(&mut self, now: Instant) {
        if self.registration.call_id.is_none() {
            return;
        }
        self.registration.removing = true;
        self.registration.refresh_at = None;
        self.send_register(now);
    }

    fn send_register(&mut self, now: Instant) {
        let config = &mut self.config;
        let reg = &mut self.registration;
        if reg.call_id.is_none() {
            reg.call_id = Some(compose::new_call_id(config));
            reg.local_tag = compose::new_tag(config);
        }
        reg.cseq += 1;
        let registrar = Uri::parse(&format!("sip:{}", config.domain))
            .unwrap_or_else(|_| compose::aor(config).uri);
        let mut request = Message::request(Method::Register, registrar.clone());
        let next_hop = config.proxy.clone().unwrap_or_else(|| registrar.clone());
        let target = compose::target_for(&next_hop, config.transport);
        let transport = target.transport;
        let via = compose::via(config, transport);
        let mut from = compose::aor(config);
        let to = from.clone();
        from.params.set("tag", Some(&reg.local_tag.clone()));
        let h = &mut request.headers;
        h.push("Via", via);
        h.push("Max-Forwards", "70");
        h.push("From", from.to_string());
        h.push("To", to.to_string());
        h.push("Call-ID", reg.call_id.clone().unwrap_or_default());
        h.push("CSeq", format!("{} REGISTER", reg.cseq));
        h.push("Contact", compose::contact(config, transport).to_string());
        let expires = if reg.removing { 0 } else { reg.expires };
        h.push("Expires", expires.to_string());
        h.push("Allow", compose::ALLOW);
        let credentials = config.credentials.clone();
        if let (Some((challenge, proxy)), Some(creds)) = (&reg.challenge, &credentials) {
            reg.nonce_count += 1;
            let cnonce = compose::random_hex(config, 8);
            let answer = challenge.answer(
                creds,
                "REGISTER",
                &registrar.to_string(),
                &cnonce,
                reg.nonce_count,
            );
            let name = if *proxy {
                "Proxy-Authorization"
            } else {
                "Authorization"
            };
            request.headers.push(name, answer);
        }
        // A refresh of a live binding is not news: the state stays Registered.
        let refreshing = matches!(reg.state, Some(RegistrationState::Registered { .. }));
        if !reg.removing && !refreshing {
            self.set_registration(RegistrationState::Registering);
        }
        if !self.send_request(now, request, target, Owner::Register) {
            self.registration_failed(now, 503, "too many transactions in progress");
        }
    }

    pub(super) fn registration_response(
        &mut self,
        now: Instant,
        _request: &Message,
        response: &Message,
    ) {
        let Some(code) = response.status() else {
            return;
        };
        if code < 200 {
            return;
        }
        let reason = response_reason(response);
        match code {
            200..=299 if self.registration.removing => {
                self.registration.refresh_at = None;
                self.set_registration(RegistrationState::Deregistered);
            }
            200..=299 => {
                self.registration.auth_tries = 0;
                let expires = granted_expires(response, self.registration.expires);
                self.registration.refresh_at = Some(now + refresh_delay(expires));
                self.set_registration(RegistrationState::Registered { expires });
            }
            401 | 407 => {
                let header = if code == 401 {
                    "WWW-Authenticate"
                } else {
                    "Proxy-Authenticate"
                };
                let challenge = Challenge::pick(response.headers.get_all(header));
                let reg = &mut self.registration;
                let stale = challenge.as_ref().is_some_and(|c| c.stale);
                match challenge {
                    Some(c)
                        if self.config.credentials.is_some() && (reg.auth_tries < 1 || stale) =>
                    {
                        reg.auth_tries += 1;
                        reg.nonce_count = 0;
                        reg.challenge = Some((c, code == 407));
                        self.send_register(now);
                    }
                    _ => {
                        let why = if self.config.credentials.is_none() {
                            "the registrar wants credentials and none are configured"
                        } else {
                            "the registrar refused the credentials"
                        };
                        self.registration_failed(now, code, why);
                    }
                }
            }
            423 => {
                let min = response
                    .headers
                    .get("Min-Expires")
                    .and_then(|v| v.trim().parse::<u32>().ok());
                match min {
                    Some(min) if min > self.registration.expires => {
                        self.registration.expires = min;
                        self.send_register(now);
                    }
                    _ => self.registration_failed(now, code, &reason),
                }
            }
            _ => self.registration_failed(now, code, &reason),
        }
    }

    fn registration_failed(&mut self, now: Instant, code: u16, reason: &str) {
        self.registration.refresh_at = Some(now + RETRY_AFTER_FAILURE);
        self.registration.auth_tries = 0;
        self.set_registration(RegistrationState::Failed {
            code,
            reason: reason.to_string(),
        });
    }

    fn set_registration(&mut self, state: RegistrationState) {
        if self.registration.state.as_ref() != Some(&state) {
            self.registration.state = Some(state.clone());
            self.emit(Event::Registration(state));
        }
    }

    pub(super) fn registration_timers(&mut self, now: Instant) {
        if self.registration.refresh_at.is_some_and(|at| at <= now) {
            self.registration.refresh_at = None;
            self.registration.auth_tries = 0;
            self.send_register(now);
        }
    }

    pub(super) fn keepalive_timer(&mut self, now: Instant) {
        let (Some(at), Some(proxy), Some(every)) = (
            self.keepalive.next,
            self.config.proxy.clone(),
            self.config.keepalive,
        ) else {
            return;
        };
        if at > now {
            return;
        }
        self.keepalive.next = Some(now + every);
        let config = &mut self.config;
        let target = compose::target_for(&proxy, config.transport);
        let transport = target.transport;
        let mut request = Message::request(Method::Options, proxy.clone());
        let mut from = compose::aor(config);
        from.params.set("tag", Some(&compose::new_tag(config)));
        let h = &mut request.headers;
        h.push("Via", compose::via(config, transport));
        h.push("Max-Forwards", "70");
        h.push("From", from.to_string());
        h.push("To", format!("<{proxy}>"));
        h.push("Call-ID", compose::new_call_id(config));
        h.push("CSeq", "1 OPTIONS");
        h.push("Accept", "application/sdp");
        self.send_request(now, request, target, Owner::Keepalive);
    }

    pub(super) fn keepalive_response(&mut self, response: &Message) {
        // Any answer, even an error, proves the proxy is there; only silence (408) does not.
        let reachable = response.status() != Some(408);
        if self.keepalive.reachable != Some(reachable) {
            self.keepalive.reachable = Some(reachable);
            self.emit(Event::ProxyReachable(reachable));
        }
    }
}

/// The reason phrase of a response.
pub(super) fn response_reason(response: &Message) -> String {
    match &response.start {
        crate::call::sip::message::StartLine::Response { reason, .. } => reason.clone(),
        _ => String::new(),
    }
}

/// The lifetime the registrar granted: our Contact's `expires`, else the Expires header.
fn granted_expires(response: &Message, asked: u32) -> u32 {
    let from_contact = response
        .contacts()
        .iter()
        .find_map(|c| c.params.value("expires").and_then(|v| v.parse().ok()));
    from_contact.or_else(|| response.expires()).unwrap_or(asked)
}
