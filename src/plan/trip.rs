//! Issued truck trips: warehouse → one or more shelters → warehouse, with times.

use super::demand::Phase;
use super::load::Line;

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
