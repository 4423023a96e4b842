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

/// The trips of `p` as planned trips to keep.
fn planned(p: &reliefflow::plan::Plan) -> Vec<reliefflow::plan::keep::Planned> {
    p.trips
        .iter()
        .map(|t| reliefflow::plan::keep::Planned {
            id: t.id,
            warehouse: t.warehouse,
            truck: t.truck,
            phase: t.phase,
            depart_h: t.depart_h,
            stops: t
                .stops
                .iter()
                .map(|s| (s.shelter, s.load.clone()))
                .collect(),
        })
        .collect()
}

#[test]
fn a_replan_made_later_keeps_the_trips_not_gone_with_their_numbers() {
    use reliefflow::plan::keep::keep;
    use reliefflow::plan::{plan_with_bounds, PlanOptions};
    let g = graph("beijing-core");
    let sc = Scenario::load(&repo("scenarios/xicheng-earthquake")).unwrap();
    let prep = prepare(&sc, &g).unwrap();
    let p = plan_with_bounds(&sc, &prep, &PlanOptions::without_bounds()).unwrap();
    // Re-planned 20 minutes later: no truck loads before then.
    let mut later = sc.clone();
    for w in &mut later.warehouses {
        w.busy_until_h = vec![1.0 / 3.0; w.fleet.trucks as usize];
    }
    let kept = keep(&later, &prep, planned(&p));
    assert!(
        kept.trips.len() * 10 >= p.trips.len() * 9,
        "{} of {} trips kept",
        kept.trips.len(),
        p.trips.len()
    );
    for t in &kept.trips {
        let o = p
            .trips
            .iter()
            .find(|o| o.id == t.id)
            .expect("a kept trip keeps its number");
        assert_eq!((o.warehouse, o.truck), (t.warehouse, t.truck));
        let loading = sc.warehouses[t.warehouse].fleet.loading_h;
        assert!(
            t.depart_h - loading >= 1.0 / 3.0 - 1e-9,
            "trip {} loads before the plan time",
            t.id
        );
        assert!(t.depart_h >= o.depart_h - 1e-9);
    }
}

#[test]
fn a_replan_keeps_every_trip_that_still_works_and_only_those() {
    use reliefflow::plan::keep::keep;
    use reliefflow::plan::{plan_with_bounds, PlanOptions};
    let g = graph("beijing-core");
    let sc = Scenario::load(&repo("scenarios/xicheng-earthquake")).unwrap();
    let prep = prepare(&sc, &g).unwrap();
    let p = plan_with_bounds(&sc, &prep, &PlanOptions::without_bounds()).unwrap();
    // Nothing changed: every trip is kept as it was.
    let same = keep(&sc, &prep, planned(&p));
    assert_eq!(same.trips.len(), p.trips.len());
    for t in &same.trips {
        let o = p
            .trips
            .iter()
            .find(|o| (o.warehouse, o.truck, o.depart_h) == (t.warehouse, t.truck, t.depart_h))
            .unwrap();
        assert_eq!((&o.stops, o.return_h), (&t.stops, t.return_h));
    }
    // Close the roads of the first leg of every first-batch trip of one
    // warehouse: what is kept still meets every deadline, on the new roads,
    // one trip after another per truck.
    let (w, _) = sc.disruption.apply(&g).unwrap();
    let mut closed = sc.clone();
    for t in p.trips.iter().filter(|t| t.warehouse == 0).take(6) {
        let r = fastest_route(
            &g,
            &w,
            prep.warehouse_nodes[0],
            prep.shelter_nodes[t.stops[0].shelter],
        )
        .unwrap();
        closed
            .disruption
            .closed_ways
            .extend(r.ways.iter().skip(r.ways.len() / 2).take(1));
    }
    let after = prepare(&closed, &g).unwrap();
    let kept = keep(&closed, &after, planned(&p));
    // The closures changed some trip: dropped, or later on its new roads.
    let changed = p.trips.iter().any(|o| {
        kept.trips.iter().find(|t| t.id == o.id).is_none_or(|t| {
            t.stops.last().unwrap().arrive_h > o.stops.last().unwrap().arrive_h + 1e-9
        })
    });
    assert!(changed, "the closures changed some trip");
    assert!(
        kept.trips.len() > p.trips.len() / 2,
        "most trips still work"
    );
    let t = &closed.targets;
    let mut by_truck: std::collections::BTreeMap<(usize, usize), Vec<(f64, f64)>> =
        Default::default();
    for trip in &kept.trips {
        let deadline = if trip.phase == reliefflow::plan::demand::Phase::First {
            t.first_delivery_h
        } else {
            t.relief_h
        };
        let mut at = trip.depart_h;
        for (k, s) in trip.stops.iter().enumerate() {
            let leg = if k == 0 {
                after.travel.outbound(
                    reliefflow::facility::WarehouseIx(trip.warehouse),
                    reliefflow::facility::ShelterIx(s.shelter),
                )
            } else {
                after
                    .hops
                    .get(trip.stops[k - 1].shelter, s.shelter)
                    .map(|h| h + t.unloading_h)
            };
            at += leg.expect("a kept trip's legs have roads");
            assert!((s.arrive_h - at).abs() < 1e-9 && at <= deadline + 1e-9);
        }
        by_truck
            .entry((trip.warehouse, trip.truck))
            .or_default()
            .push((
                trip.depart_h - sc.warehouses[trip.warehouse].fleet.loading_h,
                trip.return_h,
            ));
    }
    for (truck, mut runs) in by_truck {
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        for r in runs.windows(2) {
            assert!(r[1].0 >= r[0].1 - 1e-9, "truck {truck:?} overlaps");
        }
        assert!(kept.free_h[truck.0][truck.1] >= runs.last().unwrap().1 - 1e-9);
    }
}
