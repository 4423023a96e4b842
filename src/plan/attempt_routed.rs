//! The attempt for scarce trucks: the first batch routed truck by truck
//! ([`super::schedule::route_first`]) instead of allocated first, relief then
//! allocated from the stock left, riding along on first-batch trips to the same
//! shelters, and scheduled on the trucks once they are back.

use std::time::Instant;

use super::allocate::{allocate, PhaseInput};
use super::attempt::{schedule_input, Context, Parts};
use super::demand::Phase;
use super::ledger::StockLedger;
use super::load::Run;
use super::schedule::route_first::route_first;
use super::schedule::{group, ride_along, schedule, Schedule};
use super::shortfall::{reason, Shortfall};
use super::{Plan, PlanError, Prepared};
use crate::facility::{ItemIx, ShelterIx};
use crate::scenario::Scenario;

/// Plans `scenario` with the first batch routed truck by truck (`round_trip`:
/// see [`route_first`]).
pub fn attempt_routed(
    scenario: &Scenario,
    prep: &Prepared,
    ctx: &Context,
    round_trip: bool,
) -> Result<Plan, PlanError> {
    let t = Instant::now();
    let (nw, ns, ni) = (
        scenario.warehouses.len(),
        scenario.shelters.len(),
        scenario.catalogue.items.len(),
    );
    let targets = &scenario.targets;
    let mut stock = StockLedger::from_stock(&scenario.stock, nw, ni);
    let mut free_at: Vec<Vec<f64>> = ctx
        .fleets
        .iter()
        .map(|f| vec![0.0; f.trucks as usize])
        .collect();
    let mut next_id = 1;
    let first_in = schedule_input(
        scenario,
        prep,
        ctx,
        Phase::First,
        targets.first_delivery_h,
        f64::INFINITY,
    );
    let mut due: Vec<u64> = (0..ns * ni)
        .map(|k| {
            ctx.demand
                .get(Phase::First, ShelterIx(k / ni), ItemIx(k % ni))
        })
        .collect();
    let need_kg: Vec<f64> = (0..ns)
        .map(|s| {
            (0..ni)
                .map(|i| due[s * ni + i] as f64 * ctx.unit_kg[i])
                .sum()
        })
        .collect();
    let mut first_trips = route_first(
        &first_in,
        round_trip,
        scenario.objective.mode,
        &need_kg,
        &mut due,
        &mut stock,
        &mut free_at,
        &mut next_id,
    );
    let mut shortfalls: Vec<Shortfall> = Vec::new();
    for (k, &q) in due.iter().enumerate().filter(|x| *x.1 > 0) {
        let (s, i) = (k / ni, k % ni);
        shortfalls.push(Shortfall {
            shelter: s,
            item: i,
            phase: Phase::First,
            quantity: q,
            reason: reason(
                &prep.travel,
                &ctx.loading_h,
                targets.first_delivery_h,
                &stock,
                s,
                i,
            ),
        });
    }
    let relief_in = PhaseInput {
        phase: Phase::Relief,
        deadline_h: targets.relief_h,
        travel: &prep.travel,
        loading_h: &ctx.loading_h,
        demand: &ctx.demand,
        weight: &ctx.weight,
        items: ni,
        slices: scenario.objective.mode.slices(),
    };
    let t_alloc = Instant::now();
    let (relief_alloc, relief_short) =
        allocate(&relief_in, &mut stock).map_err(PlanError::Solver)?;
    let solve_s = t_alloc.elapsed().as_secs_f64();
    shortfalls.extend(relief_short);
    // Relief units for a shelter a first-batch trip of the same warehouse visits
    // fill that trip's room; the rest waits for the relief schedule.
    let visited: std::collections::BTreeSet<(usize, usize)> = first_trips
        .iter()
        .flat_map(|t| t.stops.iter().map(move |s| (t.warehouse, s.shelter)))
        .collect();
    let (rides, rest): (Vec<_>, Vec<_>) = relief_alloc
        .iter()
        .map(|a| (*a, Phase::Relief))
        .partition(|(a, _)| visited.contains(&(a.warehouse, a.shelter)));
    let mut runs: Vec<Run> = first_trips
        .iter()
        .map(|t| Run {
            warehouse: t.warehouse,
            stops: t
                .stops
                .iter()
                .map(|s| (s.shelter, s.load.clone()))
                .collect(),
        })
        .collect();
    let mut carried = Schedule::default();
    ride_along::fill_room(&first_in, &mut runs, group(rides.into_iter()), &mut carried);
    for (trip, run) in first_trips.iter_mut().zip(runs) {
        for (stop, (_, load)) in trip.stops.iter_mut().zip(run.stops) {
            stop.load = load;
        }
    }
    let mut waiting = carried.deferred;
    waiting.extend(rest.into_iter().map(|(a, _)| a));
    let relief = schedule(
        &schedule_input(
            scenario,
            prep,
            ctx,
            Phase::Relief,
            targets.relief_h,
            f64::INFINITY,
        ),
        &waiting,
        &[],
        &mut free_at,
        &mut next_id,
    );
    let mut parts = Parts {
        demand: ctx.demand.clone(),
        trips: first_trips,
        shortfalls,
        unshipped: Vec::new(),
        stock,
        solve_s,
        trips_s: 0.0,
    };
    parts.absorb(relief);
    parts.trips_s = t.elapsed().as_secs_f64() - solve_s;
    Ok(parts.into_plan(scenario, prep))
}
