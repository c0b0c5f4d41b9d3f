//! The ordered header list of a message. All text lives in one string (for a parsed message,
//! a copy of its header block); each entry is a header name (a known id, or a range for an
//! unknown name kept as written) and the range of its value. Parsing therefore allocates
//! twice for all headers, and lookups compare ids, not strings.

use std::fmt;

use super::chars;
use super::names::{self, HeaderId};

/// Ordered `(name, value)` header lines. Known names come back in canonical long form
/// ("Call-ID", "CSeq", "WWW-Authenticate"); compact forms are expanded; unknown names are
/// kept as written. Lookups are case-insensitive and accept compact forms.
#[derive(Clone, Default)]
pub struct Headers {
    buf: String,
    entries: Vec<Entry>,
    /// What the parser's checks found in the lines the transaction layer reads first; only
    /// set by the parser, dropped by every change to the lines.
    hot: Option<Hot>,
}

/// Results of the parse-time checks, as ranges of `buf`: the first CSeq line's number and
/// method, the first From line's tag, the top Via's branch (what the `cseq_parts`,
/// `from_tag` and `branch` accessors would compute again from the same text).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Hot {
    pub cseq: Option<(u32, usize, usize)>,
    pub from_tag: Option<(usize, usize)>,
    pub branch: Option<(usize, usize)>,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    name: Name,
    start: usize,
    end: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Name {
    Known(HeaderId),
    /// Byte range of the name in `buf`.
    Other(usize, usize),
}

/// A name being looked up.
#[derive(Clone, Copy)]
enum Query<'a> {
    Known(HeaderId),
    Other(&'a str),
}

impl<'a> Query<'a> {
    fn new(name: &'a str) -> Query<'a> {
        match names::lookup(name) {
            Some(id) => Query::Known(id),
            None => Query::Other(name),
        }
    }
}

impl Headers {
    /// The first value of that header.
    pub fn get(&self, name: &str) -> Option<&str> {
        let q = Query::new(name);
        self.entries
            .iter()
            .find(|e| self.matches(e, q))
            .map(|e| self.text(e.start, e.end))
    }

    /// Each header line's value, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let q = Query::new(name);
        self.entries
            .iter()
            .filter(move |e| self.matches(e, q))
            .map(|e| self.text(e.start, e.end))
    }

    /// All values of that header across its lines, split at commas that are outside quoted
    /// strings and `<>`; empty pieces are dropped. Not meant for headers whose values hold
    /// commas of their own (Date, WWW-Authenticate, User-Agent, ...).
    pub fn values(&self, name: &str) -> Vec<&str> {
        let q = Query::new(name);
        self.entries
            .iter()
            .filter(|e| self.matches(e, q))
            .flat_map(|e| chars::split_list(self.text(e.start, e.end)))
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// Appends a header line.
    pub fn push(&mut self, name: &str, value: impl Into<String>) {
        self.hot = None;
        let name = self.intern(name);
        let value = value.into();
        self.push_value(name, &value);
    }

    /// Replaces every line of that header by one line with `value`, where the first was.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.hot = None;
        let q = Query::new(name);
        let at = self.entries.iter().position(|e| self.matches(e, q));
        self.remove(name);
        self.push(name, value);
        if let Some(at) = at
            && let Some(last) = self.entries.pop()
        {
            self.entries.insert(at.min(self.entries.len()), last);
        }
    }

    /// Removes every line of that header.
    pub fn remove(&mut self, name: &str) {
        self.hot = None;
        let q = Query::new(name);
        let entries = std::mem::take(&mut self.entries);
        self.entries = entries
            .into_iter()
            .filter(|e| !self.matches(e, q))
            .collect();
        self.compact_if_sparse();
    }

    /// Every `(name, value)` line in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|e| (self.name_of(e.name), self.text(e.start, e.end)))
    }

    /// Whether at least one line of that header is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Number of header lines.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no header lines.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Headers over `buf` (the parser's copy of the header block), with no entries yet.
    pub(super) fn with_buf(buf: String, lines: usize) -> Headers {
        Headers {
            buf,
            entries: Vec::with_capacity(lines),
            hot: None,
        }
    }

    /// Records what the parser found (see [`Hot`]); the next change drops it.
    pub(super) fn set_hot(&mut self, hot: Hot) {
        self.hot = Some(hot);
    }

    /// What the parser found, if no line changed since.
    pub(super) fn hot(&self) -> Option<&Hot> {
        self.hot.as_ref()
    }

    /// The range of `part`, a slice of a value handed out by `lines`, in the buffer.
    pub(super) fn range_of(&self, part: &str) -> (usize, usize) {
        let start = (part.as_ptr() as usize).wrapping_sub(self.buf.as_ptr() as usize);
        (start, start + part.len())
    }

    /// Installs the buffer the ranges pushed so far refer to.
    pub(super) fn set_buf(&mut self, buf: String) {
        self.hot = None;
        self.buf = buf;
    }

    /// Replaces line `k`'s value by `f` of its current text, appended to the buffer.
    pub(super) fn unfold(
        &mut self,
        k: usize,
        f: impl Fn(&str) -> Result<String, super::ParseError>,
    ) -> Result<(), super::ParseError> {
        let Some(e) = self.entries.get(k).copied() else {
            return Ok(());
        };
        let value = f(self.text(e.start, e.end))?;
        let (start, end) = self.append(&value);
        self.entries[k] = Entry { start, end, ..e };
        Ok(())
    }

    /// Appends a line whose name and value are ranges of the buffer.
    pub(super) fn push_range(&mut self, name: Name, start: usize, end: usize) {
        self.hot = None;
        self.entries.push(Entry { name, start, end });
    }

    /// Appends `text` to the buffer, returning its range (for unfolded values).
    pub(super) fn append(&mut self, text: &str) -> (usize, usize) {
        self.hot = None;
        let start = self.buf.len();
        self.buf.push_str(text);
        (start, self.buf.len())
    }

    /// The buffer text of a range (empty if the range is out of bounds).
    pub(super) fn text(&self, start: usize, end: usize) -> &str {
        self.buf.get(start..end).unwrap_or("")
    }

    /// Lowercases a range in place (Content-Type's media type is stored lowercased).
    pub(super) fn lowercase(&mut self, start: usize, end: usize) {
        self.hot = None;
        if let Some(s) = self.buf.get_mut(start..end) {
            s.make_ascii_lowercase();
        }
    }

    /// Each value of a known header, by line.
    pub(super) fn known(&self, id: HeaderId) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .filter(move |e| e.name == Name::Known(id))
            .map(|e| self.text(e.start, e.end))
    }

    /// The first value of a known header.
    pub(super) fn first(&self, id: HeaderId) -> Option<&str> {
        self.known(id).next()
    }

    /// Every line as (known id if any, value), for the parser's checks.
    pub(super) fn lines(&self) -> impl Iterator<Item = (Option<HeaderId>, &str)> {
        self.entries.iter().map(|e| {
            let id = match e.name {
                Name::Known(id) => Some(id),
                Name::Other(..) => None,
            };
            (id, self.text(e.start, e.end))
        })
    }

    /// The name of the line whose value is `value` (a slice handed out by `lines`).
    pub(super) fn name_at(&self, value: &str) -> &str {
        let start = (value.as_ptr() as usize).wrapping_sub(self.buf.as_ptr() as usize);
        self.entries
            .iter()
            .find(|e| e.start == start)
            .map_or("", |e| self.name_of(e.name))
    }

    fn intern(&mut self, name: &str) -> Name {
        match names::lookup(name) {
            Some(id) => Name::Known(id),
            None => {
                let (s, e) = self.append(name);
                Name::Other(s, e)
            }
        }
    }

    fn push_value(&mut self, name: Name, value: &str) {
        self.hot = None;
        let (start, end) = self.append(value);
        self.entries.push(Entry { name, start, end });
        if name == Name::Known(HeaderId::ContentType) {
            self.lowercase_media_type(start, end);
        }
    }

    /// Lowercases the media type of every Content-Type line, so that `content_type()` can
    /// hand out a slice.
    pub(super) fn lowercase_media_types(&mut self) {
        for k in 0..self.entries.len() {
            let e = self.entries[k];
            if e.name == Name::Known(HeaderId::ContentType) {
                self.lowercase_media_type(e.start, e.end);
            }
        }
    }

    fn lowercase_media_type(&mut self, start: usize, end: usize) {
        let media_end =
            chars::find_byte(self.text(start, end).as_bytes(), b';').map_or(end, |i| start + i);
        self.lowercase(start, media_end);
    }

    fn name_of(&self, name: Name) -> &str {
        match name {
            Name::Known(id) => id.name(),
            Name::Other(s, e) => self.text(s, e),
        }
    }

    fn matches(&self, e: &Entry, q: Query<'_>) -> bool {
        match (e.name, q) {
            (Name::Known(a), Query::Known(b)) => a == b,
            (Name::Other(s, end), Query::Other(n)) => self.text(s, end).eq_ignore_ascii_case(n),
            _ => false,
        }
    }

    /// Rewrites the buffer once most of it is text of removed or replaced lines.
    fn compact_if_sparse(&mut self) {
        let live: usize = self.entries.iter().map(|e| e.end - e.start + 16).sum();
        if self.buf.len() < 4096 || live * 2 > self.buf.len() {
            return;
        }
        let old = std::mem::take(self);
        *self = Headers::with_buf(String::with_capacity(live), old.entries.len());
        for (name, value) in old.iter() {
            self.push(name, value);
        }
    }
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Same lines in the same order; names compared case-insensitively.
impl PartialEq for Headers {
    fn eq(&self, other: &Headers) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .zip(other.iter())
                .all(|((n1, v1), (n2, v2))| n1.eq_ignore_ascii_case(n2) && v1 == v2)
    }
}

impl Eq for Headers {}
