//! Meeting IDs and passcodes as invites print them.
//!
//! IDs are printed for people: grouped with spaces or hyphens (`924 0359 1689`,
//! `114 213 415 0`), after a label that varies by product and language ("Meeting ID",
//! "Meeting number (access code)", "Video ID", "VTC Conference ID", "Konferenz-ID"...),
//! sometimes on the next line or in the next table cell. These helpers find the value that
//! follows a label and return it without its grouping.

use std::sync::LazyLock;

use regex::Regex;

/// A run of digits that may be grouped by single spaces or hyphens: 6 to 40 digits.
const GROUPED: &str = r"(\d(?:[ \-]?\d){5,39})";

static MEETING_ID: LazyLock<Regex> = LazyLock::new(|| {
    label(
        r"meeting\s*(?:id|number|no\.?)(?:\s*\([^)\n]{0,30}\))?|konferenz-?id|besprechungs-?id|id\s+de\s+(?:la\s+)?r[ée]union|meeting-id|access\s+code",
    )
});

static VIDEO_ID: LazyLock<Regex> = LazyLock::new(|| {
    label(
        r"video\s*(?:conference\s*)?id|vtc\s*(?:conference\s*)?id|videokonferenz-?id|id\s+de\s+vid[ée]oconf[ée]rence|conference\s*id",
    )
});

static PASSCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(numeric\s+)?(?:pass\s?code|password|meeting\s+password|kenncode|code\s+secret|contrase[ñn]a|senha)\s*[:：]?\s*([0-9A-Za-z][^\s<>,;]{0,31})")
        .expect("static pattern")
});

/// "label, maybe a colon, a grouped number"; the patterns are fixed and covered by tests.
fn label(names: &str) -> Regex {
    Regex::new(&format!(r"(?i)\b(?:{names})\s*[:#：]?\s*{GROUPED}")).expect("static pattern")
}

/// Only the digits of `s`.
pub fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The first meeting ID printed after a "Meeting ID"-like label.
pub fn meeting_id(text: &str) -> Option<String> {
    MEETING_ID.captures(text).map(|c| digits(&c[1]))
}

/// Every video conference ID printed after a "Video ID"-like label (Teams CVI), in order,
/// with the byte offset where each label starts.
pub fn video_ids(text: &str) -> Vec<(usize, String)> {
    VIDEO_ID
        .captures_iter(text)
        .filter_map(|c| Some((c.get(0)?.start(), digits(&c[1]))))
        .collect()
}

/// The passcode printed in the invite: a "Numeric passcode" (what room systems key in) when
/// there is one, else the first "Passcode"/"Password".
pub fn passcode(text: &str) -> Option<String> {
    let mut first = None;
    for c in PASSCODE.captures_iter(text) {
        let value = c[2].trim_end_matches(['.', ')']).to_string();
        if c.get(1).is_some() {
            return Some(value);
        }
        first.get_or_insert(value);
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_groups() {
        assert_eq!(
            meeting_id("Meeting ID: 924 0359 1689\n"),
            Some("92403591689".into())
        );
        assert_eq!(
            meeting_id("Meeting number (access code): 2634-123-4567"),
            Some("26341234567".into())
        );
        assert_eq!(
            meeting_id("Meeting ID:\n 812 3456 7890"),
            Some("81234567890".into())
        );
        assert_eq!(
            video_ids("Video ID: 119 856 328 6 More info")[0].1,
            "1198563286"
        );
        assert_eq!(
            video_ids("VTC Conference ID: 0179206844")[0].1,
            "0179206844"
        );
    }

    #[test]
    fn passcodes() {
        assert_eq!(passcode("Passcode: 110292\n"), Some("110292".into()));
        assert_eq!(
            passcode("Passcode: a1B2c3\nNumeric passcode: 998877"),
            Some("998877".into())
        );
        assert_eq!(passcode("Kenncode: 4711"), Some("4711".into()));
        assert_eq!(passcode("no code here"), None);
    }
}
