//! The room's calendar on the CalDAV server, applied to the stored bookings.
//!
//! The server is the authority for what it lists: a listing replaces the bookings that came
//! from it, keyed by UID. An object whose ETag is unchanged is not re-read; one that is gone
//! from the listing (deleted or cancelled on the server) is removed. A booking imported by
//! `Bookings Import` that the server does not have is left alone, and one that is newer than
//! the server's copy (an update mailed in before the server saw it) is kept.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashSet};

use serde_json::{Map, Value as Json, json};

use super::{Bookings, Entry, ServerCopy, State, lock_state, read_entry};
use crate::calendar::ics::{self, compare_versions};
use crate::xapi::XapiError;

/// One calendar object resource as listed by the server.
#[derive(Debug, Clone)]
pub(super) struct ServerObject {
    pub href: String,
    pub etag: Option<String>,
    pub ics: String,
}

#[derive(Debug, Default)]
pub(super) struct SyncSummary {
    pub added: u32,
    pub updated: u32,
    pub removed: u32,
    pub unchanged: u32,
    pub skipped: Vec<Json>,
}

impl SyncSummary {
    fn changed(&self) -> bool {
        self.added + self.updated + self.removed > 0
    }

    pub fn to_json(&self) -> Map<String, Json> {
        let mut result = Map::new();
        result.insert("Added".into(), json!(self.added));
        result.insert("Updated".into(), json!(self.updated));
        result.insert("Removed".into(), json!(self.removed));
        result.insert("Unchanged".into(), json!(self.unchanged));
        if !self.skipped.is_empty() {
            result.insert("Skipped".into(), Json::Array(self.skipped.clone()));
        }
        result
    }
}

impl Bookings {
    /// Makes the stored bookings from the server match `objects`, the whole listing.
    pub(super) fn apply_listing(&self, objects: &[ServerObject]) -> Result<SyncSummary, XapiError> {
        let mut summary = SyncSummary::default();
        let mut state = lock_state(&self.state);
        let before_stored = serde_json::to_value(&state.stored).unwrap_or_default();
        let before_calendars = state.calendars.clone();
        let mut listed = HashSet::new();
        for object in objects {
            listed.insert(object.href.clone());
            apply_object(&mut state, object, &mut summary);
        }
        let gone: Vec<String> = state
            .stored
            .bookings
            .iter()
            .filter(|(_, e)| e.server.as_ref().is_some_and(|s| !listed.contains(&s.href)))
            .map(|(uid, _)| uid.clone())
            .collect();
        for uid in gone {
            state.stored.bookings.remove(&uid);
            state.calendars.remove(&uid);
            summary.removed += 1;
        }
        if summary.changed()
            && let Err(e) = self.save(&state)
        {
            state.stored = serde_json::from_value(before_stored).unwrap_or_default();
            state.calendars = before_calendars;
            return Err(e);
        }
        drop(state);
        if summary.changed() {
            self.after_change();
        }
        Ok(summary)
    }
}

fn skip(href: &str, reason: impl Into<String>) -> Json {
    json!({ "Href": href, "Reason": reason.into() })
}

/// Applies one listed object (usually one meeting: a master and its overrides).
fn apply_object(state: &mut State, object: &ServerObject, summary: &mut SyncSummary) {
    let parsed = ics::parse(&object.ics);
    let mut uids: Vec<(usize, String)> = Vec::new();
    for (index, calendar) in parsed.calendars.iter().enumerate() {
        for e in &calendar.events {
            if !uids.iter().any(|(_, u)| *u == e.uid) {
                uids.push((index, e.uid.clone()));
            }
        }
    }
    if uids.is_empty() {
        summary.skipped.push(skip(&object.href, "no event in it"));
        return;
    }
    let copy = ServerCopy {
        href: object.href.clone(),
        etag: object.etag.clone(),
    };
    for (index, uid) in uids {
        if uid.trim().is_empty() {
            summary
                .skipped
                .push(skip(&object.href, "event without UID"));
            continue;
        }
        let existing = state.stored.bookings.get(&uid).cloned();
        if let Some(e) = &existing
            && e.server.as_ref() == Some(&copy)
            && copy.etag.is_some()
        {
            summary.unchanged += 1;
            continue;
        }
        let mut entry = Entry {
            id: existing.as_ref().map_or(0, |e| e.id),
            ics: object.ics.clone(),
            calendar: index,
            cancelled: BTreeSet::new(),
            server: Some(copy.clone()),
            answer: None,
        };
        let Some(calendar) = read_entry(&uid, &entry) else {
            summary
                .skipped
                .push(skip(&object.href, "could not read the event"));
            continue;
        };
        let Some(incoming) = super::master_of(&calendar).cloned() else {
            continue;
        };
        if incoming.is_cancelled() {
            if existing.is_some() {
                state.stored.bookings.remove(&uid);
                state.calendars.remove(&uid);
                summary.removed += 1;
            }
            continue;
        }
        if let Some(stored) = state.stored_master(&uid) {
            match compare_versions(&incoming, stored) {
                // A newer version mailed in before the server had it: keep it, but remember
                // where the server's copy is so answers can still go there.
                Ordering::Less if existing.as_ref().is_some_and(|e| e.server.is_none()) => {
                    if let Some(e) = state.stored.bookings.get_mut(&uid) {
                        e.server = Some(copy.clone());
                    }
                    summary.unchanged += 1;
                    continue;
                }
                // The same version (e.g. after the room's own answer was stored): the answer
                // still holds.
                Ordering::Equal => entry.answer = existing.as_ref().and_then(|e| e.answer.clone()),
                _ => {}
            }
        }
        if entry.id == 0 {
            state.stored.next_id += 1;
            entry.id = state.stored.next_id;
        }
        state.stored.bookings.insert(uid.clone(), entry);
        state.calendars.insert(uid, calendar);
        if existing.is_some() {
            summary.updated += 1;
        } else {
            summary.added += 1;
        }
    }
}
