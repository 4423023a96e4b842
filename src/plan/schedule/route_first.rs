//! Routing the first batch truck by truck when trucks are scarce.
//!
//! Allocation-then-scheduling decides which warehouse serves which shelter before
//! it knows when trucks are free. Here the trucks decide: the truck free earliest
//! (any warehouse) loads and builds its tour from what is still unserved and what
//! its warehouse still holds, one stop at a time, each time taking the stop with
//! the most priority-weighted kg per hour it adds (drive + unloading), among the
//! shelters it can reach by the deadline; a tour ends at `max_stops`, when the
//! truck is full, or when no further stop arrives in time or none adds at
//! least [`Rating::min_stop_share`] of the first stop's rate. The truck is free
//! again when it is back. Stops after the first are a shelter's road neighbours
//! ([`crate::plan::hops`]). O(trips · (shelters + stops · neighbours) · items).

use super::first_stops::{FirstStops, Rated};
use super::input::ScheduleInput;
use crate::facility::{ItemIx, ShelterIx, WarehouseIx};
use crate::plan::ledger::StockLedger;
use crate::plan::load::Line;
use crate::plan::trip::{Stop, Trip};
use crate::scenario::objective::Mode;

/// Routes the first batch. `due[s * items + i]` are the units still due and are
/// reduced by what is delivered; `stock` gives what each warehouse holds;
/// `free_at[w][k]` is when truck `k` of warehouse `w` is free and is advanced.
/// In fair mode a kg is worth [`Mode::marginal`] of the shelter's share so far
/// (`need_kg[s]`: the shelter's demand in the phase). `rating` varies how stops
/// are rated (restarts of the construction keep the best).
#[allow(clippy::too_many_arguments)]
pub fn route_first(
    input: &ScheduleInput,
    rating: Rating,
    mode: Mode,
    need_kg: &[f64],
    due: &mut [u64],
    stock: &mut StockLedger,
    free_at: &mut [Vec<f64>],
    next_id: &mut usize,
) -> Vec<Trip> {
    let mut got_kg = vec![0.0; need_kg.len()];
    let ns = input.weight.len();
    let order = item_order(input);
    let start = Value {
        mode,
        need_kg,
        got_kg: &got_kg,
        rating,
        trip: 0,
    };
    let mut firsts = FirstStops::new(free_at.len(), ns, &|w, s| {
        let h = input.travel.outbound(WarehouseIx(w), ShelterIx(s))?;
        let kg = deliverable_kg(input, &order, w, s, stock, due);
        (kg > 1e-9).then(|| start.base_rate(input, w, s, kg, h + input.unloading_h, true))
    });
    let mut done: Vec<Vec<bool>> = free_at.iter().map(|t| vec![false; t.len()]).collect();
    let mut trips = Vec::new();
    loop {
        let mut next: Option<(usize, usize)> = None;
        for (w, trucks) in free_at.iter().enumerate() {
            for (k, &t) in trucks.iter().enumerate() {
                if !done[w][k] && next.is_none_or(|(a, b)| t < free_at[a][b]) {
                    next = Some((w, k));
                }
            }
        }
        let Some((w, k)) = next else { break };
        let depart = free_at[w][k] + input.fleets[w].loading_h;
        let value = Value {
            mode,
            need_kg,
            got_kg: &got_kg,
            rating,
            trip: trips.len() as u64,
        };
        let built = tour_pilot(input, &order, &value, &mut firsts, w, depart, due, stock);
        let stops = reorder(input, w, depart, built.clone());
        // Loads follow the visiting order (as [`super::improve`] simulates them);
        // a reordered tour with a stop left empty is driven as built.
        let stops = if stops
            .iter()
            .map(|x| x.shelter)
            .eq(built.iter().map(|x| x.shelter))
        {
            stops
        } else {
            put_back(w, ni_of(&order), &built, due, stock);
            match reload(input, &order, w, stops, due, stock) {
                Some(stops) => stops,
                None => {
                    take_again(w, ni_of(&order), &built, due, stock);
                    built
                }
            }
        };
        for st in &stops {
            got_kg[st.shelter] += load_kg(input, &st.load);
        }
        if stops.is_empty() {
            done[w][k] = true;
            continue;
        }
        let trip = input.issue((w, k), depart, stops, next_id);
        free_at[w][k] = trip.return_h;
        if !trip.return_h.is_finite() {
            done[w][k] = true;
        }
        trips.push(trip);
    }
    trips
}

/// `stops` loaded in visiting order by a truck of warehouse `w` from `due` and
/// `stock` (both reduced), or `None` (both as they were) when a stop would unload
/// nothing.
fn reload(
    input: &ScheduleInput,
    order: &[usize],
    w: usize,
    mut stops: Vec<Stop>,
    due: &mut [u64],
    stock: &mut StockLedger,
) -> Option<Vec<Stop>> {
    let ni = order.len();
    let (mut kg, mut m3) = (0.0, 0.0);
    for k in 0..stops.len() {
        let s = stops[k].shelter;
        let (lines, new_kg, new_m3) = deliverable(input, order, w, s, (kg, m3), stock, due);
        if lines.is_empty() {
            put_back(w, ni, &stops[..k], due, stock);
            return None;
        }
        let stop = &mut stops[k];
        for l in &lines {
            due[s * ni + l.item] -= l.quantity;
            stock.take(WarehouseIx(w), ItemIx(l.item), l.quantity);
        }
        (kg, m3, stop.load) = (new_kg, new_m3, lines);
    }
    Some(stops)
}

/// Number of items (the loading order holds each once).
fn ni_of(order: &[usize]) -> usize {
    order.len()
}

/// Returns what `stops` of warehouse `w` unload to `due` and `stock`.
fn put_back(w: usize, ni: usize, stops: &[Stop], due: &mut [u64], stock: &mut StockLedger) {
    for st in stops {
        for l in &st.load {
            due[st.shelter * ni + l.item] += l.quantity;
            stock.put(WarehouseIx(w), ItemIx(l.item), l.quantity);
        }
    }
}

/// Takes what `stops` of warehouse `w` unload from `due` and `stock` again.
fn take_again(w: usize, ni: usize, stops: &[Stop], due: &mut [u64], stock: &mut StockLedger) {
    for st in stops {
        for l in &st.load {
            due[st.shelter * ni + l.item] -= l.quantity;
            stock.take(WarehouseIx(w), ItemIx(l.item), l.quantity);
        }
    }
}

/// Items in loading order: higher priority first.
pub(super) fn item_order(input: &ScheduleInput) -> Vec<usize> {
    let items = &input.catalogue.items;
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| {
        items[b]
            .priority
            .total_cmp(&items[a].priority)
            .then(a.cmp(&b))
    });
    order
}

/// What a truck of warehouse `w` holding `used` (kg, m³) could unload at `s`:
/// the lines (higher-priority items first) and the load after them.
pub(super) fn deliverable(
    input: &ScheduleInput,
    order: &[usize],
    w: usize,
    s: usize,
    used: (f64, f64),
    stock: &StockLedger,
    due: &[u64],
) -> (Vec<Line>, f64, f64) {
    let mut lines = Vec::new();
    let (kg, m3) = fill(input, order, w, s, used, stock, due, &mut |l| lines.push(l));
    (lines, kg, m3)
}

/// The kg an empty truck of warehouse `w` could unload at `s` ([`deliverable`]
/// without building the lines).
fn deliverable_kg(
    input: &ScheduleInput,
    order: &[usize],
    w: usize,
    s: usize,
    stock: &StockLedger,
    due: &[u64],
) -> f64 {
    fill(input, order, w, s, (0.0, 0.0), stock, due, &mut |_| {}).0
}

/// Loads what a truck of warehouse `w` holding `used` (kg, m³) could unload at
/// `s`, line by line into `line`; the load after them.
#[allow(clippy::too_many_arguments)]
pub(super) fn fill(
    input: &ScheduleInput,
    order: &[usize],
    w: usize,
    s: usize,
    used: (f64, f64),
    stock: &StockLedger,
    due: &[u64],
    line: &mut dyn FnMut(Line),
) -> (f64, f64) {
    let (ni, fleet) = (order.len(), &input.fleets[w]);
    let (mut kg, mut m3) = used;
    for &i in order {
        let q = due[s * ni + i].min(stock.get(WarehouseIx(w), ItemIx(i)));
        if q == 0 {
            continue;
        }
        let it = &input.catalogue.items[i];
        // Whole units that fit by mass and by volume: the conversion truncates,
        // which is the floor of what is not negative (and as fast as a cast;
        // `f64::floor` is a library call on the baseline x86-64 target).
        let by_room = ((fleet.payload_kg - kg) / it.kg_per_unit + 1e-9)
            .min((fleet.volume_m3 - m3) / it.m3_per_unit + 1e-9)
            .max(0.0) as u64;
        let q = q.min(by_room);
        if q > 0 {
            kg += q as f64 * it.kg_per_unit;
            m3 += q as f64 * it.m3_per_unit;
            line(Line {
                item: i,
                quantity: q,
                phase: input.phase,
            });
        }
    }
    (kg, m3)
}

/// The tour from warehouse `w` leaving at `depart` whose value per hour (to the
/// truck's return) is best among the greedy tours started at the `pilot`
/// best-rated first stops (1: the greedy tour); takes what it delivers from `due`
/// and `stock`.
#[allow(clippy::too_many_arguments)]
fn tour_pilot(
    input: &ScheduleInput,
    order: &[usize],
    value: &Value,
    firsts: &mut FirstStops,
    w: usize,
    depart: f64,
    due: &mut [u64],
    stock: &mut StockLedger,
) -> Vec<Stop> {
    let pilot = value.rating.pilot.max(1);
    let spread = value.spread();
    let mut rate = |s: usize| -> Rated {
        let h = input.travel.outbound(WarehouseIx(w), ShelterIx(s))?;
        let arrive = depart + h;
        if arrive > input.deadline_h + 1e-9 {
            return None;
        }
        let kg = deliverable_kg(input, order, w, s, stock, due);
        let hours = arrive - depart + input.unloading_h;
        (kg > 1e-9).then(|| {
            (
                value.base_rate(input, w, s, kg, hours, true),
                value.rate(input, w, s, kg, hours, true),
            )
        })
    };
    if pilot == 1 {
        let first = firsts.best(w, 1, spread, &mut rate).first().map(|f| f.1);
        return match first {
            Some(s) => tour(input, order, value, w, depart, due, stock, s),
            None => Vec::new(),
        };
    }
    let mut rate_pilot = |s: usize| -> Rated {
        let h = input.travel.outbound(WarehouseIx(w), ShelterIx(s))?;
        (depart + h <= input.deadline_h + 1e-9).then_some(())?;
        let kg = deliverable_kg(input, order, w, s, stock, due);
        (kg > 1e-9).then(|| {
            let hours = h + input.unloading_h;
            (
                value.base_rate(input, w, s, kg, hours, true),
                value.rate(input, w, s, kg, hours, true),
            )
        })
    };
    let candidates = firsts.best(w, pilot, spread, &mut rate_pilot);
    let ni = order.len();
    let mut best: Option<(f64, usize)> = None;
    for &(_, s) in &candidates {
        let stops = tour(input, order, value, w, depart, due, stock, s);
        put_back(w, ni, &stops, due, stock);
        let Some(last) = stops.last() else { continue };
        let back = input
            .travel
            .inbound(ShelterIx(last.shelter), WarehouseIx(w))
            .unwrap_or(f64::INFINITY);
        let hours = last.arrive_h + input.unloading_h + back - depart + input.fleets[w].loading_h;
        let v: f64 = stops
            .iter()
            .map(|x| input.weight[x.shelter] as f64 * value.of(x.shelter) * load_kg(input, &x.load))
            .sum::<f64>()
            / hours.min(input.deadline_h + 24.0);
        if best.is_none_or(|b| v > b.0) {
            best = Some((v, s));
        }
    }
    match best {
        Some((_, s)) => tour(input, order, value, w, depart, due, stock, s),
        None => Vec::new(),
    }
}

/// One greedy tour from warehouse `w` leaving at `depart` with its first stop at
/// `first_stop` (if it can take anything in time); takes what it delivers from
/// `due` and `stock`.
#[allow(clippy::too_many_arguments)]
fn tour(
    input: &ScheduleInput,
    order: &[usize],
    value: &Value,
    w: usize,
    depart: f64,
    due: &mut [u64],
    stock: &mut StockLedger,
    first_stop: usize,
) -> Vec<Stop> {
    let ni = order.len();
    let (mut kg, mut m3) = (0.0, 0.0);
    let mut at = depart;
    let mut stops: Vec<Stop> = Vec::new();
    let mut first_rate = 0.0;
    let lines_for = |s: usize, kg: f64, m3: f64, stock: &StockLedger, due: &[u64]| {
        deliverable(input, order, w, s, (kg, m3), stock, due)
    };
    while stops.len() < input.max_stops {
        let first_leg = || {
            input
                .travel
                .outbound(WarehouseIx(w), ShelterIx(first_stop))
                .map(|h| (first_stop, h))
        };
        let candidates: Box<dyn Iterator<Item = (usize, f64)>> = match stops.last() {
            None => Box::new(first_leg().into_iter()),
            Some(prev) => Box::new(input.hops.next[prev.shelter].iter().copied()),
        };
        let first = stops.is_empty();
        let mut best: Option<(f64, usize, f64)> = None;
        for (s, h) in candidates {
            if stops.iter().any(|x| x.shelter == s) {
                continue;
            }
            let arrive = if first {
                at + h
            } else {
                at + input.unloading_h + h
            };
            if arrive > input.deadline_h + 1e-9 {
                continue;
            }
            let (_, new_kg, _) = lines_for(s, kg, m3, stock, due);
            let gained = new_kg - kg;
            if gained <= 1e-9 {
                continue;
            }
            let rate = value.rate(input, w, s, gained, arrive - at + input.unloading_h, first);
            if !first && rate < value.rating.min_stop_share * first_rate {
                continue;
            }
            if best.is_none_or(|b| rate > b.0 || (rate == b.0 && s < b.1)) {
                best = Some((rate, s, arrive));
            }
        }
        let Some((rate, s, arrive)) = best else { break };
        if first {
            first_rate = rate;
        }
        let (lines, new_kg, new_m3) = lines_for(s, kg, m3, stock, due);
        for l in &lines {
            due[s * ni + l.item] -= l.quantity;
            stock.take(WarehouseIx(w), ItemIx(l.item), l.quantity);
        }
        (kg, m3, at) = (new_kg, new_m3, arrive);
        stops.push(Stop {
            shelter: s,
            arrive_h: arrive,
            load: lines,
        });
    }
    stops
}

/// What a kg is worth at each shelter while routing.
struct Value<'a> {
    mode: Mode,
    need_kg: &'a [f64],
    got_kg: &'a [f64],
    rating: Rating,
    trip: u64,
}

/// How the router rates a stop.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rating {
    /// Rate a tour's first stop per hour of the whole direct round trip (drive
    /// out, unloading, drive back) instead of per hour of the drive out.
    pub round_trip: bool,
    /// 0: exact rates; otherwise the seed of a ±30 % perturbation of every rate
    /// (a randomised restart; the same seed gives the same tours).
    pub noise_seed: u64,
    /// Greedy tours tried per truck departure, from the best-rated first stops;
    /// the one with the most value per hour is driven (0 or 1: the greedy tour).
    pub pilot: usize,
    /// A stop after a tour's first is taken only if its rate is at least this
    /// share of the first stop's (0: any stop that adds a kg).
    pub min_stop_share: f64,
}

/// The largest factor [`noise`] gives.
const NOISE_MAX: f64 = 1.3;

/// ±30 % noise in [0.7, 1.3] from `(seed, trip, shelter)` (SplitMix64).
fn noise(seed: u64, trip: u64, s: usize) -> f64 {
    let mut z = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(trip.wrapping_mul(0xBF58_476D_1CE4_E5B9))
        .wrapping_add(s as u64);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    0.7 + 0.6 * (z >> 11) as f64 / (1u64 << 53) as f64
}

impl Value<'_> {
    /// Rate of a stop at `s` gaining `kg` in `hours` (drive and unloading; for a
    /// first stop rated per round trip, the drive back is added).
    fn rate(
        &self,
        input: &ScheduleInput,
        w: usize,
        s: usize,
        kg: f64,
        hours: f64,
        first: bool,
    ) -> f64 {
        let mut rate = self.base_rate(input, w, s, kg, hours, first);
        if self.rating.noise_seed != 0 {
            rate *= noise(self.rating.noise_seed, self.trip, s);
        }
        rate
    }

    /// [`Self::rate`] without the noise.
    fn base_rate(
        &self,
        input: &ScheduleInput,
        w: usize,
        s: usize,
        kg: f64,
        hours: f64,
        first: bool,
    ) -> f64 {
        let mut hours = hours;
        if first && self.rating.round_trip {
            hours += input
                .travel
                .inbound(ShelterIx(s), WarehouseIx(w))
                .unwrap_or(f64::INFINITY);
        }
        input.weight[s] as f64 * self.of(s) * kg / hours
    }

    /// The most the noise multiplies a rate by.
    fn spread(&self) -> f64 {
        if self.rating.noise_seed == 0 {
            1.0
        } else {
            NOISE_MAX
        }
    }

    /// Weight of the next kg for shelter `s`.
    fn of(&self, s: usize) -> f64 {
        match self.mode {
            Mode::Efficient => 1.0,
            Mode::Fair if self.need_kg[s] > 0.0 => {
                self.mode.marginal(self.got_kg[s] / self.need_kg[s])
            }
            Mode::Fair => 1.0,
        }
    }
}

/// Mass of `lines`, kg.
pub(super) fn load_kg(input: &ScheduleInput, lines: &[Line]) -> f64 {
    lines
        .iter()
        .map(|l| l.quantity as f64 * input.catalogue.items[l.item].kg_per_unit)
        .sum()
}

/// The visiting order of `stops` (same loads) that brings the truck of warehouse
/// `w`, leaving at `depart`, back soonest while every stop still arrives by the
/// deadline; all orders are tried (tours have at most `max_stops` stops, 6 by
/// default) where the hop times are known, and `stops` is kept when none is
/// better.
fn reorder(input: &ScheduleInput, w: usize, depart: f64, stops: Vec<Stop>) -> Vec<Stop> {
    let n = stops.len();
    if !(3..=7).contains(&n) {
        return stops;
    }
    // Arrival times along `order`, and the return, or None when a leg is unknown
    // or a stop is late.
    let times = |order: &[usize]| -> Option<(Vec<f64>, f64)> {
        let mut at = depart;
        let mut arr = Vec::with_capacity(n);
        for (k, &j) in order.iter().enumerate() {
            let s = stops[j].shelter;
            at = if k == 0 {
                at + input.travel.outbound(WarehouseIx(w), ShelterIx(s))?
            } else {
                at + input.unloading_h + input.hops.get(stops[order[k - 1]].shelter, s)?
            };
            if at > input.deadline_h + 1e-9 {
                return None;
            }
            arr.push(at);
        }
        let last = stops[*order.last()?].shelter;
        let back = input.travel.inbound(ShelterIx(last), WarehouseIx(w))?;
        Some((arr, at + input.unloading_h + back))
    };
    let identity: Vec<usize> = (0..n).collect();
    let Some((_, mut best_ret)) = times(&identity) else {
        return stops;
    };
    let mut best: Option<(Vec<usize>, Vec<f64>)> = None;
    let mut perm = identity.clone();
    // Heap's algorithm over all orders.
    let mut c = vec![0usize; n];
    let mut i = 0;
    while i < n {
        if c[i] < i {
            if i % 2 == 0 {
                perm.swap(0, i);
            } else {
                perm.swap(c[i], i);
            }
            if let Some((arr, ret)) = times(&perm) {
                if ret < best_ret - 1e-9 {
                    best_ret = ret;
                    best = Some((perm.clone(), arr));
                }
            }
            c[i] += 1;
            i = 0;
        } else {
            c[i] = 0;
            i += 1;
        }
    }
    let Some((order, arr)) = best else {
        return stops;
    };
    let mut slots: Vec<Option<Stop>> = stops.into_iter().map(Some).collect();
    order
        .iter()
        .zip(arr)
        .map(|(&j, at)| {
            let mut s = slots[j].take().expect("each stop once");
            s.arrive_h = at;
            s
        })
        .collect()
}
