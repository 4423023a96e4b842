//! Simulating routes for the local search ([`super::improve`]): tours are timed
//! truck by truck, then loaded in the order the trucks are free, as the router
//! loads them. A move is first only scored (value and truck-hours, with buffers
//! reused from one simulation to the next, no trip built); the full outcome is
//! built only for a move that is kept.

use super::improve::{At, Outcome, Routes, Search};
use super::route_first::{fill, load_kg};
use crate::facility::{ItemIx, ShelterIx, WarehouseIx};
use crate::plan::ledger::StockLedger;
use crate::plan::load::Line;
use crate::plan::trip::Stop;

/// One timed tour of a simulation.
#[derive(Debug, Clone, Copy)]
struct Timed {
    w: usize,
    k: usize,
    j: usize,
    /// When the truck is free for it, hours.
    free: f64,
    /// Departure (loaded), hours.
    depart: f64,
    /// Where its arrivals start in [`Scratch::arrive`].
    from: usize,
}

/// Buffers one simulation leaves for the next.
#[derive(Debug, Clone, Default)]
pub(super) struct Scratch {
    timed: Vec<Timed>,
    arrive: Vec<f64>,
    order: Vec<usize>,
    free_at: Vec<Vec<f64>>,
    due: Vec<u64>,
    stock: Option<StockLedger>,
    got: Vec<f64>,
    lines: Vec<Line>,
}

/// A simulation's worth: the objective's value and truck-hours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Worth {
    /// The objective's value.
    pub value: f64,
    /// Truck-hours used.
    pub truck_h: f64,
}

impl Search<'_> {
    /// Arrival at each stop of `tour` by a truck of warehouse `w` leaving at
    /// `depart` (hours; unloading before each hop), appended to `out`; `None`
    /// when a leg has no known drive.
    pub(super) fn arrivals_into(
        &self,
        w: usize,
        depart: f64,
        tour: &[usize],
        out: &mut Vec<f64>,
    ) -> Option<()> {
        let input = self.input;
        let mut at = depart;
        for (p, &s) in tour.iter().enumerate() {
            at += if p == 0 {
                input.travel.outbound(WarehouseIx(w), ShelterIx(s))?
            } else {
                self.hop.get(tour[p - 1], s)? + input.unloading_h
            };
            out.push(at);
        }
        Some(())
    }

    /// [`Self::arrivals_into`] into a new vector.
    pub(super) fn arrivals(&self, w: usize, depart: f64, tour: &[usize]) -> Option<Vec<f64>> {
        let mut out = Vec::with_capacity(tour.len());
        self.arrivals_into(w, depart, tour, &mut out)?;
        Some(out)
    }

    /// Times and loads `routes`; `Err` when a leg is unknown, a stop is late or
    /// unloads nothing (`Err(Some(place))` for the first such stop), or a truck
    /// with no road back drives on. Counts its stops as work.
    pub(super) fn simulate(&mut self, routes: &Routes) -> Result<Outcome, Option<At>> {
        self.run(routes, true, true)
            .map(|(_, out)| out.expect("built when asked"))
    }

    /// The worth of `routes` as [`Self::simulate`] would find it, without
    /// building its trips. Counts its stops as work.
    pub(super) fn score(&mut self, routes: &Routes) -> Result<Worth, Option<At>> {
        self.run(routes, false, true).map(|(w, _)| w)
    }

    /// [`Self::simulate`] of routes already scored (their work counted).
    pub(super) fn rebuild(&mut self, routes: &Routes) -> Result<Outcome, Option<At>> {
        self.run(routes, true, false)
            .map(|(_, out)| out.expect("built when asked"))
    }

    fn run(
        &mut self,
        routes: &Routes,
        build: bool,
        count: bool,
    ) -> Result<(Worth, Option<Outcome>), Option<At>> {
        let mut scratch = std::mem::take(&mut self.scratch);
        let before = self.spent;
        let result = self.run_with(routes, build, &mut scratch);
        if !count {
            self.spent = before;
        }
        self.scratch = scratch;
        result
    }

    fn run_with(
        &mut self,
        routes: &Routes,
        build: bool,
        sc: &mut Scratch,
    ) -> Result<(Worth, Option<Outcome>), Option<At>> {
        // Every simulation costs at least one stop, so the budget always runs out.
        self.spent += 1;
        let input = self.input;
        let ni = self.order.len();
        // Timing, truck by truck.
        sc.timed.clear();
        sc.arrive.clear();
        sc.free_at.resize_with(self.start.free_at.len(), Vec::new);
        for (to, from) in sc.free_at.iter_mut().zip(self.start.free_at) {
            to.clone_from(from);
        }
        let mut truck_h = 0.0;
        for (w, trucks) in routes.iter().enumerate() {
            let loading = input.fleets[w].loading_h;
            for (k, tours) in trucks.iter().enumerate() {
                for (j, tour) in tours.iter().enumerate() {
                    let free = sc.free_at[w][k];
                    if !free.is_finite() {
                        return Err(None);
                    }
                    let depart = free + loading;
                    let from = sc.arrive.len();
                    self.arrivals_into(w, depart, tour, &mut sc.arrive)
                        .ok_or(None)?;
                    let at = *sc.arrive[from..].last().ok_or(None)?;
                    if at > input.deadline_h + 1e-9 {
                        return Err(None); // arrivals only grow along a tour
                    }
                    self.spent += tour.len() as u64;
                    let last = *tour.last().ok_or(None)?;
                    let back = input.travel.inbound(ShelterIx(last), WarehouseIx(w));
                    sc.free_at[w][k] = back.map_or(f64::INFINITY, |b| at + input.unloading_h + b);
                    truck_h += back.map_or(at, |b| at + input.unloading_h + b) - free;
                    sc.timed.push(Timed {
                        w,
                        k,
                        j,
                        free,
                        depart,
                        from,
                    });
                }
            }
        }
        // Loading, in the order the trucks are free (as the router loads them).
        sc.order.clear();
        sc.order.extend(0..sc.timed.len());
        let timed = &sc.timed;
        sc.order.sort_by(|&a, &b| {
            let (x, y) = (&timed[a], &timed[b]);
            x.free.total_cmp(&y.free).then((x.w, x.k).cmp(&(y.w, y.k)))
        });
        sc.due.clear();
        sc.due.extend_from_slice(self.start.due);
        let stock = sc.stock.get_or_insert_with(|| self.start.stock.clone());
        stock.copy_from(self.start.stock);
        sc.got.clear();
        sc.got.resize(input.weight.len(), 0.0);
        let mut trips = Vec::with_capacity(if build { sc.timed.len() } else { 0 });
        let mut next_id = self.start.next_id;
        for &t in &sc.order {
            let tm = sc.timed[t];
            let tour = &routes[tm.w][tm.k][tm.j];
            let (mut kg, mut m3) = (0.0, 0.0);
            let mut stops = Vec::with_capacity(if build { tour.len() } else { 0 });
            for (p, &s) in tour.iter().enumerate() {
                let used = (kg, m3);
                let lines = &mut sc.lines;
                lines.clear();
                let (new_kg, new_m3) = fill(
                    input,
                    &self.order,
                    tm.w,
                    s,
                    used,
                    stock,
                    &sc.due,
                    &mut |l| lines.push(l),
                );
                if sc.lines.is_empty() {
                    return Err(Some((tm.w, tm.k, tm.j, p)));
                }
                for l in &sc.lines {
                    sc.due[s * ni + l.item] -= l.quantity;
                    stock.take(WarehouseIx(tm.w), ItemIx(l.item), l.quantity);
                }
                sc.got[s] += load_kg(input, &sc.lines);
                (kg, m3) = (new_kg, new_m3);
                if build {
                    stops.push(Stop {
                        shelter: s,
                        arrive_h: sc.arrive[tm.from + p],
                        load: sc.lines.clone(),
                    });
                }
            }
            if build {
                trips.push(input.issue((tm.w, tm.k), tm.depart, stops, &mut next_id));
            }
        }
        let worth = Worth {
            value: (self.value)(&sc.got),
            truck_h,
        };
        let out = build.then(|| Outcome {
            trips,
            due: sc.due.clone(),
            stock: stock.clone(),
            free_at: sc.free_at.clone(),
            next_id,
            value: worth.value,
            truck_h,
        });
        Ok((worth, out))
    }
}
