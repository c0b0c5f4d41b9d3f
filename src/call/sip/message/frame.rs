//! Framing for stream transports (TCP, TLS, WebSocket-less streams): how many bytes at the
//! start of a receive buffer form one message. Only the header block is scanned, for
//! Content-Length, which a stream message must carry (RFC 3261 18.3).

use super::chars;
use super::parse::MAX_HEAD;
use super::{ParseError, names};

/// Largest body accepted on a stream.
const MAX_BODY: u64 = 1024 * 1024;

/// One frame found by [`frame`]: consume `skip + len` bytes; the message is the `len` bytes
/// after `skip`. `len == 0` means only keepalive CRLFs were found; a `skip` of 4 or more
/// ending a `"\r\n\r\n"` is an RFC 5626 ping, to be answered with a `"\r\n"` pong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Framed {
    /// Leading CR/LF keepalive bytes.
    pub skip: usize,
    /// Message bytes after `skip`.
    pub len: usize,
}

/// Finds one complete message at the start of `buf`: `Ok(None)` if more bytes are needed,
/// `Err` if the stream cannot be framed (header block over 64 KiB, Content-Length missing,
/// malformed, conflicting or over 1 MiB); the connection should then be closed.
pub fn frame(buf: &[u8]) -> Result<Option<Framed>, ParseError> {
    let mut skip = buf
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .count();
    if skip == buf.len() {
        // Keep a trailing CR: it may be the first half of a CRLF still in flight.
        if buf.last() == Some(&b'\r') {
            skip -= 1;
        }
        return Ok((skip > 0).then_some(Framed { skip, len: 0 }));
    }
    let msg = &buf[skip..];
    let Some((head_len, body_start)) = head_end(msg) else {
        if msg.len() > MAX_HEAD {
            return Err(ParseError::new("header block is larger than 64 KiB"));
        }
        return Ok(None);
    };
    if head_len > MAX_HEAD {
        return Err(ParseError::new("header block is larger than 64 KiB"));
    }
    let length = content_length(&msg[..head_len])?;
    if length > MAX_BODY {
        return Err(ParseError::new(format!(
            "Content-Length {length} is larger than 1 MiB"
        )));
    }
    let total = body_start + length as usize;
    Ok((msg.len() >= total).then_some(Framed { skip, len: total }))
}

/// The end of the header block and the start of the body, once the empty line has arrived.
fn head_end(b: &[u8]) -> Option<(usize, usize)> {
    let mut pos = 0;
    while let Some(p) = chars::find_byte(&b[pos..], b'\n') {
        let next = pos + p + 1;
        match b.get(next) {
            Some(b'\n') => return Some((next, next + 1)),
            Some(b'\r') => match b.get(next + 1) {
                Some(b'\n') => return Some((next, next + 2)),
                Some(_) => {}
                None => return None,
            },
            _ => {}
        }
        pos = next;
    }
    None
}

/// The Content-Length of a header block: required, numeric, and the same on every line
/// (a value folded onto continuation lines is joined first).
fn content_length(head: &[u8]) -> Result<u64, ParseError> {
    let mut found: Option<u64> = None;
    let mut lines = head.split(|&b| b == b'\n').skip(1).peekable();
    while let Some(line) = lines.next() {
        if line.first().is_some_and(|&b| chars::is_ws(b)) {
            continue;
        }
        let line = String::from_utf8_lossy(line);
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if names::lookup(chars::trim(name)) != Some(names::HeaderId::ContentLength) {
            continue;
        }
        let mut value = value.trim_end_matches('\r').to_string();
        while let Some(more) = lines.next_if(|l| l.first().is_some_and(|&b| chars::is_ws(b))) {
            value.push_str(String::from_utf8_lossy(more).trim_end_matches('\r'));
        }
        let v = chars::trim(&value);
        let n = chars::digits(v)
            .ok_or_else(|| ParseError::new(format!("Content-Length {v:?} is not a number")))?;
        if found.is_some_and(|f| f != n) {
            return Err(ParseError::new("conflicting Content-Length values"));
        }
        found = Some(n);
    }
    found.ok_or_else(|| ParseError::new("message on a stream has no Content-Length"))
}
