//! Time matrices swept for several sources at once.
//!
//! The selection sweep of [`super::query`] reads every arc of the selection
//! once per source. Here [`LANES`] sources share one sweep: each selected node
//! holds one label per source side by side, so each arc is read once per
//! batch and relaxed for all its sources in a short loop the compiler turns
//! into vector instructions (Delling, Goldberg, Werneck, "Faster Batched
//! Shortest Paths in Road Networks", ATMOS 2011). Times only: no distances, no
//! routes, so it runs on any metric, times-only ones included
//! ([`Metric::customize_times`]).

use super::contract::{Topology, NONE};
use super::metric::{Metric, INF};
use super::query::{Gathered, Selection, Walk};

/// Sources swept together.
pub const LANES: usize = 8;

/// One fixed set of targets, ready for time matrices from any sources under
/// any metric of the same topology (build once, sweep per metric).
#[derive(Debug, Clone)]
pub struct Targets {
    sel: Selection,
}

/// One thread's working memory for [`Targets::times`].
#[derive(Debug, Clone)]
pub struct Scratch {
    walk: Walk,
    labels: Vec<[u32; LANES]>,
}

impl Targets {
    /// The targets `ranks` (CCH ranks, in the order rows will list them).
    /// O(n) scratch, O(their ancestors) work.
    pub fn new(topo: &Topology, ranks: &[u32]) -> Targets {
        Targets {
            sel: Selection::new(topo, ranks),
        }
    }

    /// Number of targets.
    pub fn len(&self) -> usize {
        self.sel.seeds.len()
    }

    /// True when there are no targets.
    pub fn is_empty(&self) -> bool {
        self.sel.seeds.is_empty()
    }

    /// Working memory for one thread.
    pub fn scratch(&self, topo: &Topology) -> Scratch {
        Scratch {
            walk: Walk::new(topo.node_count()),
            labels: vec![[INF; LANES]; self.sel.nodes.len()],
        }
    }

    /// The downward weights of `metric` on the targets' selection, once per
    /// metric for any number of [`Targets::times`] calls.
    pub fn gather(&self, metric: &Metric) -> Gathered {
        self.sel.gather(&metric.down)
    }

    /// Travel times (ms, [`INF`] = unreachable) from each of `sources` (ranks)
    /// to every target, row-major, appended to `out`. `down` is
    /// [`Targets::gather`] of the same `metric`.
    /// O(Σ walks + ⌈|sources| / LANES⌉ · arcs of the selection · LANES).
    pub fn times(
        &self,
        topo: &Topology,
        metric: &Metric,
        down: &Gathered,
        sources: &[u32],
        scratch: &mut Scratch,
        out: &mut Vec<u32>,
    ) {
        for batch in sources.chunks(LANES) {
            self.sweep(topo, metric, down, batch, scratch);
            for lane in 0..batch.len() {
                out.extend(
                    self.sel
                        .seeds
                        .iter()
                        .map(|&p| scratch.labels[p as usize][lane]),
                );
            }
        }
    }

    /// Labels every selected node with its time from each source of `batch`
    /// (at most [`LANES`]; unused lanes stay [`INF`]).
    fn sweep(
        &self,
        topo: &Topology,
        metric: &Metric,
        down: &Gathered,
        batch: &[u32],
        scratch: &mut Scratch,
    ) {
        let labels = &mut scratch.labels;
        labels.fill([INF; LANES]);
        for (lane, &s) in batch.iter().enumerate() {
            scratch.walk.run(topo, &metric.up, s);
            let mut v = s;
            while v != NONE {
                let p = self.sel.position[v as usize];
                if p != NONE {
                    labels[p as usize][lane] = scratch.walk.label(v).0;
                }
                v = topo.parent[v as usize];
            }
        }
        for i in 0..labels.len() {
            let mut d = labels[i];
            for k in down.first[i] as usize..down.first[i + 1] as usize {
                let (h, w) = (down.pos[k] as usize, down.ms[k]);
                let from = labels[h];
                for lane in 0..LANES {
                    d[lane] = d[lane].min(from[lane].saturating_add(w));
                }
            }
            labels[i] = d;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::cch::{prepare, CchEngine};
    use crate::network::synthetic::grid_city;
    use crate::network::{EdgeWeights, MatrixEngine};

    #[test]
    fn batched_times_equal_the_engine_matrix_for_any_source_count() {
        let g = grid_city(30, 20, 3).unwrap();
        let (topo, _) = prepare(&g);
        let _ = g.routing.set(std::sync::Arc::new(topo));
        let topo = g.cch();
        let mut w = EdgeWeights::base(&g);
        // Close every 7th edge so some arcs are infinite, some pairs unreachable.
        for e in (0..w.time_ms.len()).step_by(7) {
            w.time_ms[e] = INF;
        }
        let n = g.node_count() as u32;
        let targets: Vec<u32> = (0..n).step_by(11).collect();
        let want = CchEngine::new(&g, &w);
        let times_only = Metric::customize_times(topo, &w.time_ms);
        let rank = |v: &u32| topo.rank[*v as usize];
        let t = Targets::new(topo, &targets.iter().map(rank).collect::<Vec<_>>());
        assert_eq!(t.len(), targets.len());
        let down = t.gather(&times_only);
        let mut scratch = t.scratch(topo);
        for k in [1, LANES - 1, LANES, 2 * LANES + 3] {
            let sources: Vec<u32> = (0..k as u32).map(|i| (i * 37) % n).collect();
            let mut got = Vec::new();
            let ranks: Vec<u32> = sources.iter().map(rank).collect();
            t.times(topo, &times_only, &down, &ranks, &mut scratch, &mut got);
            let m = want.matrix(&sources, &targets, &crate::progress::Silent);
            assert_eq!(got.len(), k * targets.len());
            let mut unreachable = 0;
            for (i, row) in got.chunks(targets.len()).enumerate() {
                for (j, &ms) in row.iter().enumerate() {
                    let expect = m.get(i, j).map(|l| (l.seconds * 1000.0).round() as u32);
                    assert_eq!((ms != INF).then_some(ms), expect, "source {i}, target {j}");
                    unreachable += usize::from(ms == INF);
                }
            }
            assert!(unreachable < got.len(), "some pairs must be reachable");
        }
    }
}
