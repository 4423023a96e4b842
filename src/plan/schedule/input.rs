//! What scheduling one phase needs to know, and how urgent a load is.

use crate::facility::{Fleet, ShelterIx, WarehouseIx};
use crate::plan::demand::Phase;
use crate::plan::hops::Hops;
use crate::plan::load::Line;
use crate::plan::travel::TravelHours;
use crate::plan::trip::{Stop, Trip};
use crate::supplies::Catalogue;

/// Scheduling input for one phase.
pub struct ScheduleInput<'a> {
    /// The phase.
    pub phase: Phase,
    /// Deadline, hours after the event.
    pub deadline_h: f64,
    /// Travel hours between warehouses and shelters, both ways.
    pub travel: &'a TravelHours,
    /// Hop hours between nearby shelters (multi-stop tours).
    pub hops: &'a Hops,
    /// Most stops per trip (1 = direct trips only).
    pub max_stops: usize,
    /// Most a stop may arrive later on a tour than on a direct trip, hours
    /// (infinite: only the deadline limits tours).
    pub max_detour_h: f64,
    /// Fleet per warehouse.
    pub fleets: &'a [Fleet],
    /// Items (weights, volumes, priorities).
    pub catalogue: &'a Catalogue,
    /// Unloading time at a shelter, hours.
    pub unloading_h: f64,
    /// Objective weight per shelter.
    pub weight: &'a [i64],
}

impl ScheduleInput<'_> {
    /// The trip of truck `(w, k)` leaving at `depart` with `stops` (at least one),
    /// numbered from `next_id`. After closures a shelter reachable one way may not be
    /// the other way: the truck then stays there (`return_h` infinite, never reused).
    pub fn issue(
        &self,
        (w, k): (usize, usize),
        depart: f64,
        stops: Vec<Stop>,
        next_id: &mut usize,
    ) -> Trip {
        let last = stops.last().expect("a trip has a stop");
        let back = self
            .travel
            .inbound(ShelterIx(last.shelter), WarehouseIx(w))
            .unwrap_or(f64::INFINITY);
        let return_h = last.arrive_h + self.unloading_h + back;
        *next_id += 1;
        Trip {
            id: *next_id - 1,
            warehouse: w,
            truck: k,
            phase: self.phase,
            depart_h: depart,
            stops,
            return_h,
        }
    }

    /// How urgent a load for shelter `s` is: the shelter's weight × the highest
    /// item priority on it.
    pub fn urgency(&self, s: usize, lines: &[Line]) -> f64 {
        let top = lines
            .iter()
            .map(|x| self.catalogue.items[x.item].priority)
            .fold(0.0, f64::max);
        self.weight[s] as f64 * top
    }
}

/// Fixtures shared by the scheduling steps' tests.
#[cfg(test)]
pub(crate) mod testkit {
    use crate::facility::Fleet;
    use crate::supplies::Catalogue;

    /// The default catalogue, the index of water in it, and one 1 t truck of
    /// `volume_m3` loading in 0.5 h.
    pub fn water_and_one_truck(volume_m3: f64) -> (Catalogue, usize, Fleet) {
        let c = Catalogue::sphere_default();
        let water = c.index_of("water").unwrap();
        let fleet = Fleet {
            trucks: 1,
            payload_kg: 1000.0,
            volume_m3,
            loading_h: 0.5,
        };
        (c, water, fleet)
    }
}
