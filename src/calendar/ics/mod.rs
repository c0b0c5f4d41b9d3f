//! The iCalendar invite parser (RFC 5545, RFC 5546 methods, RFC 6868 parameters).
//!
//! [`parse`] reads text into [`Calendar`]s of [`Event`]s whose times are resolved to UTC
//! instants; [`Event::occurrences`] and [`Calendar::instances`] expand recurrences over a
//! window the caller gives (there is no clock in here). The layers, each in its own file:
//!
//! 1. `lines`: bytes → unfolded logical lines (BOM, any line ending, folds inside UTF-8);
//! 2. `property`: a line → name, parameters (quoted, RFC 6868 carets), raw value;
//! 3. `component`: lines → the BEGIN/END tree, repaired where it is broken;
//! 4. `value`, `time`, `zone`, `vtimezone`, `tzid`, `windows_zones`: values → instants,
//!    through the file's VTIMEZONE, IANA names or Windows names;
//! 5. `recur`: RRULE/RDATE/EXDATE expansion (with the `rrule` crate, on wall-clock time);
//! 6. `event`, `people`, `calendar`: the typed VEVENT and its instances with overrides;
//! 7. `itip`: METHOD, SEQUENCE/DTSTAMP ordering and the classification of iTIP messages.
//!
//! **Malformed input.** Nothing in here panics or loops on any input. What is complete is
//! kept; what was dropped or repaired is listed in [`Parsed::warnings`] with its line
//! number. Work is bounded: the input size ([`MAX_INPUT`]), the line length
//! ([`lines::MAX_LINE`]), the nesting depth ([`component::MAX_DEPTH`]), and the steps and
//! results of one recurrence expansion ([`recur::MAX_STEPS`], [`recur::MAX_OCCURRENCES`]).
//!
//! **Why not the `ical` crate.** It splits lines and properties and stops there: no
//! unescaping, no typed values, no zones, no recurrence. On top of that, measured on 0.11:
//! a fold after a space glues words, a fold inside a UTF-8 character or a missing END loses
//! the whole calendar, a BOM or lowercase names are rejected, and a parameter's values past
//! the tenth spill into the property value. Those are in the layers 1–3 that everything else
//! stands on, so this parser replaces it; the lower layers are small and tested against the
//! 472-file corpus in `tests/calendar_corpus.rs`.

mod calendar;
mod component;
mod event;
mod itip;
mod lines;
mod people;
mod property;
mod recur;
mod reply;
mod time;
mod tzid;
mod value;
mod vtimezone;
mod warning;
mod windows_zones;
mod write;
mod zone;

pub use calendar::{Calendar, Instance};
pub use component::{Component, MAX_DEPTH};
pub use event::{Event, Occurrence};
pub use itip::{Class, Method, classify, compare_versions, is_rescheduled};
pub use lines::MAX_LINE;
pub use people::{Person, normalize_address};
pub use property::{Param, Property, unescape_text};
pub use recur::{MAX_OCCURRENCES, MAX_STEPS, Recurrence};
pub use reply::{PartStat, Responder, reply, with_partstat};
pub use time::Time;
pub use tzid::resolve_name;
pub use value::{DateValue, Duration};
pub use warning::{MAX_WARNINGS, Warning};
pub use windows_zones::{WINDOWS_ZONES, iana_for as windows_zone_to_iana};
pub use write::{escape_text, write_component, write_property};
pub use zone::{Zone, ZoneSource};

use component::TreeBuilder;
use warning::Warnings;

/// The largest input read; the rest is ignored with a warning.
pub const MAX_INPUT: usize = 64 << 20;

/// How to read floating times.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The zone for floating DATE-TIMEs and DATEs (the room's zone); UTC by default.
    pub floating_zone: Zone,
}

/// What [`parse`] found.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// Every VCALENDAR, in order. Components found outside any VCALENDAR (bare VEVENT
    /// snippets) are gathered into one more calendar at the end, with a warning.
    pub calendars: Vec<Calendar>,
    /// What was dropped or repaired, in input order.
    pub warnings: Vec<Warning>,
}

/// How a parse went, for a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was read.
    Complete,
    /// Something was read, and something was dropped or repaired.
    Partial,
    /// Nothing usable was found.
    Rejected,
}

impl Parsed {
    /// Every event of every calendar.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.calendars.iter().flat_map(|c| c.events.iter())
    }

    /// Complete, partial or rejected.
    pub fn outcome(&self) -> Outcome {
        let anything = self
            .calendars
            .iter()
            .any(|c| !c.events.is_empty() || !c.components.is_empty() || !c.properties.is_empty());
        match (anything, self.warnings.is_empty()) {
            (false, _) => Outcome::Rejected,
            (true, true) => Outcome::Complete,
            (true, false) => Outcome::Partial,
        }
    }
}

/// Parses iCalendar text, floating times in UTC.
pub fn parse(text: &str) -> Parsed {
    parse_bytes(text.as_bytes(), &Options::default())
}

/// Parses iCalendar bytes (UTF-8, with Latin-1 bytes tolerated).
pub fn parse_bytes(input: &[u8], options: &Options) -> Parsed {
    let mut warnings = Warnings::default();
    let input = if input.len() > MAX_INPUT {
        warnings.push(
            0,
            format!("input longer than {MAX_INPUT} bytes; the rest ignored"),
        );
        &input[..MAX_INPUT]
    } else {
        input
    };
    let mut builder = TreeBuilder::default();
    let mut tree_warnings = Warnings::default();
    lines::unfold(input, &mut warnings, |line| {
        builder.line(&line, &mut tree_warnings)
    });
    warnings.merge(tree_warnings);
    let roots = builder.finish(&mut warnings);
    build(roots, options, warnings)
}

fn build(roots: Vec<Component>, options: &Options, mut warnings: Warnings) -> Parsed {
    let mut calendars = Vec::new();
    let mut stray = Component {
        name: "VCALENDAR".into(),
        ..Component::default()
    };
    for root in roots {
        if root.name == "VCALENDAR" {
            calendars.push(Calendar::read(root, &options.floating_zone, &mut warnings));
        } else {
            warnings.push(
                root.line,
                format!("{} outside any VCALENDAR read as if inside one", root.name),
            );
            stray.children.push(root);
        }
    }
    if !stray.children.is_empty() {
        calendars.push(Calendar::read(stray, &options.floating_zone, &mut warnings));
    }
    for c in &calendars {
        if c.events.is_empty() && c.components.is_empty() && c.properties.is_empty() {
            warnings.push(c.line, "VCALENDAR holds nothing".into());
        }
    }
    if calendars.is_empty() {
        warnings.push(0, "no iCalendar object found".into());
    }
    Parsed {
        calendars,
        warnings: warnings.into_vec(),
    }
}
