//! `Bookings List`, `Get` and `Clear`.

use serde_json::{Map, Value as Json, json};

use super::{Bookings, DEFAULT_LIST_DAYS, MAX_LISTED, Occurrence, State, lock_state};
use crate::clock::iso8601;
use crate::xapi::{Invocation, XapiError};

impl Bookings {
    pub(super) fn list(&self, inv: &Invocation) -> Map<String, Json> {
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

    pub(super) fn find(
        &self,
        state: &State,
        id: Option<&str>,
        meeting: Option<&str>,
    ) -> Option<Occurrence> {
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

    pub(super) fn get(&self, inv: &Invocation) -> Result<Map<String, Json>, XapiError> {
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

    pub(super) fn clear(&self) -> Result<(), XapiError> {
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
}
