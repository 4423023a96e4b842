//! Point lists: CSV with at least `id,lon,lat` (WGS84 degrees, or GCJ-02 with the
//! conversion flag). Extra columns are allowed and ignored.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::table::{check_lonlat, check_unique, read_table, TableError};
use crate::network::geo::gcj02_to_wgs84;

/// A named location.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Point {
    /// Unique id within the file.
    pub id: String,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Optional `district` column (empty when absent), for shelter lists.
    #[serde(default)]
    pub district: String,
}

/// Coordinate system of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Datum {
    /// WGS84 (GPS, OSM).
    #[default]
    Wgs84,
    /// GCJ-02 (Chinese map providers); converted to WGS84 on read.
    Gcj02,
}

/// Reads a point CSV, checking ids are unique and coordinates are in range.
pub fn read_points(path: &Path, datum: Datum) -> Result<Vec<Point>, TableError> {
    let rows = read_table::<Point>(path)?;
    if rows.is_empty() {
        return Err(TableError {
            path: path.display().to_string(),
            line: None,
            field: None,
            message: "no points".into(),
        });
    }
    let mut seen = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let (line, p) = (r.line, &r.value);
        check_unique(path, &mut seen, &p.id, line)?;
        check_lonlat(path, line, p.lon, p.lat)?;
        let [lon, lat] = match datum {
            Datum::Wgs84 => [p.lon, p.lat],
            Datum::Gcj02 => gcj02_to_wgs84([p.lon, p.lat]),
        };
        out.push(Point {
            id: p.id.clone(),
            lon,
            lat,
            district: p.district.clone(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn reads_points_and_ignores_extra_columns() {
        let f = file("\u{feff}id,name,lon,lat\na,x,116.1,39.9\nb,y,116.2,39.8\n");
        let pts = read_points(f.path(), Datum::Wgs84).unwrap();
        assert_eq!(pts.len(), 2);
        assert_eq!(pts[1].id, "b");
        assert_eq!(pts[1].lat, 39.8);
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let f = file("id,lon\na,116.1\n");
        let e = read_points(f.path(), Datum::Wgs84).unwrap_err().to_string();
        assert!(e.contains("missing field `lat`"), "{e}");

        let f = file("id,lon,lat\na,116.1,39.9\nb,east,39.9\n");
        let e = read_points(f.path(), Datum::Wgs84).unwrap_err().to_string();
        assert!(
            e.contains("line 3") && e.contains("`lon`") && e.contains("east"),
            "{e}"
        );

        let f = file("id,lon,lat\na,116.1,95\n");
        let e = read_points(f.path(), Datum::Wgs84).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("`lat`"), "{e}");

        let f = file("id,lon,lat\na,116.1,39.9\na,116.2,39.9\n");
        let e = read_points(f.path(), Datum::Wgs84).unwrap_err().to_string();
        assert!(
            e.contains("duplicate id `a`") && e.contains("line 3"),
            "{e}"
        );

        let f = file("id,lon,lat\n");
        assert!(read_points(f.path(), Datum::Wgs84)
            .unwrap_err()
            .to_string()
            .contains("no points"));
    }

    #[test]
    fn gcj02_flag_converts() {
        let f = file("id,lon,lat\nbj0,116.358316,39.880533\n");
        let p = read_points(f.path(), Datum::Gcj02).unwrap();
        assert!(
            (p[0].lon - 116.3521323).abs() < 2e-5 && (p[0].lat - 39.8791785).abs() < 2e-5,
            "{p:?}"
        );
    }
}
