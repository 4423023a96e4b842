//! Disruptions: closed ways, closed areas and slowed areas, applied to a built
//! graph as a fresh set of edge weights (no re-parsing of the road source).

use std::collections::HashSet;

use rayon::prelude::*;

use super::geo::Area;
use super::graph::RoadGraph;

/// Edge weight meaning "closed".
pub const CLOSED: u32 = u32::MAX;

/// Travel time per edge (milliseconds) under some disruption; [`CLOSED`] = impassable.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeWeights {
    /// Milliseconds per edge, parallel to [`RoadGraph::head`].
    pub time_ms: Vec<u32>,
}

impl EdgeWeights {
    /// The undisrupted weights of `graph`.
    pub fn base(graph: &RoadGraph) -> Self {
        Self {
            time_ms: graph.time_ms.clone(),
        }
    }

    /// The same weights on the reversed graph whose edge `r` reverses edge
    /// `orig[r]` of this one ([`RoadGraph::reversed`]).
    pub fn for_reversed(&self, orig: &[super::graph::EdgeId]) -> Self {
        Self {
            time_ms: orig.iter().map(|&e| self.time_ms[e as usize]).collect(),
        }
    }

    /// Number of closed edges.
    pub fn closed_count(&self) -> usize {
        self.time_ms.iter().filter(|&&t| t == CLOSED).count()
    }
}

/// An area where speeds are multiplied by `factor` (0 < factor ≤ 1 slows; > 1 is
/// allowed for e.g. police-escorted corridors).
#[derive(Debug, Clone, PartialEq)]
pub struct SlowArea {
    /// Where.
    pub area: Area,
    /// Speed multiplier; travel time is divided by it.
    pub factor: f64,
    /// Name shown in reports (usually the GeoJSON file name).
    pub label: String,
}

/// What a scenario does to the road network.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Disruption {
    /// OSM way ids closed in both directions.
    pub closed_ways: Vec<i64>,
    /// Areas inside which every road is closed (flooded valley, collapsed blocks).
    pub closed_areas: Vec<Area>,
    /// Areas inside which speeds are scaled.
    pub slow_areas: Vec<SlowArea>,
}

/// Errors applying a disruption.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DisruptionError {
    /// A closed way id is not an edge of the routable graph.
    #[error("closed way {0} is not in the routable graph (not an OSM way a truck may use, or outside the largest connected component)")]
    UnknownWay(i64),
    /// A slow-area factor is not a share of the normal speed.
    #[error(
        "slow area `{label}`: factor must be in (0, 1] (a share of the normal speed), got {factor}"
    )]
    BadFactor {
        /// The area's label.
        label: String,
        /// The factor given.
        factor: f64,
    },
}

/// What applying a disruption changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DisruptionReport {
    /// Edges closed by way id.
    pub closed_by_way: usize,
    /// Edges closed by areas.
    pub closed_by_area: usize,
    /// Edges whose time was scaled.
    pub slowed: usize,
}

impl Disruption {
    /// True when the disruption changes nothing.
    pub fn is_empty(&self) -> bool {
        self.closed_ways.is_empty() && self.closed_areas.is_empty() && self.slow_areas.is_empty()
    }

    /// Computes edge weights for `graph` under this disruption. An edge is inside
    /// an area when its tail, head or midpoint is. O(m · polygon size), parallel.
    pub fn apply(
        &self,
        graph: &RoadGraph,
    ) -> Result<(EdgeWeights, DisruptionReport), DisruptionError> {
        for s in &self.slow_areas {
            if !(s.factor > 0.0 && s.factor <= 1.0) {
                return Err(DisruptionError::BadFactor {
                    label: s.label.clone(),
                    factor: s.factor,
                });
            }
        }
        let closed: HashSet<i64> = self.closed_ways.iter().copied().collect();
        let present: HashSet<i64> = graph
            .way_id
            .iter()
            .copied()
            .filter(|w| closed.contains(w))
            .collect();
        if let Some(&missing) = self.closed_ways.iter().find(|w| !present.contains(w)) {
            return Err(DisruptionError::UnknownWay(missing));
        }
        let edge_in = |area: &Area, e: usize| {
            let (a, b) = (graph.coord(graph.tail[e]), graph.coord(graph.head[e]));
            area.contains(a)
                || area.contains(b)
                || area.contains([(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0])
        };
        // 0 = open, 1 = closed by way, 2 = closed by area; then the slow factor.
        let per_edge: Vec<(u32, u8, bool)> = (0..graph.edge_count())
            .into_par_iter()
            .map(|e| {
                if closed.contains(&graph.way_id[e]) {
                    return (CLOSED, 1, false);
                }
                if self.closed_areas.iter().any(|a| edge_in(a, e)) {
                    return (CLOSED, 2, false);
                }
                let mut t = f64::from(graph.time_ms[e]);
                let mut slowed = false;
                for s in &self.slow_areas {
                    if edge_in(&s.area, e) {
                        t /= s.factor;
                        slowed = true;
                    }
                }
                (
                    t.round().clamp(1.0, f64::from(CLOSED - 1)) as u32,
                    0,
                    slowed,
                )
            })
            .collect();
        warn_untouched(graph, self, &edge_in);
        let mut report = DisruptionReport::default();
        for &(_, kind, slowed) in &per_edge {
            match kind {
                1 => report.closed_by_way += 1,
                2 => report.closed_by_area += 1,
                _ => {}
            }
            report.slowed += usize::from(slowed);
        }
        Ok((
            EdgeWeights {
                time_ms: per_edge.into_iter().map(|x| x.0).collect(),
            },
            report,
        ))
    }
}

/// Says (a warning) which areas of `d` hold no road of `graph`: an area that
/// closes or slows nothing is most often one drawn in the wrong place.
fn warn_untouched(
    graph: &RoadGraph,
    d: &Disruption,
    edge_in: &(dyn Fn(&Area, usize) -> bool + Sync),
) {
    let touches = |a: &Area| {
        (0..graph.edge_count())
            .into_par_iter()
            .any(|e| edge_in(a, e))
    };
    let areas = d
        .closed_areas
        .iter()
        .enumerate()
        .map(|(i, a)| (format!("closed area {}", i + 1), a))
        .chain(
            d.slow_areas
                .iter()
                .map(|s| (format!("slow area `{}`", s.label), &s.area)),
        );
    for (what, a) in areas {
        if !touches(a) {
            tracing::warn!(
                "{what} touches no road of the graph: it closes or slows nothing \
                 (check that its coordinates are [lon, lat] in WGS84 and inside the road extract)"
            );
        }
    }
}
