//! Tests for the RTP layer, one file per module, plus shared helpers.

mod dtmf;
mod feedback;
mod fuzz;
mod h264;
mod jitter;
mod packet;
mod rtcp;
mod stats;

/// A tiny deterministic PRNG (xorshift64) for garbage inputs.
pub(super) struct XorShift(pub u64);

impl XorShift {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}
