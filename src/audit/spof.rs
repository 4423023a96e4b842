//! Single points of failure: which roads carry the most relief in a plan, so each
//! can be closed in a what-if (warehouses are lost one by one in [`super`]).

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::network::dijkstra::Dijkstra;
use crate::network::{NodeId, RoadGraph};
use crate::plan::Plan;
use crate::scenario::Scenario;

/// The `n` ways carrying the most kg of relief in `plan` (each leg's load counted
/// once per way it uses), as `(way id, kg)`, busiest first.
pub fn busiest_ways(sc: &Scenario, graph: &RoadGraph, plan: &Plan, n: usize) -> Vec<(i64, f64)> {
    let kg =
        |l: &crate::plan::load::Line| l.quantity as f64 * sc.catalogue.items[l.item].kg_per_unit;
    // Legs with the load aboard, grouped by their start node.
    let mut legs: BTreeMap<NodeId, BTreeMap<NodeId, f64>> = BTreeMap::new();
    for t in &plan.trips {
        let mut aboard: f64 = t.stops.iter().flat_map(|s| &s.load).map(kg).sum();
        let mut from = plan.warehouse_nodes[t.warehouse];
        for st in &t.stops {
            let to = plan.shelter_nodes[st.shelter];
            *legs.entry(from).or_default().entry(to).or_default() += aboard;
            aboard -= st.load.iter().map(kg).sum::<f64>();
            from = to;
        }
    }
    let per_source: Vec<BTreeMap<i64, f64>> = legs
        .par_iter()
        .map_init(
            || Dijkstra::new(graph.node_count()),
            |dj, (&src, tos)| {
                let targets: Vec<NodeId> = tos.keys().copied().collect();
                dj.run(graph, &plan.weights, src, &targets, u32::MAX);
                let mut flow: BTreeMap<i64, f64> = BTreeMap::new();
                for (&to, &load) in tos {
                    let ways: BTreeSet<i64> = dj
                        .path_edges(graph, to)
                        .unwrap_or_default()
                        .iter()
                        .map(|&e| graph.way_id[e as usize])
                        .collect();
                    for w in ways {
                        *flow.entry(w).or_default() += load;
                    }
                }
                flow
            },
        )
        .collect();
    let mut total: BTreeMap<i64, f64> = BTreeMap::new();
    for f in per_source {
        for (w, kg) in f {
            *total.entry(w).or_default() += kg;
        }
    }
    let mut v: Vec<(i64, f64)> = total.into_iter().collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(n);
    v
}
