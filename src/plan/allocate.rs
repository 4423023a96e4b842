//! Allocation: which warehouse sends how much of each item to each shelter in one
//! phase. One min-cost-flow per item (items do not share stock), all items solved
//! in parallel with `solver::mcf::solve_many`.
//!
//! Network per item: warehouses (supply = stock left) → shelters (demand), an arc
//! only where a truck leaving at once arrives by the deadline
//! (`ready_h + travel ≤ deadline`), cost = travel seconds. A shortfall node feeds
//! every shelter at a penalty above any travel cost, scaled by the shelter's
//! priority weight, so the optimum first meets as much priority-weighted demand as
//! possible, then minimises travel. Leftover stock drains to a sink at no cost.

use solver::mcf::{solve_many, FlowNetwork, Outcome, SupplyMode, UNBOUNDED};

use super::demand::{Demand, Phase};
use super::ledger::StockLedger;
use super::shortfall::{reason, Shortfall};
use super::travel::TravelHours;
use crate::facility::{ItemIx, ShelterIx, WarehouseIx};
use crate::scenario::objective::slice_sizes;

/// Units of one item sent from one warehouse to one shelter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allocation {
    /// Warehouse index.
    pub warehouse: usize,
    /// Shelter index.
    pub shelter: usize,
    /// Item index.
    pub item: usize,
    /// Units.
    pub quantity: u64,
}

/// Everything allocation needs about one phase.
pub struct PhaseInput<'a> {
    /// The phase.
    pub phase: Phase,
    /// Deadline, hours after the event.
    pub deadline_h: f64,
    /// Travel hours between warehouses and shelters.
    pub travel: &'a TravelHours,
    /// When a truck of each warehouse can first leave loaded, hours after the
    /// event: its first truck free (the plan time at the earliest) plus loading.
    pub ready_h: &'a [f64],
    /// Demand of both phases (this phase's is used).
    pub demand: &'a Demand,
    /// Objective weight per shelter (≥ 1; priority people raise it).
    pub weight: &'a [i64],
    /// Number of items.
    pub items: usize,
    /// Weights of equal slices of a shelter's demand (`[1]`: efficient; see
    /// [`crate::scenario::objective`]).
    pub slices: &'a [i64],
}

impl Allocation {
    /// `q` units of item `i` from warehouse `w` to shelter `s`, taken from `stock`.
    pub fn take(stock: &mut StockLedger, w: usize, s: usize, i: usize, q: u64) -> Self {
        stock.take(WarehouseIx(w), ItemIx(i), q);
        Allocation {
            warehouse: w,
            shelter: s,
            item: i,
            quantity: q,
        }
    }
}

impl PhaseInput<'_> {
    /// The shortfall of `short` units of item `i` at shelter `s` after allocation,
    /// with its reason given the stock left; `None` when nothing is short.
    pub fn shortfall(
        &self,
        stock: &StockLedger,
        s: usize,
        i: usize,
        short: u64,
    ) -> Option<Shortfall> {
        (short > 0).then(|| Shortfall {
            shelter: s,
            item: i,
            phase: self.phase,
            quantity: short,
            reason: reason(self.travel, self.ready_h, self.deadline_h, stock, s, i),
        })
    }
}

/// Allocates one phase; what is allocated is taken from `stock`.
pub fn allocate(
    input: &PhaseInput,
    stock: &mut StockLedger,
) -> Result<(Vec<Allocation>, Vec<Shortfall>), String> {
    let (nw, ns, ni) = (input.travel.warehouses(), input.weight.len(), input.items);
    let demand = |s: usize, i: usize| input.demand.get(input.phase, ShelterIx(s), ItemIx(i));
    let held = |stock: &StockLedger, w: usize, i: usize| stock.get(WarehouseIx(w), ItemIx(i));
    let travel_h = |w: usize, s: usize| input.travel.outbound(WarehouseIx(w), ShelterIx(s));
    let feasible = |w: usize, s: usize| {
        travel_h(w, s).filter(|t| input.ready_h[w] + t <= input.deadline_h + 1e-9)
    };
    let max_cost = (0..nw)
        .flat_map(|w| (0..ns).filter_map(move |s| feasible(w, s)))
        .fold(0.0f64, f64::max);
    let penalty = (max_cost * 3600.0).ceil() as i64 + 1;
    // Build one network per item.
    let mut nets = Vec::with_capacity(ni);
    let mut arc_maps = Vec::with_capacity(ni);
    for i in 0..ni {
        let (k, z) = (nw + ns, nw + ns + 1);
        let mut net = FlowNetwork::new(nw + ns + 2);
        let mut map = Vec::new();
        let total_demand: i64 = (0..ns).map(|s| demand(s, i) as i64).sum();
        let total_stock: i64 = (0..nw).map(|w| held(stock, w, i) as i64).sum();
        for w in 0..nw {
            net.supply[w] = held(stock, w, i) as i64;
            net.add_arc(w as u32, z as u32, UNBOUNDED, 0);
            for s in 0..ns {
                if demand(s, i) > 0 {
                    if let Some(t) = feasible(w, s) {
                        map.push((w, s, net.arcs.len()));
                        net.add_arc(
                            w as u32,
                            (nw + s) as u32,
                            UNBOUNDED,
                            (t * 3600.0).round() as i64,
                        );
                    }
                }
            }
        }
        for s in 0..ns {
            let d = demand(s, i) as i64;
            net.supply[nw + s] = -d;
            if d > 0 {
                for (slice, &m) in slice_sizes(d, input.slices.len()).zip(input.slices) {
                    net.add_arc(
                        k as u32,
                        (nw + s) as u32,
                        slice,
                        penalty * input.weight[s] * m,
                    );
                }
            }
        }
        net.supply[k] = total_demand;
        net.add_arc(k as u32, z as u32, UNBOUNDED, 0);
        net.supply[z] = -total_stock;
        nets.push(net);
        arc_maps.push(map);
    }
    let outcomes = solve_many(&nets, SupplyMode::Exact);
    let mut allocations = Vec::new();
    let mut shortfalls = Vec::new();
    for (i, outcome) in outcomes.into_iter().enumerate() {
        // Balanced by construction with uncapacitated drains, so always optimal;
        // anything else is a bug worth reporting rather than a silent plan.
        let sol = match outcome {
            Ok(Outcome::Optimal(sol)) => sol,
            Ok(other) => {
                return Err(format!(
                    "allocation for item {i}: solver says {}",
                    other.status()
                ))
            }
            Err(e) => return Err(format!("allocation for item {i}: {e}")),
        };
        let mut got = vec![0u64; ns];
        for &(w, s, k) in &arc_maps[i] {
            let q = sol.flow[k] as u64;
            if q > 0 {
                allocations.push(Allocation::take(stock, w, s, i, q));
                got[s] += q;
            }
        }
        for (s, &received) in got.iter().enumerate() {
            // Optimal flows leave no stock that could arrive in time unused, so
            // these are never `fleet`.
            shortfalls.extend(input.shortfall(stock, s, i, demand(s, i) - received));
        }
    }
    Ok((allocations, shortfalls))
}
