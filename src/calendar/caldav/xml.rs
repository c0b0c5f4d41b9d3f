//! CalDAV's XML: the bodies roomd sends and the multistatus replies it reads.
//!
//! Every CalDAV question is a PROPFIND or a REPORT with an XML body; every answer is a
//! `207 Multi-Status` holding one `response` per resource, whose properties come in
//! `propstat` groups that share an HTTP status (RFC 4918 §13). Servers vary everything XML
//! lets them: Radicale makes `DAV:` the default namespace, SabreDAV (Nextcloud) writes `d:`
//! and `cal:`, Apple declares namespaces on the elements themselves. So elements are matched
//! by namespace and local name, never by prefix, and properties in a propstat whose status
//! is not 2xx (the `404` listing what the server does not have) are ignored.
//!
//! Parsing is `roxmltree`'s (no DTD, bounded node count); nothing here panics on any input,
//! and a reply larger than [`MAX_REPLY`] is refused. The hrefs in a reply are resolved
//! against the request's URL by [`resolve_href`].

use chrono::{DateTime, Utc};
use roxmltree::{Document, Node, ParsingOptions};

pub use super::href::resolve_href;

/// WebDAV's namespace (RFC 4918).
pub const DAV: &str = "DAV:";
/// CalDAV's namespace (RFC 4791).
pub const CALDAV: &str = "urn:ietf:params:xml:ns:caldav";
/// Apple's namespace, home of `getctag`.
pub const CALENDARSERVER: &str = "http://calendarserver.org/ns/";
/// The `Content-Type` of every body built here.
pub const CONTENT_TYPE: &str = "application/xml; charset=utf-8";
/// The largest reply read.
pub const MAX_REPLY: usize = 32 << 20;
/// The most XML nodes in a reply (each taking memory): an event's response is about 25, so
/// this is tens of thousands of events, far more than a room's calendar holds.
const MAX_NODES: u32 = 1_000_000;

const PROLOG: &str = r#"<?xml version="1.0" encoding="utf-8"?>"#;
const NAMESPACES: &str = r#"xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav""#;

/// A property roomd asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Prop {
    /// `DAV:resourcetype`: is it a collection, a calendar?
    ResourceType,
    /// `DAV:current-user-principal` (RFC 5397): who we are logged in as.
    CurrentUserPrincipal,
    /// `caldav:calendar-home-set`: where the principal's calendars live.
    CalendarHomeSet,
    /// `DAV:displayname`.
    DisplayName,
    /// `calendarserver:getctag`: changes whenever anything in the calendar does.
    GetCtag,
    /// `DAV:sync-token` (RFC 6578): the same, standardised.
    SyncToken,
    /// `DAV:getetag`: the version of one resource.
    GetEtag,
    /// `caldav:supported-calendar-component-set`: events, tasks or both.
    SupportedCalendarComponentSet,
}

impl Prop {
    /// The element, with the prefixes the bodies declare.
    fn element(self) -> &'static str {
        match self {
            Prop::ResourceType => "<d:resourcetype/>",
            Prop::CurrentUserPrincipal => "<d:current-user-principal/>",
            Prop::CalendarHomeSet => "<c:calendar-home-set/>",
            Prop::DisplayName => "<d:displayname/>",
            Prop::GetCtag => "<cs:getctag/>",
            Prop::SyncToken => "<d:sync-token/>",
            Prop::GetEtag => "<d:getetag/>",
            Prop::SupportedCalendarComponentSet => "<c:supported-calendar-component-set/>",
        }
    }
}

/// The body of a PROPFIND asking for `props`.
pub fn propfind_body(props: &[Prop]) -> String {
    let cs = r#"xmlns:cs="http://calendarserver.org/ns/""#;
    let mut body = format!("{PROLOG}\n<d:propfind {NAMESPACES} {cs}>\n  <d:prop>\n");
    for prop in props {
        body.push_str("    ");
        body.push_str(prop.element());
        body.push('\n');
    }
    body.push_str("  </d:prop>\n</d:propfind>\n");
    body
}

/// The body of a calendar-query REPORT (RFC 4791 §7.8): the etag and iCalendar text of
/// every event with an instance overlapping `[from, to)`.
pub fn calendar_query_body(from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    format!(
        "{PROLOG}\n<c:calendar-query {NAMESPACES}>\n{DATA_PROPS}  <c:filter>\n    \
         <c:comp-filter name=\"VCALENDAR\">\n      <c:comp-filter name=\"VEVENT\">\n        \
         <c:time-range start=\"{}\" end=\"{}\"/>\n      </c:comp-filter>\n    \
         </c:comp-filter>\n  </c:filter>\n</c:calendar-query>\n",
        utc_basic(from),
        utc_basic(to),
    )
}

/// The body of a calendar-multiget REPORT (RFC 4791 §7.9) for these hrefs, as the server
/// sent them.
pub fn multiget_body(hrefs: &[String]) -> String {
    let mut body = format!("{PROLOG}\n<c:calendar-multiget {NAMESPACES}>\n{DATA_PROPS}");
    for href in hrefs {
        body.push_str(&format!("  <d:href>{}</d:href>\n", escape(href)));
    }
    body.push_str("</c:calendar-multiget>\n");
    body
}

const DATA_PROPS: &str = "  <d:prop>\n    <d:getetag/>\n    <c:calendar-data/>\n  </d:prop>\n";

/// `20261125T000000Z`, the form of CalDAV's time-range.
fn utc_basic(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes element text (hrefs never go into attributes).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One `response` of a multistatus.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    /// The href as sent (XML entities decoded, percent-escapes kept), trimmed.
    pub href: String,
    /// The response's own status, when it has one instead of propstats (a resource that
    /// is gone in a sync report, an href a multiget did not find).
    pub status: Option<u16>,
    /// The properties of every 2xx propstat.
    pub props: Props,
}

/// The properties read from a response; what a server did not send stays empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Props {
    /// The resource types: local names for `DAV:` and CalDAV ones (`collection`,
    /// `calendar`, `principal`, `schedule-inbox`...), `{namespace}name` for any other.
    pub resource_types: Vec<String>,
    /// The principal's href.
    pub current_user_principal: Option<String>,
    /// The first href of the calendar home set.
    pub calendar_home_set: Option<String>,
    pub display_name: Option<String>,
    pub ctag: Option<String>,
    pub sync_token: Option<String>,
    /// As sent, quotes included (what `If-Match` wants back).
    pub etag: Option<String>,
    /// The iCalendar text, untrimmed.
    pub calendar_data: Option<String>,
    /// The supported components, upper case (`VEVENT`, `VTODO`...).
    pub components: Vec<String>,
}

impl Props {
    /// Whether the resource is a CalDAV calendar collection.
    pub fn is_calendar(&self) -> bool {
        self.resource_types.iter().any(|t| t == "calendar")
    }

    /// Whether the calendar can hold events: it says so, or says nothing.
    pub fn has_events(&self) -> bool {
        self.components.is_empty() || self.components.iter().any(|c| c == "VEVENT")
    }
}

/// Reads a `207 Multi-Status` body into its responses, in order. Responses without an href
/// are skipped; anything unknown is ignored.
pub fn parse_multistatus(xml: &str) -> Result<Vec<Response>, String> {
    if xml.len() > MAX_REPLY {
        return Err(format!("the reply is larger than {} MiB", MAX_REPLY >> 20));
    }
    if xml.trim().is_empty() {
        return Err("the reply is empty, where a WebDAV multistatus was expected".into());
    }
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(xml, options).map_err(|e| match e {
        roxmltree::Error::NodesLimitReached => {
            format!("the reply has more than {MAX_NODES} XML nodes")
        }
        e => format!("the reply is not well-formed XML ({e})"),
    })?;
    let root = doc.root_element();
    if !is(root, DAV, "multistatus") {
        let name = root.tag_name();
        let ns = name
            .namespace()
            .map(|n| format!(" in {n}"))
            .unwrap_or_default();
        return Err(format!(
            "the reply is not a WebDAV multistatus (its root is <{}>{ns})",
            name.name()
        ));
    }
    Ok(children(root, DAV, "response")
        .filter_map(response)
        .collect())
}

fn response(node: Node) -> Option<Response> {
    let href = trimmed_text(children(node, DAV, "href").next()?)?;
    let mut props = Props::default();
    for propstat in children(node, DAV, "propstat") {
        // A propstat without a readable status is read: a few servers leave it out.
        if status(propstat).is_some_and(|c| !(200..300).contains(&c)) {
            continue;
        }
        for prop in children(propstat, DAV, "prop") {
            for element in prop.children().filter(Node::is_element) {
                read_prop(element, &mut props);
            }
        }
    }
    Some(Response {
        href,
        status: status(node),
        props,
    })
}

fn read_prop(element: Node, props: &mut Props) {
    let name = element.tag_name();
    match (name.namespace().unwrap_or(""), name.name()) {
        (DAV, "resourcetype") => props.resource_types.extend(
            element
                .children()
                .filter(Node::is_element)
                .map(resource_type),
        ),
        (DAV, "current-user-principal") => props.current_user_principal = first_href(element),
        (CALDAV, "calendar-home-set") => props.calendar_home_set = first_href(element),
        (DAV, "displayname") => props.display_name = trimmed_text(element),
        (CALENDARSERVER, "getctag") => props.ctag = trimmed_text(element),
        (DAV, "sync-token") => props.sync_token = trimmed_text(element),
        (DAV, "getetag") => props.etag = trimmed_text(element),
        (CALDAV, "calendar-data") => {
            let data = text(element);
            props.calendar_data = (!data.trim().is_empty()).then_some(data);
        }
        (CALDAV, "supported-calendar-component-set") => props.components.extend(
            children(element, CALDAV, "comp")
                .filter_map(|c| c.attribute("name"))
                .map(|n| n.trim().to_ascii_uppercase()),
        ),
        _ => {}
    }
}

fn resource_type(node: Node) -> String {
    let name = node.tag_name();
    match name.namespace() {
        Some(DAV | CALDAV) => name.name().to_string(),
        ns => format!("{{{}}}{}", ns.unwrap_or(""), name.name()),
    }
}

fn first_href(node: Node) -> Option<String> {
    children(node, DAV, "href").find_map(trimmed_text)
}

/// The code of a `status` child: `HTTP/1.1 404 Not Found` → 404.
fn status(node: Node) -> Option<u16> {
    let line = text(children(node, DAV, "status").next()?);
    line.split_whitespace().nth(1)?.parse().ok()
}

fn is(node: Node, namespace: &str, name: &str) -> bool {
    node.is_element()
        && node.tag_name().name() == name
        && node.tag_name().namespace() == Some(namespace)
}

fn children<'a, 'input>(
    node: Node<'a, 'input>,
    namespace: &'static str,
    name: &'static str,
) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(move |c| is(*c, namespace, name))
}

/// All the text inside, CDATA included.
fn text(node: Node) -> String {
    node.descendants()
        .filter_map(|n| n.is_text().then(|| n.text()).flatten())
        .collect()
}

fn trimmed_text(node: Node) -> Option<String> {
    let text = text(node);
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    // Radicale 3: everything on one line, `DAV:` as the default namespace.
    const RADICALE: &str = r#"<?xml version='1.0' encoding='utf-8'?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CS="http://calendarserver.org/ns/"><response><href>/room/</href><propstat><prop><resourcetype><principal /><collection /></resourcetype></prop><status>HTTP/1.1 200 OK</status></propstat></response><response><href>/room/a1b2%20c3/</href><propstat><prop><resourcetype><C:calendar /><collection /></resourcetype><displayname>Board room</displayname><CS:getctag>"5f3c"</CS:getctag><sync-token>http://radicale.org/ns/sync/5f3c</sync-token><C:supported-calendar-component-set><C:comp name="VEVENT" /><C:comp name="vtodo" /></C:supported-calendar-component-set></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#;

    // SabreDAV (Nextcloud): `d:`/`cal:` prefixes, what it lacks in a 404 propstat.
    const SABRE: &str = r#"<?xml version="1.0"?>
<d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" xmlns:cal="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/" xmlns:x1="http://apple.com/ns/ical/">
 <d:response>
  <d:href>/remote.php/dav/calendars/room/personal/</d:href>
  <d:propstat>
   <d:prop>
    <d:resourcetype><d:collection/><cal:calendar/><cs:shared-owner/></d:resourcetype>
    <cs:getctag>http://sabre.io/ns/sync/7</cs:getctag>
    <d:current-user-principal><d:href>/remote.php/dav/principals/users/room/</d:href></d:current-user-principal>
   </d:prop>
   <d:status>HTTP/1.1 200 OK</d:status>
  </d:propstat>
  <d:propstat>
   <d:prop><d:displayname>ghost</d:displayname><cal:calendar-home-set/></d:prop>
   <d:status>HTTP/1.1 404 Not Found</d:status>
  </d:propstat>
 </d:response>
 <d:response>
  <d:href>/remote.php/dav/calendars/room/personal/a&amp;b.ics</d:href>
  <d:status>HTTP/1.1 404 Not Found</d:status>
 </d:response>
</d:multistatus>"#;

    // A multiget reply, Apple-style: namespaces declared where they are used.
    const DATA: &str = "<D:multistatus xmlns:D=\"DAV:\"><D:response><D:href> /cal/1.ics </D:href>\
        <D:propstat><D:prop><D:getetag>\"e1\"</D:getetag><C:calendar-data \
        xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><![CDATA[BEGIN:VCALENDAR\r\nSUMMARY:R&D <sync>\r\n\
        END:VCALENDAR\r\n]]></C:calendar-data></D:prop><D:status>HTTP/1.1 200 OK</D:status>\
        </D:propstat></D:response><D:response><D:href>/cal/2.ics</D:href><D:propstat><D:prop>\
        <calendar-data xmlns=\"urn:ietf:params:xml:ns:caldav\">BEGIN:VCALENDAR&#13;\nSUMMARY:R&amp;D\
        &#13;\nEND:VCALENDAR&#13;\n</calendar-data></D:prop><D:status>HTTP/1.1 200 OK</D:status>\
        </D:propstat></D:response></D:multistatus>";

    #[test]
    fn radicale_default_namespace() {
        let r = parse_multistatus(RADICALE).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].props.resource_types, ["principal", "collection"]);
        assert!(!r[0].props.is_calendar());
        let cal = &r[1];
        assert_eq!(cal.href, "/room/a1b2%20c3/");
        assert!(cal.props.is_calendar() && cal.props.has_events());
        assert_eq!(cal.props.display_name.as_deref(), Some("Board room"));
        assert_eq!(cal.props.ctag.as_deref(), Some("\"5f3c\""));
        let sync = "http://radicale.org/ns/sync/5f3c";
        assert_eq!(cal.props.sync_token.as_deref(), Some(sync));
        assert_eq!(cal.props.components, ["VEVENT", "VTODO"]);
    }

    #[test]
    fn sabre_prefixes_and_a_404_propstat() {
        let r = parse_multistatus(SABRE).unwrap();
        let p = &r[0].props;
        let shared = "{http://calendarserver.org/ns/}shared-owner";
        assert_eq!(p.resource_types, ["collection", "calendar", shared]);
        assert_eq!(p.ctag.as_deref(), Some("http://sabre.io/ns/sync/7"));
        let principal = "/remote.php/dav/principals/users/room/";
        assert_eq!(p.current_user_principal.as_deref(), Some(principal));
        assert_eq!((&p.display_name, &p.calendar_home_set), (&None, &None));
        assert_eq!(r[0].status, None);
        assert_eq!(r[1].href, "/remote.php/dav/calendars/room/personal/a&b.ics");
        assert_eq!((r[1].status, &r[1].props), (Some(404), &Props::default()));
    }

    #[test]
    fn calendar_data_in_cdata_or_escaped() {
        let r = parse_multistatus(DATA).unwrap();
        assert_eq!(r[0].href, "/cal/1.ics");
        assert_eq!(r[0].props.etag.as_deref(), Some("\"e1\""));
        // XML turns CR LF into LF (XML 1.0 §2.11), even in CDATA; `ics` reads either.
        let cdata = "BEGIN:VCALENDAR\nSUMMARY:R&D <sync>\nEND:VCALENDAR\n";
        assert_eq!(r[0].props.calendar_data.as_deref(), Some(cdata));
        let escaped = "BEGIN:VCALENDAR\r\nSUMMARY:R&D\r\nEND:VCALENDAR\r\n";
        assert_eq!(r[1].props.calendar_data.as_deref(), Some(escaped));
    }

    #[test]
    fn what_is_not_a_multistatus_is_refused_clearly() {
        let cases = [
            ("", "empty"),
            ("Unauthorized", "not well-formed XML"),
            ("<multistatus xmlns='DAV:'><response>", "not well-formed"),
            ("<!DOCTYPE m [<!ENTITY a 'x'>]><m/>", "not well-formed"),
            ("<html><body>Log in</body></html>", "root is <html>)"),
            ("<multistatus><response/></multistatus>", "<multistatus>)"),
            ("<multistatus xmlns='x:'/>", "root is <multistatus> in x:)"),
            (&" ".repeat(MAX_REPLY + 1), "larger than 32 MiB"),
        ];
        for (xml, message) in cases {
            let err = parse_multistatus(xml).unwrap_err();
            assert!(err.contains(message), "{err:?} for {:.40}", xml);
        }
        let empty = "<multistatus xmlns='DAV:'><response><propstat/></response></multistatus>";
        assert_eq!(parse_multistatus(empty), Ok(vec![]));
    }

    #[test]
    fn no_input_panics() {
        for xml in [RADICALE, SABRE, DATA] {
            for end in (0..xml.len()).filter(|&i| xml.is_char_boundary(i)) {
                let _ = parse_multistatus(&xml[..end]);
            }
        }
        assert!(parse_multistatus(&"<a>".repeat(100_000)).is_err());
        let deep = format!("{}x{}", "<h>".repeat(50_000), "</h>".repeat(50_000));
        let deep = format!("<m:multistatus xmlns:m='DAV:'><m:response><m:href>{deep}</m:href>");
        let r = parse_multistatus(&format!("{deep}</m:response></m:multistatus>"));
        assert_eq!(r.unwrap()[0].href, "x");
        let many = "<response/>".repeat(MAX_NODES as usize);
        let many = format!("<multistatus xmlns='DAV:'>{many}</multistatus>");
        let err = parse_multistatus(&many).unwrap_err();
        assert!(err.contains("more than 1000000 XML nodes"), "{err}");
    }

    /// Every element of a body, as `{namespace}name`.
    fn elements(xml: &str) -> String {
        let doc = Document::parse(xml).expect("well-formed");
        let names = doc.descendants().filter(|n| n.is_element()).map(|n| {
            let name = n.tag_name();
            format!("{{{}}}{}", name.namespace().unwrap_or(""), name.name())
        });
        names.collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn propfind_asks_in_the_right_namespaces() {
        use Prop::*;
        let some = [
            ResourceType,
            CurrentUserPrincipal,
            CalendarHomeSet,
            DisplayName,
        ];
        let more = [GetCtag, SyncToken, GetEtag, SupportedCalendarComponentSet];
        assert_eq!(
            elements(&propfind_body(&[some, more].concat())),
            "{DAV:}propfind {DAV:}prop {DAV:}resourcetype {DAV:}current-user-principal \
             {urn:ietf:params:xml:ns:caldav}calendar-home-set {DAV:}displayname \
             {http://calendarserver.org/ns/}getctag {DAV:}sync-token {DAV:}getetag \
             {urn:ietf:params:xml:ns:caldav}supported-calendar-component-set"
        );
    }

    #[test]
    fn reports_ask_for_etags_and_data() {
        let from = Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).unwrap();
        let query = calendar_query_body(from, from + chrono::Duration::days(8));
        let c = "urn:ietf:params:xml:ns:caldav";
        assert_eq!(
            elements(&query),
            format!(
                "{{{c}}}calendar-query {{DAV:}}prop {{DAV:}}getetag {{{c}}}calendar-data \
                 {{{c}}}filter {{{c}}}comp-filter {{{c}}}comp-filter {{{c}}}time-range"
            )
        );
        let filter = r#"name="VCALENDAR">
      <c:comp-filter name="VEVENT">
        <c:time-range start="20261125T000000Z" end="20261203T000000Z"/>"#;
        assert!(query.contains(filter), "{query}");

        let multiget = multiget_body(&["/cal/a&b.ics".into(), "/cal/<c>.ics".into()]);
        let doc = Document::parse(&multiget).unwrap();
        let root = doc.root_element();
        assert!(root.has_tag_name((CALDAV, "calendar-multiget")));
        let hrefs = children(root, DAV, "href").map(|n| text(n));
        assert_eq!(hrefs.collect::<Vec<_>>(), ["/cal/a&b.ics", "/cal/<c>.ics"]);
        let asked = "{DAV:}getetag {urn:ietf:params:xml:ns:caldav}calendar-data";
        assert!(elements(&multiget).contains(asked));
    }
}
