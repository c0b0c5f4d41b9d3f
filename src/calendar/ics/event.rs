//! VEVENT: a meeting, read into typed fields, and its occurrences.
//!
//! What a room device needs from an invite is read into fields: who, what, where, when,
//! how it repeats, and where it stands in the organizer's sequence of updates (UID,
//! SEQUENCE, DTSTAMP, RECURRENCE-ID). Everything else stays reachable in
//! [`Event::component`], e.g. `X-MICROSOFT-SKYPETEAMSMEETINGURL` or `X-GOOGLE-CONFERENCE`.
//!
//! A property that cannot be read is dropped with a warning and the event is kept: an
//! invite whose DTEND is garbled still tells the room when the meeting starts.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};

use super::component::Component;
use super::people::Person;
use super::recur::{self, Expansion, Recurrence};
use super::time::{ListItem, Time, TimeReader, add_days};
use super::value::{Duration, parse_duration};
use super::warning::Warnings;

/// A VEVENT.
#[derive(Debug, Clone)]
pub struct Event {
    pub uid: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub location: Option<String>,
    /// The HTML body: `X-ALT-DESC;FMTTYPE=text/html` (Outlook) or `STYLED-DESCRIPTION`.
    pub html_description: Option<String>,
    pub start: Option<Time>,
    pub end: Option<Time>,
    pub duration: Option<Duration>,
    /// Set on an override of one instance of a recurring event.
    pub recurrence_id: Option<Time>,
    /// `RANGE=THISANDFUTURE` on the RECURRENCE-ID: the override applies to later ones too.
    pub this_and_future: bool,
    pub recurrence: Recurrence,
    /// RDATE periods with their own length: start → end.
    rdate_periods: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    pub sequence: u32,
    pub dtstamp: Option<DateTime<Utc>>,
    /// STATUS, upper case (TENTATIVE, CONFIRMED, CANCELLED).
    pub status: Option<String>,
    /// CLASS, upper case (PUBLIC, PRIVATE, CONFIDENTIAL).
    pub class: Option<String>,
    pub organizer: Option<Person>,
    pub attendees: Vec<Person>,
    /// The component as parsed, with every property.
    pub component: Component,
}

/// One occurrence of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The start it would have had by the rule: what a RECURRENCE-ID names.
    pub recurrence_id: DateTime<Utc>,
}

impl Event {
    /// Reads a VEVENT (or a VTODO/VJOURNAL treated alike); warnings for what was dropped.
    pub fn read(
        component: Component,
        times: &mut TimeReader<'_>,
        warnings: &mut Warnings,
    ) -> Event {
        let c = &component;
        let text = |name: &str| c.property(name).map(|p| p.text());
        let upper = |name: &str| {
            c.property(name)
                .map(|p| p.value.trim().to_ascii_uppercase())
        };
        let mut time = |name: &str, warnings: &mut Warnings| {
            let p = c.property(name)?;
            times
                .read(p, warnings)
                .map_err(|why| warnings.push(p.line, format!("{name} dropped: {why}")))
                .ok()
        };
        let start = time("DTSTART", warnings);
        let mut end = time("DTEND", warnings).or_else(|| time("DUE", warnings));
        let recurrence_id = time("RECURRENCE-ID", warnings);
        let dtstamp = time("DTSTAMP", warnings).map(|t| t.utc);
        let mut duration = c.property("DURATION").and_then(|p| {
            parse_duration(&p.value)
                .map_err(|why| warnings.push(p.line, format!("DURATION dropped: {why}")))
                .ok()
        });
        if let (Some(s), Some(e)) = (&start, &end)
            && e.utc < s.utc
        {
            warnings.push(c.line, "DTEND before DTSTART dropped".into());
            end = None;
        }
        if duration.is_some_and(|d| d.approx() < TimeDelta::zero()) {
            warnings.push(c.line, "negative DURATION dropped".into());
            duration = None;
        }
        let sequence = c.property("SEQUENCE").map_or(0, |p| {
            p.value.trim().parse::<u32>().unwrap_or_else(|_| {
                warnings.push(p.line, format!("SEQUENCE {:?} read as 0", p.value));
                0
            })
        });
        let html_description = c
            .properties_named("X-ALT-DESC")
            .chain(c.properties_named("STYLED-DESCRIPTION"))
            .find(|p| {
                p.param("FMTTYPE")
                    .is_none_or(|t| t.eq_ignore_ascii_case("text/html"))
            })
            .map(|p| p.text());
        let uid = text("UID").unwrap_or_else(|| {
            warnings.push(c.line, format!("{} without UID", c.name));
            String::new()
        });
        let this_and_future = c
            .property("RECURRENCE-ID")
            .and_then(|p| p.param("RANGE"))
            .is_some_and(|r| r.eq_ignore_ascii_case("THISANDFUTURE"));
        let (recurrence, rdate_periods) = match &start {
            Some(start) => read_recurrence(c, start, times, warnings),
            None => Default::default(),
        };
        Event {
            uid,
            summary: text("SUMMARY"),
            description: text("DESCRIPTION"),
            location: text("LOCATION"),
            html_description,
            start,
            end,
            duration,
            recurrence_id,
            this_and_future,
            recurrence,
            rdate_periods,
            sequence,
            dtstamp,
            status: upper("STATUS"),
            class: upper("CLASS"),
            organizer: c.property("ORGANIZER").map(Person::from_property),
            attendees: c
                .properties_named("ATTENDEE")
                .map(Person::from_property)
                .collect(),
            component,
        }
    }

    /// True when it repeats (RRULE or RDATE).
    pub fn is_recurring(&self) -> bool {
        !self.recurrence.is_empty()
    }

    /// True when STATUS is CANCELLED.
    pub fn is_cancelled(&self) -> bool {
        self.status.as_deref() == Some("CANCELLED")
    }

    /// The occurrences that overlap `[from, to)`, in order. The event's own RECURRENCE-ID
    /// overrides are not applied here; see `Calendar::instances` for that.
    pub fn occurrences(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Occurrence> {
        self.expand(from, to).0
    }

    /// As [`Event::occurrences`], and whether a bound stopped the expansion early.
    pub fn expand(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> (Vec<Occurrence>, bool) {
        let Some(start) = &self.start else {
            return (Vec::new(), false);
        };
        let overlaps = |o: &Occurrence| o.start < to && (o.end > from || o.start >= from);
        if self.recurrence.is_empty() {
            // The common case: one meeting, whose instants are already known.
            let end = match &self.end {
                Some(end) => end.utc.max(start.utc),
                None => self.end_for(start.local(), start.utc),
            };
            let only = Occurrence {
                start: start.utc,
                end,
                recurrence_id: start.utc,
            };
            let excluded = self.recurrence.exdates.binary_search(&start.utc).is_ok();
            return (
                (!excluded && overlaps(&only))
                    .then_some(only)
                    .into_iter()
                    .collect(),
                false,
            );
        }
        let zone = &start.zone;
        let longest = self
            .rdate_periods
            .iter()
            .map(|(s, e)| *e - *s)
            .chain([self.nominal_length()])
            .max()
            .unwrap_or_default()
            .min(TimeDelta::days(366));
        let widened = from.checked_sub_signed(longest).unwrap_or(from);
        let Expansion { starts, truncated } =
            self.recurrence.expand(start.local(), zone, widened, to);
        let occurrences = starts
            .into_iter()
            .map(|s| {
                let period = self.rdate_periods.binary_search_by_key(&s, |(ps, _)| *ps);
                let end = match period.ok().and_then(|i| self.rdate_periods.get(i)) {
                    Some((_, pe)) => *pe,
                    None => self.end_for(zone.to_local(s), s),
                };
                Occurrence {
                    start: s,
                    end,
                    recurrence_id: s,
                }
            })
            .filter(overlaps)
            .collect();
        (occurrences, truncated)
    }

    /// The end of an instance starting at wall-clock `local` (instant `at`): the same
    /// wall-clock length as DTSTART→DTEND, or DURATION (days on the wall clock, then exact
    /// seconds), or one day for an all-day event, or nothing.
    fn end_for(&self, local: NaiveDateTime, at: DateTime<Utc>) -> DateTime<Utc> {
        let Some(start) = &self.start else { return at };
        let zone = &start.zone;
        if let Some(end) = &self.end {
            let end_local = if end.zone == start.zone {
                end.local()
            } else {
                zone.to_local(end.utc)
            };
            let length = end_local - start.local();
            return local
                .checked_add_signed(length)
                .map(|l| zone.to_utc(l))
                .unwrap_or(at)
                .max(at);
        }
        if let Some(d) = self.duration {
            let base = zone.to_utc(add_days(local, d.days));
            return TimeDelta::try_seconds(d.seconds)
                .and_then(|s| base.checked_add_signed(s))
                .unwrap_or(base)
                .max(at);
        }
        if start.is_date() {
            return zone.to_utc(add_days(local, 1));
        }
        at
    }

    /// The length of the first instance, used to widen search windows.
    fn nominal_length(&self) -> TimeDelta {
        match (&self.start, &self.end, self.duration) {
            (Some(s), Some(e), _) => e.utc - s.utc,
            (_, _, Some(d)) => d.approx(),
            (Some(s), None, None) if s.is_date() => TimeDelta::days(1),
            _ => TimeDelta::zero(),
        }
        .max(TimeDelta::zero())
            + TimeDelta::hours(2)
    }
}

type ReadRecurrence = (Recurrence, Vec<(DateTime<Utc>, DateTime<Utc>)>);

fn read_recurrence(
    c: &Component,
    start: &Time,
    times: &mut TimeReader<'_>,
    warnings: &mut Warnings,
) -> ReadRecurrence {
    let mut parts = Vec::new();
    for p in c.properties_named("RRULE") {
        match recur::parse_rrule(&p.value) {
            Ok((rule, ignored)) => {
                for part in ignored {
                    warnings.push(p.line, format!("RRULE part {part:?} ignored"));
                }
                parts.push(rule);
            }
            Err(why) => warnings.push(p.line, format!("RRULE dropped: {why}")),
        }
    }
    let (rules, errors) = recur::Rules::new(&parts, start.local(), &start.zone, start.is_date());
    for error in errors {
        warnings.push(c.line, format!("RRULE dropped: {error}"));
    }
    let mut recurrence = Recurrence {
        rules,
        ..Recurrence::default()
    };
    let mut periods = Vec::new();
    for p in c.properties_named("RDATE") {
        for item in times.read_list(p, warnings) {
            match item {
                ListItem::At(t) => recurrence.rdates.push(on_start_time(&t, start)),
                ListItem::Period(t, end) => {
                    recurrence.rdates.push(t.utc);
                    periods.push((t.utc, end));
                }
            }
        }
    }
    for p in c.properties_named("EXDATE") {
        for item in times.read_list(p, warnings) {
            match item {
                ListItem::At(t) if t.is_date() && !start.is_date() => {
                    recurrence.exdate_days.push(NaiveDate::from(t.local()));
                }
                ListItem::At(t) | ListItem::Period(t, _) => recurrence.exdates.push(t.utc),
            }
        }
    }
    // Sorted, so that each instance is looked up in logarithmic time.
    recurrence.exdates.sort_unstable();
    recurrence.exdate_days.sort_unstable();
    periods.sort_unstable();
    (recurrence, periods)
}

/// An RDATE that is a DATE, for an event with a time of day, happens at DTSTART's time.
fn on_start_time(t: &Time, start: &Time) -> DateTime<Utc> {
    if t.is_date() && !start.is_date() {
        let local = t.local().date().and_time(start.local().time());
        start.zone.to_utc(local)
    } else {
        t.utc
    }
}
