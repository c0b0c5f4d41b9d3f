//! One occurrence of a booking, found in the stored calendars and shown as RoomOS shows a
//! booking (`Bookings List`/`Get`).

use serde_json::{Map, Value as Json, json};

use super::{Occurrence, START_TIME_BUFFER_S, State, to_utc};
use crate::calendar::dialinfo;
use crate::calendar::ics::Event;
use crate::clock::{Millis, iso8601};

impl State {
    pub(super) fn stored_master(&self, uid: &str) -> Option<&Event> {
        super::master_of(self.calendars.get(uid)?)
    }

    /// Every occurrence overlapping `[from, to)`, sorted by start.
    pub(super) fn occurrences(&self, from: Millis, to: Millis) -> Vec<Occurrence> {
        let mut out = Vec::new();
        for (uid, calendar) in &self.calendars {
            let Some(entry) = self.stored.bookings.get(uid).filter(|e| !e.declined()) else {
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
    pub(super) fn to_json(&self, index: usize) -> Json {
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
