//! Reading the room's calendar from its CalDAV server: the HTTP half of [`crate::calendar::caldav`].
//!
//! `Configuration Bookings CalDAV Url/UserName/Password/PollInterval` (roomd extensions) say
//! where. The calendar is found once (discovery), then polled every `PollInterval` seconds on
//! the device's clock: a cheap PROPFIND for its ctag/sync-token, and only when that moved a
//! calendar-query for the events from a day back to [`QUERY_DAYS`] ahead. `Bookings CalDAV
//! Sync` polls at once and answers with what changed. `Status Bookings CalDAV` tells the
//! state, the calendar found, the last good sync and the last error.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, ETAG, IF_MATCH, LOCATION};
use reqwest::{Client, Method};
use serde_json::{Map, Value as Json};

use super::server::{ServerObject, SyncSummary};
use super::{Bookings, PAST_WINDOW_MS, super_log, to_utc};
use crate::calendar::caldav::{self, Discovery, Request, Step};
use crate::clock::{Millis, iso8601};
use crate::xapi::{Caller, XapiError, parse_text};

/// How far ahead the room reads its calendar.
const QUERY_DAYS: i64 = 90;
/// A server that does not answer within this is counted as failed.
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The server's address and account, as configured.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Account {
    pub url: String,
    pub user: String,
    pub password: String,
}

/// What the poller keeps between polls.
#[derive(Default)]
pub(super) struct Session {
    /// The account the calendar below was found with.
    account: Account,
    calendar: Option<caldav::Calendar>,
    /// Whether the calendar has been read at least once since it was found.
    listed: bool,
}

/// The HTTP client and the poller's state (one sync at a time).
pub(super) struct CalDavClient {
    http: Client,
    session: tokio::sync::Mutex<Session>,
}

impl CalDavClient {
    pub fn new() -> CalDavClient {
        let http = crate::services::http_client::build_client(|builder| {
            builder
                // Redirects are followed by the discovery itself: reqwest would turn a
                // PROPFIND into a GET on a 301.
                .redirect(reqwest::redirect::Policy::none())
                .timeout(HTTP_TIMEOUT)
        });
        CalDavClient {
            http,
            session: tokio::sync::Mutex::new(Session::default()),
        }
    }

    /// Sends one request; the status, body and `Location`.
    async fn send(
        &self,
        account: &Account,
        request: &Request,
    ) -> Result<(u16, String, Option<String>), String> {
        let method = Method::from_bytes(request.method.as_bytes())
            .map_err(|_| format!("bad method {}", request.method))?;
        let builder = self
            .http
            .request(method, &request.url)
            .header("Depth", request.depth.to_string())
            .header(CONTENT_TYPE, caldav::CONTENT_TYPE)
            .body(request.body.clone());
        let response = send_as(builder, account).await?;
        let status = response.status().as_u16();
        let location = header(&response, LOCATION);
        if response
            .content_length()
            .is_some_and(|n| n as usize > caldav::MAX_REPLY)
        {
            return Err(format!(
                "the CalDAV server's reply is over {} MiB",
                caldav::MAX_REPLY >> 20
            ));
        }
        let body = response
            .text()
            .await
            .map_err(|e| format!("reading the CalDAV reply: {}", without_url(&e)))?;
        Ok((status, body, location))
    }

    /// Finds the calendar behind `account.url`.
    async fn discover(&self, account: &Account) -> Result<caldav::Calendar, String> {
        let mut discovery = Discovery::new(&account.url);
        let mut step = discovery.start();
        loop {
            match step {
                Step::Send(request) => {
                    let (status, body, location) = self.send(account, &request).await?;
                    step = match location {
                        Some(to) if (300..400).contains(&status) => discovery.on_redirect(&to),
                        _ => discovery.on_response(status, &body),
                    };
                }
                Step::Found(calendar) => return Ok(calendar),
                Step::Failed(why) => return Err(why),
            }
        }
    }

    /// Polls the calendar: `None` when it has not changed since the last listing.
    async fn poll(
        &self,
        account: &Account,
        now: Millis,
    ) -> Result<Option<Vec<ServerObject>>, String> {
        let mut session = self.session.lock().await;
        if session.account != *account || session.calendar.is_none() {
            let calendar = self.discover(account).await?;
            *session = Session {
                account: account.clone(),
                calendar: Some(calendar),
                listed: false,
            };
        }
        let Some(calendar) = session.calendar.clone() else {
            return Err("no calendar found".into());
        };
        let (status, body, _) = self.send(account, &calendar.check_request()).await?;
        let props = match calendar.check_reply(status, &body) {
            Ok(props) => props,
            Err(why) => {
                // The calendar may have moved: find it again next time.
                session.calendar = None;
                return Err(why);
            }
        };
        if session.listed && !caldav::changed(&calendar, &props) {
            return Ok(None);
        }
        let query = calendar.query_request(
            to_utc(now - PAST_WINDOW_MS),
            to_utc(now + QUERY_DAYS * 86_400_000),
        );
        let (status, body, _) = self.send(account, &query).await?;
        if status != 207 {
            return Err(format!(
                "the CalDAV server answered the calendar query with HTTP {status}"
            ));
        }
        let responses = caldav::parse_multistatus(&body)?;
        let objects = responses
            .into_iter()
            .filter(|r| r.status.is_none_or(|s| (200..300).contains(&s)))
            .filter_map(|r| {
                Some(ServerObject {
                    href: caldav::resolve_href(&calendar.url, &r.href)?,
                    etag: r.props.etag,
                    ics: r.props.calendar_data?,
                })
            })
            .collect();
        if let Some(c) = session.calendar.as_mut() {
            c.ctag = props.ctag;
            c.sync_token = props.sync_token;
        }
        session.listed = true;
        Ok(Some(objects))
    }

    /// Stores `ics` at `href` if it is still at `etag`; the new ETag, if the server says.
    pub async fn put(
        &self,
        account: &Account,
        href: &str,
        etag: Option<&str>,
        ics: String,
    ) -> Result<Option<String>, String> {
        let mut builder = self
            .http
            .put(href)
            .header(CONTENT_TYPE, "text/calendar; charset=utf-8")
            .body(ics);
        if let Some(etag) = etag {
            builder = builder.header(IF_MATCH, etag);
        }
        let response = send_as(builder, account).await?;
        match response.status().as_u16() {
            200..=299 => Ok(header(&response, ETAG)),
            412 => Err(
                "the meeting changed on the CalDAV server since it was read; \
                        it is read again at the next sync, answer then"
                    .into(),
            ),
            401 | 403 => Err("the CalDAV server refused the user name or password".into()),
            s => Err(format!("the CalDAV server refused the answer (HTTP {s})")),
        }
    }
}

/// Sends a request with the account's credentials (Basic, when there is a user name).
async fn send_as(
    mut builder: reqwest::RequestBuilder,
    account: &Account,
) -> Result<reqwest::Response, String> {
    if !account.user.is_empty() {
        builder = builder.basic_auth(&account.user, Some(&account.password));
    }
    builder
        .send()
        .await
        .map_err(|e| format!("the CalDAV server did not answer: {}", without_url(&e)))
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// reqwest's error without the URL, which may carry a password.
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "the server");
    }
    text
}

impl Bookings {
    /// The CalDAV account as configured; `None` when no URL is set.
    pub(super) fn caldav_account(&self) -> Option<Account> {
        let text = |name: &str| {
            self.bus
                .config(&format!("Bookings CalDAV {name}"))
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        let url = text("Url").trim().to_string();
        (!url.is_empty()).then(|| Account {
            url,
            user: text("UserName"),
            password: text("Password"),
        })
    }

    /// One poll, its outcome shown in `Status Bookings CalDAV`.
    pub(super) async fn caldav_sync(&self) -> Result<SyncSummary, XapiError> {
        let Some(account) = self.caldav_account() else {
            self.caldav_status("Off", "", "");
            return Err(XapiError::command_failed(
                "CalDAV is off: set Configuration Bookings CalDAV Url first",
            ));
        };
        let outcome = match self.caldav.poll(&account, self.now()).await {
            Ok(Some(objects)) => self.apply_listing(&objects),
            Ok(None) => Ok(SyncSummary::default()),
            Err(why) => Err(XapiError::command_failed(format!("CalDAV: {why}"))),
        };
        let calendar = {
            let session = self.caldav.session.lock().await;
            session
                .calendar
                .as_ref()
                .map(|c| c.url.clone())
                .unwrap_or_default()
        };
        match &outcome {
            Ok(_) => self.caldav_status("Synced", &calendar, ""),
            Err(e) => self.caldav_status("Failed", &calendar, &e.to_string()),
        }
        outcome
    }

    fn caldav_status(&self, state: &str, calendar: &str, error: &str) {
        let synced = (state == "Synced").then(|| iso8601(self.now()));
        super_log(self.status.update(|b| {
            b.set("Bookings CalDAV Status", state)?;
            b.set("Bookings CalDAV Calendar", calendar)?;
            b.set("Bookings CalDAV Error", error)?;
            match &synced {
                Some(at) => b.set("Bookings CalDAV LastSync", at.as_str()),
                None => Ok(()),
            }
        }));
    }

    /// `Bookings CalDAV Sync`.
    pub(super) async fn caldav_sync_command(&self) -> Result<Map<String, Json>, XapiError> {
        self.caldav_sync().await.map(|s| s.to_json())
    }

    /// Polls every `PollInterval` on the device's clock, and at once when the account changes.
    pub(super) async fn caldav_loop(self: Arc<Self>) {
        // The handle lives as long as the loop: dropping it would end the subscription.
        let (handle, mut config) = self.bus.subscriber(Caller::system(), "bookings caldav");
        match parse_text("Configuration Bookings CalDAV") {
            Ok(segs) => {
                if let Err(e) = handle.subscribe(&segs) {
                    tracing::error!("bookings cannot follow the CalDAV configuration: {e}");
                }
            }
            Err(e) => tracing::error!("bookings: {e}"),
        }
        self.caldav_status("Off", "", "");
        let clock = self.bus.clock().clone();
        loop {
            if self.caldav_account().is_some()
                && let Err(e) = self.caldav_sync().await
            {
                tracing::warn!("bookings: {e}");
            }
            let every = self
                .bus
                .config("Bookings CalDAV PollInterval")
                .and_then(|v| v.as_int())
                .unwrap_or(300)
                .max(10);
            tokio::select! {
                _ = clock.sleep_until(clock.now() + every * 1000) => {}
                Some(_) = config.recv() => {}
            }
        }
    }
}
