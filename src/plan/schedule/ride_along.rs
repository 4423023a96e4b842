//! Ride-along: a later phase's units for a shelter fill the room left on this
//! phase's runs to the same shelter (they arrive early, which meets their later
//! deadline too).

use std::collections::BTreeMap;

use super::input::ScheduleInput;
use super::outcome::Schedule;
use super::pack::fill;
use crate::plan::load::{load_size, Line, Run};

/// Lines per (warehouse, shelter).
pub type Groups = BTreeMap<(usize, usize), Vec<Line>>;

/// Fills the room left on `runs` with `rides`, first run to the shelter first;
/// what does not fit is deferred to its own phase in `result`.
pub fn fill_room(
    input: &ScheduleInput,
    runs: &mut [Run],
    mut rides: Groups,
    result: &mut Schedule,
) {
    for run in runs.iter_mut() {
        let fleet = &input.fleets[run.warehouse];
        let mut used = run.stops.iter().fold((0.0, 0.0), |acc, (_, l)| {
            let (a, b) = load_size(input.catalogue, l);
            (acc.0 + a, acc.1 + b)
        });
        for (s, load) in &mut run.stops {
            if let Some(extra) = rides.get_mut(&(run.warehouse, *s)) {
                fill(load, &mut used, extra, input.catalogue, fleet);
            }
        }
    }
    for ((w, s), lines) in rides {
        result.defer(w, s, lines.into_iter().filter(|l| l.quantity > 0).collect());
    }
}
