//! Point lists: CSV with at least `id,lon,lat` (WGS84 degrees, or GCJ-02 with the
//! conversion flag). Extra columns are allowed and ignored.

use std::collections::HashSet;
use std::path::Path;

use crate::network::geo::gcj02_to_wgs84;

/// A named location.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Unique id within the file.
    pub id: String,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
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

/// Errors reading a point file.
#[derive(Debug, thiserror::Error)]
pub enum PointsError {
    /// The file cannot be opened or read.
    #[error("{path}: {message}")]
    Read {
        /// The file.
        path: String,
        /// What failed.
        message: String,
    },
    /// A required column is missing from the header.
    #[error("{path}: missing column `{column}` (header must include id,lon,lat)")]
    MissingColumn {
        /// The file.
        path: String,
        /// The column.
        column: &'static str,
    },
    /// A field is not what was expected.
    #[error("{path}, line {line}, field `{field}`: {message}")]
    BadField {
        /// The file.
        path: String,
        /// 1-based line number (header is line 1).
        line: u64,
        /// The column.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The file has no data rows.
    #[error("{path}: no points")]
    Empty {
        /// The file.
        path: String,
    },
}

/// Reads a point CSV, checking ids are unique and coordinates are in range.
pub fn read_points(path: &Path, datum: Datum) -> Result<Vec<Point>, PointsError> {
    let p = path.display().to_string();
    let read_err = |message: String| PointsError::Read {
        path: p.clone(),
        message,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| read_err(e.to_string()))?;
    let headers = rdr.headers().map_err(|e| read_err(e.to_string()))?.clone();
    let col = |name: &'static str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .ok_or(PointsError::MissingColumn {
                path: p.clone(),
                column: name,
            })
    };
    let (ci, cx, cy) = (col("id")?, col("lon")?, col("lat")?);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| read_err(e.to_string()))?;
        let line = rec.position().map_or(0, |pos| pos.line());
        let bad = |field: &'static str, message: String| PointsError::BadField {
            path: p.clone(),
            line,
            field,
            message,
        };
        let id = rec.get(ci).unwrap_or("").to_string();
        if id.is_empty() {
            return Err(bad("id", "empty id".into()));
        }
        let num = |c: usize, field: &'static str, lim: f64| -> Result<f64, PointsError> {
            let s = rec.get(c).unwrap_or("");
            let v: f64 = s
                .parse()
                .map_err(|_| bad(field, format!("expected a number in degrees, got `{s}`")))?;
            if !v.is_finite() || v.abs() > lim {
                return Err(bad(
                    field,
                    format!("{v} is outside [-{lim}, {lim}] degrees"),
                ));
            }
            Ok(v)
        };
        let lon = num(cx, "lon", 180.0)?;
        let lat = num(cy, "lat", 90.0)?;
        if !seen.insert(id.clone()) {
            return Err(bad("id", format!("duplicate id `{id}`")));
        }
        let [lon, lat] = match datum {
            Datum::Wgs84 => [lon, lat],
            Datum::Gcj02 => gcj02_to_wgs84([lon, lat]),
        };
        out.push(Point { id, lon, lat });
    }
    if out.is_empty() {
        return Err(PointsError::Empty { path: p });
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
        let f = file("id,name,lon,lat\na,x,116.1,39.9\nb,y,116.2,39.8\n");
        let pts = read_points(f.path(), Datum::Wgs84).unwrap();
        assert_eq!(pts.len(), 2);
        assert_eq!(pts[1].id, "b");
        assert_eq!(pts[1].lat, 39.8);
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let f = file("id,lon\na,116.1\n");
        let e = read_points(f.path(), Datum::Wgs84).unwrap_err().to_string();
        assert!(e.contains("missing column `lat`"), "{e}");

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
    }
}
