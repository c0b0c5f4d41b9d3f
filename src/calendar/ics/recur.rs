//! Recurrence: RRULE, RDATE and EXDATE (RFC 5545 §3.3.10, §3.8.5).
//!
//! **Why the `rrule` crate, and how.** The RRULE grammar has many interacting parts (BYSETPOS,
//! BYWEEKNO with WKST, negative BYMONTHDAY, yearly BYDAY with ordinals...). The `rrule` crate
//! implements all of it, ported from python-dateutil together with dateutil's test suite and
//! the RFC's own examples, and it bounds its own search (at most 100,000 steps to find the
//! next instance). Writing that again would be a second, less tested copy. What the crate
//! cannot do is our time zones: it takes only chrono-tz zones, so a TZID that is a Windows
//! name or a custom VTIMEZONE is refused. RFC 5545 defines recurrence on the wall clock
//! anyway ("every day at 09:00" stays at 09:00 across DST), so the rule is expanded on
//! *naive wall-clock times* (handed to the crate dressed as UTC, where no DST exists) and
//! each instance is then placed in the event's own zone by [`Zone::to_utc`], which applies
//! the RFC's rules for skipped and repeated hours. UNTIL, given in UTC, is first turned into
//! the same wall-clock time.
//!
//! The RRULE text is read here rather than by the crate's parser, so that an unknown or
//! malformed part is dropped with a warning instead of losing the whole rule, and a DATE
//! UNTIL with a DATE-TIME DTSTART (Google does this) means "through the end of that day".
//!
//! RDATE and EXDATE are applied here on UTC instants, each value in its own TZID; an EXDATE
//! that is a DATE removes every instance on that day.
//!
//! Work is bounded: an expansion steps through at most [`MAX_STEPS`] instances of the rules
//! and returns at most [`MAX_OCCURRENCES`]; when it stops early it says so. Values out of
//! their RFC ranges are dropped and rules that can never match (30 February) are refused
//! when read, because the crate would otherwise search its full 100,000 steps for each
//! instance. A legal rule that matches very rarely (hourly, but only on day 366 of a year
//! that is also a Monday) can still cost that search: about half a second in a release
//! build on the 2-core reference machine, once, and then it ends.

use chrono::{DateTime, Month, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use rrule::{Frequency, NWeekday, RRule, RRuleSet, Tz, Unvalidated};

use super::value::DateValue;
use super::zone::{Zone, shift};

/// The most instances of the rules stepped through in one expansion.
pub const MAX_STEPS: usize = 200_000;
/// The most occurrences returned by one expansion.
pub const MAX_OCCURRENCES: usize = 20_000;

/// An RRULE as read, before it is tied to a DTSTART.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleParts {
    pub freq: Option<Frequency>,
    pub interval: u16,
    pub count: Option<u32>,
    pub until: Option<DateValue>,
    pub week_start: Option<Weekday>,
    pub by_set_pos: Vec<i32>,
    pub by_month: Vec<u8>,
    pub by_month_day: Vec<i8>,
    pub by_year_day: Vec<i16>,
    pub by_week_no: Vec<i8>,
    pub by_weekday: Vec<NWeekday>,
    pub by_hour: Vec<u8>,
    pub by_minute: Vec<u8>,
    pub by_second: Vec<u8>,
}

/// Reads an RRULE value; returns the parts and the names of parts that were ignored.
pub fn parse_rrule(text: &str) -> Result<(RuleParts, Vec<String>), String> {
    let mut parts = RuleParts::default();
    let mut ignored = Vec::new();
    for item in text.trim().split(';').filter(|s| !s.trim().is_empty()) {
        let Some((key, value)) = item.split_once('=') else {
            ignored.push(item.to_string());
            continue;
        };
        let key = key.trim().to_ascii_uppercase();
        let value = value.trim();
        let ok = match key.as_str() {
            "FREQ" => frequency(value).map(|f| parts.freq = Some(f)),
            "INTERVAL" => value
                .parse::<u16>()
                .ok()
                .filter(|&n| n > 0)
                .map(|n| parts.interval = n),
            "COUNT" => value.parse::<u32>().ok().map(|n| parts.count = Some(n)),
            "UNTIL" => super::value::parse_date_or_time(value)
                .ok()
                .map(|u| parts.until = Some(u)),
            "WKST" => weekday(value).map(|w| parts.week_start = Some(w)),
            "BYSETPOS" => list(value).map(|v| parts.by_set_pos = v),
            "BYMONTH" => list(value).map(|v| parts.by_month = v),
            "BYMONTHDAY" => list(value).map(|v| parts.by_month_day = v),
            "BYYEARDAY" => list(value).map(|v| parts.by_year_day = v),
            "BYWEEKNO" => list(value).map(|v| parts.by_week_no = v),
            "BYHOUR" => list(value).map(|v| parts.by_hour = v),
            "BYMINUTE" => list(value).map(|v| parts.by_minute = v),
            "BYSECOND" => list(value).map(|v| parts.by_second = v),
            "BYDAY" => value
                .split(',')
                .map(n_weekday)
                .collect::<Option<Vec<_>>>()
                .map(|v| parts.by_weekday = v),
            _ => None,
        };
        if ok.is_none() {
            ignored.push(item.to_string());
        }
    }
    if parts.freq.is_none() {
        return Err("no FREQ".into());
    }
    parts.interval = parts.interval.max(1);
    ignored.extend(parts.drop_out_of_range());
    if parts.never_matches() {
        return Err("its BYMONTH and BYMONTHDAY never meet".into());
    }
    Ok((parts, ignored))
}

/// Keeps the values of `list` that `ok` accepts; names the part when some were dropped.
fn keep<T: Copy + std::fmt::Display>(
    name: &str,
    list: &mut Vec<T>,
    ok: impl Fn(T) -> bool,
) -> Option<String> {
    let before = list.len();
    list.retain(|&v| ok(v));
    (list.len() != before).then(|| format!("{name} values out of range"))
}

impl RuleParts {
    /// Drops values outside the ranges of RFC 5545 §3.3.10 (a search for "day 40 of the
    /// month" would otherwise run until the `rrule` crate's step limit).
    fn drop_out_of_range(&mut self) -> Vec<String> {
        let day = |v: i8| v != 0 && (-31..=31).contains(&v);
        [
            keep("BYMONTH", &mut self.by_month, |v| (1..=12).contains(&v)),
            keep("BYMONTHDAY", &mut self.by_month_day, day),
            keep("BYYEARDAY", &mut self.by_year_day, |v| {
                v != 0 && (-366..=366).contains(&v)
            }),
            keep("BYWEEKNO", &mut self.by_week_no, |v| {
                v != 0 && (-53..=53).contains(&v)
            }),
            keep("BYHOUR", &mut self.by_hour, |v| v <= 23),
            keep("BYMINUTE", &mut self.by_minute, |v| v <= 59),
            keep("BYSECOND", &mut self.by_second, |v| v <= 59),
            keep("BYSETPOS", &mut self.by_set_pos, |v| {
                v != 0 && (-366..=366).contains(&v)
            }),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// True when no month named in BYMONTH has any day named in BYMONTHDAY (30 February).
    fn never_matches(&self) -> bool {
        if self.by_month_day.is_empty() {
            return false;
        }
        let months: Vec<u8> = if self.by_month.is_empty() {
            (1..=12).collect()
        } else {
            self.by_month.clone()
        };
        let longest = |m: u8| match m {
            2 => 29,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        !months.iter().any(|&m| {
            self.by_month_day
                .iter()
                .any(|&d| i16::from(d).abs() <= longest(m))
        })
    }
}

fn frequency(s: &str) -> Option<Frequency> {
    Some(match s.to_ascii_uppercase().as_str() {
        "YEARLY" => Frequency::Yearly,
        "MONTHLY" => Frequency::Monthly,
        "WEEKLY" => Frequency::Weekly,
        "DAILY" => Frequency::Daily,
        "HOURLY" => Frequency::Hourly,
        "MINUTELY" => Frequency::Minutely,
        "SECONDLY" => Frequency::Secondly,
        _ => return None,
    })
}

fn weekday(s: &str) -> Option<Weekday> {
    Some(match s.trim().to_ascii_uppercase().as_str() {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

fn n_weekday(s: &str) -> Option<NWeekday> {
    let s = s.trim();
    let split = s.len().checked_sub(2)?;
    let (n, day) = (s.get(..split)?, s.get(split..)?);
    let day = weekday(day)?;
    if n.is_empty() {
        return Some(NWeekday::Every(day));
    }
    let n: i16 = n.trim_start_matches('+').parse().ok()?;
    (n != 0 && (-53..=53).contains(&n)).then_some(NWeekday::Nth(n, day))
}

fn list<T: std::str::FromStr>(s: &str) -> Option<Vec<T>> {
    s.split(',')
        .map(|v| v.trim().trim_start_matches('+').parse().ok())
        .collect()
}

impl RuleParts {
    /// The rule for the `rrule` crate; `until` is already in the wall-clock time of DTSTART.
    fn to_rrule(&self, until: Option<NaiveDateTime>) -> RRule<Unvalidated> {
        let mut rule = RRule::new(self.freq.unwrap_or(Frequency::Daily)).interval(self.interval);
        if let Some(count) = self.count {
            rule = rule.count(count);
        }
        if let Some(until) = until {
            rule = rule.until(naive_as_tz(until));
        }
        if let Some(wkst) = self.week_start {
            rule = rule.week_start(wkst);
        }
        let months: Vec<Month> = self
            .by_month
            .iter()
            .filter_map(|&m| Month::try_from(m).ok())
            .collect();
        rule.by_set_pos(self.by_set_pos.clone())
            .by_month(&months)
            .by_month_day(self.by_month_day.clone())
            .by_year_day(self.by_year_day.clone())
            .by_week_no(self.by_week_no.clone())
            .by_weekday(self.by_weekday.clone())
            .by_hour(self.by_hour.clone())
            .by_minute(self.by_minute.clone())
            .by_second(self.by_second.clone())
    }

    /// UNTIL as a wall-clock time in `zone` (a DATE means through the end of that day).
    fn until_local(&self, zone: &Zone, start_is_date: bool) -> Option<NaiveDateTime> {
        self.until.map(|until| match until {
            DateValue::Utc(t) => zone.to_local(t.and_utc()),
            DateValue::Local(t) => t,
            DateValue::Date(d) if start_is_date => d.and_time(NaiveTime::MIN),
            DateValue::Date(d) => end_of_day(d),
        })
    }
}

fn end_of_day(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(23, 59, 59)
        .unwrap_or(d.and_time(NaiveTime::MIN))
}

fn naive_as_tz(t: NaiveDateTime) -> DateTime<Tz> {
    Tz::UTC.from_utc_datetime(&t)
}

/// One or more RRULEs tied to a DTSTART's wall-clock time, ready to expand.
#[derive(Debug, Clone)]
pub struct Rules {
    set: RRuleSet,
}

impl Rules {
    /// Ties `rules` to `start` (wall-clock time in `zone`); the errors are the rules refused.
    pub fn new(
        rules: &[RuleParts],
        start: NaiveDateTime,
        zone: &Zone,
        start_is_date: bool,
    ) -> (Option<Rules>, Vec<String>) {
        let dt_start = naive_as_tz(start);
        let mut set = RRuleSet::new(dt_start);
        let mut errors = Vec::new();
        let mut any = false;
        for parts in rules {
            let until = parts.until_local(zone, start_is_date);
            if until.is_some_and(|u| u < start) {
                // Nothing after DTSTART: only DTSTART itself remains.
                continue;
            }
            match parts.to_rrule(until).validate(dt_start) {
                Ok(rule) => {
                    set = set.rrule(rule);
                    any = true;
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
        (any.then_some(Rules { set }), errors)
    }

    /// Wall-clock instants from DTSTART on, in order; stops after `max_steps`.
    pub fn iter(&self) -> impl Iterator<Item = NaiveDateTime> + '_ {
        (&self.set).into_iter().map(|t| t.naive_utc())
    }
}

/// Expands one rule on wall-clock time, for VTIMEZONE observances: onsets up to the end of
/// `last_year`, at most `max` of them. `from` is the offset UNTIL is measured against.
pub fn expand_naive(
    parts: &RuleParts,
    start: NaiveDateTime,
    from: i32,
    last_year: i32,
    max: usize,
) -> Vec<NaiveDateTime> {
    let zone = Zone::fixed(from, "observance");
    let (rules, _) = Rules::new(std::slice::from_ref(parts), start, &zone, false);
    let Some(rules) = rules else {
        return Vec::new();
    };
    let end = NaiveDate::from_ymd_opt(last_year, 12, 31).map(end_of_day);
    rules
        .iter()
        .take(max)
        .take_while(|t| end.is_none_or(|end| *t <= end))
        .collect()
}

/// What one expansion found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    /// Start instants in UTC, sorted, without duplicates.
    pub starts: Vec<DateTime<Utc>>,
    /// True when a bound stopped the expansion before the end of the window.
    pub truncated: bool,
}

/// Everything that makes an event repeat: its rules, extra dates and excluded dates.
#[derive(Debug, Clone, Default)]
pub struct Recurrence {
    pub rules: Option<Rules>,
    /// RDATE instants.
    pub rdates: Vec<DateTime<Utc>>,
    /// EXDATE instants, sorted.
    pub exdates: Vec<DateTime<Utc>>,
    /// EXDATE days (VALUE=DATE), sorted: every instance starting on such a day is removed.
    pub exdate_days: Vec<NaiveDate>,
}

impl Recurrence {
    /// True when there is nothing beyond DTSTART.
    pub fn is_empty(&self) -> bool {
        self.rules.is_none() && self.rdates.is_empty()
    }

    /// The start instants within `[from, to)` of an event starting at wall-clock `start` in
    /// `zone`, DTSTART included (instants overlapping the window are found by the caller
    /// widening `from` by the event's length).
    pub fn expand(
        &self,
        start: NaiveDateTime,
        zone: &Zone,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Expansion {
        let mut out = Expansion::default();
        let keep = |t: DateTime<Utc>, local: NaiveDateTime| {
            t >= from
                && t < to
                && self.exdates.binary_search(&t).is_err()
                && self.exdate_days.binary_search(&local.date()).is_err()
        };
        if keep(zone.to_utc(start), start) {
            out.starts.push(zone.to_utc(start));
        }
        if let Some(rules) = &self.rules {
            // The wall clock is never more than a day and a bit away from UTC.
            let stop = shift(to.naive_utc(), 2 * 86_400);
            let begin = shift(from.naive_utc(), -2 * 86_400);
            for (step, local) in rules.iter().enumerate() {
                if local > stop {
                    break;
                }
                if step >= MAX_STEPS || out.starts.len() >= MAX_OCCURRENCES {
                    out.truncated = true;
                    break;
                }
                if local < begin {
                    continue;
                }
                let t = zone.to_utc(local);
                if keep(t, local) {
                    out.starts.push(t);
                }
            }
        }
        for &t in &self.rdates {
            if out.starts.len() >= MAX_OCCURRENCES {
                out.truncated = true;
                break;
            }
            if keep(t, zone.to_local(t)) {
                out.starts.push(t);
            }
        }
        out.starts.sort_unstable();
        out.starts.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_parsing() {
        let (parts, ignored) =
            parse_rrule("FREQ=WEEKLY;BYDAY=MO,-1FR;X-NAME=1;INTERVAL=2;UNTIL=20240101").unwrap();
        assert_eq!(parts.freq, Some(Frequency::Weekly));
        assert_eq!(parts.interval, 2);
        assert_eq!(parts.by_weekday.len(), 2);
        assert_eq!(ignored, ["X-NAME=1"]);
        assert!(parse_rrule("BYDAY=MO").is_err());
    }

    #[test]
    fn weekly_across_dst_keeps_the_wall_clock() {
        let (parts, _) = parse_rrule("FREQ=WEEKLY;COUNT=3").unwrap();
        let zone = Zone::iana(chrono_tz::Europe::Berlin);
        let start = "2024-03-24T09:00:00"
            .parse::<NaiveDateTime>()
            .unwrap_or_default();
        let (rules, errors) = Rules::new(&[parts], start, &zone, false);
        assert!(errors.is_empty());
        let from = "2024-01-01T00:00:00Z"
            .parse::<DateTime<Utc>>()
            .unwrap_or_default();
        let to = "2025-01-01T00:00:00Z"
            .parse::<DateTime<Utc>>()
            .unwrap_or_default();
        let recurrence = Recurrence {
            rules,
            ..Recurrence::default()
        };
        let e = recurrence.expand(start, &zone, from, to);
        let got: Vec<String> = e.starts.iter().map(|t| t.to_rfc3339()).collect();
        assert_eq!(
            got,
            [
                "2024-03-24T08:00:00+00:00",
                "2024-03-31T07:00:00+00:00",
                "2024-04-07T07:00:00+00:00"
            ]
        );
    }
}
