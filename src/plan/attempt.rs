//! One planning attempt: allocate both phases (under fleet caps, or fleet-blind),
//! then schedule them on the trucks. [`super::plan_with_bounds`] runs attempts until
//! the trucks and the allocation agree.

use std::time::Instant;

use super::allocate::{allocate, PhaseInput};
use super::bottleneck::fleet_bottlenecks;
use super::demand::{self, Demand, Phase};
use super::fleet::FleetCaps;
use super::fleet_alloc::allocate_capped;
use super::ledger::StockLedger;
use super::load::Unshipped;
use super::schedule::{schedule, Schedule, ScheduleInput};
use super::shortfall::Shortfall;
use super::trip::Trip;
use super::{shelter_weight, Plan, PlanError, Prepared, Timings};
use crate::facility::{Fleet, ItemIx, ShelterIx, WarehouseIx};
use crate::scenario::objective::Mode;
use crate::scenario::Scenario;

/// What every attempt on one scenario shares.
pub struct Context {
    /// Demand per phase, as the plan reports it.
    pub demand: Demand,
    /// Demand per phase as the attempts plan it ([`demand::to_plan`]: a first
    /// batch whose deadline had passed at the plan time is planned as relief).
    pub planned: Demand,
    /// Objective weight per shelter.
    pub weight: Vec<i64>,
    /// Loading time per warehouse, hours.
    pub loading_h: Vec<f64>,
    /// When a truck of each warehouse can first leave loaded, hours after the
    /// event ([`super::allocate::PhaseInput::ready_h`]).
    pub ready_h: Vec<f64>,
    /// Fleet per warehouse.
    pub fleets: Vec<Fleet>,
    /// Mass of one unit of each item, kg.
    pub unit_kg: Vec<f64>,
    /// First-batch demand of each shelter, kg.
    pub first_need_kg: Vec<f64>,
    /// The objective mode.
    pub mode: Mode,
    /// Stops the first-batch local search may simulate ([`super::Effort`]).
    pub search_stops: u64,
}

impl Context {
    /// The context of `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        let demand = demand::of_scenario(scenario);
        let planned = demand::to_plan(&demand, scenario);
        let cat = &scenario.catalogue;
        let first_need_kg = (0..scenario.shelters.len())
            .map(|s| {
                (0..cat.items.len())
                    .map(|i| {
                        planned.get(Phase::First, ShelterIx(s), ItemIx(i)) as f64
                            * cat.items[i].kg_per_unit
                    })
                    .sum()
            })
            .collect();
        Self {
            first_need_kg,
            mode: scenario.objective.mode,
            search_stops: super::Effort::Full.search_stops(),
            demand,
            planned,
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
            ready_h: (0..scenario.warehouses.len())
                .map(|w| scenario.earliest_free_h(w) + scenario.warehouses[w].fleet.loading_h)
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

impl Context {
    /// Σ over shelters of weight × first-batch demand × the objective's value of
    /// the share delivered (`first_kg[s]`: first-batch kg delivered to shelter `s`).
    pub fn first_value(&self, first_kg: &[f64]) -> f64 {
        first_kg
            .iter()
            .zip(&self.first_need_kg)
            .zip(&self.weight)
            .map(|((&got, &need), &w)| {
                if need > 0.0 {
                    w as f64 * need * self.mode.value(got / need)
                } else {
                    0.0
                }
            })
            .sum()
    }

    /// The allocation input of `phase`.
    pub fn phase_input<'a>(
        &'a self,
        scenario: &'a Scenario,
        prep: &'a Prepared,
        phase: Phase,
    ) -> PhaseInput<'a> {
        PhaseInput {
            phase,
            deadline_h: match phase {
                Phase::First => scenario.targets.first_delivery_h,
                Phase::Relief => scenario.targets.relief_h,
            },
            travel: &prep.travel,
            ready_h: &self.ready_h,
            demand: &self.planned,
            weight: &self.weight,
            items: scenario.catalogue.items.len(),
            slices: scenario.objective.mode.slices(),
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
    let ni = scenario.catalogue.items.len();
    let mut stock = StockLedger::from_stock(&scenario.stock, scenario.warehouses.len(), ni);
    let mut free_at: Vec<Vec<f64>> = scenario
        .warehouses
        .iter()
        .map(|w| w.truck_free_h())
        .collect();
    let (trips, mut shortfalls, unshipped) = (Vec::new(), Vec::new(), Vec::new());
    let mut next_id = 1;
    // Allocate both phases first (the first batch takes stock first), so relief
    // units can ride along on first-batch trips to the same shelter.
    let t = Instant::now();
    let first_in = ctx.phase_input(scenario, prep, Phase::First);
    let relief_in = ctx.phase_input(scenario, prep, Phase::Relief);
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
    let sched =
        |phase, deadline_h| schedule_input(scenario, prep, ctx, phase, deadline_h, detour_h);
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
    let mut parts = Parts {
        demand: ctx.demand.clone(),
        trips,
        shortfalls,
        unshipped,
        stock,
        solve_s,
        trips_s: 0.0,
    };
    for sch in [first, relief] {
        parts.absorb(sch);
    }
    parts.trips_s = t.elapsed().as_secs_f64();
    Ok(parts.into_plan(scenario, prep))
}

/// The scheduling input of one phase.
pub fn schedule_input<'a>(
    scenario: &'a Scenario,
    prep: &'a Prepared,
    ctx: &'a Context,
    phase: Phase,
    deadline_h: f64,
    detour_h: f64,
) -> ScheduleInput<'a> {
    ScheduleInput {
        phase,
        deadline_h,
        travel: &prep.travel,
        hops: &prep.hops,
        max_stops: scenario.targets.max_stops,
        max_detour_h: detour_h,
        fleets: &ctx.fleets,
        catalogue: &scenario.catalogue,
        unloading_h: scenario.targets.unloading_h,
        weight: &ctx.weight,
    }
}

/// What an attempt has made so far.
pub struct Parts {
    /// Demand per phase, as the plan reports it.
    pub demand: Demand,
    /// Trips issued.
    pub trips: Vec<Trip>,
    /// Shortfalls found.
    pub shortfalls: Vec<Shortfall>,
    /// Loads left without a truck.
    pub unshipped: Vec<(Phase, Unshipped)>,
    /// Stock not shipped.
    pub stock: StockLedger,
    /// Allocation wall time, seconds.
    pub solve_s: f64,
    /// Scheduling wall time, seconds.
    pub trips_s: f64,
}

impl Parts {
    /// Adds a phase's schedule: its trips and shortfalls; the stock of loads left
    /// without a truck goes back to the ledger.
    pub fn absorb(&mut self, sch: Schedule) {
        for u in &sch.unshipped {
            for l in &u.load {
                self.stock
                    .put(WarehouseIx(u.warehouse), ItemIx(l.item), l.quantity);
            }
        }
        self.trips.extend(sch.trips);
        self.shortfalls.extend(sch.shortfalls);
        self.unshipped
            .extend(sch.unshipped.into_iter().map(|u| (u.load[0].phase, u)));
    }

    /// The plan.
    pub fn into_plan(mut self, scenario: &Scenario, prep: &Prepared) -> Plan {
        self.shortfalls
            .sort_by_key(|s| (s.phase as u8, s.shelter, s.item, s.reason));
        let bottlenecks = fleet_bottlenecks(
            &scenario.warehouses,
            &scenario.targets,
            &self.trips,
            &self.unshipped,
        );
        Plan {
            warehouse_nodes: prep.warehouse_nodes.clone(),
            shelter_nodes: prep.shelter_nodes.clone(),
            weights: prep.weights.clone(),
            travel: prep.travel.clone(),
            demand: self.demand,
            trips: self.trips,
            shortfalls: self.shortfalls,
            unshipped: self.unshipped,
            bottlenecks,
            bounds: Default::default(),
            findings: Vec::new(),
            stock_left: self.stock,
            timings: Timings {
                matrix_s: prep.matrix_s,
                solve_s: self.solve_s,
                trips_s: self.trips_s,
                attempts_s: self.solve_s + self.trips_s,
            },
        }
    }
}
