//! Ruin and recreate over the routed first batch, after the descent of
//! [`super::improve`] has reached a local optimum.
//!
//! **Ruin** removes strings of consecutive stops from the tours that visit a random
//! shelter and its nearest road neighbours (slack induction by string removals,
//! Christiaens & Vanden Berghe, *Transportation Science* 54(2), 2020).
//! **Recreate** inserts the removed shelters, and the shelters near them still due,
//! one at a time where they cost the fewest truck-hours per priority-weighted kg:
//! into any tour with room for a stop (every later stop of the truck, in this tour
//! and its later tours, still in time), or as a new tour at the end of a truck's
//! day; a few positions are skipped at random ("blinks"). A recreated solution is
//! simulated exactly and accepted while it is worth at least the best found less a
//! threshold that shrinks to zero as the budget is spent (record-to-record travel),
//! so the search can cross valleys the descent cannot.
//!
//! The generator is seeded, and work is counted in simulated stops and rated
//! insertions, so the same input gives the same plan on any machine.

use super::improve::{better, Outcome, Routes, Search};
use super::route_first::deliverable;
use super::sequence::best_order;
use crate::facility::{ItemIx, ShelterIx, WarehouseIx};
use crate::plan::ledger::StockLedger;

/// Threshold at the start of the search: a solution worth 1 % less than the best
/// is still accepted.
const THRESHOLD: f64 = 0.01;

/// Up to this many shelters, every shelter still due is a candidate for the
/// recreate; above, the removed shelters and their nearest road neighbours.
const ALL_DUE_UP_TO: usize = 256;

/// Most strings one ruin removes.
const STRINGS: u64 = 4;

/// One position in 64 is skipped when rating insertions.
const BLINK: u64 = 64;

/// Rated insertions counted as one simulated stop of work.
const RATINGS_PER_STOP: u64 = 4;

/// What one run of [`ruin_recreate`] did.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Stats {
    /// Ruins made.
    pub iterations: u64,
    /// Recreated solutions accepted as the current one.
    pub accepted: u64,
    /// Recreated solutions better than the best before them.
    pub improved: u64,
}

/// Ruin and recreate from `routes` (simulated as `now`) until `budget` stops are
/// spent; returns the best routes found, their simulation and what was done.
pub(super) fn ruin_recreate(
    search: &mut Search,
    routes: Routes,
    now: Outcome,
    budget: u64,
    seed: u64,
) -> (Routes, Outcome, Stats) {
    let mut stats = Stats::default();
    let from = search.spent;
    if from >= budget {
        return (routes, now, stats);
    }
    let mut rng = SplitMix(0x5EED ^ seed.wrapping_mul(0x9E37_79B9));
    let mut cur = routes.clone();
    let mut orders = Orders::new();
    let mut cur_value = now.value;
    let (mut best_routes, mut best) = (routes, now);
    while search.spent < budget {
        stats.iterations += 1;
        let mut cand = cur.clone();
        let Some(strings) = ruin(&mut cand, search, &mut rng) else {
            break; // nothing to ruin
        };
        let removed: Vec<usize> = strings
            .iter()
            .flat_map(|&(w, k, j, lo, len)| cur[w][k][j][lo..lo + len].iter().copied())
            .collect();
        let mut touched: Vec<(usize, usize)> = strings.iter().map(|x| (x.0, x.1)).collect();
        // Loads shift when stops go (a shelter visited twice gets more on the
        // other visit), so what is left is simulated, not estimated.
        let Some(ruined) = search.settle(&mut cand) else {
            continue;
        };
        let mut left = Left::of(search, &cand, &ruined);
        touched.extend(recreate(search, &mut cand, &mut left, &removed, &mut rng));
        touched.sort_unstable();
        touched.dedup();
        for &(w, k) in &touched {
            resequence(search, &mut orders, &mut cand, w, k);
        }
        let Some(out) = search.settle(&mut cand) else {
            continue;
        };
        let progress = (search.spent - from) as f64 / (budget - from) as f64;
        let floor = best.value - THRESHOLD * (1.0 - progress).max(0.0) * best.value.abs();
        if out.value >= floor || better(&out, &best) {
            stats.accepted += 1;
            cur_value = out.value;
            cur = cand.clone();
            if better(&out, &best) {
                stats.improved += 1;
                (best_routes, best) = (cand, out);
            }
        } else if cur_value < floor {
            // The current solution fell below the shrinking threshold: restart
            // from the best.
            cur = best_routes.clone();
            cur_value = best.value;
        }
    }
    (best_routes, best, stats)
}

/// A string of stops removed by a ruin: warehouse, truck, tour, first position
/// and length, in the routes before the ruin.
type Cut = (usize, usize, usize, usize, usize);

/// Removes up to [`STRINGS`] strings of consecutive stops, each from a different
/// tour, around a random visited shelter, and then the tours left empty; returns
/// the strings (`None` when no tour has a stop).
fn ruin(routes: &mut Routes, search: &Search, rng: &mut SplitMix) -> Option<Vec<Cut>> {
    let visited: Vec<usize> = routes
        .iter()
        .flatten()
        .flatten()
        .flatten()
        .copied()
        .collect();
    if visited.is_empty() {
        return None;
    }
    let seed = visited[rng.below(visited.len() as u64) as usize];
    let strings = 1 + rng.below(STRINGS);
    let mut cuts: Vec<Cut> = Vec::new();
    let near = std::iter::once(seed).chain(search.input.hops.next[seed].iter().map(|h| h.0));
    for s in near {
        if cuts.len() as u64 >= strings {
            break;
        }
        let skip: Vec<(usize, usize, usize)> = cuts.iter().map(|c| (c.0, c.1, c.2)).collect();
        let Some((w, k, j, p)) = find(routes, s, &skip) else {
            continue;
        };
        let n = routes[w][k][j].len();
        let len = 1 + rng.below(n as u64) as usize;
        // A string of `len` stops holding position `p`.
        let lo = p
            .saturating_sub(rng.below(len as u64) as usize)
            .min(n - len);
        cuts.push((w, k, j, lo, len));
    }
    for &(w, k, j, lo, len) in &cuts {
        routes[w][k][j].drain(lo..lo + len);
    }
    for tours in routes.iter_mut().flatten() {
        tours.retain(|t| !t.is_empty());
    }
    Some(cuts)
}

/// What is left after a ruin: units still due, stock, and the load (kg, m³) of
/// each tour of the ruined routes.
struct Left {
    due: Vec<u64>,
    stock: StockLedger,
    load: Vec<Vec<Vec<(f64, f64)>>>,
}

impl Left {
    /// The state `routes` leave (simulated as `out`: a truck's trips in departure
    /// order are its tours in order).
    fn of(search: &Search, routes: &Routes, out: &Outcome) -> Left {
        let input = search.input;
        let mut load: Vec<Vec<Vec<(f64, f64)>>> =
            routes.iter().map(|t| vec![Vec::new(); t.len()]).collect();
        let mut trips: Vec<&crate::plan::trip::Trip> = out.trips.iter().collect();
        trips.sort_by(|a, b| {
            (a.warehouse, a.truck)
                .cmp(&(b.warehouse, b.truck))
                .then(a.depart_h.total_cmp(&b.depart_h))
        });
        for t in trips {
            let (mut kg, mut m3) = (0.0, 0.0);
            for (_, l) in t.lines() {
                let it = &input.catalogue.items[l.item];
                kg += l.quantity as f64 * it.kg_per_unit;
                m3 += l.quantity as f64 * it.m3_per_unit;
            }
            load[t.warehouse][t.truck].push((kg, m3));
        }
        Left {
            due: out.due.clone(),
            stock: out.stock.clone(),
            load,
        }
    }
}

/// Where shelter `s` is visited, in a tour not in `skip`.
fn find(
    routes: &Routes,
    s: usize,
    skip: &[(usize, usize, usize)],
) -> Option<(usize, usize, usize, usize)> {
    for (w, trucks) in routes.iter().enumerate() {
        for (k, tours) in trucks.iter().enumerate() {
            for (j, tour) in tours.iter().enumerate() {
                if skip.contains(&(w, k, j)) {
                    continue;
                }
                if let Some(p) = tour.iter().position(|&x| x == s) {
                    return Some((w, k, j, p));
                }
            }
        }
    }
    None
}

/// The times of one truck's tours.
struct Times {
    /// Per tour: departure, arrival at each stop, and when the truck is free after
    /// it (infinite when no road back), hours.
    tours: Vec<(f64, Vec<f64>, f64)>,
    /// `slack[j][p]`: how much later the stops from position `p` of tour `j` on
    /// (and every later tour) may arrive and still be in time, hours.
    slack: Vec<Vec<f64>>,
    /// When the truck is free after its last tour, hours.
    free: f64,
}

impl Times {
    /// Times truck `k` of warehouse `w` driving `tours` from `free0`.
    fn of(search: &Search, w: usize, free0: f64, tours: &[Vec<usize>]) -> Times {
        let input = search.input;
        let mut free = free0;
        let mut out = Vec::with_capacity(tours.len());
        for tour in tours {
            let depart = free + input.fleets[w].loading_h;
            let arrive = search
                .arrivals(w, depart, tour)
                .unwrap_or_else(|| vec![f64::INFINITY; tour.len()]);
            let at = arrive.last().copied().unwrap_or(depart);
            let back = tour
                .last()
                .and_then(|&s| input.travel.inbound(ShelterIx(s), WarehouseIx(w)));
            free = back.map_or(f64::INFINITY, |b| at + input.unloading_h + b);
            out.push((depart, arrive, free));
        }
        let mut slack: Vec<Vec<f64>> = Vec::with_capacity(out.len());
        let mut after = f64::INFINITY;
        for (_, arrive, _) in out.iter().rev() {
            let mut row = vec![after; arrive.len() + 1];
            for p in (0..arrive.len()).rev() {
                row[p] = row[p + 1].min(input.deadline_h - arrive[p]);
            }
            after = row[0];
            slack.push(row);
        }
        slack.reverse();
        Times {
            tours: out,
            slack,
            free,
        }
    }
}

/// Inserts the shelters `removed`, and their road neighbours still due, into
/// `routes` (simulated as `ruined`), each where it costs the fewest truck-hours
/// per weighted kg it is estimated to get.
fn recreate(
    search: &mut Search,
    routes: &mut Routes,
    left: &mut Left,
    removed: &[usize],
    rng: &mut SplitMix,
) -> Vec<(usize, usize)> {
    let input = search.input;
    let ni = search.order.len();
    let mut touched = Vec::new();
    let Left { due, stock, load } = left;
    let mut times: Vec<Vec<Times>> = routes
        .iter()
        .enumerate()
        .map(|(w, trucks)| {
            trucks
                .iter()
                .enumerate()
                .map(|(k, tours)| Times::of(search, w, search.start.free_at[w][k], tours))
                .collect()
        })
        .collect();
    // The shelters to insert: the removed ones and their nearest neighbours still
    // due, in one of three orders (as removed, most weighted kg due first, random).
    let due_kg = |due: &[u64], s: usize| -> f64 {
        (0..ni)
            .map(|i| due[s * ni + i] as f64 * input.catalogue.items[i].kg_per_unit)
            .sum()
    };
    let mut todo: Vec<usize> = Vec::new();
    for &s in removed {
        for b in std::iter::once(s).chain(input.hops.next[s].iter().take(4).map(|h| h.0)) {
            if !todo.contains(&b) && due_kg(due, b) > 0.0 {
                todo.push(b);
            }
        }
    }
    if input.weight.len() <= ALL_DUE_UP_TO {
        for b in 0..input.weight.len() {
            if !todo.contains(&b) && due_kg(due, b) > 0.0 {
                todo.push(b);
            }
        }
    }
    match rng.below(3) {
        0 => {}
        1 => todo.sort_by(|&a, &b| {
            let (x, y) = (
                due_kg(due, a) * input.weight[a] as f64,
                due_kg(due, b) * input.weight[b] as f64,
            );
            y.total_cmp(&x).then(a.cmp(&b))
        }),
        _ => {
            for i in (1..todo.len()).rev() {
                todo.swap(i, rng.below(i as u64 + 1) as usize);
            }
        }
    }
    for b in todo {
        let Some((w, k, j, p, lines)) =
            best_place(search, routes, &times, load, due, stock, b, rng)
        else {
            continue;
        };
        let (mut kg, mut m3) = (0.0, 0.0);
        for l in &lines {
            let it = &input.catalogue.items[l.item];
            kg += l.quantity as f64 * it.kg_per_unit;
            m3 += l.quantity as f64 * it.m3_per_unit;
            due[b * ni + l.item] -= l.quantity;
            stock.take(WarehouseIx(w), ItemIx(l.item), l.quantity);
        }
        let tours = &mut routes[w][k];
        if j == tours.len() {
            tours.push(vec![b]);
            load[w][k].push((kg, m3));
        } else {
            tours[j].insert(p, b);
            let x = &mut load[w][k][j];
            *x = (x.0 + kg, x.1 + m3);
        }
        times[w][k] = Times::of(search, w, search.start.free_at[w][k], &routes[w][k]);
        touched.push((w, k));
    }
    touched
}

/// Best visiting orders already found, per warehouse and set of stops (sorted):
/// the order that is back earliest leaving at time 0. That order is back earliest
/// at any departure; it is used when its stops are still in time.
type Orders = std::collections::HashMap<(usize, Vec<usize>), Option<Vec<usize>>>;

/// Puts each tour of truck `k` of warehouse `w` in its best visiting order
/// ([`best_order`]), tour by tour from the first.
fn resequence(search: &mut Search, orders: &mut Orders, routes: &mut Routes, w: usize, k: usize) {
    let input = search.input;
    let mut free = search.start.free_at[w][k];
    for tour in routes[w][k].iter_mut() {
        if !free.is_finite() {
            return;
        }
        let depart = free + input.fleets[w].loading_h;
        let mut key = tour.clone();
        key.sort_unstable();
        let cached = orders.entry((w, key)).or_insert_with(|| {
            let (order, steps) = best_order(input, &search.hop, w, 0.0, tour);
            search.spent += steps / RATINGS_PER_STOP;
            order
        });
        let in_time = |t: &Times| t.slack[0][0] >= 0.0;
        match cached {
            Some(order) if in_time(&Times::of(search, w, free, std::slice::from_ref(order))) => {
                tour.clone_from(order);
            }
            _ => {
                let (order, steps) = best_order(input, &search.hop, w, depart, tour);
                search.spent += steps / RATINGS_PER_STOP;
                if let Some(order) = order {
                    *tour = order;
                }
            }
        }
        free = Times::of(search, w, free, std::slice::from_ref(tour)).free;
    }
}

/// The cheapest feasible place for shelter `b`: truck `(w, k)`, tour `j` (a new
/// tour when `j` is the truck's tour count), position `p`, and the lines it is
/// estimated to unload there.
#[allow(clippy::too_many_arguments)]
fn best_place(
    search: &mut Search,
    routes: &Routes,
    times: &[Vec<Times>],
    load: &[Vec<Vec<(f64, f64)>>],
    due: &[u64],
    stock: &StockLedger,
    b: usize,
    rng: &mut SplitMix,
) -> Option<(usize, usize, usize, usize, Vec<crate::plan::load::Line>)> {
    let input = search.input;
    let ni = search.order.len();
    let dl = input.deadline_h + 1e-9;
    let weight = input.weight[b].max(1) as f64;
    let mut best: Option<(f64, (usize, usize, usize, usize))> = None;
    let mut rated = 0u64;
    for (w, trucks) in routes.iter().enumerate() {
        let Some(out_h) = input.travel.outbound(WarehouseIx(w), ShelterIx(b)) else {
            continue;
        };
        let back_h = input.travel.inbound(ShelterIx(b), WarehouseIx(w));
        let unload = input.unloading_h;
        // What the warehouse holds of what `b` is due, kg and m³; a tour takes the
        // share of it its room allows.
        let (mut av_kg, mut av_m3) = (0.0, 0.0);
        for (i, it) in input.catalogue.items.iter().enumerate() {
            let q = due[b * ni + i].min(stock.get(WarehouseIx(w), ItemIx(i))) as f64;
            av_kg += q * it.kg_per_unit;
            av_m3 += q * it.m3_per_unit;
        }
        if av_kg <= 1e-9 {
            continue;
        }
        let fleet = &input.fleets[w];
        let gain = |(kg, m3): (f64, f64)| {
            let by_kg = (fleet.payload_kg - kg).max(0.0) / av_kg;
            let by_m3 = if av_m3 > 0.0 {
                (fleet.volume_m3 - m3).max(0.0) / av_m3
            } else {
                1.0
            };
            av_kg * by_kg.min(by_m3).min(1.0)
        };
        for (k, tours) in trucks.iter().enumerate() {
            let tm = &times[w][k];
            let mut consider = |cost: f64, kg: f64, place| {
                rated += 1;
                if kg <= 1e-9 || rng.below(BLINK) == 0 {
                    return;
                }
                let score = cost / (kg * weight);
                if best.is_none_or(|(s, _)| score < s) {
                    best = Some((score, place));
                }
            };
            for (j, tour) in tours.iter().enumerate() {
                if tour.len() >= input.max_stops || tour.contains(&b) {
                    continue;
                }
                let (depart, arrive, free) = &tm.tours[j];
                let kg = gain(load[w][k][j]);
                if kg <= 1e-9 {
                    continue;
                }
                let later = j + 1 < tours.len();
                for p in 0..=tour.len() {
                    let at_b = if p == 0 {
                        depart + out_h
                    } else {
                        match search.hop.get(tour[p - 1], b) {
                            Some(h) => arrive[p - 1] + unload + h,
                            None => continue,
                        }
                    };
                    if at_b > dl {
                        continue;
                    }
                    let delta = if p < tour.len() {
                        match search.hop.get(b, tour[p]) {
                            Some(h) => at_b + unload + h - arrive[p],
                            None => continue,
                        }
                    } else {
                        match back_h {
                            Some(h) => at_b + unload + h - free,
                            None if later => continue,
                            None => at_b - arrive[p - 1],
                        }
                    };
                    if delta > tm.slack[j][p] + 1e-9 {
                        continue;
                    }
                    consider(delta.max(0.0), kg, (w, k, j, p));
                }
            }
            // A new tour at the end of the truck's day.
            if tm.free.is_finite() {
                let depart = tm.free + input.fleets[w].loading_h;
                if depart + out_h <= dl {
                    let kg = gain((0.0, 0.0));
                    let cost =
                        input.fleets[w].loading_h + out_h + back_h.map_or(0.0, |h| unload + h);
                    consider(cost, kg, (w, k, tours.len(), 0));
                }
            }
        }
    }
    search.spent += rated / RATINGS_PER_STOP;
    let (_, (w, k, j, p)) = best?;
    let used = load[w]
        .get(k)
        .and_then(|l| l.get(j))
        .copied()
        .unwrap_or((0.0, 0.0));
    let (lines, _, _) = deliverable(input, &search.order, w, b, used, stock, due);
    Some((w, k, j, p, lines))
}

/// SplitMix64: a small deterministic generator.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}
