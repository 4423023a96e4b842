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

/// Reads every polygon of a GeoJSON file; a file with none is an error.
pub fn read_area(path: &Path) -> Result<Area, AreaError> {
    let mut area = Area::default();
    for (_, a) in read_features(path)? {
        area.polygons.extend(a.polygons);
    }
    if area.polygons.is_empty() {
        return Err(AreaError::Read {
            path: path.display().to_string(),
            message: "no polygon: expected a Polygon, a MultiPolygon or features holding them"
                .into(),
        });
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
        let area = area_of(g.value).map_err(|k| not_polygon(&k))?;
        check_area(&area).map_err(|message| AreaError::Read {
            path: p.clone(),
            message: format!("feature {index}: {message}"),
        })?;
        out.push((props, area));
    }
    Ok(out)
}

/// The area of a Polygon or MultiPolygon geometry; `Err` names what it is instead.
fn area_of(value: Value) -> Result<Area, String> {
    let polys: Vec<Vec<Vec<Vec<f64>>>> = match value {
        Value::Polygon(rings) => vec![rings],
        Value::MultiPolygon(ps) => ps,
        other => return Err(other.type_name().to_string()),
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
            .push(Polygon::new(rings).ok_or("a polygon with < 3 points")?);
    }
    Ok(area)
}

/// The area of one GeoJSON geometry given inline (a request field): a Polygon or
/// MultiPolygon whose every coordinate is `[lon, lat]` with −180 ≤ lon ≤ 180 and
/// −90 ≤ lat ≤ 90. `Err` says what is wrong.
pub fn area_from_geojson(value: &serde_json::Value) -> Result<Area, String> {
    let g = Geometry::from_json_value(value.clone())
        .map_err(|e| format!("not a GeoJSON geometry: {e}"))?;
    let area =
        area_of(g.value).map_err(|k| format!("expected a Polygon or MultiPolygon, got {k}"))?;
    check_area(&area)?;
    Ok(area)
}

/// Every coordinate `[lon, lat]` within [−180, 180] × [−90, 90] (so swapped
/// coordinates are caught wherever the latitude is above 90), and every
/// outer ring with at least three distinct points (an area, not a line).
fn check_area(area: &Area) -> Result<(), String> {
    for poly in &area.polygons {
        for &[lon, lat] in poly.rings.iter().flatten() {
            if !((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)) {
                return Err(format!(
                    "coordinate [{lon}, {lat}] is not [lon, lat] within [-180, 180] × [-90, 90]"
                ));
            }
        }
        let outer = &poly.rings[0];
        let mut distinct: Vec<[u64; 2]> = outer
            .iter()
            .map(|c| [c[0].to_bits(), c[1].to_bits()])
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < 3 {
            return Err(format!(
                "a polygon ring with {} distinct points: expected at least 3",
                distinct.len()
            ));
        }
    }
    Ok(())
}
