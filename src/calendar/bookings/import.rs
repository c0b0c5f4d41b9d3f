//! `Bookings Import`: iCalendar objects handed over by a mail gateway or a script, applied
//! by the iTIP rules (a newer SEQUENCE/DTSTAMP wins, CANCEL removes, stale messages change
//! nothing).

use std::cmp::Ordering;
use std::collections::BTreeSet;

use serde_json::{Map, Value as Json, json};

use super::{Bookings, Entry, State, lock_state, read_entry};
use crate::calendar::ics::{self, Event, Method, compare_versions};
use crate::xapi::{Invocation, XapiError};

#[derive(Default)]
pub(super) struct ImportSummary {
    pub added: u32,
    pub updated: u32,
    pub cancelled: u32,
    pub skipped: Vec<Json>,
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

impl Bookings {
    pub(super) fn import(&self, inv: &Invocation) -> Result<Map<String, Json>, XapiError> {
        self.import_text(inv.body.as_deref().unwrap_or_default())
    }

    /// Applies every iCalendar object in `body`; what changed, and what was skipped and why.
    pub(super) fn import_text(&self, body: &str) -> Result<Map<String, Json>, XapiError> {
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
        let (id, server) = match state.stored.bookings.get(uid) {
            Some(e) => (e.id, e.server.clone()),
            None => {
                state.stored.next_id += 1;
                (state.stored.next_id, None)
            }
        };
        // A new version asks for a new answer (RFC 5546 §3.2.2: PARTSTAT resets).
        let entry = Entry {
            id,
            ics: body.to_string(),
            calendar: index,
            cancelled: BTreeSet::new(),
            server,
            answer: None,
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
}
