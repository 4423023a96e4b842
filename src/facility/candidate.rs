//! Candidate stockpile sites: places a planner could turn into a warehouse
//! (vacated buildings, depots, underground spaces — the sources seed 002 §8.2
//! names for reserve space).

/// A candidate site from `candidates.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Unique id.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Persons whose first batch the site could hold and ship by the deadline.
    pub capacity_persons: u32,
    /// What the site is (`depot`, `underground`, `vacated`, …); free text, may be empty.
    pub kind: String,
}
