//! Dispatch planning: the duty officer's job. Scenario → demand → time-feasible
//! allocation (min-cost flow per item) → truck trips → shortfalls with reasons → KPIs.
//!
//! Phases run in order: the first batch (due by `first_delivery_h`) is planned
//! before the rest of relief (due by `relief_h`), so it gets the stock and trucks
//! first; relief trips start when the trucks are back.

pub mod allocate;
pub mod attempt;
pub mod attempt_routed;
pub mod binding;
pub mod bottleneck;
pub mod bound;
pub mod demand;
pub mod fleet;
pub mod fleet_alloc;
pub mod hops;
pub mod keep;
pub mod kpi;
pub mod ledger;
pub mod load;
pub mod run;
pub mod schedule;
pub mod shelter_groups;
pub mod shortfall;
pub mod travel;
pub mod trip;
pub mod truck_hours;
pub mod warm;

use std::time::Instant;

use crate::network::snap::{SnapError, DEFAULT_MAX_SNAP_M};
use crate::network::{EdgeWeights, MatrixEngine, NodeId, RoadGraph, Router, Snapper};
use crate::scenario::Scenario;
use bottleneck::Bottleneck;
use demand::{Demand, Phase};
use fleet::{FleetCaps, Score};
use hops::{Hops, DEFAULT_NEIGHBOURS};
pub use kpi::Kpis;
use ledger::StockLedger;
pub use run::{plan_with_bounds, BoundsBy, PlanOptions};
use shortfall::Shortfall;
use travel::TravelHours;
use trip::Trip;

/// Errors that stop planning (bad input, not infeasibility: shortfalls are results).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A facility is off the road network.
    #[error("{file}: {source}")]
    Snap {
        /// The table the facility comes from.
        file: String,
        /// The snapping error (names the facility).
        source: SnapError,
    },
    /// The disruption cannot be applied.
    #[error("{file}: [disruption] {source}")]
    Disruption {
        /// The scenario's TOML file, which holds the `[disruption]` table.
        file: String,
        /// What is wrong with it on this graph.
        source: crate::network::disruption::DisruptionError,
    },
    /// Internal solver failure.
    #[error("solver: {0}")]
    Solver(String),
}

/// The scenario's disruption applied to `graph`; an error names the scenario's
/// TOML file.
pub fn apply_disruption(
    scenario: &Scenario,
    graph: &RoadGraph,
) -> Result<
    (
        crate::network::EdgeWeights,
        crate::network::disruption::DisruptionReport,
    ),
    PlanError,
> {
    scenario
        .disruption
        .apply(graph)
        .map_err(|source| PlanError::Disruption {
            file: scenario.dir.join("scenario.toml").display().to_string(),
            source,
        })
}

/// Wall time of each stage, seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Timings {
    /// Snapping, the two travel-time matrices and the shelter hop times.
    pub matrix_s: f64,
    /// Allocation (min-cost flows).
    pub solve_s: f64,
    /// Packing and truck scheduling.
    pub trips_s: f64,
    /// All planning attempts (allocation and scheduling until the fleet and the
    /// allocation agree; `solve_s` and `trips_s` are the kept attempt's).
    pub attempts_s: f64,
}

/// A dispatch plan.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Graph node of each warehouse.
    pub warehouse_nodes: Vec<NodeId>,
    /// Graph node of each shelter.
    pub shelter_nodes: Vec<NodeId>,
    /// Edge travel times under the scenario's disruption, as planned with.
    pub weights: EdgeWeights,
    /// Travel hours between warehouses and shelters under the disruption.
    pub travel: TravelHours,
    /// Demand per phase.
    pub demand: Demand,
    /// Truck trips, in issue order.
    pub trips: Vec<Trip>,
    /// Unmet demand with reasons.
    pub shortfalls: Vec<Shortfall>,
    /// Truckloads allocated but not issued for lack of trucks, per phase.
    pub unshipped: Vec<(Phase, load::Unshipped)>,
    /// Where trucks limited delivery, first phase first, largest gaps first.
    pub bottlenecks: Vec<Bottleneck>,
    /// Most any plan could deliver by each deadline.
    pub bounds: bound::Bounds,
    /// What binds: kg short by resource and phase, with marginal values.
    pub findings: Vec<binding::Finding>,
    /// Stock left after the plan, whole units.
    pub stock_left: StockLedger,
    /// Stage timings.
    pub timings: Timings,
}

/// Objective weight of a shelter: 100 plus 300 × its share of priority people, so
/// a shelter of only priority people weighs 4 × one with none.
pub fn shelter_weight(headcount: u32, priority: u32) -> i64 {
    if headcount == 0 {
        return 100;
    }
    100 + (300.0 * f64::from(priority.min(headcount)) / f64::from(headcount)).round() as i64
}

/// Everything about a scenario that depends on roads and facility sites only:
/// snapped nodes, travel matrices and tour hops. Reused across what-ifs that change
/// stock, fleets, headcounts or deadlines.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Graph node of each warehouse.
    pub warehouse_nodes: Vec<NodeId>,
    /// Graph node of each shelter.
    pub shelter_nodes: Vec<NodeId>,
    /// Edge travel times under the scenario's disruption.
    pub weights: EdgeWeights,
    /// Travel hours between warehouses and shelters, both ways.
    pub travel: TravelHours,
    /// Hop hours between nearby shelters.
    pub hops: Hops,
    /// Wall time of the preparation, seconds.
    pub matrix_s: f64,
}

/// Snaps the facilities and computes the travel matrices under the disruption.
pub fn prepare(scenario: &Scenario, graph: &RoadGraph) -> Result<Prepared, PlanError> {
    let t0 = Instant::now();
    let (weights, _) = apply_disruption(scenario, graph)?;
    let snapper = Snapper::new(graph);
    let snap = |file: &str, id: &str, p: [f64; 2]| {
        snapper
            .snap(id, p, DEFAULT_MAX_SNAP_M)
            .map(|s| s.node)
            .map_err(|source| PlanError::Snap {
                file: scenario.dir.join(file).display().to_string(),
                source,
            })
    };
    let warehouse_nodes = scenario
        .warehouses
        .iter()
        .map(|w| snap("warehouses.csv", &w.id, [w.lon, w.lat]))
        .collect::<Result<Vec<_>, _>>()?;
    let shelter_nodes = scenario
        .shelters
        .iter()
        .map(|s| snap("shelters.csv", &s.id, [s.lon, s.lat]))
        .collect::<Result<Vec<_>, _>>()?;
    tracing::debug!(
        "prepare: snapping {:.1} ms",
        1e3 * t0.elapsed().as_secs_f64()
    );
    let mut prep = prepare_on(scenario, graph, weights, warehouse_nodes, shelter_nodes);
    prep.matrix_s = t0.elapsed().as_secs_f64();
    Ok(prep)
}

/// The travel matrices and hops between `warehouse_nodes` and `shelter_nodes`
/// (snapped already, in `scenario`'s order) on edge times `weights`: what
/// [`prepare`] does after snapping, for callers that change the roads or the
/// warehouses themselves (siting's damage scenarios and layouts).
pub fn prepare_on(
    scenario: &Scenario,
    graph: &RoadGraph,
    weights: EdgeWeights,
    warehouse_nodes: Vec<NodeId>,
    shelter_nodes: Vec<NodeId>,
) -> Prepared {
    let t0 = Instant::now();
    let router = Router::auto(
        graph,
        &weights,
        warehouse_nodes.len().min(shelter_nodes.len()),
    );
    let out = router.matrix(&warehouse_nodes, &shelter_nodes, &crate::progress::Silent);
    let back = router.matrix(&shelter_nodes, &warehouse_nodes, &crate::progress::Silent);
    let travel = TravelHours::from_matrices(&out, &back);
    let t_matrices = t0.elapsed().as_secs_f64();
    let points: Vec<[f64; 2]> = scenario.shelters.iter().map(|s| [s.lon, s.lat]).collect();
    let hops = Hops::compute(&router, &points, &shelter_nodes, DEFAULT_NEIGHBOURS);
    tracing::debug!(
        "prepare: matrices {:.1} ms ({}), hops {:.1} ms",
        1e3 * t_matrices,
        router.name(),
        1e3 * (t0.elapsed().as_secs_f64() - t_matrices)
    );
    Prepared {
        warehouse_nodes,
        shelter_nodes,
        weights,
        travel,
        hops,
        matrix_s: t0.elapsed().as_secs_f64(),
    }
}

/// Plans dispatch for `scenario` on its road graph as `reliefflow plan` does:
/// [`prepare`], then [`plan_with_bounds`] at [`PlanOptions::full`].
pub fn plan(scenario: &Scenario, graph: &RoadGraph) -> Result<Plan, PlanError> {
    let prep = prepare(scenario, graph)?;
    plan_with_bounds(scenario, &prep, &PlanOptions::full())
}

/// How hard the planner searches when trucks are scarce: the local search over
/// the routed first batch may simulate this many stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    /// One plan a duty officer reads ([`schedule::improve::STOP_BUDGET`]).
    Full,
    /// One of many what-ifs of a sweep (audit): a sixteenth of that.
    Sweep,
}

impl Effort {
    /// Stops the local search may simulate.
    pub fn search_stops(self) -> u64 {
        match self {
            Effort::Full => schedule::improve::STOP_BUDGET,
            Effort::Sweep => schedule::improve::STOP_BUDGET / 16,
        }
    }
}

/// Delivery arcs (warehouse × shelter × item, both phases) the fleet-capped
/// attempts may solve in all: every attempt at the bundled scenarios' size
/// (Level-I: 0.2 M per attempt), none past the first at 20 000 shelters (6.4 M),
/// where the routed attempt or the fleet-blind one is the plan.
pub const CAPPED_ARC_BUDGET: usize = 4_000_000;

/// Delivery arcs of one fleet-capped attempt's two flows: the warehouse ×
/// shelter pairs a truck leaving at once reaches in time, times the items.
fn capped_delivery_arcs(scenario: &Scenario, prep: &Prepared) -> usize {
    let t = &scenario.targets;
    let ni = scenario.catalogue.items.len();
    let pairs = |deadline_h: f64| {
        (0..scenario.warehouses.len())
            .map(|w| {
                let loading = scenario.warehouses[w].fleet.loading_h;
                (0..scenario.shelters.len())
                    .filter(|&s| {
                        prep.travel
                            .outbound(
                                crate::facility::WarehouseIx(w),
                                crate::facility::ShelterIx(s),
                            )
                            .is_some_and(|h| loading + h <= deadline_h + 1e-9)
                    })
                    .count()
            })
            .sum::<usize>()
    };
    (pairs(t.first_delivery_h) + pairs(t.relief_h)) * ni
}

/// The attempts of [`plan_with_bounds`] (see there), at the search effort
/// given, without bounds or kept trips.
fn plan_with_effort(
    scenario: &Scenario,
    prep: &Prepared,
    effort: Effort,
) -> Result<Plan, PlanError> {
    let mut ctx = attempt::Context::new(scenario);
    ctx.search_stops = effort.search_stops();
    let fctx = fleet::FleetContext {
        catalogue: &scenario.catalogue,
        free_h: scenario
            .warehouses
            .iter()
            .map(|w| w.truck_free_h())
            .collect(),
        payload_kg: ctx.fleets.iter().map(|f| f.payload_kg).collect(),
        loading_h: ctx.loading_h.clone(),
        min_out_h: (0..scenario.warehouses.len())
            .map(|w| {
                (0..scenario.shelters.len())
                    .filter_map(|s| {
                        prep.travel.outbound(
                            crate::facility::WarehouseIx(w),
                            crate::facility::ShelterIx(s),
                        )
                    })
                    .fold(f64::INFINITY, f64::min)
            })
            .collect(),
        deadline_h: [scenario.targets.first_delivery_h, scenario.targets.relief_h],
    };
    let t0 = Instant::now();
    let mut caps = FleetCaps::unbounded(scenario.warehouses.len());
    let mut best: Option<(Score, Plan)> = None;
    let mut detour_h = schedule::chain::MAX_DETOUR_H;
    let mut stale = 0;
    // Trucks bound the first batch: it is also routed truck by truck.
    let first_fleet_bound = |p: &Plan| {
        p.unshipped.iter().any(|(ph, _)| *ph == Phase::First)
            || p.shortfalls
                .iter()
                .any(|s| s.phase == Phase::First && s.reason == shortfall::Reason::Fleet)
    };
    let capped_arcs = capped_delivery_arcs(scenario, prep);
    let mut arcs_spent = 0;
    for k in 0..fleet::MAX_ATTEMPTS {
        if k > 0 {
            // Fleet-capped attempts stop at the budget, but one is always made
            // unless the routed attempt will run.
            let routed = k == 1 && best.as_ref().is_some_and(|(_, p)| first_fleet_bound(p));
            if arcs_spent + capped_arcs > CAPPED_ARC_BUDGET && (k > 1 || routed) {
                tracing::debug!(
                    "plan: no more fleet-capped attempts ({capped_arcs} delivery arcs each)"
                );
                break;
            }
            arcs_spent += capped_arcs;
        }
        let p = attempt::attempt(scenario, prep, &ctx, &caps, detour_h)?;
        let score = Score::of(&p, &scenario.catalogue, &ctx);
        tracing::debug!(
            "plan attempt {k}: weighted first kg {:.0}, relief kg {:.0}, {:.1} truck-hours, {} loads without a truck; allocation {:.1} ms, trips {:.1} ms",
            score.first,
            score.relief,
            score.truck_hours,
            p.unshipped.len(),
            1e3 * p.timings.solve_s,
            1e3 * p.timings.trips_s
        );
        let next = caps.learn(&p, &fctx);
        let fleet_binds = !p.unshipped.is_empty() || !caps.is_unbounded();
        if best.as_ref().is_none_or(|(b, _)| score.beats(b)) {
            best = Some((score, p));
            stale = 0;
        } else {
            stale += 1;
        }
        if !fleet_binds
            || (next == caps && detour_h.is_infinite())
            || stale >= fleet::STALE_ATTEMPTS
        {
            break;
        }
        caps = next;
        detour_h = f64::INFINITY;
    }
    if best.as_ref().is_some_and(|(_, p)| first_fleet_bound(p)) {
        {
            let p = attempt_routed::attempt_routed(scenario, prep, &ctx)?;
            let score = Score::of(&p, &scenario.catalogue, &ctx);
            tracing::debug!(
                "plan attempt routed: weighted first kg {:.0}, relief kg {:.0}, {:.1} truck-hours",
                score.first,
                score.relief,
                score.truck_hours
            );
            if best.as_ref().is_none_or(|(b, _)| score.beats(b)) {
                best = Some((score, p));
            }
        }
    }
    let (_, mut plan) = best.expect("at least one attempt");
    plan.findings = binding::findings(&plan, &scenario.catalogue);
    plan.timings.attempts_s = t0.elapsed().as_secs_f64();
    Ok(plan)
}
