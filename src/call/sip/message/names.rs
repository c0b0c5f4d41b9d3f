//! Header names the stack knows: their canonical long form, their compact form, and a
//! case-insensitive lookup through a table built at compile time, bucketed by length and
//! first letter (usually one comparison per header line).

macro_rules! known_headers {
    ($($id:ident = $name:literal $(/ $compact:literal)?;)*) => {
        /// A header name the stack knows.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(super) enum HeaderId { $($id,)* }

        /// Every known header, in declaration order (at most 128: the parser keeps a
        /// 128-bit set of the ids it saw).
        const ALL: &[HeaderId] = &[$(HeaderId::$id,)*];
        const _: () = assert!(ALL.len() <= 128);

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

/// Room for the longest known name ("P-Preferred-Identity" is 20 bytes).
const MAX_LEN: usize = 24;
const EMPTY: u8 = u8::MAX;

/// Bucket of a name: its length and its first letter (case folded with `| 0x20`, which is
/// exact for the letters and '-' of header names; other bytes land in bucket 31).
const fn bucket(len: usize, first: u8) -> usize {
    let f = (first | 0x20).wrapping_sub(b'a');
    let f = if f < 26 { f as usize } else { 31 };
    len * 32 + f
}

/// Each name lowercased and zero-padded to `MAX_LEN`, and the mask that has 0x20 on its
/// letters (for the exact comparison).
const LOWER: ([[u8; MAX_LEN]; NAMES.len()], [[u8; MAX_LEN]; NAMES.len()]) = {
    let mut lower = [[0u8; MAX_LEN]; NAMES.len()];
    let mut letters = [[0u8; MAX_LEN]; NAMES.len()];
    let mut n = 0;
    while n < NAMES.len() {
        let b = NAMES[n].as_bytes();
        assert!(b.len() <= MAX_LEN);
        let mut i = 0;
        while i < b.len() {
            assert!(b[i].is_ascii_alphabetic() || b[i] == b'-');
            lower[n][i] = b[i].to_ascii_lowercase();
            letters[n][i] = if b[i].is_ascii_alphabetic() { 0x20 } else { 0 };
            i += 1;
        }
        n += 1;
    }
    (lower, letters)
};

/// Whether `b` (of the name's length) equals name `n` with `| mask` applied to `b`: with
/// 0x20 everywhere this is the historical fold (`| 0x20` on both sides; exact for tokens,
/// since no other token character folds onto a letter or '-'); with 0x20 on the letters
/// only it is exact ASCII case-insensitive equality. Eight bytes at a time, the last load
/// overlapping (the same result as byte by byte).
#[inline]
fn eq_masked(b: &[u8], lower: &[u8; MAX_LEN], mask: &[u8; MAX_LEN]) -> bool {
    let n = b.len();
    let w8 = |s: &[u8], i: usize| {
        s.get(i..i + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map_or(0, u64::from_le_bytes)
    };
    let w4 = |s: &[u8], i: usize| {
        s.get(i..i + 4)
            .and_then(|w| <[u8; 4]>::try_from(w).ok())
            .map_or(0, u32::from_le_bytes)
    };
    let eq8 = |i: usize| w8(b, i) | w8(mask, i) == w8(lower, i);
    let eq4 = |i: usize| w4(b, i) | w4(mask, i) == w4(lower, i);
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if !eq8(i) {
                return false;
            }
            i += 8;
        }
        eq8(n - 8)
    } else if n >= 4 {
        eq4(0) && eq4(n - 4)
    } else {
        (0..n).all(|i| b[i] | mask[i] == lower[i])
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
    find(b, false)
}

/// The known header whose name is exactly `b` up to ASCII case: a hit is therefore a
/// token, and for tokens this agrees with [`lookup_bytes`].
#[inline]
pub(super) fn lookup_exact(b: &[u8]) -> Option<HeaderId> {
    find(b, true)
}

#[inline]
fn find(b: &[u8], exact: bool) -> Option<HeaderId> {
    const FOLD: [u8; MAX_LEN] = [0x20; MAX_LEN];
    match b.len() {
        0 => return None,
        1 => return compact(b[0]),
        n if n > MAX_LEN => return None,
        _ => {}
    }
    let (first, next) = &TABLE;
    let (lower, letters) = &LOWER;
    let mut n = first[bucket(b.len(), b[0])];
    while n != EMPTY {
        let i = usize::from(n);
        let mask = if exact { &letters[i] } else { &FOLD };
        // Every name of the bucket has the length of `b`.
        if eq_masked(b, &lower[i], mask) {
            return ALL.get(i).copied();
        }
        n = next[i];
    }
    None
}
