//! What scheduling one phase produces: trips, `fleet` shortfalls, loads left
//! without a truck, and ride-along units handed back to their own phase.

use crate::plan::allocate::Allocation;
use crate::plan::demand::Phase;
use crate::plan::load::{Line, Unshipped};
use crate::plan::shortfall::{Reason, Shortfall};
use crate::plan::trip::Trip;

/// Result of scheduling one phase.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    /// Trips issued.
    pub trips: Vec<Trip>,
    /// `fleet` shortfalls (units of this phase not issued).
    pub shortfalls: Vec<Shortfall>,
    /// Loads of this phase not issued, by warehouse (their stock goes back).
    pub unshipped: Vec<Unshipped>,
    /// Ride-along units not carried: still to be scheduled in their own phase.
    pub deferred: Vec<Allocation>,
}

impl Schedule {
    /// Records `load` for `shelter` from `warehouse` as not issued: this phase's
    /// lines become `fleet` shortfalls, a later phase's lines are deferred.
    pub fn not_issued(&mut self, phase: Phase, warehouse: usize, shelter: usize, load: Vec<Line>) {
        let (mine, later): (Vec<Line>, Vec<Line>) =
            load.into_iter().partition(|l| l.phase == phase);
        self.defer(warehouse, shelter, later);
        if mine.is_empty() {
            return;
        }
        self.shortfalls.extend(mine.iter().map(|l| Shortfall {
            shelter,
            item: l.item,
            phase,
            quantity: l.quantity,
            reason: Reason::Fleet,
        }));
        self.unshipped.push(Unshipped {
            warehouse,
            shelter,
            load: mine,
        });
    }

    /// Hands `lines` back to be scheduled in their own phase.
    pub fn defer(&mut self, warehouse: usize, shelter: usize, lines: Vec<Line>) {
        self.deferred.extend(lines.into_iter().map(|l| Allocation {
            warehouse,
            shelter,
            item: l.item,
            quantity: l.quantity,
        }));
    }
}
