//! Dialogs (RFC 3261 §12): the peer-to-peer relationship an INVITE sets up, and how requests
//! inside it are addressed (remote target, route set, loose and strict routing, CSeq).

use super::message::{Message, Method, NameAddr, Uri};

#[derive(Clone, Debug)]
pub struct Dialog {
    pub call_id: String,
    pub local_tag: String,
    pub remote_tag: String,
    /// Our address with our tag (From on requests we send).
    pub local: NameAddr,
    /// The peer's address with its tag (To on requests we send).
    pub remote: NameAddr,
    /// Where in-dialog requests go: the peer's Contact.
    pub remote_target: Uri,
    /// Record-Route in the order our requests must visit it.
    pub route_set: Vec<NameAddr>,
    pub local_cseq: u32,
    pub remote_cseq: Option<u32>,
}

impl Dialog {
    /// The caller's view, from our INVITE and a response with a To tag (§12.1.2).
    pub fn as_uac(invite: &Message, response: &Message) -> Option<Dialog> {
        let local = invite.from()?;
        let remote = response.to()?;
        let remote_target = response
            .contacts()
            .into_iter()
            .next()
            .map(|c| c.uri)
            .or_else(|| invite.request_uri().cloned())?;
        let mut route_set = response.record_routes();
        route_set.reverse();
        Some(Dialog {
            call_id: invite.call_id()?.to_string(),
            local_tag: local.tag()?.to_string(),
            remote_tag: remote.tag()?.to_string(),
            local,
            remote,
            remote_target,
            route_set,
            local_cseq: invite.cseq()?.seq,
            remote_cseq: None,
        })
    }

    /// The callee's view, from an incoming INVITE and the tag we chose (§12.1.1).
    pub fn as_uas(invite: &Message, local_tag: &str) -> Option<Dialog> {
        let remote = invite.from()?;
        let mut local = invite.to()?;
        local.params.set("tag", Some(local_tag));
        let remote_target = invite.contacts().into_iter().next()?.uri;
        Some(Dialog {
            call_id: invite.call_id()?.to_string(),
            local_tag: local_tag.to_string(),
            remote_tag: remote.tag().unwrap_or("").to_string(),
            local,
            remote,
            remote_target,
            route_set: invite.record_routes(),
            local_cseq: 0,
            remote_cseq: Some(invite.cseq()?.seq),
        })
    }

    /// Whether an incoming request belongs here: Call-ID, our tag in To, theirs in From.
    pub fn matches_request(&self, request: &Message) -> bool {
        request.call_id() == Some(self.call_id.as_str())
            && request
                .to()
                .and_then(|t| t.tag().map(str::to_string))
                .as_deref()
                == Some(self.local_tag.as_str())
            && request
                .from()
                .map(|f| f.tag().unwrap_or("").to_string())
                .as_deref()
                == Some(self.remote_tag.as_str())
    }

    /// A new request inside the dialog (§12.2.1.1), without Via (the endpoint adds it).
    /// ACK and CANCEL reuse the INVITE's CSeq; everything else takes the next number.
    pub fn request(&mut self, method: Method) -> Message {
        if !matches!(method, Method::Ack | Method::Cancel) {
            self.local_cseq += 1;
        }
        let (uri, routes) = self.request_target();
        let mut msg = Message::request(method.clone(), uri);
        let h = &mut msg.headers;
        for route in routes {
            h.push("Route", route.to_string());
        }
        h.push("Max-Forwards", "70");
        h.push("From", self.local.to_string());
        h.push("To", self.remote.to_string());
        h.push("Call-ID", self.call_id.clone());
        h.push("CSeq", format!("{} {}", self.local_cseq, method.as_str()));
        msg
    }

    /// The Request-URI and Route headers: loose routing when the first route has `lr`,
    /// otherwise the RFC 2543 strict-routing rewrite.
    fn request_target(&self) -> (Uri, Vec<NameAddr>) {
        match self.route_set.first() {
            None => (self.remote_target.clone(), Vec::new()),
            Some(first) if first.uri.params.contains("lr") => {
                (self.remote_target.clone(), self.route_set.clone())
            }
            Some(first) => {
                let mut uri = first.uri.clone();
                uri.headers.clear();
                let mut rest: Vec<NameAddr> = self.route_set[1..].to_vec();
                rest.push(NameAddr {
                    display_name: None,
                    uri: self.remote_target.clone(),
                    params: Default::default(),
                });
                (uri, rest)
            }
        }
    }

    /// The URI whose host the request is sent to: the first route, else the remote target.
    pub fn next_hop(&self) -> Uri {
        self.route_set
            .first()
            .map(|r| r.uri.clone())
            .unwrap_or_else(|| self.remote_target.clone())
    }

    /// Checks and records the CSeq of an in-dialog request (§12.2.2): lower numbers are
    /// out of order and refused with 500.
    pub fn accept_remote_cseq(&mut self, request: &Message) -> bool {
        let Some(seq) = request.cseq().map(|c| c.seq) else {
            return false;
        };
        if request.method() == Some(&Method::Ack) {
            return true;
        }
        match self.remote_cseq {
            Some(last) if seq <= last => false,
            _ => {
                self.remote_cseq = Some(seq);
                true
            }
        }
    }

    /// A target refresh (re-INVITE, UPDATE) may move the peer's Contact.
    pub fn refresh_target(&mut self, message: &Message) {
        if let Some(contact) = message.contacts().into_iter().next() {
            self.remote_target = contact.uri;
        }
    }
}
