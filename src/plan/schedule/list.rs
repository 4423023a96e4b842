//! List scheduling: runs, most urgent first (then shortest first leg), go to the
//! warehouse's truck that is free earliest. A truck departs after loading, drives,
//! unloads at each stop, drives back and is free again. Stops are kept while they
//! arrive by the deadline; the first late stop is not issued (`fleet`), the stops
//! after it are tried again as a run of their own.

use std::collections::VecDeque;

use super::input::ScheduleInput;
use super::outcome::Schedule;
use crate::facility::{ShelterIx, WarehouseIx};
use crate::plan::load::{Line, Run};
use crate::plan::trip::Stop;

/// Gives `runs` to trucks. `free_at[w][k]` is when truck `k` of warehouse `w` is
/// next free (hours) and is advanced by the trips issued; `next_id` numbers trips.
/// O(R log R + R · (trucks + stops)) for R runs.
pub fn assign(
    input: &ScheduleInput,
    mut runs: Vec<Run>,
    free_at: &mut [Vec<f64>],
    next_id: &mut usize,
    result: &mut Schedule,
) {
    let run_urgency = |r: &Run| {
        r.stops
            .iter()
            .map(|(s, l)| input.urgency(*s, l))
            .fold(0.0, f64::max)
    };
    let first_leg = |r: &Run| {
        input
            .travel
            .outbound(WarehouseIx(r.warehouse), ShelterIx(r.stops[0].0))
            .unwrap_or(f64::MAX)
    };
    runs.sort_by(|a, b| {
        run_urgency(b)
            .total_cmp(&run_urgency(a))
            .then_with(|| first_leg(a).total_cmp(&first_leg(b)))
            .then_with(|| (a.warehouse, a.stops[0].0).cmp(&(b.warehouse, b.stops[0].0)))
    });
    let mut queue: VecDeque<Run> = runs.into();
    while let Some(run) = queue.pop_front() {
        let w = run.warehouse;
        let truck = (0..free_at[w].len()).min_by(|&a, &b| free_at[w][a].total_cmp(&free_at[w][b]));
        let Some(k) = truck else {
            for (s, load) in run.stops {
                result.not_issued(input.phase, w, s, load);
            }
            continue;
        };
        let depart = free_at[w][k] + input.fleets[w].loading_h;
        let (stops, rest) = drive(input, w, depart, run.stops, result);
        if !rest.is_empty() {
            queue.push_back(Run {
                warehouse: w,
                stops: rest,
            });
        }
        if stops.is_empty() {
            continue;
        }
        let trip = input.issue((w, k), depart, stops, next_id);
        free_at[w][k] = trip.return_h;
        result.trips.push(trip);
    }
}

/// Drives a run leaving warehouse `w` at `depart` (hours): the stops reached by
/// the deadline, in order, and the stops after the first late one (which is not
/// issued).
fn drive(
    input: &ScheduleInput,
    w: usize,
    depart: f64,
    planned: Vec<(usize, Vec<Line>)>,
    result: &mut Schedule,
) -> (Vec<Stop>, Vec<(usize, Vec<Line>)>) {
    let mut stops: Vec<Stop> = Vec::new();
    let mut rest = planned.into_iter();
    let mut at = depart;
    for (s, load) in rest.by_ref() {
        let leg = match stops.last() {
            None => input.travel.outbound(WarehouseIx(w), ShelterIx(s)),
            Some(prev) => input.hops.get(prev.shelter, s),
        };
        let arrive = leg.map_or(f64::INFINITY, |h| {
            if stops.is_empty() {
                at + h
            } else {
                at + input.unloading_h + h
            }
        });
        if arrive > input.deadline_h + 1e-9 {
            result.not_issued(input.phase, w, s, load);
            break;
        }
        at = arrive;
        stops.push(Stop {
            shelter: s,
            arrive_h: arrive,
            load,
        });
    }
    (stops, rest.collect())
}
