//! H.264 over RTP, packetization-mode 1 (RFC 6184): single NAL unit packets, STAP-A
//! (type 24) aggregation and FU-A (type 28) fragmentation, both ways. Modes 0 and 1 are what
//! SIP video endpoints (Cisco included) use; the interleaved-mode types (STAP-B, MTAP,
//! FU-B) are refused.

const STAP_A: u8 = 24;
const FU_A: u8 = 28;
/// Bound on one access unit being assembled, so a stream that never sets the marker bit
/// cannot grow memory without limit (a 4K I-frame is well under this).
const MAX_ACCESS_UNIT: usize = 8 << 20;

/// Packs one access unit's NAL units (without start codes) into RTP payloads of at most
/// `mtu` bytes: consecutive NALs that fit together go into a STAP-A, a NAL that fits alone
/// is sent as is, a larger one is split into FU-A fragments. The caller sets the marker bit
/// on the last payload. `mtu` below 3 is treated as 3 (the smallest FU-A); empty NALs are
/// skipped.
pub fn packetize(nal_units: &[&[u8]], mtu: usize) -> Vec<Vec<u8>> {
    let mtu = mtu.max(3);
    let nals: Vec<&[u8]> = nal_units
        .iter()
        .copied()
        .filter(|n| !n.is_empty())
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < nals.len() {
        let nal = nals[i];
        if nal.len() > mtu {
            fragment(nal, mtu, &mut out);
            i += 1;
            continue;
        }
        // How many NALs from i fit in one STAP-A (1-byte header, 2-byte size per NAL)?
        let mut size = 1;
        let mut j = i;
        while j < nals.len() && size + 2 + nals[j].len() <= mtu {
            size += 2 + nals[j].len();
            j += 1;
        }
        if j - i >= 2 {
            let group = &nals[i..j];
            // F is the OR of the aggregated F bits, NRI their maximum (RFC 6184 §5.7.1).
            let f = group.iter().fold(0, |a, n| a | (n[0] & 0x80));
            let nri = group.iter().map(|n| n[0] & 0x60).max().unwrap_or(0);
            let mut p = Vec::with_capacity(size);
            p.push(f | nri | STAP_A);
            for n in group {
                p.extend_from_slice(&(n.len() as u16).to_be_bytes());
                p.extend_from_slice(n);
            }
            out.push(p);
            i = j;
        } else {
            out.push(nal.to_vec());
            i += 1;
        }
    }
    out
}

/// Splits one NAL into FU-A payloads of at most `mtu` bytes.
fn fragment(nal: &[u8], mtu: usize, out: &mut Vec<Vec<u8>>) {
    let indicator = (nal[0] & 0xe0) | FU_A;
    let kind = nal[0] & 0x1f;
    let chunks: Vec<&[u8]> = nal[1..].chunks(mtu - 2).collect();
    let last = chunks.len() - 1;
    for (k, chunk) in chunks.into_iter().enumerate() {
        let mut header = kind;
        if k == 0 {
            header |= 0x80;
        }
        if k == last {
            header |= 0x40;
        }
        let mut p = Vec::with_capacity(2 + chunk.len());
        p.extend_from_slice(&[indicator, header]);
        p.extend_from_slice(chunk);
        out.push(p);
    }
}

/// Splits an Annex B byte stream (start codes `00 00 01` / `00 00 00 01`) into NAL units,
/// the form encoders usually produce and [`packetize`] takes.
pub fn split_annexb(stream: &[u8]) -> Vec<&[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= stream.len() {
        if stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1 {
            starts.push((i, i + 3));
            i += 3;
        } else {
            i += 1;
        }
    }
    let mut nals = Vec::new();
    for (k, &(_, begin)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(stream.len(), |&(at, _)| at);
        let mut nal = &stream[begin..end];
        // Zeros before the next start code (the 4-byte form, trailing_zero_8bits) are not data.
        while let [rest @ .., 0] = nal {
            nal = rest;
        }
        if !nal.is_empty() {
            nals.push(nal);
        }
    }
    nals
}

/// Reassembles NAL units from RTP payloads in sequence order (put a reorder buffer in front
/// if the network reorders). A sequence gap drops the fragment being assembled and sets the
/// loss flag ([`Depacketizer::take_loss`]) so the session can ask for a key frame (PLI/FIR).
#[derive(Debug, Clone, Default)]
pub struct Depacketizer {
    nals: Vec<Vec<u8>>,
    fu: Option<Vec<u8>>,
    bytes: usize,
    last_seq: Option<u16>,
    loss: bool,
}

impl Depacketizer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds one payload. Returns the access unit's NAL units when `marker` ends it (None if
    /// nothing usable was collected). A repeat of the previous sequence number is ignored.
    pub fn push(&mut self, payload: &[u8], marker: bool, seq: u16) -> Option<Vec<Vec<u8>>> {
        match self.last_seq {
            Some(last) if seq == last => return None,
            Some(last) if seq != last.wrapping_add(1) => {
                self.loss = true;
                self.fu = None;
            }
            _ => {}
        }
        self.last_seq = Some(seq);
        self.payload(payload);
        if self.bytes + self.fu.as_ref().map_or(0, Vec::len) > MAX_ACCESS_UNIT {
            self.loss = true;
            self.nals.clear();
            self.fu = None;
            self.bytes = 0;
        }
        if !marker {
            return None;
        }
        if self.fu.take().is_some() {
            // The access unit ended inside a fragmented NAL: its end was lost.
            self.loss = true;
        }
        self.bytes = 0;
        let nals = std::mem::take(&mut self.nals);
        (!nals.is_empty()).then_some(nals)
    }

    /// True (once) if anything was lost or refused since the last call.
    pub fn take_loss(&mut self) -> bool {
        std::mem::take(&mut self.loss)
    }

    fn payload(&mut self, p: &[u8]) {
        let Some(&first) = p.first() else {
            self.loss = true;
            return;
        };
        match first & 0x1f {
            1..=23 => self.add(p.to_vec()),
            STAP_A => {
                let mut units = Vec::new();
                let mut rest = &p[1..];
                while !rest.is_empty() {
                    let len = match rest {
                        [a, b, ..] => usize::from(u16::from_be_bytes([*a, *b])),
                        _ => 0,
                    };
                    if len == 0 || rest.len() < 2 + len {
                        // A malformed aggregate is dropped whole.
                        self.loss = true;
                        return;
                    }
                    units.push(rest[2..2 + len].to_vec());
                    rest = &rest[2 + len..];
                }
                units.into_iter().for_each(|u| self.add(u));
            }
            FU_A => {
                let Some(&header) = p.get(1) else {
                    self.loss = true;
                    return;
                };
                let data = &p[2..];
                if header & 0x80 != 0 {
                    if self.fu.is_some() {
                        self.loss = true;
                    }
                    let mut nal = Vec::with_capacity(1 + data.len());
                    nal.push((first & 0xe0) | (header & 0x1f));
                    nal.extend_from_slice(data);
                    self.fu = Some(nal);
                } else if let Some(nal) = &mut self.fu {
                    nal.extend_from_slice(data);
                } else {
                    // A middle or end fragment without its start (dropped after a gap).
                    self.loss = true;
                    return;
                }
                if header & 0x40 != 0
                    && let Some(nal) = self.fu.take()
                {
                    self.add(nal);
                }
            }
            _ => self.loss = true,
        }
    }

    fn add(&mut self, nal: Vec<u8>) {
        self.bytes += nal.len();
        self.nals.push(nal);
    }
}
