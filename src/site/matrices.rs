//! Travel-time matrices (sites × shelters) for every damage scenario. Shortest-path
//! trees from every site are built once on the scenario's own weights; each damage
//! scenario then repairs them ([`crate::network::repair`]) instead of running fresh
//! Dijkstras. Scenarios run in parallel (rayon), each worker with its own weights
//! buffer and scratch, so memory stays at one tree per site plus the matrices.

use std::time::Instant;

use rayon::prelude::*;
use solver::siting::{to_units, TimeMatrix};

use super::damage::{DamageModel, DamageScenario};
use crate::network::cch::batch::Targets;
use crate::network::cch::partial::Index;
use crate::network::cch::Metric;
use crate::network::engine::default_engine;
use crate::network::repair::{Change, InEdges, Repairer, ShortestPathTree};
use crate::network::{EdgeWeights, NodeId, RoadGraph};
use crate::progress::Progress;

/// The matrices of all damage scenarios.
#[derive(Debug, Clone)]
pub struct ScenarioMatrices {
    /// One matrix per damage scenario; times include each site's handling hours.
    pub matrices: Vec<TimeMatrix>,
    /// What each damage scenario did.
    pub damage: Vec<DamageScenario>,
    /// Mean share of graph nodes whose distance had to be recomputed per (scenario, site).
    pub repaired_share: f64,
    /// Wall time building the trees, seconds.
    pub trees_s: f64,
    /// Wall time of the sweep, seconds.
    pub sweep_s: f64,
}

/// Inputs of the sweep.
pub struct SweepInput<'a> {
    /// The road graph.
    pub graph: &'a RoadGraph,
    /// The scenario's weights (its own disruption applied).
    pub base: &'a EdgeWeights,
    /// Damage sampler.
    pub model: &'a DamageModel<'a>,
    /// Site nodes (existing warehouses first, then candidates).
    pub sources: &'a [NodeId],
    /// Hours added to every trip from each site (loading + unloading).
    pub handling_h: &'a [f64],
    /// Shelter nodes.
    pub targets: &'a [NodeId],
    /// Epicentre of each scenario (`[0]` unused).
    pub epicentres: &'a [[f64; 2]],
}

/// Runs the sweep, one progress step per damage scenario: with the CCH (when
/// the process-wide engine picks it for this many sites), one customization and one
/// matrix per damage scenario; else by repairing shortest-path trees.
pub fn sweep(inp: &SweepInput<'_>, progress: &dyn Progress) -> ScenarioMatrices {
    if default_engine().picks_cch(inp.graph, inp.sources.len()) {
        return sweep_cch(inp, progress);
    }
    let t0 = Instant::now();
    let trees: Vec<ShortestPathTree> = inp
        .sources
        .par_iter()
        .map(|&s| ShortestPathTree::build(inp.graph, inp.base, s))
        .collect();
    let in_edges = InEdges::new(inp.graph);
    let trees_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    progress.begin("damage scenarios", inp.epicentres.len() as u64);
    let n = inp.graph.node_count();
    let points = inp.targets.len();
    let results: Vec<(TimeMatrix, DamageScenario, u64)> =
        (0..inp.epicentres.len())
            .into_par_iter()
            .map_init(
                || (inp.base.clone(), Repairer::new(n), Vec::new(), Vec::new()),
                |(weights, rep, changed, out), s| {
                    let damage = inp.model.apply(s, inp.epicentres[s], weights, changed);
                    let mut times = Vec::with_capacity(inp.sources.len() * points);
                    let mut repaired = 0u64;
                    for (tree, &h) in trees.iter().zip(inp.handling_h) {
                        let st = rep.distances(
                            inp.graph,
                            &in_edges,
                            tree,
                            Change { weights, changed },
                            inp.targets,
                            out,
                        );
                        repaired += st.affected as u64;
                        times.extend(out.iter().map(|&ms| {
                            to_units((ms != u32::MAX).then(|| f64::from(ms) / 3.6e6 + h))
                        }));
                    }
                    inp.model.restore(weights, changed);
                    progress.step(1);
                    (TimeMatrix { points, times }, damage, repaired)
                },
            )
            .collect();
    progress.end();
    let cells = (results.len() * inp.sources.len() * n).max(1) as f64;
    let repaired: u64 = results.iter().map(|r| r.2).sum();
    let (matrices, damage) = results.into_iter().map(|(m, d, _)| (m, d)).unzip();
    ScenarioMatrices {
        matrices,
        damage,
        repaired_share: repaired as f64 / cells,
        trees_s,
        sweep_s: t1.elapsed().as_secs_f64(),
    }
}

/// Most changed road edges, per thousand edges, for which a damage scenario is
/// customized partially rather than in full.
const PARTIAL_MAX_SHARE: usize = 5;

/// [`sweep`] on the CCH: per damage scenario, a times-only customization and
/// one batched matrix ([`Targets`], the shelters' selection built once). A
/// scenario that changes few roads (at most [`PARTIAL_MAX_SHARE`] per
/// thousand edges) updates the arcs they reach in a copy of the scenario's own
/// metric ([`Metric::update`]) and restores them after; the others customize in
/// full. The repaired share is reported as 1 (every distance is recomputed).
fn sweep_cch(inp: &SweepInput<'_>, progress: &dyn Progress) -> ScenarioMatrices {
    let t0 = Instant::now();
    let topo = inp.graph.cch();
    let base = Metric::customize_times(topo, &inp.base.time_ms);
    let index = Index::new(topo);
    let rank = |v: &NodeId| topo.rank[*v as usize];
    let targets = Targets::new(topo, &inp.targets.iter().map(rank).collect::<Vec<_>>());
    let sources: Vec<u32> = inp.sources.iter().map(rank).collect();
    let trees_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    progress.begin("damage scenarios", inp.epicentres.len() as u64);
    let points = inp.targets.len();
    let results: Vec<(TimeMatrix, DamageScenario)> =
        (0..inp.epicentres.len())
            .into_par_iter()
            .map_init(
                || {
                    let metric = base.clone();
                    (
                        inp.base.clone(),
                        Vec::new(),
                        metric,
                        Vec::new(),
                        targets.scratch(topo),
                    )
                },
                |(weights, changed, metric, touched, scratch), s| {
                    let damage = inp.model.apply(s, inp.epicentres[s], weights, changed);
                    let mut ms = Vec::with_capacity(sources.len() * points);
                    // A few changed roads: recompute the arcs they reach; many: a
                    // full customization is cheaper (measured on Beijing).
                    if changed.len() <= PARTIAL_MAX_SHARE * weights.time_ms.len() / 1000 {
                        metric.update(topo, &index, &weights.time_ms, &[], changed, touched);
                        let down = targets.gather(metric);
                        targets.times(topo, metric, &down, &sources, scratch, &mut ms);
                        metric.restore(&base, touched);
                    } else {
                        let full = Metric::customize_times(topo, &weights.time_ms);
                        let down = targets.gather(&full);
                        targets.times(topo, &full, &down, &sources, scratch, &mut ms);
                    }
                    inp.model.restore(weights, changed);
                    let mut times = Vec::with_capacity(sources.len() * points);
                    for (row, &h) in ms.chunks(points.max(1)).zip(inp.handling_h) {
                        times.extend(row.iter().map(|&ms| {
                            to_units((ms != u32::MAX).then(|| f64::from(ms) / 3.6e6 + h))
                        }));
                    }
                    progress.step(1);
                    (TimeMatrix { points, times }, damage)
                },
            )
            .collect();
    progress.end();
    let (matrices, damage) = results.into_iter().unzip();
    ScenarioMatrices {
        matrices,
        damage,
        repaired_share: 1.0,
        trees_s,
        sweep_s: t1.elapsed().as_secs_f64(),
    }
}
