//! Dispatch planning: the duty officer's job. Scenario → demand → time-feasible
//! allocation (min-cost flow per item) → truck trips → shortfalls with reasons → KPIs.
//!
//! Phases run in order: the first batch (due by `first_delivery_h`) is planned
//! before the rest of relief (due by `relief_h`), so it gets the stock and trucks
//! first; relief trips start when the trucks are back.

pub mod allocate;
pub mod bottleneck;
pub mod demand;
pub mod hops;
pub mod kpi;
pub mod ledger;
pub mod load;
pub mod schedule;
pub mod shortfall;
pub mod travel;
pub mod trip;

use std::time::Instant;

use crate::facility::{ItemIx, WarehouseIx};
use crate::network::matrix::travel_matrix_to_few;
use crate::network::snap::{SnapError, DEFAULT_MAX_SNAP_M};
use crate::network::{DijkstraEngine, EdgeWeights, MatrixEngine, NodeId, RoadGraph, Snapper};
use crate::scenario::Scenario;
use allocate::{allocate, PhaseInput};
use bottleneck::{fleet_bottlenecks, Bottleneck};
use demand::{Demand, Phase};
use hops::{Hops, DEFAULT_NEIGHBOURS};
pub use kpi::Kpis;
use ledger::StockLedger;
use schedule::{schedule, ScheduleInput};
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
    #[error(transparent)]
    Disruption(#[from] crate::network::disruption::DisruptionError),
    /// Internal solver failure.
    #[error("solver: {0}")]
    Solver(String),
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
    let (weights, _) = scenario.disruption.apply(graph)?;
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
    let engine = DijkstraEngine::new(graph, &weights);
    let out = engine.matrix(&warehouse_nodes, &shelter_nodes, &crate::progress::Silent);
    let back = travel_matrix_to_few(graph, &weights, &shelter_nodes, &warehouse_nodes);
    let travel = TravelHours::from_matrices(&out, &back);
    let points: Vec<[f64; 2]> = scenario.shelters.iter().map(|s| [s.lon, s.lat]).collect();
    let hops = Hops::compute(graph, &weights, &points, &shelter_nodes, DEFAULT_NEIGHBOURS);
    Ok(Prepared {
        warehouse_nodes,
        shelter_nodes,
        weights,
        travel,
        hops,
        matrix_s: t0.elapsed().as_secs_f64(),
    })
}

/// Plans dispatch for `scenario` on its road graph.
pub fn plan(scenario: &Scenario, graph: &RoadGraph) -> Result<Plan, PlanError> {
    plan_prepared(scenario, &prepare(scenario, graph)?)
}

/// Plans dispatch with matrices already prepared for the scenario's sites and roads.
pub fn plan_prepared(scenario: &Scenario, prep: &Prepared) -> Result<Plan, PlanError> {
    let (travel, hops) = (&prep.travel, &prep.hops);
    let cat = &scenario.catalogue;
    let ni = cat.items.len();
    let demand = demand::compute(&scenario.shelters, cat);
    let weight: Vec<i64> = scenario
        .shelters
        .iter()
        .map(|s| shelter_weight(s.headcount, s.priority.total()))
        .collect();
    let loading_h: Vec<f64> = scenario
        .warehouses
        .iter()
        .map(|w| w.fleet.loading_h)
        .collect();
    let fleets: Vec<_> = scenario.warehouses.iter().map(|w| w.fleet).collect();
    let mut stock = StockLedger::from_stock(&scenario.stock, scenario.warehouses.len(), ni);
    let mut free_at: Vec<Vec<f64>> = fleets
        .iter()
        .map(|f| vec![0.0; f.trucks as usize])
        .collect();
    let (mut trips, mut shortfalls, mut unshipped) = (Vec::new(), Vec::new(), Vec::new());
    let mut next_id = 1;
    // Allocate both phases first (the first batch takes stock first), so relief
    // units can ride along on first-batch trips to the same shelter.
    let t = Instant::now();
    let first_in = PhaseInput {
        phase: Phase::First,
        deadline_h: scenario.targets.first_delivery_h,
        travel,
        loading_h: &loading_h,
        demand: &demand,
        weight: &weight,
        items: ni,
    };
    let (first_alloc, first_short) = allocate(&first_in, &mut stock).map_err(PlanError::Solver)?;
    let relief_in = PhaseInput {
        phase: Phase::Relief,
        deadline_h: scenario.targets.relief_h,
        ..first_in
    };
    let (relief_alloc, relief_short) =
        allocate(&relief_in, &mut stock).map_err(PlanError::Solver)?;
    let solve_s = t.elapsed().as_secs_f64();
    shortfalls.extend(first_short);
    shortfalls.extend(relief_short);

    let t = Instant::now();
    let sched = |phase, deadline_h| ScheduleInput {
        phase,
        deadline_h,
        travel,
        hops,
        max_stops: scenario.targets.max_stops,
        fleets: &fleets,
        catalogue: cat,
        unloading_h: scenario.targets.unloading_h,
        weight: &weight,
    };
    let ride: Vec<_> = relief_alloc.iter().map(|a| (*a, Phase::Relief)).collect();
    let first = schedule(
        &sched(Phase::First, scenario.targets.first_delivery_h),
        &first_alloc,
        &ride,
        &mut free_at,
        &mut next_id,
    );
    // Relief: what did not ride along. First-batch units that found no truck in time
    // are first-batch shortfalls; their stock is returned to `stock_left`.
    let relief = schedule(
        &sched(Phase::Relief, scenario.targets.relief_h),
        &first.deferred,
        &[],
        &mut free_at,
        &mut next_id,
    );
    for sch in [first, relief] {
        for u in &sch.unshipped {
            for l in &u.load {
                stock.put(WarehouseIx(u.warehouse), ItemIx(l.item), l.quantity);
            }
        }
        trips.extend(sch.trips);
        shortfalls.extend(sch.shortfalls);
        unshipped.extend(sch.unshipped.into_iter().map(|u| (u.load[0].phase, u)));
    }
    let trips_s = t.elapsed().as_secs_f64();
    shortfalls.sort_by_key(|s| (s.phase as u8, s.shelter, s.item, s.reason));
    let bottlenecks =
        fleet_bottlenecks(&scenario.warehouses, &scenario.targets, &trips, &unshipped);
    Ok(Plan {
        warehouse_nodes: prep.warehouse_nodes.clone(),
        shelter_nodes: prep.shelter_nodes.clone(),
        weights: prep.weights.clone(),
        travel: travel.clone(),
        demand,
        trips,
        shortfalls,
        unshipped,
        bottlenecks,
        stock_left: stock,
        timings: Timings {
            matrix_s: prep.matrix_s,
            solve_s,
            trips_s,
        },
    })
}
