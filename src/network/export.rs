//! GeoJSON export of the road graph for QGIS: one LineString per directed edge,
//! with its way id, length, speed and state under a disruption.

use std::io::Write;

use super::disruption::{EdgeWeights, CLOSED};
use super::graph::RoadGraph;

/// Writes every edge of `graph` as a GeoJSON feature. Properties: `way_id`,
/// `metres`, `seconds` (null when closed), `kmh`, `closed`.
pub fn write_geojson(
    graph: &RoadGraph,
    weights: &EdgeWeights,
    out: &mut impl Write,
) -> std::io::Result<()> {
    writeln!(out, "{{\"type\":\"FeatureCollection\",\"features\":[")?;
    for e in 0..graph.edge_count() {
        let (a, b) = (graph.coord(graph.tail[e]), graph.coord(graph.head[e]));
        let t = weights.time_ms[e];
        let metres = f64::from(graph.length_m[e]);
        let (seconds, kmh) = if t == CLOSED {
            ("null".to_string(), "null".to_string())
        } else {
            let s = f64::from(t) / 1000.0;
            (format!("{s:.1}"), format!("{:.1}", metres / s * 3.6))
        };
        let sep = if e + 1 == graph.edge_count() { "" } else { "," };
        writeln!(
            out,
            "{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"LineString\",\"coordinates\":[[{:.7},{:.7}],[{:.7},{:.7}]]}},\"properties\":{{\"way_id\":{},\"metres\":{:.1},\"seconds\":{},\"kmh\":{},\"closed\":{}}}}}{}",
            a[0], a[1], b[0], b[1], graph.way_id[e], metres, seconds, kmh, t == CLOSED, sep
        )?;
    }
    writeln!(out, "]}}")
}
