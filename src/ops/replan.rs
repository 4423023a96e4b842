//! The re-plan's side of keeping trips ([`crate::plan::keep`]): the replaced
//! plan's trips not yet gone, from the store's bookings to the planner's terms.

use crate::plan::demand::Phase;
use crate::plan::keep::Planned;
use crate::plan::load::Line;
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
