//! Many-to-many travel-time and distance matrices, computed in parallel.
//!
//! The engine is behind the [`MatrixEngine`] trait so a faster one (contraction
//! hierarchies, bucket many-to-many, PHAST) can replace the Dijkstra engine
//! without changing callers. Unreachable pairs are explicit (`None`).

use rayon::prelude::*;

use super::dijkstra::Dijkstra;
use super::disruption::EdgeWeights;
use super::graph::{NodeId, RoadGraph};
use crate::progress::{Progress, Silent};

/// One matrix cell: a reachable pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Leg {
    /// Travel time, seconds.
    pub seconds: f64,
    /// Driven distance of the fastest route, metres.
    pub metres: f64,
}

/// Row-major matrix of travel times (ms) and distances (m); `u32::MAX` = unreachable.
#[derive(Debug, Clone, PartialEq)]
pub struct TravelMatrix {
    sources: usize,
    targets: usize,
    time_ms: Vec<u32>,
    metres: Vec<f32>,
}

const UNREACHABLE: u32 = u32::MAX;

impl TravelMatrix {
    /// Number of sources (rows).
    pub fn sources(&self) -> usize {
        self.sources
    }

    /// Number of targets (columns).
    pub fn targets(&self) -> usize {
        self.targets
    }

    /// The leg from source `i` to target `j`, or `None` when unreachable.
    pub fn get(&self, i: usize, j: usize) -> Option<Leg> {
        let k = i * self.targets + j;
        let t = self.time_ms[k];
        (t != UNREACHABLE).then(|| Leg {
            seconds: f64::from(t) / 1000.0,
            metres: f64::from(self.metres[k]),
        })
    }

    /// The matrix with sources and targets swapped.
    pub fn transposed(&self) -> TravelMatrix {
        let (r, c) = (self.sources, self.targets);
        let idx = |k: usize| (k % r) * c + k / r;
        TravelMatrix {
            sources: c,
            targets: r,
            time_ms: (0..r * c).map(|k| self.time_ms[idx(k)]).collect(),
            metres: (0..r * c).map(|k| self.metres[idx(k)]).collect(),
        }
    }

    /// The matrix of `rows` of `targets` cells each: times (ms, `u32::MAX` =
    /// unreachable) and metres.
    pub(crate) fn from_rows(targets: usize, rows: Vec<(Vec<u32>, Vec<f32>)>) -> TravelMatrix {
        let mut time_ms = Vec::with_capacity(rows.len() * targets);
        let mut metres = Vec::with_capacity(rows.len() * targets);
        let sources = rows.len();
        for (t, m) in rows {
            debug_assert_eq!(t.len(), targets);
            time_ms.extend(t);
            metres.extend(m);
        }
        TravelMatrix {
            sources,
            targets,
            time_ms,
            metres,
        }
    }

    /// Count of unreachable pairs.
    pub fn unreachable_count(&self) -> usize {
        self.time_ms.iter().filter(|&&t| t == UNREACHABLE).count()
    }
}

/// Something that computes travel matrices on one weighted graph.
pub trait MatrixEngine: Sync {
    /// Short name for reports and benches.
    fn name(&self) -> &'static str;
    /// Matrix from `from` nodes to `to` nodes, reporting one step per source row
    /// in a stage named "sources".
    fn matrix(&self, from: &[NodeId], to: &[NodeId], progress: &dyn Progress) -> TravelMatrix;
}

/// Parallel one-to-many Dijkstra with early stopping: one query per source,
/// sources spread over rayon's thread pool, one reusable state per worker.
/// O(|from| · (n + m) log n) worst case, usually far less thanks to early stopping.
pub struct DijkstraEngine<'a> {
    graph: &'a RoadGraph,
    weights: &'a EdgeWeights,
}

impl<'a> DijkstraEngine<'a> {
    /// An engine over `graph` with `weights`.
    pub fn new(graph: &'a RoadGraph, weights: &'a EdgeWeights) -> Self {
        Self { graph, weights }
    }
}

impl DijkstraEngine<'_> {
    /// The graph searched.
    pub fn graph(&self) -> &RoadGraph {
        self.graph
    }

    /// The edge weights searched.
    pub fn weights(&self) -> &EdgeWeights {
        self.weights
    }
}

impl MatrixEngine for DijkstraEngine<'_> {
    fn name(&self) -> &'static str {
        "dijkstra-1:n"
    }

    fn matrix(&self, from: &[NodeId], to: &[NodeId], progress: &dyn Progress) -> TravelMatrix {
        let n = self.graph.node_count();
        progress.begin("sources", from.len() as u64);
        let rows: Vec<(Vec<u32>, Vec<f32>)> = from
            .par_iter()
            .map_init(
                || Dijkstra::new(n),
                |dj, &s| {
                    dj.run(self.graph, self.weights, s, to, u32::MAX);
                    progress.step(1);
                    to.iter()
                        .map(|&t| dj.distance(t).unwrap_or((UNREACHABLE, f32::NAN)))
                        .unzip()
                },
            )
            .collect();
        progress.end();
        TravelMatrix::from_rows(to.len(), rows)
    }
}

/// The matrix from many `from` nodes to few `to` nodes, by one backward search per
/// target on the reversed graph (|to| searches instead of |from|). Same cells as
/// [`travel_matrix`]; distances may differ between equally fast routes.
pub fn travel_matrix_to_few(
    graph: &RoadGraph,
    weights: &EdgeWeights,
    from: &[NodeId],
    to: &[NodeId],
) -> TravelMatrix {
    if to.len() >= from.len() {
        return travel_matrix(graph, weights, from, to);
    }
    let (rev, orig) = graph.reversed();
    travel_matrix(&rev, &weights.for_reversed(&orig), to, from).transposed()
}

/// Convenience: the matrix with the default engine and no visible progress.
pub fn travel_matrix(
    graph: &RoadGraph,
    weights: &EdgeWeights,
    from: &[NodeId],
    to: &[NodeId],
) -> TravelMatrix {
    DijkstraEngine::new(graph, weights).matrix(from, to, &Silent)
}
