//! VTIMEZONE: the file's own zone rules (RFC 5545 §3.6.5).
//!
//! A VTIMEZONE is a list of observances (STANDARD, DAYLIGHT), each saying "from this onset on,
//! the offset is TZOFFSETTO". Onsets are DTSTART, its RDATEs, and the instances of its RRULE,
//! all written in the wall-clock time in force before the change (TZOFFSETFROM). The offset
//! at an instant is the TZOFFSETTO of the latest onset at or before it.
//!
//! Nearly every real rule is yearly: "the last Sunday of October at 03:00", which Exchange
//! writes with a DTSTART in 1601. Those are evaluated directly for the year asked about, in
//! constant time, however far the DTSTART is in the past. Any other RRULE is expanded once
//! with the `rrule` crate into a list of onsets (at most [`MAX_LISTED_ONSETS`], none past
//! [`LAST_LISTED_YEAR`]), which is then searched.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Weekday};

use super::component::Component;
use super::property::split_list;
use super::recur::{self, RuleParts};
use super::value::{DateValue, parse_date_or_time, parse_utc_offset};
use super::warning::Warnings;
use super::zone::shift;

/// The most onsets kept for one observance whose RRULE is not a plain yearly rule.
pub const MAX_LISTED_ONSETS: usize = 2000;
/// Onsets of such rules are not listed past this year.
pub const LAST_LISTED_YEAR: i32 = 2200;

/// A zone's rules, ready to answer "what is the offset at this instant?".
#[derive(Debug, Clone)]
pub struct Rules {
    observances: Vec<Observance>,
}

#[derive(Debug, Clone)]
struct Observance {
    start: NaiveDateTime,
    from: i32,
    to: i32,
    yearly: Option<Yearly>,
    /// Onsets in local time (before the change), sorted: RDATEs and listed RRULE instances.
    listed: Vec<NaiveDateTime>,
}

/// "Every year, in `month`, on `day`, at the time of DTSTART", up to `last` (an instant in
/// UTC) or `last_year`.
#[derive(Debug, Clone)]
struct Yearly {
    month: u32,
    day: DayRule,
    until_utc: Option<NaiveDateTime>,
    last_year: Option<i32>,
    /// Onsets of the years [`CACHED_YEARS`], computed once.
    cached: Vec<Option<NaiveDateTime>>,
}

/// The years whose onsets are computed in advance (others are computed when asked).
const CACHED_YEARS: std::ops::RangeInclusive<i32> = 1970..=2100;

#[derive(Debug, Clone)]
enum DayRule {
    /// The n-th (or, negative, n-th last) `weekday` of the month.
    Nth(i8, Weekday),
    /// The first `weekday` among these days of the month (`BYMONTHDAY=8,...,14;BYDAY=SU`).
    FirstWeekdayIn(Vec<i8>, Weekday),
    /// A fixed day of the month (negative counts from the end).
    MonthDay(i8),
}

impl Rules {
    /// Compiles a VTIMEZONE; `None` when it has no usable observance.
    pub fn compile(component: &Component, warnings: &mut Warnings) -> Option<Rules> {
        let mut observances = Vec::new();
        for child in &component.children {
            if child.name != "STANDARD" && child.name != "DAYLIGHT" {
                continue;
            }
            match Observance::compile(child, warnings) {
                Ok(o) => observances.push(o),
                Err(why) => warnings.push(
                    child.line,
                    format!("{} observance of a VTIMEZONE skipped: {why}", child.name),
                ),
            }
        }
        (!observances.is_empty()).then_some(Rules { observances })
    }

    /// The offset, in seconds east of UTC, at instant `at` (given as a naive UTC time).
    pub fn offset_at(&self, at: NaiveDateTime) -> i32 {
        let latest = self
            .observances
            .iter()
            .filter_map(|o| o.latest_onset(at).map(|onset| (onset, o.to)))
            .max_by_key(|(onset, _)| *onset);
        match latest {
            Some((_, to)) => to,
            // Before every onset: the offset in force before the earliest one.
            None => self
                .observances
                .iter()
                .min_by_key(|o| o.start)
                .map(|o| o.from)
                .unwrap_or(0),
        }
    }
}

impl Observance {
    fn compile(c: &Component, warnings: &mut Warnings) -> Result<Observance, String> {
        let start = c
            .property("DTSTART")
            .ok_or("no DTSTART")
            .and_then(|p| parse_date_or_time(&p.value).map_err(|_| "bad DTSTART"))?
            .naive();
        let to = c
            .property("TZOFFSETTO")
            .ok_or("no TZOFFSETTO".to_string())
            .and_then(|p| parse_utc_offset(&p.value))?;
        let from = match c
            .property("TZOFFSETFROM")
            .map(|p| parse_utc_offset(&p.value))
        {
            Some(Ok(from)) => from,
            _ => to,
        };
        let mut listed = Vec::new();
        for rdate in c.properties_named("RDATE") {
            for item in split_list(&rdate.value) {
                let item = item.split('/').next().unwrap_or(item);
                match parse_date_or_time(item) {
                    Ok(DateValue::Utc(t)) => listed.push(shift(t, from.into())),
                    Ok(v) => listed.push(v.naive()),
                    Err(why) => warnings.push(rdate.line, format!("RDATE value skipped: {why}")),
                }
            }
        }
        let mut yearly = None;
        if let Some(rrule) = c.property("RRULE") {
            match recur::parse_rrule(&rrule.value) {
                Ok((parts, ignored)) => {
                    for part in ignored {
                        warnings.push(rrule.line, format!("RRULE part {part} ignored"));
                    }
                    yearly = Yearly::from_parts(&parts, start, from);
                    if yearly.is_none() {
                        listed.extend(recur::expand_naive(
                            &parts,
                            start,
                            from,
                            LAST_LISTED_YEAR,
                            MAX_LISTED_ONSETS,
                        ));
                    }
                }
                Err(why) => warnings.push(rrule.line, format!("RRULE skipped: {why}")),
            }
        }
        listed.push(start);
        listed.sort_unstable();
        listed.dedup();
        Ok(Observance {
            start,
            from,
            to,
            yearly,
            listed,
        })
    }

    /// The latest onset at or before `at` (UTC), as a UTC time.
    fn latest_onset(&self, at: NaiveDateTime) -> Option<NaiveDateTime> {
        let to_utc = |local: NaiveDateTime| shift(local, -i64::from(self.from));
        let before = self.listed.partition_point(|&l| to_utc(l) <= at);
        let listed = before
            .checked_sub(1)
            .and_then(|i| self.listed.get(i))
            .map(|&l| to_utc(l));
        let yearly = self.yearly.as_ref().and_then(|y| {
            let year = at.year();
            [year + 1, year, year - 1]
                .into_iter()
                .filter_map(|year| y.onset_in(year, self.start))
                .map(to_utc)
                .find(|&u| u <= at && y.until_utc.is_none_or(|until| u <= until))
        });
        listed.max(yearly)
    }
}

impl Yearly {
    /// Recognises the plain yearly shapes; `None` for anything else.
    fn from_parts(parts: &RuleParts, start: NaiveDateTime, from: i32) -> Option<Yearly> {
        if parts.freq != Some(rrule::Frequency::Yearly)
            || parts.interval > 1
            || parts.by_month.len() > 1
            || !parts.by_set_pos.is_empty()
            || !parts.by_year_day.is_empty()
            || !parts.by_week_no.is_empty()
            || !parts.by_hour.is_empty()
            || !parts.by_minute.is_empty()
            || !parts.by_second.is_empty()
            || parts.by_weekday.len() > 1
        {
            return None;
        }
        let month = parts
            .by_month
            .first()
            .map_or(start.month(), |&m| u32::from(m));
        let weekday = parts.by_weekday.first().copied();
        let day = match (weekday, parts.by_month_day.as_slice()) {
            (Some(rrule::NWeekday::Nth(n, wd)), []) if n != 0 => {
                DayRule::Nth(i8::try_from(n).ok()?, wd)
            }
            (Some(rrule::NWeekday::Every(wd)), days) if !days.is_empty() => {
                DayRule::FirstWeekdayIn(days.to_vec(), wd)
            }
            (None, [day]) => DayRule::MonthDay(*day),
            (None, []) => DayRule::MonthDay(i8::try_from(start.day()).ok()?),
            _ => return None,
        };
        let until_utc = parts.until.map(|u| match u {
            DateValue::Utc(t) => t,
            DateValue::Local(t) => shift(t, -i64::from(from)),
            DateValue::Date(d) => shift(d.and_time(NaiveTime::MIN), 86_400),
        });
        let last_year = parts.count.map(|n| {
            start
                .year()
                .saturating_add(i32::try_from(n).unwrap_or(i32::MAX))
                - 1
        });
        let mut yearly = Yearly {
            month,
            day,
            until_utc,
            last_year,
            cached: Vec::new(),
        };
        yearly.cached = CACHED_YEARS
            .map(|y| yearly.compute_onset(y, start))
            .collect();
        Some(yearly)
    }

    /// This rule's onset in `year` (local time), if it has one.
    fn onset_in(&self, year: i32, start: NaiveDateTime) -> Option<NaiveDateTime> {
        let cached = usize::try_from(year - CACHED_YEARS.start())
            .ok()
            .and_then(|i| self.cached.get(i));
        match cached {
            Some(onset) => *onset,
            None => self.compute_onset(year, start),
        }
    }

    fn compute_onset(&self, year: i32, start: NaiveDateTime) -> Option<NaiveDateTime> {
        if year < start.year() || self.last_year.is_some_and(|last| year > last) {
            return None;
        }
        let date = match &self.day {
            DayRule::Nth(n, wd) => nth_weekday(year, self.month, *n, *wd)?,
            DayRule::FirstWeekdayIn(days, wd) => {
                let mut candidates: Vec<NaiveDate> = days
                    .iter()
                    .filter_map(|&d| month_day(year, self.month, d))
                    .filter(|d| d.weekday() == *wd)
                    .collect();
                candidates.sort_unstable();
                *candidates.first()?
            }
            DayRule::MonthDay(d) => month_day(year, self.month, *d)?,
        };
        let onset = date.and_time(start.time());
        (onset >= start).then_some(onset)
    }
}

/// Day `day` of a month, negative counting from its end (`-1` is the last day).
pub(super) fn month_day(year: i32, month: u32, day: i8) -> Option<NaiveDate> {
    if day > 0 {
        NaiveDate::from_ymd_opt(year, month, u32::try_from(day).ok()?)
    } else {
        let last = last_day_of_month(year, month)?;
        last.checked_sub_signed(TimeDelta::days(i64::from(day).abs() - 1))
            .filter(|d| d.month() == month)
    }
}

/// The n-th `weekday` of a month; negative n counts from the end.
pub(super) fn nth_weekday(year: i32, month: u32, n: i8, weekday: Weekday) -> Option<NaiveDate> {
    if n > 0 {
        NaiveDate::from_weekday_of_month_opt(year, month, weekday, u8::try_from(n).ok()?)
    } else {
        let last = last_day_of_month(year, month)?;
        let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
        let date = last.checked_sub_signed(TimeDelta::days(
            i64::from(back) + 7 * (i64::from(n).abs() - 1),
        ))?;
        (date.month() == month).then_some(date)
    }
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::ics::component::TreeBuilder;
    use crate::calendar::ics::lines::unfold;

    fn rules(text: &str) -> Rules {
        let mut warnings = Warnings::default();
        let mut builder = TreeBuilder::default();
        let mut lines = Vec::new();
        unfold(text.as_bytes(), &mut warnings, |l| lines.push(l));
        for l in &lines {
            builder.line(l, &mut warnings);
        }
        let roots = builder.finish(&mut warnings);
        Rules::compile(&roots[0], &mut warnings).expect("rules")
    }

    #[test]
    fn exchange_1601_rules() {
        let r = rules(
            "BEGIN:VTIMEZONE\nTZID:W. Europe Standard Time\nBEGIN:STANDARD\nDTSTART:16010101T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\nEND:VTIMEZONE\n",
        );
        let at = |s: &str| s.parse::<NaiveDateTime>().unwrap_or_default();
        assert_eq!(r.offset_at(at("2024-07-01T00:00:00")), 7200);
        assert_eq!(r.offset_at(at("2024-12-01T00:00:00")), 3600);
        assert_eq!(r.offset_at(at("2024-03-31T00:59:59")), 3600);
        assert_eq!(r.offset_at(at("2024-03-31T01:00:00")), 7200);
        assert_eq!(r.offset_at(at("2024-10-27T00:59:59")), 7200);
        assert_eq!(r.offset_at(at("2024-10-27T01:00:00")), 3600);
    }

    #[test]
    fn nth_weekdays() {
        assert_eq!(
            nth_weekday(2024, 3, -1, Weekday::Sun),
            NaiveDate::from_ymd_opt(2024, 3, 31)
        );
        assert_eq!(
            nth_weekday(2024, 11, 1, Weekday::Sun),
            NaiveDate::from_ymd_opt(2024, 11, 3)
        );
        assert_eq!(nth_weekday(2024, 2, 5, Weekday::Mon), None);
    }
}
