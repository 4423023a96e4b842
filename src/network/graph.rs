//! The routable road graph: forward-star (CSR) arrays restricted to the largest
//! strongly connected component, nodes in a space-filling-curve order so that
//! neighbouring nodes sit near each other in memory.
//!
//! Invariants: `first_out.len() == node_count() + 1`; edges of node `u` are
//! `first_out[u]..first_out[u+1]`; every edge has a positive travel time.

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};

use std::sync::{Arc, OnceLock};

use super::cch::Topology;
use super::geo::haversine_m;
use super::raw::RawNetwork;

/// Node index in a [`RoadGraph`].
pub type NodeId = u32;
/// Edge index in a [`RoadGraph`].
pub type EdgeId = u32;

/// Errors building a graph.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    /// Nothing routable is left.
    #[error("the road source yields no routable edge")]
    Empty,
    /// A node has no valid coordinate.
    #[error("node {source_id} has an invalid coordinate ({lon}, {lat})")]
    BadCoordinate {
        /// Source id of the node.
        source_id: i64,
        /// Longitude as read.
        lon: f64,
        /// Latitude as read.
        lat: f64,
    },
    /// The graph is too large for 32-bit indices.
    #[error("graph too large: {0} edges (limit 4 294 967 294)")]
    TooLarge(usize),
}

/// Figures about a built graph.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GraphStats {
    /// Nodes before the SCC restriction.
    pub nodes_before_scc: u64,
    /// Directed edges before the SCC restriction.
    pub edges_before_scc: u64,
    /// Nodes kept.
    pub nodes: u64,
    /// Directed edges kept.
    pub edges: u64,
    /// Share of nodes dropped because they are outside the largest SCC, 0–1.
    pub dropped_node_share: f64,
    /// Road length in km (two-way roads counted once).
    pub road_km: f64,
    /// `highway=*` ways seen, routable ways, blocking barrier nodes, and segments
    /// missing a node, as reported by the reader.
    pub ingest: super::raw::IngestReport,
}

/// A compact directed road graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoadGraph {
    /// CSR offsets, `node_count() + 1` entries.
    pub first_out: Vec<u32>,
    /// Head node of each edge.
    pub head: Vec<NodeId>,
    /// Tail node of each edge.
    pub tail: Vec<NodeId>,
    /// Undisrupted travel time of each edge, milliseconds (≥ 1).
    pub time_ms: Vec<u32>,
    /// Length of each edge, metres.
    pub length_m: Vec<f32>,
    /// Source way id (OSM way id) of each edge.
    pub way_id: Vec<i64>,
    /// Longitude of each node, degrees.
    pub lon: Vec<f64>,
    /// Latitude of each node, degrees.
    pub lat: Vec<f64>,
    /// Source id (OSM node id) of each node.
    pub source_id: Vec<i64>,
    /// Ids of the ways with an edge in the graph that are bridges, sorted.
    pub bridge_ways: Vec<i64>,
    /// Name and class of every way with an edge in the graph, sorted by id.
    pub ways: Vec<super::ways::WayInfo>,
    /// Build figures.
    pub stats: GraphStats,
    /// The CCH structure of this graph ([`RoadGraph::cch`]), once prepared or
    /// loaded from the cache.
    #[serde(skip)]
    pub routing: OnceLock<Arc<Topology>>,
}

impl RoadGraph {
    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.lon.len()
    }

    /// Number of directed edges.
    pub fn edge_count(&self) -> usize {
        self.head.len()
    }

    /// Edge range leaving `u`.
    #[inline]
    pub fn out_edges(&self, u: NodeId) -> std::ops::Range<usize> {
        self.first_out[u as usize] as usize..self.first_out[u as usize + 1] as usize
    }

    /// Checks the invariants every algorithm relies on (array lengths, CSR
    /// offsets, edge ends, positive times, finite lengths, coordinates in
    /// range), for a graph that did not come from [`RoadGraph::build`] (a cache
    /// file). O(n + m).
    pub fn check(&self) -> Result<(), String> {
        let (n, m) = (self.node_count(), self.edge_count());
        let lengths = [
            ("lat", self.lat.len(), n),
            ("source_id", self.source_id.len(), n),
            ("first_out", self.first_out.len(), n + 1),
            ("tail", self.tail.len(), m),
            ("time_ms", self.time_ms.len(), m),
            ("length_m", self.length_m.len(), m),
            ("way_id", self.way_id.len(), m),
        ];
        if let Some((name, got, want)) = lengths.iter().find(|(_, got, want)| got != want) {
            return Err(format!("{name} has {got} entries, expected {want}"));
        }
        if n == 0 || m == 0 || m >= u32::MAX as usize {
            return Err(format!("{n} nodes and {m} edges"));
        }
        if self.first_out[0] != 0
            || self.first_out[n] as usize != m
            || self.first_out.windows(2).any(|w| w[0] > w[1])
        {
            return Err("edge offsets are not a partition of the edges".into());
        }
        for u in 0..n as u32 {
            for e in self.out_edges(u) {
                let (t, h) = (self.tail[e], self.head[e]);
                if t != u || h as usize >= n {
                    return Err(format!("edge {e} runs {t} -> {h}, expected from {u}"));
                }
            }
        }
        if let Some(e) = self.time_ms.iter().position(|&t| t == 0 || t == u32::MAX) {
            return Err(format!("edge {e} has travel time {} ms", self.time_ms[e]));
        }
        if let Some(e) = self
            .length_m
            .iter()
            .position(|l| !(l.is_finite() && *l >= 0.0))
        {
            return Err(format!("edge {e} has length {} m", self.length_m[e]));
        }
        let bad = |lon: f64, lat: f64| {
            !(lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0)
        };
        if let Some(v) = (0..n).find(|&v| bad(self.lon[v], self.lat[v])) {
            return Err(format!("node {v} at ({}, {})", self.lon[v], self.lat[v]));
        }
        Ok(())
    }

    /// The contraction-hierarchy structure of this graph, prepared on first use
    /// (seconds on a city; [`super::load_graph`] prepares it before caching the
    /// graph, so a cached graph has it already).
    pub fn cch(&self) -> &Topology {
        self.routing.get_or_init(|| {
            let (topo, t) = super::cch::prepare(self);
            tracing::debug!(
                "CCH prepared: order {:.2} s, contraction {:.2} s, {} arcs",
                t.order_s,
                t.contract_s,
                topo.arc_count()
            );
            Arc::new(topo)
        })
    }

    /// `[lon, lat]` of node `u`.
    pub fn coord(&self, u: NodeId) -> [f64; 2] {
        [self.lon[u as usize], self.lat[u as usize]]
    }

    /// The transposed graph (every edge reversed, same nodes) and, for each of its
    /// edges, the edge of `self` it reverses, so edge weights can be carried over.
    /// A backward search on it gives many-to-one distances. O(n + m).
    pub fn reversed(&self) -> (RoadGraph, Vec<EdgeId>) {
        let n = self.node_count();
        let mut first_out = vec![0u32; n + 1];
        for &h in &self.head {
            first_out[h as usize + 1] += 1;
        }
        for u in 0..n {
            first_out[u + 1] += first_out[u];
        }
        let mut next: Vec<u32> = first_out[..n].to_vec();
        let mut orig = vec![0 as EdgeId; self.edge_count()];
        for (e, &h) in self.head.iter().enumerate() {
            let slot = &mut next[h as usize];
            orig[*slot as usize] = e as EdgeId;
            *slot += 1;
        }
        let pick = |v: &[u32]| orig.iter().map(|&e| v[e as usize]).collect::<Vec<_>>();
        let graph = RoadGraph {
            first_out,
            head: pick(&self.tail),
            tail: pick(&self.head),
            time_ms: pick(&self.time_ms),
            length_m: orig.iter().map(|&e| self.length_m[e as usize]).collect(),
            way_id: orig.iter().map(|&e| self.way_id[e as usize]).collect(),
            lon: self.lon.clone(),
            lat: self.lat.clone(),
            source_id: self.source_id.clone(),
            bridge_ways: self.bridge_ways.clone(),
            ways: self.ways.clone(),
            stats: self.stats.clone(),
            routing: OnceLock::new(),
        };
        (graph, orig)
    }

    /// Builds the graph from a raw network: computes lengths and times, keeps the
    /// largest strongly connected component, and orders nodes along a Hilbert curve.
    /// O((n + m) log n).
    pub fn build(raw: &RawNetwork) -> Result<Self, GraphError> {
        if raw.segments.is_empty() {
            return Err(GraphError::Empty);
        }
        if raw.segments.len() >= u32::MAX as usize {
            return Err(GraphError::TooLarge(raw.segments.len()));
        }
        // Nodes used by segments, renumbered densely.
        let mut used = vec![u32::MAX; raw.nodes.len()];
        let mut order: Vec<usize> = Vec::new();
        for s in &raw.segments {
            for v in [s.from as usize, s.to as usize] {
                if used[v] == u32::MAX {
                    let n = &raw.nodes[v];
                    if !(n.lon.is_finite() && n.lat.is_finite())
                        || n.lon.abs() > 180.0
                        || n.lat.abs() > 90.0
                    {
                        return Err(GraphError::BadCoordinate {
                            source_id: n.source_id,
                            lon: n.lon,
                            lat: n.lat,
                        });
                    }
                    used[v] = order.len() as u32;
                    order.push(v);
                }
            }
        }
        let nodes_before = order.len();

        // Largest strongly connected component (petgraph's Kosaraju, O(n + m)).
        let mut g: DiGraph<(), ()> = DiGraph::with_capacity(order.len(), raw.segments.len());
        for _ in 0..order.len() {
            g.add_node(());
        }
        for s in &raw.segments {
            g.add_edge(
                NodeIndex::new(used[s.from as usize] as usize),
                NodeIndex::new(used[s.to as usize] as usize),
                (),
            );
        }
        let sccs = kosaraju_scc(&g);
        drop(g);
        let largest = sccs
            .iter()
            .max_by_key(|c| c.len())
            .ok_or(GraphError::Empty)?;
        let mut in_scc = vec![false; order.len()];
        for ix in largest {
            in_scc[ix.index()] = true;
        }

        // Hilbert order of the kept nodes.
        let kept: Vec<usize> = (0..order.len()).filter(|&i| in_scc[i]).collect();
        let (mut min, mut max) = ([f64::MAX; 2], [f64::MIN; 2]);
        for &i in &kept {
            let n = &raw.nodes[order[i]];
            min = [min[0].min(n.lon), min[1].min(n.lat)];
            max = [max[0].max(n.lon), max[1].max(n.lat)];
        }
        let mut keyed: Vec<(u64, usize)> = kept
            .iter()
            .map(|&i| {
                let n = &raw.nodes[order[i]];
                let q = |v: f64, lo: f64, hi: f64| {
                    (((v - lo) / (hi - lo).max(1e-12)) * 65535.0).round() as u32
                };
                (
                    hilbert_d(q(n.lon, min[0], max[0]), q(n.lat, min[1], max[1])),
                    i,
                )
            })
            .collect();
        keyed.sort_unstable();
        let mut new_id = vec![u32::MAX; order.len()];
        for (k, &(_, i)) in keyed.iter().enumerate() {
            new_id[i] = k as u32;
        }
        let n = keyed.len();

        // Edges inside the component, sorted by tail (CSR).
        let mut edges: Vec<(u32, u32, u32, f32, i64, bool)> =
            Vec::with_capacity(raw.segments.len());
        for s in &raw.segments {
            let (a, b) = (
                new_id[used[s.from as usize] as usize],
                new_id[used[s.to as usize] as usize],
            );
            if a == u32::MAX || b == u32::MAX {
                continue;
            }
            let (na, nb) = (&raw.nodes[s.from as usize], &raw.nodes[s.to as usize]);
            let len = haversine_m([na.lon, na.lat], [nb.lon, nb.lat]);
            // At least 1 ms; at most one below `u32::MAX`, which means "closed"
            // (a segment that long only comes from a damaged extract).
            let ms = (len / (f64::from(s.speed_kmh) / 3.6) * 1000.0)
                .round()
                .clamp(1.0, f64::from(u32::MAX - 1)) as u32;
            edges.push((a, b, ms, len as f32, s.way_id, s.two_way));
        }
        // A largest component of one node (segments that loop on a node, or
        // none joining two nodes both ways) leaves nothing to route on.
        if edges.is_empty() {
            return Err(GraphError::Empty);
        }
        edges.sort_unstable_by_key(|e| (e.0, e.1));
        let mut first_out = vec![0u32; n + 1];
        for e in &edges {
            first_out[e.0 as usize + 1] += 1;
        }
        for i in 0..n {
            first_out[i + 1] += first_out[i];
        }
        let road_km = edges
            .iter()
            .map(|e| {
                if e.5 {
                    f64::from(e.3) / 2.0
                } else {
                    f64::from(e.3)
                }
            })
            .sum::<f64>()
            / 1000.0;
        let mut lon = vec![0.0; n];
        let mut lat = vec![0.0; n];
        let mut source_id = vec![0; n];
        for &(_, i) in &keyed {
            let k = new_id[i] as usize;
            let node = &raw.nodes[order[i]];
            lon[k] = node.lon;
            lat[k] = node.lat;
            source_id[k] = node.source_id;
        }
        let stats = GraphStats {
            nodes_before_scc: nodes_before as u64,
            edges_before_scc: raw.segments.len() as u64,
            nodes: n as u64,
            edges: edges.len() as u64,
            dropped_node_share: 1.0 - n as f64 / nodes_before as f64,
            road_km,
            ingest: raw.report.clone(),
        };
        let mut bridge_ways: Vec<i64> = edges
            .iter()
            .map(|e| e.4)
            .filter(|w| raw.bridge_ways.binary_search(w).is_ok())
            .collect();
        bridge_ways.sort_unstable();
        bridge_ways.dedup();
        let mut kept: Vec<i64> = edges.iter().map(|e| e.4).collect();
        kept.sort_unstable();
        kept.dedup();
        let ways = raw
            .ways
            .iter()
            .filter(|w| kept.binary_search(&w.id).is_ok())
            .cloned()
            .collect();
        Ok(Self {
            first_out,
            head: edges.iter().map(|e| e.1).collect(),
            tail: edges.iter().map(|e| e.0).collect(),
            time_ms: edges.iter().map(|e| e.2).collect(),
            length_m: edges.iter().map(|e| e.3).collect(),
            way_id: edges.iter().map(|e| e.4).collect(),
            lon,
            lat,
            source_id,
            bridge_ways,
            ways,
            stats,
            routing: OnceLock::new(),
        })
    }
}

/// Position of `(x, y)` on a 2¹⁶ × 2¹⁶ Hilbert curve.
fn hilbert_d(mut x: u32, mut y: u32) -> u64 {
    let n: u32 = 1 << 16;
    let mut d: u64 = 0;
    let mut s = n / 2;
    while s > 0 {
        let rx = u32::from(x & s > 0);
        let ry = u32::from(y & s > 0);
        d += u64::from(s) * u64::from(s) * u64::from((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::network::raw::{RawNode, RawSegment};

    /// A 3-node ring 0→1→2→0 plus a dangling one-way 2→3 (3 is outside the SCC).
    pub(crate) fn ring_with_tail() -> RawNetwork {
        let nodes = (0..4)
            .map(|i| RawNode {
                source_id: 100 + i,
                lon: 116.0 + 0.01 * i as f64,
                lat: 39.9,
            })
            .collect();
        let seg = |from, to, way_id| RawSegment {
            from,
            to,
            way_id,
            speed_kmh: 36.0,
            two_way: false,
        };
        RawNetwork {
            nodes,
            segments: vec![seg(0, 1, 1), seg(1, 2, 2), seg(2, 0, 3), seg(2, 3, 4)],
            bridge_ways: vec![2, 4],
            ways: Vec::new(),
            report: Default::default(),
        }
    }

    /// A damaged extract can join two nodes on opposite sides of the globe:
    /// the edge's time stays below the "closed" sentinel and the graph passes
    /// its own checks.
    #[test]
    fn an_absurdly_long_edge_is_not_taken_for_a_closed_one() {
        let mut raw = ring_with_tail();
        raw.nodes[1].lon = -179.0;
        raw.segments.iter_mut().for_each(|s| s.speed_kmh = 1.0);
        let g = RoadGraph::build(&raw).unwrap();
        assert!(g.time_ms.iter().all(|&t| t < u32::MAX));
        assert!(g.time_ms.contains(&(u32::MAX - 1)));
        assert_eq!(g.check(), Ok(()));
    }

    #[test]
    fn keeps_only_the_largest_scc_and_reports_the_share() {
        let g = RoadGraph::build(&ring_with_tail()).unwrap();
        assert_eq!(g.node_count(), 3);
        assert_eq!(g.edge_count(), 3);
        assert!((g.stats.dropped_node_share - 0.25).abs() < 1e-12);
        assert!(!g.source_id.contains(&103));
        // Way 4 (the dangling edge) left with node 3; bridge 2 stays.
        assert_eq!(g.bridge_ways, vec![2]);
        // CSR consistency.
        for u in 0..g.node_count() as u32 {
            for e in g.out_edges(u) {
                assert_eq!(g.tail[e], u);
            }
        }
    }

    #[test]
    fn time_is_length_over_speed() {
        let g = RoadGraph::build(&ring_with_tail()).unwrap();
        for e in 0..g.edge_count() {
            let expect = f64::from(g.length_m[e]) / 10.0 * 1000.0; // 36 km/h = 10 m/s
            assert!((f64::from(g.time_ms[e]) - expect).abs() <= 1.0);
        }
    }

    #[test]
    fn empty_network_is_an_error() {
        assert!(matches!(
            RoadGraph::build(&RawNetwork::default()),
            Err(GraphError::Empty)
        ));
        // One-way segments only: every strongly connected component is one
        // node, so no edge is left.
        let mut raw = ring_with_tail();
        raw.segments.truncate(2);
        assert!(matches!(RoadGraph::build(&raw), Err(GraphError::Empty)));
    }
}
