//! Header names the stack knows: their canonical long form, their compact form, and a
//! case-insensitive lookup through a table built at compile time, bucketed by length and
//! first letter (usually one comparison per header line).

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

/// Longest known name ("Content-Disposition" is 19, "P-Preferred-Identity" 20).
const MAX_LEN: usize = 24;
const EMPTY: u8 = u8::MAX;

/// Bucket of a name: its length and its first letter (case folded with `| 0x20`, which is
/// exact for the letters and '-' of header names; other bytes land in bucket 31).
const fn bucket(len: usize, first: u8) -> usize {
    let f = (first | 0x20).wrapping_sub(b'a');
    let f = if f < 26 { f as usize } else { 31 };
    len * 32 + f
}

/// Case-insensitive equality of a token against a table name: `| 0x20` folds letters, and
/// no other token character folds onto a letter or '-'. Compares eight bytes at a time (the
/// last load overlapping), which is the same as the byte-wise `| 0x20` comparison.
#[inline]
fn eq_fold(a: &[u8], b: &[u8]) -> bool {
    const FOLD8: u64 = 0x2020_2020_2020_2020;
    const FOLD4: u32 = 0x2020_2020;
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let w8 = |s: &[u8], i: usize| {
        s.get(i..i + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map_or(0, u64::from_le_bytes)
            | FOLD8
    };
    let w4 = |s: &[u8], i: usize| {
        s.get(i..i + 4)
            .and_then(|w| <[u8; 4]>::try_from(w).ok())
            .map_or(0, u32::from_le_bytes)
            | FOLD4
    };
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if w8(a, i) != w8(b, i) {
                return false;
            }
            i += 8;
        }
        w8(a, n - 8) == w8(b, n - 8)
    } else if n >= 4 {
        w4(a, 0) == w4(b, 0) && w4(a, n - 4) == w4(b, n - 4)
    } else {
        a.iter().zip(b).all(|(x, y)| x | 0x20 == y | 0x20)
    }
}

/// First name (index in `ALL`) of each bucket, and the next name of the same bucket.
const TABLE: ([u8; (MAX_LEN + 1) * 32], [u8; 128]) = {
    let mut first = [EMPTY; (MAX_LEN + 1) * 32];
    let mut next = [EMPTY; 128];
    assert!(NAMES.len() < 128);
    // Backwards, so that each chain lists names in declaration order.
    let mut n = NAMES.len();
    while n > 0 {
        n -= 1;
        let b = NAMES[n].as_bytes();
        assert!(b.len() <= MAX_LEN);
        let k = bucket(b.len(), b[0]);
        next[n] = first[k];
        first[k] = n as u8;
    }
    (first, next)
};

/// The known header `name` (long or compact form, any case) stands for.
#[inline]
pub(super) fn lookup(name: &str) -> Option<HeaderId> {
    lookup_bytes(name.as_bytes())
}

/// [`lookup`] over raw bytes (header names are tokens, hence ASCII).
#[inline]
pub(super) fn lookup_bytes(b: &[u8]) -> Option<HeaderId> {
    match b.len() {
        0 => return None,
        1 => return compact(b[0]),
        n if n > MAX_LEN => return None,
        _ => {}
    }
    let (first, next) = &TABLE;
    let mut n = first[bucket(b.len(), b[0])];
    while n != EMPTY {
        let i = usize::from(n);
        if eq_fold(NAMES[i].as_bytes(), b) {
            return ALL.get(i).copied();
        }
        n = next[i];
    }
    None
}
