//! Warm start of a plan's matrices after more roads close: the duty officer's
//! re-plan. A closure reported during an incident only raises travel times, so
//! instead of recomputing every matrix, the shortest-path trees kept from the
//! previous preparation are repaired ([`crate::network::repair`]) and only the
//! tour-hop rows the closure could touch are searched again.
//!
//! Invariant: [`repaired`] returns exactly what [`super::prepare`] computes
//! on the new disruption (same hours, same hops; tested on the real Beijing
//! graph), or `None` when the new weights are lower anywhere (a road reopened,
//! a slow area lifted), where only a cold start is correct.

use std::time::Instant;

use rayon::prelude::*;

use super::hops::{Hops, DEFAULT_NEIGHBOURS};
use super::travel::TravelHours;
use super::{PlanError, Prepared};
use crate::network::geo::haversine_m;
use crate::network::graph::EdgeId;
use crate::network::repair::{Change, InEdges, Repairer, ShortestPathTree};
use crate::network::{EdgeWeights, RoadGraph};
use crate::scenario::Scenario;

/// Shortest-path trees from and to every warehouse of a [`Prepared`], with what
/// repairing them needs. Memory: about 20 bytes per node per warehouse and
/// direction (Level I: 23 warehouses, 85 k nodes → 80 MB).
pub struct Trees {
    /// From each warehouse, on the graph.
    forward: Vec<ShortestPathTree>,
    /// To each warehouse: trees on the reversed graph.
    backward: Vec<ShortestPathTree>,
    in_edges: InEdges,
    reversed: RoadGraph,
    reversed_in_edges: InEdges,
    /// Original edge of each reversed edge.
    reversed_orig: Vec<EdgeId>,
    /// Reversed edge of each edge.
    to_reversed: Vec<EdgeId>,
    /// Fastest speed of any edge under the trees' weights, metres per ms.
    fastest_m_per_ms: f64,
}

impl Trees {
    /// Builds the trees of `prep` on `graph`: one full Dijkstra per warehouse
    /// and direction, in parallel. O(W · m log n).
    pub fn build(graph: &RoadGraph, prep: &Prepared) -> Self {
        let (reversed, orig) = graph.reversed();
        let rw = prep.weights.for_reversed(&orig);
        let forward = prep
            .warehouse_nodes
            .par_iter()
            .map(|&w| ShortestPathTree::build(graph, &prep.weights, w))
            .collect();
        let backward = prep
            .warehouse_nodes
            .par_iter()
            .map(|&w| ShortestPathTree::build(&reversed, &rw, w))
            .collect();
        let mut to_reversed = vec![0; orig.len()];
        for (r, &e) in orig.iter().enumerate() {
            to_reversed[e as usize] = r as EdgeId;
        }
        let fastest_m_per_ms = (0..graph.edge_count())
            .filter(|&e| prep.weights.time_ms[e] > 0)
            .map(|e| f64::from(graph.length_m[e]) / f64::from(prep.weights.time_ms[e]))
            .fold(0.0, f64::max);
        Self {
            forward,
            backward,
            in_edges: InEdges::new(graph),
            reversed_in_edges: InEdges::new(&reversed),
            reversed,
            reversed_orig: orig,
            to_reversed,
            fastest_m_per_ms,
        }
    }

    /// Bytes held by the trees.
    pub fn heap_bytes(&self) -> usize {
        self.forward
            .iter()
            .chain(&self.backward)
            .map(ShortestPathTree::heap_bytes)
            .sum()
    }
}

/// The preparation of `scenario` (the same warehouses and shelters as `base`,
/// more roads closed or slowed) from `base` and its `trees`, or `None` when
/// some edge is faster than under `base`.
pub fn repaired(
    scenario: &Scenario,
    graph: &RoadGraph,
    base: &Prepared,
    trees: &Trees,
) -> Result<Option<Prepared>, PlanError> {
    let t0 = Instant::now();
    let (weights, _) = super::apply_disruption(scenario, graph)?;
    let mut changed: Vec<EdgeId> = Vec::new();
    for (e, (&new, &old)) in weights
        .time_ms
        .iter()
        .zip(&base.weights.time_ms)
        .enumerate()
    {
        if new < old {
            return Ok(None);
        }
        if new > old {
            changed.push(e as EdgeId);
        }
    }
    if changed.is_empty() {
        return Ok(Some(Prepared {
            weights,
            matrix_s: t0.elapsed().as_secs_f64(),
            ..base.clone()
        }));
    }
    let shelters = &base.shelter_nodes;
    let hours = |ms: u32| (ms != u32::MAX).then(|| f64::from(ms) / 1000.0 / 3600.0);
    let repair = |rep: &mut Repairer,
                  g: &RoadGraph,
                  inn: &InEdges,
                  tree: &ShortestPathTree,
                  w: &EdgeWeights,
                  ch: &[EdgeId]| {
        let mut out = Vec::new();
        rep.distances(
            g,
            inn,
            tree,
            Change {
                weights: w,
                changed: ch,
            },
            shelters,
            &mut out,
        );
        out.into_iter().map(hours).collect::<Vec<_>>()
    };
    let out: Vec<Vec<Option<f64>>> = trees
        .forward
        .par_iter()
        .map_init(
            || Repairer::new(graph.node_count()),
            |rep, t| repair(rep, graph, &trees.in_edges, t, &weights, &changed),
        )
        .collect();
    let rw = weights.for_reversed(&trees.reversed_orig);
    let rchanged: Vec<EdgeId> = changed
        .iter()
        .map(|&e| trees.to_reversed[e as usize])
        .collect();
    let back: Vec<Vec<Option<f64>>> = trees
        .backward
        .par_iter()
        .map_init(
            || Repairer::new(graph.node_count()),
            |rep, t| {
                let g = &trees.reversed;
                repair(rep, g, &trees.reversed_in_edges, t, &rw, &rchanged)
            },
        )
        .collect();
    let travel = TravelHours::from_rows(&out, &back);
    // A hop row can change only if a changed edge lies within the row's longest
    // hop of its shelter, at the fastest speed of any road.
    let tails: Vec<[f64; 2]> = changed
        .iter()
        .map(|&e| graph.coord(graph.tail[e as usize]))
        .collect();
    let reach_m = |a: usize| {
        base.hops.next[a].iter().map(|h| h.1).fold(0.0, f64::max)
            * 3_600_000.0
            * trees.fastest_m_per_ms
    };
    let rows: Vec<usize> = (0..shelters.len())
        .filter(|&a| {
            let here = graph.coord(shelters[a]);
            let r = reach_m(a);
            !base.hops.next[a].is_empty() && tails.iter().any(|&t| haversine_m(here, t) <= r + 1.0)
        })
        .collect();
    let points: Vec<[f64; 2]> = scenario.shelters.iter().map(|s| [s.lon, s.lat]).collect();
    let mut hops = base.hops.clone();
    let router = crate::network::Router::auto(graph, &weights, rows.len());
    for (a, row) in rows.iter().zip(Hops::rows(
        &router,
        &points,
        shelters,
        DEFAULT_NEIGHBOURS,
        &rows,
    )) {
        hops.next[*a] = row;
    }
    tracing::debug!(
        changed = changed.len(),
        hop_rows = rows.len(),
        "matrices repaired"
    );
    Ok(Some(Prepared {
        warehouse_nodes: base.warehouse_nodes.clone(),
        shelter_nodes: base.shelter_nodes.clone(),
        weights,
        travel,
        hops,
        matrix_s: t0.elapsed().as_secs_f64(),
    }))
}
