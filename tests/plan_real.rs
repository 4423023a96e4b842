//! Dispatch planning on the bundled scenarios: closures, bad input.

mod common;

use reliefflow::facility::{ShelterIx, WarehouseIx};
use reliefflow::network::disruption::CLOSED;
use reliefflow::network::route::fastest_route;
use reliefflow::network::{load_graph, CacheMode, Profile};
use reliefflow::plan::demand::Phase;
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
    // Closed independently of the plan: the plan must have planned with it.
    let (w2, _) = sc.disruption.apply(&g).unwrap();
    let way_edges: Vec<usize> = (0..g.edge_count())
        .filter(|&e| g.way_id[e] == way)
        .collect();
    assert!(!way_edges.is_empty());
    for &e in &way_edges {
        assert_eq!(w2.time_ms[e], CLOSED);
        assert_eq!(
            after.weights.time_ms[e], CLOSED,
            "the plan drives over way {way}"
        );
    }
    // The pair whose route used the way got slower (or unreachable).
    let pair = |p: &reliefflow::plan::Plan| {
        p.travel
            .outbound(WarehouseIx(t.warehouse), ShelterIx(t.stops[0].shelter))
    };
    let (was, now) = (pair(&before).unwrap(), pair(&after));
    assert!(
        now.is_none_or(|h| h > was),
        "closing way {way}: {was} h → {now:?}"
    );
    let mut legs = 0;
    for t in &after.trips {
        // Every leg the plan drives, routed on the plan's own weights, avoids the
        // way; every leg's time is the shortest time under the closure.
        let mut from = after.warehouse_nodes[t.warehouse];
        let mut at = t.depart_h;
        for (k, stop) in t.stops.iter().enumerate() {
            let to = after.shelter_nodes[stop.shelter];
            let r = fastest_route(&g, &after.weights, from, to).unwrap();
            assert!(
                !r.ways.contains(&way),
                "trip {} is routed over closed way {way}",
                t.id
            );
            let fresh = fastest_route(&g, &w2, from, to).unwrap();
            assert!((r.seconds - fresh.seconds).abs() < 1e-6);
            if k == 0 {
                let leg = after
                    .travel
                    .outbound(WarehouseIx(t.warehouse), ShelterIx(stop.shelter))
                    .unwrap();
                assert!((leg - fresh.seconds / 3600.0).abs() < 1e-6);
                at += leg;
            } else {
                at += sc.targets.unloading_h + fresh.seconds / 3600.0;
            }
            assert!((stop.arrive_h - at).abs() < 1e-6, "trip {} stop {k}", t.id);
            from = to;
            legs += 1;
        }
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
    // Every stop is reached by its trip's phase deadline.
    for t in &p.trips {
        let deadline = match t.phase {
            Phase::First => sc.targets.first_delivery_h,
            Phase::Relief => sc.targets.relief_h,
        };
        assert!(
            t.stops.iter().all(|s| s.arrive_h <= deadline + 1e-9),
            "trip {}",
            t.id
        );
    }
    // With a fifth of the stock and priority people only in every other shelter
    // (all elderly there, none elsewhere), the priority weighting decides who gets
    // the first batch: priority people are met at a clearly higher share.
    let (_tmp, dir) = xicheng_copy();
    let rewrite = |file: &str, f: &dyn Fn(usize, Vec<String>) -> Vec<String>| {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let out: Vec<String> = text
            .lines()
            .enumerate()
            .map(|(n, l)| {
                let cols: Vec<String> = l.split(',').map(str::to_string).collect();
                if n == 0 { cols } else { f(n, cols) }.join(",")
            })
            .collect();
        std::fs::write(dir.join(file), out.join("\n") + "\n").unwrap();
    };
    rewrite("stock.csv", &|_, mut c| {
        c[2] = (c[2].parse::<f64>().unwrap() / 5.0).floor().to_string();
        c
    });
    rewrite("shelters.csv", &|n, mut c| {
        let elderly = if n % 2 == 0 { c[6].clone() } else { "0".into() };
        c[7] = elderly;
        for x in &mut c[8..12] {
            *x = "0".into();
        }
        c
    });
    let sc = Scenario::load(&dir).unwrap();
    let k = reliefflow::plan::kpi::compute(&sc, &plan(&sc, &g).unwrap());
    assert!(k.first_met_share < 0.8, "stock should bind: {k:?}");
    assert!(
        k.first_met_share_priority > k.first_met_share + 0.05,
        "priority {:.3} vs all {:.3}",
        k.first_met_share_priority,
        k.first_met_share
    );
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

/// `reliefflow plan --at`: no trip loads before the plan time, the clock and
/// the warning say how late it is; a first batch whose deadline has passed is
/// bounded at 0 kg, counted as not met, and planned as relief (delivered by
/// the relief deadline, not left as shortfalls); a plan time that is no time
/// is refused naming `--at`, writing nothing.
#[test]
fn a_plan_from_a_later_time_loads_nothing_before_it_and_says_what_passed() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let scenario = repo("scenarios/xicheng-earthquake");
    let scenario = scenario.to_str().unwrap();
    let ran = common::bad::run(&["plan", scenario, "--at", "10:00", "-o", o]);
    assert!(ran.status.success(), "{ran:?}");
    let said = String::from_utf8_lossy(&ran.stdout);
    assert!(
        said.contains("plan time 10:00 (7.8 h after the event)"),
        "{said}"
    );
    assert!(
        said.contains("warning: the first-batch deadline (08:10) had passed 1.8 h"),
        "{said}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("plan.json")).unwrap())
            .unwrap();
    assert_eq!(doc["clock"]["plan_time"], "10:00");
    assert_eq!(doc["clock"]["relief_deadline"]["hours_left"], 4.17);
    assert_eq!(doc["kpis"]["first_kg_bound"], 0.0);
    let sc = Scenario::load(&repo("scenarios/xicheng-earthquake")).unwrap();
    let plan_h = 8.0 - 1.0 / 6.0; // 10:00 for an event at 02:10
    let rows = common::rows(&out.path().join("trips.csv"));
    assert!(rows.len() > 20);
    for r in &rows {
        let w = sc
            .warehouses
            .iter()
            .find(|w| w.id == r["warehouse_id"])
            .unwrap();
        let load = common::num(r, "depart_h") - w.fleet.loading_h;
        assert!(load >= plan_h - 1e-3, "loads at {load} h: {r:?}");
        assert_eq!(r["phase"], "relief");
    }
    let short = common::rows(&out.path().join("shortfalls.csv"));
    assert!(short.iter().all(|r| r["phase"] == "relief"), "{short:?}");
    assert_eq!(doc["kpis"]["first_met_share"], 0.0);
    let relief = doc["kpis"]["relief_met_share"].as_f64().unwrap();
    assert!(
        relief > 0.95,
        "relief met {relief}: the late first batch was not planned"
    );
    let bad = tempfile::tempdir().unwrap();
    let b = bad.path().join("out");
    let ran = common::bad::run(&["plan", scenario, "--at", "25:00", "-o", b.to_str().unwrap()]);
    common::bad::failed("--at 25:00", &ran, &["--at 25:00", "HH:MM"]).unwrap();
    assert!(!b.exists(), "a refused plan wrote {}", b.display());
}

/// Who is left out: every shelter whose first batch is not complete by the
/// first deadline, and no other, most people left out first, each with a
/// reason its shortfall rows give.
#[test]
fn the_left_out_are_the_shelters_short_of_their_first_batch_most_people_first() {
    let g = graph("beijing-core");
    let sc = Scenario::load(&repo("scenarios/xicheng-earthquake")).unwrap();
    let p = plan(&sc, &g).unwrap();
    let k = reliefflow::plan::kpi::compute(&sc, &p);
    let left = reliefflow::plan::kpi::left_out(&sc, &p);
    let incomplete = ((1.0 - k.shelters_first_complete) * sc.shelters.len() as f64).round();
    assert_eq!(left.len() as f64, incomplete);
    assert!(!left.is_empty());
    let people_left =
        |l: &reliefflow::plan::kpi::LeftOut| f64::from(l.persons) * (1.0 - l.first_share);
    for w in left.windows(2) {
        assert!(people_left(&w[0]) >= people_left(&w[1]) - 1e-9, "{w:?}");
    }
    for l in &left {
        assert!(l.first_share < 1.0 && l.kg_short > 0.0, "{l:?}");
        let rows: Vec<_> = p
            .shortfalls
            .iter()
            .filter(|s| s.shelter == l.shelter && s.phase == Phase::First)
            .collect();
        assert!(
            rows.iter().any(|s| s.reason.as_str() == l.reason),
            "{l:?}: {rows:?}"
        );
    }
    let worst = left.iter().map(|l| l.first_share).fold(1.0, f64::min);
    assert!((worst - k.first_min_shelter_share).abs() < 1e-9);
}
