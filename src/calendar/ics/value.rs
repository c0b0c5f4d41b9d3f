//! Value types (RFC 5545 §3.3): DATE, DATE-TIME, DURATION, PERIOD, UTC-OFFSET.
//!
//! These are read without any time zone: a DATE-TIME is a wall-clock time plus "this is UTC"
//! when it ends in `Z`. Which zone a wall-clock time is in is the business of the `time`
//! module, which knows the property's TZID.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

/// A DATE or DATE-TIME as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateValue {
    /// `19970714`: a whole day.
    Date(NaiveDate),
    /// `19970714T173000`: wall-clock time, in a zone given elsewhere (or floating).
    Local(NaiveDateTime),
    /// `19970714T173000Z`.
    Utc(NaiveDateTime),
}

impl DateValue {
    /// The wall-clock time: midnight for a DATE.
    pub fn naive(self) -> NaiveDateTime {
        match self {
            DateValue::Date(d) => d.and_time(NaiveTime::MIN),
            DateValue::Local(t) | DateValue::Utc(t) => t,
        }
    }
}

/// Reads `YYYYMMDD`.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("bad DATE {:?}", short(s)));
    }
    let year = s[0..4].parse().unwrap_or(0);
    let month = s[4..6].parse().unwrap_or(0);
    let day = s[6..8].parse().unwrap_or(0);
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| format!("no such date {s}"))
}

/// Reads `YYYYMMDD`, `YYYYMMDDTHHMMSS` or `YYYYMMDDTHHMMSSZ`.
pub fn parse_date_or_time(s: &str) -> Result<DateValue, String> {
    let s = s.trim();
    match s.split_once(['T', 't']) {
        None => parse_date(s).map(DateValue::Date),
        Some((date, time)) => {
            let date = parse_date(date)?;
            let (time, utc) = match time.strip_suffix(['Z', 'z']) {
                Some(t) => (t, true),
                None => (time, false),
            };
            let time = parse_time(time)?;
            let at = date.and_time(time);
            Ok(if utc {
                DateValue::Utc(at)
            } else {
                DateValue::Local(at)
            })
        }
    }
}

/// Reads `HHMMSS` (a leap second `60` becomes `59`).
fn parse_time(s: &str) -> Result<NaiveTime, String> {
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("bad TIME {:?}", short(s)));
    }
    let h = s[0..2].parse().unwrap_or(99);
    let m = s[2..4].parse().unwrap_or(99);
    let sec: u32 = s[4..6].parse().unwrap_or(99);
    NaiveTime::from_hms_opt(h, m, sec.min(59)).ok_or_else(|| format!("no such time {s}"))
}

/// A DURATION: whole days (nominal: they follow the wall clock across DST) plus exact
/// seconds, either part possibly negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Duration {
    pub days: i64,
    pub seconds: i64,
}

impl Duration {
    /// The length if every day had 24 hours.
    pub fn approx(self) -> TimeDelta {
        TimeDelta::try_seconds(
            self.days
                .saturating_mul(86_400)
                .saturating_add(self.seconds),
        )
        .unwrap_or(TimeDelta::MAX)
    }
}

/// Reads `[+-]P[nW]` or `[+-]P[nD][T[nH][nM][nS]]`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("bad DURATION {:?}", short(s));
    let t = s.trim();
    let (sign, t) = match t.as_bytes().first() {
        Some(b'-') => (-1, &t[1..]),
        Some(b'+') => (1, &t[1..]),
        _ => (1, t),
    };
    let t = t.strip_prefix(['P', 'p']).ok_or_else(bad)?;
    let mut days = 0i64;
    let mut seconds = 0i64;
    let mut number: Option<i64> = None;
    let mut in_time = false;
    let mut any = false;
    for c in t.chars() {
        if let Some(d) = c.to_digit(10) {
            let n = number.unwrap_or(0);
            number = Some(
                n.checked_mul(10)
                    .and_then(|n| n.checked_add(d.into()))
                    .ok_or_else(bad)?,
            );
            continue;
        }
        let upper = c.to_ascii_uppercase();
        if upper == 'T' && number.is_none() {
            in_time = true;
            continue;
        }
        let n = number.take().ok_or_else(bad)?;
        any = true;
        match (upper, in_time) {
            ('W', false) => days = days.saturating_add(n.saturating_mul(7)),
            ('D', false) => days = days.saturating_add(n),
            ('H', true) => seconds = seconds.saturating_add(n.saturating_mul(3600)),
            ('M', true) => seconds = seconds.saturating_add(n.saturating_mul(60)),
            ('S', true) => seconds = seconds.saturating_add(n),
            _ => return Err(bad()),
        }
    }
    if number.is_some() || !any {
        return Err(bad());
    }
    // Bounded to about 30,000 years so that adding it to a date cannot overflow.
    const LIMIT: i64 = 10_000_000;
    if days.abs() > LIMIT || seconds.abs() > LIMIT * 86_400 {
        return Err(bad());
    }
    Ok(Duration {
        days: sign * days,
        seconds: sign * seconds,
    })
}

/// Reads a UTC offset `+HHMM` or `-HHMMSS`, in seconds east of UTC.
pub fn parse_utc_offset(s: &str) -> Result<i32, String> {
    let bad = || format!("bad UTC offset {:?}", short(s));
    let t = s.trim();
    let (sign, digits) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => (1, t),
    };
    let digits = digits.replace(':', "");
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let h: i32 = digits[0..2].parse().map_err(|_| bad())?;
    let m: i32 = digits[2..4].parse().map_err(|_| bad())?;
    let sec: i32 = digits
        .get(4..6)
        .map_or(Ok(0), str::parse)
        .map_err(|_| bad())?;
    if h > 23 || m > 59 || sec > 59 {
        return Err(bad());
    }
    Ok(sign * (h * 3600 + m * 60 + sec))
}

/// The end of a PERIOD: an explicit end, or a duration from the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodEnd {
    At(DateValue),
    After(Duration),
}

/// Reads `start/end` or `start/duration`.
pub fn parse_period(s: &str) -> Result<(DateValue, PeriodEnd), String> {
    let (start, end) = s
        .split_once('/')
        .ok_or_else(|| format!("bad PERIOD {:?}", short(s)))?;
    let start = parse_date_or_time(start)?;
    let end = if end.trim_start().starts_with(['P', 'p', '+', '-']) {
        PeriodEnd::After(parse_duration(end)?)
    } else {
        PeriodEnd::At(parse_date_or_time(end)?)
    };
    Ok((start, end))
}

fn short(s: &str) -> &str {
    match s.char_indices().nth(40) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times() {
        assert!(matches!(
            parse_date_or_time("19970714"),
            Ok(DateValue::Date(_))
        ));
        assert!(matches!(
            parse_date_or_time("19970714T173000Z"),
            Ok(DateValue::Utc(_))
        ));
        assert!(matches!(
            parse_date_or_time("19970714T173000"),
            Ok(DateValue::Local(_))
        ));
        assert!(parse_date_or_time("19970701T10300Z").is_err());
        assert!(parse_date_or_time("19970230").is_err());
        assert!(parse_date_or_time("1997071\u{e9}").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration("P1DT2H3M4S"),
            Ok(Duration {
                days: 1,
                seconds: 7384
            })
        );
        assert_eq!(
            parse_duration("-PT15M"),
            Ok(Duration {
                days: 0,
                seconds: -900
            })
        );
        assert_eq!(
            parse_duration("P2W"),
            Ok(Duration {
                days: 14,
                seconds: 0
            })
        );
        assert!(parse_duration("P").is_err());
        assert!(parse_duration("PT1D").is_err());
        assert!(parse_duration("P99999999999999999999D").is_err());
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_utc_offset("+0100"), Ok(3600));
        assert_eq!(parse_utc_offset("-053000"), Ok(-19800));
        assert_eq!(parse_utc_offset("-0000"), Ok(0));
        assert!(parse_utc_offset("+2500").is_err());
    }
}
