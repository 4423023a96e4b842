//! Turning allocations into truck trips.
//!
//! Each warehouse → shelter allocation is packed into truckloads (mixed items,
//! within payload kg and volume m³; higher-priority items first); part-loads of
//! nearby shelters are chained into multi-stop tours ([`super::tours`]). Runs are
//! then given to the warehouse's trucks by list scheduling: most urgent first
//! (shelter weight × item priority, then shortest drive), to the truck free
//! earliest. A truck departs after loading, drives, unloads at each stop, drives
//! back and is free again. A stop that would be reached after the deadline is not
//! issued; its units become `fleet` shortfalls.

use std::collections::BTreeMap;

use super::allocate::Allocation;
use super::demand::Phase;
use super::hops::Hops;
use super::shortfall::{Reason, Shortfall};
use super::tours::{chain, Run, FULL_SHARE};
use crate::facility::Fleet;
use crate::supplies::Catalogue;

/// One line of a truckload: units of one item, counted against one phase's demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// Item index.
    pub item: usize,
    /// Units.
    pub quantity: u64,
    /// The phase whose demand these units meet.
    pub phase: Phase,
}

/// One stop of a trip: a shelter, when the truck gets there, what it unloads.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    /// Shelter index.
    pub shelter: usize,
    /// Arrival, hours after the event.
    pub arrive_h: f64,
    /// What is unloaded here.
    pub load: Vec<Line>,
}

/// One truck run: warehouse → one or more shelters → warehouse.
#[derive(Debug, Clone, PartialEq)]
pub struct Trip {
    /// Sequential id within the plan.
    pub id: usize,
    /// Warehouse index.
    pub warehouse: usize,
    /// Truck number within the warehouse (0-based).
    pub truck: usize,
    /// Phase the trip was scheduled in (its deadline is met by every line).
    pub phase: Phase,
    /// Departure, hours after the event (loading done).
    pub depart_h: f64,
    /// Stops in visiting order (at least one).
    pub stops: Vec<Stop>,
    /// Back at the warehouse, hours after the event (infinite when no road back).
    pub return_h: f64,
}

impl Trip {
    /// Arrival at the last stop, hours after the event.
    pub fn last_arrival_h(&self) -> f64 {
        self.stops.last().map_or(self.depart_h, |s| s.arrive_h)
    }

    /// Every line with the shelter it is unloaded at.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &Line)> {
        self.stops
            .iter()
            .flat_map(|s| s.load.iter().map(move |l| (s.shelter, l)))
    }
}

/// Scheduling input for one phase.
pub struct ScheduleInput<'a> {
    /// The phase.
    pub phase: Phase,
    /// Deadline, hours after the event.
    pub deadline_h: f64,
    /// Travel hours warehouse → shelter (`[w][s]`).
    pub out_h: &'a [Vec<Option<f64>>],
    /// Travel hours shelter → warehouse (`[s][w]`).
    pub back_h: &'a [Vec<Option<f64>>],
    /// Hop hours between nearby shelters (multi-stop tours).
    pub hops: &'a Hops,
    /// Most stops per trip (1 = direct trips only).
    pub max_stops: usize,
    /// Fleet per warehouse.
    pub fleets: &'a [Fleet],
    /// Items (weights, volumes, priorities).
    pub catalogue: &'a Catalogue,
    /// Unloading time at a shelter, hours.
    pub unloading_h: f64,
    /// Objective weight per shelter.
    pub weight: &'a [i64],
}

/// Weight (kg) and volume (m³) of `lines`.
pub fn load_size(catalogue: &Catalogue, lines: &[Line]) -> (f64, f64) {
    lines.iter().fold((0.0, 0.0), |(kg, m3), l| {
        let it = &catalogue.items[l.item];
        (
            kg + l.quantity as f64 * it.kg_per_unit,
            m3 + l.quantity as f64 * it.m3_per_unit,
        )
    })
}

/// How urgent a load for shelter `s` is: the shelter's weight × the highest item
/// priority on it.
pub fn urgency(input: &ScheduleInput, s: usize, lines: &[Line]) -> f64 {
    let top = lines
        .iter()
        .map(|x| input.catalogue.items[x.item].priority)
        .fold(0.0, f64::max);
    input.weight[s] as f64 * top
}

/// Packs lines into loads of at most `payload_kg` and `volume_m3`: lines of the
/// earlier phase first, then by item priority. Lines whose single unit does not
/// fit an empty truck are returned separately.
fn pack(lines: &[Line], catalogue: &Catalogue, fleet: &Fleet) -> (Vec<Vec<Line>>, Vec<Line>) {
    let mut left: Vec<Line> = lines.to_vec();
    left.sort_by(|a, b| {
        (a.phase as u8)
            .cmp(&(b.phase as u8))
            .then(
                catalogue.items[b.item]
                    .priority
                    .total_cmp(&catalogue.items[a.item].priority),
            )
            .then(a.item.cmp(&b.item))
    });
    let mut too_big = Vec::new();
    left.retain(|l| {
        let it = &catalogue.items[l.item];
        let fits = it.kg_per_unit <= fleet.payload_kg && it.m3_per_unit <= fleet.volume_m3;
        if !fits {
            too_big.push(*l);
        }
        fits
    });
    let mut loads = Vec::new();
    while left.iter().any(|l| l.quantity > 0) {
        let mut load = Vec::new();
        let mut used = (0.0, 0.0);
        fill(&mut load, &mut used, &mut left, catalogue, fleet);
        loads.push(load);
    }
    (loads, too_big)
}

/// Moves as many units of `lines` (in order) into `load` as fit beside `used`
/// (kg, m³) in a truck of `fleet`; `lines` keep what did not fit.
fn fill(
    load: &mut Vec<Line>,
    used: &mut (f64, f64),
    lines: &mut [Line],
    catalogue: &Catalogue,
    fleet: &Fleet,
) {
    for l in lines.iter_mut().filter(|l| l.quantity > 0) {
        let it = &catalogue.items[l.item];
        let by_kg = ((fleet.payload_kg - used.0) / it.kg_per_unit + 1e-9).floor();
        let by_m3 = ((fleet.volume_m3 - used.1) / it.m3_per_unit + 1e-9).floor();
        let n = l.quantity.min(by_kg.min(by_m3).max(0.0) as u64);
        if n > 0 {
            used.0 += n as f64 * it.kg_per_unit;
            used.1 += n as f64 * it.m3_per_unit;
            l.quantity -= n;
            load.push(Line { quantity: n, ..*l });
        }
    }
}

/// A truckload that was allocated but could not be issued in time.
#[derive(Debug, Clone, PartialEq)]
pub struct Unshipped {
    /// Warehouse index.
    pub warehouse: usize,
    /// Shelter index.
    pub shelter: usize,
    /// Lines of the load.
    pub load: Vec<Line>,
}

/// Result of scheduling one phase.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    /// Trips issued.
    pub trips: Vec<Trip>,
    /// `fleet` shortfalls (units of this phase not issued).
    pub shortfalls: Vec<Shortfall>,
    /// Loads of this phase not issued, by warehouse (their stock goes back).
    pub unshipped: Vec<Unshipped>,
    /// Ride-along units not carried: still to be scheduled in their own phase.
    pub deferred: Vec<Allocation>,
}

/// Schedules one phase. `due` is this phase's allocation; `ride_along` is a later
/// phase's allocation that may fill spare room on trips to the same shelter (it
/// arrives early, which meets its later deadline too). `free_at[w][k]` is when
/// truck `k` of warehouse `w` is next free (hours) and is advanced by the trips
/// issued; `next_id` numbers trips.
///
/// Due units are packed per warehouse × shelter; full loads go direct, part-loads
/// are chained into multi-stop tours ([`super::tours`]); ride-along units fill the
/// room left. Runs are then given, most urgent first, to the truck free earliest.
/// Stops are kept while they arrive by the deadline; the first late stop is not
/// issued (`fleet`), the stops after it are tried again as a run of their own.
/// O(L log L + L · (trucks + stops)) for L loads.
pub fn schedule(
    input: &ScheduleInput,
    due: &[Allocation],
    ride_along: &[(Allocation, Phase)],
    free_at: &mut [Vec<f64>],
    next_id: &mut usize,
) -> Schedule {
    type Groups = BTreeMap<(usize, usize), Vec<Line>>;
    let mut groups: Groups = Default::default();
    for a in due {
        groups
            .entry((a.warehouse, a.shelter))
            .or_default()
            .push(Line {
                item: a.item,
                quantity: a.quantity,
                phase: input.phase,
            });
    }
    let mut result = Schedule::default();
    let mut rides: Groups = Default::default();
    for (a, phase) in ride_along {
        if groups.contains_key(&(a.warehouse, a.shelter)) {
            rides
                .entry((a.warehouse, a.shelter))
                .or_default()
                .push(Line {
                    item: a.item,
                    quantity: a.quantity,
                    phase: *phase,
                });
        } else {
            result.deferred.push(*a);
        }
    }
    // Full loads direct; part-loads chained into tours.
    let mut runs: Vec<Run> = Vec::new();
    let mut partial: BTreeMap<usize, Vec<(usize, Vec<Line>)>> = BTreeMap::new();
    for (&(w, s), lines) in &groups {
        let fleet = &input.fleets[w];
        let (packed, too_big) = pack(lines, input.catalogue, fleet);
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
        runs.extend(chain(input, input.hops, w, part, input.max_stops));
    }
    // Ride-along units fill the room left, first run to the shelter first.
    for run in &mut runs {
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
    let run_urgency = |r: &Run| {
        r.stops
            .iter()
            .map(|(s, l)| urgency(input, *s, l))
            .fold(0.0, f64::max)
    };
    let first_leg = |r: &Run| input.out_h[r.warehouse][r.stops[0].0].unwrap_or(f64::MAX);
    runs.sort_by(|a, b| {
        run_urgency(b)
            .total_cmp(&run_urgency(a))
            .then_with(|| first_leg(a).total_cmp(&first_leg(b)))
            .then_with(|| (a.warehouse, a.stops[0].0).cmp(&(b.warehouse, b.stops[0].0)))
    });
    let mut queue: std::collections::VecDeque<Run> = runs.into();
    while let Some(run) = queue.pop_front() {
        let w = run.warehouse;
        let fleet = &input.fleets[w];
        let truck = (0..free_at[w].len()).min_by(|&a, &b| free_at[w][a].total_cmp(&free_at[w][b]));
        let Some(k) = truck else {
            for (s, load) in run.stops {
                result.not_issued(input.phase, w, s, load);
            }
            continue;
        };
        let depart = free_at[w][k] + fleet.loading_h;
        let mut stops: Vec<Stop> = Vec::new();
        let mut rest = run.stops.into_iter();
        let mut at = depart;
        for (s, load) in rest.by_ref() {
            let leg = match stops.last() {
                None => input.out_h[w][s],
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
        let rest: Vec<(usize, Vec<Line>)> = rest.collect();
        if !rest.is_empty() {
            queue.push_back(Run {
                warehouse: w,
                stops: rest,
            });
        }
        let Some(last) = stops.last() else { continue };
        // After closures a shelter reachable one way may not be the other way: the
        // truck then stays there (return_h infinite, never reused).
        let back = input.back_h[last.shelter][w].unwrap_or(f64::INFINITY);
        let ret = last.arrive_h + input.unloading_h + back;
        free_at[w][k] = ret;
        result.trips.push(Trip {
            id: *next_id,
            warehouse: w,
            truck: k,
            phase: input.phase,
            depart_h: depart,
            stops,
            return_h: ret,
        });
        *next_id += 1;
    }
    result
}

impl Schedule {
    fn not_issued(&mut self, phase: Phase, warehouse: usize, shelter: usize, load: Vec<Line>) {
        let (mine, later): (Vec<Line>, Vec<Line>) =
            load.into_iter().partition(|l| l.phase == phase);
        self.defer(warehouse, shelter, later);
        if mine.is_empty() {
            return;
        }
        self.shortfalls.extend(mine.iter().map(|l| Shortfall {
            shelter,
            item: l.item,
            phase,
            quantity: l.quantity,
            reason: Reason::Fleet,
        }));
        self.unshipped.push(Unshipped {
            warehouse,
            shelter,
            load: mine,
        });
    }

    fn defer(&mut self, warehouse: usize, shelter: usize, lines: Vec<Line>) {
        self.deferred.extend(lines.into_iter().map(|l| Allocation {
            warehouse,
            shelter,
            item: l.item,
            quantity: l.quantity,
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_respects_payload_and_volume() {
        let c = Catalogue::sphere_default();
        let fleet = Fleet {
            trucks: 1,
            payload_kg: 1000.0,
            volume_m3: 2.0,
            loading_h: 0.5,
        };
        let water = c.index_of("water").unwrap();
        let quilt = c.index_of("quilt").unwrap();
        let line = |item, quantity| Line {
            item,
            quantity,
            phase: Phase::First,
        };
        let (loads, too_big) = pack(&[line(water, 2500), line(quilt, 150)], &c, &fleet);
        assert!(too_big.is_empty());
        let mut total = [0u64; 2];
        for l in &loads {
            let kg: f64 = l
                .iter()
                .map(|x| x.quantity as f64 * c.items[x.item].kg_per_unit)
                .sum();
            let m3: f64 = l
                .iter()
                .map(|x| x.quantity as f64 * c.items[x.item].m3_per_unit)
                .sum();
            assert!(kg <= 1000.0 + 1e-6 && m3 <= 2.0 + 1e-6, "{kg} kg {m3} m3");
            for x in l {
                total[usize::from(x.item == quilt)] += x.quantity;
            }
        }
        assert_eq!(total, [2500, 150]);
        // 2 500 kg water + 300 kg quilts (3 m³) need at least 3 trucks by weight.
        assert!(loads.len() >= 3);
    }

    #[test]
    fn late_loads_become_fleet_shortfalls_and_trucks_do_not_overlap() {
        let c = Catalogue::sphere_default();
        let water = c.index_of("water").unwrap();
        let fleet = Fleet {
            trucks: 1,
            payload_kg: 1000.0,
            volume_m3: 10.0,
            loading_h: 0.5,
        };
        let out = vec![vec![Some(1.0)]];
        let back = vec![vec![Some(1.0)]];
        let input = ScheduleInput {
            phase: Phase::First,
            deadline_h: 6.0,
            out_h: &out,
            back_h: &back,
            hops: &Hops::default(),
            max_stops: 1,
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
