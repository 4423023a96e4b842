//! The re-plan's warm start: matrices repaired after more roads close equal
//! matrices computed from scratch, on the real Beijing graph.

mod common;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use reliefflow::network::route::fastest_route;
use reliefflow::network::SlowArea;
use reliefflow::plan::warm::{repaired, Trees};
use reliefflow::plan::{prepare, Prepared};
use reliefflow::scenario::Scenario;

use common::{graph, repo};

fn same(a: &Prepared, b: &Prepared) {
    assert_eq!(a.weights.time_ms, b.weights.time_ms);
    assert_eq!(a.travel, b.travel, "warehouse ↔ shelter hours");
    assert_eq!(a.hops, b.hops, "tour hops");
}

#[test]
fn repaired_matrices_equal_fresh_ones_after_more_closures() {
    let g = graph("beijing-core");
    let base_sc = Scenario::load(&repo("scenarios/xicheng-earthquake")).unwrap();
    let base = prepare(&base_sc, &g).unwrap();
    let trees = Trees::build(&g, &base);
    // Ways the plan's roads use (warehouse → shelter routes), so closures bite.
    let (w, _) = base_sc.disruption.apply(&g).unwrap();
    let mut used: Vec<i64> = Vec::new();
    for (k, &s) in base.shelter_nodes.iter().enumerate().step_by(7) {
        let from = base.warehouse_nodes[k % base.warehouse_nodes.len()];
        if let Some(r) = fastest_route(&g, &w, from, s) {
            used.extend(r.ways.iter().skip(r.ways.len() / 3).step_by(5));
        }
    }
    used.sort_unstable();
    used.dedup();
    assert!(used.len() > 20, "{} ways", used.len());
    let mut runner = TestRunner::new(Config {
        cases: 12,
        ..Config::default()
    });
    runner
        .run(&proptest::collection::vec(0..used.len(), 1..6), |picks| {
            let mut sc = base_sc.clone();
            sc.disruption
                .closed_ways
                .extend(picks.iter().map(|&k| used[k]));
            let cold = prepare(&sc, &g).unwrap();
            let warm = repaired(&sc, &g, &base, &trees)
                .unwrap()
                .expect("only closures added");
            same(&warm, &cold);
            prop_assert!(cold.travel != base.travel || cold.hops != base.hops || picks.is_empty());
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_faster_road_is_a_cold_start() {
    let g = graph("beijing-core");
    let sc = Scenario::load(&repo("scenarios/xicheng-earthquake")).unwrap();
    let base = prepare(&sc, &g).unwrap();
    let trees = Trees::build(&g, &base);
    // Unchanged roads: the base as it is.
    same(&repaired(&sc, &g, &base, &trees).unwrap().unwrap(), &base);
    // A slow area lifted (its roads faster than in the base): no warm start.
    let mut lifted = sc.clone();
    assert!(
        !lifted.disruption.slow_areas.is_empty(),
        "the scenario slows an area"
    );
    lifted.disruption.slow_areas.clear();
    assert!(repaired(&lifted, &g, &base, &trees).unwrap().is_none());
    // A slow area added: weights only go up, the repair equals a fresh start.
    let mut slowed = sc.clone();
    let area = slowed.disruption.slow_areas[0].area.clone();
    slowed.disruption.slow_areas.push(SlowArea {
        area,
        factor: 0.5,
        label: "more rubble".into(),
    });
    same(
        &repaired(&slowed, &g, &base, &trees).unwrap().unwrap(),
        &prepare(&slowed, &g).unwrap(),
    );
}
