//! The attempt for scarce trucks: the first batch routed truck by truck
//! ([`super::schedule::route_first`]) instead of allocated first, relief then
//! allocated from the stock left, riding along on first-batch trips to the same
//! shelters, and scheduled on the trucks once they are back.

use std::time::Instant;

use rayon::prelude::*;

use super::allocate::allocate;
use super::attempt::{schedule_input, Context, Parts};
use super::demand::Phase;
use super::ledger::StockLedger;
use super::load::Run;
use super::schedule::improve::{improve, Start};
use super::schedule::route_first::{route_first, Rating};
use super::schedule::{group, ride_along, schedule, Schedule};
use super::shortfall::Shortfall;
use super::trip::Trip;
use super::{Plan, PlanError, Prepared};
use crate::facility::{ItemIx, ShelterIx};
use crate::scenario::objective::{Mode, FAIR_KEEPS_KG};
use crate::scenario::Scenario;

/// A routing and the state after it: trips, units still due, stock, when each
/// truck is free, the next trip id.
type Routed = (Vec<Trip>, Vec<u64>, StockLedger, Vec<Vec<f64>>, usize);

/// First stops tried per tour by the pilot routings for `shelters` shelters
/// (about 800 shelter-tours per departure, at least 2, at most 8).
pub fn pilot_width(shelters: usize) -> usize {
    (800 / shelters.max(1)).clamp(2, 8)
}

/// Perturbed restarts of the first-batch router for a scenario of `shelters`
/// shelters (about 1 200 shelter-routings in all, at least 1, at most 16).
pub fn restarts(shelters: usize) -> u64 {
    (1200 / shelters.max(1)).clamp(1, 16) as u64
}

/// The least rate a stop after a tour's first may add, as a share of the first
/// stop's rate, tried by the routings ([`Rating::min_stop_share`]). Without a
/// floor (0) a truck whose first stop took all but a few kg of its payload drives
/// on to unload those few kg elsewhere, a quarter hour and a hop for nothing, and
/// at Level I with a quarter of the trucks that costs about one trip in six
/// (first batch by 6 h 2 017 t with 0 alone, 2 164 t with these, `benches/README.md`).
/// Where small shelters fill the trips (Xicheng) lower floors win; the best
/// routing is kept.
const STOP_SHARES: [f64; 4] = [0.4, 0.2, 0.6, 0.0];

/// Plans `scenario` with the first batch routed truck by truck: the router runs
/// with exact rates (both first-stop ratings) and with [`restarts`] perturbed
/// ones, each with a floor on what later stops must add ([`STOP_SHARES`]), and
/// the routing with the most first-batch value is kept.
pub fn attempt_routed(
    scenario: &Scenario,
    prep: &Prepared,
    ctx: &Context,
) -> Result<Plan, PlanError> {
    let t = Instant::now();
    let (nw, ns, ni) = (
        scenario.warehouses.len(),
        scenario.shelters.len(),
        scenario.catalogue.items.len(),
    );
    let targets = &scenario.targets;
    let mut stock = StockLedger::from_stock(&scenario.stock, nw, ni);
    let mut free_at: Vec<Vec<f64>> = scenario
        .warehouses
        .iter()
        .map(|w| w.truck_free_h())
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
            ctx.planned
                .get(Phase::First, ShelterIx(k / ni), ItemIx(k % ni))
        })
        .collect();
    let pilot = pilot_width(ns);
    let mut ratings = vec![
        Rating::default(),
        Rating {
            round_trip: true,
            ..Rating::default()
        },
        Rating {
            pilot,
            ..Rating::default()
        },
        Rating {
            round_trip: true,
            pilot,
            noise_seed: 0,
            ..Rating::default()
        },
    ];
    // Each exact rating with every stop share, the restarts with one each.
    ratings = ratings
        .iter()
        .flat_map(|r| {
            STOP_SHARES.map(|share| Rating {
                min_stop_share: share,
                ..*r
            })
        })
        .collect();
    ratings.extend((1..=restarts(ns)).map(|seed| Rating {
        round_trip: seed % 2 == 0,
        noise_seed: seed,
        pilot: 1,
        min_stop_share: STOP_SHARES[(seed as usize - 1) % STOP_SHARES.len()],
    }));
    // In fair mode the routings also run rated for kg alone, so the plan knows
    // how much the first batch can carry ([`fair_floor_kg`]).
    let mode = scenario.objective.mode;
    let modes: &[Mode] = match mode {
        Mode::Efficient => &[Mode::Efficient],
        Mode::Fair => &[Mode::Fair, Mode::Efficient],
    };
    let jobs: Vec<(Mode, Rating)> = modes
        .iter()
        .flat_map(|&m| ratings.iter().map(move |&r| (m, r)))
        .collect();
    // The routings are independent: run them in parallel, keep the best in
    // rating order (the first of equals), as a sequential run would.
    // Each routing with its first-batch kg per shelter.
    let routings: Vec<(Vec<f64>, Routed)> = jobs
        .into_par_iter()
        .map(|(rated_by, rating)| {
            let (mut d, mut st, mut fr, mut id) =
                (due.clone(), stock.clone(), free_at.clone(), next_id);
            let trips = route_first(
                &first_in,
                rating,
                rated_by,
                &ctx.first_need_kg,
                &mut d,
                &mut st,
                &mut fr,
                &mut id,
            );
            let got = first_kg(&trips, ns, &scenario.catalogue);
            (got, (trips, d, st, fr, id))
        })
        .collect();
    let floor_kg = match mode {
        Mode::Efficient => 0.0,
        Mode::Fair => fair_floor_kg(routings.iter().map(|r| r.0.iter().sum())),
    };
    let value = |got: &[f64]| guarded_value(ctx, got, floor_kg);
    let mut best: Option<(f64, Routed)> = None;
    for (got, routed) in routings {
        let v = value(&got);
        if best.as_ref().is_none_or(|b| v > b.0 + 1e-12 * b.0.abs()) {
            best = Some((v, routed));
        }
    }
    let (routed_value, (mut first_trips, d, st, fr, id)) = best.expect("at least one routing");
    let start = Start {
        due: &due,
        stock: &stock,
        free_at: &free_at,
        next_id,
    };
    match improve(&first_in, &start, &value, &first_trips, ctx.search_stops) {
        Some(out) if out.value >= routed_value - 1e-12 * routed_value.abs() => {
            first_trips = out.trips;
            (due, stock, free_at, next_id) = (out.due, out.stock, out.free_at, out.next_id);
        }
        _ => (due, stock, free_at, next_id) = (d, st, fr, id),
    }
    let first_alloc_in = ctx.phase_input(scenario, prep, Phase::First);
    let mut shortfalls: Vec<Shortfall> = due
        .iter()
        .enumerate()
        .filter_map(|(k, &q)| first_alloc_in.shortfall(&stock, k / ni, k % ni, q))
        .collect();
    let relief_in = ctx.phase_input(scenario, prep, Phase::Relief);
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

/// First-batch kg `trips` deliver to each of `ns` shelters.
fn first_kg(trips: &[Trip], ns: usize, catalogue: &crate::supplies::Catalogue) -> Vec<f64> {
    let mut got = vec![0.0; ns];
    for t in trips {
        for (s, l) in t.lines() {
            got[s] += l.quantity as f64 * catalogue.items[l.item].kg_per_unit;
        }
    }
    got
}

/// Value of a first kg below the fair floor, against the objective: more than
/// any kg is worth in either mode (shelter weight at most 400, fair slice
/// weight at most 8), so no fairer plan is kept for kg under the floor.
const BELOW_FLOOR_PER_KG: f64 = 1e4;

/// The objective's value of the first-batch kg `got` per shelter
/// ([`Context::first_value`]), less [`BELOW_FLOOR_PER_KG`] for every kg the
/// whole batch falls short of `floor_kg`.
fn guarded_value(ctx: &Context, got: &[f64], floor_kg: f64) -> f64 {
    let short = (floor_kg - got.iter().sum::<f64>()).max(0.0);
    ctx.first_value(got) - BELOW_FLOOR_PER_KG * short
}

/// The first-batch kg a fair plan keeps at least: [`FAIR_KEEPS_KG`] of the most
/// any routing (fair- or kg-rated) delivers.
fn fair_floor_kg(routed_kg: impl Iterator<Item = f64>) -> f64 {
    FAIR_KEEPS_KG * routed_kg.fold(0.0, f64::max)
}
