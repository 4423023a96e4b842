//! GeoJSON polygons (Polygon, MultiPolygon, Feature, FeatureCollection) → [`Area`].

use std::path::Path;

use geojson::{GeoJson, Geometry, Value};

use crate::network::geo::{Area, Polygon};

/// Errors reading an area file.
#[derive(Debug, thiserror::Error)]
pub enum AreaError {
    /// The file cannot be read or is not GeoJSON.
    #[error("{path}: {message}")]
    Read {
        /// The file.
        path: String,
        /// What failed.
        message: String,
    },
    /// A feature is not a polygon.
    #[error("{path}, feature {index}: expected a Polygon or MultiPolygon, got {kind}")]
    NotPolygon {
        /// The file.
        path: String,
        /// 0-based feature index.
        index: usize,
        /// The geometry type found.
        kind: String,
    },
}

/// Reads every polygon of a GeoJSON file.
pub fn read_area(path: &Path) -> Result<Area, AreaError> {
    let p = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| AreaError::Read {
        path: p.clone(),
        message: e.to_string(),
    })?;
    let gj: GeoJson = text.parse().map_err(|e: geojson::Error| AreaError::Read {
        path: p.clone(),
        message: format!("not valid GeoJSON: {e}"),
    })?;
    let geoms: Vec<Option<Geometry>> = match gj {
        GeoJson::Geometry(g) => vec![Some(g)],
        GeoJson::Feature(f) => vec![f.geometry],
        GeoJson::FeatureCollection(fc) => fc.features.into_iter().map(|f| f.geometry).collect(),
    };
    let mut area = Area::default();
    for (index, g) in geoms.into_iter().enumerate() {
        let not_polygon = |kind: &str| AreaError::NotPolygon {
            path: p.clone(),
            index,
            kind: kind.to_string(),
        };
        let g = g.ok_or_else(|| not_polygon("no geometry"))?;
        let polys: Vec<Vec<Vec<Vec<f64>>>> = match g.value {
            Value::Polygon(rings) => vec![rings],
            Value::MultiPolygon(ps) => ps,
            other => return Err(not_polygon(other.type_name())),
        };
        for rings in polys {
            let rings = rings
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|c| [c[0], c.get(1).copied().unwrap_or(f64::NAN)])
                        .collect()
                })
                .collect();
            area.polygons
                .push(Polygon::new(rings).ok_or_else(|| not_polygon("a polygon with < 3 points"))?);
        }
    }
    Ok(area)
}
