//! TZID resolution: which zone a `TZID=...` parameter means.
//!
//! In order, the first that works:
//! 1. a VTIMEZONE with that TZID in the same calendar, if it has a usable observance (it may
//!    come after the event that uses it);
//! 2. an IANA name, ignoring case, also after removing a vendor prefix
//!    (`/mozilla.org/20070129_1/America/New_York`, `/softwarestudio.org/Tzfile/...`,
//!    `posix/Europe/Vaduz`);
//! 3. a Windows zone name or display name, through CLDR (`W. Europe Standard Time`,
//!    `(UTC-03:00) Brasília`);
//! 4. a few legacy names seen in real files (`US-Eastern` for `US/Eastern`, Lotus Notes'
//!    `Western/Central Europe`);
//! 5. an offset written in the name (`(UTC-03:00) Somewhere`, `GMT +0100 (Standard)`,
//!    `UTC+11`), as a fixed offset;
//! 6. when the calendar defines exactly one VTIMEZONE that is not UTC, that one, with a
//!    warning: Exchange writes `TZID=Customized Time Zone` for the organizer's zone and
//!    sometimes omits its definition while including the one it is based on;
//! 7. otherwise UTC, with a warning.
//!
//! Each TZID is resolved once per calendar and cached.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::component::Component;
use super::vtimezone::Rules;
use super::warning::Warnings;
use super::windows_zones;
use super::zone::{Zone, ZoneSource};

/// Resolves the TZIDs of one calendar.
pub struct Resolver<'a> {
    vtimezones: HashMap<String, &'a Component>,
    cache: HashMap<String, Zone>,
}

impl<'a> Resolver<'a> {
    /// A resolver knowing the VTIMEZONEs among `components`.
    pub fn new(components: &'a [Component]) -> Resolver<'a> {
        let mut vtimezones = HashMap::new();
        for c in components.iter().filter(|c| c.name == "VTIMEZONE") {
            if let Some(tzid) = c.property("TZID") {
                vtimezones.entry(clean(&tzid.value)).or_insert(c);
            }
        }
        Resolver {
            vtimezones,
            cache: HashMap::new(),
        }
    }

    /// The zone for `tzid`; a warning about `line` when it had to fall back to UTC.
    pub fn resolve(&mut self, raw: &str, line: usize, warnings: &mut Warnings) -> Zone {
        if let Some(zone) = self.cache.get(raw) {
            return zone.clone();
        }
        let tzid = clean(raw);
        let mut zone = self.lookup(&tzid, warnings);
        if zone.source() == ZoneSource::Unresolved {
            match self.only_zone(warnings) {
                Some((name, only)) => {
                    warnings.push(
                        line,
                        format!("unknown TZID {tzid:?}; the calendar's only zone {name:?} used"),
                    );
                    zone = only;
                }
                None => warnings.push(line, format!("unknown TZID {tzid:?}; UTC used")),
            }
        }
        self.cache.insert(raw.to_string(), zone.clone());
        zone
    }

    fn lookup(&self, tzid: &str, warnings: &mut Warnings) -> Zone {
        let vtimezone = self.vtimezones.get(tzid).copied().or_else(|| {
            self.vtimezones
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(tzid))
                .map(|(_, c)| *c)
        });
        if let Some(rules) = vtimezone.and_then(|c| Rules::compile(c, warnings)) {
            return Zone::rules(rules, tzid);
        }
        resolve_name(tzid).unwrap_or_else(|| Zone::unresolved(tzid))
    }
}

impl Resolver<'_> {
    /// The calendar's single VTIMEZONE that is not UTC, if there is exactly one.
    fn only_zone(&self, warnings: &mut Warnings) -> Option<(String, Zone)> {
        let mut candidates = self.vtimezones.iter().filter(|(name, _)| {
            resolve_name(name).is_none_or(|z| z.offset_at(chrono::DateTime::UNIX_EPOCH) != 0)
        });
        let (name, component) = candidates.next()?;
        if candidates.next().is_some() {
            return None;
        }
        let rules = Rules::compile(component, warnings)?;
        Some((name.clone(), Zone::rules(rules, name)))
    }
}

/// Names that are neither IANA nor Windows but occur in real files.
const ALIASES: &[(&str, &str)] = &[
    ("Western/Central Europe", "Europe/Berlin"),
    ("Eastern", "America/New_York"),
    ("Central", "America/Chicago"),
    ("Mountain", "America/Denver"),
    ("Pacific", "America/Los_Angeles"),
];

/// Resolves a zone name without any VTIMEZONE: IANA, Windows, then an offset in the name.
pub fn resolve_name(name: &str) -> Option<Zone> {
    let name = clean(name);
    if let Some(tz) = iana(&name) {
        return Some(Zone::iana(tz));
    }
    if let Some(tz) = windows_zones::iana_for(&name).and_then(iana) {
        return Some(Zone::iana_from(tz, ZoneSource::Windows));
    }
    let legacy = ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(&name))
        .map(|(_, iana)| (*iana).to_string())
        .unwrap_or_else(|| name.replace('-', "/"));
    if let Some(tz) = iana(&legacy) {
        return Some(Zone::iana(tz));
    }
    offset_in_name(&name).map(|seconds| Zone::fixed(seconds, &name))
}

/// Quotes and surrounding spaces removed, escapes undone.
fn clean(tzid: &str) -> String {
    super::property::unescape_text(tzid.trim().trim_matches('"').trim())
}

/// An IANA zone by name, ignoring case, also after dropping leading path segments.
fn iana(name: &str) -> Option<chrono_tz::Tz> {
    static BY_LOWER: OnceLock<HashMap<String, chrono_tz::Tz>> = OnceLock::new();
    let table = BY_LOWER.get_or_init(|| {
        chrono_tz::TZ_VARIANTS
            .iter()
            .map(|tz| (tz.name().to_ascii_lowercase(), *tz))
            .collect()
    });
    let lower = name.to_ascii_lowercase();
    let mut rest = lower.as_str();
    loop {
        if let Some(tz) = table.get(rest.trim_start_matches('/')) {
            return Some(*tz);
        }
        rest = &rest[rest.get(1..)?.find('/')? + 1..];
    }
}

/// An offset such as `UTC-03:00`, `GMT+0100`, `GMT +01.00`, `UTC+11` inside a name.
fn offset_in_name(name: &str) -> Option<i32> {
    let upper = name.to_ascii_uppercase();
    let at = upper.find("UTC").or_else(|| upper.find("GMT"))?;
    let rest = upper[at + 3..].trim_start();
    let (sign, rest) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let rest = rest.trim_start();
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, ':' | '.'))
        .filter(char::is_ascii_digit)
        .collect();
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 | 4 => {
            let split = digits.len() - 2;
            (digits[..split].parse().ok()?, digits[split..].parse().ok()?)
        }
        _ => return None,
    };
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(name: &str) -> Option<(ZoneSource, String)> {
        resolve_name(name).map(|z| (z.source(), z.name().to_string()))
    }

    #[test]
    fn names() {
        assert_eq!(
            source("Europe/Berlin"),
            Some((ZoneSource::Iana, "Europe/Berlin".into()))
        );
        assert_eq!(
            source("europe/berlin"),
            Some((ZoneSource::Iana, "Europe/Berlin".into()))
        );
        assert_eq!(
            source("/mozilla.org/20070129_1/America/New_York"),
            Some((ZoneSource::Iana, "America/New_York".into()))
        );
        assert_eq!(
            source("W. Europe Standard Time"),
            Some((ZoneSource::Windows, "Europe/Berlin".into()))
        );
        assert_eq!(
            source("\"Tokyo Standard Time\"").map(|s| s.1),
            Some("Asia/Tokyo".into())
        );
        assert_eq!(
            source("GMT +0100 (Standard) / GMT +0200 (Daylight)").map(|s| s.0),
            Some(ZoneSource::Offset)
        );
        assert_eq!(source("Nowhere/Middle"), None);
        assert_eq!(source("US-Eastern").map(|s| s.1), Some("US/Eastern".into()));
        assert_eq!(offset_in_name("(UTC-03:00) Somewhere"), Some(-3 * 3600));
        assert_eq!(offset_in_name("UTC+11"), Some(11 * 3600));
        assert_eq!(offset_in_name("(GMT-05.00) Eastern"), Some(-5 * 3600));
    }
}
