//! Keeping what still works when a plan is made again (the duty officer's
//! re-plan after a closure): a trip not yet gone is kept, re-timed on the
//! roads as they are now, while it still reaches each stop by its phase's
//! deadline. It leaves as planned, or as soon as its truck is free if that is
//! later (the plan time: it was to load earlier and has not left; or the trip
//! before it, back later on the roads as they are now). A truck keeps its
//! trips in departure order up to the first that no longer works; from there
//! on it is free for the new plan. Drivers already briefed keep their run
//! sheets; only what the closure broke is planned again.
//!
//! O(T · stops) for T trips.

use super::demand::Phase;
use super::load::Line;
use super::trip::{Stop, Trip};
use super::{Plan, Prepared};
use crate::facility::{ItemIx, ShelterIx, WarehouseIx};
use crate::scenario::sent::Sent;
use crate::scenario::Scenario;

/// A trip as it was planned, to keep if it still works.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// The trip's number: kept, it keeps it.
    pub id: usize,
    /// Warehouse index.
    pub warehouse: usize,
    /// Truck number within the warehouse.
    pub truck: usize,
    /// Phase it was scheduled in (its deadline binds every stop).
    pub phase: Phase,
    /// Departure (loaded), hours after the event.
    pub depart_h: f64,
    /// Stops in visiting order, each with its lines.
    pub stops: Vec<(usize, Vec<Line>)>,
}

/// What is kept: the trips, re-timed, with their numbers,
/// and when each truck is free after them, hours after the event
/// (`free_h[w][k]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    /// Trips kept.
    pub trips: Vec<Trip>,
    /// When each truck is free after the trips kept (at least when it was free
    /// before).
    pub free_h: Vec<Vec<f64>>,
}

/// `p` driven on `prep`'s travel hours from its departure: the trip, or `None`
/// when a stop is late, a leg has no road, or there is no road back.
fn drive(scenario: &Scenario, prep: &Prepared, p: &Planned, id: usize) -> Option<Trip> {
    let t = &scenario.targets;
    let deadline = match p.phase {
        Phase::First => t.first_delivery_h,
        Phase::Relief => t.relief_h,
    };
    let mut stops: Vec<Stop> = Vec::with_capacity(p.stops.len());
    let mut at = p.depart_h;
    for (s, load) in &p.stops {
        at = match stops.last() {
            None => {
                at + prep
                    .travel
                    .outbound(WarehouseIx(p.warehouse), ShelterIx(*s))?
            }
            Some(prev) => at + t.unloading_h + prep.hops.get(prev.shelter, *s)?,
        };
        if at > deadline + 1e-9 {
            return None;
        }
        stops.push(Stop {
            shelter: *s,
            arrive_h: at,
            load: load.clone(),
        });
    }
    let last = stops.last()?;
    let back = prep
        .travel
        .inbound(ShelterIx(last.shelter), WarehouseIx(p.warehouse))?;
    Some(Trip {
        id,
        warehouse: p.warehouse,
        truck: p.truck,
        phase: p.phase,
        depart_h: p.depart_h,
        return_h: last.arrive_h + t.unloading_h + back,
        stops,
    })
}

/// The trips of `planned` that still work on `prep`'s roads (see the module
/// docs), for `scenario`'s trucks (free from [`crate::facility::Warehouse::truck_free_h`]).
pub fn keep(scenario: &Scenario, prep: &Prepared, mut planned: Vec<Planned>) -> Kept {
    let mut free_h: Vec<Vec<f64>> = scenario
        .warehouses
        .iter()
        .map(|w| w.truck_free_h())
        .collect();
    let mut stopped: Vec<Vec<bool>> = free_h.iter().map(|t| vec![false; t.len()]).collect();
    planned.sort_by(|a, b| {
        (a.warehouse, a.truck)
            .cmp(&(b.warehouse, b.truck))
            .then(a.depart_h.total_cmp(&b.depart_h))
    });
    let mut trips = Vec::new();
    for mut p in planned {
        let Some(free) = free_h.get_mut(p.warehouse).and_then(|t| t.get_mut(p.truck)) else {
            continue;
        };
        if stopped[p.warehouse][p.truck] {
            continue;
        }
        // Not loading before its truck is free: the plan time (a trip that
        // was to load earlier and has not left loads now), work booked by
        // other incidents, or the trip before it, back later than planned.
        let loading = scenario.warehouses[p.warehouse].fleet.loading_h;
        p.depart_h = p.depart_h.max(*free + loading);
        match drive(scenario, prep, &p, p.id) {
            Some(trip) => {
                *free = trip.return_h;
                trips.push(trip);
            }
            _ => stopped[p.warehouse][p.truck] = true,
        }
    }
    Kept { trips, free_h }
}

/// `sc` with `kept`'s loads taken from stock, its lines sent and its trucks
/// busy until back; `None` when stock no longer holds the loads (a stocktake
/// lowered it), where nothing is kept.
pub fn without(sc: &Scenario, kept: &Kept) -> Option<Scenario> {
    let mut rest = sc.clone();
    for t in &kept.trips {
        for (s, l) in t.lines() {
            let (w, i) = (WarehouseIx(t.warehouse), ItemIx(l.item));
            if rest.stock.get(w, i) + 1e-9 < l.quantity as f64 {
                return None;
            }
            rest.stock.add(w, i, -(l.quantity as f64));
            let (first, relief) = match l.phase {
                Phase::First => (l.quantity, 0),
                Phase::Relief => (0, l.quantity),
            };
            rest.sent.push(Sent {
                shelter: ShelterIx(s),
                item: i,
                first,
                relief,
            });
        }
    }
    for (w, wh) in rest.warehouses.iter_mut().enumerate() {
        wh.busy_until_h.clone_from(&kept.free_h[w]);
    }
    Some(rest)
}

/// Puts `kept` back into `p` (planned without them): their trips after the
/// plan's, keeping their numbers, their lines back into the demand.
pub fn merge(p: &mut Plan, kept: Kept) {
    let items = p.demand.items;
    for t in kept.trips {
        for (s, l) in t.lines() {
            let cell = s * items + l.item;
            match l.phase {
                Phase::First => p.demand.first[cell] += l.quantity,
                Phase::Relief => p.demand.relief[cell] += l.quantity,
            }
        }
        p.trips.push(t);
    }
}
