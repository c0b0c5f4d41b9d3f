//! Warnings: what the parser dropped or repaired, and where.
//!
//! The parser never fails a whole file for one bad line. It keeps what is complete and says
//! what it did with the rest, each time with the line number in the input, so a person
//! reading the log can find the spot. The number of warnings kept is capped: a file of a
//! million bad lines gives [`MAX_WARNINGS`] warnings and a count of the others.

use std::fmt;

/// The most warnings kept for one parse.
pub const MAX_WARNINGS: usize = 1000;

/// One thing the parser dropped or repaired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The 1-based line in the input (0 when the warning is about the input as a whole).
    pub line: usize,
    /// What happened, in words.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The warnings of one parse, capped at [`MAX_WARNINGS`].
#[derive(Debug, Default, Clone)]
pub struct Warnings {
    kept: Vec<Warning>,
    dropped: usize,
}

impl Warnings {
    /// Records a warning about `line`.
    pub fn push(&mut self, line: usize, message: String) {
        if self.kept.len() < MAX_WARNINGS {
            self.kept.push(Warning { line, message });
        } else {
            self.dropped += 1;
        }
    }

    /// Adds `other`'s warnings, keeping the whole in line order.
    pub fn merge(&mut self, other: Warnings) {
        self.dropped += other.dropped;
        for w in other.kept {
            self.push(w.line, w.message);
        }
        self.kept.sort_by_key(|w| w.line);
    }

    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    pub fn len(&self) -> usize {
        self.kept.len() + self.dropped
    }

    /// The warnings in the order they were found; a last one counts those past the cap.
    pub fn into_vec(mut self) -> Vec<Warning> {
        if self.dropped > 0 {
            self.kept.push(Warning {
                line: 0,
                message: format!("{} more warnings not shown", self.dropped),
            });
        }
        self.kept
    }
}
