//! Demand that a plan cannot meet on time, and why.

use serde::Serialize;

use super::demand::Phase;

/// Why demand is not met by its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// No warehouse has stock of the item left.
    NoStock,
    /// No road reaches the shelter from any warehouse after closures.
    Unreachable,
    /// Reachable, but no warehouse can get it there by the deadline even with a free truck.
    TooFar,
    /// Stock and time would allow it, but every truck is busy.
    Fleet,
}

impl Reason {
    /// Name as written in output files.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NoStock => "no_stock",
            Reason::Unreachable => "unreachable",
            Reason::TooFar => "too_far",
            Reason::Fleet => "fleet",
        }
    }
}

/// Units of one item one shelter does not get in one phase.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shortfall {
    /// Shelter index.
    pub shelter: usize,
    /// Item index.
    pub item: usize,
    /// Phase.
    pub phase: Phase,
    /// Units short.
    pub quantity: u64,
    /// Why.
    pub reason: Reason,
}
