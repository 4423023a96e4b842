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
    /// Trucks the site would dispatch, when `candidates.csv` says (columns
    /// `trucks`, `truck_payload_kg`, `truck_volume_m3`, `loading_h`, each
    /// optional); `None` fields default from the scenario's warehouses.
    pub fleet: CandidateFleet,
    /// Persons whose basic relief (both phases) the site would stock, when
    /// `candidates.csv` says (`stock_budget_persons`); else `capacity_persons`.
    pub stock_budget_persons: Option<u32>,
}

/// A candidate's fleet as given: each figure optional.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CandidateFleet {
    /// Number of trucks.
    pub trucks: Option<u32>,
    /// Payload per truck, kg.
    pub payload_kg: Option<f64>,
    /// Cargo volume per truck, m³.
    pub volume_m3: Option<f64>,
    /// Time to load one truck, hours.
    pub loading_h: Option<f64>,
}
