//! Bottlenecks of a plan: where demand was allocated from stock but waits for a
//! truck, and about how many more trucks would carry it in time. A typed result;
//! reports decide how to word it.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::demand::Phase;
use super::load::Unshipped;
use super::trip::Trip;
use crate::facility::Warehouse;
use crate::scenario::Targets;

/// What limits delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BottleneckKind {
    /// Stock was allocated but the warehouse's trucks could not carry it by the
    /// deadline.
    Fleet,
}

/// One bottleneck: a warehouse and phase whose trucks left loads waiting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bottleneck {
    /// What limits delivery.
    pub kind: BottleneckKind,
    /// Index of the warehouse in the scenario.
    pub warehouse: usize,
    /// The phase whose deadline is missed.
    pub phase: Phase,
    /// The phase's deadline, hours after the event.
    pub deadline_h: f64,
    /// Estimated extra trucks that would carry the waiting loads: loads waiting ÷
    /// trips one truck of this warehouse managed in the phase, rounded up.
    pub trucks_needed: u64,
    /// Truckloads allocated but not issued.
    pub loads_waiting: usize,
    /// Shelters those loads are for.
    pub shelters_waiting: usize,
}

/// The fleet bottlenecks of a plan, first phase first, then the largest gaps.
pub fn fleet_bottlenecks(
    warehouses: &[Warehouse],
    targets: &Targets,
    trips: &[Trip],
    unshipped: &[(Phase, Unshipped)],
) -> Vec<Bottleneck> {
    let mut by: BTreeMap<(Phase, usize), (usize, BTreeSet<usize>)> = BTreeMap::new();
    for (phase, u) in unshipped {
        let e = by.entry((*phase, u.warehouse)).or_default();
        e.0 += 1;
        e.1.insert(u.shelter);
    }
    let mut out: Vec<Bottleneck> = by
        .into_iter()
        .map(|((phase, w), (loads, shelters))| {
            let issued = trips
                .iter()
                .filter(|t| t.warehouse == w && t.phase == phase)
                .count();
            let trucks = f64::from(warehouses[w].fleet.trucks.max(1));
            let per_truck = (issued as f64 / trucks).max(1.0);
            Bottleneck {
                kind: BottleneckKind::Fleet,
                warehouse: w,
                phase,
                deadline_h: match phase {
                    Phase::First => targets.first_delivery_h,
                    Phase::Relief => targets.relief_h,
                },
                trucks_needed: (loads as f64 / per_truck).ceil() as u64,
                loads_waiting: loads,
                shelters_waiting: shelters.len(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.phase
            .cmp(&b.phase)
            .then(b.trucks_needed.cmp(&a.trucks_needed))
    });
    out
}
