//! The re-plan's side of keeping trips ([`crate::plan::keep`]): the replaced
//! plan's trips not yet gone, from the store's bookings to the planner's
//! terms; the scenario the rest is planned in (their loads out of stock, their
//! lines as sent, their trucks busy until back); and the plan with them put
//! back, so its figures, trips and bookings are the whole plan's.

use crate::facility::{ItemIx, WarehouseIx};
use crate::plan::demand::Phase;
use crate::plan::keep::{Kept, Planned};
use crate::plan::load::Line;
use crate::plan::Plan;
use crate::scenario::sent::Sent;
use crate::scenario::Scenario;
use crate::store::records::TripBooking;

fn phase(s: &str) -> Phase {
    if s == "first" {
        Phase::First
    } else {
        Phase::Relief
    }
}

/// `trips` in `sc`'s indices; a trip to a shelter or from a warehouse no longer
/// in the scenario, or carrying an unknown item, is not kept (planned again).
pub fn planned(sc: &Scenario, trips: &[TripBooking]) -> Vec<Planned> {
    trips
        .iter()
        .filter_map(|t| {
            let warehouse = sc.warehouses.iter().position(|w| w.id == t.warehouse_id)?;
            let mut stops: Vec<(usize, Vec<Line>)> = t
                .stops
                .iter()
                .map(|id| Some((sc.shelters.iter().position(|s| &s.id == id)?, Vec::new())))
                .collect::<Option<_>>()?;
            for l in &t.lines {
                let stop = stops
                    .iter_mut()
                    .find(|(s, _)| sc.shelters[*s].id == l.shelter_id)?;
                stop.1.push(Line {
                    item: sc.catalogue.index_of(&l.item)?,
                    quantity: u64::try_from(l.units).ok()?,
                    phase: phase(&l.phase),
                });
            }
            Some(Planned {
                id: usize::try_from(t.trip).ok()?,
                warehouse,
                truck: usize::try_from(t.truck).ok()?,
                phase: phase(&t.phase),
                depart_h: t.depart_h,
                stops,
            })
        })
        .collect()
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
                shelter: crate::facility::ShelterIx(s),
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
