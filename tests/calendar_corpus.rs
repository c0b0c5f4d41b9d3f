//! The iCalendar parser against the 472-file corpus of other parsers' test suites.
//!
//! The corpus lives in `../shared/corpus/ical` beside the checkout (CI lays it there) and is
//! read in place, never copied. Every file must parse, and expand its events over 40 years,
//! within a time bound and without a panic; its outcome (complete, partial with warnings,
//! rejected) must be the one recorded in [`OUTCOMES`] at the end of this file. To see the
//! table the parser produces now (after a deliberate change), run with
//! `ROOMD_PRINT_CORPUS_TABLE=1` and `--nocapture`, and review the difference.
//!
//! Also here, because they need the corpus: libical's iTIP messages classified as their
//! `X-LIC-EXPECT` lines say, every TZID resolving, and Exchange's 1601-based VTIMEZONEs
//! agreeing with the IANA zones for 2024–2027.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use roomd::calendar::ics::{self, Outcome, ZoneSource};

const CORPUS: &str = "../shared/corpus/ical";
/// Per file, parse and expansion, in a debug build on a slow machine.
const TIME_BOUND: Duration = Duration::from_secs(20);

fn corpus_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
    let mut files = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("corpus not readable at {}: {e}", dir.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "ics") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn relative(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
    path.strip_prefix(&root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

fn utc(y: i32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

struct Report {
    outcome: Outcome,
    warnings: Vec<String>,
    unresolved: Vec<String>,
    elapsed: Duration,
}

/// Parses and expands one file on its own thread, giving up after [`TIME_BOUND`].
fn run(path: &Path) -> Result<Report, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let began = Instant::now();
        let parsed = ics::parse_bytes(&bytes, &ics::Options::default());
        let mut unresolved = Vec::new();
        for warning in &parsed.warnings {
            if warning.message.starts_with("unknown TZID") && warning.message.ends_with("UTC used")
            {
                unresolved.push(warning.message.clone());
            }
        }
        for calendar in &parsed.calendars {
            let _ = calendar.instances(utc(1990), utc(2030));
            for event in &calendar.events {
                for t in [&event.start, &event.end, &event.recurrence_id]
                    .into_iter()
                    .flatten()
                {
                    if t.zone.source() == ZoneSource::Unresolved {
                        unresolved.push(t.zone.name().to_string());
                    }
                }
            }
        }
        let _ = tx.send(Report {
            outcome: parsed.outcome(),
            warnings: parsed.warnings.iter().map(ToString::to_string).collect(),
            unresolved,
            elapsed: began.elapsed(),
        });
    });
    match rx.recv_timeout(TIME_BOUND) {
        Ok(report) => Ok(report),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("no result within {TIME_BOUND:?}")),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err("panicked".into()),
    }
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Complete => "C",
        Outcome::Partial => "P",
        Outcome::Rejected => "R",
    }
}

#[test]
fn every_corpus_file_parses_within_bounds_with_the_recorded_outcome() {
    let files = corpus_files();
    assert_eq!(files.len(), 472, "the corpus should hold 472 .ics files");
    let expected: BTreeMap<&str, &str> = OUTCOMES.iter().copied().collect();
    let print = std::env::var_os("ROOMD_PRINT_CORPUS_TABLE").is_some();
    let mut failures = Vec::new();
    let mut counts = BTreeMap::new();
    for path in &files {
        let name = relative(path);
        match run(path) {
            Err(why) => failures.push(format!("{name}: {why}")),
            Ok(report) => {
                let got = outcome_name(report.outcome);
                *counts.entry(got).or_insert(0) += 1;
                if print {
                    println!(
                        "    (\"{name}\", \"{got}\"), // {} warnings, {:?} {:?}",
                        report.warnings.len(),
                        report.elapsed,
                        report.unresolved
                    );
                }
                match expected.get(name.as_str()) {
                    Some(want) if *want == got => {}
                    want => failures.push(format!(
                        "{name}: outcome {got}, expected {want:?}; first warnings: {:?}",
                        report.warnings.iter().take(3).collect::<Vec<_>>()
                    )),
                }
            }
        }
    }
    println!("corpus outcomes: {counts:?}");
    assert_eq!(counts.values().sum::<usize>(), 472);
    assert!(
        failures.is_empty(),
        "{} files:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The one file whose TZID nothing can resolve: python-icalendar's test of a zone that is
/// used but defined nowhere (`CUSTOM_tzid`, no VTIMEZONE). It falls back to UTC with a warning.
const UNRESOLVABLE: &[&str] =
    &["collective+icalendar/src_icalendar_tests_calendars_issue_722_missing_VTIMEZONE_custom.ics"];

#[test]
fn every_tzid_in_the_corpus_resolves() {
    let mut failures = Vec::new();
    for path in corpus_files() {
        let name = relative(&path);
        let Ok(report) = run(&path) else { continue };
        if !report.unresolved.is_empty() && !UNRESOLVABLE.contains(&name.as_str()) {
            failures.push(format!("{name}: {:?}", report.unresolved));
        }
        if report.unresolved.is_empty() && UNRESOLVABLE.contains(&name.as_str()) {
            failures.push(format!("{name}: expected an unresolvable TZID"));
        }
    }
    assert!(
        failures.is_empty(),
        "unresolved TZIDs:\n{}",
        failures.join("\n")
    );
}

/// Exchange VTIMEZONEs (DTSTART in 1601, yearly BYDAY rules) from the corpus, and the IANA
/// zone their Windows name maps to.
const EXCHANGE_ZONES: &[(&str, &str, &str)] = &[
    (
        "Peltoche+ical-rs/tests_ressources_o365_meeting.ics",
        "W. Europe Standard Time",
        "Europe/Berlin",
    ),
    (
        "allenporter+ical/tests_compat_testdata_office_360_nz_tz.ics",
        "New Zealand Standard Time",
        "Pacific/Auckland",
    ),
    (
        "allenporter+ical/tests_compat_testdata_office_356_custom_timezone.ics",
        "Central European Standard Time",
        "Europe/Warsaw",
    ),
    (
        "allenporter+ical/tests_compat_testdata_office_356_custom_timezone.ics",
        "Eastern Standard Time",
        "America/New_York",
    ),
    (
        "allenporter+ical/tests_compat_testdata_office_356_custom_timezone.ics",
        "GMT Standard Time",
        "Europe/London",
    ),
    (
        "allenporter+ical/tests_compat_testdata_office_356_custom_timezone.ics",
        "South Africa Standard Time",
        "Africa/Johannesburg",
    ),
    (
        "allenporter+ical/tests_compat_testdata_office_356_custom_timezone.ics",
        "SE Asia Standard Time",
        "Asia/Bangkok",
    ),
    (
        "allenporter+ical/tests_compat_testdata_office_356_custom_timezone.ics",
        "Turkey Standard Time",
        "Europe/Istanbul",
    ),
    (
        "collective+icalendar/src_icalendar_tests_calendars_timezone_same_start.ics",
        "Pacific Standard Time",
        "America/Los_Angeles",
    ),
    (
        "collective+icalendar/src_icalendar_tests_calendars_timezone_same_start_and_offset.ics",
        "Tokyo Standard Time",
        "Asia/Tokyo",
    ),
    (
        "collective+icalendar/src_icalendar_tests_calendars_issue_836_do_not_quote_tzid.ics",
        "Eastern Standard Time",
        "America/New_York",
    ),
];

#[test]
fn exchange_1601_vtimezones_agree_with_iana_for_2024_to_2027() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
    let mut failures = Vec::new();
    for (file, tzid, iana) in EXCHANGE_ZONES {
        let bytes = std::fs::read(root.join(file)).unwrap_or_default();
        let parsed = ics::parse_bytes(&bytes, &ics::Options::default());
        let Some(calendar) = parsed.calendars.first() else {
            failures.push(format!("{file}: no calendar"));
            continue;
        };
        let own = calendar.zone(tzid);
        assert_eq!(own.source(), ZoneSource::Vtimezone, "{file} {tzid}");
        let reference = ics::Zone::iana(iana.parse().unwrap_or(chrono_tz::UTC));
        let mut mismatches = 0;
        let mut hour = utc(2024);
        while hour < utc(2028) {
            if own.offset_at(hour) != reference.offset_at(hour) {
                mismatches += 1;
            }
            // The same wall-clock hour means the same instant, gaps and overlaps included.
            let local = hour.naive_utc();
            if own.to_utc(local) != reference.to_utc(local) {
                mismatches += 1;
            }
            hour += chrono::TimeDelta::minutes(30);
        }
        if mismatches > 0 {
            failures.push(format!("{file} {tzid} vs {iana}: {mismatches} mismatches"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// libical's `incoming.ics`: each message is classified against `calendar.ics` for the
/// calendar user A@example.com, and must get the class its `X-LIC-EXPECT` names.
#[test]
fn libical_incoming_messages_are_classified_as_expected() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(CORPUS)
        .join("libical+libical");
    let read = |name: &str| {
        ics::parse_bytes(
            &std::fs::read(root.join(name)).unwrap_or_default(),
            &ics::Options::default(),
        )
    };
    let stored = read("test-data_calendar.ics");
    let incoming = read("test-data_incoming.ics");
    assert_eq!(incoming.calendars.len(), 15);
    let mut checked = 0;
    for message in &incoming.calendars {
        let expect = message
            .properties
            .iter()
            .find(|p| p.name == "X-LIC-EXPECT")
            .map(|p| p.value.trim().to_string())
            .unwrap_or_default();
        let event = message.events.first();
        let match_ = event.and_then(|e| stored.events().find(|s| s.uid == e.uid));
        let method = message
            .method
            .clone()
            .unwrap_or(ics::Method::Other(String::new()));
        let class = ics::classify(&method, event, match_, "mailto:A@example.com");
        assert_eq!(
            class.name(),
            expect,
            "message {:?}",
            message
                .properties
                .iter()
                .find(|p| p.name == "X-LIC-NOTE")
                .map(|p| p.text())
        );
        checked += 1;
    }
    assert_eq!(checked, 15);
}

/// The recorded outcome of each corpus file: "C" complete (read without a single warning),
/// "P" partial (read, with warnings about what was dropped or repaired), "R" rejected
/// (nothing usable in it: empty calendars, or junk).
#[rustfmt::skip]
const OUTCOMES: &[(&str, &str)] = &[
    ("Peltoche+ical-rs/tests_ressources_ical_example_1.ics", "C"),
    ("Peltoche+ical-rs/tests_ressources_ical_example_2.ics", "C"),
    ("Peltoche+ical-rs/tests_ressources_ical_input.ics", "C"),
    ("Peltoche+ical-rs/tests_ressources_o365_meeting.ics", "C"),
    ("Peltoche+ical-rs/tests_ressources_sabre_test.ics", "C"),
    ("allenporter+ical/tests_compat_testdata_calendar_labs_same_day_dtend.ics", "C"),
    ("allenporter+ical/tests_compat_testdata_google_dtstart_until_mismatch.ics", "C"),
    ("allenporter+ical/tests_compat_testdata_office_356_custom_timezone.ics", "C"),
    ("allenporter+ical/tests_compat_testdata_office_360_nz_tz.ics", "C"),
    ("allenporter+ical/tests_compat_testdata_office_365_extended_timezone.ics", "C"),
    ("allenporter+ical/tests_compat_testdata_office_365_invalid_timezone.ics", "P"),
    ("allenporter+ical/tests_examples_testdata_apple_ical.ics", "C"),
    ("allenporter+ical/tests_examples_testdata_extended_values.ics", "C"),
    ("allenporter+ical/tests_examples_testdata_google_calendar_invalid_offset.ics", "C"),
    ("allenporter+ical/tests_examples_testdata_google_calendar_public_holidays.ics", "C"),
    ("allenporter+ical/tests_examples_testdata_recurring_event.ics", "C"),
    ("allenporter+ical/tests_examples_testdata_recurring_with_single_change.ics", "C"),
    ("allenporter+ical/tests_examples_testdata_store_edit_bugs.ics", "C"),
    ("allenporter+ical/tests_parsing_testdata_invalid_invalid.ics", "R"),
    ("allenporter+ical/tests_parsing_testdata_invalid_invalid_iana-token.ics", "P"),
    ("allenporter+ical/tests_parsing_testdata_invalid_invalid_param_eol_copy.ics", "R"),
    ("allenporter+ical/tests_parsing_testdata_invalid_invalid_param_eol_quoted.ics", "R"),
    ("allenporter+ical/tests_parsing_testdata_invalid_invalid_param_name-1.ics", "P"),
    ("allenporter+ical/tests_parsing_testdata_invalid_invalid_param_name-2.ics", "P"),
    ("allenporter+ical/tests_parsing_testdata_invalid_invalid_param_value.ics", "C"),
    ("allenporter+ical/tests_parsing_testdata_invalid_invalid_params_list.ics", "R"),
    ("allenporter+ical/tests_parsing_testdata_invalid_invalid_quoted_missing_value.ics", "R"),
    ("allenporter+ical/tests_parsing_testdata_invalid_invalid_quoted_name.ics", "R"),
    ("allenporter+ical/tests_parsing_testdata_invalid_invalid_quoted_param_extra_end.ics", "C"),
    ("allenporter+ical/tests_parsing_testdata_invalid_invalid_quoted_param_extra_start.ics", "C"),
    ("allenporter+ical/tests_parsing_testdata_invalid_invalid_quoted_params.ics", "R"),
    ("allenporter+ical/tests_parsing_testdata_invalid_invalid_x-name-1.ics", "P"),
    ("allenporter+ical/tests_parsing_testdata_invalid_invalid_x-name-2.ics", "P"),
    ("allenporter+ical/tests_parsing_testdata_invalid_missing_colon.ics", "P"),
    ("allenporter+ical/tests_parsing_testdata_valid_attendee.ics", "P"),
    ("allenporter+ical/tests_parsing_testdata_valid_comma.ics", "P"),
    ("allenporter+ical/tests_parsing_testdata_valid_emoji.ics", "C"),
    ("allenporter+ical/tests_parsing_testdata_valid_fold.ics", "P"),
    ("allenporter+ical/tests_parsing_testdata_valid_icalendar_object.ics", "C"),
    ("allenporter+ical/tests_parsing_testdata_valid_languages.ics", "C"),
    ("allenporter+ical/tests_parsing_testdata_valid_params.ics", "C"),
    ("allenporter+ical/tests_parsing_testdata_valid_params_empty.ics", "C"),
    ("allenporter+ical/tests_parsing_testdata_valid_params_quoted.ics", "C"),
    ("allenporter+ical/tests_parsing_testdata_valid_params_rfc6868_caret.ics", "C"),
    ("allenporter+ical/tests_parsing_testdata_valid_params_rfc6868_ical.ics", "C"),
    ("allenporter+ical/tests_parsing_testdata_valid_params_rfc6868_vcard.ics", "C"),
    ("allenporter+ical/tests_parsing_testdata_valid_params_rfc7986_calendar.ics", "C"),
    ("allenporter+ical/tests_parsing_testdata_valid_params_rfc7986_component.ics", "C"),
    ("allenporter+ical/tests_parsing_testdata_valid_rdate.ics", "C"),
    ("allenporter+ical/tests_parsing_testdata_valid_unicode.ics", "C"),
    ("allenporter+ical/tests_parsing_testdata_valid_vcalendar_emoji.ics", "P"),
    ("allenporter+ical/tests_parsing_testdata_valid_vevent.ics", "P"),
    ("allenporter+ical/tests_parsing_testdata_valid_vtodo.ics", "P"),
    ("allenporter+ical/tests_parsing_testdata_valid_x-name.ics", "P"),
    ("allenporter+ical/tests_testdata_datetime_local.ics", "C"),
    ("allenporter+ical/tests_testdata_datetime_timezone.ics", "C"),
    ("allenporter+ical/tests_testdata_datetime_utc.ics", "C"),
    ("allenporter+ical/tests_testdata_datetime_vtimezone.ics", "C"),
    ("allenporter+ical/tests_testdata_datetime_vtimezone_plus.ics", "C"),
    ("allenporter+ical/tests_testdata_description_altrep.ics", "C"),
    ("allenporter+ical/tests_testdata_duration_negative.ics", "C"),
    ("allenporter+ical/tests_testdata_empty.ics", "R"),
    ("allenporter+ical/tests_testdata_event_all_day.ics", "C"),
    ("allenporter+ical/tests_testdata_event_attendee.ics", "C"),
    ("allenporter+ical/tests_testdata_event_cal_address.ics", "C"),
    ("allenporter+ical/tests_testdata_event_multi_day.ics", "C"),
    ("allenporter+ical/tests_testdata_event_priority.ics", "C"),
    ("allenporter+ical/tests_testdata_event_properties.ics", "C"),
    ("allenporter+ical/tests_testdata_event_resources.ics", "C"),
    ("allenporter+ical/tests_testdata_event_uri.ics", "C"),
    ("allenporter+ical/tests_testdata_freebusy.ics", "C"),
    ("allenporter+ical/tests_testdata_iana_property_boolean.ics", "C"),
    ("allenporter+ical/tests_testdata_journal_entry.ics", "C"),
    ("allenporter+ical/tests_testdata_journal_properties.ics", "C"),
    ("allenporter+ical/tests_testdata_related_to.ics", "C"),
    ("allenporter+ical/tests_testdata_related_to_default.ics", "C"),
    ("allenporter+ical/tests_testdata_rrule-daily.ics", "C"),
    ("allenporter+ical/tests_testdata_rrule-date.ics", "C"),
    ("allenporter+ical/tests_testdata_rrule-exdate-mismatch.ics", "C"),
    ("allenporter+ical/tests_testdata_rrule-exdate.ics", "C"),
    ("allenporter+ical/tests_testdata_rrule-monthly.ics", "C"),
    ("allenporter+ical/tests_testdata_rrule-rdate-period.ics", "C"),
    ("allenporter+ical/tests_testdata_rrule-until-mismatch.ics", "C"),
    ("allenporter+ical/tests_testdata_rrule-weekly.ics", "C"),
    ("allenporter+ical/tests_testdata_rrule-yearly.ics", "C"),
    ("allenporter+ical/tests_testdata_timezone_ny.ics", "C"),
    ("allenporter+ical/tests_testdata_todo-invalid-dtstart-tzid.ics", "C"),
    ("allenporter+ical/tests_testdata_todo.ics", "C"),
    ("allenporter+ical/tests_testdata_todo_text_escaping.ics", "C"),
    ("allenporter+ical/tests_testdata_todo_valarm.ics", "C"),
    ("allenporter+ical/tests_testdata_unknown_property.ics", "C"),
    ("allenporter+ical/tests_testdata_unknown_value_custom.ics", "C"),
    ("allenporter+ical/tests_testdata_unknown_value_proton_mail.ics", "C"),
    ("collective+icalendar/docs_tutorials_example.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_alarms_example.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_alarms_rfc_5545_absolute_alarm_example.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_alarms_rfc_5545_end.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_alarms_start_date.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_availabilities_rfc_7953_1.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_availabilities_rfc_7953_2.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_alarm_etar_future.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_alarm_etar_notification.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_alarm_etar_notification_clicked.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_alarm_google_acknowledged.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_alarm_google_future.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_alarm_thunderbird_2_future.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_alarm_thunderbird_2_notification_5_min_postponed.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_alarm_thunderbird_2_notification_5_min_postponed_and_closed.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_alarm_thunderbird_2_notification_5_min_postponed_and_popped_up.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_alarm_thunderbird_2_notification_popped_up.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_alarm_thunderbird_closed.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_alarm_thunderbird_future.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_alarm_thunderbird_snoozed_until_1457.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_america_new_york.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_america_new_york_forward_reference.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_big_bad_calendar.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_bom_calendar.ics", "R"),
    ("collective+icalendar/src_icalendar_tests_calendars_broken_dtstart.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_broken_ical.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_calendar_with_unicode.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_created_calendar_with_unicode_fields.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_empty.ics", "R"),
    ("collective+icalendar/src_icalendar_tests_calendars_empty_RDATE.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_example.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_fuzz_testcase_0_char_in_component_name.ics", "R"),
    ("collective+icalendar/src_icalendar_tests_calendars_fuzz_testcase_invalid_month.ics", "R"),
    ("collective+icalendar/src_icalendar_tests_calendars_fuzz_testcase_vtimezone_lone_cr.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_invalid_duration.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_104_broken_calendar.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1050_all_components.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1050_calendar_with_events_and_todos.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1050_empty_calendar.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1050_forward_timezone_reference.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1050_multiple_calendars.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1050_simple_calendar.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1050_timezone_only_calendar.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1050_uid_in_description.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1081_empty_rdate.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1081_event_with_rrule.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1081_freebusy_comma_separated.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1081_invalid_rrule_freq.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1081_invalid_start_and_end.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1081_invalid_start_valid_end.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1081_list_of_properties.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1081_tzid_param.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1081_with_summary.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1231_recurrence.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1238.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_127_categories_with_commas.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1426.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1426_value_parameters.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1549_binary_attachment.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1561_image_value.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_156_RDATE_with_PERIOD_TZID_khal.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_156_RDATE_with_PERIOD_TZID_khal_2.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1633_freebusy_with_dates.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1633_rdate_with_dates.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_1633_rdate_with_dates_and_tzid.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_165_missing_event.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_168_expected_output.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_168_input.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_178_component_with_invalid_name_represented.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_178_custom_component_contains_other.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_178_custom_component_inside_other.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_218_bad_tzid.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_27_multiple_periods_in_freebusy_multiple_freebusies.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_27_multiple_periods_in_freebusy_one_freebusy.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_313_globally_unique_tzid.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_321_assert_dst_offset_is_not_false.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_322_expected_calendar.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_348_exception_parsing_value.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_350.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_351_whitespace_in_property_and_params.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_466_convert_tzid_with_slash.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_466_respect_unique_timezone.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_526_calendar_with_different_events.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_526_calendar_with_event_subset.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_526_calendar_with_events.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_526_calendar_with_shuffeled_events.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_722_missing_VTIMEZONE_custom.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_722_missing_timezones.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_722_timezone_transition_ambiguity.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_798_freebusy.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_798_related_to.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_82_expected_output.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_issue_836_do_not_quote_tzid.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_multiple_calendar_components.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_multiple_timezones.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_pacific_fiji.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_parsing_error.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_parsing_error_in_UTC_offset.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_period_with_timezone.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_pr_480_summary_with_colon.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_property_params.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_rfc_5545_RDATE_example.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_rfc_6868.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_rfc_7256_multi_value_parameters.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_rfc_7265_appendix_example_1_ical.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_rfc_7265_appendix_example_2_ical.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_rfc_7265_example_1.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_rfc_7529.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_rfc_7953_3.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_rfc_7986_conferences.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_rfc_7986_image.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_rfc_7986_properties.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_rfc_9253_examples.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_rfc_9253_gap.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_rfc_9253_related_to.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_small_bad_calendar.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_time.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_timezone_rdate.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_timezone_same_start.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_timezone_same_start_and_offset.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_calendars_timezoned.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_calendars_x_location.ics", "C"),
    ("collective+icalendar/src_icalendar_tests_events_event_with_escaped_character1.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_event_with_escaped_character2.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_event_with_escaped_character3.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_event_with_escaped_character4.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_event_with_escaped_characters.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_event_with_recurrence.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_event_with_recurrence_exdates_on_different_lines.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_event_with_rsvp.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_event_with_unicode_fields.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_event_with_unicode_organizer.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_issue_100_transformed_doctests_into_unittests.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_issue_101_icalendar_chokes_on_umlauts_in_organizer.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_issue_104_mark_events_broken.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_issue_112_missing_tzinfo_on_exdate.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_issue_156_RDATE_with_PERIOD.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_issue_156_RDATE_with_PERIOD_list.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_issue_157_removes_trailing_semicolon.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_issue_184_broken_representation_of_period.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_issue_355_url_escaping.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_issue_355_url_escaping_2.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_issue_355_url_escaping_empty_param.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_issue_464_invalid_rdate.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_issue_53_description_parsed_properly.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_issue_64_event_with_ascii_summary.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_issue_64_event_with_non_ascii_summary.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_issue_70_rrule_causes_attribute_error.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_issue_82_expected_output.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_rfc_7265_example_4.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_rfc_7265_request_status.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_rfc_9074_example_1.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_rfc_9074_example_2.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_rfc_9074_example_3.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_rfc_9074_example_4.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_events_rfc_9074_example_proximity.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_freebusy_example.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_journals_example.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_timezones_issue_237_brazilia_standard.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_timezones_issue_53_tzid_parsed_properly.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_timezones_issue_55_parse_error_on_utc_offset_with_seconds.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_timezones_pacific_fiji.ics", "P"),
    ("collective+icalendar/src_icalendar_tests_todos_example.ics", "P"),
    ("hoodie+icalendar/fixtures_empty.ics", "P"),
    ("hoodie+icalendar/fixtures_event_attendees_mixed_complexity.ics", "P"),
    ("hoodie+icalendar/fixtures_event_five_attendees.ics", "P"),
    ("hoodie+icalendar/fixtures_event_minimal_attendees.ics", "P"),
    ("hoodie+icalendar/fixtures_event_two_attendees.ics", "P"),
    ("hoodie+icalendar/fixtures_icalendar-rb-bad-utf8_bad_wrapping.ics", "C"),
    ("hoodie+icalendar/fixtures_icalendar-rb_custom_component.ics", "C"),
    ("hoodie+icalendar/fixtures_icalendar-rb_event.ics", "P"),
    ("hoodie+icalendar/fixtures_icalendar-rb_nondefault_values.ics", "C"),
    ("hoodie+icalendar/fixtures_icalendar-rb_nonstandard.ics", "P"),
    ("hoodie+icalendar/fixtures_icalendar-rb_recurrence.ics", "C"),
    ("hoodie+icalendar/fixtures_icalendar-rb_single_event.ics", "C"),
    ("hoodie+icalendar/fixtures_icalendar-rb_single_event_bad_dtstart.ics", "C"),
    ("hoodie+icalendar/fixtures_icalendar-rb_single_event_bad_line.ics", "P"),
    ("hoodie+icalendar/fixtures_icalendar-rb_single_event_bad_organizer.ics", "C"),
    ("hoodie+icalendar/fixtures_icalendar-rb_single_event_organizer_parsed.ics", "C"),
    ("hoodie+icalendar/fixtures_icalendar-rb_timezone.ics", "C"),
    ("hoodie+icalendar/fixtures_icalendar-rb_two_date_time_events.ics", "C"),
    ("hoodie+icalendar/fixtures_icalendar-rb_two_day_events.ics", "C"),
    ("hoodie+icalendar/fixtures_icalendar-rb_two_events.ics", "C"),
    ("hoodie+icalendar/fixtures_icalendar-rb_two_time_events.ics", "C"),
    ("hoodie+icalendar/fixtures_icalendar-rb_tzid_search.ics", "C"),
    ("hoodie+icalendar/tests_example_write.ics", "C"),
    ("ical4j+ical4j/src_test_resources_net_fortuna_ical4j_data_apple-iphone-os-26-structured-location.ics", "C"),
    ("ical4j+ical4j/src_test_resources_net_fortuna_ical4j_data_test-relaxed-parsing.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_hcalendar_example1.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_0.ics", "P"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_13-MoonPhase.ics", "P"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_CalendarDataFile.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_OZMovies.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_bhav23-2.ics", "P"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_boeing.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_core.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_eli_courtwright.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_eli_test.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_groupwise.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_korganizer-lowercase.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_korganizer.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_lastfm.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_overlaps.ics", "P"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_phpicalendar_sample.ics", "P"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_schedule-unstable.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_smallcluster.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_sogo-geo-escaped-semicolon.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_talios.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_tmeher.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_twinkle.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_invalid_twinkle_orig.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_1106817412.ics", "P"),
    ("ical4j+ical4j/src_test_resources_samples_valid_2207678.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_3.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_4.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_6.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_7.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_ArgentinaHolidays.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_Australian32Holidays.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_Australian_TV_Melbourne.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_BCP321928.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_Belgische32feestdagen.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_Buddhist.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_Casablanca.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_Christian32Holidays.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_Dryway.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_EXDATE-IN-UTC.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_EXDATE.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_Earth32Seasons.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_EstoniaHolidays.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_Misc.History.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_New_Years_Day.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_Packers.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_Session6.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_Standup.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_SwedishHolidays2003-2006.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_THFC.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_afl2004.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_bears.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_bhav23-1.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_bitfire1.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_blalor.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_blankTzid.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_calconnect.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_calconnect10.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_calconnect2.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_calconnect3.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_calconnect4.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_calconnect5.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_calconnect6.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_calconnect7.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_calconnect8.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_calconnect9.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_canada.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_categories.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_classify.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_custom_component.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_derryn.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_dst-only-vtimezone.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_evolution.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_evolution2.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_friday13-NOT.ics", "P"),
    ("ical4j+ical4j/src_test_resources_samples_valid_friday13.ics", "P"),
    ("ical4j+ical4j/src_test_resources_samples_valid_google_aus_holidays.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_incoming.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_japan_west.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_korganizer_sample.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_lotr-updated.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_lotr.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_mansour.ics", "P"),
    ("ical4j+ical4j/src_test_resources_samples_valid_maritz.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_mathBirthdays.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_miked.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_multiple_calendars.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_oracle-personal-notes-test-empty.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_oracle-personal-notes-test.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_php-flp.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_rfc5545-sec3.4.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_rfc5545-sec3.6.1.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_rfc5545-sec3.6.2.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_rfc5545-sec3.6.3.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_rfc5545-sec3.6.4.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_rfc5545-sec3.6.5.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_rfc5545-sec3.6.6.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_rfc5545-sec4.1.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_rfc5545-sec4.2.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_rfc5545-sec4.3.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_rfc5545-sec4.4.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_rfc5545-sec4.5.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_stacksize.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_sunbird_sample.ics", "C"),
    ("ical4j+ical4j/src_test_resources_samples_valid_zidestoreical4jbomb.ics", "C"),
    ("kewisch+ical.js/samples_blank_description.ics", "C"),
    ("kewisch+ical.js/samples_blank_line_end.ics", "R"),
    ("kewisch+ical.js/samples_blank_line_mid.ics", "C"),
    ("kewisch+ical.js/samples_daily_recur.ics", "C"),
    ("kewisch+ical.js/samples_day_long_recur_yearly.ics", "C"),
    ("kewisch+ical.js/samples_duration_instead_of_dtend.ics", "C"),
    ("kewisch+ical.js/samples_forced_types.ics", "C"),
    ("kewisch+ical.js/samples_google_birthday.ics", "P"),
    ("kewisch+ical.js/samples_minimal.ics", "C"),
    ("kewisch+ical.js/samples_multiple_rrules.ics", "C"),
    ("kewisch+ical.js/samples_only_dtstart_date.ics", "C"),
    ("kewisch+ical.js/samples_only_dtstart_time.ics", "C"),
    ("kewisch+ical.js/samples_parserv2.ics", "C"),
    ("kewisch+ical.js/samples_rdate_exdate.ics", "C"),
    ("kewisch+ical.js/samples_recur_instances.ics", "C"),
    ("kewisch+ical.js/samples_recur_instances_finite.ics", "C"),
    ("kewisch+ical.js/samples_timezone_from_file.ics", "P"),
    ("kewisch+ical.js/samples_timezones_America_Atikokan.ics", "C"),
    ("kewisch+ical.js/samples_timezones_America_Denver.ics", "C"),
    ("kewisch+ical.js/samples_timezones_America_Los_Angeles.ics", "C"),
    ("kewisch+ical.js/samples_timezones_America_New_York.ics", "C"),
    ("kewisch+ical.js/samples_timezones_Makebelieve_RDATE_test.ics", "C"),
    ("kewisch+ical.js/samples_timezones_Makebelieve_RDATE_utc_test.ics", "C"),
    ("kewisch+ical.js/samples_timezones_Makebelieve_RRULE_UNTIL_test.ics", "C"),
    ("kewisch+ical.js/samples_utc_negative_zero.ics", "C"),
    ("kewisch+ical.js/test_parser_base64.ics", "C"),
    ("kewisch+ical.js/test_parser_boolean.ics", "C"),
    ("kewisch+ical.js/test_parser_component.ics", "P"),
    ("kewisch+ical.js/test_parser_dates.ics", "C"),
    ("kewisch+ical.js/test_parser_float.ics", "C"),
    ("kewisch+ical.js/test_parser_grouped.ics", "C"),
    ("kewisch+ical.js/test_parser_integer.ics", "C"),
    ("kewisch+ical.js/test_parser_multiple_root_components.ics", "C"),
    ("kewisch+ical.js/test_parser_multivalue.ics", "C"),
    ("kewisch+ical.js/test_parser_newline_junk.ics", "R"),
    ("kewisch+ical.js/test_parser_period.ics", "C"),
    ("kewisch+ical.js/test_parser_property_params.ics", "C"),
    ("kewisch+ical.js/test_parser_quoted_params.ics", "C"),
    ("kewisch+ical.js/test_parser_recur.ics", "C"),
    ("kewisch+ical.js/test_parser_rfc.ics", "C"),
    ("kewisch+ical.js/test_parser_single_empty_vcalendar.ics", "R"),
    ("kewisch+ical.js/test_parser_time.ics", "C"),
    ("kewisch+ical.js/test_parser_tzid_with_gmt.ics", "C"),
    ("kewisch+ical.js/test_parser_unfold_properties.ics", "C"),
    ("kewisch+ical.js/test_parser_utc_offset.ics", "C"),
    ("kewisch+ical.js/test_parser_values.ics", "C"),
    ("libical+libical/src_Net-ICal-Libical_test-data_rfc2445.ics", "P"),
    ("libical+libical/src_Net-ICal-Libical_test-data_rfc2446.ics", "P"),
    ("libical+libical/src_test_2445.ics", "P"),
    ("libical+libical/src_test_2446.ics", "R"),
    ("libical+libical/src_test_itip.ics", "C"),
    ("libical+libical/src_test_outgoing.ics", "C"),
    ("libical+libical/test-data_0.ics", "P"),
    ("libical+libical/test-data_1-1.ics", "C"),
    ("libical+libical/test-data_1.ics", "P"),
    ("libical+libical/test-data_2.ics", "P"),
    ("libical+libical/test-data_2445.ics", "P"),
    ("libical+libical/test-data_2446.ics", "P"),
    ("libical+libical/test-data_3.ics", "C"),
    ("libical+libical/test-data_4.ics", "C"),
    ("libical+libical/test-data_5.ics", "C"),
    ("libical+libical/test-data_6.ics", "C"),
    ("libical+libical/test-data_7.ics", "C"),
    ("libical+libical/test-data_8.ics", "P"),
    ("libical+libical/test-data_calendar.ics", "P"),
    ("libical+libical/test-data_caltime.ics", "R"),
    ("libical+libical/test-data_classify.ics", "C"),
    ("libical+libical/test-data_crash.ics", "P"),
    ("libical+libical/test-data_get_char_test.ics", "R"),
    ("libical+libical/test-data_incoming.ics", "P"),
    ("libical+libical/test-data_issue250.ics", "R"),
    ("libical+libical/test-data_issue251.ics", "P"),
    ("libical+libical/test-data_issue252.ics", "P"),
    ("libical+libical/test-data_issue253.ics", "R"),
    ("libical+libical/test-data_issue339.ics", "P"),
    ("libical+libical/test-data_large.ics", "P"),
    ("libical+libical/test-data_malloc.ics", "P"),
    ("libical+libical/test-data_overlaps.ics", "P"),
    ("libical+libical/test-data_process-calendar.ics", "P"),
    ("libical+libical/test-data_process-incoming.ics", "P"),
    ("libical+libical/test-data_recur-errors.ics", "P"),
    ("libical+libical/test-data_restriction.ics", "P"),
    ("libical+libical/test-data_smallcluster.ics", "C"),
    ("libical+libical/test-data_spanlist.ics", "P"),
    ("libical+libical/test-data_stresstest.ics", "P"),
    ("libical+libical/test-data_zday.ics", "P"),
];
