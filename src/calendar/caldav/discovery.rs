//! Finding the calendar to read, from whatever URL was configured.
//!
//! People paste many things into the CalDAV URL: the calendar itself, their principal, the
//! server's root, or just the host. CalDAV lets a client walk from any of them (RFC 4791 §6,
//! RFC 5397, RFC 6764): ask what the resource is; a calendar is the answer; otherwise it
//! names the calendar home (`calendar-home-set`) or the principal (`current-user-principal`)
//! that names it, and the home lists the calendars. A bare host gets one try at
//! `/.well-known/caldav`.
//!
//! [`Discovery`] is that walk as a sans-IO state machine, in the style of quinn-proto: it
//! returns the [`Request`] to send, the caller sends it and hands back the status and body,
//! until [`Step::Found`] or [`Step::Failed`]. No sockets, no clock, so any server's replies
//! can be replayed in a test. The walk only goes forward (configured URL → principal → home)
//! and is bounded by [`MAX_REQUESTS`], so a server redirecting in circles cannot spin it.
//!
//! What to do with the [`Calendar`] found (when to read it again, and how) is in
//! `collection`.

pub use super::collection::{Calendar, changed};
use super::collection::{propfind, status_error, this_resource};
use super::href::{hide_password, same_resource};
use super::xml::{Prop, Response, parse_multistatus, resolve_href};

/// The most requests one discovery sends, redirects included.
pub const MAX_REQUESTS: usize = 8;

/// What is asked of the configured URL: enough to recognise a calendar, a home or a principal.
const FIRST_PROPS: [Prop; 7] = [
    Prop::ResourceType,
    Prop::CurrentUserPrincipal,
    Prop::CalendarHomeSet,
    Prop::DisplayName,
    Prop::GetCtag,
    Prop::SyncToken,
    Prop::SupportedCalendarComponentSet,
];
/// What is asked of each calendar in the home.
const HOME_PROPS: [Prop; 5] = [
    Prop::ResourceType,
    Prop::DisplayName,
    Prop::GetCtag,
    Prop::SyncToken,
    Prop::SupportedCalendarComponentSet,
];

/// An HTTP request to send. The body, if any, is XML ([`super::xml::CONTENT_TYPE`]); the
/// depth goes in the `Depth` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `PROPFIND` or `REPORT`.
    pub method: &'static str,
    pub url: String,
    pub depth: u8,
    pub body: String,
}

/// What to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Send(Request),
    Found(Calendar),
    /// Why there is no calendar, in words for the room's status.
    Failed(String),
}

/// Which question the pending request asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asked {
    Configured,
    WellKnown,
    Principal,
    Home,
}

/// The walk from the configured URL to a calendar.
#[derive(Debug, Clone)]
pub struct Discovery {
    configured: String,
    pending: Option<(Asked, Request)>,
    sent: usize,
    tried_well_known: bool,
}

impl Discovery {
    pub fn new(configured_url: &str) -> Discovery {
        Discovery {
            configured: configured_url.trim().to_string(),
            pending: None,
            sent: 0,
            tried_well_known: false,
        }
    }

    /// Starts (or restarts) the walk: the first request, or why there is none.
    pub fn start(&mut self) -> Step {
        self.sent = 0;
        self.tried_well_known = false;
        match resolve_href(&self.configured, "") {
            Some(url) => self.propfind(Asked::Configured, url, 0, &FIRST_PROPS),
            None => {
                self.pending = None;
                let shown = hide_password(&self.configured);
                Step::Failed(format!("the CalDAV URL \"{shown}\" is not an http(s) URL"))
            }
        }
    }

    /// Reads the reply to the request last returned.
    pub fn on_response(&mut self, status: u16, body: &str) -> Step {
        let Some((asked, request)) = self.pending.take() else {
            return Step::Failed("a CalDAV reply came when none was awaited".into());
        };
        let url = request.url.as_str();
        if status != 207 {
            let refused = matches!(status, 401 | 403);
            if !refused && asked == Asked::Configured && self.may_try_well_known(url) {
                return self.well_known(url);
            }
            return Step::Failed(status_error(&request, status));
        }
        let responses = match parse_multistatus(body) {
            Ok(responses) => responses,
            Err(e) => return Step::Failed(format!("{}: {e}", hide_password(url))),
        };
        match asked {
            Asked::Home => pick_calendar(url, &responses),
            _ => self.follow(asked, url, &responses),
        }
    }

    /// For a client that does not follow redirects itself: the pending request answered
    /// 301, 302, 307 or 308 with this `Location`, so the same request goes there.
    pub fn on_redirect(&mut self, location: &str) -> Step {
        let Some((asked, request)) = self.pending.take() else {
            return Step::Failed("a CalDAV redirect came when none was awaited".into());
        };
        match resolve_href(&request.url, location) {
            Some(url) => self.send(asked, Request { url, ..request }),
            None => Step::Failed(format!(
                "{} redirected to \"{}\", which is not an http(s) URL",
                hide_password(&request.url),
                location.trim()
            )),
        }
    }

    /// After a Depth-0 reply on the configured URL, the well-known URL or the principal.
    fn follow(&mut self, asked: Asked, url: &str, responses: &[Response]) -> Step {
        let props = this_resource(url, responses).cloned().unwrap_or_default();
        let shown = hide_password(url);
        if props.is_calendar() && asked != Asked::Principal {
            if !props.has_events() {
                let holds = props.components.join(", ");
                return Step::Failed(format!("{shown} is a calendar without events ({holds})"));
            }
            return Step::Found(Calendar::new(url.to_string(), props));
        }
        if let Some(home) = &props.calendar_home_set {
            return match resolve_href(url, home) {
                Some(home) => self.propfind(Asked::Home, home, 1, &HOME_PROPS),
                None => Step::Failed(format!("{shown} names an unusable calendar home: {home}")),
            };
        }
        if let Some(principal) = &props.current_user_principal
            && asked != Asked::Principal
            && let Some(principal) = resolve_href(url, principal)
            && !same_resource(&principal, url)
        {
            return self.propfind(Asked::Principal, principal, 0, &[Prop::CalendarHomeSet]);
        }
        if asked == Asked::Configured && self.may_try_well_known(url) {
            return self.well_known(url);
        }
        Step::Failed(match asked {
            Asked::Principal => format!("the user's principal {shown} names no calendar home"),
            _ => format!("{shown} is not a calendar and names no calendar home or principal"),
        })
    }

    fn may_try_well_known(&self, url: &str) -> bool {
        !self.tried_well_known && resolve_href(url, "/").as_deref() == Some(url)
    }

    fn well_known(&mut self, root: &str) -> Step {
        self.tried_well_known = true;
        match resolve_href(root, "/.well-known/caldav") {
            Some(url) => self.propfind(Asked::WellKnown, url, 0, &FIRST_PROPS),
            None => Step::Failed(format!("{} holds no calendar", hide_password(root))),
        }
    }

    fn propfind(&mut self, asked: Asked, url: String, depth: u8, props: &[Prop]) -> Step {
        self.send(asked, propfind(url, depth, props))
    }

    fn send(&mut self, asked: Asked, request: Request) -> Step {
        if self.sent >= MAX_REQUESTS {
            return Step::Failed(format!(
                "no calendar found after {MAX_REQUESTS} requests: the server keeps sending \
                 us elsewhere; configure the calendar's own URL"
            ));
        }
        self.sent += 1;
        self.pending = Some((asked, request.clone()));
        Step::Send(request)
    }
}

/// In a calendar home's Depth-1 listing, the first calendar that can hold events.
fn pick_calendar(home: &str, responses: &[Response]) -> Step {
    let calendar = responses.iter().find_map(|r| {
        let url = resolve_href(home, &r.href)?;
        let usable = r.props.is_calendar() && r.props.has_events() && !same_resource(&url, home);
        usable.then(|| Calendar::new(url, r.props.clone()))
    });
    match calendar {
        Some(calendar) => Step::Found(calendar),
        None => Step::Failed(format!(
            "the calendar home {} holds no calendar of events",
            hide_password(home)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(step: Step) -> Request {
        match step {
            Step::Send(request) => request,
            other => panic!("expected a request, got {other:?}"),
        }
    }

    /// The request sent, checked to go to `url` with that depth.
    fn asks(step: Step, url: &str, depth: u8) -> Request {
        let request = sent(step);
        assert_eq!((request.url.as_str(), request.depth), (url, depth));
        request
    }

    fn failed(step: Step) -> String {
        match step {
            Step::Failed(message) => message,
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    /// A SabreDAV (Nextcloud, Baïkal) multistatus: `d:`/`cal:` prefixes, and the 404
    /// propstat it adds for what a resource lacks.
    fn sabre(responses: &[(&str, &str)]) -> String {
        let mut xml = String::from(
            r#"<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" xmlns:cal="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/">"#,
        );
        for (href, props) in responses {
            xml += &format!(
                "<d:response><d:href>{href}</d:href><d:propstat><d:prop>{props}</d:prop>\
                 <d:status>HTTP/1.1 200 OK</d:status></d:propstat><d:propstat><d:prop>\
                 <cal:calendar-home-set/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status>\
                 </d:propstat></d:response>"
            );
        }
        xml + "</d:multistatus>"
    }

    const COLLECTION: &str = "<d:resourcetype><d:collection/></d:resourcetype>";
    const PRINCIPAL: &str = "<d:current-user-principal><d:href>/dav/principals/room/</d:href>\
        </d:current-user-principal><d:resourcetype><d:collection/></d:resourcetype>";
    const HOME_SET: &str =
        "<cal:calendar-home-set><d:href>/dav/calendars/room/</d:href></cal:calendar-home-set>";
    const EVENTS: &str = "<d:resourcetype><d:collection/><cal:calendar/></d:resourcetype>\
        <d:displayname>Board room</d:displayname><cs:getctag>3145</cs:getctag>\
        <d:sync-token>http://sabre.io/ns/sync/3145</d:sync-token>\
        <cal:supported-calendar-component-set><cal:comp name=\"VEVENT\"/>\
        </cal:supported-calendar-component-set>";
    const TASKS: &str = "<d:resourcetype><d:collection/><cal:calendar/></d:resourcetype>\
        <cal:supported-calendar-component-set><cal:comp name=\"VTODO\"/>\
        </cal:supported-calendar-component-set>";
    const INBOX: &str = "<d:resourcetype><d:collection/><cal:schedule-inbox/></d:resourcetype>";

    /// The home's Depth-1 listing: itself, the inbox, a task list, then the calendar.
    fn home_listing() -> String {
        sabre(&[
            ("/dav/calendars/room/", COLLECTION),
            ("/dav/calendars/room/inbox/", INBOX),
            ("/dav/calendars/room/tasks/", TASKS),
            ("/dav/calendars/room/board%20room/", EVENTS),
        ])
    }

    fn board_room(host: &str) -> Step {
        Step::Found(Calendar {
            url: format!("https://{host}/dav/calendars/room/board%20room/"),
            display_name: Some("Board room".into()),
            ctag: Some("3145".into()),
            sync_token: Some("http://sabre.io/ns/sync/3145".into()),
        })
    }

    #[test]
    fn walks_from_the_root_through_the_principal_and_home() {
        let mut d = Discovery::new(" https://dav.example.com ");
        let first = asks(d.start(), "https://dav.example.com/", 0);
        assert_eq!(first.method, "PROPFIND");
        assert!(first.body.contains("<d:current-user-principal/>"));
        assert!(first.body.contains("<c:calendar-home-set/>") && first.body.contains("getctag"));
        let principal = d.on_response(207, &sabre(&[("/", PRINCIPAL)]));
        asks(principal, "https://dav.example.com/dav/principals/room/", 0);
        let home = d.on_response(207, &sabre(&[("/dav/principals/room/", HOME_SET)]));
        asks(home, "https://dav.example.com/dav/calendars/room/", 1);
        let found = d.on_response(207, &home_listing());
        assert_eq!(found, board_room("dav.example.com"));
        assert!(failed(d.on_response(207, &home_listing())).contains("none was awaited"));
    }

    #[test]
    fn the_configured_calendar_is_found_at_once() {
        // Radicale: one line, `DAV:` as the default namespace.
        let radicale = r#"<?xml version='1.0' encoding='utf-8'?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CS="http://calendarserver.org/ns/"><response><href>/room/board/</href><propstat><prop><resourcetype><C:calendar /><collection /></resourcetype><current-user-principal><href>/room/</href></current-user-principal><displayname>Board</displayname><CS:getctag>"8a1"</CS:getctag><sync-token>http://radicale.org/ns/sync/8a1</sync-token></prop><status>HTTP/1.1 200 OK</status></propstat><propstat><prop><C:calendar-home-set /></prop><status>HTTP/1.1 404 Not Found</status></propstat></response></multistatus>"#;
        let mut d = Discovery::new("http://radicale.local:5232/room/board");
        sent(d.start());
        let found = Calendar {
            url: "http://radicale.local:5232/room/board".into(),
            display_name: Some("Board".into()),
            ctag: Some("\"8a1\"".into()),
            sync_token: Some("http://radicale.org/ns/sync/8a1".into()),
        };
        assert_eq!(d.on_response(207, radicale), Step::Found(found));
    }

    #[test]
    fn icloud_sends_the_home_to_another_host() {
        // Apple: default namespace, redeclared on the elements that use it.
        let reply = |href: &str, props: &str| {
            format!(
                r#"<multistatus xmlns="DAV:"><response><href>{href}</href><propstat><prop>{props}</prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#
            )
        };
        let mut d = Discovery::new("https://caldav.icloud.com/");
        sent(d.start());
        let principal = r#"<current-user-principal><href xmlns="DAV:">/1234567/principal/</href></current-user-principal>"#;
        let next = d.on_response(207, &reply("/", principal));
        asks(next, "https://caldav.icloud.com/1234567/principal/", 0);
        let home = r#"<calendar-home-set xmlns="urn:ietf:params:xml:ns:caldav"><href xmlns="DAV:">https://p42-caldav.icloud.com:443/1234567/calendars/</href></calendar-home-set>"#;
        let next = d.on_response(207, &reply("/1234567/principal/", home));
        asks(
            next,
            "https://p42-caldav.icloud.com:443/1234567/calendars/",
            1,
        );
        let calendar = r#"<resourcetype><collection/><calendar xmlns="urn:ietf:params:xml:ns:caldav"/></resourcetype><getctag xmlns="http://calendarserver.org/ns/">HwoQEgwAAD</getctag>"#;
        let found = Calendar {
            url: "https://p42-caldav.icloud.com:443/1234567/calendars/home/".into(),
            ctag: Some("HwoQEgwAAD".into()),
            ..Calendar::default()
        };
        let reply = reply("/1234567/calendars/home/", calendar);
        assert_eq!(d.on_response(207, &reply), Step::Found(found));
    }

    #[test]
    fn a_bare_host_tries_well_known_once() {
        let mut d = Discovery::new("https://cloud.example.com");
        sent(d.start());
        let well_known = d.on_response(405, "<html/>");
        let well_known = asks(
            well_known,
            "https://cloud.example.com/.well-known/caldav",
            0,
        );
        let moved = sent(d.on_redirect("/remote.php/dav/"));
        let url = "https://cloud.example.com/remote.php/dav/".to_string();
        assert_eq!(moved, Request { url, ..well_known });
        let principal = d.on_response(207, &sabre(&[("/remote.php/dav/", PRINCIPAL)]));
        asks(
            principal,
            "https://cloud.example.com/dav/principals/room/",
            0,
        );
        sent(d.on_response(207, &sabre(&[("/dav/principals/room/", HOME_SET)])));
        let found = d.on_response(207, &home_listing());
        assert_eq!(found, board_room("cloud.example.com"));

        // A root with nothing useful, then a well-known URL with nothing either.
        let nothing = sabre(&[("/", COLLECTION)]);
        sent(d.start());
        asks(
            d.on_response(207, &nothing),
            "https://cloud.example.com/.well-known/caldav",
            0,
        );
        let message = failed(d.on_response(207, &nothing));
        assert!(message.contains("caldav is not a calendar and names no calendar"));
    }

    #[test]
    fn only_the_root_tries_well_known() {
        let mut d = Discovery::new("https://dav.example.com/dav/");
        sent(d.start());
        let message = failed(d.on_response(207, &sabre(&[("/dav/", COLLECTION)])));
        let expected = "is not a calendar and names no calendar home or principal";
        assert_eq!(message, format!("https://dav.example.com/dav/ {expected}"));
        sent(d.start());
        let message = failed(d.on_response(404, ""));
        assert_eq!(
            message,
            "nothing was found at https://dav.example.com/dav/ (HTTP 404)"
        );
    }

    #[test]
    fn failures_are_sentences_without_the_password() {
        let cases = "
            401 | | the server refused the user name or password (HTTP 401)
            200 |<html/>| https://h/cal/ answered PROPFIND with HTTP 200 instead of 207 Multi
            207 |<p>Log in| https://h/cal/: the reply is not well-formed XML
            207 |<d:error xmlns:d='DAV:'/>| https://h/cal/: the reply is not a WebDAV multistatus
            207 |<d:multistatus xmlns:d='DAV:'/>| https://h/cal/ is not a calendar and names no";
        for case in cases.trim().lines() {
            let mut parts = case.split('|').map(str::trim);
            let (status, body) = (parts.next().unwrap(), parts.next().unwrap());
            let (status, expected) = (status.parse().unwrap(), parts.next().unwrap());
            let mut d = Discovery::new("https://room:s3cret@h/cal/");
            sent(d.start());
            let message = failed(d.on_response(status, body));
            let shown = message.starts_with(expected) && !message.contains("s3cret");
            assert!(shown, "{message}");
        }
        let mut d = Discovery::new("https://h/tasks/");
        sent(d.start());
        let message = failed(d.on_response(207, &sabre(&[("/tasks/", TASKS)])));
        assert_eq!(
            message,
            "https://h/tasks/ is a calendar without events (VTODO)"
        );
    }

    #[test]
    fn a_home_without_events_or_a_principal_without_home_fails() {
        let mut d = Discovery::new("https://h/dav/principals/room/");
        sent(d.start());
        let home = sent(d.on_response(207, &sabre(&[("/dav/principals/room/", HOME_SET)])));
        assert!(home.body.contains("<d:resourcetype/>") && home.body.contains("getctag"));
        // The home itself is skipped even when it claims to be a calendar.
        let listing = [
            ("/dav/calendars/room", EVENTS),
            ("t/", TASKS),
            ("in/", INBOX),
        ];
        let message = failed(d.on_response(207, &sabre(&listing)));
        let expected = "the calendar home https://h/dav/calendars/room/ holds no calendar";
        assert_eq!(message, format!("{expected} of events"));

        let mut d = Discovery::new("https://h/cal/");
        sent(d.start());
        sent(d.on_response(207, &sabre(&[("/cal/", PRINCIPAL)])));
        let message = failed(d.on_response(207, &sabre(&[("/dav/principals/room/", PRINCIPAL)])));
        let expected = "the user's principal https://h/dav/principals/room/ names no calendar home";
        assert_eq!(message, expected);
    }

    #[test]
    fn a_server_sending_us_in_circles_is_given_up() {
        let mut d = Discovery::new("https://h/a/");
        let mut step = d.start();
        let mut requests = 0;
        while let Step::Send(_) = step {
            requests += 1;
            step = d.on_redirect(if requests % 2 == 0 { "/a/" } else { "/b/" });
        }
        assert_eq!(requests, MAX_REQUESTS);
        assert!(failed(step).contains("no calendar found after 8 requests"));
        assert!(failed(d.on_redirect("/c/")).contains("none was awaited"));
    }

    #[test]
    fn unusable_urls_are_refused() {
        for url in ["", "caldav.example.com", "ftp://h/", "https://"] {
            let message = failed(Discovery::new(url).start());
            assert!(message.contains("is not an http(s) URL"), "{message}");
        }
        let early = failed(Discovery::new("https://h/").on_response(207, ""));
        assert!(early.contains("none was awaited"));
        let mut d = Discovery::new("https://h/x/");
        sent(d.start());
        assert!(failed(d.on_redirect("mailto:x@h")).contains("not an http(s) URL"));
        sent(d.start());
        let home = "<cal:calendar-home-set><d:href>urn:x</d:href></cal:calendar-home-set>";
        let message = failed(d.on_response(207, &sabre(&[("/x/", home)])));
        assert_eq!(
            message,
            "https://h/x/ names an unusable calendar home: urn:x"
        );
    }
}
