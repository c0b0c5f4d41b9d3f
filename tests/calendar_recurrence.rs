//! Recurrence: the RFC 5545 §3.8.5.3 RRULE examples, overrides, exclusions and DST.
//!
//! The examples are the RFC's own, as transcribed (with their expected instants) in the
//! `rrule` crate's `rfc_tests.rs`; a few long or infinite ones are cut to their first
//! instances there, and the same number is compared here. Each is parsed as an iCalendar
//! VEVENT and expanded through roomd's parser, so TZID resolution and the DTSTART handling
//! are tested with it.

use chrono::{DateTime, TimeZone, Utc};
use roomd::calendar::ics;

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap_or_default()
}

fn event_calendar(lines: &[&str]) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//roomd//test//EN\r\nBEGIN:VEVENT\r\nUID:rfc@example.com\r\nDTSTAMP:19970901T000000Z\r\n{}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        lines.join("\r\n")
    )
}

fn starts(text: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let parsed = ics::parse(text);
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    let event = parsed.events().next().expect("one event");
    event
        .occurrences(from, to)
        .iter()
        .map(|o| o.start)
        .collect()
}

#[test]
fn rfc_5545_rrule_examples() {
    for (name, lines, expected) in RFC_EXAMPLES {
        let got = starts(
            &event_calendar(lines),
            utc(1990, 1, 1, 0, 0),
            utc(2030, 1, 1, 0, 0),
        );
        let expected: Vec<DateTime<Utc>> = expected
            .iter()
            .map(|e| {
                DateTime::parse_from_rfc3339(e)
                    .map(|t| t.to_utc())
                    .unwrap_or_default()
            })
            .collect();
        assert!(
            got.len() >= expected.len(),
            "{name}: only {} instances",
            got.len()
        );
        assert_eq!(got[..expected.len()], expected[..], "{name}");
    }
}

#[test]
fn rfc_5545_every_day_in_january_for_3_years() {
    let got = starts(
        &event_calendar(&[
            "DTSTART;TZID=America/New_York:19980101T090000",
            "RRULE:FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
        ]),
        utc(1990, 1, 1, 0, 0),
        utc(2030, 1, 1, 0, 0),
    );
    let want: Vec<DateTime<Utc>> = [1998, 1999, 2000]
        .into_iter()
        .flat_map(|y| (1..=31).map(move |d| utc(y, 1, d, 14, 0)))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn rfc_5545_every_20_minutes_from_9_to_16_40() {
    let got = starts(
        &event_calendar(&[
            "DTSTART;TZID=America/New_York:19970902T090000",
            "RRULE:FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40",
        ]),
        utc(1997, 9, 1, 0, 0),
        utc(1997, 9, 5, 0, 0),
    );
    let want: Vec<DateTime<Utc>> = (2..=4)
        .flat_map(|d| (9..=16).flat_map(move |h| [0, 20, 40].map(|m| utc(1997, 9, d, h + 4, m))))
        .collect();
    assert_eq!(got, want);
}

/// A weekly 09:00 meeting in Berlin, a moved instance, a cancelled one (CANCELLED override)
/// and an EXDATE, across the spring DST change.
#[test]
fn overrides_exdates_and_dst_in_a_windows_zone() {
    let text = "BEGIN:VCALENDAR\r
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r
VERSION:2.0\r
BEGIN:VEVENT\r
UID:series-1\r
DTSTAMP:20240301T000000Z\r
SUMMARY:Weekly\r
DTSTART;TZID=W. Europe Standard Time:20240318T090000\r
DTEND;TZID=W. Europe Standard Time:20240318T100000\r
RRULE:FREQ=WEEKLY;COUNT=6\r
EXDATE;TZID=W. Europe Standard Time:20240408T090000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:series-1\r
DTSTAMP:20240301T000000Z\r
SUMMARY:Weekly (moved)\r
RECURRENCE-ID;TZID=W. Europe Standard Time:20240401T090000\r
DTSTART;TZID=W. Europe Standard Time:20240402T140000\r
DTEND;TZID=W. Europe Standard Time:20240402T150000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:series-1\r
DTSTAMP:20240301T000000Z\r
STATUS:CANCELLED\r
RECURRENCE-ID;TZID=W. Europe Standard Time:20240415T090000\r
DTSTART;TZID=W. Europe Standard Time:20240415T090000\r
END:VEVENT\r
END:VCALENDAR\r
";
    let parsed = ics::parse(text);
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    let calendar = &parsed.calendars[0];
    let got: Vec<(DateTime<Utc>, DateTime<Utc>, Option<String>)> = calendar
        .instances(utc(2024, 1, 1, 0, 0), utc(2025, 1, 1, 0, 0))
        .iter()
        .map(|i| (i.start, i.end, i.event.summary.clone()))
        .collect();
    let weekly = Some("Weekly".to_string());
    assert_eq!(
        got,
        vec![
            // CET (+01:00) before 31 March, CEST (+02:00) after: 09:00 local both times.
            (
                utc(2024, 3, 18, 8, 0),
                utc(2024, 3, 18, 9, 0),
                weekly.clone()
            ),
            (
                utc(2024, 3, 25, 8, 0),
                utc(2024, 3, 25, 9, 0),
                weekly.clone()
            ),
            (
                utc(2024, 4, 2, 12, 0),
                utc(2024, 4, 2, 13, 0),
                Some("Weekly (moved)".into())
            ),
            (
                utc(2024, 4, 22, 7, 0),
                utc(2024, 4, 22, 8, 0),
                weekly.clone()
            ),
        ]
    );
}

#[test]
fn all_day_events_floating_times_and_duration() {
    let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART;VALUE=DATE:20240329\nRRULE:FREQ=DAILY;COUNT=3\nEND:VEVENT\nBEGIN:VEVENT\nUID:b\nDTSTART:20240330T090000\nDURATION:P1DT1H\nEND:VEVENT\nEND:VCALENDAR\n";
    let options = ics::Options {
        floating_zone: ics::Zone::iana(chrono_tz::Europe::Berlin),
    };
    let parsed = ics::parse_bytes(text.as_bytes(), &options);
    let calendar = &parsed.calendars[0];
    let all_day = &calendar.events[0];
    assert!(
        all_day
            .start
            .as_ref()
            .is_some_and(|s| s.is_date() && s.is_floating())
    );
    let days: Vec<(DateTime<Utc>, DateTime<Utc>)> = all_day
        .occurrences(utc(2024, 1, 1, 0, 0), utc(2025, 1, 1, 0, 0))
        .iter()
        .map(|o| (o.start, o.end))
        .collect();
    // Midnight to midnight in Berlin; the day of the DST change has 23 hours.
    assert_eq!(
        days,
        [
            (utc(2024, 3, 28, 23, 0), utc(2024, 3, 29, 23, 0)),
            (utc(2024, 3, 29, 23, 0), utc(2024, 3, 30, 23, 0)),
            (utc(2024, 3, 30, 23, 0), utc(2024, 3, 31, 22, 0)),
        ]
    );
    // P1DT1H from Saturday 09:00 CET: one calendar day later at 09:00 CEST, plus an hour.
    let timed = calendar.events[1].occurrences(utc(2024, 1, 1, 0, 0), utc(2025, 1, 1, 0, 0));
    assert_eq!(
        (timed[0].start, timed[0].end),
        (utc(2024, 3, 30, 8, 0), utc(2024, 3, 31, 8, 0))
    );
}

/// Every frequency with extreme and malformed parts: each rule is kept or dropped with a
/// warning, and expanding it over the widest window ends quickly, without a panic.
#[test]
fn hostile_rules_never_panic() {
    let parts = [
        "",
        ";INTERVAL=65535",
        ";INTERVAL=0",
        ";COUNT=4294967295",
        ";COUNT=0",
        ";UNTIL=00010101",
        ";UNTIL=99991231T235959Z",
        ";BYMONTHDAY=-128",
        ";BYMONTHDAY=-31,31",
        ";BYDAY=-53MO,53SU",
        ";BYDAY=+5FR",
        ";BYSETPOS=-366",
        ";BYSETPOS=0",
        ";BYWEEKNO=-53",
        ";BYYEARDAY=-366,366",
        ";BYHOUR=23;BYMINUTE=59;BYSECOND=60",
        ";BYMONTH=13",
        ";WKST=XX",
        ";BYDAY=",
        ";FREQ=",
    ];
    let freqs = [
        "YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY",
    ];
    let starts = [
        "DTSTART:00010101T000000Z",
        "DTSTART;VALUE=DATE:99991231",
        "DTSTART;TZID=Europe/Berlin:20240331T023000",
    ];
    let began = std::time::Instant::now();
    let mut rules = Vec::new();
    for freq in freqs {
        for a in parts {
            rules.push((starts[0], format!("RRULE:FREQ={freq}{a};BYDAY=MO")));
        }
        for start in starts {
            rules.push((start, format!("RRULE:FREQ={freq};BYMONTHDAY=31;BYMONTH=2")));
            rules.push((start, format!("RRULE:FREQ={freq};COUNT=3")));
        }
    }
    for (start, rule) in &rules {
        let parsed = ics::parse(&event_calendar(&[start, rule]));
        for calendar in &parsed.calendars {
            let _ = calendar.instances(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        }
    }
    assert!(
        began.elapsed() < std::time::Duration::from_secs(120),
        "{:?}",
        began.elapsed()
    );
}

#[test]
fn runaway_rules_are_bounded() {
    let text = event_calendar(&["DTSTART:19700101T000000Z", "RRULE:FREQ=SECONDLY"]);
    let parsed = ics::parse(&text);
    let event = parsed.events().next().expect("event");
    let began = std::time::Instant::now();
    let (occurrences, truncated) = event.expand(utc(1970, 1, 1, 0, 0), utc(2100, 1, 1, 0, 0));
    assert!(truncated);
    assert!(occurrences.len() <= ics::MAX_OCCURRENCES);
    assert!(began.elapsed() < std::time::Duration::from_secs(30));
    // An impossible rule (30 February) ends instead of searching forever.
    let text = event_calendar(&[
        "DTSTART:20240101T000000Z",
        "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    ]);
    let parsed = ics::parse(&text);
    let event = parsed.events().next().expect("event");
    assert_eq!(
        event
            .occurrences(utc(2024, 1, 1, 0, 0), utc(2100, 1, 1, 0, 0))
            .len(),
        1
    );
}

/// `(name, content lines, expected first instances)`.
#[rustfmt::skip]
const RFC_EXAMPLES: &[(&str, &[&str], &[&str])] = &[
    (
        "daily_10_occurrences",
        &["DTSTART;TZID=America/New_York:19970902T090000", "RRULE:FREQ=DAILY;COUNT=10"],
        &[
            "1997-09-02T09:00:00-04:00",
            "1997-09-03T09:00:00-04:00",
            "1997-09-04T09:00:00-04:00",
            "1997-09-05T09:00:00-04:00",
            "1997-09-06T09:00:00-04:00",
            "1997-09-07T09:00:00-04:00",
            "1997-09-08T09:00:00-04:00",
            "1997-09-09T09:00:00-04:00",
            "1997-09-10T09:00:00-04:00",
            "1997-09-11T09:00:00-04:00",
        ],
    ),
    (
        "daily_until_november",
        &["DTSTART;TZID=America/New_York:19970920T090000", "RRULE:FREQ=DAILY;UNTIL=19971103T000000Z"],
        &[
            "1997-09-20T09:00:00-04:00",
            "1997-09-21T09:00:00-04:00",
            "1997-09-22T09:00:00-04:00",
            "1997-09-23T09:00:00-04:00",
            "1997-09-24T09:00:00-04:00",
            "1997-09-25T09:00:00-04:00",
            "1997-09-26T09:00:00-04:00",
            "1997-09-27T09:00:00-04:00",
            "1997-09-28T09:00:00-04:00",
            "1997-09-29T09:00:00-04:00",
            "1997-09-30T09:00:00-04:00",
            "1997-10-01T09:00:00-04:00",
            "1997-10-02T09:00:00-04:00",
            "1997-10-03T09:00:00-04:00",
            "1997-10-04T09:00:00-04:00",
            "1997-10-05T09:00:00-04:00",
            "1997-10-06T09:00:00-04:00",
            "1997-10-07T09:00:00-04:00",
            "1997-10-08T09:00:00-04:00",
            "1997-10-09T09:00:00-04:00",
            "1997-10-10T09:00:00-04:00",
            "1997-10-11T09:00:00-04:00",
            "1997-10-12T09:00:00-04:00",
            "1997-10-13T09:00:00-04:00",
            "1997-10-14T09:00:00-04:00",
            "1997-10-15T09:00:00-04:00",
            "1997-10-16T09:00:00-04:00",
            "1997-10-17T09:00:00-04:00",
            "1997-10-18T09:00:00-04:00",
            "1997-10-19T09:00:00-04:00",
            "1997-10-20T09:00:00-04:00",
            "1997-10-21T09:00:00-04:00",
            "1997-10-22T09:00:00-04:00",
            "1997-10-23T09:00:00-04:00",
            "1997-10-24T09:00:00-04:00",
            "1997-10-25T09:00:00-04:00",
            "1997-10-26T09:00:00-05:00",
            "1997-10-27T09:00:00-05:00",
            "1997-10-28T09:00:00-05:00",
            "1997-10-29T09:00:00-05:00",
            "1997-10-30T09:00:00-05:00",
            "1997-10-31T09:00:00-05:00",
            "1997-11-01T09:00:00-05:00",
            "1997-11-02T09:00:00-05:00",
        ],
    ),
    (
        "every_other_day",
        &["DTSTART;TZID=America/New_York:19970902T090000", "RRULE:FREQ=DAILY;INTERVAL=2"],
        &[
            "1997-09-02T09:00:00-04:00",
            "1997-09-04T09:00:00-04:00",
            "1997-09-06T09:00:00-04:00",
            "1997-09-08T09:00:00-04:00",
            "1997-09-10T09:00:00-04:00",
            "1997-09-12T09:00:00-04:00",
            "1997-09-14T09:00:00-04:00",
            "1997-09-16T09:00:00-04:00",
            "1997-09-18T09:00:00-04:00",
            "1997-09-20T09:00:00-04:00",
            "1997-09-22T09:00:00-04:00",
            "1997-09-24T09:00:00-04:00",
            "1997-09-26T09:00:00-04:00",
            "1997-09-28T09:00:00-04:00",
            "1997-09-30T09:00:00-04:00",
            "1997-10-02T09:00:00-04:00",
            "1997-10-04T09:00:00-04:00",
            "1997-10-06T09:00:00-04:00",
            "1997-10-08T09:00:00-04:00",
            "1997-10-10T09:00:00-04:00",
            "1997-10-12T09:00:00-04:00",
            "1997-10-14T09:00:00-04:00",
            "1997-10-16T09:00:00-04:00",
            "1997-10-18T09:00:00-04:00",
            "1997-10-20T09:00:00-04:00",
            "1997-10-22T09:00:00-04:00",
            "1997-10-24T09:00:00-04:00",
            "1997-10-26T09:00:00-05:00",
            "1997-10-28T09:00:00-05:00",
            "1997-10-30T09:00:00-05:00",
            "1997-11-01T09:00:00-05:00",
            "1997-11-03T09:00:00-05:00",
        ],
    ),
    (
        "every_10_days_5_occurrences",
        &["DTSTART;TZID=America/New_York:19970902T090000", "RRULE:FREQ=DAILY;INTERVAL=10;COUNT=5"],
        &[
            "1997-09-02T09:00:00-04:00",
            "1997-09-12T09:00:00-04:00",
            "1997-09-22T09:00:00-04:00",
            "1997-10-02T09:00:00-04:00",
            "1997-10-12T09:00:00-04:00",
        ],
    ),
    (
        "weekly_10_occurrences",
        &["DTSTART;TZID=America/New_York:19970902T090000", "RRULE:FREQ=WEEKLY;COUNT=10"],
        &[
            "1997-09-02T09:00:00-04:00",
            "1997-09-09T09:00:00-04:00",
            "1997-09-16T09:00:00-04:00",
            "1997-09-23T09:00:00-04:00",
            "1997-09-30T09:00:00-04:00",
            "1997-10-07T09:00:00-04:00",
            "1997-10-14T09:00:00-04:00",
            "1997-10-21T09:00:00-04:00",
            "1997-10-28T09:00:00-05:00",
            "1997-11-04T09:00:00-05:00",
        ],
    ),
    (
        "weekly_until_november",
        &["DTSTART;TZID=America/New_York:19970923T090000", "RRULE:FREQ=WEEKLY;UNTIL=19971105T000000Z"],
        &[
            "1997-09-23T09:00:00-04:00",
            "1997-09-30T09:00:00-04:00",
            "1997-10-07T09:00:00-04:00",
            "1997-10-14T09:00:00-04:00",
            "1997-10-21T09:00:00-04:00",
            "1997-10-28T09:00:00-05:00",
            "1997-11-04T09:00:00-05:00",
        ],
    ),
    (
        "every_other_week",
        &["DTSTART;TZID=America/New_York:19970902T090000", "RRULE:FREQ=WEEKLY;INTERVAL=2;WKST=SU"],
        &[
            "1997-09-02T09:00:00-04:00",
            "1997-09-16T09:00:00-04:00",
            "1997-09-30T09:00:00-04:00",
            "1997-10-14T09:00:00-04:00",
            "1997-10-28T09:00:00-05:00",
            "1997-11-11T09:00:00-05:00",
            "1997-11-25T09:00:00-05:00",
            "1997-12-09T09:00:00-05:00",
            "1997-12-23T09:00:00-05:00",
            "1998-01-06T09:00:00-05:00",
            "1998-01-20T09:00:00-05:00",
            "1998-02-03T09:00:00-05:00",
            "1998-02-17T09:00:00-05:00",
        ],
    ),
    (
        "weekly_on_tue_and_thu_for_5_weeks",
        &["DTSTART;TZID=America/New_York:19970902T090000", "RRULE:FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH"],
        &[
            "1997-09-02T09:00:00-04:00",
            "1997-09-04T09:00:00-04:00",
            "1997-09-09T09:00:00-04:00",
            "1997-09-11T09:00:00-04:00",
            "1997-09-16T09:00:00-04:00",
            "1997-09-18T09:00:00-04:00",
            "1997-09-23T09:00:00-04:00",
            "1997-09-25T09:00:00-04:00",
            "1997-09-30T09:00:00-04:00",
            "1997-10-02T09:00:00-04:00",
        ],
    ),
    (
        "every_other_week_some_days_until_dec",
        &["DTSTART;TZID=America/New_York:19970901T090000", "RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR"],
        &[
            "1997-09-01T09:00:00-04:00",
            "1997-09-03T09:00:00-04:00",
            "1997-09-05T09:00:00-04:00",
            "1997-09-15T09:00:00-04:00",
            "1997-09-17T09:00:00-04:00",
            "1997-09-19T09:00:00-04:00",
            "1997-09-29T09:00:00-04:00",
            "1997-10-01T09:00:00-04:00",
            "1997-10-03T09:00:00-04:00",
            "1997-10-13T09:00:00-04:00",
            "1997-10-15T09:00:00-04:00",
            "1997-10-17T09:00:00-04:00",
            "1997-10-27T09:00:00-05:00",
            "1997-10-29T09:00:00-05:00",
            "1997-10-31T09:00:00-05:00",
            "1997-11-10T09:00:00-05:00",
            "1997-11-12T09:00:00-05:00",
            "1997-11-14T09:00:00-05:00",
            "1997-11-24T09:00:00-05:00",
            "1997-11-26T09:00:00-05:00",
            "1997-11-28T09:00:00-05:00",
            "1997-12-08T09:00:00-05:00",
            "1997-12-10T09:00:00-05:00",
            "1997-12-12T09:00:00-05:00",
            "1997-12-22T09:00:00-05:00",
        ],
    ),
    (
        "every_other_week_some_days_8_occurrences",
        &["DTSTART;TZID=America/New_York:19970902T090000", "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH"],
        &[
            "1997-09-02T09:00:00-04:00",
            "1997-09-04T09:00:00-04:00",
            "1997-09-16T09:00:00-04:00",
            "1997-09-18T09:00:00-04:00",
            "1997-09-30T09:00:00-04:00",
            "1997-10-02T09:00:00-04:00",
            "1997-10-14T09:00:00-04:00",
            "1997-10-16T09:00:00-04:00",
        ],
    ),
    (
        "monthly_on_first_friday_10_occurrences",
        &["DTSTART;TZID=America/New_York:19970905T090000", "RRULE:FREQ=MONTHLY;COUNT=10;BYDAY=1FR"],
        &[
            "1997-09-05T09:00:00-04:00",
            "1997-10-03T09:00:00-04:00",
            "1997-11-07T09:00:00-05:00",
            "1997-12-05T09:00:00-05:00",
            "1998-01-02T09:00:00-05:00",
            "1998-02-06T09:00:00-05:00",
            "1998-03-06T09:00:00-05:00",
            "1998-04-03T09:00:00-05:00",
            "1998-05-01T09:00:00-04:00",
            "1998-06-05T09:00:00-04:00",
        ],
    ),
    (
        "monthly_on_first_friday_until_dec",
        &["DTSTART;TZID=America/New_York:19970905T090000", "RRULE:FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR"],
        &[
            "1997-09-05T09:00:00-04:00",
            "1997-10-03T09:00:00-04:00",
            "1997-11-07T09:00:00-05:00",
            "1997-12-05T09:00:00-05:00",
        ],
    ),
    (
        "every_other_month_on_first_and_last_sunday_10_occurrences",
        &["DTSTART;TZID=America/New_York:19970907T090000", "RRULE:FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU"],
        &[
            "1997-09-07T09:00:00-04:00",
            "1997-09-28T09:00:00-04:00",
            "1997-11-02T09:00:00-05:00",
            "1997-11-30T09:00:00-05:00",
            "1998-01-04T09:00:00-05:00",
            "1998-01-25T09:00:00-05:00",
            "1998-03-01T09:00:00-05:00",
            "1998-03-29T09:00:00-05:00",
            "1998-05-03T09:00:00-04:00",
            "1998-05-31T09:00:00-04:00",
        ],
    ),
    (
        "monthly_on_second_to_last_monday_for_6_months",
        &["DTSTART;TZID=America/New_York:19970922T090000", "RRULE:FREQ=MONTHLY;COUNT=6;BYDAY=-2MO"],
        &[
            "1997-09-22T09:00:00-04:00",
            "1997-10-20T09:00:00-04:00",
            "1997-11-17T09:00:00-05:00",
            "1997-12-22T09:00:00-05:00",
            "1998-01-19T09:00:00-05:00",
            "1998-02-16T09:00:00-05:00",
        ],
    ),
    (
        "monthly_on_third_to_last_day_forever",
        &["DTSTART;TZID=America/New_York:19970928T090000", "RRULE:FREQ=MONTHLY;BYMONTHDAY=-3"],
        &[
            "1997-09-28T09:00:00-04:00",
            "1997-10-29T09:00:00-05:00",
            "1997-11-28T09:00:00-05:00",
            "1997-12-29T09:00:00-05:00",
            "1998-01-29T09:00:00-05:00",
            "1998-02-26T09:00:00-05:00",
        ],
    ),
    (
        "monthly_on_2nd_and_15th_10_occurrences",
        &["DTSTART;TZID=America/New_York:19970902T090000", "RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15"],
        &[
            "1997-09-02T09:00:00-04:00",
            "1997-09-15T09:00:00-04:00",
            "1997-10-02T09:00:00-04:00",
            "1997-10-15T09:00:00-04:00",
            "1997-11-02T09:00:00-05:00",
            "1997-11-15T09:00:00-05:00",
            "1997-12-02T09:00:00-05:00",
            "1997-12-15T09:00:00-05:00",
            "1998-01-02T09:00:00-05:00",
            "1998-01-15T09:00:00-05:00",
        ],
    ),
    (
        "monthly_on_first_and_last_day_10_occurrences",
        &["DTSTART;TZID=America/New_York:19970930T090000", "RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1"],
        &[
            "1997-09-30T09:00:00-04:00",
            "1997-10-01T09:00:00-04:00",
            "1997-10-31T09:00:00-05:00",
            "1997-11-01T09:00:00-05:00",
            "1997-11-30T09:00:00-05:00",
            "1997-12-01T09:00:00-05:00",
            "1997-12-31T09:00:00-05:00",
            "1998-01-01T09:00:00-05:00",
            "1998-01-31T09:00:00-05:00",
            "1998-02-01T09:00:00-05:00",
        ],
    ),
    (
        "every_18_months_10th_to_15th_10_occurrences",
        &["DTSTART;TZID=America/New_York:19970910T090000", "RRULE:FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15"],
        &[
            "1997-09-10T09:00:00-04:00",
            "1997-09-11T09:00:00-04:00",
            "1997-09-12T09:00:00-04:00",
            "1997-09-13T09:00:00-04:00",
            "1997-09-14T09:00:00-04:00",
            "1997-09-15T09:00:00-04:00",
            "1999-03-10T09:00:00-05:00",
            "1999-03-11T09:00:00-05:00",
            "1999-03-12T09:00:00-05:00",
            "1999-03-13T09:00:00-05:00",
        ],
    ),
    (
        "every_tuesday_every_other_month",
        &["DTSTART;TZID=America/New_York:19970902T090000", "RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=TU"],
        &[
            "1997-09-02T09:00:00-04:00",
            "1997-09-09T09:00:00-04:00",
            "1997-09-16T09:00:00-04:00",
            "1997-09-23T09:00:00-04:00",
            "1997-09-30T09:00:00-04:00",
            "1997-11-04T09:00:00-05:00",
            "1997-11-11T09:00:00-05:00",
            "1997-11-18T09:00:00-05:00",
            "1997-11-25T09:00:00-05:00",
            "1998-01-06T09:00:00-05:00",
            "1998-01-13T09:00:00-05:00",
            "1998-01-20T09:00:00-05:00",
            "1998-01-27T09:00:00-05:00",
            "1998-03-03T09:00:00-05:00",
            "1998-03-10T09:00:00-05:00",
            "1998-03-17T09:00:00-05:00",
            "1998-03-24T09:00:00-05:00",
            "1998-03-31T09:00:00-05:00",
        ],
    ),
    (
        "yearly_in_june_and_july_for_10_occurrences",
        &["DTSTART;TZID=America/New_York:19970610T090000", "RRULE:FREQ=YEARLY;COUNT=10;BYMONTH=6,7"],
        &[
            "1997-06-10T09:00:00-04:00",
            "1997-07-10T09:00:00-04:00",
            "1998-06-10T09:00:00-04:00",
            "1998-07-10T09:00:00-04:00",
            "1999-06-10T09:00:00-04:00",
            "1999-07-10T09:00:00-04:00",
            "2000-06-10T09:00:00-04:00",
            "2000-07-10T09:00:00-04:00",
            "2001-06-10T09:00:00-04:00",
            "2001-07-10T09:00:00-04:00",
        ],
    ),
    (
        "every_other_year_on_jan_feb_and_march_for_10_occurrences",
        &["DTSTART;TZID=America/New_York:19970310T090000", "RRULE:FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3"],
        &[
            "1997-03-10T09:00:00-05:00",
            "1999-01-10T09:00:00-05:00",
            "1999-02-10T09:00:00-05:00",
            "1999-03-10T09:00:00-05:00",
            "2001-01-10T09:00:00-05:00",
            "2001-02-10T09:00:00-05:00",
            "2001-03-10T09:00:00-05:00",
            "2003-01-10T09:00:00-05:00",
            "2003-02-10T09:00:00-05:00",
            "2003-03-10T09:00:00-05:00",
        ],
    ),
    (
        "every_third_year_on_1st_100th_and_200th_day_for_10_occurrences",
        &["DTSTART;TZID=America/New_York:19970101T090000", "RRULE:FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200"],
        &[
            "1997-01-01T09:00:00-05:00",
            "1997-04-10T09:00:00-04:00",
            "1997-07-19T09:00:00-04:00",
            "2000-01-01T09:00:00-05:00",
            "2000-04-09T09:00:00-04:00",
            "2000-07-18T09:00:00-04:00",
            "2003-01-01T09:00:00-05:00",
            "2003-04-10T09:00:00-04:00",
            "2003-07-19T09:00:00-04:00",
            "2006-01-01T09:00:00-05:00",
        ],
    ),
    (
        "every_20th_monday_of_year_forever",
        &["DTSTART;TZID=America/New_York:19970519T090000", "RRULE:FREQ=YEARLY;BYDAY=20MO"],
        &[
            "1997-05-19T09:00:00-04:00",
            "1998-05-18T09:00:00-04:00",
            "1999-05-17T09:00:00-04:00",
        ],
    ),
    (
        "monday_of_week_20_forever",
        &["DTSTART;TZID=America/New_York:19970512T090000", "RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO"],
        &[
            "1997-05-12T09:00:00-04:00",
            "1998-05-11T09:00:00-04:00",
            "1999-05-17T09:00:00-04:00",
        ],
    ),
    (
        "every_thursday_in_march_forever",
        &["DTSTART;TZID=America/New_York:19970313T090000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=TH"],
        &[
            "1997-03-13T09:00:00-05:00",
            "1997-03-20T09:00:00-05:00",
            "1997-03-27T09:00:00-05:00",
            "1998-03-05T09:00:00-05:00",
            "1998-03-12T09:00:00-05:00",
            "1998-03-19T09:00:00-05:00",
            "1998-03-26T09:00:00-05:00",
            "1999-03-04T09:00:00-05:00",
            "1999-03-11T09:00:00-05:00",
            "1999-03-18T09:00:00-05:00",
            "1999-03-25T09:00:00-05:00",
        ],
    ),
    (
        "every_thursday_only_during_june_july_and_august_forever",
        &["DTSTART;TZID=America/New_York:19970605T090000", "RRULE:FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8"],
        &[
            "1997-06-05T09:00:00-04:00",
            "1997-06-12T09:00:00-04:00",
            "1997-06-19T09:00:00-04:00",
            "1997-06-26T09:00:00-04:00",
            "1997-07-03T09:00:00-04:00",
            "1997-07-10T09:00:00-04:00",
            "1997-07-17T09:00:00-04:00",
            "1997-07-24T09:00:00-04:00",
            "1997-07-31T09:00:00-04:00",
            "1997-08-07T09:00:00-04:00",
            "1997-08-14T09:00:00-04:00",
            "1997-08-21T09:00:00-04:00",
            "1997-08-28T09:00:00-04:00",
            "1998-06-04T09:00:00-04:00",
            "1998-06-11T09:00:00-04:00",
            "1998-06-18T09:00:00-04:00",
            "1998-06-25T09:00:00-04:00",
            "1998-07-02T09:00:00-04:00",
            "1998-07-09T09:00:00-04:00",
            "1998-07-16T09:00:00-04:00",
            "1998-07-23T09:00:00-04:00",
            "1998-07-30T09:00:00-04:00",
            "1998-08-06T09:00:00-04:00",
            "1998-08-13T09:00:00-04:00",
            "1998-08-20T09:00:00-04:00",
            "1998-08-27T09:00:00-04:00",
            "1999-06-03T09:00:00-04:00",
            "1999-06-10T09:00:00-04:00",
            "1999-06-17T09:00:00-04:00",
            "1999-06-24T09:00:00-04:00",
            "1999-07-01T09:00:00-04:00",
            "1999-07-08T09:00:00-04:00",
            "1999-07-15T09:00:00-04:00",
            "1999-07-22T09:00:00-04:00",
            "1999-07-29T09:00:00-04:00",
            "1999-08-05T09:00:00-04:00",
            "1999-08-12T09:00:00-04:00",
            "1999-08-19T09:00:00-04:00",
            "1999-08-26T09:00:00-04:00",
        ],
    ),
    (
        "every_friday_the_13th_forever",
        &["DTSTART;TZID=America/New_York:19970902T090000", "EXDATE;TZID=America/New_York:19970902T090000", "RRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13"],
        &[
            "1998-02-13T09:00:00-05:00",
            "1998-03-13T09:00:00-05:00",
            "1998-11-13T09:00:00-05:00",
            "1999-08-13T09:00:00-04:00",
            "2000-10-13T09:00:00-04:00",
        ],
    ),
    (
        "first_sat_follows_first_sunday_of_month_forever",
        &["DTSTART;TZID=America/New_York:19970913T090000", "RRULE:FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13"],
        &[
            "1997-09-13T09:00:00-04:00",
            "1997-10-11T09:00:00-04:00",
            "1997-11-08T09:00:00-05:00",
            "1997-12-13T09:00:00-05:00",
            "1998-01-10T09:00:00-05:00",
            "1998-02-07T09:00:00-05:00",
            "1998-03-07T09:00:00-05:00",
            "1998-04-11T09:00:00-04:00",
            "1998-05-09T09:00:00-04:00",
            "1998-06-13T09:00:00-04:00",
        ],
    ),
    (
        "every_4_years_us_presidential_election_day_forever",
        &["DTSTART;TZID=America/New_York:19961105T090000", "RRULE:FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8"],
        &[
            "1996-11-05T09:00:00-05:00",
            "2000-11-07T09:00:00-05:00",
            "2004-11-02T09:00:00-05:00",
        ],
    ),
    (
        "every_third_instance_of_weekday_in_month_for_3_months",
        &["DTSTART;TZID=America/New_York:19970904T090000", "RRULE:FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3"],
        &[
            "1997-09-04T09:00:00-04:00",
            "1997-10-07T09:00:00-04:00",
            "1997-11-06T09:00:00-05:00",
        ],
    ),
    (
        "second_to_last_weekday_of_month",
        &["DTSTART;TZID=America/New_York:19970929T090000", "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2"],
        &[
            "1997-09-29T09:00:00-04:00",
            "1997-10-30T09:00:00-05:00",
            "1997-11-27T09:00:00-05:00",
            "1997-12-30T09:00:00-05:00",
            "1998-01-29T09:00:00-05:00",
            "1998-02-26T09:00:00-05:00",
            "1998-03-30T09:00:00-05:00",
        ],
    ),
    (
        "every_3_hours_on_specific_day",
        &["DTSTART;TZID=America/New_York:19970902T090000", "RRULE:FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T210000Z"],
        &[
            "1997-09-02T09:00:00-04:00",
            "1997-09-02T12:00:00-04:00",
            "1997-09-02T15:00:00-04:00",
        ],
    ),
    (
        "every_15_min_for_6_occurrences",
        &["DTSTART;TZID=America/New_York:19970902T090000", "RRULE:FREQ=MINUTELY;INTERVAL=15;COUNT=6"],
        &[
            "1997-09-02T09:00:00-04:00",
            "1997-09-02T09:15:00-04:00",
            "1997-09-02T09:30:00-04:00",
            "1997-09-02T09:45:00-04:00",
            "1997-09-02T10:00:00-04:00",
            "1997-09-02T10:15:00-04:00",
        ],
    ),
    (
        "every_hour_and_a_half_for_4_occurrences",
        &["DTSTART;TZID=America/New_York:19970902T090000", "RRULE:FREQ=MINUTELY;INTERVAL=90;COUNT=4"],
        &[
            "1997-09-02T09:00:00-04:00",
            "1997-09-02T10:30:00-04:00",
            "1997-09-02T12:00:00-04:00",
            "1997-09-02T13:30:00-04:00",
        ],
    ),
    (
        "week_day_start_monday_generated_days",
        &["DTSTART;TZID=America/New_York:19970805T090000", "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO"],
        &[
            "1997-08-05T09:00:00-04:00",
            "1997-08-10T09:00:00-04:00",
            "1997-08-19T09:00:00-04:00",
            "1997-08-24T09:00:00-04:00",
        ],
    ),
    (
        "week_day_start_sunday_generated_days",
        &["DTSTART;TZID=America/New_York:19970805T090000", "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU"],
        &[
            "1997-08-05T09:00:00-04:00",
            "1997-08-17T09:00:00-04:00",
            "1997-08-19T09:00:00-04:00",
            "1997-08-31T09:00:00-04:00",
        ],
    ),
    (
        "invalid_date_is_ignored",
        &["DTSTART;TZID=America/New_York:20070115T090000", "RRULE:FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5"],
        &[
            "2007-01-15T09:00:00-05:00",
            "2007-01-30T09:00:00-05:00",
            "2007-02-15T09:00:00-05:00",
            "2007-03-15T09:00:00-04:00",
            "2007-03-30T09:00:00-04:00",
        ],
    ),
];
