//! Stockpile norms (SPEC §1): how much of a city's population its reserves must
//! be able to support.

/// Life-support stock norm: share of residents (seeds 000, 004), 1.2 %.
pub const LIFE_SUPPORT_SHARE: f64 = 0.012;
/// Relocation norm: share of residents (seed 001), 1 %.
pub const RELOCATION_SHARE: f64 = 0.01;
