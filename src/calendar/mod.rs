//! The calendar: reading invites and finding how to join them.
//!
//! - [`ics`] turns iCalendar text (RFC 5545, with the iTIP methods of RFC 5546) into calendars
//!   and events whose times are resolved to UTC instants, and expands their recurrences. It is
//!   sans-IO: text in, values out, no clock, no files; whatever it could not read comes back as
//!   warnings with line numbers instead of failing the whole file.
//! - [`dialinfo`] reads an event's location and bodies and finds the dial strings a room
//!   device can call (Webex, Zoom, Teams through a video gateway, SIP and H.323 URIs...), in
//!   the order of a configurable rule table, the way One Button To Push back ends do.
//!
//! Bookings, CalDAV and replies build on these two.

pub mod bookings;
pub mod caldav;
pub mod dialinfo;
pub mod ics;
pub mod imip;
