//! Content lines: from raw bytes to unfolded logical lines (RFC 5545 §3.1).
//!
//! A long line is folded by inserting a line break followed by one space or tab; unfolding
//! removes exactly that break and that one whitespace character, nothing else. Whitespace
//! before the break is content ("Click here to" + fold + "join" keeps its space), and a fold
//! may fall inside a multi-byte UTF-8 character, so unfolding works on bytes and decoding
//! happens afterwards, on the whole logical line.
//!
//! What real files do and this layer accepts: a UTF-8 byte order mark, CRLF, LF or bare CR
//! line endings (mixed, too), blank lines, and bytes that are not UTF-8 (each such byte is
//! read as Latin-1, with a warning). A logical line longer than [`MAX_LINE`] bytes is dropped
//! with a warning, so a hostile file cannot make one line eat the memory.

use std::borrow::Cow;

use super::warning::Warnings;

/// The longest logical line kept, in bytes (an HTML description is rarely above 100 KB).
pub const MAX_LINE: usize = 4 << 20;

/// One unfolded logical line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    /// The 1-based number of the physical line where it starts.
    pub number: usize,
    /// Its text, unfolded and decoded.
    pub text: Cow<'a, str>,
}

/// Splits `input` into unfolded logical lines, calling `each` with every one in order.
pub fn unfold<'a>(input: &'a [u8], warnings: &mut Warnings, mut each: impl FnMut(Line<'a>)) {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let physical = Physical {
        rest: input,
        number: 0,
    };
    let mut pending: Option<(usize, &'a [u8])> = None;
    let mut folded: Vec<u8> = Vec::new();
    let mut is_folded = false;
    let mut too_long = false;

    let mut flush = |start: Option<(usize, &'a [u8])>,
                     folded: &mut Vec<u8>,
                     is_folded: bool,
                     too_long: bool,
                     warnings: &mut Warnings| {
        let Some((number, first)) = start else { return };
        if too_long {
            warnings.push(number, format!("line longer than {MAX_LINE} bytes dropped"));
            return;
        }
        let bytes: Cow<'a, [u8]> = if is_folded {
            Cow::Owned(std::mem::take(folded))
        } else {
            Cow::Borrowed(first)
        };
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return;
        }
        each(Line {
            number,
            text: decode(bytes, number, warnings),
        });
    };

    for (number, line) in physical {
        match line.first() {
            Some(b' ' | b'\t') if pending.is_some() => {
                if too_long {
                    continue;
                }
                if !is_folded {
                    folded.clear();
                    folded.extend_from_slice(pending.map(|(_, first)| first).unwrap_or_default());
                    is_folded = true;
                }
                if folded.len() + line.len() > MAX_LINE {
                    too_long = true;
                    folded.clear();
                } else {
                    folded.extend_from_slice(&line[1..]);
                }
            }
            _ => {
                flush(pending.take(), &mut folded, is_folded, too_long, warnings);
                is_folded = false;
                too_long = line.len() > MAX_LINE;
                pending = Some((number, line));
            }
        }
    }
    flush(pending.take(), &mut folded, is_folded, too_long, warnings);
}

/// Decodes a logical line: UTF-8 where it is valid, Latin-1 for each byte where it is not.
fn decode<'a>(bytes: Cow<'a, [u8]>, number: usize, warnings: &mut Warnings) -> Cow<'a, str> {
    match bytes {
        Cow::Borrowed(b) => match std::str::from_utf8(b) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => Cow::Owned(latin1_fallback(b, number, warnings)),
        },
        Cow::Owned(b) => match String::from_utf8(b) {
            Ok(text) => Cow::Owned(text),
            Err(e) => Cow::Owned(latin1_fallback(e.as_bytes(), number, warnings)),
        },
    }
}

fn latin1_fallback(bytes: &[u8], number: usize, warnings: &mut Warnings) -> String {
    warnings.push(
        number,
        "bytes that are not UTF-8 read as Latin-1".to_string(),
    );
    let mut text = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        text.extend(chunk.invalid().iter().map(|&b| char::from(b)));
    }
    text
}

/// Physical lines, split on CRLF, LF or a lone CR.
struct Physical<'a> {
    rest: &'a [u8],
    number: usize,
}

impl<'a> Iterator for Physical<'a> {
    type Item = (usize, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        self.number += 1;
        let end = self
            .rest
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .unwrap_or(self.rest.len());
        let line = &self.rest[..end];
        let after = &self.rest[end..];
        self.rest = match after {
            [b'\r', b'\n', rest @ ..] | [b'\n', rest @ ..] | [b'\r', rest @ ..] => rest,
            rest => rest,
        };
        Some((self.number, line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8]) -> (Vec<(usize, String)>, Vec<String>) {
        let mut warnings = Warnings::default();
        let mut out = Vec::new();
        unfold(input, &mut warnings, |l| {
            out.push((l.number, l.text.into_owned()))
        });
        (
            out,
            warnings.into_vec().into_iter().map(|w| w.message).collect(),
        )
    }

    #[test]
    fn a_space_before_the_fold_is_content() {
        let (out, _) = lines(b"SUMMARY:Click here to \r\n join now\r\n");
        assert_eq!(out, vec![(1, "SUMMARY:Click here to join now".to_string())]);
    }

    #[test]
    fn a_fold_inside_a_utf8_character_is_joined_before_decoding() {
        let (out, warnings) = lines(b"SUMMARY:caf\xC3\r\n \xA9 au lait\r\n");
        assert_eq!(out[0].1, "SUMMARY:café au lait");
        assert!(warnings.is_empty());
    }

    #[test]
    fn bom_bare_cr_and_blank_lines_are_accepted() {
        let (out, _) = lines(b"\xEF\xBB\xBFBEGIN:VCALENDAR\r\rEND:VCALENDAR\r");
        assert_eq!(
            out,
            vec![(1, "BEGIN:VCALENDAR".into()), (3, "END:VCALENDAR".into())]
        );
    }

    #[test]
    fn latin1_bytes_are_kept_with_a_warning() {
        let (out, warnings) = lines(b"SUMMARY:caf\xE9\n");
        assert_eq!(out[0].1, "SUMMARY:café");
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn tab_folds_and_lf_endings() {
        let (out, _) = lines(b"DESCRIPTION:a\n\tb\n c\nX:y");
        assert_eq!(out, vec![(1, "DESCRIPTION:abc".into()), (4, "X:y".into())]);
    }
}
