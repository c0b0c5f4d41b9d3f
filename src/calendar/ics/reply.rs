//! Answering an invite: the iTIP REPLY (RFC 5546 §3.2.3), and the same answer written into
//! the event itself for a CalDAV server (RFC 6638 keeps the attendee's PARTSTAT there).
//!
//! A REPLY carries exactly one ATTENDEE, the room, with its PARTSTAT, and copies from the
//! request what identifies the meeting: UID, SEQUENCE, RECURRENCE-ID (same value type and
//! TZID), ORGANIZER, DTSTART/DTEND and SUMMARY. Properties are copied as written, so an
//! organizer's server matches them exactly; every VTIMEZONE they refer to goes along.

use chrono::{DateTime, Utc};

use super::calendar::Calendar;
use super::component::Component;
use super::event::Event;
use super::people::normalize_address;
use super::property::{Param, Property};
use super::write::{escape_text, property, write_component, write_property};

/// What the room answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartStat {
    Accepted,
    Declined,
    Tentative,
}

impl PartStat {
    /// The PARTSTAT value.
    pub fn name(self) -> &'static str {
        match self {
            PartStat::Accepted => "ACCEPTED",
            PartStat::Declined => "DECLINED",
            PartStat::Tentative => "TENTATIVE",
        }
    }
}

/// The properties of the request a REPLY copies.
const COPIED: &[&str] = &[
    "UID",
    "SEQUENCE",
    "RECURRENCE-ID",
    "DTSTART",
    "DTEND",
    "DURATION",
    "SUMMARY",
    "ORGANIZER",
];

/// Who answers: the room's calendar address (`mailto:` optional) and display name.
#[derive(Debug, Clone, Copy)]
pub struct Responder<'a> {
    pub address: &'a str,
    pub name: Option<&'a str>,
}

/// The REPLY text answering the meeting `uid` of `calendar` (its master event, or its first
/// if all are overrides); `None` if the calendar has no such event.
pub fn reply(
    calendar: &Calendar,
    uid: &str,
    responder: Responder<'_>,
    partstat: PartStat,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Option<String> {
    let event = calendar
        .events
        .iter()
        .filter(|e| e.uid == uid)
        .min_by_key(|e| e.recurrence_id.is_some())?;
    let mut vevent = Component {
        name: "VEVENT".into(),
        ..Component::default()
    };
    for name in COPIED {
        vevent
            .properties
            .extend(event.component.properties_named(name).cloned());
    }
    vevent.properties.push(property(
        "DTSTAMP",
        &[],
        &now.format("%Y%m%dT%H%M%SZ").to_string(),
    ));
    vevent
        .properties
        .push(room_attendee(event, responder, partstat));
    if let Some(comment) = comment.filter(|c| !c.trim().is_empty()) {
        vevent
            .properties
            .push(property("COMMENT", &[], &escape_text(comment)));
    }
    vevent
        .properties
        .push(property("REQUEST-STATUS", &[], "2.0;Success"));

    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "PRODID:-//roomd//roomd//EN",
        "VERSION:2.0",
    ] {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("METHOD:REPLY\r\n");
    for zone in zones_used(calendar, &vevent) {
        write_component(&mut out, zone);
    }
    write_component(&mut out, &vevent);
    out.push_str("END:VCALENDAR\r\n");
    Some(out)
}

/// The whole calendar with the room's PARTSTAT set in every event of `uid` (the room is added
/// as an attendee where it is missing), as a CalDAV server should store it.
pub fn with_partstat(
    calendar: &Calendar,
    uid: &str,
    responder: Responder<'_>,
    partstat: PartStat,
) -> String {
    let mut out = String::new();
    out.push_str("BEGIN:VCALENDAR\r\n");
    for p in calendar.properties.iter().filter(|p| p.name != "METHOD") {
        write_property(&mut out, p);
    }
    for c in &calendar.components {
        write_component(&mut out, c);
    }
    for event in &calendar.events {
        if event.uid != uid {
            write_component(&mut out, &event.component);
            continue;
        }
        let mut component = event.component.clone();
        let attendee = room_attendee(event, responder, partstat);
        let me = normalize_address(responder.address);
        match component
            .properties
            .iter_mut()
            .find(|p| p.name == "ATTENDEE" && normalize_address(&p.value) == me)
        {
            Some(p) => *p = attendee,
            None => component.properties.push(attendee),
        }
        write_component(&mut out, &component);
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// The room's ATTENDEE line: its own from the request (keeping CN, CUTYPE, ROLE) with the new
/// PARTSTAT and no RSVP, or a new one if the room was invited another way (a list, a BCC).
fn room_attendee(event: &Event, responder: Responder<'_>, partstat: PartStat) -> Property {
    let me = normalize_address(responder.address);
    let invited = event
        .component
        .properties_named("ATTENDEE")
        .find(|p| normalize_address(&p.value) == me);
    let mut attendee = match invited {
        Some(p) => p.clone(),
        None => {
            let mut params = Vec::new();
            if let Some(name) = responder.name.filter(|n| !n.trim().is_empty()) {
                params.push(("CN", name));
            }
            params.push(("CUTYPE", "ROOM"));
            property("ATTENDEE", &params, &format!("mailto:{me}"))
        }
    };
    attendee
        .params
        .retain(|p| p.name != "PARTSTAT" && p.name != "RSVP");
    attendee.params.push(Param {
        name: "PARTSTAT".into(),
        values: vec![partstat.name().into()],
    });
    attendee.line = 0;
    attendee
}

/// The calendar's VTIMEZONEs that `vevent` names in a TZID.
fn zones_used<'a>(calendar: &'a Calendar, vevent: &Component) -> Vec<&'a Component> {
    let named: Vec<&str> = vevent
        .properties
        .iter()
        .filter_map(|p| p.param("TZID"))
        .collect();
    calendar
        .components
        .iter()
        .filter(|c| c.name == "VTIMEZONE")
        .filter(|c| {
            c.property("TZID")
                .is_some_and(|id| named.contains(&id.value.trim()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    const INVITE: &str = "BEGIN:VCALENDAR\r\nPRODID:-//Example//EN\r\nVERSION:2.0\r\n\
METHOD:REQUEST\r\nBEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\nBEGIN:STANDARD\r\n\
DTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n\
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\n\
DTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n\
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n\
BEGIN:VTIMEZONE\r\nTZID:Unused\r\nBEGIN:STANDARD\r\nDTSTART:16010101T000000\r\n\
TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n\
BEGIN:VEVENT\r\nUID:040000008200E00074C5B7101A82E008\r\nSEQUENCE:2\r\n\
DTSTAMP:20261120T090000Z\r\nDTSTART;TZID=W. Europe Standard Time:20261201T100000\r\n\
DTEND;TZID=W. Europe Standard Time:20261201T110000\r\nSUMMARY:Budget\\, Q3\r\n\
ORGANIZER;CN=Ann Lee:mailto:ann@example.com\r\n\
ATTENDEE;CN=Ann Lee;PARTSTAT=ACCEPTED:mailto:ann@example.com\r\n\
ATTENDEE;CN=Room 4;CUTYPE=ROOM;ROLE=NON-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:\r\n\
\x20mailto:Room4@Example.com\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\n\
END:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    fn room() -> Responder<'static> {
        Responder {
            address: "room4@example.com",
            name: Some("Room 4"),
        }
    }

    /// The room's REPLY to the invite's meeting.
    fn answer(calendar: &Calendar, partstat: PartStat, comment: Option<&str>) -> String {
        let uid = "040000008200E00074C5B7101A82E008";
        reply(calendar, uid, room(), partstat, comment, now()).unwrap()
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z")
            .unwrap()
            .to_utc()
    }

    #[test]
    fn a_reply_names_the_meeting_and_only_the_room() {
        let calendar = &parse(INVITE).calendars[0];
        let text = answer(calendar, PartStat::Accepted, None);
        let parsed = parse(&text);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let c = &parsed.calendars[0];
        assert_eq!(c.method, Some(super::super::Method::Reply));
        let e = &c.events[0];
        assert_eq!(e.uid, "040000008200E00074C5B7101A82E008");
        assert_eq!(e.sequence, 2);
        assert_eq!(e.summary.as_deref(), Some("Budget, Q3"));
        assert_eq!(e.dtstamp, Some(now()));
        assert_eq!(e.attendees.len(), 1);
        let me = &e.attendees[0];
        assert_eq!(me.email(), "room4@example.com");
        assert_eq!(me.partstat.as_deref(), Some("ACCEPTED"));
        assert!(!me.rsvp);
        assert_eq!(me.name.as_deref(), Some("Room 4"));
        assert_eq!(e.organizer.as_ref().unwrap().email(), "ann@example.com");
        // The start means the same instant as in the request, through the same zone.
        assert_eq!(e.start, calendar.events[0].start);
        assert_eq!(
            c.components.len(),
            1,
            "only the VTIMEZONE in use goes along"
        );
        assert!(!text.contains("VALARM"));
    }

    #[test]
    fn a_decline_carries_the_comment() {
        let calendar = &parse(INVITE).calendars[0];
        let text = answer(
            calendar,
            PartStat::Declined,
            Some("Room closed; renovation"),
        );
        let e = &parse(&text).calendars[0].events[0];
        assert_eq!(e.attendees[0].partstat.as_deref(), Some("DECLINED"));
        assert_eq!(
            e.component.property("COMMENT").unwrap().text(),
            "Room closed; renovation"
        );
    }

    #[test]
    fn a_room_invited_through_a_list_still_answers_as_itself() {
        let calendar =
            &parse(&INVITE.replace("Room4@Example.com", "rooms@example.com")).calendars[0];
        let text = answer(calendar, PartStat::Accepted, None);
        let me = &parse(&text).calendars[0].events[0].attendees[0];
        assert_eq!(me.email(), "room4@example.com");
        assert!(me.is_room());
    }

    #[test]
    fn an_unknown_meeting_has_no_reply() {
        let calendar = &parse(INVITE).calendars[0];
        assert!(reply(calendar, "other", room(), PartStat::Accepted, None, now()).is_none());
    }

    #[test]
    fn the_stored_event_keeps_everything_but_the_rooms_answer() {
        let calendar = &parse(INVITE).calendars[0];
        let text = with_partstat(
            calendar,
            "040000008200E00074C5B7101A82E008",
            room(),
            PartStat::Declined,
        );
        let parsed = parse(&text);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let c = &parsed.calendars[0];
        assert_eq!(c.method, None, "a stored object has no METHOD");
        let names: Vec<&str> = c.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["VTIMEZONE", "VTIMEZONE"], "{text}");
        let e = &c.events[0];
        assert_eq!(e.attendees.len(), 2, "{text}");
        assert_eq!(e.attendees[0].partstat.as_deref(), Some("ACCEPTED"));
        assert_eq!(e.attendees[1].partstat.as_deref(), Some("DECLINED"));
        assert_eq!(e.component.children.len(), 1, "the alarm stays");
        assert_eq!(e.start, calendar.events[0].start);
    }
}
