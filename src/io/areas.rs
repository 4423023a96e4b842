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
    let mut area = Area::default();
    for (_, a) in read_features(path)? {
        area.polygons.extend(a.polygons);
    }
    Ok(area)
}

/// Reads one area per feature, named by its string property `property` (district
/// boundaries and the like). A feature without that property is an error naming it.
pub fn read_named_areas(path: &Path, property: &str) -> Result<Vec<(String, Area)>, AreaError> {
    read_features(path)?
        .into_iter()
        .enumerate()
        .map(|(index, (props, area))| {
            let name = props
                .as_ref()
                .and_then(|p| p.get(property))
                .and_then(|v| v.as_str())
                .ok_or_else(|| AreaError::Read {
                    path: path.display().to_string(),
                    message: format!("feature {index} has no string property `{property}`"),
                })?;
            Ok((name.to_string(), area))
        })
        .collect()
}

type Properties = Option<geojson::JsonObject>;

fn read_features(path: &Path) -> Result<Vec<(Properties, Area)>, AreaError> {
    let p = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| AreaError::Read {
        path: p.clone(),
        message: e.to_string(),
    })?;
    let gj: GeoJson = text.parse().map_err(|e: geojson::Error| AreaError::Read {
        path: p.clone(),
        message: format!("not valid GeoJSON: {e}"),
    })?;
    let geoms: Vec<(Properties, Option<Geometry>)> = match gj {
        GeoJson::Geometry(g) => vec![(None, Some(g))],
        GeoJson::Feature(f) => vec![(f.properties, f.geometry)],
        GeoJson::FeatureCollection(fc) => fc
            .features
            .into_iter()
            .map(|f| (f.properties, f.geometry))
            .collect(),
    };
    let mut out = Vec::with_capacity(geoms.len());
    for (index, (props, g)) in geoms.into_iter().enumerate() {
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
        let mut area = Area::default();
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
        out.push((props, area));
    }
    Ok(out)
}
