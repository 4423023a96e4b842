//! Chaining part-loads into multi-stop tours: part-loads of one warehouse for nearby shelters ride in one
//! truck. With many small shelters (the Xicheng case: ~100 people, ~0.6 t of first
//! batch each) one shelter per trip wastes most of a 5 t truck and makes the fleet,
//! not stock, the first-batch bottleneck.
//!
//! Greedy nearest neighbour, most urgent load first: a tour starts at the most
//! urgent unassigned part-load and moves on to the nearest shelter (by road, from
//! [`Hops`]) whose part-load still fits the truck, while the new stop's arrival
//! (with the truck leaving at once) stays within the deadline and at most
//! [`MAX_DETOUR_H`] later than a direct trip would bring it. Full loads stay direct.

use super::input::ScheduleInput;
use crate::facility::{ShelterIx, WarehouseIx};
use crate::plan::hops::Hops;
use crate::plan::load::{load_size, Line, Run};

/// Most a stop may arrive later on a tour than on a direct trip, hours, while
/// trucks are not scarce.
pub const MAX_DETOUR_H: f64 = 1.0;

/// Chains the part-loads `partial` (`(shelter, lines)`, at most one per shelter) of
/// warehouse `w` into tours of at most `max_stops` stops. Every part-load ends up in
/// exactly one returned run.
pub fn chain(
    input: &ScheduleInput,
    hops: &Hops,
    w: usize,
    partial: Vec<(usize, Vec<Line>)>,
    max_stops: usize,
) -> Vec<Run> {
    let fleet = &input.fleets[w];
    let direct = |s: usize| {
        fleet.loading_h
            + input
                .travel
                .outbound(WarehouseIx(w), ShelterIx(s))
                .unwrap_or(f64::INFINITY)
    };
    let mut order: Vec<usize> = (0..partial.len()).collect();
    order.sort_by(|&a, &b| {
        let (sa, sb) = (partial[a].0, partial[b].0);
        input
            .urgency(sb, &partial[b].1)
            .total_cmp(&input.urgency(sa, &partial[a].1))
            .then(direct(sa).total_cmp(&direct(sb)))
            .then(sa.cmp(&sb))
    });
    let slot: std::collections::HashMap<usize, usize> = partial
        .iter()
        .enumerate()
        .map(|(k, (s, _))| (*s, k))
        .collect();
    let size: Vec<(f64, f64)> = partial
        .iter()
        .map(|(_, l)| load_size(input.catalogue, l))
        .collect();
    let mut taken = vec![false; partial.len()];
    let mut tours: Vec<Vec<usize>> = Vec::new();
    for &seed in &order {
        if taken[seed] {
            continue;
        }
        taken[seed] = true;
        let mut tour = vec![seed];
        let (mut kg, mut m3) = size[seed];
        let mut at = direct(partial[seed].0);
        while tour.len() < max_stops {
            let cur = partial[*tour.last().expect("a tour has a stop")].0;
            let next = hops.next[cur].iter().find_map(|&(s, h)| {
                let k = *slot.get(&s)?;
                let arrive = at + input.unloading_h + h;
                let fits = !taken[k]
                    && kg + size[k].0 <= fleet.payload_kg + 1e-9
                    && m3 + size[k].1 <= fleet.volume_m3 + 1e-9;
                (fits
                    && arrive <= input.deadline_h + 1e-9
                    && arrive <= direct(s) + input.max_detour_h)
                    .then_some((k, arrive))
            });
            let Some((k, arrive)) = next else { break };
            taken[k] = true;
            tour.push(k);
            kg += size[k].0;
            m3 += size[k].1;
            at = arrive;
        }
        tours.push(tour);
    }
    let mut lines: Vec<Option<(usize, Vec<Line>)>> = partial.into_iter().map(Some).collect();
    tours
        .into_iter()
        .map(|t| Run {
            warehouse: w,
            stops: t
                .into_iter()
                .map(|k| lines[k].take().expect("each part-load is chained once"))
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::demand::Phase;
    use crate::plan::schedule::input::testkit::water_and_one_truck;
    use crate::plan::travel::TravelHours;

    #[test]
    fn tours_respect_capacity_stops_and_detour_and_keep_every_load() {
        let (c, water, fleet) = water_and_one_truck(10.0);
        // Five shelters on a line 0.1 h apart, 0.5 h from the warehouse; the fifth
        // is 3 h away by road from the others (a detour too long to chain).
        let out = vec![vec![Some(0.5), Some(0.5), Some(0.6), Some(0.7), Some(0.5)]];
        let travel = TravelHours::from_rows(&out, &out);
        let hop = |a: usize, b: usize| {
            if a == 4 || b == 4 {
                3.0
            } else {
                0.1 * (a as f64 - b as f64).abs()
            }
        };
        let hops = Hops {
            next: (0..5)
                .map(|a| {
                    let mut v: Vec<(usize, f64)> =
                        (0..5).filter(|&b| b != a).map(|b| (b, hop(a, b))).collect();
                    v.sort_by(|x, y| x.1.total_cmp(&y.1));
                    v
                })
                .collect(),
        };
        let input = ScheduleInput {
            phase: Phase::First,
            deadline_h: 6.0,
            travel: &travel,
            hops: &hops,
            max_stops: 3,
            max_detour_h: MAX_DETOUR_H,
            fleets: &[fleet],
            catalogue: &c,
            unloading_h: 0.25,
            weight: &[100; 5],
        };
        let line = |q| {
            vec![Line {
                item: water,
                quantity: q,
                phase: Phase::First,
            }]
        };
        let partial = vec![
            (0, line(300)),
            (1, line(300)),
            (2, line(300)),
            (3, line(300)),
            (4, line(100)),
        ];
        let runs = chain(&input, &hops, 0, partial, input.max_stops);
        let mut seen: Vec<usize> = runs
            .iter()
            .flat_map(|r| r.stops.iter().map(|s| s.0))
            .collect();
        seen.sort_unstable();
        assert_eq!(seen, vec![0, 1, 2, 3, 4]);
        for r in &runs {
            let kg: f64 = r.stops.iter().map(|(_, l)| load_size(&c, l).0).sum();
            assert!(kg <= 1000.0 && r.stops.len() <= 3, "{r:?}");
            assert!(
                r.stops.len() == 1 || r.stops.iter().all(|s| s.0 != 4),
                "shelter 4 is a 3 h detour: {r:?}"
            );
        }
        // 4 × 300 kg in 1 t trucks: at least one tour of three stops.
        assert!(runs.iter().any(|r| r.stops.len() == 3), "{runs:?}");
    }
}
