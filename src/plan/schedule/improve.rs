//! Local search over the routed first batch: the tours of every truck are changed
//! one move at a time, and a move is kept when the batch is worth more (or as
//! much, in fewer truck-hours) with every stop still in time.
//!
//! A solution is only its routes: for each truck, its tours in driving order, each
//! a list of shelters. Times follow from the routes (loading, drives, unloading,
//! as [`ScheduleInput::issue`] times a trip); loads follow by taking, tour by tour
//! in the order the trucks leave, what each stop is still due and its warehouse
//! still holds, higher-priority items first, as the router loads. A solution is
//! feasible when every leg has a known drive, every stop arrives by the deadline
//! and unloads something, and a truck with no road back drives no further tour.
//!
//! Moves, around each stop `a` and the shelters `b` nearest it by road: insert `b`
//! after (or, first in a tour, before) `a`; replace `a` by `b`; move `b`'s stop
//! from its tour to after `a`; swap `a` and `b` between two tours; drop `a`; and
//! a new tour to the shelter still due most, for every truck with time left.
//!
//! The descent runs to its first local optimum; then [`super::lns`] ruins and
//! recreates from there ([`LNS_RUNS`] seeded runs, the best kept), and a last
//! descent polishes the result. Work is bounded by a count of simulated stops,
//! so the same input gives the same plan on any machine.

use rayon::prelude::*;

use super::input::ScheduleInput;
use super::route_first::item_order;
use super::simulate::{Scratch, Worth};
use crate::facility::{ShelterIx, WarehouseIx};
use crate::plan::hops::HopTable;
use crate::plan::ledger::StockLedger;
use crate::plan::trip::Trip;

/// Simulated stops the search may spend (about 0.2 s on one core at Level I:
/// ~50 ns each, scored without building trips; 175 ns when every simulation
/// built them).
pub const STOP_BUDGET: u64 = 4_000_000;

/// Simulations of the whole batch [`STOP_BUDGET`] must allow for the search to
/// run (a batch of more than 2 000 stops is left as routed).
const MIN_SIMULATIONS: u64 = 2_000;

/// Independent ruin-and-recreate runs from the descent's local optimum (each with
/// its own seed and the whole budget left; in parallel where there are cores),
/// of which the best is kept.
const LNS_RUNS: u64 = 2;

/// Road neighbours of a stop tried by the moves around it.
const NEIGHBOURS: usize = 8;

/// Tours per truck, `[w][k][tour]` = shelters in visiting order.
pub(super) type Routes = Vec<Vec<Vec<Vec<usize>>>>;

/// The state the first batch starts from: units due per `(shelter, item)`, stock,
/// when each truck is free, the next trip id.
pub struct Start<'a> {
    /// `due[s * items + i]`: units of item `i` due at shelter `s`.
    pub due: &'a [u64],
    /// Stock at each warehouse.
    pub stock: &'a StockLedger,
    /// `free_at[w][k]`: when truck `k` of warehouse `w` is free, hours.
    pub free_at: &'a [Vec<f64>],
    /// Id of the first trip issued.
    pub next_id: usize,
}

/// A simulated solution: its trips, units still due, stock left, when each truck
/// is free, the next trip id, and its worth.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Trips in the order the trucks leave, numbered from [`Start::next_id`].
    pub trips: Vec<Trip>,
    /// Units still due.
    pub due: Vec<u64>,
    /// Stock left.
    pub stock: StockLedger,
    /// When each truck is free again, hours.
    pub free_at: Vec<Vec<f64>>,
    /// Id of the next trip.
    pub next_id: usize,
    /// The objective's value (`value` of the kg per shelter).
    pub value: f64,
    /// Truck-hours used, hours (loading to return; to the last arrival when no
    /// road back).
    pub truck_h: f64,
}

/// Improves `trips` (the routed first batch from `start`) by local search;
/// `value` rates the kg each shelter gets. Returns the best solution found (the
/// given one when no move helps or the trips cannot be re-simulated).
pub fn improve(
    input: &ScheduleInput,
    start: &Start,
    value: &(dyn Fn(&[f64]) -> f64 + Sync),
    trips: &[Trip],
    budget: u64,
) -> Option<Outcome> {
    let mut routes: Routes = start
        .free_at
        .iter()
        .map(|t| vec![Vec::new(); t.len()])
        .collect();
    let mut sorted: Vec<&Trip> = trips.iter().collect();
    sorted.sort_by(|a, b| a.depart_h.total_cmp(&b.depart_h).then(a.id.cmp(&b.id)));
    for t in sorted {
        routes[t.warehouse][t.truck].push(t.stops.iter().map(|s| s.shelter).collect());
    }
    let mut search = Search {
        input,
        start,
        value,
        order: item_order(input),
        spent: 0,
        hop: HopTable::new(input.hops),
        scratch: Scratch::default(),
    };
    // Loads follow the visiting order, so a stop the router loaded before a tour
    // was reordered may find nothing left: such stops are dropped.
    let Some(out) = search.settle(&mut routes) else {
        tracing::debug!("first-batch local search: the routed trips do not re-simulate");
        return None;
    };
    let first = out.value;
    let per_simulation = search.spent;
    // A search that cannot afford [`MIN_SIMULATIONS`] simulations of the whole
    // batch (a very large one) would stop before its first improving move.
    if search.spent.saturating_mul(MIN_SIMULATIONS) > STOP_BUDGET {
        tracing::debug!(
            stops_per_simulation = search.spent,
            "first-batch local search skipped: the batch is too large for its budget"
        );
        return Some(out);
    }
    let (routes, best) = search.descend(routes, out, budget);
    // Then ruin and recreate from that local optimum ([`LNS_RUNS`] runs), and a
    // last descent from the best.
    let reserve = budget.saturating_sub(search.spent) / 10;
    let to = budget.saturating_sub(reserve);
    let ((routes, best, lns), spent) = (1..=LNS_RUNS)
        .into_par_iter()
        .map(|seed| {
            let mut s = search.clone();
            let r = super::lns::ruin_recreate(&mut s, routes.clone(), best.clone(), to, seed);
            (r, s.spent)
        })
        .reduce_with(|a, b| if better(&b.0 .1, &a.0 .1) { b } else { a })
        .expect("at least one run");
    search.spent = spent;
    let (_, best) = search.descend(routes, best, budget);
    tracing::debug!(
        iterations = lns.iterations,
        accepted = lns.accepted,
        improved = lns.improved,
        stops_simulated = search.spent,
        value_before = first,
        stops_per_simulation = per_simulation,
        value_after = best.value,
        "first-batch local search"
    );
    Some(best)
}

/// `a` is worth more than `b`, or as much in fewer truck-hours.
pub(super) fn better(a: &Outcome, b: &Outcome) -> bool {
    better_worth(
        Worth {
            value: a.value,
            truck_h: a.truck_h,
        },
        b,
    )
}

/// [`better`] for a scored simulation.
pub(super) fn better_worth(a: Worth, b: &Outcome) -> bool {
    let eps = 1e-9 * b.value.abs().max(1.0);
    a.value > b.value + eps || (a.value >= b.value - eps && a.truck_h < b.truck_h - 1e-6)
}

/// A place in the routes: warehouse, truck, tour, position.
pub(super) type At = (usize, usize, usize, usize);

/// One change to the routes.
#[derive(Debug, Clone, Copy)]
enum Move {
    /// Insert shelter `.1` into the tour of `.0`, at the position `.0.3`.
    Insert(At, usize),
    /// Replace the stop at `.0` by shelter `.1`.
    Replace(At, usize),
    /// Move the stop at `.1` to the position of `.0` (in `.0`'s tour).
    Relocate(At, At),
    /// Swap the stops at `.0` and `.1`.
    Swap(At, At),
    /// Drop the stop at `.0`.
    Drop(At),
    /// Add a tour to shelter `.2` for truck `(.0, .1)` after its last.
    NewTour(usize, usize, usize),
}

/// The tours of the trucks a move changes, as they were (to undo it).
type Saved = Vec<((usize, usize), Vec<Vec<usize>>)>;

/// The trucks `mv` changes.
fn touched(mv: &Move) -> [Option<(usize, usize)>; 2] {
    match *mv {
        Move::Insert((w, k, _, _), _)
        | Move::Replace((w, k, _, _), _)
        | Move::Drop((w, k, _, _))
        | Move::NewTour(w, k, _) => [Some((w, k)), None],
        Move::Relocate((w, k, _, _), (w2, k2, _, _)) | Move::Swap((w, k, _, _), (w2, k2, _, _)) => {
            [Some((w, k)), ((w, k) != (w2, k2)).then_some((w2, k2))]
        }
    }
}

/// Applies `mv` to `r` in place (tours left empty are removed) and returns what
/// [`undo`] needs to put `r` back.
fn apply(r: &mut Routes, mv: &Move) -> Saved {
    let saved: Saved = touched(mv)
        .into_iter()
        .flatten()
        .map(|(w, k)| ((w, k), r[w][k].clone()))
        .collect();
    match *mv {
        Move::Insert((w, k, j, p), b) => r[w][k][j].insert(p, b),
        Move::Replace((w, k, j, p), b) => r[w][k][j][p] = b,
        Move::Relocate((w, k, j, p), (w2, k2, j2, p2)) => {
            let b = r[w2][k2][j2][p2];
            if (w, k, j) == (w2, k2, j2) {
                let tour = &mut r[w][k][j];
                tour.remove(p2);
                tour.insert(if p2 < p { p - 1 } else { p }, b);
            } else {
                r[w2][k2][j2].remove(p2);
                r[w][k][j].insert(p, b);
            }
        }
        Move::Swap((w, k, j, p), (w2, k2, j2, p2)) => {
            let a = r[w][k][j][p];
            r[w][k][j][p] = r[w2][k2][j2][p2];
            r[w2][k2][j2][p2] = a;
        }
        Move::Drop((w, k, j, p)) => {
            r[w][k][j].remove(p);
        }
        Move::NewTour(w, k, s) => r[w][k].push(vec![s]),
    }
    for ((w, k), _) in &saved {
        r[*w][*k].retain(|t| !t.is_empty());
    }
    saved
}

/// Puts back the trucks' tours [`apply`] changed.
fn undo(r: &mut Routes, saved: Saved) {
    for ((w, k), tours) in saved {
        r[w][k] = tours;
    }
}

/// The search's fixed inputs and the work it has spent.
#[derive(Clone)]
pub(super) struct Search<'a> {
    /// The phase's scheduling input.
    pub(super) input: &'a ScheduleInput<'a>,
    /// The state the first batch starts from.
    pub(super) start: &'a Start<'a>,
    /// The objective's value of the kg per shelter.
    pub(super) value: &'a (dyn Fn(&[f64]) -> f64 + Sync),
    /// Items in loading order.
    pub(super) order: Vec<usize>,
    /// Stops simulated (and insertions rated) so far.
    pub(super) spent: u64,
    /// Hop hours between shelters, looked up in constant time.
    pub(super) hop: HopTable<'a>,
    /// Buffers reused by the simulations.
    pub(super) scratch: Scratch,
}

impl Search<'_> {
    /// Simulates `routes`, dropping stops that find nothing left to unload; `None`
    /// when they are infeasible otherwise.
    pub(super) fn settle(&mut self, routes: &mut Routes) -> Option<Outcome> {
        loop {
            match self.simulate(routes) {
                Ok(out) => return Some(out),
                Err(Some((w, k, j, p))) => {
                    routes[w][k][j].remove(p);
                    routes[w][k].retain(|t| !t.is_empty());
                }
                Err(None) => return None,
            }
        }
    }

    /// First-improvement descent from `routes` (simulated as `now`) to a local
    /// optimum or until `budget` stops are simulated; after a kept move the next
    /// pass goes on from the same place in the list of moves.
    pub(super) fn descend(
        &mut self,
        mut routes: Routes,
        mut now: Outcome,
        budget: u64,
    ) -> (Routes, Outcome) {
        let mut from = 0;
        loop {
            let moves = self.moves(&routes, &now);
            let n = moves.len();
            let mut kept = false;
            for step in 0..n {
                if self.spent >= budget {
                    return (routes, now);
                }
                let ix = (from + step) % n;
                let saved = apply(&mut routes, &moves[ix]);
                let worth = self.score(&routes);
                if worth.is_ok_and(|w| better_worth(w, &now)) {
                    // The same simulation again, building the trips this time.
                    if let Ok(out) = self.rebuild(&routes) {
                        (now, kept, from) = (out, true, ix);
                        break;
                    }
                }
                undo(&mut routes, saved);
            }
            if !kept {
                return (routes, now);
            }
        }
    }

    /// The moves to try from `routes` (whose simulation is `now`), in a fixed order.
    fn moves(&self, routes: &Routes, now: &Outcome) -> Vec<Move> {
        let input = self.input;
        let ni = self.order.len();
        let mut at_of: Vec<Vec<At>> = vec![Vec::new(); input.weight.len()];
        for (w, trucks) in routes.iter().enumerate() {
            for (k, tours) in trucks.iter().enumerate() {
                for (j, tour) in tours.iter().enumerate() {
                    for (p, &s) in tour.iter().enumerate() {
                        at_of[s].push((w, k, j, p));
                    }
                }
            }
        }
        let still_due = |s: usize| (0..ni).any(|i| now.due[s * ni + i] > 0);
        // The shelters still due most that warehouse `w`'s trucks reach, most first
        // (the same for every truck of the warehouse: computed once).
        let most_due = |w: usize| {
            let mut due_kg: Vec<(f64, usize)> = (0..input.weight.len())
                .filter(|&s| {
                    input
                        .travel
                        .outbound(WarehouseIx(w), ShelterIx(s))
                        .is_some()
                })
                .map(|s| {
                    let kg = (0..ni)
                        .map(|i| now.due[s * ni + i] as f64 * input.catalogue.items[i].kg_per_unit)
                        .sum::<f64>();
                    (kg, s)
                })
                .filter(|x| x.0 > 0.0)
                .collect();
            due_kg.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            due_kg.truncate(NEIGHBOURS);
            due_kg
        };
        let mut moves = Vec::new();
        for (w, trucks) in routes.iter().enumerate() {
            let mut due_kg: Option<Vec<(f64, usize)>> = None;
            for (k, tours) in trucks.iter().enumerate() {
                for (j, tour) in tours.iter().enumerate() {
                    for (p, &a) in tour.iter().enumerate() {
                        let here = (w, k, j, p);
                        moves.push(Move::Drop(here));
                        for &(b, _) in input.hops.next[a].iter().take(NEIGHBOURS) {
                            if tour.contains(&b) {
                                continue;
                            }
                            if still_due(b) {
                                if tour.len() < input.max_stops {
                                    moves.push(Move::Insert((w, k, j, p + 1), b));
                                    if p == 0 {
                                        moves.push(Move::Insert(here, b));
                                    }
                                }
                                moves.push(Move::Replace(here, b));
                            }
                            for &there in &at_of[b] {
                                if tour.len() < input.max_stops {
                                    moves.push(Move::Relocate((w, k, j, p + 1), there));
                                }
                                moves.push(Move::Swap(here, there));
                            }
                        }
                    }
                }
                // A further tour, to the shelters due most that the truck can reach.
                if now.free_at[w][k] + input.fleets[w].loading_h < input.deadline_h {
                    moves.extend(
                        due_kg
                            .get_or_insert_with(|| most_due(w))
                            .iter()
                            .take(NEIGHBOURS)
                            .map(|&(_, s)| Move::NewTour(w, k, s)),
                    );
                }
            }
        }
        moves
    }
}
