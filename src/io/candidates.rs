//! `candidates.csv`: `id,name,lon,lat,capacity_persons[,kind]`.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::table::{check_lonlat, check_unique, read_table, TableError};
use crate::facility::Candidate;

#[derive(Deserialize)]
struct CandidateRow {
    id: String,
    name: String,
    lon: f64,
    lat: f64,
    capacity_persons: f64,
    #[serde(default)]
    kind: String,
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
        out.push(Candidate {
            id: c.id.clone(),
            name: c.name.clone(),
            lon: c.lon,
            lat: c.lat,
            capacity_persons: cap as u32,
            kind: c.kind.clone(),
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
}
