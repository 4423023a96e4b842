//! The vocabulary of truckloads shared by packing, tours and scheduling: a line
//! of units, a run of stops before it has a truck, a load left without one.

use super::demand::Phase;
use crate::supplies::Catalogue;

/// A load share at or above which a truckload counts as full and goes direct.
pub const FULL_SHARE: f64 = 0.9;

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

/// A truck run before a truck and times are assigned: stops in order, each with its
/// lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Warehouse index.
    pub warehouse: usize,
    /// `(shelter, lines)` in visiting order.
    pub stops: Vec<(usize, Vec<Line>)>,
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
