//! CalDAV: reading the room's calendar from a server (RFC 4791, on WebDAV, RFC 4918).
//!
//! Invites handed over with `Bookings Import` only cover what someone pushes to the room; most
//! rooms have a calendar on an Exchange, Nextcloud, Radicale or iCloud server instead. This
//! module is the protocol half of reading it, sans-IO like the `ics` parser: it builds the
//! requests and reads the replies, and whoever owns the HTTP client and the clock sends them.
//!
//! - [`xml`]: the PROPFIND and REPORT bodies and the multistatus parser (matching
//!   namespaces, not prefixes, since every server spells them differently);
//! - `href`: resolving the hrefs of a reply against the request's URL (RFC 3986 §5.2), for
//!   [`xml::resolve_href`];
//! - [`discovery`]: the walk from whatever URL was configured (the calendar, a principal,
//!   the server root) to the calendar collection;
//! - `collection`: the calendar found, the cheap "has it changed?" check (`getctag`,
//!   `sync-token`) that decides when to read it again, and the REPORTs that read it.
//!
//! Nothing in here panics on what a server sends; every failure is a sentence for
//! `Status Bookings CalDAV Error`.

mod collection;
pub mod discovery;
mod href;
pub mod xml;

pub use discovery::{Calendar, Discovery, MAX_REQUESTS, Request, Step, changed};
pub use xml::{
    CALDAV, CALENDARSERVER, CONTENT_TYPE, DAV, MAX_REPLY, Prop, Props, Response,
    calendar_query_body, multiget_body, parse_multistatus, propfind_body, resolve_href,
};
