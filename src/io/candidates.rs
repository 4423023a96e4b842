//! `candidates.csv`: `id,name,lon,lat,capacity_persons[,kind]`, and optionally
//! what an opened site would have: `trucks`, `truck_payload_kg`,
//! `truck_volume_m3`, `loading_h`, `stock_budget_persons` (empty cells and
//! missing columns default from the scenario's warehouses).

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::table::{check_lonlat, check_unique, read_table, TableError};
use crate::facility::{Candidate, CandidateFleet};

#[derive(Deserialize)]
struct CandidateRow {
    id: String,
    name: String,
    lon: f64,
    lat: f64,
    capacity_persons: f64,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    trucks: Option<f64>,
    #[serde(default)]
    truck_payload_kg: Option<f64>,
    #[serde(default)]
    truck_volume_m3: Option<f64>,
    #[serde(default)]
    loading_h: Option<f64>,
    #[serde(default)]
    stock_budget_persons: Option<f64>,
}

/// `v` as a whole number ≥ `min`, or an error naming `field` at `line`.
fn whole(path: &Path, line: u64, field: &str, v: f64, min: f64) -> Result<u32, TableError> {
    if v.is_finite() && v >= min && v.fract() == 0.0 && v <= f64::from(u32::MAX) {
        Ok(v as u32)
    } else {
        Err(TableError::at(
            path,
            line,
            field,
            format!("{v} is not a whole number ≥ {min}"),
        ))
    }
}

/// `v` as a positive finite number, or an error naming `field` at `line`.
fn positive(path: &Path, line: u64, field: &str, v: f64) -> Result<f64, TableError> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(TableError::at(
            path,
            line,
            field,
            format!("{v} is not a positive number"),
        ))
    }
}

/// Reads and checks a candidate-site table: unique ids, coordinates in range, a
/// whole positive `capacity_persons`.
pub fn read_candidates(path: &Path) -> Result<Vec<Candidate>, TableError> {
    let rows = read_table::<CandidateRow>(path)?;
    if rows.is_empty() {
        return Err(TableError {
            path: path.display().to_string(),
            line: None,
            field: None,
            message: "no candidate sites (expected a header `id,name,lon,lat,capacity_persons` and at least one row)".into(),
        });
    }
    let mut seen = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let (line, c) = (r.line, &r.value);
        check_unique(path, &mut seen, &c.id, line)?;
        check_lonlat(path, line, c.lon, c.lat)?;
        let cap = c.capacity_persons;
        if !(cap.is_finite() && cap >= 1.0 && cap.fract() == 0.0 && cap <= f64::from(u32::MAX)) {
            return Err(TableError::at(
                path,
                line,
                "capacity_persons",
                format!("{cap} is not a whole number of persons ≥ 1"),
            ));
        }
        let fleet = CandidateFleet {
            trucks: c
                .trucks
                .map(|v| whole(path, line, "trucks", v, 0.0))
                .transpose()?,
            payload_kg: c
                .truck_payload_kg
                .map(|v| positive(path, line, "truck_payload_kg", v))
                .transpose()?,
            volume_m3: c
                .truck_volume_m3
                .map(|v| positive(path, line, "truck_volume_m3", v))
                .transpose()?,
            loading_h: c
                .loading_h
                .map(|v| positive(path, line, "loading_h", v))
                .transpose()?,
        };
        out.push(Candidate {
            id: c.id.clone(),
            name: c.name.clone(),
            lon: c.lon,
            lat: c.lat,
            capacity_persons: cap as u32,
            kind: c.kind.clone(),
            fleet,
            stock_budget_persons: c
                .stock_budget_persons
                .map(|v| whole(path, line, "stock_budget_persons", v, 0.0))
                .transpose()?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<Candidate>, TableError> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("candidates.csv");
        std::fs::write(&p, text).unwrap();
        read_candidates(&p)
    }

    #[test]
    fn reads_rows_and_names_bad_fields() {
        let ok = read("id,name,lon,lat,capacity_persons,kind\nC1,Depot,116.3,39.9,5000,depot\n")
            .unwrap();
        assert_eq!(ok[0].capacity_persons, 5000);
        assert_eq!(ok[0].kind, "depot");
        let e = read("id,name,lon,lat,capacity_persons\nC1,A,116.3,39.9,0\n").unwrap_err();
        assert_eq!(
            (e.line, e.field.as_deref()),
            (Some(2), Some("capacity_persons"))
        );
        let e = read("id,name,lon,lat,capacity_persons\nC1,A,116.3,39.9,10\nC1,B,116.3,39.9,10\n")
            .unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("id")));
        let e = read("id,name,lon,lat,capacity_persons\nC1,A,216.3,39.9,10\n").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("lon"));
        let e = read("id,name,lon,lat,capacity_persons\nC1,A,116.3,39.9,many\n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn optional_fleet_and_stock_columns() {
        let head = "id,name,lon,lat,capacity_persons,trucks,truck_payload_kg,truck_volume_m3,loading_h,stock_budget_persons\n";
        let ok = read(&format!(
            "{head}C1,A,116.3,39.9,10,4,8000,40,0.5,20000\nC2,B,116.3,39.9,10,,,,,\n"
        ))
        .unwrap();
        assert_eq!(ok[0].fleet.trucks, Some(4));
        assert_eq!(ok[0].fleet.payload_kg, Some(8000.0));
        assert_eq!(ok[0].fleet.loading_h, Some(0.5));
        assert_eq!(ok[0].stock_budget_persons, Some(20000));
        assert_eq!(ok[1].fleet, CandidateFleet::default());
        assert_eq!(ok[1].stock_budget_persons, None);
        for (row, field) in [
            ("C1,A,116.3,39.9,10,2.5,,,,", "trucks"),
            ("C1,A,116.3,39.9,10,,-1,,,", "truck_payload_kg"),
            ("C1,A,116.3,39.9,10,,,0,,", "truck_volume_m3"),
            ("C1,A,116.3,39.9,10,,,,inf,", "loading_h"),
            ("C1,A,116.3,39.9,10,,,,,-5", "stock_budget_persons"),
        ] {
            let e = read(&format!("{head}{row}\n")).unwrap_err();
            assert_eq!(
                (e.line, e.field.as_deref()),
                (Some(2), Some(field)),
                "{row}"
            );
        }
    }
}
