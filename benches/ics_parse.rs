//! Parsing invites (goal: ≥ 40,000 events/s on a 10,000-event Outlook-style file; the raw
//! `ical` crate does ~36,000/s without unescaping, zones or recurrence, python icalendar ~800/s).
//!
//! The file is generated here: Exchange-style events with a W. Europe VTIMEZONE, folded
//! HTML-ish Teams descriptions, attendees, X-MICROSOFT properties, an alarm, and a weekly
//! RRULE on every tenth event.

use chrono::{TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use roomd::calendar::{dialinfo, ics};

const EVENTS: usize = 10_000;

const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";

/// Folds a content line at 75 octets, as Outlook does.
fn fold(out: &mut String, line: &str) {
    let bytes = line.as_bytes();
    let mut start = 0;
    let mut first = true;
    while start < bytes.len() {
        let width = if first { 75 } else { 74 };
        let mut end = (start + width).min(bytes.len());
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        if !first {
            out.push(' ');
        }
        out.push_str(&line[start..end]);
        out.push_str("\r\n");
        start = end;
        first = false;
    }
}

fn outlook_file() -> String {
    let mut out = String::from(
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nPRODID:Microsoft Exchange Server 2010\r\nVERSION:2.0\r\n",
    );
    out.push_str(VTIMEZONE);
    for i in 0..EVENTS {
        let day = 1 + i % 28;
        let hour = 8 + i % 9;
        out.push_str("BEGIN:VEVENT\r\n");
        fold(
            &mut out,
            &format!("ORGANIZER;CN=Organizer {i}:mailto:organizer{i}@example.com"),
        );
        fold(
            &mut out,
            "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Room Atlantis:mailto:atlantis@example.com",
        );
        fold(
            &mut out,
            &format!(
                "ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Guest {i}:mailto:guest{i}@example.org"
            ),
        );
        fold(
            &mut out,
            &format!(
                "DESCRIPTION;LANGUAGE=de-DE:Microsoft Teams-Besprechung\\nNehmen Sie über Ihren Computer oder Ihre mobile App teil\\nHier klicken\\, um an der Besprechung teilzunehmen <https://teams.microsoft.com/l/meetup-join/19%3ameeting_{i}%40thread.v2/0>\\nÜber ein Videokonferenzgerät teilnehmen\\n{i}@m.webex.com\\nVideokonferenz-ID: 1{i:08}\\nAlternative VTC-Anweisungen <https://example.com/vtc>\\n"
            ),
        );
        fold(
            &mut out,
            &format!("UID:040000008200E00074C5B7101A82E0080000000{i:08}"),
        );
        fold(
            &mut out,
            &format!("SUMMARY;LANGUAGE=de-DE:Projektbesprechung Nummer {i}"),
        );
        fold(
            &mut out,
            &format!("DTSTART;TZID=W. Europe Standard Time:202603{day:02}T{hour:02}0000"),
        );
        fold(
            &mut out,
            &format!("DTEND;TZID=W. Europe Standard Time:202603{day:02}T{hour:02}3000"),
        );
        if i % 10 == 0 {
            out.push_str("RRULE:FREQ=WEEKLY;COUNT=20;BYDAY=MO,WE\r\n");
        }
        out.push_str("CLASS:PUBLIC\r\nPRIORITY:5\r\nDTSTAMP:20260301T090000Z\r\nTRANSP:OPAQUE\r\nSTATUS:CONFIRMED\r\nSEQUENCE:0\r\n");
        out.push_str("LOCATION;LANGUAGE=de-DE:Microsoft Teams-Besprechung\r\n");
        out.push_str("X-MICROSOFT-CDO-APPT-SEQUENCE:0\r\nX-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE\r\nX-MICROSOFT-CDO-INTENDEDSTATUS:BUSY\r\nX-MICROSOFT-CDO-IMPORTANCE:1\r\nX-MICROSOFT-DISALLOW-COUNTER:FALSE\r\n");
        out.push_str("BEGIN:VALARM\r\nDESCRIPTION:REMINDER\r\nTRIGGER;RELATED=START:-PT15M\r\nACTION:DISPLAY\r\nEND:VALARM\r\n");
        out.push_str("END:VEVENT\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

fn parse(c: &mut Criterion) {
    let file = outlook_file();
    let mut group = c.benchmark_group("Outlook-style file, 10,000 events");
    group.throughput(Throughput::Elements(EVENTS as u64));
    group.sample_size(10);
    group.bench_function("parse", |b| {
        b.iter(|| {
            let parsed = ics::parse(std::hint::black_box(&file));
            assert_eq!(parsed.calendars[0].events.len(), EVENTS);
        })
    });
    let from = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
    group.bench_function("parse + expand one year", |b| {
        b.iter(|| {
            let parsed = ics::parse(&file);
            std::hint::black_box(parsed.calendars[0].instances(from, to).len())
        })
    });
    let parsed = ics::parse(&file);
    group.bench_function("dial strings", |b| {
        b.iter(|| {
            for event in &parsed.calendars[0].events {
                std::hint::black_box(dialinfo::extract_event(event));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
