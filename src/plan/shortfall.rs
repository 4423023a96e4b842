//! Demand that a plan cannot meet on time, and why.

use serde::Serialize;

use super::demand::Phase;
use super::ledger::StockLedger;
use super::travel::TravelHours;
use crate::facility::{ItemIx, ShelterIx, WarehouseIx};

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

/// Why item `i` is short at shelter `s` by `deadline_h`, given the stock left:
/// no road from any warehouse, no warehouse in time even with its first truck
/// free (`ready_h`: first truck free + loading, hours after the event), no
/// warehouse in time with stock of it left, or (stock and time allow it) trucks.
pub fn reason(
    travel: &TravelHours,
    ready_h: &[f64],
    deadline_h: f64,
    stock: &StockLedger,
    s: usize,
    i: usize,
) -> Reason {
    let nw = travel.warehouses();
    let out = |w: usize| travel.outbound(WarehouseIx(w), ShelterIx(s));
    let in_time = |w: usize| out(w).is_some_and(|h| ready_h[w] + h <= deadline_h + 1e-9);
    if (0..nw).all(|w| out(w).is_none()) {
        Reason::Unreachable
    } else if !(0..nw).any(in_time) {
        Reason::TooFar
    } else if (0..nw).any(|w| in_time(w) && stock.get(WarehouseIx(w), ItemIx(i)) > 0) {
        Reason::Fleet
    } else {
        Reason::NoStock
    }
}
