//! [`CchEngine`]: travel matrices and routes from one customization.

use rayon::prelude::*;

use super::batch;
use super::contract::Topology;
use super::metric::{Metric, INF};
use super::query::{self, Found, Selection, Walk};
use crate::network::disruption::EdgeWeights;
use crate::network::graph::{NodeId, RoadGraph};
use crate::network::matrix::{MatrixEngine, TravelMatrix};
use crate::progress::Progress;

/// A CCH customized for one set of edge weights.
pub struct CchEngine<'a> {
    topo: &'a Topology,
    metric: Metric,
    length_m: &'a [f32],
}

impl<'a> CchEngine<'a> {
    /// Customizes `graph`'s CCH (prepared on first use, see
    /// [`RoadGraph::cch`]) for `weights`.
    pub fn new(graph: &'a RoadGraph, weights: &EdgeWeights) -> Self {
        let topo = graph.cch();
        Self {
            topo,
            metric: Metric::customize(topo, &weights.time_ms, &graph.length_m),
            length_m: &graph.length_m,
        }
    }

    /// An engine over `graph`'s CCH with a metric customized already (see
    /// [`Metric::update`] for bringing one up to date).
    pub fn with_metric(graph: &'a RoadGraph, metric: Metric) -> Self {
        Self {
            topo: graph.cch(),
            metric,
            length_m: &graph.length_m,
        }
    }

    /// The engine's metric.
    pub fn metric(&self) -> &Metric {
        &self.metric
    }

    /// The engine's metric, given back.
    pub fn into_metric(self) -> Metric {
        self.metric
    }

    /// The fastest route from node `from` to node `to` (road edges in order), or
    /// `None` when unreachable. O(two walks + route length).
    pub fn route(&self, from: NodeId, to: NodeId) -> Option<Found> {
        self.route_with(&mut self.scratch(), from, to)
    }

    /// Scratch for [`CchEngine::route_with`] (two walks' labels).
    pub fn scratch(&self) -> (Walk, Walk) {
        let n = self.topo.node_count();
        (Walk::new(n), Walk::new(n))
    }

    /// [`CchEngine::route`] reusing `scratch`, for many routes on one thread.
    pub fn route_with(
        &self,
        scratch: &mut (Walk, Walk),
        from: NodeId,
        to: NodeId,
    ) -> Option<Found> {
        query::route(
            self.topo,
            &self.metric,
            self.length_m,
            &mut scratch.0,
            &mut scratch.1,
            self.topo.rank[from as usize],
            self.topo.rank[to as usize],
        )
    }

    /// Travel times (ms) from each `from[i]` to the nodes `to[j]` for `j` in
    /// `wanted[i]` (`None`: unreachable), in that order. One backward walk per
    /// target, kept as its list of labels, then one forward walk per source
    /// and a scan of each wanted target's list: for few scattered pairs per
    /// source, where a sweep would settle far more than is asked.
    /// O((|from| + |to|) · walk + Σ |wanted[i]| · chain length).
    pub fn pairs(
        &self,
        from: &[NodeId],
        to: &[NodeId],
        wanted: &[Vec<usize>],
    ) -> Vec<Vec<Option<u32>>> {
        let n = self.topo.node_count();
        let rank = |v: NodeId| self.topo.rank[v as usize];
        let back: Vec<Vec<(u32, u32)>> = to
            .par_iter()
            .map_init(
                || Walk::new(n),
                |walk, &t| {
                    walk.run(self.topo, &self.metric.down, rank(t));
                    walk.chain(self.topo, rank(t))
                },
            )
            .collect();
        from.par_iter()
            .zip(wanted)
            .map_init(
                || Walk::new(n),
                |walk, (&s, want)| {
                    walk.run(self.topo, &self.metric.up, rank(s));
                    want.iter()
                        .map(|&j| {
                            back[j]
                                .iter()
                                .filter_map(|&(v, b)| {
                                    let (a, _) = walk.label(v);
                                    (a != INF).then(|| a.saturating_add(b))
                                })
                                .filter(|&d| d != INF)
                                .min()
                        })
                        .collect()
                },
            )
            .collect()
    }

    /// The travel times (ms, [`INF`] = unreachable) from each of `from` to each
    /// of `to`, row-major: [`MatrixEngine::matrix`] without the distances,
    /// swept [`batch::LANES`] sources at a time, batches in parallel.
    pub fn times(&self, from: &[NodeId], to: &[NodeId]) -> Vec<u32> {
        let rank = |v: &NodeId| self.topo.rank[*v as usize];
        let targets = batch::Targets::new(self.topo, &to.iter().map(rank).collect::<Vec<_>>());
        let down = targets.gather(&self.metric);
        let sources: Vec<u32> = from.iter().map(rank).collect();
        let rows: Vec<Vec<u32>> = sources
            .par_chunks(batch::LANES)
            .map_init(
                || targets.scratch(self.topo),
                |scratch, chunk| {
                    let mut out = Vec::with_capacity(chunk.len() * to.len());
                    targets.times(self.topo, &self.metric, &down, chunk, scratch, &mut out);
                    out
                },
            )
            .collect();
        rows.concat()
    }

    /// Rows of times (ms) and metres from each of `walk_from` to each of
    /// `select`, walking `up` (forward) or down (backward, giving times *to*
    /// the walked node).
    fn rows(
        &self,
        walk_from: &[NodeId],
        select: &[NodeId],
        forward: bool,
        progress: &dyn Progress,
    ) -> Vec<(Vec<u32>, Vec<f32>)> {
        let ranks: Vec<u32> = select.iter().map(|&v| self.topo.rank[v as usize]).collect();
        let sel = Selection::new(self.topo, &ranks);
        let (walk_dir, sweep_dir) = if forward {
            (&self.metric.up, &self.metric.down)
        } else {
            (&self.metric.down, &self.metric.up)
        };
        let gathered = sel.gather(sweep_dir);
        let n = self.topo.node_count();
        let k = sel.nodes.len();
        walk_from
            .par_iter()
            .map_init(
                || (Walk::new(n), vec![INF; k], vec![0f32; k]),
                |(walk, ms, m), &s| {
                    walk.run(self.topo, walk_dir, self.topo.rank[s as usize]);
                    sel.sweep(walk, &gathered, ms, m);
                    progress.step(1);
                    sel.seeds
                        .iter()
                        .map(|&p| {
                            let t = ms[p as usize];
                            (t, if t == INF { f32::NAN } else { m[p as usize] })
                        })
                        .unzip()
                },
            )
            .collect()
    }
}

impl MatrixEngine for CchEngine<'_> {
    fn name(&self) -> &'static str {
        "cch"
    }

    fn matrix(&self, from: &[NodeId], to: &[NodeId], progress: &dyn Progress) -> TravelMatrix {
        progress.begin("sources", from.len() as u64);
        let m = if from.len() <= to.len() {
            let rows = self.rows(from, to, true, progress);
            TravelMatrix::from_rows(to.len(), rows)
        } else {
            let cols = self.rows(to, from, false, &crate::progress::Silent);
            progress.step(from.len() as u64);
            TravelMatrix::from_rows(from.len(), cols).transposed()
        };
        progress.end();
        m
    }
}
