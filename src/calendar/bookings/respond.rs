//! `Bookings Respond`: the room accepts or declines a meeting, and the organizer hears it.
//!
//! The answer is an iTIP REPLY (RFC 5546) from the room's calendar address. It goes out
//! every way that is set up: by mail to the organizer (iMIP, RFC 6047, through
//! `Configuration NetworkServices SMTP`), and, for a booking read from the CalDAV server,
//! as the room's PARTSTAT in the stored event (a conditional PUT, so a newer version on the
//! server is never overwritten). The REPLY text is also returned, for a mail gateway that
//! delivers it itself. A declined booking leaves the list: no Join button, no auto-join.
//!
//! The room's calendar address is `NetworkServices SMTP From`, or else the CalDAV user name
//! when that is an address.

use chrono::DateTime;
use serde_json::{Map, Value as Json, json};

use super::{Bookings, lock_state, master_of};
use crate::calendar::ics::{self, PartStat, Responder};
use crate::calendar::imip::{self, Security, Smtp};
use crate::xapi::{Invocation, XapiError};

fn failed(reason: impl Into<String>) -> XapiError {
    XapiError::command_failed(reason)
}

impl Bookings {
    fn config_text(&self, path: &str) -> String {
        self.bus
            .config(path)
            .map(|v| v.to_string())
            .unwrap_or_default()
    }

    /// The room's own calendar address.
    fn room_address(&self) -> Option<String> {
        let from = self.config_text("NetworkServices SMTP From");
        if from.contains('@') {
            return Some(from.trim().to_string());
        }
        self.caldav_account()
            .map(|a| a.user)
            .filter(|u| u.contains('@'))
    }

    /// The SMTP server, when mail is on.
    fn smtp(&self) -> Option<Smtp> {
        if self.config_text("NetworkServices SMTP Mode") != "On" {
            return None;
        }
        let security = match self.config_text("NetworkServices SMTP Security").as_str() {
            "None" => Security::None,
            "Tls" => Security::Tls,
            _ => Security::StartTls,
        };
        Some(Smtp {
            server: self.config_text("NetworkServices SMTP Server"),
            port: self
                .bus
                .config("NetworkServices SMTP Port")
                .and_then(|v| v.as_int())
                .and_then(|p| u16::try_from(p).ok())
                .unwrap_or(0),
            security,
            username: self.config_text("NetworkServices SMTP Username"),
            password: self.config_text("NetworkServices SMTP Password"),
        })
    }

    pub(super) async fn respond(&self, inv: Invocation) -> Result<Map<String, Json>, XapiError> {
        let uid = inv.params.text("MeetingId").unwrap_or_default();
        let partstat = match inv.params.text("Type").as_deref() {
            Some("Accept") => PartStat::Accepted,
            Some("Decline") => PartStat::Declined,
            other => {
                return Err(XapiError::invalid_value(format!(
                    "Type must be Accept or Decline, not {other:?}"
                )));
            }
        };
        if partstat == PartStat::Declined && self.config_text("Bookings AllowDecline") == "None" {
            return Err(failed(
                "declining is turned off (Configuration Bookings AllowDecline: None)",
            ));
        }
        let comment = inv.params.text("Comment");
        let (calendar, server) = {
            let state = lock_state(&self.state);
            let calendar = state.calendars.get(&uid).cloned();
            let entry = state.stored.bookings.get(&uid);
            match (calendar, entry) {
                (Some(c), Some(e)) => (c, e.server.clone()),
                _ => return Err(failed(format!("No booking with MeetingId {uid:?}"))),
            }
        };
        let address = self.room_address().ok_or_else(|| {
            failed(
                "the room's calendar address is not set: set Configuration NetworkServices \
                 SMTP From (or a CalDAV UserName that is an address); nothing was sent",
            )
        })?;
        let name = self.config_text("SystemUnit Name");
        let responder = Responder {
            address: &address,
            name: Some(name.as_str()).filter(|n| !n.is_empty()),
        };
        let now = DateTime::from_timestamp_millis(self.now()).unwrap_or_default();
        let reply = ics::reply(
            &calendar,
            &uid,
            responder,
            partstat,
            comment.as_deref(),
            now,
        )
        .ok_or_else(|| failed(format!("No booking with MeetingId {uid:?}")))?;
        let master = master_of(&calendar).cloned();
        let organizer = master
            .as_ref()
            .and_then(|e| e.organizer.as_ref())
            .map(|o| o.email())
            .filter(|o| o.contains('@'));
        let summary = master
            .as_ref()
            .and_then(|e| e.summary.clone())
            .unwrap_or_default();

        // Mail is checked before anything is sent, so a bad setup changes nothing.
        let mail = match (self.smtp(), &organizer) {
            (Some(smtp), Some(to)) => {
                let message = imip::message(&imip::Reply {
                    from: &address,
                    from_name: responder.name,
                    to,
                    summary: &summary,
                    partstat,
                    ics: &reply,
                })
                .map_err(failed)?;
                Some((smtp, message, to.clone()))
            }
            (Some(_), None) => {
                return Err(failed(
                    "the meeting names no organizer to mail the answer to; nothing was sent",
                ));
            }
            (None, _) => None,
        };

        let mut delivery = Map::new();
        let mut new_etag = None;
        match (&server, self.caldav_account()) {
            (Some(copy), Some(account)) => {
                let stored = ics::with_partstat(&calendar, &uid, responder, partstat);
                new_etag = Some(
                    self.caldav
                        .put(&account, &copy.href, copy.etag.as_deref(), stored)
                        .await
                        .map_err(|e| failed(format!("CalDAV: {e}; nothing was sent")))?,
                );
                delivery.insert("CalDAV".into(), json!("Updated"));
            }
            _ => {
                delivery.insert("CalDAV".into(), json!("NotFromCalDAV"));
            }
        }
        match mail {
            Some((smtp, message, to)) => {
                if let Err(e) = imip::send(&smtp, message).await {
                    let also = if new_etag.is_some() {
                        " (the CalDAV server already has the answer)"
                    } else {
                        ""
                    };
                    return Err(failed(format!("mail not sent: {e}{also}")));
                }
                delivery.insert("Mail".into(), json!(format!("Sent to {to}")));
            }
            None => {
                delivery.insert("Mail".into(), json!("Off"));
            }
        }
        self.record_answer(&uid, partstat, new_etag)?;
        let mut result = Map::new();
        result.insert("MeetingId".into(), json!(uid));
        result.insert(
            "Response".into(),
            json!(match partstat {
                PartStat::Accepted => "Accepted",
                PartStat::Declined => "Declined",
                PartStat::Tentative => "Tentative",
            }),
        );
        result.insert("Delivery".into(), Json::Object(delivery));
        result.insert("Reply".into(), json!(reply));
        Ok(result)
    }

    /// Keeps the answer (and the server's new ETag) with the booking.
    fn record_answer(
        &self,
        uid: &str,
        partstat: PartStat,
        new_etag: Option<Option<String>>,
    ) -> Result<(), XapiError> {
        let mut state = lock_state(&self.state);
        let Some(entry) = state.stored.bookings.get_mut(uid) else {
            // Cancelled while the answer was on its way: nothing left to mark.
            return Ok(());
        };
        let before = entry.clone();
        entry.answer = Some(partstat.name().to_string());
        if let (Some(etag), Some(server)) = (new_etag, entry.server.as_mut()) {
            server.etag = etag;
        }
        if let Err(e) = self.save(&state) {
            state.stored.bookings.insert(uid.to_string(), before);
            return Err(e);
        }
        drop(state);
        self.after_change();
        Ok(())
    }
}
