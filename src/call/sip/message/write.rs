//! `Message::to_bytes`: the wire form. CRLF line endings, `Name: value` header lines, and a
//! Content-Length computed from the body (where the first Content-Length line was, else last).

use std::fmt::Write;

use super::{Message, StartLine};

impl Message {
    /// Serialises the message. CR and LF inside a value become spaces, so that a value set
    /// by the application can never inject a header line.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut head = String::with_capacity(512);
        // Writing into a String cannot fail.
        let _ = match &self.start {
            StartLine::Request { method, uri } => write!(head, "{method} {uri} SIP/2.0\r\n"),
            StartLine::Response { code, reason } => {
                head.push_str("SIP/2.0 ");
                let _ = write!(head, "{code} ");
                push_clean(&mut head, reason);
                head.push_str("\r\n");
                Ok(())
            }
        };
        let mut length_written = false;
        for (name, value) in self.headers.iter() {
            if name == "Content-Length" {
                if !length_written {
                    let _ = write!(head, "Content-Length: {}\r\n", self.body.len());
                    length_written = true;
                }
                continue;
            }
            head.push_str(name);
            head.push_str(": ");
            push_clean(&mut head, value);
            head.push_str("\r\n");
        }
        if !length_written {
            let _ = write!(head, "Content-Length: {}\r\n", self.body.len());
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        out.extend_from_slice(&self.body);
        out
    }
}

fn push_clean(out: &mut String, value: &str) {
    if value.contains(['\r', '\n']) {
        out.extend(
            value
                .chars()
                .map(|c| if c == '\r' || c == '\n' { ' ' } else { c }),
        );
    } else {
        out.push_str(value);
    }
}
