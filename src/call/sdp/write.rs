//! `SessionDescription` -> text: RFC 8866 line order, CRLF after every line, so that
//! `to_string()` is ready to be a SIP message body.

use std::fmt::{self, Write};

use super::session::{Attribute, Bandwidth, Connection, MediaDescription, SessionDescription};

impl fmt::Display for SessionDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.origin;
        line(f, 'v', "0")?;
        line(
            f,
            'o',
            format_args!(
                "{} {} {} {} {} {}",
                o.username, o.session_id, o.session_version, o.net_type, o.addr_type, o.address
            ),
        )?;
        // An empty name is written as a single space, as RFC 8866 §5.3 asks.
        line(
            f,
            's',
            if self.session_name.is_empty() {
                " "
            } else {
                &self.session_name
            },
        )?;
        if let Some(i) = &self.information {
            line(f, 'i', i)?;
        }
        if let Some(u) = &self.uri {
            line(f, 'u', u)?;
        }
        for e in &self.emails {
            line(f, 'e', e)?;
        }
        for p in &self.phones {
            line(f, 'p', p)?;
        }
        if let Some(c) = &self.connection {
            connection(f, c)?;
        }
        bandwidths(f, &self.bandwidths)?;
        if self.times.is_empty() {
            // t= is mandatory; SIP sessions are unbounded.
            line(f, 't', "0 0")?;
        }
        for t in &self.times {
            line(f, 't', format_args!("{} {}", t.start, t.stop))?;
            for r in &t.repeats {
                line(f, 'r', r)?;
            }
        }
        if let Some(z) = &self.time_zones {
            line(f, 'z', z)?;
        }
        if let Some(k) = &self.encryption_key {
            line(f, 'k', k)?;
        }
        attributes(f, &self.attributes)?;
        for m in &self.media {
            write!(f, "{m}")?;
        }
        Ok(())
    }
}

impl fmt::Display for MediaDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = String::new();
        write!(m, "{} {}", self.kind, self.port)?;
        if let Some(count) = self.port_count {
            write!(m, "/{count}")?;
        }
        write!(m, " {}", self.protocol)?;
        for fmt in &self.formats {
            write!(m, " {fmt}")?;
        }
        line(f, 'm', m)?;
        if let Some(i) = &self.information {
            line(f, 'i', i)?;
        }
        if let Some(c) = &self.connection {
            connection(f, c)?;
        }
        bandwidths(f, &self.bandwidths)?;
        if let Some(k) = &self.encryption_key {
            line(f, 'k', k)?;
        }
        attributes(f, &self.attributes)
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(f, "{}:{v}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

impl fmt::Display for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.net_type, self.addr_type, self.address)
    }
}

fn line(f: &mut fmt::Formatter<'_>, kind: char, value: impl fmt::Display) -> fmt::Result {
    write!(f, "{kind}={value}\r\n")
}

fn connection(f: &mut fmt::Formatter<'_>, c: &Connection) -> fmt::Result {
    line(f, 'c', c)
}

fn bandwidths(f: &mut fmt::Formatter<'_>, bws: &[Bandwidth]) -> fmt::Result {
    for b in bws {
        line(f, 'b', format_args!("{}:{}", b.bw_type, b.value))?;
    }
    Ok(())
}

fn attributes(f: &mut fmt::Formatter<'_>, attrs: &[Attribute]) -> fmt::Result {
    for a in attrs {
        line(f, 'a', a)?;
    }
    Ok(())
}
