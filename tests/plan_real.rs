//! Dispatch planning on the bundled scenarios: closures, bad input.

mod common;

use reliefflow::network::route::fastest_route;
use reliefflow::network::{load_graph, CacheMode, Profile};
use reliefflow::plan::{plan, PlanError};
use reliefflow::progress::Silent;
use reliefflow::scenario::{Scenario, ScenarioError};

use common::{copy_scenario, graph, repo};

fn xicheng_copy() -> (tempfile::TempDir, std::path::PathBuf) {
    copy_scenario("xicheng-earthquake")
}

#[test]
fn closing_a_road_a_plan_used_changes_the_plan_and_no_route_uses_it() {
    let g = graph("beijing-core");
    let mut sc = Scenario::load(&repo("scenarios/xicheng-earthquake")).unwrap();
    let before = plan(&sc, &g).unwrap();
    // The route of the first trip, under the scenario's disruption.
    let t = &before.trips[0];
    let (w, _) = sc.disruption.apply(&g).unwrap();
    let r = fastest_route(
        &g,
        &w,
        before.warehouse_nodes[t.warehouse],
        before.shelter_nodes[t.stops[0].shelter],
    )
    .unwrap();
    let way = r.ways[r.ways.len() / 2];
    sc.disruption.closed_ways.push(way);
    let after = plan(&sc, &g).unwrap();
    let (w2, _) = sc.disruption.apply(&g).unwrap();
    assert_ne!(
        before.out_h, after.out_h,
        "closing way {way} changed no travel time"
    );
    let mut legs = 0;
    for t in &after.trips {
        let mut from = after.warehouse_nodes[t.warehouse];
        for stop in &t.stops {
            let to = after.shelter_nodes[stop.shelter];
            let r = fastest_route(&g, &w2, from, to).unwrap();
            assert!(
                !r.ways.contains(&way),
                "trip {} is routed over closed way {way}",
                t.id
            );
            from = to;
            legs += 1;
        }
        let s0 = t.stops[0].shelter;
        let leg = after.out_h[t.warehouse][s0].unwrap();
        let r = fastest_route(
            &g,
            &w2,
            after.warehouse_nodes[t.warehouse],
            after.shelter_nodes[s0],
        )
        .unwrap();
        assert!((leg - r.seconds / 3600.0).abs() < 1e-6);
    }
    assert!(legs > after.trips.len(), "no multi-stop tour to check");
}

#[test]
fn priority_people_and_deadlines_are_respected() {
    let g = graph("beijing-core");
    let sc = Scenario::load(&repo("scenarios/xicheng-earthquake")).unwrap();
    let p = plan(&sc, &g).unwrap();
    let k = reliefflow::plan::kpi::compute(&sc, &p);
    assert!(k.first_met_share > 0.5 && k.first_met_share <= 1.0, "{k:?}");
    assert!(k.latest_arrival_h <= sc.targets.relief_h + 1e-9);
    assert_eq!(k.persons, 11_100);
    // Stock is for 11 000 person-equivalents (5 000 district + 6 000 municipal): some
    // demand must be short for lack of stock.
    assert!(p
        .shortfalls
        .iter()
        .any(|s| s.reason == reliefflow::plan::shortfall::Reason::NoStock));
}

#[test]
fn bad_scenario_inputs_name_file_row_and_field() {
    let (_tmp, dir) = xicheng_copy();
    let d = dir.as_path();
    // Unknown warehouse in stock.csv.
    let stock = std::fs::read_to_string(d.join("stock.csv")).unwrap();
    std::fs::write(d.join("stock.csv"), format!("{stock}XC-X,water,10\n")).unwrap();
    let e = Scenario::load(d).unwrap_err().to_string();
    assert!(
        e.contains("stock.csv") && e.contains("XC-X") && e.contains("warehouse_id"),
        "{e}"
    );
    std::fs::write(d.join("stock.csv"), &stock).unwrap();

    // Malformed TOML.
    let toml = std::fs::read_to_string(d.join("scenario.toml")).unwrap();
    std::fs::write(
        d.join("scenario.toml"),
        toml.replace("relief_h = 12.0", "relief_h = twelve"),
    )
    .unwrap();
    let e = Scenario::load(d).unwrap_err();
    assert!(
        matches!(e, ScenarioError::Toml { .. }) && e.to_string().contains("scenario.toml"),
        "{e}"
    );
    std::fs::write(d.join("scenario.toml"), &toml).unwrap();

    // A shelter off the map: a clear snapping error naming it.
    let shelters = std::fs::read_to_string(d.join("shelters.csv")).unwrap();
    std::fs::write(
        d.join("shelters.csv"),
        format!("{shelters}FAR,far,Xicheng,117.5,40.9,3000,10,0,0,0,0,0\n"),
    )
    .unwrap();
    let sc = Scenario::load(d).unwrap();
    let g = load_graph(&sc.network, &Profile::default(), CacheMode::Bypass, &Silent)
        .unwrap()
        .graph;
    let e = plan(&sc, &g).unwrap_err();
    assert!(
        matches!(e, PlanError::Snap { .. })
            && e.to_string().contains("FAR")
            && e.to_string().contains("shelters.csv"),
        "{e}"
    );

    // Duplicate shelter ids.
    std::fs::write(
        d.join("shelters.csv"),
        format!("{shelters}bj0,dup,Xicheng,116.35,39.88,3000,10,0,0,0,0,0\n"),
    )
    .unwrap();
    let e = Scenario::load(d).unwrap_err().to_string();
    assert!(
        e.contains("duplicate id `bj0`") && e.contains("shelters.csv"),
        "{e}"
    );
}
