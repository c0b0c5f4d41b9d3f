//! Character classes of the RFC 3261 grammar and the small lexing helpers every SIP parser
//! here shares: a 256-entry class table (one lookup per byte), whitespace trimming, quoted
//! strings, list splitting that respects quotes and angle brackets, and a fast newline search.

use super::ParseError;

/// alphanum
pub(super) const ALNUM: u16 = 1;
/// token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"
pub(super) const TOKEN: u16 = 1 << 1;
/// unreserved: alphanum / "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"
pub(super) const UNRESERVED: u16 = 1 << 2;
/// user: unreserved / "&" / "=" / "+" / "$" / "," / ";" / "?" / "/" (escapes checked apart)
pub(super) const USER: u16 = 1 << 3;
/// password: unreserved / "&" / "=" / "+" / "$" / ","
pub(super) const PASSWORD: u16 = 1 << 4;
/// paramchar: unreserved / "[" / "]" / "/" / ":" / "&" / "+" / "$"
pub(super) const PARAM: u16 = 1 << 5;
/// URI header chars: unreserved / "[" / "]" / "/" / "?" / ":" / "+" / "$"
pub(super) const HNV: u16 = 1 << 6;
/// uric of an absoluteURI: reserved / unreserved, plus "[" "]" (RFC 2732)
pub(super) const URIC: u16 = 1 << 7;
/// Call-ID word: token chars plus "(" ")" "<" ">" ":" "\" DQUOTE "/" "[" "]" "?" "{" "}"
pub(super) const WORD: u16 = 1 << 8;
/// hostname characters (alphanum "-" "."; "_" tolerated, as real hosts carry it)
pub(super) const HOST: u16 = 1 << 9;
/// scheme characters after the first: alphanum "+" "-" "."
pub(super) const SCHEME: u16 = 1 << 10;
/// bytes that stand for themselves inside a quoted string (not `"`, `\`, CTLs but HTAB)
pub(super) const QDTEXT: u16 = 1 << 11;
/// bytes a list splitter can skip: anything but `,` `"` `<` `>`
pub(super) const LIST_PLAIN: u16 = 1 << 12;
/// unquoted parameter value: token chars plus ":" "[" "]" (hosts, IPv6 addresses)
pub(super) const PVALUE: u16 = 1 << 13;

const fn build() -> [u16; 256] {
    let mut t = [0u16; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() {
            t[c] = ALNUM | TOKEN | UNRESERVED | USER | PASSWORD | PARAM | HNV | URIC | WORD;
            t[c] |= HOST | SCHEME;
        }
        c += 1;
    }
    let token = b"-.!%*_+`'~";
    let mut i = 0;
    while i < token.len() {
        t[token[i] as usize] |= TOKEN | WORD;
        i += 1;
    }
    let mark = b"-_.!~*'()";
    i = 0;
    while i < mark.len() {
        t[mark[i] as usize] |= UNRESERVED | USER | PASSWORD | PARAM | HNV | URIC | WORD;
        i += 1;
    }
    let user = b"&=+$,;?/";
    i = 0;
    while i < user.len() {
        t[user[i] as usize] |= USER;
        i += 1;
    }
    let password = b"&=+$,";
    i = 0;
    while i < password.len() {
        t[password[i] as usize] |= PASSWORD;
        i += 1;
    }
    let param = b"[]/:&+$";
    i = 0;
    while i < param.len() {
        t[param[i] as usize] |= PARAM;
        i += 1;
    }
    let hnv = b"[]/?:+$";
    i = 0;
    while i < hnv.len() {
        t[hnv[i] as usize] |= HNV;
        i += 1;
    }
    let uric = b";/?:@&=+$,[]";
    i = 0;
    while i < uric.len() {
        t[uric[i] as usize] |= URIC;
        i += 1;
    }
    let word = b"()<>:\\\"/[]?{}";
    i = 0;
    while i < word.len() {
        t[word[i] as usize] |= WORD;
        i += 1;
    }
    t[b'-' as usize] |= HOST | SCHEME;
    t[b'.' as usize] |= HOST | SCHEME;
    t[b'_' as usize] |= HOST;
    t[b'+' as usize] |= SCHEME;
    c = 0;
    while c < 256 {
        let b = c as u8;
        if b == b'\t'
            || b == b' '
            || b == 0x21
            || (b >= 0x23 && b <= 0x7e && b != b'\\')
            || b >= 0x80
        {
            t[c] |= QDTEXT;
        }
        if b != b',' && b != b'"' && b != b'<' && b != b'>' {
            t[c] |= LIST_PLAIN;
        }
        if t[c] & TOKEN != 0 || b == b':' || b == b'[' || b == b']' {
            t[c] |= PVALUE;
        }
        c += 1;
    }
    t
}

static CLASS: [u16; 256] = build();

/// Whether byte `b` belongs to `class` (one of the constants above).
#[inline]
pub(super) fn is(b: u8, class: u16) -> bool {
    CLASS[b as usize] & class != 0
}

/// Whether every byte of `s` is in `class`, and `s` is not empty.
#[inline]
pub(super) fn all(s: &str, class: u16) -> bool {
    !s.is_empty() && s.bytes().all(|b| is(b, class))
}

/// SP or HTAB.
#[inline]
pub(super) fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `s` without leading and trailing SP/HTAB.
#[inline]
pub(super) fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let mut start = 0;
    let mut end = b.len();
    while start < end && is_ws(b[start]) {
        start += 1;
    }
    while end > start && is_ws(b[end - 1]) {
        end -= 1;
    }
    // Both ends sit next to ASCII whitespace or at the ends, so they are char boundaries.
    s.get(start..end).unwrap_or("")
}

/// Index of the first byte at or after `i` that is not SP/HTAB.
#[inline]
pub(super) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_ws(b[i]) {
        i += 1;
    }
    i
}

/// Index just past the run of `class` bytes starting at `i`.
#[inline]
pub(super) fn run(b: &[u8], mut i: usize, class: u16) -> usize {
    while i < b.len() && is(b[i], class) {
        i += 1;
    }
    i
}

/// Checks a run of `class` characters that may also hold `%HH` escapes (RFC 3261 "escaped").
pub(super) fn check_escaped(s: &str, class: u16, what: &str) -> Result<(), ParseError> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let ok =
                i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit();
            if !ok {
                return Err(ParseError::new(format!(
                    "{what} has a % not followed by two hex digits"
                )));
            }
            i += 3;
        } else if is(b[i], class) {
            i += 1;
        } else {
            return Err(ParseError::new(format!(
                "{what} contains the character {:?}",
                char_at(s, i)
            )));
        }
    }
    Ok(())
}

/// The character starting at byte `i` of `s` (for error messages).
pub(super) fn char_at(s: &str, i: usize) -> char {
    s.get(i..).and_then(|t| t.chars().next()).unwrap_or('?')
}

/// From an opening `"` at `start`, the index just past the closing `"`; checks qdtext and
/// quoted-pair (`\` then any byte but CR and LF).
pub(super) fn quoted_end(b: &[u8], start: usize) -> Result<usize, ParseError> {
    let mut i = start + 1;
    loop {
        i = run(b, i, QDTEXT);
        match b.get(i) {
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => match b.get(i + 1) {
                Some(b'\r') | Some(b'\n') | None => break,
                Some(_) => i += 2,
            },
            Some(c) => {
                return Err(ParseError::new(format!(
                    "quoted string contains control character 0x{c:02x}"
                )));
            }
            None => break,
        }
    }
    Err(ParseError::new("unterminated quoted string"))
}

/// Splits a header value at top-level commas: not inside a quoted string, not inside
/// `<...>`. Yields every piece trimmed, empty pieces included (callers decide whether they
/// are errors).
pub(super) fn split_list(s: &str) -> SplitList<'_> {
    SplitList {
        s,
        pos: 0,
        done: false,
    }
}

/// Iterator returned by [`split_list`].
pub(super) struct SplitList<'a> {
    s: &'a str,
    pos: usize,
    done: bool,
}

impl<'a> Iterator for SplitList<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        if self.done {
            return None;
        }
        let b = self.s.as_bytes();
        let start = self.pos;
        // Most lists have one element: no comma at all means no splitting to do.
        if find_byte(&b[start..], b',').is_none() {
            self.done = true;
            return self.s.get(start..).map(trim);
        }
        let mut i = start;
        loop {
            i = run(b, i, LIST_PLAIN);
            match b.get(i) {
                Some(b',') => {
                    self.pos = i + 1;
                    return self.s.get(start..i).map(trim);
                }
                // An unterminated quote or bracket runs to the end; the value check reports it.
                Some(b'"') => i = quoted_end(b, i).unwrap_or(b.len()),
                Some(b'<') => i = find_byte(&b[i..], b'>').map_or(b.len(), |p| i + p + 1),
                Some(_) => i += 1,
                None => break,
            }
        }
        self.done = true;
        self.s.get(start..).map(trim)
    }
}

/// Position of the first `needle` in `hay`, eight bytes at a time.
#[inline]
pub(super) fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pattern = LO.wrapping_mul(needle as u64);
    let chunks = hay.chunks_exact(8);
    let tail = chunks.remainder();
    for (k, chunk) in chunks.enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ pattern;
        let found = x.wrapping_sub(LO) & !x & HI;
        if found != 0 {
            return Some(k * 8 + (found.trailing_zeros() / 8) as usize);
        }
    }
    let base = hay.len() - tail.len();
    tail.iter().position(|&c| c == needle).map(|p| p + base)
}

/// `s` split at the first `sep` byte (an ASCII separator), like `str::split_once`.
#[inline]
pub(super) fn split_byte(s: &str, sep: u8) -> Option<(&str, &str)> {
    let i = find_byte(s.as_bytes(), sep)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// The pieces of `s` between `sep` bytes (an ASCII separator), like `str::split`.
pub(super) fn pieces(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        match split_byte(r, sep) {
            Some((a, b)) => {
                rest = Some(b);
                Some(a)
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// Parses 1*DIGIT as a u64, refusing empty input, non-digits and overflow.
pub(super) fn digits(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for b in s.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(v)
}
