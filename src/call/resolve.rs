//! Where a SIP host name points (RFC 3263 §4): NAPTR gives the SRV name for the transport,
//! SRV orders the servers (RFC 2782: priority, then a weighted random choice), A/AAAA gives
//! their addresses. A name with an explicit port goes straight to A/AAAA.
//!
//! The transport itself is the endpoint's choice (URI scheme, `transport=`, or `SIP
//! DefaultTransport`), already written into the message's Via; NAPTR only tells which SRV
//! name serves that transport. The ordering rules and the cache are plain functions, tested
//! without a network; [`Resolver`] does the lookups with hickory-resolver.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{GOOGLE, ResolverConfig};
use hickory_resolver::net::NetError;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::{RData, RecordType};
use rand::RngExt as _;

use super::sip::transport::Transport;

/// A failed lookup is not repeated for this long (the ACK for the 503 it caused, a retry).
const NEGATIVE_HOLD: Duration = Duration::from_secs(3);
/// Answers are kept at most this long whatever their TTL, and the cache this large.
const MAX_HOLD: Duration = Duration::from_secs(3600);
const CACHE_MAX: usize = 256;

/// What to resolve: a host from a URI, the URI's port if it had one, and the transport.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Query {
    pub host: String,
    pub port: Option<u16>,
    pub transport: Transport,
}

/// Addresses to try in order, and until when that answer holds (the smallest TTL seen).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub addrs: Vec<SocketAddr>,
    pub valid_until: Instant,
}

/// The fields of a NAPTR record that matter here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Naptr {
    pub order: u16,
    pub preference: u16,
    pub flags: String,
    pub services: String,
    pub replacement: String,
}

/// The fields of an SRV record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Srv {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    pub target: String,
}

/// The NAPTR service of a transport (RFC 3263 §4.1; SCTP, D2S, is not offered by us).
fn naptr_service(transport: Transport) -> &'static str {
    match transport {
        Transport::Udp => "SIP+D2U",
        Transport::Tcp => "SIP+D2T",
        Transport::Tls => "SIPS+D2T",
    }
}

/// The transports a domain offers by NAPTR, most preferred first, each with its SRV name.
/// Only terminal "S" records for services we speak count.
pub fn naptr_transports(records: &[Naptr]) -> Vec<(Transport, String)> {
    let mut records: Vec<&Naptr> = records
        .iter()
        .filter(|r| r.flags.eq_ignore_ascii_case("s") && !r.replacement.is_empty())
        .collect();
    records.sort_by_key(|r| (r.order, r.preference));
    let mut out: Vec<(Transport, String)> = Vec::new();
    for r in records {
        let found = [Transport::Udp, Transport::Tcp, Transport::Tls]
            .into_iter()
            .find(|t| r.services.eq_ignore_ascii_case(naptr_service(*t)));
        if let Some(t) = found
            && !out.iter().any(|(seen, _)| *seen == t)
        {
            out.push((t, r.replacement.trim_end_matches('.').to_string()));
        }
    }
    out
}

/// The SRV name to ask for `transport` at `host`: the one NAPTR gave, else the RFC 3263
/// §4.1 default (`_sip._udp`, `_sip._tcp`, `_sips._tcp`).
pub fn srv_name(host: &str, transport: Transport, naptr: &[(Transport, String)]) -> String {
    if let Some((_, name)) = naptr.iter().find(|(t, _)| *t == transport) {
        return name.clone();
    }
    let prefix = match transport {
        Transport::Udp => "_sip._udp",
        Transport::Tcp => "_sip._tcp",
        Transport::Tls => "_sips._tcp",
    };
    format!("{prefix}.{}", host.trim_end_matches('.'))
}

/// Orders SRV records as RFC 2782 asks: lowest priority first; within a priority, each next
/// record is drawn at random in proportion to its weight (zero-weight ones rarely). `random`
/// supplies uniform random numbers. A target of "." (service not offered) is dropped.
pub fn order_srv(records: Vec<Srv>, random: &mut dyn FnMut() -> u32) -> Vec<Srv> {
    let mut records: Vec<Srv> = records
        .into_iter()
        .filter(|r| !r.target.trim_end_matches('.').is_empty())
        .collect();
    records.sort_by_key(|r| r.priority);
    let mut out = Vec::with_capacity(records.len());
    let mut rest = records.into_iter().peekable();
    while let Some(first) = rest.next() {
        let priority = first.priority;
        let mut group = vec![first];
        while let Some(r) = rest.next_if(|r| r.priority == priority) {
            group.push(r);
        }
        // Zero weights first, so a draw of 0 can pick them (RFC 2782 "Usage rules").
        group.sort_by_key(|r| r.weight != 0);
        while !group.is_empty() {
            let total: u32 = group.iter().map(|r| u32::from(r.weight)).sum();
            let draw = if total == 0 {
                0
            } else {
                random() % (total + 1)
            };
            let mut running = 0u32;
            let pick = group
                .iter()
                .position(|r| {
                    running += u32::from(r.weight);
                    running >= draw
                })
                .unwrap_or(0);
            out.push(group.remove(pick));
        }
    }
    out
}

/// Answers (and failures) kept until they expire.
#[derive(Default)]
pub struct Cache {
    entries: HashMap<Query, (Result<Vec<SocketAddr>, String>, Instant)>,
}

impl Cache {
    /// A live answer for `query`: addresses, or why the name did not resolve.
    pub fn get(&mut self, query: &Query, now: Instant) -> Option<Result<Vec<SocketAddr>, String>> {
        match self.entries.get(query) {
            Some((answer, until)) if *until > now => Some(answer.clone()),
            Some(_) => {
                self.entries.remove(query);
                None
            }
            None => None,
        }
    }

    /// Keeps an answer until its TTL runs out (an hour at most).
    pub fn put(&mut self, query: Query, resolved: &Resolved, now: Instant) {
        let until = resolved.valid_until.min(now + MAX_HOLD);
        self.insert(query, Ok(resolved.addrs.clone()), until, now);
    }

    /// Remembers a failure for a few seconds, so what follows it fails alike at once.
    pub fn put_failure(&mut self, query: Query, why: String, now: Instant) {
        self.insert(query, Err(why), now + NEGATIVE_HOLD, now);
    }

    /// Forgets the failures (the configuration changed: the next try is a fresh one).
    pub fn forget_failures(&mut self) {
        self.entries.retain(|_, (answer, _)| answer.is_ok());
    }

    fn insert(
        &mut self,
        query: Query,
        answer: Result<Vec<SocketAddr>, String>,
        until: Instant,
        now: Instant,
    ) {
        if until <= now {
            return;
        }
        if self.entries.len() >= CACHE_MAX && !self.entries.contains_key(&query) {
            self.entries.retain(|_, (_, u)| *u > now);
            if self.entries.len() >= CACHE_MAX
                && let Some(soonest) = self
                    .entries
                    .iter()
                    .min_by_key(|(_, (_, u))| *u)
                    .map(|(q, _)| q.clone())
            {
                self.entries.remove(&soonest);
            }
        }
        self.entries.insert(query, (answer, until));
    }
}

/// The DNS client.
pub struct Resolver {
    /// An error when no resolver could be set up at all; every lookup then fails with it.
    dns: Result<TokioResolver, String>,
}

impl Resolver {
    /// The system's resolver (`/etc/resolv.conf`, `/etc/hosts`); public DNS when that file
    /// cannot be used, so that names still resolve on a device with a broken one.
    pub fn system() -> Resolver {
        let public = || {
            TokioResolver::builder_with_config(
                ResolverConfig::udp_and_tcp(&GOOGLE),
                TokioRuntimeProvider::default(),
            )
            .build()
        };
        let dns = match TokioResolver::builder_tokio().and_then(|b| b.build()) {
            Ok(dns) => Ok(dns),
            Err(e) => {
                tracing::warn!(
                    "SIP DNS: the system resolver configuration is unusable ({e}); using public DNS (8.8.8.8)"
                );
                public().map_err(|e| format!("no DNS resolver could be set up: {e}"))
            }
        };
        Resolver { dns }
    }

    /// Resolves `query` (RFC 3263 §4.1–4.2): non-empty addresses, or why there are none.
    pub async fn resolve(&self, query: &Query) -> Result<Resolved, String> {
        let host = query.host.trim_start_matches('[').trim_end_matches(']');
        let default_port = query.port.unwrap_or(query.transport.default_port());
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Ok(Resolved {
                addrs: vec![SocketAddr::new(ip, default_port)],
                valid_until: Instant::now() + MAX_HOLD,
            });
        }
        if let Some(port) = query.port {
            return self.addresses(host, port).await;
        }
        let dns = self.dns.as_ref().map_err(String::clone)?;
        let naptr = match dns.lookup(host, RecordType::NAPTR).await {
            Ok(lookup) => lookup
                .answers()
                .iter()
                .filter_map(|r| match &r.data {
                    RData::NAPTR(n) => Some(Naptr {
                        order: n.order,
                        preference: n.preference,
                        flags: String::from_utf8_lossy(&n.flags).into_owned(),
                        services: String::from_utf8_lossy(&n.services).into_owned(),
                        replacement: n.replacement.to_string(),
                    }),
                    _ => None,
                })
                .collect(),
            Err(e) if e.is_nx_domain() => return Err(format!("there is no host {host}")),
            Err(e) if e.is_no_records_found() => Vec::new(),
            // The DNS server is not answering: the next lookups would only wait as long.
            Err(e) => return Err(describe(&e)),
        };
        let services = naptr_transports(&naptr);
        if !naptr.is_empty() && !services.iter().any(|(t, _)| *t == query.transport) {
            tracing::debug!(
                "SIP DNS: {host} offers no {} by NAPTR; trying its SRV records anyway",
                query.transport
            );
        }
        let name = srv_name(host, query.transport, &services);
        let records = match dns.srv_lookup(name.as_str()).await {
            Ok(lookup) => {
                let until = lookup.valid_until();
                let records: Vec<Srv> = lookup
                    .answers()
                    .iter()
                    .filter_map(|r| match &r.data {
                        RData::SRV(s) => Some(Srv {
                            priority: s.priority,
                            weight: s.weight,
                            port: s.port,
                            target: s.target.to_string(),
                        }),
                        _ => None,
                    })
                    .collect();
                Some((records, until))
            }
            Err(e) if e.is_nx_domain() || e.is_no_records_found() => None,
            Err(e) => return Err(describe(&e)),
        };
        let Some((records, srv_until)) = records.filter(|(r, _)| !r.is_empty()) else {
            return self.addresses(host, default_port).await;
        };
        let ordered = order_srv(records, &mut || rand::rng().random());
        let mut resolved = Resolved {
            addrs: Vec::new(),
            valid_until: srv_until,
        };
        let mut last_error = format!("the SRV records of {name} name no server");
        for srv in ordered {
            let target = srv.target.trim_end_matches('.');
            match self.addresses(target, srv.port).await {
                Ok(found) => {
                    resolved.valid_until = resolved.valid_until.min(found.valid_until);
                    for a in found.addrs {
                        if !resolved.addrs.contains(&a) {
                            resolved.addrs.push(a);
                        }
                    }
                }
                Err(e) => last_error = e,
            }
        }
        if resolved.addrs.is_empty() {
            return Err(last_error);
        }
        Ok(resolved)
    }

    /// A/AAAA for `host`, each address with `port`.
    async fn addresses(&self, host: &str, port: u16) -> Result<Resolved, String> {
        let dns = self.dns.as_ref().map_err(String::clone)?;
        let lookup = dns.lookup_ip(host).await.map_err(|e| {
            if e.is_nx_domain() {
                format!("there is no host {host}")
            } else if e.is_no_records_found() {
                format!("{host} has no address")
            } else {
                describe(&e)
            }
        })?;
        let addrs: Vec<SocketAddr> = lookup.iter().map(|ip| SocketAddr::new(ip, port)).collect();
        if addrs.is_empty() {
            return Err(format!("{host} has no address"));
        }
        Ok(Resolved {
            addrs,
            valid_until: lookup.valid_until(),
        })
    }
}

fn describe(e: &NetError) -> String {
    format!("the DNS lookup failed: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn srv(priority: u16, weight: u16, target: &str) -> Srv {
        Srv {
            priority,
            weight,
            port: 5061,
            target: target.into(),
        }
    }

    fn naptr(order: u16, preference: u16, flags: &str, services: &str, replacement: &str) -> Naptr {
        Naptr {
            order,
            preference,
            flags: flags.into(),
            services: services.into(),
            replacement: replacement.into(),
        }
    }

    fn targets(records: &[Srv]) -> Vec<&str> {
        records.iter().map(|r| r.target.as_str()).collect()
    }

    /// A random source that replays the given numbers.
    fn replay(numbers: &[u32]) -> impl FnMut() -> u32 + '_ {
        let mut i = 0;
        move || {
            let n = numbers[i % numbers.len()];
            i += 1;
            n
        }
    }

    #[test]
    fn lower_priority_comes_first_whatever_the_weights() {
        let records = vec![srv(20, 100, "b."), srv(10, 0, "a."), srv(30, 5, "c.")];
        let ordered = order_srv(records, &mut replay(&[0]));
        assert_eq!(targets(&ordered), ["a.", "b.", "c."]);
    }

    #[test]
    fn weight_decides_within_a_priority() {
        // Weights 10 and 90: running sums 10, 100. A draw of 50 falls to the second.
        let records = vec![srv(10, 10, "light."), srv(10, 90, "heavy.")];
        let ordered = order_srv(records.clone(), &mut replay(&[50]));
        assert_eq!(targets(&ordered), ["heavy.", "light."]);
        // A draw of 7 falls to the first.
        let ordered = order_srv(records, &mut replay(&[7]));
        assert_eq!(targets(&ordered), ["light.", "heavy."]);
    }

    #[test]
    fn zero_weight_goes_first_only_on_a_zero_draw() {
        let records = vec![srv(1, 5, "weighted."), srv(1, 0, "zero.")];
        let ordered = order_srv(records.clone(), &mut replay(&[0]));
        assert_eq!(targets(&ordered), ["zero.", "weighted."]);
        let ordered = order_srv(records, &mut replay(&[3]));
        assert_eq!(targets(&ordered), ["weighted.", "zero."]);
    }

    #[test]
    fn the_draw_is_bounded_by_the_sum_of_weights() {
        // A huge draw wraps into 0..=total (here 0..=3): 1_000_003 % 4 = 3 → the second.
        let records = vec![srv(1, 1, "one."), srv(1, 2, "two.")];
        let ordered = order_srv(records, &mut replay(&[1_000_003, 0]));
        assert_eq!(targets(&ordered), ["two.", "one."]);
    }

    #[test]
    fn weighted_choice_follows_the_weights_over_many_draws() {
        let records = vec![srv(1, 1, "rare."), srv(1, 3, "common.")];
        let mut seed = 12345u32;
        let mut lcg = move || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            seed >> 8
        };
        let first_common = (0..4000)
            .filter(|_| order_srv(records.clone(), &mut lcg)[0].target == "common.")
            .count();
        // Draws of 2..=4 out of 0..=4 pick "common": 3 in 5.
        assert!((2200..2600).contains(&first_common), "{first_common}");
    }

    #[test]
    fn a_dot_target_means_no_service() {
        let records = vec![srv(1, 0, "."), srv(2, 0, "backup.example.com.")];
        let ordered = order_srv(records, &mut replay(&[0]));
        assert_eq!(targets(&ordered), ["backup.example.com."]);
    }

    #[test]
    fn naptr_orders_by_order_then_preference_and_keeps_known_services() {
        let records = vec![
            naptr(50, 50, "s", "SIP+D2U", "_sip._udp.example.com."),
            naptr(90, 50, "s", "SIP+D2T", "_sip._tcp.example.com."),
            naptr(50, 10, "S", "SIPS+D2T", "_sips._tcp.example.com."),
            naptr(10, 10, "s", "SIP+D2S", "_sip._sctp.example.com."),
            naptr(5, 5, "u", "SIP+D2U", "!^.*$!sip:x@example.com!"),
        ];
        let got = naptr_transports(&records);
        assert_eq!(
            got,
            vec![
                (Transport::Tls, "_sips._tcp.example.com".to_string()),
                (Transport::Udp, "_sip._udp.example.com".to_string()),
                (Transport::Tcp, "_sip._tcp.example.com".to_string()),
            ]
        );
    }

    #[test]
    fn the_srv_name_comes_from_naptr_or_the_default() {
        let naptr = vec![(Transport::Tls, "_sips._tcp.sbc.example.com".to_string())];
        assert_eq!(
            srv_name("example.com", Transport::Tls, &naptr),
            "_sips._tcp.sbc.example.com"
        );
        assert_eq!(
            srv_name("example.com", Transport::Udp, &naptr),
            "_sip._udp.example.com"
        );
        assert_eq!(
            srv_name("example.com.", Transport::Tcp, &[]),
            "_sip._tcp.example.com"
        );
        assert_eq!(
            srv_name("example.com", Transport::Tls, &[]),
            "_sips._tcp.example.com"
        );
    }

    #[test]
    fn the_cache_keeps_answers_for_their_ttl_and_failures_briefly() {
        let now = Instant::now();
        let mut cache = Cache::default();
        let q = Query {
            host: "example.com".into(),
            port: None,
            transport: Transport::Tls,
        };
        let addr: SocketAddr = "192.0.2.1:5061".parse().unwrap();
        cache.put(
            q.clone(),
            &Resolved {
                addrs: vec![addr],
                valid_until: now + Duration::from_secs(60),
            },
            now,
        );
        assert_eq!(
            cache.get(&q, now + Duration::from_secs(59)),
            Some(Ok(vec![addr]))
        );
        assert_eq!(cache.get(&q, now + Duration::from_secs(60)), None);

        cache.put_failure(q.clone(), "there is no host example.com".into(), now);
        assert!(matches!(
            cache.get(&q, now + Duration::from_secs(1)),
            Some(Err(_))
        ));
        cache.forget_failures();
        assert_eq!(cache.get(&q, now + Duration::from_secs(1)), None);
    }

    #[test]
    fn the_cache_stays_bounded() {
        let now = Instant::now();
        let mut cache = Cache::default();
        for i in 0..(CACHE_MAX as u64 + 50) {
            let q = Query {
                host: format!("h{i}.example.com"),
                port: None,
                transport: Transport::Udp,
            };
            let resolved = Resolved {
                addrs: vec!["192.0.2.1:5060".parse().unwrap()],
                valid_until: now + Duration::from_secs(10 + i),
            };
            cache.put(q, &resolved, now);
        }
        assert_eq!(cache.entries.len(), CACHE_MAX);
    }
}
