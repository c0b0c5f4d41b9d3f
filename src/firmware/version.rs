//! Firmware versions and how they compare, for the downgrade rule.
//!
//! Not strict semver: RoomOS numbers its releases with four parts (`11.14.1.5`), so a version
//! is one or more dot-separated numbers, optionally followed by `-` and a pre-release tag
//! (`0.2.0-rc1`). Missing parts count as 0 (`1.2` = `1.2.0`); a pre-release is older than its
//! release; two pre-release tags compare as semver's dot-separated identifiers do.

use std::cmp::Ordering;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    text: String,
    numbers: Vec<u64>,
    pre: Option<String>,
}

impl Version {
    pub fn parse(text: &str) -> Result<Version, String> {
        let bad = |why: &str| format!("version {text:?} {why} (expected e.g. 1.2.3 or 1.2.3-rc1)");
        let (core, pre) = match text.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (text, None),
        };
        let numbers = core
            .split('.')
            .map(|part| {
                if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad("has a part that is not a number"));
                }
                part.parse::<u64>().map_err(|_| bad("has a part too large"))
            })
            .collect::<Result<Vec<u64>, String>>()?;
        if let Some(pre) = pre {
            let allowed = |b: u8| b.is_ascii_alphanumeric() || b == b'.';
            if pre.is_empty() || !pre.bytes().all(allowed) || pre.split('.').any(str::is_empty) {
                return Err(bad("has a malformed pre-release tag"));
            }
        }
        Ok(Version {
            text: text.to_string(),
            numbers,
            pre: pre.map(str::to_string),
        })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.numbers.len().max(other.numbers.len());
        let part = |v: &Version, i: usize| v.numbers.get(i).copied().unwrap_or(0);
        for i in 0..len {
            match part(self, i).cmp(&part(other, i)) {
                Ordering::Equal => {}
                unequal => return unequal,
            }
        }
        match (&self.pre, &other.pre) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(a), Some(b)) => compare_pre(a, b),
        }
    }
}

/// Semver's rule: numeric identifiers compare as numbers and sort before alphanumeric ones.
fn compare_pre(a: &str, b: &str) -> Ordering {
    let mut left = a.split('.');
    let mut right = b.split('.');
    loop {
        let order = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match (x.parse::<u64>(), y.parse::<u64>()) {
                (Ok(m), Ok(n)) => m.cmp(&n),
                (Ok(_), Err(_)) => Ordering::Less,
                (Err(_), Ok(_)) => Ordering::Greater,
                (Err(_), Err(_)) => x.cmp(y),
            },
        };
        if order != Ordering::Equal {
            return order;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn numbers_compare_as_numbers_and_missing_parts_are_zero() {
        assert!(v("0.10.0") > v("0.9.9"));
        assert!(v("11.14.1.5") > v("11.14.1"));
        assert_eq!(v("1.2").cmp(&v("1.2.0")), Ordering::Equal);
        assert!(v("2") > v("1.99.99"));
    }

    #[test]
    fn a_pre_release_is_older_than_its_release() {
        assert!(v("0.2.0-rc1") < v("0.2.0"));
        assert!(v("0.2.0-rc1") > v("0.1.9"));
        assert!(v("1.0.0-alpha") < v("1.0.0-alpha.1"));
        assert!(v("1.0.0-alpha.2") < v("1.0.0-alpha.10"));
        assert!(v("1.0.0-2") < v("1.0.0-beta"));
    }

    #[test]
    fn malformed_versions_are_refused_with_the_reason() {
        for bad in ["", "1..2", "v1.2", "1.2-", "1.2-rc..1", "1.x", "1.2.3-r c"] {
            let e = Version::parse(bad).unwrap_err();
            assert!(e.contains("expected e.g. 1.2.3"), "{bad}: {e}");
        }
    }
}
