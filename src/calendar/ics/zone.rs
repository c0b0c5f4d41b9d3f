//! Time zones: turning wall-clock times into UTC instants and back.
//!
//! A [`Zone`] is UTC, a fixed offset, an IANA zone (chrono-tz) or the rules of a VTIMEZONE
//! from the file. All four answer one question, "what is the UTC offset at this instant?",
//! and wall-clock → UTC is derived from it the same way for all, following RFC 5545 §3.3.5:
//! a time that exists twice (the hour repeated when DST ends) means the first of the two; a
//! time that does not exist (the hour skipped when DST starts) is read with the offset from
//! before the change, which moves it forward by the length of the gap.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};

use super::vtimezone::Rules;

/// Where a zone's rules came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneSource {
    /// UTC itself (a `Z` value, or UTC by name).
    Utc,
    /// A VTIMEZONE in the same calendar.
    Vtimezone,
    /// An IANA name known to chrono-tz (possibly after removing a vendor prefix).
    Iana,
    /// A Windows zone name, mapped to IANA through CLDR.
    Windows,
    /// A fixed offset read from the name itself, such as `(UTC-03:00) ...` or `GMT+0100`.
    Offset,
    /// Floating time or a DATE, placed in the zone the caller chose for those.
    Floating,
    /// Nothing matched; UTC is used and a warning was given.
    Unresolved,
}

#[derive(Clone)]
enum Kind {
    Utc,
    Fixed(i32),
    Iana(chrono_tz::Tz),
    Rules(Arc<Rules>),
}

/// A time zone, cheap to clone.
#[derive(Clone)]
pub struct Zone {
    kind: Kind,
    source: ZoneSource,
    name: Arc<str>,
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({:?}, {:?})", self.name, self.source)
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        self.name == other.name && self.source == other.source
    }
}

impl Default for Zone {
    fn default() -> Zone {
        Zone::utc()
    }
}

impl Zone {
    pub fn utc() -> Zone {
        Zone {
            kind: Kind::Utc,
            source: ZoneSource::Utc,
            name: Arc::from("UTC"),
        }
    }

    /// A TZID that could not be resolved: UTC, under the name given.
    pub fn unresolved(name: &str) -> Zone {
        Zone {
            kind: Kind::Utc,
            source: ZoneSource::Unresolved,
            name: Arc::from(name),
        }
    }

    /// An IANA zone.
    pub fn iana(tz: chrono_tz::Tz) -> Zone {
        Zone::iana_from(tz, ZoneSource::Iana)
    }

    pub(super) fn iana_from(tz: chrono_tz::Tz, source: ZoneSource) -> Zone {
        Zone {
            kind: Kind::Iana(tz),
            source,
            name: Arc::from(tz.name()),
        }
    }

    /// A fixed offset, in seconds east of UTC.
    pub fn fixed(seconds: i32, name: &str) -> Zone {
        Zone {
            kind: Kind::Fixed(seconds),
            source: ZoneSource::Offset,
            name: Arc::from(name),
        }
    }

    pub(super) fn rules(rules: Rules, name: &str) -> Zone {
        Zone {
            kind: Kind::Rules(Arc::new(rules)),
            source: ZoneSource::Vtimezone,
            name: Arc::from(name),
        }
    }

    pub(super) fn with_source(mut self, source: ZoneSource) -> Zone {
        self.source = source;
        self
    }

    /// The name it was found under (a TZID, an IANA name, or "UTC").
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn source(&self) -> ZoneSource {
        self.source
    }

    /// The UTC offset in seconds at instant `at`.
    pub fn offset_at(&self, at: DateTime<Utc>) -> i32 {
        match &self.kind {
            Kind::Utc => 0,
            Kind::Fixed(seconds) => *seconds,
            Kind::Iana(tz) => tz
                .offset_from_utc_datetime(&at.naive_utc())
                .fix()
                .local_minus_utc(),
            Kind::Rules(rules) => rules.offset_at(at.naive_utc()),
        }
    }

    /// The wall-clock time at instant `at`.
    pub fn to_local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        shift(at.naive_utc(), self.offset_at(at).into())
    }

    /// The instant of wall-clock time `local` (see the module notes for gaps and overlaps).
    pub fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let as_utc = |offset: i32| shift(local, -i64::from(offset)).and_utc();
        let naive = local.and_utc();
        let day = TimeDelta::days(1);
        let before = self.offset_at(naive.checked_sub_signed(day).unwrap_or(naive));
        let after = self.offset_at(naive.checked_add_signed(day).unwrap_or(naive));
        if before == after {
            // No change of offset within a day either side: the usual case.
            return as_utc(before);
        }
        let first = as_utc(before);
        let second = as_utc(after);
        let first_ok = self.offset_at(first) == before;
        let second_ok = self.offset_at(second) == after;
        match (first_ok, second_ok) {
            (true, true) => first.min(second),
            (true, false) => first,
            (false, true) => second,
            // In a gap: the offset from before the change.
            (false, false) => first,
        }
    }
}

/// `t` moved by `seconds`, stopping at the ends of the calendar instead of overflowing.
pub(super) fn shift(t: NaiveDateTime, seconds: i64) -> NaiveDateTime {
    let delta = TimeDelta::try_seconds(seconds).unwrap_or_default();
    t.checked_add_signed(delta).unwrap_or(if seconds < 0 {
        NaiveDateTime::MIN
    } else {
        NaiveDateTime::MAX
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, min, 0))
            .unwrap_or_default()
    }

    #[test]
    fn gaps_move_forward_and_overlaps_take_the_first() {
        let berlin = Zone::iana(chrono_tz::Europe::Berlin);
        // 2024-03-31 02:30 does not exist in Berlin: read with +01:00, i.e. 03:30 CEST.
        assert_eq!(
            berlin.to_utc(local(2024, 3, 31, 2, 30)).to_rfc3339(),
            "2024-03-31T01:30:00+00:00"
        );
        // 2024-10-27 02:30 happens twice: the first is still CEST (+02:00).
        assert_eq!(
            berlin.to_utc(local(2024, 10, 27, 2, 30)).to_rfc3339(),
            "2024-10-27T00:30:00+00:00"
        );
        assert_eq!(
            berlin.to_utc(local(2024, 7, 1, 12, 0)).to_rfc3339(),
            "2024-07-01T10:00:00+00:00"
        );
    }
}
