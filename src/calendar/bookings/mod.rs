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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, json};
use tokio::sync::Notify;

use super::dialinfo::DialInfo;
use super::ics::{self, Calendar, Event};
use crate::clock::Millis;
use crate::xapi::{Bus, StatusWriter, XapiError};

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
    /// Where it was read on the CalDAV server, when it came from there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    server: Option<ServerCopy>,
    /// The room's answer (`ACCEPTED`, `DECLINED`) to this version; a declined booking is not
    /// shown, joined or counted as busy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    answer: Option<String>,
}

/// A calendar object resource on the CalDAV server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ServerCopy {
    /// Its URL.
    href: String,
    /// Its ETag when last read: unchanged means nothing to re-read, and a PUT that answers
    /// the invite sends it as `If-Match` so it never overwrites a newer version.
    etag: Option<String>,
}

impl Entry {
    fn declined(&self) -> bool {
        self.answer.as_deref() == Some("DECLINED")
    }
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
    caldav: caldav_sync::CalDavClient,
}

mod book;
mod caldav_sync;
mod import;
mod occurrence;
mod queries;
mod respond;
mod schedule;
mod server;

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

/// The meeting itself: the event without RECURRENCE-ID, else the first override.
fn master_of(calendar: &Calendar) -> Option<&Event> {
    calendar
        .events
        .iter()
        .find(|e| e.recurrence_id.is_none())
        .or(calendar.events.first())
}

fn lock_state(m: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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
        caldav: caldav_sync::CalDavClient::new(),
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
    let s = service.clone();
    bus.handle_sync("Bookings Book", move |inv| s.book(&inv));
    let s = service.clone();
    bus.handle("Bookings CalDAV Sync", move |_| {
        let s = s.clone();
        async move { s.caldav_sync_command().await }
    });
    let s = service.clone();
    bus.handle("Bookings Respond", move |inv| {
        let s = s.clone();
        async move { s.respond(inv).await }
    });
    tokio::spawn(service.clone().caldav_loop());
    tokio::spawn(service.run());
}
