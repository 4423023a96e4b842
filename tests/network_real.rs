//! Road-network behaviour on the real bundled OSM extracts.

mod common;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};

use rand::{Rng, SeedableRng};
use reliefflow::io::disruption_file::read_disruption;
use reliefflow::network::disruption::{SlowArea, CLOSED};
use reliefflow::network::geo::{Area, Polygon};
use reliefflow::network::matrix::travel_matrix_to_few;
use reliefflow::network::osm::{read_pbf, OsmError};
use reliefflow::network::route::fastest_route;
use reliefflow::network::snap::SnapError;
use reliefflow::network::{travel_matrix, Disruption, EdgeWeights, Profile, RoadGraph, Snapper};
use reliefflow::progress::Silent;

use common::{graph, repo};

/// Plain textbook Dijkstra over an edge list, independent of the engine under test.
fn reference_times(g: &RoadGraph, w: &EdgeWeights, source: u32) -> Vec<Option<u64>> {
    let n = g.node_count();
    let mut adj: Vec<Vec<(usize, u64)>> = vec![Vec::new(); n];
    for e in 0..g.edge_count() {
        if w.time_ms[e] != CLOSED {
            adj[g.tail[e] as usize].push((g.head[e] as usize, u64::from(w.time_ms[e])));
        }
    }
    let mut dist = vec![None; n];
    let mut heap = BinaryHeap::new();
    heap.push(Reverse((0u64, source as usize)));
    while let Some(Reverse((d, u))) = heap.pop() {
        if dist[u].is_some() {
            continue;
        }
        dist[u] = Some(d);
        for &(v, c) in &adj[u] {
            if dist[v].is_none() {
                heap.push(Reverse((d + c, v)));
            }
        }
    }
    dist
}

fn assert_matrix_matches_reference(g: &RoadGraph, w: &EdgeWeights, seed: u64) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let n = g.node_count() as u32;
    let from: Vec<u32> = (0..4).map(|_| rng.gen_range(0..n)).collect();
    let to: Vec<u32> = (0..300).map(|_| rng.gen_range(0..n)).collect();
    let m = travel_matrix(g, w, &from, &to);
    for (i, &s) in from.iter().enumerate() {
        let reference = reference_times(g, w, s);
        for (j, &t) in to.iter().enumerate() {
            let got = m.get(i, j).map(|l| (l.seconds * 1000.0).round() as u64);
            assert_eq!(got, reference[t as usize], "pair {s}→{t}");
        }
    }
}

fn square(lon: f64, lat: f64, half: f64) -> Area {
    let ring = vec![
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
    ];
    Area {
        polygons: vec![Polygon::new(vec![ring]).unwrap()],
    }
}

#[test]
fn matrix_equals_reference_dijkstra_on_real_graphs() {
    for name in ["beijing-core", "malta-latest", "liechtenstein-latest"] {
        let g = graph(name);
        assert_matrix_matches_reference(&g, &EdgeWeights::base(&g), 7);
    }
}

#[test]
fn matrix_equals_reference_after_closures() {
    let g = graph("beijing-core");
    let d = read_disruption(&repo("scenarios/xicheng-earthquake/scenario.toml")).unwrap();
    let (w, report) = d.apply(&g).unwrap();
    assert!(report.closed_by_way > 0 && report.closed_by_area > 0 && report.slowed > 0);
    assert_matrix_matches_reference(&g, &w, 11);
}

#[test]
fn backward_matrix_equals_forward_matrix_under_the_xicheng_disruption() {
    let g = graph("beijing-core");
    let d = read_disruption(&repo("scenarios/xicheng-earthquake/scenario.toml")).unwrap();
    let (w, _) = d.apply(&g).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let n = g.node_count() as u32;
    let from: Vec<u32> = (0..200).map(|_| rng.gen_range(0..n)).collect();
    let to: Vec<u32> = (0..5).map(|_| rng.gen_range(0..n)).collect();
    let fwd = travel_matrix(&g, &w, &from, &to);
    let back = travel_matrix_to_few(&g, &w, &from, &to);
    assert_eq!((back.sources(), back.targets()), (200, 5));
    let mut unreachable = 0;
    for i in 0..from.len() {
        for j in 0..to.len() {
            let (a, b) = (fwd.get(i, j), back.get(i, j));
            assert_eq!(a.map(|l| l.seconds), b.map(|l| l.seconds), "{i}→{j}");
            unreachable += usize::from(a.is_none());
        }
    }
    assert_eq!(unreachable, fwd.unreachable_count());
}

#[test]
fn beijing_core_oneway_count_matches_the_data_readme() {
    // shared/data/README.md: 25 605 ways, 13 207 of them one-way.
    let raw = read_pbf(
        &repo("network-data/beijing-core.osm.pbf"),
        &Profile::default(),
        &Silent,
    )
    .unwrap();
    let oneway_ways: HashSet<i64> = raw
        .segments
        .iter()
        .filter(|s| !s.two_way)
        .map(|s| s.way_id)
        .collect();
    let all_ways: HashSet<i64> = raw.segments.iter().map(|s| s.way_id).collect();
    assert_eq!(all_ways.len(), 25_605);
    assert_eq!(oneway_ways.len(), 13_207);
    // A one-way way has no segment in the opposite direction.
    let segs: HashSet<(u32, u32, i64)> = raw
        .segments
        .iter()
        .map(|s| (s.from, s.to, s.way_id))
        .collect();
    for s in raw.segments.iter().filter(|s| !s.two_way) {
        assert!(!segs.contains(&(s.to, s.from, s.way_id)));
    }
}

#[test]
fn malta_tags_are_honoured() {
    let raw = read_pbf(
        &repo("network-data/malta-latest.osm.pbf"),
        &Profile::default(),
        &Silent,
    )
    .unwrap();
    // Footways, paths and steps dominate Malta's highway ways; barriers exist.
    assert!(raw.report.routable_ways < raw.report.highway_ways);
    assert!(raw.report.blocking_nodes > 0);
    // Speeds come from classes capped by maxspeed: none exceeds the motorway class.
    let max = raw.segments.iter().map(|s| s.speed_kmh).fold(0.0, f32::max);
    assert!(max <= 80.0 && max > 40.0, "{max}");
    let g = graph("malta-latest");
    assert!(
        g.stats.road_km > 1500.0 && g.stats.road_km < 4500.0,
        "{}",
        g.stats.road_km
    );
}

#[test]
fn a_closed_way_is_never_on_a_route_and_routes_get_no_faster() {
    let g = graph("beijing-core");
    let base = EdgeWeights::base(&g);
    let snapper = Snapper::new(&g);
    let a = snapper.nearest([116.3560, 39.9150]).unwrap().node;
    let b = snapper.nearest([116.3790, 39.9470]).unwrap().node;
    let before = fastest_route(&g, &base, a, b).unwrap();
    // Close the longest-used way of the route, three times over.
    let mut closed = Vec::new();
    let mut last = before.clone();
    for _ in 0..3 {
        let mid = last.ways.len() / 2;
        let victim = *last.ways[mid..]
            .iter()
            .find(|w| !closed.contains(*w))
            .unwrap();
        closed.push(victim);
        let d = Disruption {
            closed_ways: closed.clone(),
            ..Default::default()
        };
        let (w, _) = d.apply(&g).unwrap();
        let after = fastest_route(&g, &w, a, b).expect("central Beijing stays connected");
        for c in &closed {
            assert!(!after.ways.contains(c), "closed way {c} used");
        }
        assert!(after.seconds >= last.seconds);
        last = after;
    }
    assert!(last.ways != before.ways);
}

#[test]
fn a_closed_area_makes_its_inside_unreachable() {
    let g = graph("liechtenstein-latest");
    // Vaduz centre, ~1 km square.
    let area = square(9.521, 47.141, 0.006);
    let inside: Vec<u32> = (0..g.node_count() as u32)
        .filter(|&u| area.contains(g.coord(u)))
        .collect();
    assert!(!inside.is_empty());
    let outside = (0..g.node_count() as u32)
        .find(|&u| !area.contains(g.coord(u)))
        .unwrap();
    let d = Disruption {
        closed_areas: vec![area],
        ..Default::default()
    };
    let (w, _) = d.apply(&g).unwrap();
    let m = travel_matrix(&g, &w, &[outside], &inside);
    assert_eq!(m.unreachable_count(), inside.len());
}

#[test]
fn speed_scaling_changes_times_by_the_factor() {
    let g = graph("beijing-core");
    let everywhere = square(116.376, 39.9, 0.5);
    let d = Disruption {
        slow_areas: vec![SlowArea {
            area: everywhere,
            factor: 0.5,
            label: "all".into(),
        }],
        ..Default::default()
    };
    let (slow, _) = d.apply(&g).unwrap();
    let base = EdgeWeights::base(&g);
    let from = [0u32, 100, 2000];
    let to: Vec<u32> = (0..g.node_count() as u32).step_by(997).collect();
    let (m0, m1) = (
        travel_matrix(&g, &base, &from, &to),
        travel_matrix(&g, &slow, &from, &to),
    );
    for i in 0..from.len() {
        for j in 0..to.len() {
            let (a, b) = (m0.get(i, j).unwrap().seconds, m1.get(i, j).unwrap().seconds);
            assert!(
                (b - 2.0 * a).abs() <= 0.001 * a.max(1.0) + 0.01,
                "{a} vs {b}"
            );
        }
    }
}

#[test]
fn unknown_way_in_scenario_is_an_error() {
    let g = graph("helsinki-region-small");
    let d = Disruption {
        closed_ways: vec![-42],
        ..Default::default()
    };
    let e = d.apply(&g).unwrap_err().to_string();
    assert!(e.contains("-42"), "{e}");
}

#[test]
fn corrupt_and_roadless_pbf_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(repo("network-data/beijing-core.osm.pbf")).unwrap();
    let truncated = dir.path().join("truncated.osm.pbf");
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
    let e = read_pbf(&truncated, &Profile::default(), &Silent).unwrap_err();
    assert!(matches!(e, OsmError::Corrupt { .. }), "{e}");
    assert!(e.to_string().contains("truncated.osm.pbf"));

    let garbage = dir.path().join("garbage.osm.pbf");
    std::fs::write(&garbage, b"this is not a pbf at all, just text").unwrap();
    assert!(read_pbf(&garbage, &Profile::default(), &Silent).is_err());

    // A profile that routes on no class sees a PBF without roads.
    let mut p = Profile::default();
    p.speeds.clear();
    p.speeds.insert("no_such_class".into(), 10.0);
    let e = read_pbf(
        &repo("network-data/helsinki-region-small.osm.pbf"),
        &p,
        &Silent,
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            OsmError::NoRoads {
                highway_ways: 343,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn snapping_reports_distance_and_rejects_far_facilities() {
    let g = graph("beijing-core");
    let s = Snapper::new(&g);
    let near = s.snap("XC-C", [116.3560, 39.9150], 1000.0).unwrap();
    assert!(near.distance_m < 300.0);
    // 116.0 E is ~20 km west of the extract.
    let e = s.snap("far-away", [116.0, 39.9], 1000.0).unwrap_err();
    assert!(matches!(e, SnapError::TooFar { ref id, .. } if id == "far-away"));
    assert!(e.to_string().contains("far-away"));
}

#[test]
fn cache_round_trips_and_is_invalidated_by_profile_or_source_change() {
    use reliefflow::network::{cache, load_graph, CacheMode};
    let dir = tempfile::tempdir().unwrap();
    let pbf = dir.path().join("h.osm.pbf");
    std::fs::copy(repo("network-data/helsinki-region-small.osm.pbf"), &pbf).unwrap();
    let p = Profile::default();
    let first = load_graph(&pbf, &p, CacheMode::Use, &Silent).unwrap();
    assert!(!first.from_cache);
    assert!(cache::cache_path(&pbf).exists());
    let second = load_graph(&pbf, &p, CacheMode::Use, &Silent).unwrap();
    assert!(second.from_cache);
    assert_eq!(first.graph, second.graph);

    let mut slower = p.clone();
    *slower.speeds.get_mut("residential").unwrap() = 10.0;
    let third = load_graph(&pbf, &slower, CacheMode::Use, &Silent).unwrap();
    assert!(!third.from_cache);
    assert_ne!(third.graph.time_ms, first.graph.time_ms);

    // A different source file under the same name invalidates the cache.
    std::fs::copy(repo("network-data/liechtenstein-latest.osm.pbf"), &pbf).unwrap();
    let fourth = load_graph(&pbf, &slower, CacheMode::Use, &Silent).unwrap();
    assert!(!fourth.from_cache);
    assert_ne!(fourth.graph.node_count(), third.graph.node_count());
}
