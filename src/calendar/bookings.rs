//! `Bookings`: the room's meetings, as RoomOS shows them, from invites handed over with the
//! roomd extension `Bookings Import` (one or more iCalendar objects in a multiline body).
//!
//! The iCalendar text of every booking is kept in `<data>/bookings.json` (per UID), so a
//! restart re-parses exactly what was imported. A task on the injected clock fires
//! `Bookings StartTimeBuffer` (start − 300 s: the Join button), `Start` and `End`, keeps
//! `Status Bookings Current Id` and `Availability` up to date, and, when
//! `Configuration Bookings AutoJoin Mode` is On, dials the booking `AutoJoin Lead` seconds
//! before its start, once per occurrence (remembered on disk), through `Dial` on the bus like
//! any client. Each attempt is also recorded in `Status Bookings AutoJoin LastDial
//! Number/BookingId/Time` (roomd extensions), so it is visible even when the call fails.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json, json};
use tokio::sync::Notify;

use super::dialinfo::{self, DialInfo};
use super::ics::{self, Calendar, Event, Method, compare_versions};
use crate::clock::{Millis, iso8601};
use crate::xapi::{Bus, Caller, Invocation, StatusWriter, XapiError, parse_text};

/// Seconds before the start when the Join button appears.
pub const START_TIME_BUFFER_S: i64 = 300;
/// How far back and ahead the scheduler looks for occurrences.
const PAST_WINDOW_MS: Millis = 24 * 3600 * 1000;
const FUTURE_WINDOW_MS: Millis = 8 * 24 * 3600 * 1000;
/// The default span of `Bookings List` without `Days`.
const DEFAULT_LIST_DAYS: i64 = 365;
/// The most occurrences listed, whatever the filters.
const MAX_LISTED: usize = 2000;

/// One stored booking: the text it came from, so it can be re-read exactly.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// The number behind `Id`.
    id: u64,
    /// The whole imported body this UID's latest version came in.
    ics: String,
    /// Which calendar of that body holds it.
    calendar: usize,
    /// Occurrences cancelled one by one (RECURRENCE-ID, ms since the epoch).
    #[serde(default)]
    cancelled: BTreeSet<Millis>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    next_id: u64,
    bookings: BTreeMap<String, Entry>,
    /// Occurrences already auto-joined (`uid@start_ms`): never twice.
    #[serde(default)]
    dialed: BTreeSet<String>,
}

/// One occurrence of a booking, resolved.
#[derive(Debug, Clone)]
struct Occurrence {
    id: String,
    uid: String,
    start: Millis,
    end: Millis,
    event: Event,
    dial: Vec<DialInfo>,
}

struct State {
    stored: Stored,
    /// Each booking's events (master and overrides), re-read from `Entry::ics`.
    calendars: HashMap<String, Calendar>,
    /// Events fired by this process (`kind|uid|start`).
    fired: HashSet<String>,
    last_updated: Millis,
}

struct Bookings {
    bus: Arc<Bus>,
    status: StatusWriter,
    path: PathBuf,
    state: Mutex<State>,
    changed: Notify,
}

#[derive(Default)]
struct ImportSummary {
    added: u32,
    updated: u32,
    cancelled: u32,
    skipped: Vec<Json>,
}

fn to_utc(ms: Millis) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// The calendar `index` of `text`, keeping only the events of `uid`.
fn read_entry(uid: &str, entry: &Entry) -> Option<Calendar> {
    let parsed = ics::parse(&entry.ics);
    let mut calendar = parsed.calendars.into_iter().nth(entry.calendar)?;
    calendar.events.retain(|e| e.uid == uid);
    (!calendar.events.is_empty()).then_some(calendar)
}

fn master(events: &[&Event]) -> Option<Event> {
    events
        .iter()
        .find(|e| e.recurrence_id.is_none())
        .or(events.first())
        .map(|e| (*e).clone())
}

fn skip(uid: &str, reason: impl Into<String>) -> Json {
    let mut item = Map::new();
    if !uid.is_empty() {
        item.insert("Uid".into(), json!(uid));
    }
    item.insert("Reason".into(), json!(reason.into()));
    Json::Object(item)
}

fn version(e: &Event) -> String {
    match e.dtstamp {
        Some(d) => format!("SEQUENCE {} DTSTAMP {}", e.sequence, d.to_rfc3339()),
        None => format!("SEQUENCE {}", e.sequence),
    }
}

fn lock_state(m: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl State {
    fn stored_master(&self, uid: &str) -> Option<&Event> {
        let calendar = self.calendars.get(uid)?;
        let refs: Vec<&Event> = calendar.events.iter().collect();
        refs.iter()
            .find(|e| e.recurrence_id.is_none())
            .or(refs.first())
            .copied()
    }

    /// Every occurrence overlapping `[from, to)`, sorted by start.
    fn occurrences(&self, from: Millis, to: Millis) -> Vec<Occurrence> {
        let mut out = Vec::new();
        for (uid, calendar) in &self.calendars {
            let Some(entry) = self.stored.bookings.get(uid) else {
                continue;
            };
            let recurring = calendar.events.iter().any(Event::is_recurring);
            for instance in calendar.instances(to_utc(from), to_utc(to)) {
                let start = instance.start.timestamp_millis();
                let rid = instance.recurrence_id.map(|r| r.timestamp_millis());
                if rid.is_some_and(|r| entry.cancelled.contains(&r)) {
                    continue;
                }
                let id = if recurring {
                    format!("{}-{}", entry.id, rid.unwrap_or(start) / 1000)
                } else {
                    entry.id.to_string()
                };
                out.push(Occurrence {
                    id,
                    uid: uid.clone(),
                    start,
                    end: instance.end.timestamp_millis().max(start),
                    dial: dialinfo::extract_event(instance.event),
                    event: instance.event.clone(),
                });
            }
        }
        out.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(&b.id)));
        out
    }
}

impl Occurrence {
    fn to_json(&self, index: usize) -> Json {
        let e = &self.event;
        let mut organizer = Map::new();
        if let Some(o) = &e.organizer {
            let name = o.name.clone().unwrap_or_default();
            let name = name.trim();
            let (first, last) = match name.rsplit_once(' ') {
                Some((f, l)) => (f.trim(), l.trim()),
                None => (name, ""),
            };
            organizer.insert("FirstName".into(), json!(first));
            organizer.insert("LastName".into(), json!(last));
            let email = o.email();
            if !email.is_empty() {
                organizer.insert("Email".into(), json!(email));
            }
        }
        let calls: Vec<Json> = self
            .dial
            .iter()
            .map(|d| {
                json!({
                    "Number": d.number,
                    "Protocol": d.protocol.name(),
                    "CallRate": 6000,
                    "CallType": "Video",
                })
            })
            .collect();
        let platform = self.dial.first().map_or("None", |d| d.platform.name());
        let private = e.class.as_deref().is_some_and(|c| {
            c.eq_ignore_ascii_case("PRIVATE") || c.eq_ignore_ascii_case("CONFIDENTIAL")
        });
        let mut dial_info = Map::new();
        if !calls.is_empty() {
            dial_info.insert("Calls".into(), json!({ "Call": calls }));
        }
        dial_info.insert(
            "ConnectMode".into(),
            json!(if self.dial.is_empty() {
                "Manual"
            } else {
                "OBTP"
            }),
        );
        json!({
            "id": index,
            "Id": self.id,
            "MeetingId": self.uid,
            "Title": e.summary.clone().unwrap_or_default(),
            "Agenda": e.description.clone().unwrap_or_default(),
            "Privacy": if private { "Private" } else { "Public" },
            "Organizer": organizer,
            "Time": {
                "StartTime": iso8601(self.start),
                "StartTimeBuffer": START_TIME_BUFFER_S,
                "EndTime": iso8601(self.end),
                "EndTimeBuffer": 0,
            },
            "BookingStatus": "OK",
            "MeetingPlatform": platform,
            "DialInfo": dial_info,
        })
    }
}

impl Bookings {
    fn save(&self, state: &State) -> Result<(), XapiError> {
        crate::store::save_json(&self.path, &state.stored)
            .map_err(|e| XapiError::internal(format!("could not store the bookings: {e}")))
    }

    fn now(&self) -> Millis {
        self.bus.clock().now()
    }

    fn after_change(&self) {
        lock_state(&self.state).last_updated = self.now();
        super_log(self.bus.emit("Bookings Updated", json!({})));
        self.changed.notify_one();
    }

    fn import(&self, inv: &Invocation) -> Result<Map<String, Json>, XapiError> {
        let body = inv.body.as_deref().unwrap_or_default();
        let parsed = ics::parse(body);
        if parsed.events().next().is_none() {
            let why = parsed
                .warnings
                .first()
                .map(|w| format!(" ({w})"))
                .unwrap_or_default();
            return Err(XapiError::invalid_value(format!(
                "Bookings Import: the body holds no iCalendar event (expected BEGIN:VCALENDAR \
                 ... BEGIN:VEVENT ... END:VCALENDAR){why}; nothing changed"
            )));
        }
        let mut summary = ImportSummary::default();
        let mut state = lock_state(&self.state);
        let before_stored = serde_json::to_value(&state.stored).unwrap_or_default();
        let before_calendars = state.calendars.clone();
        for (index, calendar) in parsed.calendars.iter().enumerate() {
            let method = calendar.method.clone().unwrap_or(Method::Publish);
            let mut by_uid: Vec<(String, Vec<&Event>)> = Vec::new();
            for e in &calendar.events {
                match by_uid.iter_mut().find(|(u, _)| *u == e.uid) {
                    Some((_, list)) => list.push(e),
                    None => by_uid.push((e.uid.clone(), vec![e])),
                }
            }
            for (uid, events) in by_uid {
                self.apply(
                    &mut state,
                    &method,
                    &uid,
                    &events,
                    body,
                    index,
                    &mut summary,
                );
            }
        }
        let changed = summary.added + summary.updated + summary.cancelled > 0;
        if changed && let Err(e) = self.save(&state) {
            // Keep memory and disk in step: undo what was not stored.
            state.stored = serde_json::from_value(before_stored).unwrap_or_default();
            state.calendars = before_calendars;
            return Err(e);
        }
        drop(state);
        if changed {
            self.after_change();
        }
        let mut result = Map::new();
        result.insert("Added".into(), json!(summary.added));
        result.insert("Updated".into(), json!(summary.updated));
        result.insert("Cancelled".into(), json!(summary.cancelled));
        if !summary.skipped.is_empty() {
            result.insert("Skipped".into(), Json::Array(summary.skipped));
        }
        if !parsed.warnings.is_empty() {
            let warnings: Vec<Json> = parsed
                .warnings
                .iter()
                .take(20)
                .map(|w| json!(w.to_string()))
                .collect();
            result.insert("Warnings".into(), Json::Array(warnings));
        }
        Ok(result)
    }

    #[allow(clippy::too_many_arguments)]
    fn apply(
        &self,
        state: &mut State,
        method: &Method,
        uid: &str,
        events: &[&Event],
        body: &str,
        index: usize,
        summary: &mut ImportSummary,
    ) {
        if uid.trim().is_empty() {
            summary.skipped.push(skip("", "event without UID"));
            return;
        }
        let Some(incoming) = master(events) else {
            return;
        };
        let stored = state.stored_master(uid).cloned();
        let cancel = matches!(method, Method::Cancel)
            || (matches!(method, Method::Request | Method::Publish) && incoming.is_cancelled());
        if cancel {
            let Some(stored) = stored else {
                summary
                    .skipped
                    .push(skip(uid, "CANCEL for a booking that is not stored"));
                return;
            };
            if compare_versions(&incoming, &stored) == Ordering::Less {
                summary.skipped.push(skip(
                    uid,
                    format!(
                        "CANCEL older than the stored booking ({} < {})",
                        version(&incoming),
                        version(&stored)
                    ),
                ));
                return;
            }
            if let Some(rid) = &incoming.recurrence_id
                && stored.is_recurring()
            {
                if let Some(entry) = state.stored.bookings.get_mut(uid) {
                    entry.cancelled.insert(rid.utc.timestamp_millis());
                }
            } else {
                state.stored.bookings.remove(uid);
                state.calendars.remove(uid);
            }
            summary.cancelled += 1;
            return;
        }
        if !matches!(method, Method::Request | Method::Publish | Method::Add) {
            let name = match method {
                Method::Other(n) => n.clone(),
                m => format!("{m:?}").to_ascii_uppercase(),
            };
            summary.skipped.push(skip(
                uid,
                format!("METHOD {name} is not something Bookings Import acts on"),
            ));
            return;
        }
        if incoming.recurrence_id.is_some() {
            summary.skipped.push(skip(
                uid,
                "an update of a single occurrence without its meeting is not supported yet",
            ));
            return;
        }
        if incoming.start.is_none() {
            summary.skipped.push(skip(uid, "event without DTSTART"));
            return;
        }
        if let Some(stored) = &stored
            && compare_versions(&incoming, stored) != Ordering::Greater
        {
            summary.skipped.push(skip(
                uid,
                format!(
                    "not newer than the stored booking ({} <= {})",
                    version(&incoming),
                    version(stored)
                ),
            ));
            return;
        }
        let id = match state.stored.bookings.get(uid) {
            Some(e) => e.id,
            None => {
                state.stored.next_id += 1;
                state.stored.next_id
            }
        };
        let entry = Entry {
            id,
            ics: body.to_string(),
            calendar: index,
            cancelled: BTreeSet::new(),
        };
        let Some(calendar) = read_entry(uid, &entry) else {
            summary
                .skipped
                .push(skip(uid, "could not re-read the event"));
            return;
        };
        state.stored.bookings.insert(uid.to_string(), entry);
        state.calendars.insert(uid.to_string(), calendar);
        if stored.is_some() {
            summary.updated += 1;
        } else {
            summary.added += 1;
        }
    }

    fn list(&self, inv: &Invocation) -> Map<String, Json> {
        let now = self.now();
        let day = 86_400_000;
        let today = now.div_euclid(day) * day;
        let offset_days = inv.params.int("DayOffset").unwrap_or(0);
        let days = inv.params.int("Days").unwrap_or(DEFAULT_LIST_DAYS);
        let from = today + offset_days * day;
        let to = from + days * day;
        let state = lock_state(&self.state);
        let all = state.occurrences(from, to);
        let total = all.len();
        let skip_n = inv.params.int("Offset").unwrap_or(0).max(0) as usize;
        let limit = inv
            .params
            .int("Limit")
            .map_or(MAX_LISTED, |l| (l.max(0) as usize).min(MAX_LISTED));
        let bookings: Vec<Json> = all
            .iter()
            .skip(skip_n)
            .take(limit)
            .enumerate()
            .map(|(i, o)| o.to_json(i + 1))
            .collect();
        let mut result = Map::new();
        result.insert("ResultInfo".into(), json!({ "TotalRows": total }));
        result.insert("LastUpdated".into(), json!(iso8601(state.last_updated)));
        if !bookings.is_empty() {
            result.insert("Booking".into(), Json::Array(bookings));
        }
        result
    }

    fn find(&self, state: &State, id: Option<&str>, meeting: Option<&str>) -> Option<Occurrence> {
        let now = self.now();
        let uid = match (id, meeting) {
            (_, Some(m)) => m.to_string(),
            (Some(id), None) => {
                let number = id.split('-').next()?.parse::<u64>().ok()?;
                state
                    .stored
                    .bookings
                    .iter()
                    .find(|(_, e)| e.id == number)
                    .map(|(u, _)| u.clone())?
            }
            (None, None) => return None,
        };
        let calendar = state.calendars.get(&uid)?;
        let first = calendar
            .events
            .iter()
            .filter_map(|e| e.start.as_ref())
            .map(|t| t.utc.timestamp_millis())
            .min()?;
        // Look from the first start (or a year back) to a year ahead.
        let from = first.max(now - 366 * 86_400_000).min(now);
        let all = state.occurrences(from, now + 366 * 86_400_000);
        let mine = all.into_iter().filter(|o| o.uid == uid);
        match id {
            Some(id) if id.contains('-') => mine.into_iter().find(|o| o.id == id),
            _ => {
                let v: Vec<Occurrence> = mine.collect();
                v.iter().find(|o| o.end > now).or(v.last()).cloned()
            }
        }
    }

    fn get(&self, inv: &Invocation) -> Result<Map<String, Json>, XapiError> {
        let id = inv.params.text("Id");
        let meeting = inv.params.text("MeetingId");
        if id.is_none() && meeting.is_none() {
            return Err(XapiError::invalid_value(
                "Bookings Get needs Id or MeetingId",
            ));
        }
        let state = lock_state(&self.state);
        let found = self
            .find(&state, id.as_deref(), meeting.as_deref())
            .ok_or_else(|| {
                XapiError::command_failed(format!(
                    "No booking with {}",
                    id.map(|i| format!("Id {i:?}"))
                        .or(meeting.map(|m| format!("MeetingId {m:?}")))
                        .unwrap_or_default()
                ))
            })?;
        let mut booking = found.to_json(1);
        if let Some(b) = booking.as_object_mut() {
            b.remove("id");
        }
        let mut result = Map::new();
        result.insert("Booking".into(), booking);
        Ok(result)
    }

    fn clear(&self) -> Result<(), XapiError> {
        let mut state = lock_state(&self.state);
        if state.stored.bookings.is_empty() {
            return Ok(());
        }
        let before = std::mem::take(&mut state.stored.bookings);
        if let Err(e) = self.save(&state) {
            state.stored.bookings = before;
            return Err(e);
        }
        state.calendars.clear();
        drop(state);
        self.after_change();
        Ok(())
    }

    fn auto_join(&self) -> Option<Millis> {
        let on = self
            .bus
            .config("Bookings AutoJoin Mode")
            .is_some_and(|v| v.to_string() == "On");
        on.then(|| {
            self.bus
                .config("Bookings AutoJoin Lead")
                .and_then(|v| v.as_int())
                .unwrap_or(60)
                * 1000
        })
    }

    /// Fires what is due, updates the status, and returns when to look again.
    async fn tick(&self) -> Millis {
        let now = self.now();
        let lead = self.auto_join();
        let (occurrences, mut due, dials) = {
            let mut state = lock_state(&self.state);
            let occurrences = state.occurrences(now - PAST_WINDOW_MS, now + FUTURE_WINDOW_MS);
            let mut due: Vec<(Millis, &'static str, Occurrence)> = Vec::new();
            let mut dials = Vec::new();
            for o in &occurrences {
                let key = |kind: &str| format!("{kind}|{}|{}", o.uid, o.start);
                if now < o.end {
                    let buffer = o.start - START_TIME_BUFFER_S * 1000;
                    for (at, kind) in [(buffer, "StartTimeBuffer"), (o.start, "Start")] {
                        if at <= now && state.fired.insert(key(kind)) {
                            due.push((at, kind, o.clone()));
                        }
                    }
                } else if state.fired.contains(&key("Start")) && state.fired.insert(key("End")) {
                    due.push((o.end, "End", o.clone()));
                }
                if let Some(lead) = lead
                    && o.start - lead <= now
                    && now < o.end
                    && !o.dial.is_empty()
                {
                    let dial_key = format!("{}@{}", o.uid, o.start);
                    if state.stored.dialed.insert(dial_key) {
                        dials.push(o.clone());
                    }
                }
            }
            if !dials.is_empty()
                && let Err(e) = self.save(&state)
            {
                tracing::error!("bookings: could not record the auto-join: {e}");
            }
            (occurrences, due, dials)
        };
        due.sort_by_key(|(at, _, _)| *at);
        for (_, kind, o) in &due {
            let mut fields = json!({"Id": o.id, "MeetingId": o.uid});
            if *kind == "End" {
                fields["StartTime"] = json!(iso8601(o.start));
                fields["EndTime"] = json!(iso8601(o.end));
                fields["ScheduledDuration"] = json!((o.end - o.start) / 60_000);
            }
            super_log(self.bus.emit(&format!("Bookings {kind}"), fields));
        }
        self.update_status(now, &occurrences);
        for o in dials {
            self.dial(&o).await;
        }
        // The next moment anything happens.
        let mut next = now + PAST_WINDOW_MS;
        for o in &occurrences {
            let mut moments = vec![o.start - START_TIME_BUFFER_S * 1000, o.start, o.end];
            if let Some(lead) = lead {
                moments.push(o.start - lead);
            }
            for m in moments {
                if m > now {
                    next = next.min(m);
                }
            }
        }
        next
    }

    fn update_status(&self, now: Millis, occurrences: &[Occurrence]) {
        let current = occurrences.iter().find(|o| o.start <= now && now < o.end);
        let (availability, stamp) = match current {
            Some(c) => {
                // Back-to-back meetings keep the room booked.
                let mut until = c.end;
                for o in occurrences {
                    if o.start <= until && o.end > until {
                        until = o.end;
                    }
                }
                ("BookedUntil", iso8601(until))
            }
            None => match occurrences.iter().find(|o| o.start > now) {
                Some(n) => ("FreeUntil", iso8601(n.start)),
                None => ("Free", String::new()),
            },
        };
        let id = current.map(|c| c.id.clone()).unwrap_or_default();
        super_log(self.status.update(|b| {
            b.set("Bookings Current Id", id)?;
            b.set("Bookings Availability Status", availability)?;
            b.set("Bookings Availability TimeStamp", stamp)
        }));
    }

    async fn dial(&self, o: &Occurrence) {
        let number = o.dial[0].number.clone();
        tracing::info!(
            "bookings: auto-joining {} ({}) by dialing {number}",
            o.id,
            o.uid
        );
        super_log(self.status.update(|b| {
            b.set("Bookings AutoJoin LastDial Number", number.as_str())?;
            b.set("Bookings AutoJoin LastDial BookingId", o.uid.as_str())?;
            b.set("Bookings AutoJoin LastDial Time", iso8601(self.now()))
        }));
        let title = o.event.summary.clone().unwrap_or_default();
        let params = json!({
            "Number": number,
            "BookingId": o.uid,
            "TrackingData": o.id,
            "DisplayName": title.chars().take(255).collect::<String>(),
        });
        if let Err(e) = self.bus.command_as_system("Dial", params).await {
            tracing::warn!("bookings: auto-join Dial {number} failed: {e}");
        }
    }

    async fn run(self: Arc<Self>) {
        let (_handle, mut config) = {
            let (handle, rx) = self.bus.subscriber(Caller::system(), "bookings timer");
            match parse_text("Configuration Bookings AutoJoin") {
                Ok(segs) => {
                    if let Err(e) = handle.subscribe(&segs) {
                        tracing::error!("bookings cannot follow its configuration: {e}");
                    }
                }
                Err(e) => tracing::error!("bookings: {e}"),
            }
            (handle, rx)
        };
        let clock = self.bus.clock().clone();
        loop {
            let next = self.tick().await;
            tokio::select! {
                _ = clock.sleep_until(next) => {}
                _ = self.changed.notified() => {}
                Some(_) = config.recv() => {}
            }
        }
    }
}

fn super_log(result: Result<(), XapiError>) {
    if let Err(e) = result {
        tracing::error!("bookings: {e}");
    }
}

/// Loads the stored bookings and registers the `Bookings` commands and timer.
pub fn install(bus: &Arc<Bus>, data_dir: &Path) {
    let path = data_dir.join("bookings.json");
    let stored = match crate::store::load_json::<Stored>(&path) {
        crate::store::Loaded::Found(s) => s,
        crate::store::Loaded::Missing => Stored::default(),
        crate::store::Loaded::Corrupt(moved) => {
            tracing::error!(
                "bookings: {} was damaged and set aside as {}",
                path.display(),
                moved.display()
            );
            Stored::default()
        }
    };
    let mut calendars = HashMap::new();
    for (uid, entry) in &stored.bookings {
        match read_entry(uid, entry) {
            Some(c) => {
                calendars.insert(uid.clone(), c);
            }
            None => tracing::warn!("bookings: stored booking {uid} could not be re-read"),
        }
    }
    let service = Arc::new(Bookings {
        bus: bus.clone(),
        status: bus.claim_status("Bookings", "Bookings"),
        path,
        state: Mutex::new(State {
            stored,
            calendars,
            fired: HashSet::new(),
            last_updated: bus.clock().now(),
        }),
        changed: Notify::new(),
    });
    service.update_status(service.now(), &[]);
    let s = service.clone();
    bus.handle_sync("Bookings Import", move |inv| s.import(&inv));
    let s = service.clone();
    bus.handle_sync("Bookings List", move |inv| Ok(s.list(&inv)));
    let s = service.clone();
    bus.handle_sync("Bookings Get", move |inv| s.get(&inv));
    let s = service.clone();
    bus.handle_sync("Bookings Clear", move |_| {
        s.clear()?;
        Ok(Map::new())
    });
    tokio::spawn(service.run());
}
