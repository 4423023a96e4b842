//! Fleet-aware allocation: one phase's allocation when each warehouse's trucks can
//! carry only so many kg by the deadline.
//!
//! One min-cost flow for all items together, in units of 10 g ("dag") so that a
//! warehouse's truck capacity, in mass, is shared by its items:
//!
//! ```text
//! S ──cap_w──▶ F_w ──stock(w,i)──▶ (w,i) ──travel──▶ (s,i) ◀──penalty·weight── K
//! S ──────────────────────────▶ Z ◀─────────────────────────────────────────── K
//! ```
//!
//! `S` holds all stock, `K` all demand (what `K` sends to a shelter is a
//! shortfall); arcs `(w,i) → (s,i)` exist only where a truck leaving at once
//! arrives by the deadline. With every cap unbounded it allocates as the per-item
//! flows of [`super::allocate`] do; a finite cap moves demand to warehouses whose
//! trucks have room. Flows are rounded down to whole units, then topped up from
//! the largest remainders where stock is left.

use solver::mcf::{FlowNetwork, McfSolver, Outcome, SupplyMode, UNBOUNDED};

use super::allocate::{Allocation, PhaseInput};
use super::ledger::StockLedger;
use super::shortfall::Shortfall;
use crate::facility::{ItemIx, ShelterIx, WarehouseIx};
use crate::scenario::objective::slice_sizes;

/// Allocation units per kg (10 g each).
pub const DAG_PER_KG: f64 = 100.0;

/// Mass of one unit of each item in allocation units (at least 1).
pub fn unit_dag(unit_kg: &[f64]) -> Vec<i64> {
    unit_kg
        .iter()
        .map(|kg| ((kg * DAG_PER_KG).round() as i64).max(1))
        .collect()
}

/// A cap in kg as allocation units (infinite: unbounded).
pub fn cap_dag(kg: f64) -> i64 {
    if kg.is_finite() {
        (kg.max(0.0) * DAG_PER_KG).floor() as i64
    } else {
        UNBOUNDED
    }
}

/// The instance of the mass-based flow: sizes, unit masses, stock and demand in
/// units, caps in allocation units, time-feasible travel, shelter weights.
pub struct KgNetwork<'a> {
    /// Number of warehouses.
    pub warehouses: usize,
    /// Number of shelters.
    pub shelters: usize,
    /// Number of items.
    pub items: usize,
    /// Mass of one unit of each item, allocation units.
    pub dag: &'a [i64],
    /// Units of item `i` at warehouse `w`.
    pub stock: &'a dyn Fn(usize, usize) -> u64,
    /// Units of item `i` due at shelter `s`.
    pub demand: &'a dyn Fn(usize, usize) -> u64,
    /// Most each warehouse's trucks can carry, allocation units.
    pub caps_dag: &'a [i64],
    /// Travel hours `w → s` when a truck leaving at once arrives in time.
    pub feasible_h: &'a dyn Fn(usize, usize) -> Option<f64>,
    /// Objective weight per shelter.
    pub weight: &'a [i64],
    /// Weights of equal slices of a shelter's demand (`[1]`: efficient).
    pub slices: &'a [i64],
}

/// A delivery arc of [`kg_network`]: `(warehouse, shelter, item, arc index)`.
pub type DeliveryArc = (usize, usize, usize, usize);

/// Index of the arc `S → F_w` (warehouse `w`'s fleet cap) in [`kg_network`]'s
/// network; `F_w → (w, i)` (its stock of item `i`) follows at `+ 1 + i`.
pub fn fleet_arc(w: usize, items: usize) -> usize {
    2 + w * (1 + items)
}

/// Indices of [`kg_network`]'s shortfall arcs (`K → (s, i)`), in order.
pub fn shortfall_arcs(net: &FlowNetwork) -> Vec<usize> {
    let (sink, short) = (1u32, 2u32);
    (0..net.arcs.len())
        .filter(|&k| net.arcs[k].tail == short && net.arcs[k].head != sink)
        .collect()
}

/// The flow network of `spec`, its `(w, s, i, arc)` delivery arcs grouped by
/// (shelter, item), and the shortfall penalty per allocation unit (before the
/// shelter weight).
pub fn kg_network(spec: &KgNetwork) -> (FlowNetwork, Vec<DeliveryArc>, i64) {
    let (nw, ns, ni, dag) = (spec.warehouses, spec.shelters, spec.items, spec.dag);
    let max_cost = (0..nw)
        .flat_map(|w| (0..ns).filter_map(move |s| (spec.feasible_h)(w, s)))
        .fold(0.0f64, f64::max);
    let penalty = (max_cost * 3600.0).ceil() as i64 + 1;
    let (src, sink, short) = (0u32, 1u32, 2u32);
    let fleet = |w: usize| (3 + w) as u32;
    let wi = |w: usize, i: usize| (3 + nw + w * ni + i) as u32;
    let si = |s: usize, i: usize| (3 + nw + nw * ni + s * ni + i) as u32;
    let mut net = FlowNetwork::new(3 + nw + nw * ni + ns * ni);
    let total_stock: i64 = (0..nw)
        .flat_map(|w| (0..ni).map(move |i| (w, i)))
        .map(|(w, i)| (spec.stock)(w, i) as i64 * dag[i])
        .sum();
    let total_demand: i64 = (0..ns)
        .flat_map(|s| (0..ni).map(move |i| (s, i)))
        .map(|(s, i)| (spec.demand)(s, i) as i64 * dag[i])
        .sum();
    net.supply[src as usize] = total_stock;
    net.supply[short as usize] = total_demand;
    net.supply[sink as usize] = -total_stock;
    net.add_arc(src, sink, UNBOUNDED, 0);
    net.add_arc(short, sink, UNBOUNDED, 0);
    for w in 0..nw {
        net.add_arc(src, fleet(w), spec.caps_dag[w], 0);
        for (i, &d) in dag.iter().enumerate() {
            net.add_arc(fleet(w), wi(w, i), (spec.stock)(w, i) as i64 * d, 0);
        }
    }
    let mut map = Vec::new();
    for s in 0..ns {
        for (i, &unit) in dag.iter().enumerate() {
            let d = (spec.demand)(s, i) as i64 * unit;
            net.supply[si(s, i) as usize] = -d;
            if d == 0 {
                continue;
            }
            for (slice, &m) in slice_sizes(d, spec.slices.len()).zip(spec.slices) {
                net.add_arc(short, si(s, i), slice, penalty * spec.weight[s] * m);
            }
            for w in 0..nw {
                if let Some(t) = (spec.feasible_h)(w, s) {
                    map.push((w, s, i, net.arcs.len()));
                    net.add_arc(wi(w, i), si(s, i), UNBOUNDED, (t * 3600.0).round() as i64);
                }
            }
        }
    }
    (net, map, penalty)
}

/// Allocates one phase with `caps_kg[w]` the most warehouse `w`'s trucks can carry
/// by the deadline (infinite: no limit); what is allocated is taken from `stock`.
/// `unit_kg[i]` is the mass of one unit of item `i`. Demand left because caps bind
/// while stock could reach the shelter in time is a `fleet` shortfall.
pub fn allocate_capped(
    input: &PhaseInput,
    stock: &mut StockLedger,
    caps_kg: &[f64],
    unit_kg: &[f64],
) -> Result<(Vec<Allocation>, Vec<Shortfall>), String> {
    let (nw, ns, ni) = (input.travel.warehouses(), input.weight.len(), input.items);
    let dag = unit_dag(unit_kg);
    let demand = |s: usize, i: usize| input.demand.get(input.phase, ShelterIx(s), ItemIx(i));
    let held = |st: &StockLedger, w: usize, i: usize| st.get(WarehouseIx(w), ItemIx(i));
    let travel_h = |w: usize, s: usize| input.travel.outbound(WarehouseIx(w), ShelterIx(s));
    let feasible = |w: usize, s: usize| {
        travel_h(w, s).filter(|t| input.ready_h[w] + t <= input.deadline_h + 1e-9)
    };
    let caps_dag: Vec<i64> = caps_kg.iter().map(|&c| cap_dag(c)).collect();
    let (net, map, _) = kg_network(&KgNetwork {
        warehouses: nw,
        shelters: ns,
        items: ni,
        dag: &dag,
        stock: &|w, i| held(stock, w, i),
        demand: &demand,
        caps_dag: &caps_dag,
        feasible_h: &feasible,
        weight: input.weight,
        slices: input.slices,
    });
    let mut solver = McfSolver::from_network(net, SupplyMode::Exact)
        .map_err(|e| format!("fleet-aware allocation: {e}"))?;
    let sol = match solver.solve() {
        Outcome::Optimal(sol) => sol,
        other => {
            return Err(format!(
                "fleet-aware allocation: solver says {}",
                other.status()
            ))
        }
    };
    // Whole units: floor, then top up each (shelter, item) from its largest
    // remainders while stock is left.
    let mut units: Vec<u64> = map
        .iter()
        .map(|&(_, _, i, k)| (sol.flow[k] / dag[i]) as u64)
        .collect();
    let mut left: Vec<u64> = (0..nw * ni).map(|k| held(stock, k / ni, k % ni)).collect();
    for (&(w, _, i, _), &u) in map.iter().zip(&units) {
        left[w * ni + i] -= u;
    }
    let mut start = 0;
    while start < map.len() {
        let (s, i) = (map[start].1, map[start].2);
        let end = start
            + map[start..]
                .iter()
                .take_while(|m| (m.1, m.2) == (s, i))
                .count();
        let flow_dag: i64 = map[start..end].iter().map(|m| sol.flow[m.3]).sum();
        let got: u64 = units[start..end].iter().sum();
        let rest_dag = (flow_dag - got as i64 * dag[i]).max(0) as u64;
        let mut extra = (demand(s, i) - got).min(rest_dag.div_ceil(dag[i] as u64));
        let mut order: Vec<usize> = (start..end).collect();
        order.sort_by_key(|&k| std::cmp::Reverse((sol.flow[map[k].3] % dag[i], k)));
        for k in order {
            let w = map[k].0;
            if extra == 0 {
                break;
            }
            if sol.flow[map[k].3] % dag[i] > 0 && left[w * ni + i] > 0 {
                units[k] += 1;
                left[w * ni + i] -= 1;
                extra -= 1;
            }
        }
        start = end;
    }
    let mut allocations = Vec::new();
    let mut got = vec![0u64; ns * ni];
    for (&(w, s, i, _), &q) in map.iter().zip(&units) {
        if q > 0 {
            allocations.push(Allocation::take(stock, w, s, i, q));
            got[s * ni + i] += q;
        }
    }
    let mut shortfalls = Vec::new();
    for i in 0..ni {
        for s in 0..ns {
            shortfalls.extend(input.shortfall(stock, s, i, demand(s, i) - got[s * ni + i]));
        }
    }
    Ok((allocations, shortfalls))
}
