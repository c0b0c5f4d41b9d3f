//! Constructors and typed accessors of [`Message`]. Values were checked when the message was
//! parsed, so accessors re-parse the small value they need on demand; the `*_tag` and
//! `branch` accessors borrow and allocate nothing (they are on every transaction's path),
//! and on a message just parsed (no line changed since) `cseq_parts`, `from_tag` and
//! `branch` hand out what the parser's checks found.

use super::chars;
use super::name_addr::NameAddrRef;
use super::names::HeaderId as H;
use super::{CSeq, Headers, Message, Method, NameAddr, StartLine, Uri, Via, method, params};

impl Message {
    /// A request with no headers and no body.
    pub fn request(method: Method, uri: Uri) -> Message {
        Message {
            start: StartLine::Request { method, uri },
            headers: Headers::default(),
            body: Vec::new(),
        }
    }

    /// A response with no headers and no body.
    pub fn response(code: u16, reason: &str) -> Message {
        Message {
            start: StartLine::Response {
                code,
                reason: reason.to_string(),
            },
            headers: Headers::default(),
            body: Vec::new(),
        }
    }

    pub fn is_request(&self) -> bool {
        matches!(self.start, StartLine::Request { .. })
    }

    /// The request method (None for a response).
    pub fn method(&self) -> Option<&Method> {
        match &self.start {
            StartLine::Request { method, .. } => Some(method),
            StartLine::Response { .. } => None,
        }
    }

    /// The Request-URI (None for a response).
    pub fn request_uri(&self) -> Option<&Uri> {
        match &self.start {
            StartLine::Request { uri, .. } => Some(uri),
            StartLine::Response { .. } => None,
        }
    }

    /// The status code (None for a request).
    pub fn status(&self) -> Option<u16> {
        match self.start {
            StartLine::Response { code, .. } => Some(code),
            StartLine::Request { .. } => None,
        }
    }

    pub fn call_id(&self) -> Option<&str> {
        self.headers.first(H::CallId)
    }

    pub fn cseq(&self) -> Option<CSeq> {
        CSeq::parse(self.headers.first(H::CSeq)?).ok()
    }

    /// The CSeq number and method token, borrowed.
    pub fn cseq_parts(&self) -> Option<(u32, &str)> {
        if let Some(hot) = self.headers.hot() {
            return hot.cseq.map(|(n, s, e)| (n, self.headers.text(s, e)));
        }
        method::split(self.headers.first(H::CSeq)?).ok()
    }

    pub fn from(&self) -> Option<NameAddr> {
        NameAddr::parse(self.headers.first(H::From)?).ok()
    }

    pub fn to(&self) -> Option<NameAddr> {
        NameAddr::parse(self.headers.first(H::To)?).ok()
    }

    /// The From tag, borrowed.
    pub fn from_tag(&self) -> Option<&str> {
        if let Some(hot) = self.headers.hot() {
            return hot.from_tag.map(|(s, e)| self.headers.text(s, e));
        }
        tag(self.headers.first(H::From)?)
    }

    /// The To tag, borrowed.
    pub fn to_tag(&self) -> Option<&str> {
        tag(self.headers.first(H::To)?)
    }

    /// Every Via value, top first, across lines and comma lists.
    pub fn vias(&self) -> Vec<Via> {
        self.headers
            .known(H::Via)
            .flat_map(|v| chars::split_list(v))
            .filter_map(|v| Via::parse(v).ok())
            .collect()
    }

    pub fn top_via(&self) -> Option<Via> {
        Via::parse(self.top_via_text()?).ok()
    }

    /// The top Via's branch parameter, borrowed.
    pub fn branch(&self) -> Option<&str> {
        if let Some(hot) = self.headers.hot() {
            return hot.branch.map(|(s, e)| self.headers.text(s, e));
        }
        // Nothing before a Via's parameters can hold a ';', and the scan for the branch
        // stops at the ',' that ends the top Via.
        let via = self.headers.first(H::Via)?;
        let at = chars::find_byte(via.as_bytes(), b';')?;
        let top_end = chars::find_byte(via.as_bytes(), b',').unwrap_or(via.len());
        if at > top_end {
            return None;
        }
        params::find(&via[at..], "branch").flatten()
    }

    fn top_via_text(&self) -> Option<&str> {
        chars::split_list(self.headers.first(H::Via)?).next()
    }

    /// Every Contact address; empty for `Contact: *`.
    pub fn contacts(&self) -> Vec<NameAddr> {
        self.addresses(H::Contact)
    }

    /// Whether the request carries `Contact: *`.
    pub fn contact_star(&self) -> bool {
        self.headers.known(H::Contact).any(|v| v == "*")
    }

    pub fn max_forwards(&self) -> Option<u32> {
        number(self.headers.first(H::MaxForwards)?)
    }

    pub fn expires(&self) -> Option<u32> {
        number(self.headers.first(H::Expires)?)
    }

    pub fn routes(&self) -> Vec<NameAddr> {
        self.addresses(H::Route)
    }

    pub fn record_routes(&self) -> Vec<NameAddr> {
        self.addresses(H::RecordRoute)
    }

    /// The media type (`type/subtype`, lowercased) without parameters.
    pub fn content_type(&self) -> Option<&str> {
        let v = self.headers.first(H::ContentType)?;
        Some(chars::trim(v.split(';').next().unwrap_or(v)))
    }

    fn addresses(&self, id: H) -> Vec<NameAddr> {
        self.headers
            .known(id)
            .filter(|v| *v != "*")
            .flat_map(|v| chars::split_list(v))
            .filter_map(|v| NameAddr::parse(v).ok())
            .collect()
    }
}

fn tag(address: &str) -> Option<&str> {
    params::find(NameAddrRef::params_of(address)?, "tag").flatten()
}

fn number(v: &str) -> Option<u32> {
    chars::digits(v).and_then(|n| u32::try_from(n).ok())
}
