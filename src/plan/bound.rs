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
//! Each fleet also has only so many truck-hours by the deadline, and every kg
//! delivered uses some of them ([`super::truck_hours`]); those rows are relaxed
//! with Lagrange multipliers, so the bound is the least of a few min-cost flows
//! and each multiplier prices an hour of a warehouse's trucks. Stock, roads and
//! deadlines enter exactly. Above [`MAX_GROUPS`] shelters the flows run on groups
//! of shelters ([`ShelterGroups`], another relaxation): at 20 000 shelters that
//! takes 0.3 s instead of about 20 s, for bounds 0.2–3.4 % looser (two copies of
//! Level I with 20 000 shelters, `benches/README.md`).

use serde::Serialize;
use solver::mcf::{McfSolver, Outcome, SupplyMode};

use super::demand::{Demand, Phase};
use super::fleet_alloc::{
    cap_dag, fleet_arc, kg_network, shortfall_arcs, unit_dag, KgNetwork, DAG_PER_KG,
};
use super::shelter_groups::{bits, size_class, ShelterGroups, MAX_GROUPS};
use super::travel::TravelHours;
use super::truck_hours::TruckHours;
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
/// `achieved_kg` is what a plan delivers by the two deadlines (first batch, basic
/// relief), a lower bound the multipliers are steered by (0 if unknown).
pub fn bounds(
    scenario: &Scenario,
    travel: &TravelHours,
    demand: &Demand,
    achieved_kg: (f64, f64),
) -> Result<Bounds, String> {
    bounds_grouped(scenario, travel, demand, achieved_kg, MAX_GROUPS)
}

/// [`bounds`] with the flows built on at most `max_groups` groups of shelters
/// ([`ShelterGroups`]: a relaxation, so still upper bounds, looser the fewer the
/// groups; exact where there are no more shelters than that).
pub fn bounds_grouped(
    scenario: &Scenario,
    travel: &TravelHours,
    demand: &Demand,
    achieved_kg: (f64, f64),
    max_groups: usize,
) -> Result<Bounds, String> {
    let t = &scenario.targets;
    let g = max_groups;
    let first = |s: usize, i: usize| demand.get(Phase::First, ShelterIx(s), ItemIx(i));
    let both =
        |s: usize, i: usize| first(s, i) + demand.get(Phase::Relief, ShelterIx(s), ItemIx(i));
    let (a_first, a_relief) = achieved_kg;
    // Four independent flows, two at a time.
    let ((with_first, with_relief), (no_first, no_relief)) = rayon::join(
        || {
            rayon::join(
                || {
                    bound(
                        scenario,
                        travel,
                        &first,
                        t.first_delivery_h,
                        true,
                        a_first,
                        g,
                    )
                },
                || bound(scenario, travel, &both, t.relief_h, true, a_relief, g),
            )
        },
        || {
            rayon::join(
                || bound(scenario, travel, &first, t.first_delivery_h, false, 0.0, g),
                || bound(scenario, travel, &both, t.relief_h, false, 0.0, g),
            )
        },
    );
    let (first_kg, first_marginal) = with_first?;
    Ok(Bounds {
        first_kg,
        relief_kg: with_relief?.0,
        first_kg_no_fleet: no_first?.0,
        relief_kg_no_fleet: no_relief?.0,
        first_marginal,
    })
}

/// Cost units per allocation unit delivered in the Lagrangian flows.
const VALUE: i64 = 1_000_000;

/// Subgradient steps of the truck-hour multipliers at most.
const STEPS: usize = 15;

/// Most kg of `demand` deliverable by `deadline_h`, with or without the fleet,
/// and the dual prices of trucks and stock. With the fleet, each warehouse's
/// trucks are capped in mass ([`fleet_kg`]) and in hours ([`TruckHours`]); the
/// hour rows are relaxed with Lagrange multipliers `λ_w` (kg per truck-hour),
/// found by subgradient steps towards `achieved_kg` (what a plan delivers, a
/// lower bound): every `λ ≥ 0` gives a valid bound, the least is kept. Above
/// `max_groups` shelters the flows run on groups of them ([`ShelterGroups`]).
#[allow(clippy::too_many_arguments)]
fn bound(
    scenario: &Scenario,
    travel: &TravelHours,
    demand: &(dyn Fn(usize, usize) -> u64 + Sync),
    deadline_h: f64,
    fleet: bool,
    achieved_kg: f64,
    max_groups: usize,
) -> Result<(f64, Marginals), String> {
    let cat = &scenario.catalogue;
    let (nw, ns, ni) = (
        scenario.warehouses.len(),
        scenario.shelters.len(),
        cat.items.len(),
    );
    let unit_kg: Vec<f64> = cat.items.iter().map(|i| i.kg_per_unit).collect();
    let dag = unit_dag(&unit_kg);
    // A truck loads from the plan time, and from when it is free: with trucks
    // counted, from the warehouse's first truck free.
    let start = |w: usize| {
        if fleet {
            scenario.earliest_free_h(w)
        } else {
            scenario.plan_h
        }
    };
    let loading = |w: usize| scenario.warehouses[w].fleet.loading_h;
    let feasible = |w: usize, s: usize| {
        travel
            .outbound(WarehouseIx(w), ShelterIx(s))
            .filter(|h| start(w) + loading(w) + h <= deadline_h + 1e-9)
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
    // At scale the flows run on groups of shelters (a relaxation, still a bound).
    let points: Vec<[f64; 2]> = scenario.shelters.iter().map(|s| [s.lon, s.lat]).collect();
    let demand_kg: Vec<f64> = (0..ns)
        .map(|s| (0..ni).map(|i| demand(s, i) as f64 * unit_kg[i]).sum())
        .collect();
    let groups = ShelterGroups::new(
        &points,
        &|s| {
            let mut key = bits((0..nw).filter(|&w| feasible(w, s).is_some()));
            key.push(size_class(demand_kg[s]));
            key
        },
        max_groups,
    );
    let ng = groups.count;
    let group_demand: Vec<Vec<u64>> = (0..ni)
        .map(|i| groups.sum((0..ns).map(|s| demand(s, i))))
        .collect();
    let group_feasible: Vec<Vec<Option<f64>>> = (0..nw)
        .map(|w| groups.min((0..ns).map(|s| feasible(w, s))))
        .collect();
    let weight = vec![1; ng];
    let (net, map, _) = kg_network(&KgNetwork {
        warehouses: nw,
        shelters: ng,
        items: ni,
        dag: &dag,
        stock: &stock,
        demand: &|g, i| group_demand[i][g],
        caps_dag: &caps,
        feasible_h: &|w, g| group_feasible[w][g],
        weight: &weight,
        slices: &[1],
    });
    let shortfall = shortfall_arcs(&net);
    let demand_dag: i128 = shortfall
        .iter()
        .map(|&k| i128::from(net.arcs[k].upper))
        .sum();
    let mut solver =
        McfSolver::from_network(net, SupplyMode::Exact).map_err(|e| format!("bound: {e}"))?;
    // Every allocation unit delivered is worth VALUE, less its truck-hours at λ.
    for &k in &shortfall {
        solver
            .set_cost(k, VALUE)
            .map_err(|e| format!("bound: {e}"))?;
    }
    let hours = fleet.then(|| {
        let mut h = TruckHours::new(scenario, travel, &demand_kg, deadline_h);
        for row in &mut h.rows {
            row.per_kg_h = groups.min(row.per_kg_h.iter().map(|c| Some(c.unwrap_or(0.0))));
        }
        h
    });
    let nr = hours.as_ref().map_or(0, |h| h.rows.len());
    let mut rows_of: Vec<Vec<usize>> = vec![Vec::new(); nw];
    for (r, row) in hours.iter().flat_map(|h| h.rows.iter().enumerate()) {
        rows_of[row.warehouse].push(r);
    }
    let mut lambda = vec![0.0; nr];
    let mut best: Option<(f64, Marginals)> = None;
    let (mut theta, mut stale) = (1.0, 0);
    for _ in 0..STEPS {
        if let Some(h) = &hours {
            for &(w, s, _, k) in &map {
                let per_dag: f64 = rows_of[w]
                    .iter()
                    .map(|&r| lambda[r] * h.rows[r].per_kg_h[s].unwrap_or(0.0))
                    .sum();
                let cost = ((per_dag * VALUE as f64).floor() as i64).min(VALUE + 1);
                solver
                    .set_cost(k, cost)
                    .map_err(|e| format!("bound: {e}"))?;
            }
        }
        let sol = match solver.solve() {
            Outcome::Optimal(sol) => sol,
            other => return Err(format!("bound: solver says {}", other.status())),
        };
        // The flow's costs are rounded down, so its value bounds the relaxation's.
        let rows: f64 = hours.as_ref().map_or(0.0, |h| {
            h.rows
                .iter()
                .zip(&lambda)
                .map(|(r, l)| l * r.allowance_h)
                .sum()
        });
        let value = (demand_dag * i128::from(VALUE) - sol.total_cost) as f64
            / (VALUE as f64 * DAG_PER_KG)
            + rows;
        if best.as_ref().is_none_or(|b| value < b.0) {
            let m = marginals(
                scenario,
                solver.network(),
                &sol,
                &caps,
                &dag,
                &lambda,
                hours.as_ref(),
            );
            best = Some((value, m));
            stale = 0;
        } else {
            stale += 1;
            if stale >= 3 {
                (theta, stale) = (theta / 2.0, 0);
            }
        }
        let Some(h) = &hours else { break };
        // Subgradient: hours left over per row at this flow.
        let mut slack: Vec<f64> = h.rows.iter().map(|r| r.allowance_h).collect();
        for &(w, s, _, k) in &map {
            let kg = sol.flow[k] as f64 / DAG_PER_KG;
            for &r in &rows_of[w] {
                slack[r] -= kg * h.rows[r].per_kg_h[s].unwrap_or(0.0);
            }
        }
        let norm: f64 = (0..nr)
            .filter(|&r| lambda[r] > 0.0 || slack[r] < 0.0)
            .map(|r| slack[r] * slack[r])
            .sum();
        let gap = best.as_ref().map_or(0.0, |b| b.0) - achieved_kg;
        if norm <= 0.0 || gap <= 1e-4 * achieved_kg.max(1.0) || theta < 1e-3 {
            break;
        }
        let step = theta * gap / norm;
        for (l, g) in lambda.iter_mut().zip(&slack) {
            *l = (*l - step * g).max(0.0);
        }
    }
    Ok(best.expect("at least one solve"))
}

/// Dual prices at one solution of the bound's flow: a saturated capacity arc's
/// reduced cost is the value of one allocation unit more of it; a truck is also
/// worth its hours at the multiplier `λ_w`.
fn marginals(
    scenario: &Scenario,
    net: &solver::mcf::FlowNetwork,
    sol: &solver::mcf::Solution,
    caps: &[i64],
    dag: &[i64],
    lambda: &[f64],
    hours: Option<&TruckHours>,
) -> Marginals {
    let (nw, ni) = (caps.len(), dag.len());
    let gain = |arc: usize| {
        let a = &net.arcs[arc];
        let rc = a.cost + sol.potential[a.tail as usize] - sol.potential[a.head as usize];
        (-rc).max(0) as f64 / VALUE as f64
    };
    Marginals {
        truck_kg: (0..nw)
            .map(|w| {
                let trucks = f64::from(scenario.warehouses[w].fleet.trucks.max(1));
                let per_truck = (caps[w] as f64 / DAG_PER_KG) / trucks;
                let by_mass = if caps[w] == cap_dag(f64::INFINITY) {
                    0.0
                } else {
                    gain(fleet_arc(w, ni)) * per_truck
                };
                let by_hours: f64 = hours.map_or(0.0, |h| {
                    (h.rows.iter().zip(lambda))
                        .filter(|(r, _)| r.warehouse == w)
                        .map(|(r, l)| l * r.per_truck_h)
                        .sum()
                });
                by_mass + by_hours
            })
            .collect(),
        unit_kg: (0..nw)
            .map(|w| {
                (0..ni)
                    .map(|i| gain(fleet_arc(w, ni) + 1 + i) * dag[i] as f64 / DAG_PER_KG)
                    .collect()
            })
            .collect(),
    }
}

/// Most kg warehouse `w`'s trucks can carry of `demand` by `deadline_h` (see the
/// module's doc for why no plan exceeds it), each truck's trips counted from
/// when it is free ([`crate::facility::Warehouse::truck_free_h`]).
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
    // Trips of each truck, counted from when it is free.
    let trips: f64 = scenario.warehouses[w]
        .truck_free_h()
        .iter()
        .map(|&free| {
            let left = deadline_h - free;
            if back.is_finite() {
                ((left + u + back) / (f.loading_h + o + u + back))
                    .floor()
                    .max(0.0)
            } else {
                f64::from(u8::from(f.loading_h + o <= left))
            }
        })
        .sum();
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
    trips * per_trip
}
