//! VCALENDAR: one iCalendar object, its METHOD, its events, and their instances.
//!
//! A calendar's events are grouped by UID: the master (no RECURRENCE-ID) gives the series,
//! and each VEVENT with a RECURRENCE-ID replaces the instance that would have started at that
//! time (moved, retitled, or cancelled with STATUS:CANCELLED). An override may arrive without
//! its master (Exchange sends single-instance updates that way); it then stands alone.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::component::Component;
use super::event::Event;
use super::itip::Method;
use super::property::Property;
use super::time::TimeReader;
use super::tzid::Resolver;
use super::warning::Warnings;
use super::zone::Zone;

/// Components read into [`Event`]s; the others are kept as parsed in `components`.
const EVENT_LIKE: &[&str] = &["VEVENT"];

/// One iCalendar object.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// METHOD (iTIP); `None` for a plain calendar.
    pub method: Option<Method>,
    pub prodid: Option<String>,
    pub events: Vec<Event>,
    /// The VCALENDAR's own properties.
    pub properties: Vec<Property>,
    /// The other components as parsed: VTIMEZONE, VTODO, VFREEBUSY, X-...
    pub components: Vec<Component>,
    /// The line of its `BEGIN:VCALENDAR` (0 for an implicit one).
    pub line: usize,
}

/// An instance of an event in a window, with overrides applied.
#[derive(Debug, Clone, Copy)]
pub struct Instance<'a> {
    /// The VEVENT it comes from: the master, or the override that replaced it.
    pub event: &'a Event,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Which instance of the series this is (its start by the rule); `None` when the event
    /// does not repeat.
    pub recurrence_id: Option<DateTime<Utc>>,
}

impl Calendar {
    /// Reads a VCALENDAR component; `floating` is the zone for floating times and DATEs.
    pub fn read(calendar: Component, floating: &Zone, warnings: &mut Warnings) -> Calendar {
        let Component {
            properties,
            children,
            line,
            ..
        } = calendar;
        let (zones, others): (Vec<Component>, Vec<Component>) =
            children.into_iter().partition(|c| c.name == "VTIMEZONE");
        let mut times = TimeReader::new(Resolver::new(&zones), floating);
        let mut events = Vec::new();
        let mut components = Vec::new();
        for child in others {
            if EVENT_LIKE.contains(&child.name.as_str()) {
                events.push(Event::read(child, &mut times, warnings));
            } else {
                components.push(child);
            }
        }
        drop(times);
        components.extend(zones);
        let value = |name: &str| {
            properties
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.text().trim().to_string())
        };
        Calendar {
            method: value("METHOD").map(|m| Method::from_name(&m)),
            prodid: value("PRODID"),
            events,
            properties,
            components,
            line,
        }
    }

    /// The zone a TZID means in this calendar (its own VTIMEZONEs first, then by name).
    pub fn zone(&self, tzid: &str) -> Zone {
        let mut resolver = Resolver::new(&self.components);
        resolver.resolve(tzid, 0, &mut Warnings::default())
    }

    /// The components called `name` other than events (e.g. `VTODO`, `VTIMEZONE`).
    pub fn components_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Component> + 'a {
        self.components.iter().filter(move |c| c.name == name)
    }

    /// Every instance overlapping `[from, to)`, overrides applied, cancelled ones left out,
    /// sorted by start.
    pub fn instances(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Instance<'_>> {
        let mut out = Vec::new();
        let overrides: Vec<&Event> = self
            .events
            .iter()
            .filter(|e| e.recurrence_id.is_some())
            .collect();
        let mut by_uid: HashMap<&str, Vec<&Event>> = HashMap::new();
        for o in &overrides {
            by_uid.entry(o.uid.as_str()).or_default().push(o);
        }
        for master in self.events.iter().filter(|e| e.recurrence_id.is_none()) {
            let mine = by_uid
                .get(master.uid.as_str())
                .map_or(&[][..], Vec::as_slice);
            let replaced: HashSet<DateTime<Utc>> = mine.iter().filter_map(|e| rid(e)).collect();
            let mut future: Vec<(DateTime<Utc>, &Event)> = mine
                .iter()
                .filter(|o| o.this_and_future)
                .filter_map(|o| Some((rid(o)?, *o)))
                .collect();
            future.sort_by_key(|(r, _)| *r);
            let recurring = master.is_recurring();
            for o in master.occurrences(from, to) {
                if replaced.contains(&o.recurrence_id) {
                    continue;
                }
                // A THISANDFUTURE override moves every later instance by the same amount.
                let before = future.partition_point(|(r, _)| *r <= o.recurrence_id);
                let base = before
                    .checked_sub(1)
                    .and_then(|i| future.get(i))
                    .map(|(_, f)| *f);
                let (event, start, end) = match base.and_then(|f| Some((f, shift(f)?))) {
                    Some((f, (delta, length))) => {
                        let start = o.start.checked_add_signed(delta).unwrap_or(o.start);
                        (f, start, start.checked_add_signed(length).unwrap_or(start))
                    }
                    None => (master, o.start, o.end),
                };
                if event.is_cancelled() {
                    continue;
                }
                out.push(Instance {
                    event,
                    start,
                    end,
                    recurrence_id: recurring.then_some(o.recurrence_id),
                });
            }
        }
        for o in &overrides {
            if o.is_cancelled() {
                continue;
            }
            for occurrence in o.occurrences(from, to).into_iter().take(1) {
                out.push(Instance {
                    event: o,
                    start: occurrence.start,
                    end: occurrence.end,
                    recurrence_id: rid(o),
                });
            }
        }
        out.sort_by_key(|i| (i.start, i.end));
        out
    }
}

fn rid(e: &Event) -> Option<DateTime<Utc>> {
    e.recurrence_id.as_ref().map(|t| t.utc)
}

/// For an override: how far it moved its instance, and its length.
fn shift(e: &Event) -> Option<(chrono::TimeDelta, chrono::TimeDelta)> {
    let start = e.start.as_ref()?.utc;
    let o = e.occurrences(
        start,
        start.checked_add_signed(chrono::TimeDelta::seconds(1))?,
    );
    let end = o.first().map_or(start, |o| o.end);
    Some((start - rid(e)?, end - start))
}
