//! Closing the loop between allocation and trucks: how much each warehouse's fleet
//! can carry per phase, learnt from the schedule, and how plans are compared.
//!
//! The first attempt allocates fleet-blind. Where the schedule then leaves loads of
//! a warehouse without a truck, that warehouse's capacity in the phase is set to
//! what its trucks did carry, and the next allocation moves the rest to
//! warehouses whose trucks had room; where a capped warehouse's trucks carried
//! everything, its cap is raised again. The best plan of all attempts is kept.

use super::attempt::Context;
use super::demand::Phase;
use super::Plan;
use crate::supplies::Catalogue;

/// Attempts at most (the first is fleet-blind).
pub const MAX_ATTEMPTS: usize = 8;

/// Attempts in a row that do not improve on the best before the search stops.
pub const STALE_ATTEMPTS: usize = 2;

/// Kg each warehouse's trucks may be given per phase, `[first, relief][w]`
/// (infinite: no limit).
#[derive(Debug, Clone, PartialEq)]
pub struct FleetCaps {
    /// `[phase][warehouse]`, kg.
    pub kg: [Vec<f64>; 2],
}

impl FleetCaps {
    /// No limit anywhere: fleet-blind allocation.
    pub fn unbounded(warehouses: usize) -> Self {
        Self {
            kg: [
                vec![f64::INFINITY; warehouses],
                vec![f64::INFINITY; warehouses],
            ],
        }
    }

    /// True when no cap is set.
    pub fn is_unbounded(&self) -> bool {
        self.kg.iter().flatten().all(|c| c.is_infinite())
    }

    /// The caps for the next attempt after `plan` was scheduled under `self`:
    /// a warehouse that left loads without a truck is capped at what its trucks
    /// carried; a capped warehouse whose trucks had time to spare before the
    /// phase's deadline may take as much more as that time carries at the rate
    /// its trucks achieved.
    pub fn learn(&self, plan: &Plan, ctx: &FleetContext) -> Self {
        let nw = self.kg[0].len();
        let kg = |item: usize, q: u64| q as f64 * ctx.catalogue.items[item].kg_per_unit;
        let mut shipped = [vec![0.0; nw], vec![0.0; nw]];
        let mut waiting = [vec![0.0; nw], vec![0.0; nw]];
        let mut busy_h = [vec![0.0; nw], vec![0.0; nw]];
        // When each truck's last trip of each phase is back (0: no trip).
        let mut back: [Vec<Vec<f64>>; 2] = [ctx.free_h.clone(), ctx.free_h.clone()];
        for t in &plan.trips {
            let p = phase_ix(t.phase);
            for (_, l) in t.lines() {
                shipped[phase_ix(l.phase)][t.warehouse] += kg(l.item, l.quantity);
            }
            let end = t.return_h.min(ctx.deadline_h[p] + 24.0);
            busy_h[p][t.warehouse] += end - t.depart_h + ctx.loading_h[t.warehouse];
            let b = &mut back[p][t.warehouse][t.truck];
            *b = b.max(end);
        }
        for (phase, u) in &plan.unshipped {
            waiting[phase_ix(*phase)][u.warehouse] +=
                u.load.iter().map(|l| kg(l.item, l.quantity)).sum::<f64>();
        }
        let mut next = self.clone();
        for p in 0..2 {
            for w in 0..nw {
                let cap = &mut next.kg[p][w];
                if waiting[p][w] > 0.0 {
                    *cap = shipped[p][w];
                    continue;
                }
                if cap.is_infinite() {
                    continue;
                }
                // Truck-hours left before the deadline, counting only trucks that
                // could still load and reach a shelter.
                let spare: f64 = back[p][w]
                    .iter()
                    .map(|&b| {
                        (ctx.deadline_h[p] - b - ctx.loading_h[w] - ctx.min_out_h[w]).max(0.0)
                    })
                    .sum();
                if spare > 0.0 {
                    let rate = if busy_h[p][w] > 0.0 {
                        shipped[p][w] / busy_h[p][w]
                    } else {
                        ctx.payload_kg[w] / (ctx.loading_h[w] + 2.0 * ctx.min_out_h[w] + 0.5)
                    };
                    *cap = cap.max(shipped[p][w]) + rate * spare;
                }
            }
        }
        next
    }
}

/// What [`FleetCaps::learn`] needs to know of the scenario.
pub struct FleetContext<'a> {
    /// Items (masses).
    pub catalogue: &'a Catalogue,
    /// When each truck of each warehouse is free, hours after the event.
    pub free_h: Vec<Vec<f64>>,
    /// Payload per truck of each warehouse, kg.
    pub payload_kg: Vec<f64>,
    /// Loading time per warehouse, hours.
    pub loading_h: Vec<f64>,
    /// Shortest drive from each warehouse to any shelter, hours.
    pub min_out_h: Vec<f64>,
    /// Deadline of each phase, hours.
    pub deadline_h: [f64; 2],
}

fn phase_ix(p: Phase) -> usize {
    usize::from(p == Phase::Relief)
}

/// How good a plan is, compared lexicographically: priority-weighted first-batch
/// kg delivered (in fair mode, their value by shelter share), then
/// priority-weighted relief kg, then fewer truck-hours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Σ shelter weight × first-batch kg delivered by the first deadline.
    pub first: f64,
    /// Σ shelter weight × relief kg delivered by the relief deadline.
    pub relief: f64,
    /// Truck-hours driven (loading to return).
    pub truck_hours: f64,
}

impl Score {
    /// The score of `plan` under the scenario's objective (`ctx`): in fair mode a
    /// shelter's first-batch kg count by [`Mode::value`] of its share.
    pub fn of(plan: &Plan, catalogue: &Catalogue, ctx: &Context) -> Self {
        let mut score = Score {
            first: 0.0,
            relief: 0.0,
            truck_hours: 0.0,
        };
        let mut first_kg = vec![0.0; ctx.weight.len()];
        for t in &plan.trips {
            for (s, l) in t.lines() {
                let kg = l.quantity as f64 * catalogue.items[l.item].kg_per_unit;
                match l.phase {
                    Phase::First => first_kg[s] += kg,
                    Phase::Relief => score.relief += ctx.weight[s] as f64 * kg,
                }
            }
            let end = if t.return_h.is_finite() {
                t.return_h
            } else {
                t.last_arrival_h()
            };
            score.truck_hours += end - t.depart_h + ctx.loading_h[t.warehouse];
        }
        score.first = ctx.first_value(&first_kg);
        score
    }

    /// True when `self` is better than `other` (ties within 10⁻⁹ relative go to
    /// the next criterion).
    pub fn beats(&self, other: &Score) -> bool {
        let cmp = |a: f64, b: f64| {
            let tol = 1e-9 * a.abs().max(b.abs()).max(1.0);
            if a > b + tol {
                Some(true)
            } else if a < b - tol {
                Some(false)
            } else {
                None
            }
        };
        cmp(self.first, other.first)
            .or_else(|| cmp(self.relief, other.relief))
            .or_else(|| cmp(other.truck_hours, self.truck_hours))
            .unwrap_or(false)
    }
}
