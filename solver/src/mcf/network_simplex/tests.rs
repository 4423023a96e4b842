//! Tests of the simplex internals: renumbering and the crash basis.

use super::*;

/// A solver for `net` (no lower bounds, exact mode) with a safe big-M.
fn simplex(net: &crate::mcf::FlowNetwork) -> NetworkSimplex {
    let arcs: Vec<_> = net
        .arcs
        .iter()
        // No lower bounds here, and UNBOUNDED is INF: the upper bound is the
        // capacity.
        .map(|a| (a.tail, a.head, a.upper, a.cost))
        .collect();
    let max_cost = net.arcs.iter().map(|a| a.cost.abs()).max().unwrap_or(0);
    let art = (max_cost + 1) * (net.node_count() as i64 + 1);
    NetworkSimplex::new(&net.supply, arcs.len(), |k| arcs[k], art)
}

fn cost(ns: &NetworkSimplex, net: &crate::mcf::FlowNetwork) -> i64 {
    (0..net.arcs.len())
        .map(|k| ns.flow(k) * net.arcs[k].cost)
        .sum()
}

#[test]
fn transport_crash_renumbers_and_keeps_the_optimum_and_duals() {
    let net = crate::gen::transport(8, 300, 5);
    let mut crash = simplex(&net);
    assert_eq!(
        crash.run_cold(StartBasis::ShortestPaths),
        RawStatus::Optimal
    );
    let identity: Vec<u32> = (0..net.node_count() as u32).collect();
    assert_ne!(crash.node_pos, identity, "the crash tree holds every node");
    let mut art = simplex(&net);
    assert_eq!(art.run_cold(StartBasis::Artificial), RawStatus::Optimal);
    assert_eq!(cost(&crash, &net), cost(&art, &net));
    // Potentials read through the renumbering are optimal duals: no arc has a
    // negative reduced cost while it could carry more flow.
    for (k, a) in net.arcs.iter().enumerate() {
        let rc = a.cost + crash.potential(a.tail as usize) - crash.potential(a.head as usize);
        assert!(
            rc >= 0 || crash.flow(k) == a.upper,
            "arc {k}: reduced cost {rc}"
        );
        assert!(rc <= 0 || crash.flow(k) == 0, "arc {k}: reduced cost {rc}");
    }
}

#[test]
fn renumbering_before_every_pivot_changes_nothing_but_the_memory_order() {
    let net = crate::gen::road_grid(25, 25, 5, 80, 7);
    let mut once = simplex(&net);
    assert_eq!(once.run_cold(StartBasis::Artificial), RawStatus::Optimal);
    let mut every = simplex(&net);
    every.renumber_work = 0;
    assert_eq!(every.run_cold(StartBasis::Artificial), RawStatus::Optimal);
    let identity: Vec<u32> = (0..net.node_count() as u32).collect();
    assert_ne!(every.node_pos, identity);
    // The pivot rule never looks at node numbers: same pivots, same flows.
    assert_eq!(every.iterations(), once.iterations());
    for k in 0..net.arcs.len() {
        assert_eq!(every.flow(k), once.flow(k), "arc {k}");
    }
    for u in 0..net.node_count() {
        assert_eq!(every.potential(u), once.potential(u), "node {u}");
    }
}

#[test]
fn grid_crash_keeps_the_input_numbering() {
    let net = crate::gen::road_grid(20, 20, 3, 10, 1);
    let mut ns = simplex(&net);
    assert_eq!(ns.run_cold(StartBasis::ShortestPaths), RawStatus::Optimal);
    let identity: Vec<u32> = (0..net.node_count() as u32).collect();
    assert_eq!(ns.node_pos, identity, "most nodes hang on the root");
}
