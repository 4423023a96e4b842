//! Items and their per-person norms. The defaults follow the Sphere humanitarian
//! standards (SPEC §1: 15 L water per person per day of which 3 L drinking,
//! 2 100 kcal per day, a blanket per person, a family tent per 5 people); they are
//! **defaults**, replaceable by a scenario's `items.csv`.

use serde::{Deserialize, Serialize};

/// One relief item (a commodity) and how much of it each person needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Item name, unique (e.g. `water`).
    pub item: String,
    /// Unit of quantity (e.g. `L`, `pack`, `tent`).
    pub unit: String,
    /// Weight of one unit, kg.
    pub kg_per_unit: f64,
    /// Volume of one unit, m³.
    pub m3_per_unit: f64,
    /// Units per person due in the first batch (by the first-delivery deadline).
    pub first_per_person: f64,
    /// Units per person in total basic relief (first batch included), due by the
    /// relief deadline.
    pub relief_per_person: f64,
    /// Weight in the objective: higher is served first.
    pub priority: f64,
}

/// The items a scenario plans for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    /// Items, unique by name.
    pub items: Vec<Item>,
}

impl Catalogue {
    /// Index of an item by name.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.items.iter().position(|i| i.item == name)
    }

    /// The default catalogue (Sphere-based; every figure is a labelled default).
    pub fn sphere_default() -> Self {
        let item =
            |item: &str, unit: &str, kg: f64, m3: f64, first: f64, relief: f64, priority: f64| {
                Item {
                    item: item.into(),
                    unit: unit.into(),
                    kg_per_unit: kg,
                    m3_per_unit: m3,
                    first_per_person: first,
                    relief_per_person: relief,
                    priority,
                }
            };
        Self {
            items: vec![
                // 3 L survival drinking water first; 15 L/day basic water in total.
                item("water", "L", 1.0, 0.001, 3.0, 15.0, 10.0),
                // 700 kcal ready-meal packs: one first, three (2 100 kcal) per day.
                item("ready_meal", "pack", 0.35, 0.0008, 1.0, 3.0, 8.0),
                // One quilt/blanket per person, in the first batch (night events).
                item("quilt", "piece", 2.0, 0.02, 1.0, 1.0, 6.0),
                // One family tent per 5 people.
                item("family_tent", "tent", 25.0, 0.12, 0.0, 0.2, 5.0),
                item("clothing_kit", "kit", 1.5, 0.006, 0.0, 1.0, 3.0),
                // One family hygiene kit per 5 people.
                item("hygiene_kit", "kit", 2.0, 0.008, 0.0, 0.2, 3.0),
                // One medical kit per 100 people, in the first batch.
                item("medical_kit", "kit", 10.0, 0.04, 0.01, 0.01, 9.0),
            ],
        }
    }

    /// Checks the norms: names unique, weights and volumes positive, first batch ≤
    /// total relief. Returns the first problem as (item, message).
    pub fn check(&self) -> Result<(), (String, String)> {
        for (k, i) in self.items.iter().enumerate() {
            if self.items[..k].iter().any(|j| j.item == i.item) {
                return Err((i.item.clone(), "duplicate item".into()));
            }
            let finite_positive = |x: f64| x > 0.0 && x.is_finite();
            if !(finite_positive(i.kg_per_unit) && finite_positive(i.m3_per_unit)) {
                return Err((
                    i.item.clone(),
                    format!(
                        "kg_per_unit ({}) and m3_per_unit ({}) must be finite and > 0",
                        i.kg_per_unit, i.m3_per_unit
                    ),
                ));
            }
            if !(i.first_per_person >= 0.0
                && i.relief_per_person >= i.first_per_person
                && i.relief_per_person.is_finite())
            {
                return Err((
                    i.item.clone(),
                    format!(
                        "need 0 ≤ first_per_person ({}) ≤ relief_per_person ({}), finite",
                        i.first_per_person, i.relief_per_person
                    ),
                ));
            }
            if !(i.priority >= 0.0 && i.priority.is_finite()) {
                return Err((i.item.clone(), "priority must be ≥ 0".into()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_catalogue_is_valid_and_follows_sphere() {
        let c = Catalogue::sphere_default();
        assert_eq!(c.check(), Ok(()));
        let water = &c.items[c.index_of("water").unwrap()];
        assert_eq!(
            (water.first_per_person, water.relief_per_person),
            (3.0, 15.0)
        );
        let tent = &c.items[c.index_of("family_tent").unwrap()];
        assert!((tent.relief_per_person - 0.2).abs() < 1e-12);
    }
}
