//! Snapping facilities to the nearest routable node with an R*-tree.

use rstar::primitives::GeomWithData;
use rstar::RTree;

use super::geo::{haversine_m, segment_distance, LocalProjection};
use super::graph::{NodeId, RoadGraph};

/// Default largest accepted distance from a facility to the road, metres.
pub const DEFAULT_MAX_SNAP_M: f64 = 1000.0;

/// Where a facility attaches to the graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The graph node.
    pub node: NodeId,
    /// Great-circle distance from the facility to that node, metres.
    pub distance_m: f64,
}

/// The road nearest a point: an edge and its OSM way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoadSnap {
    /// The edge.
    pub edge: usize,
    /// Its OSM way id.
    pub way_id: i64,
    /// Distance from the point to the edge's segment, metres.
    pub distance_m: f64,
}

/// Nodes whose out-edges are tried by [`Snapper::nearest_road`].
const ROAD_CANDIDATE_NODES: usize = 24;

/// Errors snapping.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SnapError {
    /// A facility is farther from any road than allowed.
    #[error("facility `{id}` at ({lon}, {lat}) is {distance_m:.0} m from the nearest routable road (limit {max_m:.0} m): check its coordinates (GCJ-02 given as WGS84?) or raise --max-snap-m")]
    TooFar {
        /// The facility id.
        id: String,
        /// Longitude, degrees.
        lon: f64,
        /// Latitude, degrees.
        lat: f64,
        /// Distance to the nearest node, metres.
        distance_m: f64,
        /// The limit, metres.
        max_m: f64,
    },
}

/// Nearest-node index over a graph. Build O(n log n); query O(log n).
pub struct Snapper<'a> {
    graph: &'a RoadGraph,
    tree: RTree<GeomWithData<[f64; 2], NodeId>>,
    proj: LocalProjection,
}

impl<'a> Snapper<'a> {
    /// Indexes every node of `graph`.
    pub fn new(graph: &'a RoadGraph) -> Self {
        let mid_lat = if graph.lat.is_empty() {
            0.0
        } else {
            graph.lat.iter().sum::<f64>() / graph.lat.len() as f64
        };
        let proj = LocalProjection::new(mid_lat);
        let pts = (0..graph.node_count() as NodeId)
            .map(|u| GeomWithData::new(proj.project(graph.coord(u)), u))
            .collect();
        Self {
            graph,
            tree: RTree::bulk_load(pts),
            proj,
        }
    }

    /// The nearest node to `[lon, lat]`.
    pub fn nearest(&self, p: [f64; 2]) -> Option<Snap> {
        if !(p[0].is_finite() && p[1].is_finite()) {
            return None;
        }
        let hit = self.tree.nearest_neighbor(&self.proj.project(p))?;
        Some(Snap {
            node: hit.data,
            distance_m: haversine_m(p, self.graph.coord(hit.data)),
        })
    }

    /// Snaps a facility, failing when it is more than `max_m` from the road.
    pub fn snap(&self, id: &str, p: [f64; 2], max_m: f64) -> Result<Snap, SnapError> {
        let s = self.nearest(p).filter(|s| s.distance_m <= max_m);
        s.ok_or_else(|| SnapError::TooFar {
            id: id.to_string(),
            lon: p[0],
            lat: p[1],
            distance_m: self.nearest(p).map_or(f64::INFINITY, |s| s.distance_m),
            max_m,
        })
    }

    /// The road segment nearest `[lon, lat]`: the closest of the out-edges of
    /// the nearest few nodes (by the point's distance to the straight segment).
    pub fn nearest_road(&self, p: [f64; 2]) -> Option<RoadSnap> {
        if !(p[0].is_finite() && p[1].is_finite()) {
            return None;
        }
        let q = self.proj.project(p);
        let mut best: Option<RoadSnap> = None;
        for hit in self
            .tree
            .nearest_neighbor_iter(&q)
            .take(ROAD_CANDIDATE_NODES)
        {
            for e in self.graph.out_edges(hit.data) {
                let a = self.proj.project(self.graph.coord(self.graph.tail[e]));
                let b = self.proj.project(self.graph.coord(self.graph.head[e]));
                let d = segment_distance(q, a, b);
                if best.is_none_or(|r| d < r.distance_m) {
                    best = Some(RoadSnap {
                        edge: e,
                        way_id: self.graph.way_id[e],
                        distance_m: d,
                    });
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use crate::network::geo::segment_distance;

    #[test]
    fn segment_distance_is_perpendicular_inside_and_to_the_end_outside() {
        assert!((segment_distance([5.0, 3.0], [0.0, 0.0], [10.0, 0.0]) - 3.0).abs() < 1e-12);
        assert!((segment_distance([13.0, 4.0], [0.0, 0.0], [10.0, 0.0]) - 5.0).abs() < 1e-12);
        assert!((segment_distance([1.0, 1.0], [0.0, 0.0], [0.0, 0.0]) - 2f64.sqrt()).abs() < 1e-12);
    }
}
