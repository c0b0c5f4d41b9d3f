//! The calendar once found: whether it changed, and the REPORTs that read it.
//!
//! Reading a whole calendar is the expensive part, so a poll first asks only for the
//! calendar's `getctag` (Apple's, still the most widely served) and `sync-token` (RFC 6578),
//! which change whenever anything in it does ([`Calendar::check_request`], [`changed`]).
//! When they moved, or the server serves neither, the events are read again with a
//! calendar-query over the window the room shows, or a multiget of known hrefs.
//!
//! The request helpers [`super::discovery`] shares live here too: PROPFIND, and the
//! sentence for a reply that is not a 207 Multi-Status.

use chrono::{DateTime, Utc};

use super::discovery::Request;
use super::href::{hide_password, same_resource};
use super::xml::{
    Prop, Props, Response, calendar_query_body, multiget_body, parse_multistatus, propfind_body,
    resolve_href,
};

/// The calendar collection found, and its version when it was found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    pub url: String,
    pub display_name: Option<String>,
    pub ctag: Option<String>,
    pub sync_token: Option<String>,
}

impl Calendar {
    pub(super) fn new(url: String, props: Props) -> Calendar {
        Calendar {
            url,
            display_name: props.display_name,
            ctag: props.ctag,
            sync_token: props.sync_token,
        }
    }

    /// The Depth-0 PROPFIND whose reply, through [`Calendar::check_reply`], goes to
    /// [`changed`].
    pub fn check_request(&self) -> Request {
        propfind(self.url.clone(), 0, &[Prop::GetCtag, Prop::SyncToken])
    }

    /// The calendar's properties from the reply to [`Calendar::check_request`].
    pub fn check_reply(&self, status: u16, body: &str) -> Result<Props, String> {
        if status != 207 {
            return Err(status_error(&self.check_request(), status));
        }
        let responses =
            parse_multistatus(body).map_err(|e| format!("{}: {e}", hide_password(&self.url)))?;
        Ok(this_resource(&self.url, &responses)
            .cloned()
            .unwrap_or_default())
    }

    /// The REPORT for the events overlapping `[from, to)`, with their etags and text.
    pub fn query_request(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Request {
        report(self.url.clone(), calendar_query_body(from, to))
    }

    /// The REPORT for these events' etags and text (hrefs as the server sent them).
    pub fn multiget_request(&self, hrefs: &[String]) -> Request {
        report(self.url.clone(), multiget_body(hrefs))
    }
}

/// Whether the calendar must be read again: its ctag or sync-token moved, or the server
/// gives neither, so there is no telling.
pub fn changed(previous: &Calendar, now: &Props) -> bool {
    if now.ctag.is_none() && now.sync_token.is_none() {
        return true;
    }
    now.ctag != previous.ctag || now.sync_token != previous.sync_token
}

fn report(url: String, body: String) -> Request {
    Request {
        method: "REPORT",
        url,
        depth: 1,
        body,
    }
}

/// The response about `url` itself, or else the first (Depth 0 gives only one).
pub(super) fn this_resource<'a>(url: &str, responses: &'a [Response]) -> Option<&'a Props> {
    let same = |r: &&Response| resolve_href(url, &r.href).is_some_and(|u| same_resource(&u, url));
    let found = responses.iter().find(same).or(responses.first());
    found.map(|r| &r.props)
}

/// A PROPFIND asking for `props`.
pub(super) fn propfind(url: String, depth: u8, props: &[Prop]) -> Request {
    let body = propfind_body(props);
    Request {
        method: "PROPFIND",
        url,
        depth,
        body,
    }
}

/// The sentence for a status other than 207 Multi-Status.
pub(super) fn status_error(request: &Request, status: u16) -> String {
    let url = hide_password(&request.url);
    match status {
        401 | 403 => format!("the server refused the user name or password (HTTP {status})"),
        404 => format!("nothing was found at {url} (HTTP 404)"),
        200..=299 => format!(
            "{url} answered {} with HTTP {status} instead of 207 Multi-Status: \
             is it a CalDAV URL?",
            request.method
        ),
        300..=399 => format!("{url} redirected elsewhere (HTTP {status}), which was not followed"),
        _ => format!("{url} answered {} with HTTP {status}", request.method),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board_room() -> Calendar {
        Calendar {
            url: "https://h/dav/calendars/room/board%20room/".into(),
            display_name: Some("Board room".into()),
            ctag: Some("3145".into()),
            sync_token: Some("http://sabre.io/ns/sync/3145".into()),
        }
    }

    fn props(ctag: Option<&str>, sync_token: Option<&str>) -> Props {
        let (ctag, sync_token) = (ctag.map(Into::into), sync_token.map(Into::into));
        Props {
            ctag,
            sync_token,
            ..Props::default()
        }
    }

    #[test]
    fn ctag_and_sync_token_tell_when_to_read_again() {
        let previous = board_room();
        let sync = Some("http://sabre.io/ns/sync/3145");
        assert!(!changed(&previous, &props(Some("3145"), sync)));
        assert!(changed(&previous, &props(Some("3146"), sync)));
        assert!(changed(
            &previous,
            &props(Some("3145"), Some("http://sabre.io/ns/sync/3146"))
        ));
        assert!(changed(&previous, &props(None, sync)));
        assert!(changed(&previous, &props(None, None)));
        let bare = Calendar {
            url: "https://h/c/".into(),
            ..Calendar::default()
        };
        assert!(changed(&bare, &props(None, None)));
        assert!(changed(&bare, &props(Some("1"), None)));
    }

    #[test]
    fn the_check_asks_for_the_version_only() {
        let calendar = board_room();
        let check = calendar.check_request();
        assert_eq!((check.method, check.depth), ("PROPFIND", 0));
        assert_eq!(check.url, calendar.url);
        assert!(check.body.contains("getctag") && check.body.contains("<d:sync-token/>"));
        assert!(!check.body.contains("calendar-data"));

        // Nextcloud's reply, the href without its trailing slash.
        let reply = r#"<d:multistatus xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:response><d:href>/dav/calendars/room/board%20room</d:href><d:propstat><d:prop><cs:getctag>3146</cs:getctag><d:sync-token>http://sabre.io/ns/sync/3146</d:sync-token></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>"#;
        let now = calendar.check_reply(207, reply).unwrap();
        assert_eq!(
            now,
            props(Some("3146"), Some("http://sabre.io/ns/sync/3146"))
        );
        assert!(changed(&calendar, &now));

        let url = &calendar.url;
        for (status, expected) in [
            (
                403,
                "the server refused the user name or password (HTTP 403)".to_string(),
            ),
            (404, format!("nothing was found at {url} (HTTP 404)")),
            (
                301,
                format!("{url} redirected elsewhere (HTTP 301), which was not followed"),
            ),
            (500, format!("{url} answered PROPFIND with HTTP 500")),
        ] {
            assert_eq!(calendar.check_reply(status, ""), Err(expected));
        }
        let broken = calendar.check_reply(207, "oops").unwrap_err();
        assert!(broken.starts_with("https://h/dav/calendars/room/board%20room/: the reply is"));
    }

    #[test]
    fn reports_read_the_events() {
        let calendar = board_room();
        let from = DateTime::from_timestamp(1_795_564_800, 0).unwrap();
        let query = calendar.query_request(from, from + chrono::Duration::days(1));
        assert_eq!((query.method, query.depth), ("REPORT", 1));
        assert_eq!(query.url, calendar.url);
        let range = r#"<c:time-range start="20261125T000000Z" end="20261126T000000Z"/>"#;
        assert!(query.body.contains(range), "{}", query.body);

        let href = "/dav/calendars/room/board%20room/a&b.ics".to_string();
        let multiget = calendar.multiget_request(&[href]);
        assert_eq!((multiget.method, multiget.depth), ("REPORT", 1));
        let escaped = "<d:href>/dav/calendars/room/board%20room/a&amp;b.ics</d:href>";
        assert!(multiget.body.contains(escaped));
    }
}
