//! Fastest route between two nodes, with its geometry.

use super::dijkstra::Dijkstra;
use super::disruption::EdgeWeights;
use super::graph::{NodeId, RoadGraph};

/// A fastest route.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Travel time, seconds.
    pub seconds: f64,
    /// Length, metres.
    pub metres: f64,
    /// Nodes visited, source first.
    pub nodes: Vec<NodeId>,
    /// OSM way id of each edge driven.
    pub ways: Vec<i64>,
}

impl Route {
    /// The route as a `[lon, lat]` polyline.
    pub fn coords(&self, graph: &RoadGraph) -> Vec<[f64; 2]> {
        self.nodes.iter().map(|&u| graph.coord(u)).collect()
    }
}

/// The fastest route from `from` to `to` under `weights`, or `None` if unreachable.
/// O((n + m) log n).
pub fn fastest_route(
    graph: &RoadGraph,
    weights: &EdgeWeights,
    from: NodeId,
    to: NodeId,
) -> Option<Route> {
    let mut dj = Dijkstra::new(graph.node_count());
    dj.run(graph, weights, from, &[to], u32::MAX);
    let (ms, m) = dj.distance(to)?;
    let edges = dj.path_edges(graph, to)?;
    let mut nodes = vec![from];
    nodes.extend(edges.iter().map(|&e| graph.head[e as usize]));
    Some(Route {
        seconds: f64::from(ms) / 1000.0,
        metres: f64::from(m),
        nodes,
        ways: edges.iter().map(|&e| graph.way_id[e as usize]).collect(),
    })
}
