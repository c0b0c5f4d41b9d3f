//! The packets we sent lately, as they went on the wire (SRTP-protected), so a generic NACK
//! can be answered by sending the very same bytes again (RFC 4585 §3.2 plain
//! retransmission: same sequence number, no new keystream use).

use std::collections::VecDeque;

/// Enough for about a second of 2 Mbit/s video at 1200-byte packets.
pub const DEFAULT_CAPACITY: usize = 512;

#[derive(Debug, Clone)]
pub struct History {
    capacity: usize,
    packets: VecDeque<(u16, Vec<u8>)>,
}

impl History {
    pub fn new(capacity: usize) -> Self {
        History {
            capacity: capacity.max(1),
            packets: VecDeque::new(),
        }
    }

    /// Remembers a sent packet, forgetting the oldest beyond capacity.
    pub fn push(&mut self, sequence: u16, bytes: Vec<u8>) {
        if self.packets.len() == self.capacity {
            self.packets.pop_front();
        }
        self.packets.push_back((sequence, bytes));
    }

    /// The packet sent with `sequence`, if it is still kept. Sequence numbers are sent in
    /// order, so the offset from the newest finds it without a search.
    pub fn get(&self, sequence: u16) -> Option<&[u8]> {
        let (newest, _) = self.packets.back()?;
        let back = usize::from(newest.wrapping_sub(sequence));
        let index = self.packets.len().checked_sub(1 + back)?;
        let (seq, bytes) = &self.packets[index];
        (*seq == sequence).then_some(bytes.as_slice())
    }

    pub fn clear(&mut self) {
        self.packets.clear();
    }
}
