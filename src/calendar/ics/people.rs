//! ORGANIZER and ATTENDEE (RFC 5545 §3.8.4.1, §3.8.4.3).
//!
//! A calendar user is a URI (usually `mailto:`) with parameters saying who they are (CN,
//! CUTYPE: a person, a ROOM or a RESOURCE) and where they stand (ROLE, PARTSTAT, RSVP,
//! DELEGATED-TO/-FROM). Mail addresses are compared without the `mailto:` and without case,
//! since the room's address in an invite may differ in both from the mailbox's.

use super::property::Property;

/// An organizer or attendee.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Person {
    /// The value as written, e.g. `mailto:Room.4@Example.com`.
    pub address: String,
    /// CN, the display name.
    pub name: Option<String>,
    /// CUTYPE, upper case (INDIVIDUAL, GROUP, RESOURCE, ROOM...).
    pub cutype: Option<String>,
    /// ROLE, upper case (CHAIR, REQ-PARTICIPANT...).
    pub role: Option<String>,
    /// PARTSTAT, upper case (NEEDS-ACTION, ACCEPTED, DECLINED, TENTATIVE, DELEGATED...).
    pub partstat: Option<String>,
    pub rsvp: bool,
    pub delegated_to: Vec<String>,
    pub delegated_from: Vec<String>,
    /// SENT-BY.
    pub sent_by: Option<String>,
}

impl Person {
    pub fn from_property(p: &Property) -> Person {
        let upper = |name: &str| p.param(name).map(|v| v.trim().to_ascii_uppercase());
        Person {
            address: super::property::unescape_text(p.value.trim()),
            name: p.param("CN").map(str::to_string),
            cutype: upper("CUTYPE"),
            role: upper("ROLE"),
            partstat: upper("PARTSTAT"),
            rsvp: p
                .param("RSVP")
                .is_some_and(|v| v.eq_ignore_ascii_case("TRUE")),
            delegated_to: p.param_values("DELEGATED-TO").map(str::to_string).collect(),
            delegated_from: p
                .param_values("DELEGATED-FROM")
                .map(str::to_string)
                .collect(),
            sent_by: p.param("SENT-BY").map(str::to_string),
        }
    }

    /// The address without `mailto:`, in lower case, for comparisons.
    pub fn email(&self) -> String {
        normalize_address(&self.address)
    }

    /// Whether this is `address` (with or without `mailto:`, any case).
    pub fn is(&self, address: &str) -> bool {
        self.email() == normalize_address(address)
    }

    /// A room or a resource rather than a person.
    pub fn is_room(&self) -> bool {
        matches!(self.cutype.as_deref(), Some("ROOM" | "RESOURCE"))
    }
}

/// `mailto:A@Example.com` → `a@example.com`.
pub fn normalize_address(address: &str) -> String {
    let a = address.trim();
    let a = match a.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("mailto:") => &a[7..],
        _ => a,
    };
    a.trim().to_lowercase()
}
