//! iTIP (RFC 5546): what an incoming scheduling message means next to what is stored.
//!
//! A room receives REQUESTs (new meetings and updates), CANCELs, and, when it organizes,
//! REPLYs. Messages can arrive late or twice, so the organizer's ordering decides: a higher
//! SEQUENCE supersedes; at equal SEQUENCE the later DTSTAMP wins; anything older is
//! obsolete and must change nothing.
//!
//! [`classify`] names the message's effect the way libical's `icalclassify` does (its test
//! file `incoming.ics` states the expected class of each message in `X-LIC-EXPECT`). One
//! difference is deliberate and matches libical's actual behaviour: PUBLISH is not
//! scheduling, so a published event simply replaces whatever is stored, and is classed
//! [`Class::PublishUpdate`] whether it was stored before or not.

use std::cmp::Ordering;

use super::event::Event;

/// METHOD of a VCALENDAR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Publish,
    Request,
    Reply,
    Add,
    Cancel,
    Refresh,
    Counter,
    DeclineCounter,
    Other(String),
}

impl Method {
    pub fn from_name(name: &str) -> Method {
        match name.trim().to_ascii_uppercase().as_str() {
            "PUBLISH" => Method::Publish,
            "REQUEST" => Method::Request,
            "REPLY" => Method::Reply,
            "ADD" => Method::Add,
            "CANCEL" => Method::Cancel,
            "REFRESH" => Method::Refresh,
            "COUNTER" => Method::Counter,
            "DECLINECOUNTER" => Method::DeclineCounter,
            other => Method::Other(other.to_string()),
        }
    }
}

/// What an incoming message does to the stored copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// PUBLISH: store it, replacing any copy.
    PublishUpdate,
    /// PUBLISH of free/busy time.
    PublishFreebusy,
    /// REQUEST for a meeting not stored yet.
    RequestNew,
    /// REQUEST that changes the time of a stored meeting.
    RequestReschedule,
    /// REQUEST that changes a stored meeting but not its time.
    RequestUpdate,
    /// REQUEST passed on to us by a delegating attendee.
    RequestDelegate,
    ReplyAccept,
    ReplyDecline,
    ReplyDelegate,
    /// A REPLY from someone who was not invited.
    ReplyCrasherAccept,
    ReplyCrasherDecline,
    AddInstance,
    CancelEvent,
    CancelInstance,
    Refresh,
    Counter,
    DeclineCounter,
    /// Older than the stored copy (lower SEQUENCE, or same SEQUENCE and not newer DTSTAMP).
    Obsolete,
    /// Nothing above applies.
    Unknown,
}

impl Class {
    /// libical's name, as in `X-LIC-EXPECT`.
    pub fn name(self) -> &'static str {
        match self {
            Class::PublishUpdate => "PUBLISH-UPDATE",
            Class::PublishFreebusy => "PUBLISH-FREEBUSY",
            Class::RequestNew => "REQUEST-NEW",
            Class::RequestReschedule => "REQUEST-RESCHEDULE",
            Class::RequestUpdate => "REQUEST-UPDATE",
            Class::RequestDelegate => "REQUEST-DELEGATE",
            Class::ReplyAccept => "REPLY-ACCEPT",
            Class::ReplyDecline => "REPLY-DECLINE",
            Class::ReplyDelegate => "REPLY-DELEGATE",
            Class::ReplyCrasherAccept => "REPLY-CRASHER-ACCEPT",
            Class::ReplyCrasherDecline => "REPLY-CRASHER-DECLINE",
            Class::AddInstance => "ADD-INSTANCE",
            Class::CancelEvent => "CANCEL-EVENT",
            Class::CancelInstance => "CANCEL-INSTANCE",
            Class::Refresh => "REFRESH",
            Class::Counter => "COUNTER",
            Class::DeclineCounter => "DECLINECOUNTER",
            Class::Obsolete => "OBSOLETE",
            Class::Unknown => "UNKNOWN",
        }
    }
}

/// Orders two versions of the same meeting: SEQUENCE first, then DTSTAMP.
pub fn compare_versions(a: &Event, b: &Event) -> Ordering {
    a.sequence
        .cmp(&b.sequence)
        .then_with(|| a.dtstamp.cmp(&b.dtstamp))
}

/// Classifies `incoming` (an event of a calendar whose METHOD is `method`) against the stored
/// copy with the same UID, if any, for the calendar user `user` (e.g. the room's address).
/// A free/busy message has no event: pass `None`.
pub fn classify(
    method: &Method,
    incoming: Option<&Event>,
    stored: Option<&Event>,
    user: &str,
) -> Class {
    let Some(incoming) = incoming else {
        return match method {
            Method::Publish => Class::PublishFreebusy,
            _ => Class::Unknown,
        };
    };
    if let Some(stored) = stored
        && matches!(method, Method::Request | Method::Cancel | Method::Add)
        && compare_versions(incoming, stored) != Ordering::Greater
    {
        return Class::Obsolete;
    }
    match method {
        Method::Publish => Class::PublishUpdate,
        Method::Request => {
            let me = incoming.attendees.iter().find(|a| a.is(user));
            if me.is_some_and(|a| !a.delegated_from.is_empty()) {
                Class::RequestDelegate
            } else if let Some(stored) = stored {
                if is_rescheduled(incoming, stored) {
                    Class::RequestReschedule
                } else {
                    Class::RequestUpdate
                }
            } else {
                Class::RequestNew
            }
        }
        Method::Reply => {
            let Some(replier) = incoming.attendees.first() else {
                return Class::Unknown;
            };
            let invited =
                stored.is_some_and(|s| s.attendees.iter().any(|a| a.is(&replier.address)));
            match (replier.partstat.as_deref(), invited) {
                (Some("ACCEPTED"), true) => Class::ReplyAccept,
                (Some("DECLINED"), true) => Class::ReplyDecline,
                (Some("DELEGATED"), true) => Class::ReplyDelegate,
                (Some("ACCEPTED"), false) => Class::ReplyCrasherAccept,
                (Some("DECLINED"), false) => Class::ReplyCrasherDecline,
                _ => Class::Unknown,
            }
        }
        Method::Add => Class::AddInstance,
        Method::Cancel if incoming.recurrence_id.is_some() => Class::CancelInstance,
        Method::Cancel => Class::CancelEvent,
        Method::Refresh => Class::Refresh,
        Method::Counter => Class::Counter,
        Method::DeclineCounter => Class::DeclineCounter,
        Method::Other(_) => Class::Unknown,
    }
}

/// Whether the time of the meeting changed: DTSTART, DTEND/DURATION, or the recurrence
/// (the changes RFC 5546 §2.1.4 counts as significant for the time).
pub fn is_rescheduled(a: &Event, b: &Event) -> bool {
    let utc = |t: &Option<super::time::Time>| t.as_ref().map(|t| t.utc);
    let raw = |e: &Event, name: &str| -> Vec<String> {
        e.component
            .properties_named(name)
            .map(|p| p.value.clone())
            .collect()
    };
    utc(&a.start) != utc(&b.start)
        || utc(&a.end) != utc(&b.end)
        || a.duration != b.duration
        || ["RRULE", "RDATE", "EXDATE"]
            .iter()
            .any(|name| raw(a, name) != raw(b, name))
}
