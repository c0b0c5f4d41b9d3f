//! Calls on the xAPI: `Dial`, `Call Accept/Reject/Disconnect/Hold/Resume`, `Status Call[n]`,
//! the call counters, `Status SIP Registration`, Do Not Disturb, auto-answer, and the call
//! events (`OutgoingCallIndication`, `IncomingCallIndication`, `CallSuccessful`,
//! `CallDisconnect`) — the bridge between the bus and the SIP endpoint's driver.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Map, json};
use tokio::sync::{mpsc, oneshot};

use super::driver::{self, Request, Sockets};
use super::media::manager::{Manager, MediaSettings};
use super::media::ports::Pool;
use super::media::runner::MediaEvent;
use super::media_status;
use super::settings;
use super::sip::endpoint::{
    CallId, Cause, CauseKind, CauseOrigin, Endpoint, Event, RegistrationState,
};
use super::sip::message::NameAddr;
use crate::clock::Millis;
use crate::xapi::{Bus, Caller, StatusWriter, XapiError, parse_text};

/// What the service remembers of a call beyond the Status tree.
#[derive(Clone, Debug)]
struct CallRecord {
    outgoing: bool,
    remote_uri: String,
    display_name: String,
    requested_uri: String,
    connected_at: Option<Millis>,
    encrypted: bool,
    ringing: bool,
    /// Taken by `Conference AutoAnswer` rather than by `Call Accept`.
    auto_answered: bool,
}

pub struct Calls {
    bus: Arc<Bus>,
    calls_status: StatusWriter,
    counters: [StatusWriter; 3],
    sip_status: StatusWriter,
    dnd_status: StatusWriter,
    driver: Mutex<Option<mpsc::Sender<Request>>>,
    records: Mutex<HashMap<CallId, CallRecord>>,
    /// Calls the board takes at once.
    max_calls: usize,
    media: MediaSettings,
    ports: Pool,
    media_status: StatusWriter,
}

/// Registers the call commands and status; the SIP side starts with [`Calls::start`].
pub fn install(bus: &Arc<Bus>, max_calls: usize, media: MediaSettings) -> Arc<Calls> {
    let calls = Arc::new(Calls {
        bus: bus.clone(),
        max_calls,
        media,
        ports: Pool::default(),
        media_status: bus.claim_status("calls", "MediaChannels Call"),
        calls_status: bus.claim_status("calls", "Call"),
        counters: [
            bus.claim_status("calls", "SystemUnit State NumberOfActiveCalls"),
            bus.claim_status("calls", "SystemUnit State NumberOfInProgressCalls"),
            bus.claim_status("calls", "SystemUnit State NumberOfSuspendedCalls"),
        ],
        sip_status: bus.claim_status("calls", "SIP"),
        dnd_status: bus.claim_status("calls", "Conference DoNotDisturb"),
        driver: Mutex::new(None),
        records: Mutex::new(HashMap::new()),
    });
    calls.publish_counts();
    log(calls.dnd_status.set("Conference DoNotDisturb", "Inactive"));
    log(calls.sip_status.update(|b| {
        b.set("SIP Registration 1 Status", "Inactive")?;
        b.set("SIP Registration 1 Reason", "")?;
        b.set("SIP Registration 1 URI", "")?;
        b.set("SIP Registration 1 Authentication", "Off")
    }));
    register_commands(&calls);
    calls
}

fn log(result: Result<(), XapiError>) {
    if let Err(e) = result {
        tracing::warn!("calls: status write failed: {e}");
    }
}

fn error(message: impl Into<String>) -> XapiError {
    XapiError::command_failed(message.into())
}

impl Calls {
    /// Starts the SIP endpoint on the bound sockets and follows its events and the SIP
    /// configuration.
    pub fn start(self: &Arc<Self>, sockets: Sockets) -> Result<(), String> {
        let udp = sockets.udp_addr().map_err(|e| e.to_string())?;
        let tcp = sockets.tcp_addr().map_err(|e| e.to_string())?;
        let tls = sockets.tls_addr().map_err(|e| e.to_string())?;
        let endpoint = Endpoint::new(settings::config(
            &self.bus,
            udp,
            tcp,
            tls,
            self.max_calls,
            &self.ports,
        ));
        self.show_registration_uri();
        let (media_tx, mut media_events) = mpsc::unbounded_channel();
        let manager = Manager::new(self.ports.clone(), self.media.clone(), media_tx);
        let (requests, mut events) = driver::spawn(endpoint, sockets, manager);
        let me = self.clone();
        tokio::spawn(async move {
            while let Some(event) = media_events.recv().await {
                me.on_media(event);
            }
        });
        *self.driver.lock().unwrap_or_else(|e| e.into_inner()) = Some(requests.clone());
        let me = self.clone();
        tokio::spawn(async move {
            while let Some(event) = events.recv().await {
                me.on_event(event).await;
            }
        });
        let me = self.clone();
        tokio::spawn(async move { me.follow_configuration(udp, tcp, tls, requests).await });
        Ok(())
    }

    async fn follow_configuration(
        self: Arc<Self>,
        udp: std::net::SocketAddr,
        tcp: std::net::SocketAddr,
        tls: std::net::SocketAddr,
        requests: mpsc::Sender<Request>,
    ) {
        let (_handle, mut changes) = self.bus.subscriber(Caller::system(), "SIP settings");
        for path in ["Configuration SIP", "Configuration Conference Encryption"] {
            if let Ok(segs) = parse_text(path)
                && let Err(e) = _handle.subscribe(&segs)
            {
                tracing::error!("calls cannot follow {path}: {e}");
            }
        }
        while changes.recv().await.is_some() {
            // Let a burst of settings (URI, proxy, password) land before re-registering.
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            while changes.try_recv().is_ok() {}
            tracing::info!("SIP settings changed: registering again; calls go on");
            self.show_registration_uri();
            let config = settings::config(&self.bus, udp, tcp, tls, self.max_calls, &self.ports);
            if requests
                .send(Request::Reconfigure(Box::new(config)))
                .await
                .is_err()
            {
                return;
            }
        }
    }

    fn show_registration_uri(&self) {
        let uri = self
            .bus
            .config("SIP URI")
            .map(|v| v.to_string())
            .unwrap_or_default();
        log(self.sip_status.set("SIP Registration 1 URI", uri.as_str()));
    }

    async fn ask<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<T, String>>) -> Request,
    ) -> Result<T, XapiError> {
        let driver = self
            .driver
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| error("the SIP engine is not running"))?;
        let (tx, rx) = oneshot::channel();
        driver
            .send(make(tx))
            .await
            .map_err(|_| error("the SIP engine stopped"))?;
        rx.await
            .map_err(|_| error("the SIP engine stopped"))?
            .map_err(error)
    }

    /// The call a command means: the given CallId, else the only (or first) fitting call.
    fn pick_call(
        &self,
        given: Option<i64>,
        fits: impl Fn(&CallRecord) -> bool,
    ) -> Result<CallId, XapiError> {
        let records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        match given {
            Some(id) if id > 0 => {
                let id = id as CallId;
                records
                    .contains_key(&id)
                    .then_some(id)
                    .ok_or_else(|| error(format!("No call with CallId {id}")))
            }
            _ => {
                let mut ids: Vec<_> = records
                    .iter()
                    .filter(|(_, r)| fits(r))
                    .map(|(id, _)| *id)
                    .collect();
                ids.sort();
                ids.first().copied().ok_or_else(|| error("No active call"))
            }
        }
    }

    fn publish_counts(&self) {
        let records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        let active = records
            .values()
            .filter(|r| r.connected_at.is_some())
            .count();
        let in_progress = records.len() - active;
        drop(records);
        log(self.counters[0].set("SystemUnit State NumberOfActiveCalls", active as i64));
        log(self.counters[1].set(
            "SystemUnit State NumberOfInProgressCalls",
            in_progress as i64,
        ));
        log(self.counters[2].set("SystemUnit State NumberOfSuspendedCalls", 0));
    }

    fn record(&self, id: CallId) -> Option<CallRecord> {
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .cloned()
    }

    async fn on_event(self: &Arc<Self>, event: Event) {
        match event {
            Event::Registration(state) => self.on_registration(state),
            Event::ProxyReachable(up) => {
                log(self
                    .sip_status
                    .set("SIP Proxy 1 Status", if up { "Active" } else { "Timeout" }));
            }
            Event::Outgoing { call, remote } => self.new_call(call, &remote, true),
            Event::Incoming { call, remote, .. } => self.on_incoming(call, &remote).await,
            Event::Ringing { call } => {
                log(self
                    .calls_status
                    .set(&format!("Call {call} Status"), "Ringing"));
            }
            Event::Connected { call, media } => self.on_connected(call, media.encrypted),
            Event::MediaChanged {
                call,
                local_hold,
                remote_hold,
                ..
            } => {
                let status = if local_hold { "OnHold" } else { "Connected" };
                log(self.calls_status.update(|b| {
                    b.set(&format!("Call {call} Status"), status)?;
                    b.set(
                        &format!("Call {call} PlacedOnHold"),
                        if remote_hold { "True" } else { "False" },
                    )
                }));
            }
            Event::Ended { call, cause } => self.on_ended(call, &cause),
        }
    }

    fn on_media(&self, event: MediaEvent) {
        match event {
            MediaEvent::Digit { call, digit } => {
                let _ = self.bus.emit(
                    "DTMFReceive",
                    json!({"CallId": call, "DTMFString": digit.to_string()}),
                );
            }
            MediaEvent::Stats { call, stats } => {
                if self.record(call).is_some() {
                    log(media_status::publish(&self.media_status, call, &stats));
                }
            }
            MediaEvent::VideoStats { call, stats } => {
                if self.record(call).is_some() {
                    log(media_status::publish_video(
                        &self.media_status,
                        call,
                        &stats,
                    ));
                }
            }
        }
    }

    fn on_registration(&self, state: RegistrationState) {
        let (status, reason) = match &state {
            RegistrationState::Registering => ("Registering", String::new()),
            RegistrationState::Registered { .. } => ("Registered", String::new()),
            RegistrationState::Failed { code, reason } => ("Failed", format!("{code} {reason}")),
            RegistrationState::Deregistered => ("Deregister", String::new()),
        };
        let digest = self
            .bus
            .config("SIP Authentication UserName")
            .is_some_and(|v| !v.to_string().is_empty());
        log(self.sip_status.update(|b| {
            b.set("SIP Registration 1 Status", status)?;
            b.set("SIP Registration 1 Reason", reason.as_str())?;
            b.set(
                "SIP Registration 1 Authentication",
                if digest { "Digest" } else { "Off" },
            )
        }));
    }

    fn new_call(&self, id: CallId, remote: &NameAddr, outgoing: bool) {
        let uri = remote.uri.to_string();
        let number = uri
            .strip_prefix("sip:")
            .or_else(|| uri.strip_prefix("sips:"))
            .unwrap_or(&uri)
            .to_string();
        let display = remote.display_name.clone().unwrap_or_default();
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                id,
                CallRecord {
                    outgoing,
                    remote_uri: uri.clone(),
                    display_name: display.clone(),
                    requested_uri: uri.clone(),
                    connected_at: None,
                    encrypted: false,
                    ringing: !outgoing,
                    auto_answered: false,
                },
            );
        let p = |leaf: &str| format!("Call {id} {leaf}");
        log(self.calls_status.update(|b| {
            b.set(&p("Status"), if outgoing { "Dialling" } else { "Ringing" })?;
            b.set(
                &p("Direction"),
                if outgoing { "Outgoing" } else { "Incoming" },
            )?;
            b.set(&p("Protocol"), "SIP")?;
            b.set(&p("CallType"), "Video")?;
            b.set(&p("RemoteNumber"), number.as_str())?;
            b.set(&p("CallbackNumber"), uri.as_str())?;
            b.set(&p("DisplayName"), display.as_str())?;
            b.set(&p("Duration"), 0)?;
            b.set(&p("AnswerState"), "Unanswered")?;
            b.set(&p("Encryption Type"), "None")?;
            b.set(&p("PlacedOnHold"), "False")?;
            b.set(&p("HoldReason"), "None")?;
            b.set(&p("DeviceType"), "Endpoint")?;
            b.set(&p("Ice"), "Disabled")?;
            b.set(&p("ReceiveCallRate"), 6000)?;
            b.set(&p("TransmitCallRate"), 6000)
        }));
        self.publish_counts();
    }

    async fn on_incoming(self: &Arc<Self>, id: CallId, remote: &NameAddr) {
        let dnd = self
            .bus
            .value(crate::xapi::Root::Status, "Conference DoNotDisturb")
            .is_some_and(|v| v.to_string() == "Active");
        if dnd {
            tracing::info!("Do Not Disturb: declining call {id} from {}", remote.uri);
            let _ = self
                .ask(|reply| Request::Reject {
                    call: id,
                    code: 486,
                    reply,
                })
                .await;
            return;
        }
        self.new_call(id, remote, false);
        let _ = self.bus.emit(
            "IncomingCallIndication",
            json!({
                "CallId": id,
                "RemoteURI": remote.uri.to_string(),
                "DisplayNameValue": remote.display_name.clone().unwrap_or_default(),
            }),
        );
        let auto = self
            .bus
            .config("Conference AutoAnswer Mode")
            .is_some_and(|v| v.to_string() == "On");
        if auto {
            let delay = self
                .bus
                .config("Conference AutoAnswer Delay")
                .and_then(|v| v.as_int())
                .unwrap_or(0);
            let me = self.clone();
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_secs(delay.max(0) as u64)).await;
                let ringing = match me
                    .records
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get_mut(&id)
                {
                    Some(r) if r.ringing => {
                        r.auto_answered = true;
                        true
                    }
                    _ => false,
                };
                if ringing {
                    log(me
                        .calls_status
                        .set(&format!("Call {id} AnswerState"), "Autoanswered"));
                    if let Err(e) = me.ask(|reply| Request::Accept { call: id, reply }).await {
                        tracing::warn!("auto-answer of call {id} failed: {e}");
                    }
                }
            });
        }
    }

    fn on_connected(&self, id: CallId, encrypted: bool) {
        let now = self.bus.clock().now();
        let record = {
            let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
            let Some(r) = records.get_mut(&id) else {
                return;
            };
            r.connected_at = Some(now);
            r.encrypted = encrypted;
            r.ringing = false;
            r.clone()
        };
        let encryption = if encrypted { "Aes-128" } else { "None" };
        log(self.calls_status.update(|b| {
            b.set(&format!("Call {id} Status"), "Connected")?;
            b.set(&format!("Call {id} Encryption Type"), encryption)?;
            if !record.outgoing && !record.auto_answered {
                b.set(&format!("Call {id} AnswerState"), "Answered")?;
            }
            Ok(())
        }));
        self.publish_counts();
        let _ = self.bus.emit(
            "CallSuccessful",
            json!({
                "CallId": id,
                "Protocol": "Sip",
                "Direction": if record.outgoing { "outgoing" } else { "incoming" },
                "CallRate": 6000,
                "RemoteURI": record.remote_uri,
                "EncryptionIn": encryption,
                "EncryptionOut": encryption,
            }),
        );
    }

    fn on_ended(&self, id: CallId, cause: &Cause) {
        let Some(record) = self
            .records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id)
        else {
            return;
        };
        let duration = record
            .connected_at
            .map(|at| (self.bus.clock().now() - at) / 1000)
            .unwrap_or(0);
        log(self.calls_status.remove(&format!("Call {id}")));
        log(media_status::remove(&self.media_status, id));
        self.publish_counts();
        let _ = self.bus.emit(
            "CallDisconnect",
            json!({
                "CallId": id,
                "CauseValue": cause.code,
                "CauseType": cause_type(cause),
                "CauseString": cause.reason,
                "CauseCode": q850(cause.code),
                "CauseOrigin": match cause.origin { CauseOrigin::Sip => "SIP", CauseOrigin::Internal => "Internal" },
                "OrigCallDirection": if record.outgoing { "outgoing" } else { "incoming" },
                "RemoteURI": record.remote_uri,
                "RequestedURI": record.requested_uri,
                "DisplayName": record.display_name,
                "CallType": "Video",
                "CallRate": 6000,
                "Protocol": "Sip",
                "Encryption": if record.encrypted { "Aes-128" } else { "None" },
                "Duration": duration,
                "PeopleCountAverage": -1,
            }),
        );
    }
}

/// RoomOS's CauseType words for why a call ended.
fn cause_type(cause: &Cause) -> &'static str {
    match cause.kind {
        CauseKind::LocalDisconnect | CauseKind::LocalCancel => "LocalDisconnect",
        CauseKind::RemoteDisconnect | CauseKind::RemoteCancel => "RemoteDisconnect",
        CauseKind::RemoteBusy => "RemoteBusy",
        CauseKind::LocalReject => "LocalReject",
        CauseKind::Timeout => "Timeout",
        CauseKind::Rejected => match cause.code {
            404 | 484 | 604 => "UnknownRemoteSite",
            _ => "NetworkRejected",
        },
    }
}

/// The ISDN cause (Q.850) for a SIP status, as RFC 3398 §8.2.6.1 maps them; 16 (normal
/// clearing) for a call that ended without an error.
fn q850(code: u16) -> u16 {
    match code {
        0 | 200 => 16,
        400 | 405 | 406 | 410 | 413 | 414 | 416 | 420 | 421 | 423 | 505 | 513 => 127,
        401 | 402 | 403 | 407 | 603 => 21,
        404 | 485 | 604 => 1,
        408 | 504 => 102,
        480 => 18,
        484 => 28,
        486 | 600 => 17,
        487 => 16,
        488 | 606 => 65,
        500 | 503 | 580 => 41,
        501 => 79,
        502 => 27,
        _ => 31,
    }
}

fn register_commands(calls: &Arc<Calls>) {
    let bus = calls.bus.clone();
    let c = calls.clone();
    bus.handle("Dial", move |inv| {
        let c = c.clone();
        async move {
            let protocol = inv.params.text("Protocol").unwrap_or_else(|| "Sip".into());
            if !protocol.eq_ignore_ascii_case("sip") {
                return Err(error(format!(
                    "Protocol {protocol} is not available on this device"
                )));
            }
            let number = inv.params.text("Number").unwrap_or_default();
            let id = c
                .ask(|reply| Request::Dial {
                    number: number.clone(),
                    reply,
                })
                .await?;
            if let Some(name) = inv.params.text("DisplayName").filter(|n| !n.is_empty())
                && let Some(r) = c
                    .records
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get_mut(&id)
            {
                r.display_name = name.clone();
                log(c
                    .calls_status
                    .set(&format!("Call {id} DisplayName"), name.as_str()));
            }
            let mut result = Map::new();
            result.insert("CallId".into(), json!(id));
            result.insert("ConferenceId".into(), json!(id));
            Ok(result)
        }
    });
    let on_call =
        |name: &'static str,
         fits: fn(&CallRecord) -> bool,
         make: fn(CallId, oneshot::Sender<Result<(), String>>) -> Request| {
            let c = calls.clone();
            calls.bus.handle(name, move |inv| {
                let c = c.clone();
                async move {
                    let id = c.pick_call(inv.params.int("CallId"), fits)?;
                    c.ask(|reply| make(id, reply)).await?;
                    Ok(Map::new())
                }
            });
        };
    on_call(
        "Call Accept",
        |r| r.ringing,
        |call, reply| Request::Accept { call, reply },
    );
    on_call(
        "Call Reject",
        |r| r.ringing,
        |call, reply| Request::Reject {
            call,
            code: 603,
            reply,
        },
    );
    on_call(
        "Call Ignore",
        |r| r.ringing,
        |call, reply| Request::Reject {
            call,
            code: 480,
            reply,
        },
    );
    on_call(
        "Call Disconnect",
        |_| true,
        |call, reply| Request::Hangup { call, reply },
    );
    on_call(
        "Call Hold",
        |r| r.connected_at.is_some(),
        |call, reply| Request::Hold { call, reply },
    );
    on_call(
        "Call Resume",
        |r| r.connected_at.is_some(),
        |call, reply| Request::Resume { call, reply },
    );

    let c = calls.clone();
    bus.handle("Call DTMFSend", move |inv| {
        let c = c.clone();
        async move {
            let given = inv.params.int("CallId").filter(|id| *id >= 0);
            let id = c.pick_call(given, |r| r.connected_at.is_some())?;
            let digits = inv.params.text("DTMFString").unwrap_or_default();
            c.ask(|reply| Request::Dtmf {
                call: id,
                digits,
                reply,
            })
            .await?;
            Ok(Map::new())
        }
    });
    let c = calls.clone();
    bus.handle_sync("Conference DoNotDisturb Activate", move |_| {
        log(c.dnd_status.set("Conference DoNotDisturb", "Active"));
        Ok(Map::new())
    });
    let c = calls.clone();
    bus.handle_sync("Conference DoNotDisturb Deactivate", move |_| {
        log(c.dnd_status.set("Conference DoNotDisturb", "Inactive"));
        Ok(Map::new())
    });
}
