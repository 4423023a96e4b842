//! Siting judged by the dispatch planner (`reliefflow site`, the planner part):
//! the same bytes whatever the thread count, figures that hold together, no
//! chosen site shipping more than it was stocked with, and plans of a layout
//! that keep every deadline and the stock of each site.

mod common;

use std::process::Command;

use common::{graph, num, repo, rows};
use reliefflow::facility::{ItemIx, ShelterIx, WarehouseIx};
use reliefflow::io::candidates::read_candidates;
use reliefflow::plan::prepare;
use reliefflow::scenario::Scenario;
use reliefflow::site::damage::DamageModel;
use reliefflow::site::epicentres;
use reliefflow::site::judge::{judge, prepare_damage, RELIEF_EARLY_H};

fn site(out: &std::path::Path, threads: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_reliefflow"))
        .args([
            "site",
            "scenarios/xicheng-earthquake",
            "--scenarios",
            "12",
            "--planner-scenarios",
            "4",
            "--shortlist",
            "5",
            "-o",
            out.to_str().unwrap(),
        ])
        .env("RAYON_NUM_THREADS", threads)
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("judged by the dispatch planner"), "{text}");
}

#[test]
fn planner_siting_is_reproducible_and_its_figures_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    site(&a, "2");
    site(&b, "1");
    for f in [
        "siting_planner.csv",
        "siting_planner_districts.csv",
        "siting_planner_stock.csv",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs between 2 threads and 1"
        );
    }
    let layouts = rows(&a.join("siting_planner.csv"));
    let names: Vec<&str> = layouts.iter().map(|r| r["layout"].as_str()).collect();
    assert_eq!(names, ["today", "covering", "planner"]);
    for r in &layouts {
        for m in ["first_6h", "relief_10h", "relief_12h", "priority_first_6h"] {
            let (mean, p10, worst) = (
                num(r, &format!("{m}_mean")),
                num(r, &format!("{m}_p10")),
                num(r, &format!("{m}_worst")),
            );
            assert!((0.0..=1.0).contains(&worst) && worst <= p10 + 1e-4 && p10 <= mean + 1e-4);
        }
        // Relief arriving by 10 h is part of relief arriving by 12 h.
        assert!(num(r, "relief_10h_mean") <= num(r, "relief_12h_mean") + 1e-4);
    }
    assert_eq!(layouts[0]["opens"], "");
    assert_eq!(layouts[2]["opens"].split(' ').count(), 3);
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("siting.json")).unwrap()).unwrap();
    let p = &doc["siting"]["planner"];
    let shortlist: Vec<&str> = p["shortlist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for id in layouts[1]["opens"]
        .split(' ')
        .chain(layouts[2]["opens"].split(' '))
    {
        assert!(shortlist.contains(&id), "{id} not in {shortlist:?}");
    }
    assert_eq!(p["scenarios"], 12);
    // Every damage scenario that closes roads says which (by name, or by OSM way).
    for d in doc["siting"]["damage"].as_array().unwrap() {
        let roads = d["closed_roads"].as_array().unwrap();
        assert_eq!(
            d["closed_edges"].as_u64().unwrap() > 0,
            !roads.is_empty(),
            "{d}"
        );
        assert!(roads.len() <= 5);
    }
    assert_eq!(
        p["plans"],
        p["layouts_searched"].as_u64().unwrap() * 4 + 3 * 12
    );
    // Districts add up to every person.
    let persons: f64 = rows(&a.join("siting_planner_districts.csv"))
        .iter()
        .map(|r| num(r, "persons"))
        .sum();
    assert_eq!(persons, doc["siting"]["persons"].as_f64().unwrap());
    // A chosen site never ships more than it holds.
    let stock = rows(&a.join("siting_planner_stock.csv"));
    assert_eq!(stock.len(), 3 * 7);
    for r in &stock {
        assert!(num(r, "shipped_max") <= num(r, "stocked"), "{r:?}");
        assert!(
            num(r, "shipped_mean") <= num(r, "shipped_max") + 0.05,
            "{r:?}"
        );
    }
    assert!(stock.iter().any(|r| num(r, "shipped_max") > 0.0));
}

#[test]
fn a_judged_layout_plans_within_deadlines_and_each_sites_stock() {
    let g = graph("beijing-core");
    let sc = Scenario::load(&repo("scenarios/xicheng-earthquake")).unwrap();
    let cands = read_candidates(&repo("scenarios/xicheng-earthquake/candidates.csv")).unwrap();
    let base = prepare(&sc, &g).unwrap();
    let snapper = reliefflow::network::Snapper::new(&g);
    let mut nodes = base.warehouse_nodes.clone();
    nodes.extend(cands.iter().map(|c| {
        snapper
            .snap(&c.id, [c.lon, c.lat], 5_000.0)
            .expect("candidate snaps")
            .node
    }));
    let model = DamageModel::new(
        &g,
        &base.weights,
        &sc.disruption.slow_areas,
        &g.bridge_ways,
        1,
    );
    let epi = epicentres(&sc, 4, 1);
    let d = prepare_damage(&sc, &g, &base, &nodes, &model, 3, epi[3]);
    assert!(d.damage.closed_edges > 0);
    let (judged, plan, layout) = judge(&sc, &cands, &[1, 7, 20], &d).unwrap();
    assert!(!plan.trips.is_empty());
    assert_eq!(layout.warehouses.len(), sc.warehouses.len() + 3);
    let ni = layout.catalogue.items.len();
    let nw = sc.warehouses.len();
    let open = [1usize, 7, 20];
    let rows: Vec<usize> = (0..nw).chain(open.iter().map(|&c| nw + c)).collect();
    let mut shipped = vec![0.0; layout.warehouses.len() * ni];
    for t in &plan.trips {
        let deadline = match t.phase {
            reliefflow::plan::demand::Phase::First => layout.targets.first_delivery_h,
            reliefflow::plan::demand::Phase::Relief => layout.targets.relief_h,
        };
        let first = &t.stops[0];
        let out = d
            .all
            .travel
            .outbound(WarehouseIx(rows[t.warehouse]), ShelterIx(first.shelter))
            .expect("a road to the first stop");
        assert!(first.arrive_h + 1e-6 >= t.depart_h + out, "trip {}", t.id);
        for st in &t.stops {
            assert!(
                st.arrive_h <= deadline + 1e-6,
                "arrives {} after {deadline}",
                st.arrive_h
            );
            for l in &st.load {
                shipped[t.warehouse * ni + l.item] += l.quantity as f64;
            }
        }
    }
    for w in 0..layout.warehouses.len() {
        for i in 0..ni {
            let held = layout.stock.get(WarehouseIx(w), ItemIx(i));
            assert!(shipped[w * ni + i] <= held + 1e-6, "warehouse {w} item {i}");
        }
    }
    assert!(
        (0.0..=1.0).contains(&judged.relief_early) && judged.relief_early <= judged.relief + 1e-9
    );
    assert!(RELIEF_EARLY_H < layout.targets.relief_h);
    // The new sites carry part of the plan.
    assert!(plan
        .trips
        .iter()
        .any(|t| t.warehouse >= sc.warehouses.len()));
}
