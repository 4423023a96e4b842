//! Files of the road-network tools: a travel matrix as CSV, a route as a GeoJSON
//! feature, every edge of the graph as GeoJSON for QGIS.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::staging::atomically;
use super::write_error::{werr, WriteError};
use crate::network::route::Route;
use crate::network::{export, EdgeWeights, RoadGraph, TravelMatrix};

/// Writes `from_id,to_id,seconds,metres` for every pair of `m`; the two figures
/// are empty when the pair is unreachable.
pub fn write_matrix_csv(
    path: &Path,
    from_ids: &[&str],
    to_ids: &[&str],
    m: &TravelMatrix,
) -> Result<(), WriteError> {
    atomically(path, |tmp| matrix_csv(tmp, path, from_ids, to_ids, m))
}

fn matrix_csv(
    tmp: &Path,
    path: &Path,
    from_ids: &[&str],
    to_ids: &[&str],
    m: &TravelMatrix,
) -> Result<(), WriteError> {
    let e = werr(path);
    let mut out = csv::Writer::from_path(tmp).map_err(|x| e(x.to_string()))?;
    out.write_record(["from_id", "to_id", "seconds", "metres"])
        .map_err(|x| e(x.to_string()))?;
    for (i, f) in from_ids.iter().enumerate() {
        for (j, t) in to_ids.iter().enumerate() {
            let row = match m.get(i, j) {
                Some(leg) => [
                    f.to_string(),
                    t.to_string(),
                    format!("{:.1}", leg.seconds),
                    format!("{:.1}", leg.metres),
                ],
                None => [f.to_string(), t.to_string(), String::new(), String::new()],
            };
            out.write_record(&row).map_err(|x| e(x.to_string()))?;
        }
    }
    out.flush().map_err(|x| e(x.to_string()))
}

/// Writes `route` as one GeoJSON LineString feature with its `seconds` and
/// `metres`.
pub fn write_route_geojson(
    path: &Path,
    graph: &RoadGraph,
    route: &Route,
) -> Result<(), WriteError> {
    let coords: Vec<Vec<f64>> = route
        .coords(graph)
        .iter()
        .map(|c| vec![c[0], c[1]])
        .collect();
    let mut props = serde_json::Map::new();
    props.insert("seconds".into(), route.seconds.into());
    props.insert("metres".into(), route.metres.into());
    let feature = geojson::Feature {
        geometry: Some(geojson::Geometry::new(geojson::Value::LineString(coords))),
        properties: Some(props),
        ..Default::default()
    };
    atomically(path, |tmp| {
        std::fs::write(tmp, feature.to_string()).map_err(|x| werr(path)(x.to_string()))
    })
}

/// Writes every edge of `graph` under `weights` as GeoJSON (see
/// [`export::write_geojson`]).
pub fn write_edges_geojson(
    path: &Path,
    graph: &RoadGraph,
    weights: &EdgeWeights,
) -> Result<(), WriteError> {
    let e = werr(path);
    atomically(path, |tmp| {
        let mut out = BufWriter::new(File::create(tmp).map_err(|x| e(x.to_string()))?);
        export::write_geojson(graph, weights, &mut out).map_err(|x| e(x.to_string()))?;
        out.flush().map_err(|x| e(x.to_string()))
    })
}
