//! Warehouses: the stockpile tiers of the Beijing relief plan (seed 002 §8.2) and
//! the truck fleet each one dispatches.

use serde::{Deserialize, Serialize};

/// Stockpile tier (seed 002 §8.2.1–8.2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// Municipal warehouses: the core reserve.
    Municipal,
    /// District warehouses: the base reserve.
    District,
    /// Subdistrict / township points: the supplement.
    Subdistrict,
    /// Contract (enterprise) reserves.
    Contract,
}

impl Tier {
    /// Every tier, core first.
    pub const ALL: [Tier; 4] = [
        Tier::Municipal,
        Tier::District,
        Tier::Subdistrict,
        Tier::Contract,
    ];

    /// Lower-case name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Municipal => "municipal",
            Tier::District => "district",
            Tier::Subdistrict => "subdistrict",
            Tier::Contract => "contract",
        }
    }

    /// Parses a lower-case name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// The trucks a warehouse dispatches.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fleet {
    /// Number of trucks.
    pub trucks: u32,
    /// Payload per truck, kg.
    pub payload_kg: f64,
    /// Cargo volume per truck, m³.
    pub volume_m3: f64,
    /// Time to load one truck, hours.
    pub loading_h: f64,
}

/// A warehouse with its location (WGS84 degrees) and fleet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warehouse {
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Stockpile tier.
    pub tier: Tier,
    /// Longitude, degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Trucks.
    pub fleet: Fleet,
    /// When each truck is free, hours after the event: trucks still out on
    /// another incident's trips are busy until they are back. Shorter than the
    /// fleet (empty when read from a table): the others are free at once.
    #[serde(default)]
    pub busy_until_h: Vec<f64>,
}

impl Warehouse {
    /// When each of the fleet's trucks is free, hours after the event (0 for a
    /// truck not listed in [`Warehouse::busy_until_h`]; never negative).
    pub fn truck_free_h(&self) -> Vec<f64> {
        (0..self.fleet.trucks as usize)
            .map(|k| self.busy_until_h.get(k).map_or(0.0, |&h| h.max(0.0)))
            .collect()
    }
}
