//! Emergency shelters and the people in them.

use serde::{Deserialize, Serialize};

/// Shelter area per person, m² (seed 004 indicator table: 1.5 m² per resident).
pub const M2_PER_PERSON: f64 = 1.5;

/// Counts of people served first (seed 002 §1.4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorityPeople {
    /// Elderly persons.
    pub elderly: u32,
    /// Children.
    pub children: u32,
    /// Pregnant women.
    pub pregnant: u32,
    /// People with disabilities.
    pub disabled: u32,
    /// Injured and sick.
    pub injured: u32,
}

impl PriorityPeople {
    /// Total priority persons (a person may be counted once only by the input);
    /// saturates at `u32::MAX` (readers refuse totals above the headcount).
    pub fn total(&self) -> u32 {
        [self.children, self.pregnant, self.disabled, self.injured]
            .into_iter()
            .fold(self.elderly, u32::saturating_add)
    }
}

/// An open shelter with its location (WGS84 degrees), area and headcount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shelter {
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// District (for audits).
    pub district: String,
    /// Longitude, degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Usable shelter area, m².
    pub area_m2: f64,
    /// People sheltering here, persons.
    pub headcount: u32,
    /// Priority people among them.
    pub priority: PriorityPeople,
}

impl Shelter {
    /// Capacity in persons at [`M2_PER_PERSON`].
    pub fn capacity_persons(&self) -> u32 {
        (self.area_m2 / M2_PER_PERSON).floor() as u32
    }

    /// Persons above capacity (0 when within capacity).
    pub fn over_capacity(&self) -> u32 {
        self.headcount.saturating_sub(self.capacity_persons())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_is_area_over_one_and_a_half_square_metres() {
        let s = Shelter {
            id: "S".into(),
            name: "S".into(),
            district: "Xicheng".into(),
            lon: 116.0,
            lat: 39.9,
            area_m2: 3000.0,
            headcount: 2500,
            priority: PriorityPeople::default(),
        };
        assert_eq!(s.capacity_persons(), 2000);
        assert_eq!(s.over_capacity(), 500);
    }
}
