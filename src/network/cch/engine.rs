//! [`CchEngine`]: travel matrices and routes from one customization.

use rayon::prelude::*;

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
}

impl<'a> CchEngine<'a> {
    /// Customizes `graph`'s CCH (prepared on first use, see
    /// [`RoadGraph::cch`]) for `weights`.
    pub fn new(graph: &'a RoadGraph, weights: &EdgeWeights) -> Self {
        let topo = graph.cch();
        Self {
            topo,
            metric: Metric::customize(topo, &weights.time_ms, &graph.length_m),
        }
    }

    /// The fastest route from node `from` to node `to` (road edges in order), or
    /// `None` when unreachable. O(two walks + route length).
    pub fn route(&self, from: NodeId, to: NodeId) -> Option<Found> {
        let n = self.topo.node_count();
        let (mut f, mut b) = (Walk::new(n), Walk::new(n));
        query::route(
            self.topo,
            &self.metric,
            &mut f,
            &mut b,
            self.topo.rank[from as usize],
            self.topo.rank[to as usize],
        )
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
        let n = self.topo.node_count();
        let k = sel.nodes.len();
        walk_from
            .par_iter()
            .map_init(
                || (Walk::new(n), vec![INF; k], vec![0f32; k]),
                |(walk, ms, m), &s| {
                    walk.run(self.topo, walk_dir, self.topo.rank[s as usize]);
                    sel.sweep(walk, sweep_dir, ms, m);
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
