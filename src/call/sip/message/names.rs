//! Header names the stack knows: their canonical long form, their compact form, and a
//! case-insensitive lookup through a hash table built at compile time (one hash and usually
//! one comparison per header line).

macro_rules! known_headers {
    ($($id:ident = $name:literal $(/ $compact:literal)?;)*) => {
        /// A header name the stack knows.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(super) enum HeaderId { $($id,)* }

        /// Every known header, in declaration order.
        const ALL: &[HeaderId] = &[$(HeaderId::$id,)*];

        impl HeaderId {
            /// The canonical long form.
            pub(super) fn name(self) -> &'static str {
                match self { $(HeaderId::$id => $name,)* }
            }
        }

        /// The header a compact (one-letter) form stands for.
        fn compact(c: u8) -> Option<HeaderId> {
            match c.to_ascii_lowercase() {
                $($($compact => Some(HeaderId::$id),)?)*
                _ => None,
            }
        }

        const NAMES: &[&str] = &[$($name,)*];
    };
}

known_headers! {
    Accept = "Accept";
    AcceptContact = "Accept-Contact" / b'a';
    AcceptEncoding = "Accept-Encoding";
    AcceptLanguage = "Accept-Language";
    AlertInfo = "Alert-Info";
    Allow = "Allow";
    AllowEvents = "Allow-Events" / b'u';
    AuthenticationInfo = "Authentication-Info";
    Authorization = "Authorization";
    CallId = "Call-ID" / b'i';
    CallInfo = "Call-Info";
    Contact = "Contact" / b'm';
    ContentDisposition = "Content-Disposition";
    ContentEncoding = "Content-Encoding" / b'e';
    ContentLanguage = "Content-Language";
    ContentLength = "Content-Length" / b'l';
    ContentType = "Content-Type" / b'c';
    CSeq = "CSeq";
    Date = "Date";
    ErrorInfo = "Error-Info";
    Event = "Event" / b'o';
    Expires = "Expires";
    From = "From" / b'f';
    Identity = "Identity" / b'y';
    InReplyTo = "In-Reply-To";
    MaxForwards = "Max-Forwards";
    MinExpires = "Min-Expires";
    MinSe = "Min-SE";
    MimeVersion = "MIME-Version";
    Organization = "Organization";
    PAssertedIdentity = "P-Asserted-Identity";
    PPreferredIdentity = "P-Preferred-Identity";
    Path = "Path";
    Priority = "Priority";
    Privacy = "Privacy";
    ProxyAuthenticate = "Proxy-Authenticate";
    ProxyAuthorization = "Proxy-Authorization";
    ProxyRequire = "Proxy-Require";
    RAck = "RAck";
    Reason = "Reason";
    RecordRoute = "Record-Route";
    ReferTo = "Refer-To" / b'r';
    ReferredBy = "Referred-By" / b'b';
    RejectContact = "Reject-Contact" / b'j';
    Replaces = "Replaces";
    ReplyTo = "Reply-To";
    RequestDisposition = "Request-Disposition" / b'd';
    Require = "Require";
    RetryAfter = "Retry-After";
    Route = "Route";
    RSeq = "RSeq";
    Server = "Server";
    ServiceRoute = "Service-Route";
    SessionExpires = "Session-Expires" / b'x';
    SessionId = "Session-ID";
    Subject = "Subject" / b's';
    SubscriptionState = "Subscription-State";
    Supported = "Supported" / b'k';
    Timestamp = "Timestamp";
    To = "To" / b't';
    Unsupported = "Unsupported";
    UserAgent = "User-Agent";
    Via = "Via" / b'v';
    Warning = "Warning";
    WwwAuthenticate = "WWW-Authenticate";
}

const SLOTS: usize = 256;
const EMPTY: u8 = u8::MAX;

/// A cheap hash of length, first, middle and last byte (case folded with `| 0x20`, which
/// is exact for the letters and '-' of header names); multipliers picked for few collisions.
const fn hash(b: &[u8]) -> usize {
    if b.is_empty() {
        return 0;
    }
    let (first, mid, last) = (b[0] | 0x20, b[b.len() / 2] | 0x20, b[b.len() - 1] | 0x20);
    (first as usize * 41 + last as usize * 13 + mid as usize * 29 + b.len()) % SLOTS
}

/// Case-insensitive equality of a token against a table name: `| 0x20` folds letters, and
/// no other token character folds onto a letter or '-'.
#[inline]
fn eq_fold(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x | 0x20 == y | 0x20)
}

/// Open-addressing table from name hash to index in `ALL` (linear probing).
const TABLE: [u8; SLOTS] = {
    let mut t = [EMPTY; SLOTS];
    let mut n = 0;
    while n < NAMES.len() {
        let mut slot = hash(NAMES[n].as_bytes());
        while t[slot] != EMPTY {
            slot = (slot + 1) % SLOTS;
        }
        t[slot] = n as u8;
        n += 1;
    }
    t
};

/// The known header `name` (long or compact form, any case) stands for.
#[inline]
pub(super) fn lookup(name: &str) -> Option<HeaderId> {
    lookup_bytes(name.as_bytes())
}

/// [`lookup`] over raw bytes (header names are tokens, hence ASCII).
#[inline]
pub(super) fn lookup_bytes(b: &[u8]) -> Option<HeaderId> {
    if b.len() == 1 {
        return compact(b[0]);
    }
    let mut slot = hash(b);
    loop {
        let n = TABLE[slot];
        if n == EMPTY {
            return None;
        }
        let i = usize::from(n);
        if eq_fold(NAMES[i].as_bytes(), b) {
            return ALL.get(i).copied();
        }
        slot = (slot + 1) % SLOTS;
    }
}
