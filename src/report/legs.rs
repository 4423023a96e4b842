//! The legs a plan drives, routed for `plan.geojson`: each as a line with its
//! time, length and the streets driven (for drivers' run sheets). Legs out of a
//! place share one forward search from it; the ways back to a warehouse share
//! one backward search from the warehouse (on the reversed graph), so a plan
//! with hundreds of last stops costs one search per warehouse for its returns.

use std::collections::BTreeSet;

use rayon::prelude::*;
use serde_json::{json, Value};

use crate::network::cch::CchEngine;
use crate::network::dijkstra::Dijkstra;
use crate::network::graph::EdgeId;
use crate::network::ways::streets;
use crate::network::{EdgeWeights, NodeId, RoadGraph, Router};

/// One leg: from node, to node, from id, to id (sites' ids, for the labels).
pub type Leg = (NodeId, NodeId, String, String);

/// The features of `out` (legs driven to a stop, `kind` "route") and `back`
/// (last stop → warehouse, `kind` "return"), in the order of the sets (byte-
/// stable output); a leg with no road is left out.
pub fn features(
    graph: &RoadGraph,
    weights: &EdgeWeights,
    out: &BTreeSet<Leg>,
    back: &BTreeSet<Leg>,
) -> Vec<Value> {
    let keys = |set: &BTreeSet<Leg>, key: fn(&Leg) -> NodeId| {
        set.iter().map(key).collect::<BTreeSet<_>>().len()
    };
    let searches = keys(out, |l| l.0) + keys(back, |l| l.1);
    if let Router::Cch(cch) = Router::auto(graph, weights, searches) {
        return by_cch(graph, &cch, out, back);
    }
    let forward: Vec<Vec<Value>> = group(out, |l| l.0)
        .par_iter()
        .map_init(
            || Dijkstra::new(graph.node_count()),
            |dj, (src, mine)| {
                let targets: Vec<NodeId> = mine.iter().map(|l| l.1).collect();
                dj.run(graph, weights, *src, &targets, u32::MAX);
                mine.iter()
                    .filter_map(|l| {
                        let edges = dj.path_edges(graph, l.1)?;
                        let (ms, m) = dj.distance(l.1)?;
                        Some(feature(graph, l, &edges, ms, m, "route"))
                    })
                    .collect()
            },
        )
        .collect();
    let mut all: Vec<Value> = forward.into_iter().flatten().collect();
    if back.is_empty() {
        return all;
    }
    let (reversed, orig) = graph.reversed();
    let rw = weights.for_reversed(&orig);
    let backward: Vec<Vec<Value>> = group(back, |l| l.1)
        .par_iter()
        .map_init(
            || Dijkstra::new(graph.node_count()),
            |dj, (home, mine)| {
                let targets: Vec<NodeId> = mine.iter().map(|l| l.0).collect();
                dj.run(&reversed, &rw, *home, &targets, u32::MAX);
                mine.iter()
                    .filter_map(|l| {
                        // Home → stop on the reversed graph is stop → home forward.
                        let rev = dj.path_edges(&reversed, l.0)?;
                        let edges: Vec<EdgeId> =
                            rev.iter().rev().map(|&e| orig[e as usize]).collect();
                        let (ms, m) = dj.distance(l.0)?;
                        Some(feature(graph, l, &edges, ms, m, "return"))
                    })
                    .collect()
            },
        )
        .collect();
    all.extend(backward.into_iter().flatten());
    all
}

/// [`features`] from one CCH customization: one route per leg, in parallel.
fn by_cch(
    graph: &RoadGraph,
    cch: &CchEngine,
    out: &BTreeSet<Leg>,
    back: &BTreeSet<Leg>,
) -> Vec<Value> {
    // In the order of the searches' groups, as the Dijkstra path writes them.
    let in_order = |set, key, kind| {
        group(set, key)
            .into_iter()
            .flat_map(move |(_, mine)| mine.into_iter().map(move |l| (l, kind)))
    };
    let legs: Vec<(&Leg, &str)> = in_order(out, |l: &Leg| l.0, "route")
        .chain(in_order(back, |l: &Leg| l.1, "return"))
        .collect();
    legs.par_iter()
        .map_init(
            || cch.scratch(),
            |scratch, &(l, kind)| {
                let f = cch.route_with(scratch, l.0, l.1)?;
                // Summed in the order the Dijkstra path sums it (returns from the
                // warehouse backwards), so both write the same metres.
                let metres = if kind == "return" {
                    f.edges
                        .iter()
                        .rev()
                        .fold(0.0f32, |m, &e| m + graph.length_m[e as usize])
                } else {
                    f.metres
                };
                Some(feature(graph, l, &f.edges, f.ms, metres, kind))
            },
        )
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect()
}

/// The GeoJSON feature of `leg` driven along `edges` (forward, from its start).
fn feature(
    graph: &RoadGraph,
    leg: &Leg,
    edges: &[EdgeId],
    ms: u32,
    metres: f32,
    kind: &str,
) -> Value {
    let mut coords = vec![graph.coord(leg.0)];
    coords.extend(edges.iter().map(|&e| graph.coord(graph.head[e as usize])));
    // The streets driven: [name or null, metres, bearing in degrees].
    let streets: Vec<Value> = streets(graph, edges)
        .into_iter()
        .map(|s| json!([s.label, s.metres.round(), s.bearing.round()]))
        .collect();
    json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": coords},
        "properties": {"kind": kind, "from_id": leg.2, "to_id": leg.3,
            "hours": f64::from(ms) / 3_600_000.0, "metres": f64::from(metres).round(),
            "streets": streets}})
}

/// `legs` grouped by `key` (the search's origin), in key order.
fn group(legs: &BTreeSet<Leg>, key: fn(&Leg) -> NodeId) -> Vec<(NodeId, Vec<&Leg>)> {
    let keys: BTreeSet<NodeId> = legs.iter().map(key).collect();
    keys.into_iter()
        .map(|k| (k, legs.iter().filter(|l| key(l) == k).collect()))
        .collect()
}
