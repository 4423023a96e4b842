//! Writes an audit as `audit.json` (every figure, plus the SHA-256 of every input
//! file and of the running binary) and `audit.csv` (one row per city / district,
//! byte-identical for the same inputs: no timings, fixed number formats).

use std::path::Path;

use serde_json::json;

use super::provenance::{binary_sha256, input_hashes};
use super::staging::Staging;
use super::write_error::{werr, WriteError};
use crate::audit::Audit;
use crate::network::RoadGraph;
use crate::scenario::Scenario;

/// The files [`write_folder`] writes.
pub const AUDIT_FILES: [&str; 3] = ["audit.json", "audit.csv", "audit.html"];

/// Creates `dir` if needed and writes `audit.json`, `audit.csv` and
/// `audit.html`, all or none ([`Staging`]).
pub fn write_folder(
    dir: &Path,
    scenario: &Scenario,
    graph: &RoadGraph,
    audit: &Audit,
) -> Result<(), WriteError> {
    let mut stage = Staging::new(dir)?;
    write_json(&stage.file(AUDIT_FILES[0]), scenario, audit)?;
    write_csv(&stage.file(AUDIT_FILES[1]), audit)?;
    super::audit_html::write_html(&stage.file(AUDIT_FILES[2]), scenario, graph, audit)?;
    stage.commit()
}

/// Writes `audit.json`.
pub fn write_json(path: &Path, scenario: &Scenario, audit: &Audit) -> Result<(), WriteError> {
    let e = werr(path);
    let inputs = input_hashes(scenario.inputs.iter().map(|p| p.as_path()), &e)?;
    let binary = binary_sha256();
    let doc = json!({
        "reliefflow_version": env!("CARGO_PKG_VERSION"),
        "binary_sha256": binary,
        "inputs": inputs,
        "audit": audit,
    });
    let text = serde_json::to_string_pretty(&doc).map_err(|x| e(x.to_string()))?;
    std::fs::write(path, text).map_err(|x| e(x.to_string()))
}

/// Writes `audit.csv`: the city row, then one row per district.
pub fn write_csv(path: &Path, audit: &Audit) -> Result<(), WriteError> {
    let e = werr(path);
    let mut w = csv::Writer::from_path(path).map_err(|x| e(x.to_string()))?;
    w.write_record([
        "area",
        "name",
        "shelters",
        "shelters_in_hazard",
        "persons",
        "places",
        "residents",
        "m2_per_resident",
        "persons_first_share",
        "persons_relief_10h_share",
        "persons_relief_12h_share",
        "places_first_share",
        "places_relief_10h_share",
        "places_relief_12h_share",
        "level2_worst_relief_share",
        "level2_stock_sufficient",
    ])
    .map_err(|x| e(x.to_string()))?;
    let f4 = |x: f64| format!("{x:.4}");
    let opt = |x: Option<String>| x.unwrap_or_default();
    for g in &audit.coverage {
        let city = g.name == "city";
        let space = audit.shelter_space.iter().find(|s| s.district == g.name);
        let l2 = audit
            .district_level_two
            .iter()
            .find(|s| s.test.ends_with(&format!(" in {}", g.name)));
        let residents = if city {
            audit.stock_norms.residents
        } else {
            space.and_then(|s| s.residents)
        };
        w.write_record([
            if city { "city" } else { "district" }.to_string(),
            g.name.clone(),
            g.shelters.to_string(),
            g.shelters_in_hazard.to_string(),
            g.persons.to_string(),
            g.places.to_string(),
            opt(residents.map(|r| r.to_string())),
            opt(space.and_then(|s| s.m2_per_resident).map(f4)),
            f4(g.persons_first),
            f4(g.persons_relief_10h),
            f4(g.persons_relief_12h),
            f4(g.places_first),
            f4(g.places_relief_10h),
            f4(g.places_relief_12h),
            opt(l2.map(|s| f4(s.worst.relief_share))),
            opt(l2.map(|s| s.passes.to_string())),
        ])
        .map_err(|x| e(x.to_string()))?;
    }
    w.flush().map_err(|x| e(x.to_string()))
}
