//! `Bookings Book`: booking the room from the device itself (an ad-hoc booking), as on
//! RoomOS: a start (now by default), a duration in minutes (30), a title, and optionally the
//! meeting's number and organizer.
//!
//! The booking is written as a small iCalendar event and stored like any invite, so it is
//! listed, gets its Join button and auto-join, and survives restarts the same way. A slot
//! that overlaps a booking the room already has is refused, naming that booking.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value as Json, json};

use super::{Bookings, lock_state};
use crate::calendar::ics::escape_text;
use crate::clock::iso8601;
use crate::xapi::{Invocation, XapiError};

/// The title of a booking made without one.
const DEFAULT_TITLE: &str = "Booked on the device";

fn ical_time(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

impl Bookings {
    pub(super) fn book(&self, inv: &Invocation) -> Result<Map<String, Json>, XapiError> {
        let now = self.now();
        let start = match inv
            .params
            .text("StartTime")
            .filter(|t| !t.trim().is_empty())
        {
            None => now,
            Some(text) => DateTime::parse_from_rfc3339(text.trim())
                .map_err(|_| {
                    XapiError::invalid_value(format!(
                        "StartTime {text:?} is not a time like 2026-11-25T15:00:00Z"
                    ))
                })?
                .timestamp_millis(),
        };
        let minutes = inv.params.int("Duration").unwrap_or(30);
        let end = start + minutes * 60_000;
        if end <= now {
            return Err(XapiError::invalid_value(format!(
                "the booking would end at {}, which has passed",
                iso8601(end)
            )));
        }
        if let Some(clash) = lock_state(&self.state)
            .occurrences(start, end)
            .into_iter()
            .find(|o| o.start < end && start < o.end)
        {
            return Err(XapiError::command_failed(format!(
                "the room is already booked from {} to {} ({})",
                iso8601(clash.start),
                iso8601(clash.end),
                clash.event.summary.clone().unwrap_or_default()
            )));
        }
        let uid = inv
            .params
            .text("BookingRequestUUID")
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| format!("roomd-{:016x}@roomd", rand::random::<u64>()));
        let body = self.adhoc_event(inv, &uid, start, end);
        let summary = self.import_text(&body)?;
        if summary.get("Added") != Some(&json!(1)) {
            return Err(XapiError::command_failed(format!(
                "a booking with BookingRequestUUID {uid:?} exists already"
            )));
        }
        let booking = self.find(&lock_state(&self.state), None, Some(&uid));
        let mut result = Map::new();
        if let Some(booking) = booking {
            let mut shown = booking.to_json(1);
            if let Some(b) = shown.as_object_mut() {
                b.remove("id");
            }
            result.insert("Booking".into(), shown);
        }
        Ok(result)
    }

    /// The iCalendar text of an ad-hoc booking.
    fn adhoc_event(&self, inv: &Invocation, uid: &str, start: i64, end: i64) -> String {
        let at = |ms| ical_time(DateTime::from_timestamp_millis(ms).unwrap_or_default());
        let text = |name: &str| inv.params.text(name).filter(|t| !t.trim().is_empty());
        let title = text("Title").unwrap_or_else(|| DEFAULT_TITLE.into());
        let mut lines = vec![
            "BEGIN:VCALENDAR".to_string(),
            "PRODID:-//roomd//roomd//EN".into(),
            "VERSION:2.0".into(),
            "BEGIN:VEVENT".into(),
            format!("UID:{}", escape_text(uid)),
            format!("DTSTAMP:{}", at(self.now())),
            format!("DTSTART:{}", at(start)),
            format!("DTEND:{}", at(end)),
            format!("SUMMARY:{}", escape_text(&title)),
        ];
        if let Some(email) = text("OrganizerEmail") {
            let name = text("OrganizerName")
                .map(|n| format!(";CN=\"{}\"", n.replace('"', "'")))
                .unwrap_or_default();
            lines.push(format!("ORGANIZER{name}:mailto:{}", email.trim()));
        }
        if let Some(number) = text("Number") {
            let number = number.trim();
            // The dial-string rules read the meeting's address from LOCATION.
            let scheme = match inv.params.text("Protocol").as_deref() {
                Some("H323") => "h323:",
                _ if number.contains(':') => "",
                _ => "sip:",
            };
            lines.push(format!("LOCATION:{scheme}{}", escape_text(number)));
        }
        lines.extend(["END:VEVENT".into(), "END:VCALENDAR".into(), String::new()]);
        lines.join("\r\n")
    }
}
