//! iMIP (RFC 6047): an iTIP REPLY sent to the organizer by mail.
//!
//! The mail comes from the room's mailbox (the attendee) and goes to the ORGANIZER. It holds
//! a short text for people and the REPLY as a `text/calendar; method=REPLY` part, which is
//! what Exchange, Google and CalDAV servers with iMIP read to update the organizer's copy.
//! The SMTP server is the device's own (`Configuration NetworkServices SMTP ...`, as on
//! RoomOS), reached with lettre.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::ics::PartStat;

/// How long a mail may take before the answer is given up as failed.
const SEND_TIMEOUT: Duration = Duration::from_secs(20);

/// How to reach the SMTP server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Security {
    /// Plain SMTP (port 25 by default): only for a relay on a trusted network.
    None,
    /// STARTTLS on the submission port (587 by default).
    StartTls,
    /// TLS from the first byte (port 465 by default).
    Tls,
}

/// The SMTP server and account.
#[derive(Debug, Clone)]
pub struct Smtp {
    pub server: String,
    /// 0 means the default for `security`.
    pub port: u16,
    pub security: Security,
    pub username: String,
    pub password: String,
}

/// The reply to one invite.
pub struct Reply<'a> {
    /// The room's address (the attendee that answers).
    pub from: &'a str,
    pub from_name: Option<&'a str>,
    /// The organizer's address.
    pub to: &'a str,
    pub summary: &'a str,
    pub partstat: PartStat,
    /// The iTIP REPLY (METHOD:REPLY) text.
    pub ics: &'a str,
}

/// The mail carrying `reply`.
pub fn message(reply: &Reply<'_>) -> Result<Message, String> {
    let from = mailbox(reply.from, reply.from_name)?;
    let to = mailbox(reply.to, None)?;
    let verb = match reply.partstat {
        PartStat::Accepted => "Accepted",
        PartStat::Declined => "Declined",
        PartStat::Tentative => "Tentative",
    };
    let who = reply.from_name.unwrap_or(reply.from);
    let calendar = ContentType::parse("text/calendar; method=REPLY; charset=UTF-8")
        .map_err(|e| format!("the calendar part's type: {e}"))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(format!("{verb}: {}", reply.summary))
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::plain(format!(
                    "{who} has {} your meeting \"{}\".\r\n",
                    verb.to_lowercase(),
                    reply.summary
                )))
                .singlepart(
                    SinglePart::builder()
                        .header(calendar)
                        .body(reply.ics.to_string()),
                ),
        )
        .map_err(|e| format!("could not build the reply mail: {e}"))
}

/// Sends `message` through `smtp`.
pub async fn send(smtp: &Smtp, message: Message) -> Result<(), String> {
    let host = smtp.server.trim();
    if host.is_empty() {
        return Err("no SMTP server is set (Configuration NetworkServices SMTP Server)".into());
    }
    let refused = |e: lettre::transport::smtp::Error| format!("SMTP server {host}: {e}");
    let builder = match smtp.security {
        Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(25),
        Security::StartTls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(refused)?
        }
        Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(refused)?,
    };
    let mut builder = builder.timeout(Some(SEND_TIMEOUT));
    if smtp.port != 0 {
        builder = builder.port(smtp.port);
    }
    if !smtp.username.is_empty() {
        builder = builder.credentials(Credentials::new(
            smtp.username.clone(),
            smtp.password.clone(),
        ));
    }
    builder.build().send(message).await.map_err(refused)?;
    Ok(())
}

fn mailbox(address: &str, name: Option<&str>) -> Result<Mailbox, String> {
    let address = super::ics::normalize_address(address);
    let parsed = address
        .parse()
        .map_err(|e| format!("{address:?} is not a mail address: {e}"))?;
    Ok(Mailbox::new(
        name.filter(|n| !n.trim().is_empty()).map(str::to_string),
        parsed,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mail_goes_from_the_room_to_the_organizer_with_the_reply_inside() {
        let ics = "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n";
        let mail = message(&Reply {
            from: "mailto:Room4@example.com",
            from_name: Some("Room 4"),
            to: "mailto:ann@example.com",
            summary: "Budget",
            partstat: PartStat::Accepted,
            ics,
        })
        .unwrap();
        let text = String::from_utf8(mail.formatted()).unwrap();
        assert!(
            text.contains("From: \"Room 4\" <room4@example.com>"),
            "{text}"
        );
        assert!(text.contains("To: ann@example.com"), "{text}");
        assert!(text.contains("Subject: Accepted: Budget"), "{text}");
        assert!(
            text.to_ascii_lowercase()
                .contains("content-type: text/calendar; method=reply; charset=utf-8"),
            "{text}"
        );
        assert!(text.contains("METHOD:REPLY"), "{text}");
        assert_eq!(mail.envelope().to()[0].to_string(), "ann@example.com");
    }

    #[test]
    fn a_bad_address_is_refused_before_anything_is_sent() {
        let err = message(&Reply {
            from: "room4@example.com",
            from_name: None,
            to: "not an address",
            summary: "Budget",
            partstat: PartStat::Declined,
            ics: "",
        })
        .unwrap_err();
        assert!(err.contains("not a mail address"), "{err}");
    }
}
