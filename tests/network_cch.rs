//! The CCH engine against Dijkstra (the reference implementation) on every bundled
//! extract, under random disruptions: equal travel times, unreachable stays
//! unreachable, and every unpacked route is a path of the road graph from the
//! source to the target whose edge times add up to its travel time.

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reliefflow::network::cch::{CchEngine, Metric};
use reliefflow::network::disruption::CLOSED;
use reliefflow::network::matrix::travel_matrix_to_few;
use reliefflow::network::route::fastest_route;
use reliefflow::network::{DijkstraEngine, EdgeWeights, MatrixEngine, RoadGraph};
use reliefflow::progress::Silent;

use common::graph;

const EXTRACTS: [&str; 4] = [
    "helsinki-region-small",
    "liechtenstein-latest",
    "beijing-core",
    "malta-latest",
];

fn graphs() -> &'static Vec<RoadGraph> {
    static G: OnceLock<Vec<RoadGraph>> = OnceLock::new();
    G.get_or_init(|| {
        EXTRACTS
            .iter()
            .map(|n| {
                let g = graph(n);
                g.cch();
                g
            })
            .collect()
    })
}

/// Base weights with every edge of a random share of the ways closed and the
/// rest slowed by a random factor per way (1 to 4).
fn disrupted(g: &RoadGraph, closed_per_mille: u64, seed: u64) -> EdgeWeights {
    let mut w = EdgeWeights::base(g);
    let mix = |x: i64| {
        let mut z = (x as u64) ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z ^ (z >> 27)
    };
    for e in 0..g.edge_count() {
        let h = mix(g.way_id[e]);
        if h % 1000 < closed_per_mille {
            w.time_ms[e] = CLOSED;
        } else {
            w.time_ms[e] = w.time_ms[e].saturating_mul(1 + (h >> 20) as u32 % 4);
        }
    }
    w
}

fn nodes(g: &RoadGraph, k: usize, seed: u64) -> Vec<u32> {
    let n = g.node_count() as u64;
    (0..k as u64)
        .map(|i| ((i.wrapping_mul(2_654_435_761) ^ seed).wrapping_mul(40_503) % n) as u32)
        .collect()
}

fn check(g: &RoadGraph, w: &EdgeWeights, from: &[u32], to: &[u32]) -> Result<(), TestCaseError> {
    let cch = CchEngine::new(g, w);
    let a = cch.matrix(from, to, &Silent);
    let b = DijkstraEngine::new(g, w).matrix(from, to, &Silent);
    // The other query direction (one sweep per target, as for many sources),
    // against backward Dijkstra searches from the targets.
    let c = cch.matrix(to, from, &Silent);
    let d = travel_matrix_to_few(g, w, to, from);
    // Batched time sweeps, on this metric and on a times-only one.
    let times = cch.times(from, to);
    let times_only = CchEngine::with_metric(g, Metric::customize_times(g.cch(), &w.time_ms));
    prop_assert!(!times_only.metric().has_routes());
    prop_assert_eq!(&times_only.times(from, to), &times);
    for i in 0..from.len() {
        for j in 0..to.len() {
            let (x, y) = (a.get(i, j), b.get(i, j));
            prop_assert_eq!(x.map(|l| l.seconds), y.map(|l| l.seconds));
            let t = times[i * to.len() + j];
            prop_assert_eq!(
                (t != CLOSED).then(|| f64::from(t) / 1000.0),
                y.map(|l| l.seconds)
            );
            prop_assert_eq!(
                c.get(j, i).map(|l| l.seconds),
                d.get(j, i).map(|l| l.seconds)
            );
            // A distance belongs to the route found (equally fast routes may
            // differ in length, so it is checked on the routes below).
            if let Some(x) = x {
                prop_assert!(x.metres.is_finite() && (x.metres > 0.0) == (x.seconds > 0.0));
            }
        }
    }
    // Routes: a path of exactly that time, from source to target.
    for (&s, &t) in from.iter().zip(to.iter()).take(25) {
        let found = cch.route(s, t);
        let reference = fastest_route(g, w, s, t);
        prop_assert_eq!(found.is_some(), reference.is_some());
        let (Some(f), Some(r)) = (found, reference) else {
            continue;
        };
        prop_assert_eq!(f64::from(f.ms) / 1000.0, r.seconds);
        let mut at = s;
        let mut ms: u64 = 0;
        let mut metres = 0.0f64;
        for &e in &f.edges {
            let e = e as usize;
            prop_assert_eq!(g.tail[e], at, "edges must chain");
            prop_assert!(w.time_ms[e] != CLOSED, "a closed edge is driven");
            ms += u64::from(w.time_ms[e]);
            metres += f64::from(g.length_m[e]);
            at = g.head[e];
        }
        prop_assert_eq!(at, t);
        prop_assert_eq!(ms, u64::from(f.ms));
        prop_assert!((metres - f64::from(f.metres)).abs() <= 1e-3 * metres.max(1.0));
    }
    Ok(())
}

#[test]
fn undisrupted_distances_equal_dijkstra_on_every_extract() {
    for g in graphs() {
        let w = EdgeWeights::base(g);
        check(g, &w, &nodes(g, 30, 1), &nodes(g, 400, 2)).unwrap();
    }
}

#[test]
fn disrupted_distances_and_routes_equal_dijkstra() {
    let mut runner = TestRunner::new(Config {
        cases: 8,
        ..Config::default()
    });
    runner
        .run(
            &(0..EXTRACTS.len(), 0u64..80, any::<u64>()),
            |(x, closed, seed)| {
                let g = &graphs()[x];
                let w = disrupted(g, closed, seed);
                check(g, &w, &nodes(g, 20, seed), &nodes(g, 300, seed ^ 7))
            },
        )
        .unwrap();
}

#[test]
fn heavy_closures_leave_exactly_the_unreachable_pairs_unreachable() {
    let g = &graphs()[2];
    let w = disrupted(g, 300, 42);
    let from = nodes(g, 25, 3);
    let to = nodes(g, 300, 4);
    let a = CchEngine::new(g, &w).matrix(&from, &to, &Silent);
    let b = DijkstraEngine::new(g, &w).matrix(&from, &to, &Silent);
    assert!(b.unreachable_count() > 0, "the closures cut some pairs off");
    assert_eq!(a.unreachable_count(), b.unreachable_count());
    for i in 0..from.len() {
        for j in 0..to.len() {
            assert_eq!(a.get(i, j).is_none(), b.get(i, j).is_none());
        }
    }
}

/// A partial customization after random closures and slow-downs equals a full
/// customization on the new weights, arc for arc; restoring gives the base back.
#[test]
fn partial_customization_equals_full() {
    use reliefflow::network::cch::partial::Index;
    let g = &graphs()[2];
    let topo = g.cch();
    let index = Index::new(topo);
    let base = EdgeWeights::base(g);
    let full_base = Metric::customize(topo, &base.time_ms, &g.length_m);
    let times_base = Metric::customize_times(topo, &base.time_ms);
    let mut runner = TestRunner::new(Config {
        cases: 16,
        ..Config::default()
    });
    runner
        .run(&(1u64..400, any::<u64>()), |(k, seed)| {
            let mut w = base.clone();
            let changed = nodes(g, k as usize, seed)
                .into_iter()
                .flat_map(|v| g.out_edges(v))
                .map(|e| e as u32)
                .collect::<Vec<_>>();
            for (i, &e) in changed.iter().enumerate() {
                let t = &mut w.time_ms[e as usize];
                *t = if i % 3 == 0 {
                    CLOSED
                } else {
                    t.saturating_mul(2 + (seed % 3) as u32)
                };
            }
            let mut m = full_base.clone();
            let mut touched = Vec::new();
            m.update(
                topo,
                &index,
                &w.time_ms,
                &g.length_m,
                &changed,
                &mut touched,
            );
            let full = Metric::customize(topo, &w.time_ms, &g.length_m);
            prop_assert!(m == full, "partial and full customizations differ");
            prop_assert!(touched.len() < topo.arc_count());
            m.restore(&full_base, &touched);
            prop_assert!(m == full_base, "restore did not give the base back");
            // Times only: the same times, no routes kept.
            let mut t = times_base.clone();
            t.update(topo, &index, &w.time_ms, &[], &changed, &mut touched);
            prop_assert!(!t.has_routes());
            prop_assert!(t.up.ms == full.up.ms && t.down.ms == full.down.ms);
            prop_assert!(t == Metric::customize_times(topo, &w.time_ms));
            t.restore(&times_base, &touched);
            prop_assert!(t == times_base, "restore did not give the times back");
            Ok(())
        })
        .unwrap();
}
