//! Time properties (DTSTART, DTEND, RECURRENCE-ID, RDATE, EXDATE...) read into instants.
//!
//! A value is read (`value`), its TZID resolved (`tzid`), and the result keeps both what was
//! written and the UTC instant it means. Floating times and DATEs belong to no zone; they
//! are placed in the zone the caller chose for them (the room's), and say so.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use super::property::{Property, split_list};
use super::tzid::Resolver;
use super::value::{DateValue, PeriodEnd, parse_date_or_time, parse_period};
use super::warning::Warnings;
use super::zone::{Zone, ZoneSource};

/// A DATE or DATE-TIME with its zone, resolved to an instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Time {
    /// What was written.
    pub value: DateValue,
    /// The zone it is in: UTC for `Z` values, the TZID's zone, or the floating zone.
    pub zone: Zone,
    /// The instant it means.
    pub utc: DateTime<Utc>,
}

impl Time {
    /// An all-day value (VALUE=DATE).
    pub fn is_date(&self) -> bool {
        matches!(self.value, DateValue::Date(_))
    }

    /// Floating: no zone of its own (a DATE, or a DATE-TIME without Z or TZID).
    pub fn is_floating(&self) -> bool {
        self.zone.source() == ZoneSource::Floating
    }

    /// The wall-clock time in its zone.
    pub fn local(&self) -> NaiveDateTime {
        self.value.naive()
    }

    fn new(value: DateValue, zone: Zone) -> Time {
        let utc = match value {
            DateValue::Utc(t) => t.and_utc(),
            DateValue::Local(t) => zone.to_utc(t),
            DateValue::Date(d) => zone.to_utc(d.and_time(chrono::NaiveTime::MIN)),
        };
        Time { value, zone, utc }
    }
}

/// One item of an RDATE or EXDATE list.
#[derive(Debug, Clone, PartialEq)]
pub enum ListItem {
    At(Time),
    /// A PERIOD: its start and its end instant.
    Period(Time, DateTime<Utc>),
}

/// Reads time properties of one calendar.
pub struct TimeReader<'a> {
    pub resolver: Resolver<'a>,
    floating: Zone,
}

impl<'a> TimeReader<'a> {
    pub fn new(resolver: Resolver<'a>, floating: &Zone) -> TimeReader<'a> {
        TimeReader {
            resolver,
            floating: floating.clone().with_source(ZoneSource::Floating),
        }
    }

    /// Reads a single DATE or DATE-TIME property.
    pub fn read(&mut self, p: &Property, warnings: &mut Warnings) -> Result<Time, String> {
        let value = parse_date_or_time(&p.value)?;
        Ok(self.place(value, p, warnings))
    }

    /// Reads an RDATE or EXDATE: a list of DATEs, DATE-TIMEs or PERIODs; bad items are
    /// skipped with a warning.
    pub fn read_list(&mut self, p: &Property, warnings: &mut Warnings) -> Vec<ListItem> {
        let mut items = Vec::new();
        for raw in split_list(&p.value)
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let item = if raw.contains('/') {
                parse_period(raw).map(|(start, end)| {
                    let start = self.place(start, p, warnings);
                    let end = match end {
                        PeriodEnd::At(v) => self.place(v, p, warnings).utc,
                        PeriodEnd::After(d) => start
                            .utc
                            .checked_add_signed(d.approx())
                            .unwrap_or(start.utc),
                    };
                    ListItem::Period(start, end)
                })
            } else {
                parse_date_or_time(raw).map(|v| ListItem::At(self.place(v, p, warnings)))
            };
            match item {
                Ok(item) => items.push(item),
                Err(why) => warnings.push(p.line, format!("{} value skipped: {why}", p.name)),
            }
        }
        items
    }

    fn place(&mut self, value: DateValue, p: &Property, warnings: &mut Warnings) -> Time {
        let zone = match (value, p.param("TZID")) {
            (DateValue::Utc(_), _) => Zone::utc(),
            (DateValue::Local(_), Some(tzid)) if !tzid.trim().is_empty() => {
                self.resolver.resolve(tzid, p.line, warnings)
            }
            _ => self.floating.clone(),
        };
        Time::new(value, zone)
    }
}

/// Adds whole days to a wall-clock time, saturating instead of overflowing.
pub(super) fn add_days(t: NaiveDateTime, days: i64) -> NaiveDateTime {
    TimeDelta::try_days(days)
        .and_then(|d| t.checked_add_signed(d))
        .unwrap_or(t)
}
