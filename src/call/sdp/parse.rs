//! Text -> `SessionDescription` (RFC 8866 §5, §9 grammar). Tolerant where real peers
//! differ (LF or CRLF, trailing spaces, blank lines, unknown line types and attributes,
//! session lines slightly out of order), strict where the text cannot be an SDP body.

use super::session::{
    Attribute, Bandwidth, Connection, MediaDescription, MediaKind, Origin, SdpError,
    SessionDescription, Timing,
};

impl SessionDescription {
    /// Parses an SDP body. Never panics; any refusal says what was wrong and where.
    pub fn parse(text: &str) -> Result<Self, SdpError> {
        Parser::new().run(text)
    }
}

impl std::str::FromStr for SessionDescription {
    type Err = SdpError;

    fn from_str(s: &str) -> Result<Self, SdpError> {
        SessionDescription::parse(s)
    }
}

struct Parser {
    seen_version: bool,
    seen_origin: bool,
    seen_name: bool,
    sd: SessionDescription,
}

impl Parser {
    fn new() -> Self {
        let origin = Origin {
            username: String::new(),
            session_id: 0,
            session_version: 0,
            net_type: String::new(),
            addr_type: String::new(),
            address: String::new(),
        };
        let mut sd = SessionDescription::new(origin, std::net::Ipv4Addr::UNSPECIFIED.into());
        sd.session_name.clear();
        sd.connection = None;
        sd.times.clear();
        Parser {
            seen_version: false,
            seen_origin: false,
            seen_name: false,
            sd,
        }
    }

    fn run(mut self, text: &str) -> Result<SessionDescription, SdpError> {
        // Lines are numbered as the peer sees them, blank ones included.
        let lines = text
            .split('\n')
            .map(|l| {
                l.strip_suffix('\r')
                    .unwrap_or(l)
                    .trim_end_matches([' ', '\t'])
            })
            .enumerate()
            .map(|(i, l)| (i + 1, l))
            .filter(|(_, l)| !l.is_empty());
        for (n, line) in lines {
            let (kind, value) = split_line(n, line)?;
            if !self.seen_version {
                if kind != 'v' {
                    return Err(SdpError::at(n, "the first line must be v=0"));
                }
                if value != "0" {
                    return Err(SdpError::at(
                        n,
                        format!("unsupported SDP version '{value}'"),
                    ));
                }
                self.seen_version = true;
                continue;
            }
            if kind == 'm' {
                self.sd.media.push(parse_media(n, value)?);
                continue;
            }
            match self.sd.media.last_mut() {
                None => self.session_line(n, kind, value)?,
                Some(m) => media_line(n, kind, value, m)?,
            }
        }
        if !self.seen_version {
            return Err(SdpError::new("the body is empty"));
        }
        if !self.seen_origin {
            return Err(SdpError::new("no o= line"));
        }
        if !self.seen_name {
            return Err(SdpError::new("no s= line"));
        }
        // Some SIP stacks leave t= out; it means the same as "t=0 0", which we write back.
        if self.sd.times.is_empty() {
            self.sd.times.push(Timing {
                start: 0,
                stop: 0,
                repeats: Vec::new(),
            });
        }
        Ok(self.sd)
    }

    fn session_line(&mut self, n: usize, kind: char, value: &str) -> Result<(), SdpError> {
        let sd = &mut self.sd;
        match kind {
            'v' => return Err(SdpError::at(n, "more than one v= line")),
            'o' => {
                if self.seen_origin {
                    return Err(SdpError::at(n, "more than one o= line"));
                }
                self.seen_origin = true;
                sd.origin = parse_origin(n, value)?;
            }
            's' => {
                if self.seen_name {
                    return Err(SdpError::at(n, "more than one s= line"));
                }
                self.seen_name = true;
                sd.session_name = value.trim().to_string();
            }
            'i' => sd.information = Some(value.to_string()),
            'u' => sd.uri = Some(value.to_string()),
            'e' => sd.emails.push(value.to_string()),
            'p' => sd.phones.push(value.to_string()),
            'c' => {
                if sd.connection.is_some() {
                    return Err(SdpError::at(
                        n,
                        "more than one c= line in the session section",
                    ));
                }
                sd.connection = Some(parse_connection(n, value)?);
            }
            'b' => sd.bandwidths.push(parse_bandwidth(n, value)?),
            't' => sd.times.push(parse_timing(n, value)?),
            'r' => match sd.times.last_mut() {
                Some(t) => t.repeats.push(value.to_string()),
                None => return Err(SdpError::at(n, "r= line without a t= line before it")),
            },
            'z' => sd.time_zones = Some(value.to_string()),
            'k' => sd.encryption_key = Some(value.to_string()),
            'a' => sd.attributes.push(parse_attribute(n, value)?),
            // RFC 8866 lets a parser ignore line types it does not know.
            _ => {}
        }
        Ok(())
    }
}

fn media_line(n: usize, kind: char, value: &str, m: &mut MediaDescription) -> Result<(), SdpError> {
    match kind {
        'i' => m.information = Some(value.to_string()),
        'c' => {
            // Several c= lines are legal only for layered multicast; keep the first.
            let c = parse_connection(n, value)?;
            m.connection.get_or_insert(c);
        }
        'b' => m.bandwidths.push(parse_bandwidth(n, value)?),
        'k' => m.encryption_key = Some(value.to_string()),
        'a' => m.attributes.push(parse_attribute(n, value)?),
        'v' | 'o' | 's' | 'u' | 'e' | 'p' | 't' | 'r' | 'z' => {
            return Err(SdpError::at(
                n,
                format!("{kind}= line is not allowed inside a media section"),
            ));
        }
        _ => {}
    }
    Ok(())
}

fn split_line(n: usize, line: &str) -> Result<(char, &str), SdpError> {
    let mut chars = line.chars();
    match (chars.next(), chars.next()) {
        (Some(k), Some('=')) if k.is_ascii_lowercase() => {
            let value = &line[2..];
            if value.chars().any(|c| c.is_control() && c != '\t') {
                return Err(SdpError::at(n, "line contains a control character"));
            }
            Ok((k, value))
        }
        _ => Err(SdpError::at(n, "line is not of the form <letter>=<value>")),
    }
}

fn fields<'a, const N: usize>(
    n: usize,
    value: &'a str,
    what: &str,
) -> Result<[&'a str; N], SdpError> {
    let parts: Vec<&'a str> = value.split_whitespace().collect();
    parts.try_into().map_err(|p: Vec<&'a str>| {
        SdpError::at(n, format!("{what} has {} fields, expected {N}", p.len()))
    })
}

fn parse_origin(n: usize, value: &str) -> Result<Origin, SdpError> {
    let [user, id, version, net, addr_type, address] = fields::<6>(n, value, "o= line")?;
    let number = |s: &str, what: &str| {
        s.parse::<u64>()
            .map_err(|_| SdpError::at(n, format!("o= {what} '{s}' is not a number")))
    };
    Ok(Origin {
        username: user.to_string(),
        session_id: number(id, "session id")?,
        session_version: number(version, "session version")?,
        net_type: net.to_string(),
        addr_type: addr_type.to_string(),
        address: address.to_string(),
    })
}

fn parse_connection(n: usize, value: &str) -> Result<Connection, SdpError> {
    let [net, addr_type, address] = fields::<3>(n, value, "c= line")?;
    let c = Connection {
        net_type: net.to_string(),
        addr_type: addr_type.to_string(),
        address: address.to_string(),
    };
    if let Some(ip) = c.ip() {
        let expected = super::session::addr_type_of(ip);
        if !addr_type.eq_ignore_ascii_case(expected) {
            return Err(SdpError::at(
                n,
                format!("c= address {ip} is {expected} but the address type says {addr_type}"),
            ));
        }
    }
    Ok(c)
}

fn parse_bandwidth(n: usize, value: &str) -> Result<Bandwidth, SdpError> {
    let (bw_type, v) = value
        .split_once(':')
        .ok_or_else(|| SdpError::at(n, "b= line has no ':' between type and value"))?;
    if bw_type.is_empty() || !bw_type.chars().all(is_token_char) {
        return Err(SdpError::at(
            n,
            format!("b= type '{bw_type}' is not a token"),
        ));
    }
    let value = v
        .trim()
        .parse()
        .map_err(|_| SdpError::at(n, format!("b= value '{v}' is not a number")))?;
    Ok(Bandwidth {
        bw_type: bw_type.to_string(),
        value,
    })
}

fn parse_timing(n: usize, value: &str) -> Result<Timing, SdpError> {
    let [start, stop] = fields::<2>(n, value, "t= line")?;
    let time = |s: &str| {
        s.parse::<u64>()
            .map_err(|_| SdpError::at(n, format!("t= time '{s}' is not a number")))
    };
    Ok(Timing {
        start: time(start)?,
        stop: time(stop)?,
        repeats: Vec::new(),
    })
}

fn parse_attribute(n: usize, value: &str) -> Result<Attribute, SdpError> {
    let (name, val) = match value.split_once(':') {
        Some((name, v)) => (name, Some(v.to_string())),
        None => (value, None),
    };
    if name.is_empty() {
        return Err(SdpError::at(n, "a= line has no attribute name"));
    }
    if !name.chars().all(is_token_char) {
        return Err(SdpError::at(
            n,
            format!("a= attribute name '{name}' is not a token"),
        ));
    }
    Ok(Attribute {
        name: name.to_string(),
        value: val,
    })
}

fn parse_media(n: usize, value: &str) -> Result<MediaDescription, SdpError> {
    let mut parts = value.split_whitespace();
    let kind = parts
        .next()
        .ok_or_else(|| SdpError::at(n, "m= line is empty"))?;
    if !kind.chars().all(is_token_char) {
        return Err(SdpError::at(
            n,
            format!("m= media type '{kind}' is not a token"),
        ));
    }
    let port_field = parts
        .next()
        .ok_or_else(|| SdpError::at(n, "m= line has no port"))?;
    let (port, port_count) = match port_field.split_once('/') {
        Some((p, c)) => (p, Some(c)),
        None => (port_field, None),
    };
    let port = port.parse::<u16>().map_err(|_| {
        SdpError::at(
            n,
            format!("m= port '{port}' is not a number from 0 to 65535"),
        )
    })?;
    let port_count = match port_count {
        Some(c) => Some(
            c.parse::<u16>()
                .map_err(|_| SdpError::at(n, format!("m= port count '{c}' is not a number")))?,
        ),
        None => None,
    };
    let protocol = parts
        .next()
        .ok_or_else(|| SdpError::at(n, "m= line has no protocol"))?;
    if !protocol.chars().all(|c| is_token_char(c) || c == '/') {
        return Err(SdpError::at(
            n,
            format!("m= protocol '{protocol}' is not valid"),
        ));
    }
    let formats: Vec<String> = parts.map(str::to_string).collect();
    let mut m = MediaDescription::new(MediaKind::from_token(kind), port, protocol, formats);
    m.port_count = port_count;
    // RTP formats are payload type numbers; anything else means the line is garbage.
    if m.is_rtp()
        && let Some(bad) = m
            .formats
            .iter()
            .find(|f| super::attrs::parse_pt(f).is_none())
    {
        return Err(SdpError::at(
            n,
            format!("m= format '{bad}' is not an RTP payload type"),
        ));
    }
    Ok(m)
}

/// RFC 8866 `token-char`.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`{|}~".contains(c)
}
