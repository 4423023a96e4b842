//! Customizable contraction hierarchies (Dibbelt, Strasser, Wagner, "Customizable
//! Contraction Hierarchies", ACM JEA 2016): the routing engine for disrupted
//! road networks.
//!
//! Three phases, read in this order:
//! 1. [`order`] — a nested-dissection order of the nodes by inertial flow
//!    (separators by [`cut`]), from the graph's shape and coordinates only;
//! 2. [`contract`] — the chordal supergraph in that order and its elimination
//!    tree ([`Topology`]), computed once per road graph and cached with it;
//! 3. [`metric`] — customization: the arcs' travel times under one disruption
//!    (closed roads infinite, slowed roads scaled), milliseconds per city;
//!
//! then [`query`] (elimination-tree walks, routes, selection sweeps for
//! matrices), [`batch`] (time matrices swept for several sources at once),
//! [`partial`] (customization after a few changed roads) and [`engine`]
//! ([`CchEngine`], a [`super::MatrixEngine`]).
//!
//! Distances equal Dijkstra's on the same weights (property-tested against
//! [`super::dijkstra`], the reference implementation); between equally fast
//! routes the two may pick different ones.

pub mod batch;
pub mod contract;
pub mod cut;
pub mod engine;
pub mod metric;
pub mod order;
pub mod partial;
pub mod query;

use std::time::Instant;

pub use contract::Topology;
pub use engine::CchEngine;
pub use metric::Metric;

use super::graph::RoadGraph;

/// `items` (key, value) grouped by key into CSR form over keys `0..n`, each
/// key's values in the order given: (offsets with `n + 1` entries, values).
/// O(n + items).
pub(crate) fn bucket<T: Copy + Default>(
    n: usize,
    items: impl Iterator<Item = (usize, T)> + Clone,
) -> (Vec<u32>, Vec<T>) {
    let mut first = vec![0u32; n + 1];
    for (k, _) in items.clone() {
        first[k + 1] += 1;
    }
    for k in 0..n {
        first[k + 1] += first[k];
    }
    let mut fill = first.clone();
    let mut values = vec![T::default(); first[n] as usize];
    for (k, v) in items {
        values[fill[k] as usize] = v;
        fill[k] += 1;
    }
    (first, values)
}

/// Wall times of the metric-independent phases, seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PrepareTimes {
    /// Nested-dissection order.
    pub order_s: f64,
    /// Contraction.
    pub contract_s: f64,
}

/// Orders and contracts `graph`. O(order) + O(contraction), see the modules.
pub fn prepare(graph: &RoadGraph) -> (Topology, PrepareTimes) {
    let t0 = Instant::now();
    let g = cut::Undirected::from_pairs(
        graph.node_count(),
        graph.tail.iter().copied().zip(graph.head.iter().copied()),
    );
    let coords: Vec<[f64; 2]> = (0..graph.node_count() as u32)
        .map(|v| graph.coord(v))
        .collect();
    let ord = order::nested_dissection(&g, &coords);
    let order_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let topo = Topology::contract(&g, &ord, &graph.tail, &graph.head);
    let contract_s = t1.elapsed().as_secs_f64();
    (
        topo,
        PrepareTimes {
            order_s,
            contract_s,
        },
    )
}
