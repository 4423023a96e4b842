//! Turning one phase's allocation into truck trips, in four steps:
//!
//! 1. **pack** ([`pack`]) each warehouse → shelter allocation into truckloads
//!    (mixed items, within payload kg and volume m³; earlier phase and
//!    higher-priority items first); full loads go direct;
//! 2. **chain** ([`chain`]) the part-loads of nearby shelters into multi-stop
//!    tours;
//! 3. **ride along** ([`ride_along`]): a later phase's units fill the room left
//!    on runs to the same shelter;
//! 4. **list-schedule** ([`list`]) the runs onto the warehouse's trucks, most
//!    urgent first, to the truck free earliest; stops that would arrive after the
//!    deadline are not issued and their units become `fleet` shortfalls.

pub mod chain;
mod first_stops;
pub mod improve;
pub mod input;
pub mod list;
mod lns;
pub mod outcome;
pub mod pack;
pub mod ride_along;
pub mod route_first;
pub mod sequence;
mod simulate;

pub use input::ScheduleInput;
pub use outcome::Schedule;

use crate::plan::allocate::Allocation;
use crate::plan::demand::Phase;
use crate::plan::load::{load_size, Line, Run, FULL_SHARE};
use ride_along::Groups;

/// Schedules one phase. `due` is this phase's allocation; `ride_along` is a later
/// phase's allocation that may fill spare room on trips to the same shelter.
/// `free_at[w][k]` is when truck `k` of warehouse `w` is next free (hours) and is
/// advanced by the trips issued; `next_id` numbers trips.
/// O(L log L + L · (trucks + stops)) for L loads.
pub fn schedule(
    input: &ScheduleInput,
    due: &[Allocation],
    ride_along: &[(Allocation, Phase)],
    free_at: &mut [Vec<f64>],
    next_id: &mut usize,
) -> Schedule {
    let mut result = Schedule::default();
    let groups = group(due.iter().map(|a| (*a, input.phase)));
    let (rides, not_along): (Vec<_>, Vec<_>) = ride_along
        .iter()
        .partition(|(a, _)| groups.contains_key(&(a.warehouse, a.shelter)));
    result
        .deferred
        .extend(not_along.into_iter().map(|(a, _)| a));
    let rides = group(rides.into_iter());
    let mut runs = pack_runs(input, &groups, &mut result);
    ride_along::fill_room(input, &mut runs, rides, &mut result);
    list::assign(input, runs, free_at, next_id, &mut result);
    result
}

/// Lines per (warehouse, shelter), in allocation order.
pub fn group(allocations: impl Iterator<Item = (Allocation, Phase)>) -> Groups {
    let mut groups = Groups::new();
    for (a, phase) in allocations {
        groups
            .entry((a.warehouse, a.shelter))
            .or_default()
            .push(Line {
                item: a.item,
                quantity: a.quantity,
                phase,
            });
    }
    groups
}

/// Steps 1 and 2: packs every group; full loads (and every load but a group's
/// last) go direct, the part-loads of each warehouse are chained into tours.
/// Items too big for an empty truck are not issued.
fn pack_runs(input: &ScheduleInput, groups: &Groups, result: &mut Schedule) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    let mut partial: std::collections::BTreeMap<usize, Vec<(usize, Vec<Line>)>> =
        Default::default();
    for (&(w, s), lines) in groups {
        let fleet = &input.fleets[w];
        let (packed, too_big) = pack::pack(lines, input.catalogue, fleet);
        result.not_issued(input.phase, w, s, too_big);
        let n = packed.len();
        for (k, load) in packed.into_iter().enumerate() {
            let (kg, m3) = load_size(input.catalogue, &load);
            let full = kg >= FULL_SHARE * fleet.payload_kg || m3 >= FULL_SHARE * fleet.volume_m3;
            if k + 1 < n || full || input.max_stops <= 1 {
                runs.push(Run {
                    warehouse: w,
                    stops: vec![(s, load)],
                });
            } else {
                partial.entry(w).or_default().push((s, load));
            }
        }
    }
    for (w, part) in partial {
        runs.extend(chain::chain(input, input.hops, w, part, input.max_stops));
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::hops::Hops;
    use crate::plan::schedule::input::testkit::water_and_one_truck;
    use crate::plan::shortfall::Reason;
    use crate::plan::travel::TravelHours;

    #[test]
    fn late_loads_become_fleet_shortfalls_and_trucks_do_not_overlap() {
        let (c, water, fleet) = water_and_one_truck(10.0);
        let travel = TravelHours::from_rows(&[vec![Some(1.0)]], &[vec![Some(1.0)]]);
        let input = ScheduleInput {
            phase: Phase::First,
            deadline_h: 6.0,
            travel: &travel,
            hops: &Hops::default(),
            max_stops: 1,
            max_detour_h: chain::MAX_DETOUR_H,
            fleets: &[fleet],
            catalogue: &c,
            unloading_h: 0.25,
            weight: &[1],
        };
        // 4 000 L = 4 loads; a round trip takes 0.5 + 1 + 0.25 + 1 = 2.75 h, so arrivals
        // are at 1.5, 4.25, 7.0 (late) → 2 trips, 2 000 L short for lack of trucks.
        let alloc = [Allocation {
            warehouse: 0,
            shelter: 0,
            item: water,
            quantity: 4000,
        }];
        let mut free = vec![vec![0.0]];
        let mut id = 0;
        let out = schedule(&input, &alloc, &[], &mut free, &mut id);
        let (trips, short) = (out.trips, out.shortfalls);
        assert_eq!(out.unshipped.len(), 2);
        assert_eq!(trips.len(), 2);
        assert!((trips[1].stops[0].arrive_h - 4.25).abs() < 1e-9);
        assert!(trips[1].depart_h >= trips[0].return_h);
        assert_eq!(short.iter().map(|s| s.quantity).sum::<u64>(), 2000);
        assert!(short.iter().all(|s| s.reason == Reason::Fleet));
    }
}
