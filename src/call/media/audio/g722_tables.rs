//! Constant tables of ITU-T G.722 (SB-ADPCM), named after the blocks of the
//! Recommendation that use them.

/// QUANTL decision levels for the 6-bit lower-band quantiser (scaled by det >> 12).
pub(super) const Q6: [i32; 32] = [
    0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714, 786, 858, 940,
    1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919, 0, 0,
];
/// QUANTL output codes for a negative difference, by decision interval.
pub(super) const ILN: [i32; 32] = [
    0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11,
    10, 9, 8, 7, 6, 5, 4, 0,
];
/// QUANTL output codes for a positive difference, by decision interval.
pub(super) const ILP: [i32; 32] = [
    0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39,
    38, 37, 36, 35, 34, 33, 32, 0,
];
/// LOGSCL log-scale-factor increments for the lower band.
pub(super) const WL: [i32; 8] = [-60, -30, 58, 172, 334, 538, 1198, 3042];
/// Maps a 4-bit lower-band code to its WL index.
pub(super) const RL42: [usize; 16] = [0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0];
/// SCALEL/SCALEH antilog table.
pub(super) const ILB: [i32; 32] = [
    2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
    2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
];
/// INVQAL: 4-bit inverse quantiser (used for prediction in every mode).
pub(super) const QM4: [i32; 16] = [
    0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288, 4240, 2584,
    1200, 0,
];
/// INVQBL: 6-bit inverse quantiser (decoder output in 64 kbit/s mode).
pub(super) const QM6: [i32; 64] = [
    -136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984, -13512, -12280, -11192, -10232,
    -9360, -8576, -7856, -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576, -3168, -2776,
    -2400, -2032, -1688, -1360, -1040, -728, 24808, 21904, 19008, 16704, 14984, 13512, 12280,
    11192, 10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456, 4944, 4464, 4008, 3576, 3168, 2776,
    2400, 2032, 1688, 1360, 1040, 728, 432, 136, -432, -136,
];
/// INVQAH: 2-bit higher-band inverse quantiser.
pub(super) const QM2: [i32; 4] = [-7408, -1616, 7408, 1616];
/// LOGSCH log-scale-factor increments for the higher band.
pub(super) const WH: [i32; 3] = [0, -214, 798];
/// Maps a 2-bit higher-band code to its WH index.
pub(super) const RH2: [usize; 4] = [2, 1, 2, 1];
/// QUANTH output codes for a negative / positive difference.
pub(super) const IHN: [i32; 3] = [0, 1, 0];
pub(super) const IHP: [i32; 3] = [0, 3, 2];
/// Half of the 24-tap QMF (the filter is symmetric); each half sums to 4096.
pub(super) const QMF: [i32; 12] = [3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11];
