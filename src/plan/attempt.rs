//! One planning attempt: allocate both phases (under fleet caps, or fleet-blind),
//! then schedule them on the trucks. [`super::plan_prepared`] runs attempts until
//! the trucks and the allocation agree.

use std::time::Instant;

use super::allocate::{allocate, PhaseInput};
use super::bottleneck::fleet_bottlenecks;
use super::demand::{self, Demand, Phase};
use super::fleet::FleetCaps;
use super::fleet_alloc::allocate_capped;
use super::ledger::StockLedger;
use super::schedule::{schedule, ScheduleInput};
use super::{shelter_weight, Plan, PlanError, Prepared, Timings};
use crate::facility::{Fleet, ItemIx, WarehouseIx};
use crate::scenario::Scenario;

/// What every attempt on one scenario shares.
pub struct Context {
    /// Demand per phase.
    pub demand: Demand,
    /// Objective weight per shelter.
    pub weight: Vec<i64>,
    /// Loading time per warehouse, hours.
    pub loading_h: Vec<f64>,
    /// Fleet per warehouse.
    pub fleets: Vec<Fleet>,
    /// Mass of one unit of each item, kg.
    pub unit_kg: Vec<f64>,
}

impl Context {
    /// The context of `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        Self {
            demand: demand::compute(&scenario.shelters, &scenario.catalogue),
            weight: scenario
                .shelters
                .iter()
                .map(|s| shelter_weight(s.headcount, s.priority.total()))
                .collect(),
            loading_h: scenario
                .warehouses
                .iter()
                .map(|w| w.fleet.loading_h)
                .collect(),
            fleets: scenario.warehouses.iter().map(|w| w.fleet).collect(),
            unit_kg: scenario
                .catalogue
                .items
                .iter()
                .map(|i| i.kg_per_unit)
                .collect(),
        }
    }
}

/// One attempt: allocation under `caps`, then both phases scheduled, tours
/// chained with at most `detour_h` of detour per stop.
pub fn attempt(
    scenario: &Scenario,
    prep: &Prepared,
    ctx: &Context,
    caps: &FleetCaps,
    detour_h: f64,
) -> Result<Plan, PlanError> {
    let (travel, hops) = (&prep.travel, &prep.hops);
    let cat = &scenario.catalogue;
    let ni = cat.items.len();
    let (demand, weight, loading_h, fleets) =
        (ctx.demand.clone(), &ctx.weight, &ctx.loading_h, &ctx.fleets);
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
        loading_h,
        demand: &demand,
        weight,
        items: ni,
    };
    let relief_in = PhaseInput {
        phase: Phase::Relief,
        deadline_h: scenario.targets.relief_h,
        ..first_in
    };
    let mut run = |input: &PhaseInput, cap: &[f64]| {
        if cap.iter().all(|c| c.is_infinite()) {
            allocate(input, &mut stock)
        } else {
            allocate_capped(input, &mut stock, cap, &ctx.unit_kg)
        }
        .map_err(PlanError::Solver)
    };
    let (first_alloc, first_short) = run(&first_in, &caps.kg[0])?;
    let (relief_alloc, relief_short) = run(&relief_in, &caps.kg[1])?;
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
        max_detour_h: detour_h,
        fleets,
        catalogue: cat,
        unloading_h: scenario.targets.unloading_h,
        weight,
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
        bounds: Default::default(),
        stock_left: stock,
        timings: Timings {
            matrix_s: prep.matrix_s,
            solve_s,
            trips_s,
            attempts_s: solve_s + trips_s,
        },
    })
}
