//! Upper bounds on what any plan could deliver by each deadline, so a duty officer
//! sees how far a plan is from the best possible, and planners see whether stock,
//! trucks or roads bind.
//!
//! The bound is the optimum of a relaxation of dispatch: the mass-based flow of
//! [`super::fleet_alloc`] with every warehouse's trucks capped at a mass no plan
//! can exceed. A truck's trips by deadline `D` are at most
//! `⌊(D + U + b) / (L + o + U + b)⌋` (loading `L`, the shortest drive out `o` and
//! back `b`, unloading `U`: trip k cannot reach its first stop before
//! `k(L + o) + (k − 1)(U + b)`), and a trip carries at most its payload, its volume
//! at the densest item's kg per m³, and the `max_stops` largest shelter demands.
//! Stock, roads and deadlines enter exactly.

use serde::Serialize;
use solver::mcf::{McfSolver, Outcome, SupplyMode};

use super::demand::{Demand, Phase};
use super::fleet_alloc::{cap_dag, fleet_arc, kg_network, unit_dag, KgNetwork, DAG_PER_KG};
use super::travel::TravelHours;
use crate::facility::{ItemIx, ShelterIx, WarehouseIx};
use crate::scenario::Scenario;

/// The bounds of a scenario, kg.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Bounds {
    /// Most first-batch kg any plan delivers by the first deadline.
    pub first_kg: f64,
    /// Most basic-relief kg (both phases) any plan delivers by the relief deadline.
    pub relief_kg: f64,
    /// The same two without any truck limit (stock, roads and deadlines only).
    pub first_kg_no_fleet: f64,
    /// See `first_kg_no_fleet`.
    pub relief_kg_no_fleet: f64,
    /// What one more unit of each resource is worth by the first deadline in the
    /// bound's relaxation (its dual prices).
    pub first_marginal: Marginals,
}

/// Dual prices of the fleet-capped bound: kg more by the deadline per one more
/// truck at each warehouse, and per one more unit of each item at each warehouse
/// (0 where the resource does not bind in the relaxation).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Marginals {
    /// `[w]`: kg per extra truck.
    pub truck_kg: Vec<f64>,
    /// `[w][i]`: kg per extra unit of stock.
    pub unit_kg: Vec<Vec<f64>>,
}

/// Computes the bounds; `Err` carries the solver's message.
pub fn bounds(
    scenario: &Scenario,
    travel: &TravelHours,
    demand: &Demand,
) -> Result<Bounds, String> {
    let t = &scenario.targets;
    let first = |s: usize, i: usize| demand.get(Phase::First, ShelterIx(s), ItemIx(i));
    let both =
        |s: usize, i: usize| first(s, i) + demand.get(Phase::Relief, ShelterIx(s), ItemIx(i));
    let (first_kg, first_marginal) = bound(scenario, travel, &first, t.first_delivery_h, true)?;
    Ok(Bounds {
        first_kg,
        relief_kg: bound(scenario, travel, &both, t.relief_h, true)?.0,
        first_kg_no_fleet: bound(scenario, travel, &first, t.first_delivery_h, false)?.0,
        relief_kg_no_fleet: bound(scenario, travel, &both, t.relief_h, false)?.0,
        first_marginal,
    })
}

/// Most kg of `demand` deliverable by `deadline_h`, with or without the fleet
/// cap, and the dual prices of trucks and stock.
fn bound(
    scenario: &Scenario,
    travel: &TravelHours,
    demand: &dyn Fn(usize, usize) -> u64,
    deadline_h: f64,
    fleet: bool,
) -> Result<(f64, Marginals), String> {
    let cat = &scenario.catalogue;
    let (nw, ns, ni) = (
        scenario.warehouses.len(),
        scenario.shelters.len(),
        cat.items.len(),
    );
    let unit_kg: Vec<f64> = cat.items.iter().map(|i| i.kg_per_unit).collect();
    let dag = unit_dag(&unit_kg);
    let loading = |w: usize| scenario.warehouses[w].fleet.loading_h;
    let feasible = |w: usize, s: usize| {
        travel
            .outbound(WarehouseIx(w), ShelterIx(s))
            .filter(|h| loading(w) + h <= deadline_h + 1e-9)
    };
    let caps: Vec<i64> = (0..nw)
        .map(|w| {
            if fleet {
                cap_dag(fleet_kg(scenario, travel, demand, deadline_h, w))
            } else {
                cap_dag(f64::INFINITY)
            }
        })
        .collect();
    let stock = |w: usize, i: usize| scenario.stock.get(WarehouseIx(w), ItemIx(i)).floor() as u64;
    let weight = vec![1; ns];
    let (net, map, penalty) = kg_network(&KgNetwork {
        warehouses: nw,
        shelters: ns,
        items: ni,
        dag: &dag,
        stock: &stock,
        demand,
        caps_dag: &caps,
        feasible_h: &feasible,
        weight: &weight,
        slices: &[1],
    });
    let mut solver =
        McfSolver::from_network(net, SupplyMode::Exact).map_err(|e| format!("bound: {e}"))?;
    let sol = match solver.solve() {
        Outcome::Optimal(sol) => sol,
        other => return Err(format!("bound: solver says {}", other.status())),
    };
    let net = solver.network();
    // A saturated capacity arc's reduced cost is the objective's fall per allocation
    // unit more of it; a delivered unit is worth `penalty` less its drive.
    let gain = |arc: usize| {
        let a = &net.arcs[arc];
        let rc = a.cost + sol.potential[a.tail as usize] - sol.potential[a.head as usize];
        (-rc).max(0) as f64 / penalty as f64
    };
    let marginal = Marginals {
        truck_kg: (0..nw)
            .map(|w| {
                let trucks = f64::from(scenario.warehouses[w].fleet.trucks.max(1));
                let per_truck = (caps[w] as f64 / DAG_PER_KG) / trucks;
                if caps[w] == cap_dag(f64::INFINITY) {
                    0.0
                } else {
                    gain(fleet_arc(w, ni)) * per_truck
                }
            })
            .collect(),
        unit_kg: (0..nw)
            .map(|w| {
                (0..ni)
                    .map(|i| gain(fleet_arc(w, ni) + 1 + i) * dag[i] as f64 / DAG_PER_KG)
                    .collect()
            })
            .collect(),
    };
    let kg = map.iter().map(|m| sol.flow[m.3] as f64).sum::<f64>() / DAG_PER_KG;
    Ok((kg, marginal))
}

/// Most kg warehouse `w`'s trucks can carry of `demand` by `deadline_h` (see the
/// module's doc for why no plan exceeds it).
pub fn fleet_kg(
    scenario: &Scenario,
    travel: &TravelHours,
    demand: &dyn Fn(usize, usize) -> u64,
    deadline_h: f64,
    w: usize,
) -> f64 {
    let f = &scenario.warehouses[w].fleet;
    let (ns, cat) = (scenario.shelters.len(), &scenario.catalogue);
    let min = |v: &mut dyn Iterator<Item = f64>| v.fold(f64::INFINITY, f64::min);
    let o = min(&mut (0..ns).filter_map(|s| travel.outbound(WarehouseIx(w), ShelterIx(s))));
    let b = min(&mut (0..ns).filter_map(|s| travel.inbound(ShelterIx(s), WarehouseIx(w))));
    if !o.is_finite() || f.trucks == 0 {
        return 0.0;
    }
    let u = scenario.targets.unloading_h;
    let back = if b.is_finite() { b } else { f64::INFINITY };
    let trips = if back.is_finite() {
        ((deadline_h + u + back) / (f.loading_h + o + u + back)).floor()
    } else {
        f64::from(u8::from(f.loading_h + o <= deadline_h))
    };
    let densest = cat
        .items
        .iter()
        .map(|i| i.kg_per_unit / i.m3_per_unit)
        .fold(0.0, f64::max);
    let mut shelter_kg: Vec<f64> = (0..ns)
        .map(|s| {
            (0..cat.items.len())
                .map(|i| demand(s, i) as f64 * cat.items[i].kg_per_unit)
                .sum()
        })
        .collect();
    shelter_kg.sort_by(|a, b| b.total_cmp(a));
    let stops_kg: f64 = shelter_kg.iter().take(scenario.targets.max_stops).sum();
    let per_trip = f.payload_kg.min(f.volume_m3 * densest).min(stops_kg);
    f64::from(f.trucks) * trips.max(0.0) * per_trip
}
