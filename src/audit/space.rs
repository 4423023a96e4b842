//! Shelter space per district: m² per resident against the 1.5 m² target (seed 004),
//! places against population, and the data-quality findings about shelters and
//! population that an auditor must see.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::facility::M2_PER_PERSON;
use crate::scenario::Scenario;

/// Shelter space of one district.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictSpace {
    /// District name.
    pub district: String,
    /// Residents (from `population.csv`), when known.
    pub residents: Option<u64>,
    /// Shelters outside hazard areas.
    pub shelters: usize,
    /// Usable shelter area outside hazard areas, m².
    pub area_m2: f64,
    /// Places (area / 1.5 m²), persons.
    pub places: u64,
    /// Persons in shelters now.
    pub persons: u64,
    /// Shelter area per resident, m² (target 1.5).
    pub m2_per_resident: Option<f64>,
    /// Whether the 1.5 m² per resident target is met.
    pub meets_target: Option<bool>,
}

/// One row per district that has shelters or residents, sorted by name.
pub fn district_space(sc: &Scenario, in_hazard: &[bool]) -> Vec<DistrictSpace> {
    let mut rows: BTreeMap<String, DistrictSpace> = BTreeMap::new();
    let empty = |d: &str| DistrictSpace {
        district: d.to_string(),
        residents: sc.residents.as_ref().and_then(|r| r.get(d).copied()),
        shelters: 0,
        area_m2: 0.0,
        places: 0,
        persons: 0,
        m2_per_resident: None,
        meets_target: None,
    };
    for d in sc.residents.iter().flat_map(|r| r.keys()) {
        rows.insert(d.clone(), empty(d));
    }
    for (s, &hazard) in sc.shelters.iter().zip(in_hazard) {
        let r = rows
            .entry(s.district.clone())
            .or_insert_with(|| empty(&s.district));
        r.persons += u64::from(s.headcount);
        if !hazard {
            r.shelters += 1;
            r.area_m2 += s.area_m2;
            r.places += u64::from(s.capacity_persons());
        }
    }
    rows.into_values()
        .map(|mut r| {
            r.m2_per_resident = r.residents.filter(|&n| n > 0).map(|n| r.area_m2 / n as f64);
            r.meets_target = r.m2_per_resident.map(|m| m >= M2_PER_PERSON);
            r
        })
        .collect()
}

/// Findings about population and shelters (missing figures, over-full shelters,
/// shelters in hazard areas).
pub fn findings(sc: &Scenario, in_hazard: &[bool]) -> Vec<String> {
    let mut out = Vec::new();
    let districts: std::collections::BTreeSet<&str> =
        sc.shelters.iter().map(|s| s.district.as_str()).collect();
    match &sc.residents {
        None => out.push(
            "no population.csv: m² per resident and the 1.2 % / 1 % stock norms are not computed"
                .to_string(),
        ),
        Some(r) => {
            for d in &districts {
                if !d.is_empty() && !r.contains_key(*d) {
                    out.push(format!(
                        "population missing for district `{d}` (it has shelters): its per-resident figures are not computed"
                    ));
                }
            }
            for d in r.keys() {
                if !districts.contains(d.as_str()) {
                    out.push(format!(
                        "district `{d}` has residents but no shelter in the scenario"
                    ));
                }
            }
        }
    }
    if let Some(bounds) = &sc.districts {
        let mut outside = Vec::new();
        for s in &sc.shelters {
            match bounds.iter().find(|(_, a)| a.contains([s.lon, s.lat])) {
                Some((name, _)) if *name != s.district => out.push(format!(
                    "shelter {} is listed in `{}` but lies inside the `{name}` boundary",
                    s.id, s.district
                )),
                None => outside.push(s.id.as_str()),
                _ => {}
            }
        }
        if !outside.is_empty() {
            out.push(format!(
                "{} shelter(s) lie outside every district boundary: {}",
                outside.len(),
                outside.join(", ")
            ));
        }
    }
    let unnamed = sc.shelters.iter().filter(|s| s.district.is_empty()).count();
    if unnamed > 0 {
        out.push(format!("{unnamed} shelter(s) have no district"));
    }
    let over: Vec<&str> = sc
        .shelters
        .iter()
        .filter(|s| s.over_capacity() > 0)
        .map(|s| s.id.as_str())
        .collect();
    if !over.is_empty() {
        out.push(format!(
            "{} shelter(s) hold more people than their area allows at 1.5 m² each: {}",
            over.len(),
            over.join(", ")
        ));
    }
    let hazard = in_hazard.iter().filter(|&&h| h).count();
    if hazard > 0 {
        out.push(format!(
            "{hazard} shelter(s) lie inside hazard (closed) areas: flagged and excluded from places"
        ));
    }
    out
}
