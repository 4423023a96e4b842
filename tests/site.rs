//! `reliefflow site` on the bundled real scenarios: tree repair against fresh
//! Dijkstra on the real Beijing graph, coverage against an independent matrix,
//! reproducible files, bounds that hold, exact models that beat heuristics, and
//! clear errors for bad candidate tables.

mod common;

use std::process::Command;

use common::{copy_scenario, graph, repo};
use reliefflow::network::dijkstra::Dijkstra;
use reliefflow::network::repair::{Change, InEdges, Repairer, ShortestPathTree};
use reliefflow::network::{DijkstraEngine, MatrixEngine};
use reliefflow::scenario::Scenario;
use reliefflow::site::damage::DamageModel;
use reliefflow::site::epicentres;

fn reliefflow(args: &[&str], threads: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_reliefflow"))
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .current_dir(repo(""))
        .output()
        .unwrap()
}

#[test]
fn repaired_trees_equal_fresh_dijkstra_under_sampled_damage_on_beijing() {
    let g = graph("beijing-core");
    let sc = Scenario::load(&repo("scenarios/beijing-level1")).unwrap();
    let prep = reliefflow::plan::prepare(&sc, &g).unwrap();
    let model = DamageModel::new(&g, &prep.weights, &sc.disruption.slow_areas, &[], 9);
    let epi = epicentres(&sc, 7, 9);
    let ins = InEdges::new(&g);
    let mut rep = Repairer::new(g.node_count());
    let mut fresh = Dijkstra::new(g.node_count());
    let sources: Vec<_> = prep.warehouse_nodes.iter().copied().step_by(4).collect();
    let trees: Vec<_> = sources
        .iter()
        .map(|&s| ShortestPathTree::build(&g, &prep.weights, s))
        .collect();
    let mut w = prep.weights.clone();
    let mut changed = Vec::new();
    let mut out = Vec::new();
    let mut repaired_somewhere = false;
    for (s, &e) in epi.iter().enumerate().skip(1) {
        let d = model.apply(s, e, &mut w, &mut changed);
        assert!(
            d.closed_edges + d.slowed_edges > 0,
            "scenario {s} changed nothing"
        );
        for (tree, &src) in trees.iter().zip(&sources) {
            let change = Change {
                weights: &w,
                changed: &changed,
            };
            let st = rep.distances(&g, &ins, tree, change, &prep.shelter_nodes, &mut out);
            repaired_somewhere |= st.affected > 0;
            fresh.run(&g, &w, src, &prep.shelter_nodes, u32::MAX);
            for (k, &t) in prep.shelter_nodes.iter().enumerate() {
                let want = fresh.distance(t).map_or(u32::MAX, |x| x.0);
                assert_eq!(out[k], want, "scenario {s}, source {src}, shelter {k}");
            }
        }
        model.restore(&mut w, &changed);
    }
    assert_eq!(w, prep.weights, "restore brings the weights back");
    assert!(repaired_somewhere);
}

fn json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn site_command_is_reproducible_and_its_figures_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let run = |out: &std::path::Path, threads: &str| {
        let o = reliefflow(
            &[
                "site",
                "scenarios/valley-flash-flood",
                "--scenarios",
                "40",
                "-o",
                out.to_str().unwrap(),
            ],
            threads,
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(&a, "2");
    run(&b, "1");
    for f in [
        "siting.csv",
        "siting_layouts.csv",
        "stock_mix.csv",
        "siting.geojson",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs between 2 threads and 1"
        );
    }
    let doc = json(&a.join("siting.json"));
    let s = &doc["siting"];
    assert_eq!(s["scenarios"], 40);
    let total = s["persons"].as_f64().unwrap();
    assert_eq!(total, 2400.0);
    for m in s["models"].as_array().unwrap() {
        let (v, bnd, gap) = (
            m["value"].as_f64().unwrap(),
            m["bound"].as_f64().unwrap(),
            m["gap"].as_f64().unwrap(),
        );
        // The library clamps only rounding noise: a bound on the wrong side of
        // its value shows as a negative gap.
        assert!(gap >= 0.0, "{m}");
        match m["model"].as_str().unwrap() {
            "mclp" | "capacitated" => {
                assert!(v <= bnd + 1e-6 && v <= total, "{m}");
                assert!((gap - (bnd - v) / bnd).abs() < 1e-9, "{m}");
            }
            "pmedian" => {
                assert!(v >= bnd - 1e-9, "{m}");
                assert!((gap - (v - bnd) / v).abs() < 1e-9, "{m}");
            }
            _ => {}
        }
    }
    let layouts = s["layouts"].as_array().unwrap();
    let cov = |name: &str| {
        layouts.iter().find(|l| l["name"] == name).unwrap()["expected_coverage"]
            .as_f64()
            .unwrap()
    };
    assert!(cov("mclp") >= cov("today"));
    // The MCLP value is its layout's expected coverage in persons.
    let mclp = &s["models"][0];
    assert!((mclp["value"].as_f64().unwrap() - cov("mclp") * total).abs() < 1e-6 * total);
    // Every chosen candidate is in some model's layout and vice versa.
    let geo = json(&a.join("siting.geojson"));
    let feats = geo["features"].as_array().unwrap();
    let chosen: Vec<&str> = feats
        .iter()
        .filter(|f| f["properties"]["status"] == "chosen")
        .map(|f| f["properties"]["id"].as_str().unwrap())
        .collect();
    for id in mclp["open_ids"].as_array().unwrap() {
        assert!(chosen.contains(&id.as_str().unwrap()));
    }
    let html = std::fs::read_to_string(a.join("siting.html")).unwrap();
    assert!(html.contains("Today's layout against the proposed ones"));
    assert!(html.contains("<svg"));
}

#[test]
fn todays_coverage_matches_an_independent_matrix() {
    // Scenario 0's "today" coverage, recomputed from the plain matrix engine:
    // a shelter is covered when loading + travel + unloading ≤ the deadline for
    // some warehouse.
    let tmp = tempfile::tempdir().unwrap();
    let o = reliefflow(
        &[
            "site",
            "scenarios/xicheng-earthquake",
            "--scenarios",
            "3",
            "--deadline-h",
            "0.9",
            "-o",
            tmp.path().to_str().unwrap(),
        ],
        "2",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc = json(&tmp.path().join("siting.json"));
    let today = &doc["siting"]["layouts"][0];
    assert_eq!(today["name"], "today");
    let sc = Scenario::load(&repo("scenarios/xicheng-earthquake")).unwrap();
    let g = graph("beijing-core");
    let prep = reliefflow::plan::prepare(&sc, &g).unwrap();
    let m = DijkstraEngine::new(&g, &prep.weights).matrix(
        &prep.warehouse_nodes,
        &prep.shelter_nodes,
        &reliefflow::progress::Silent,
    );
    let (mut covered, mut total) = (0.0, 0.0);
    for (s, sh) in sc.shelters.iter().enumerate() {
        total += f64::from(sh.headcount);
        let ok = sc.warehouses.iter().enumerate().any(|(w, wh)| {
            m.get(w, s).is_some_and(|l| {
                // The instance stores tenths of a minute.
                let h = wh.fleet.loading_h + l.seconds / 3600.0 + sc.targets.unloading_h;
                (h * 600.0).round() <= (0.9f64 * 600.0).round()
            })
        });
        if ok {
            covered += f64::from(sh.headcount);
        }
    }
    let want = covered / total;
    let got = today["base_coverage"].as_f64().unwrap();
    assert!(
        (got - want).abs() < 1e-9,
        "siting says {got}, independent {want}"
    );
    assert!(
        want < 1.0 && want > 0.5,
        "the 0.9 h deadline should bind: {want}"
    );
}

#[test]
fn exact_models_are_never_beaten_by_the_heuristics() {
    let tmp = tempfile::tempdir().unwrap();
    let o = reliefflow(
        &[
            "site",
            "scenarios/valley-flash-flood",
            "--scenarios",
            "1",
            "--k",
            "2",
            "--deadline-h",
            "0.85",
            "--exact",
            "-o",
            tmp.path().to_str().unwrap(),
        ],
        "2",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc = json(&tmp.path().join("siting.json"));
    let models = doc["siting"]["models"].as_array().unwrap();
    let val = |name: &str| {
        models.iter().find(|m| m["model"] == name).unwrap()["value"]
            .as_f64()
            .unwrap()
    };
    let bound = |name: &str| {
        models.iter().find(|m| m["model"] == name).unwrap()["bound"]
            .as_f64()
            .unwrap()
    };
    assert!(val("mclp_exact") >= val("mclp") - 1e-9);
    assert!(val("mclp_exact") <= bound("mclp") + 1e-6);
    assert!(val("pmedian_exact") <= val("pmedian") + 1e-12);
    assert!(val("pmedian_exact") >= bound("pmedian") - 1e-9);
    assert!(val("lscp") >= 1.0, "the 0.85 h deadline needs new sites");
}

#[test]
fn bad_candidate_tables_name_file_line_and_field() {
    let (_tmp, dir) = copy_scenario("valley-flash-flood");
    let p = dir.join("candidates.csv");
    std::fs::write(
        &p,
        "id,name,lon,lat,capacity_persons\nC1,Depot,9.52,47.17,-5\n",
    )
    .unwrap();
    let o = reliefflow(&["site", dir.to_str().unwrap(), "--scenarios", "2"], "2");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("candidates.csv")
            && err.contains("line 2")
            && err.contains("capacity_persons"),
        "{err}"
    );
    std::fs::remove_file(&p).unwrap();
    let o = reliefflow(&["site", dir.to_str().unwrap(), "--scenarios", "2"], "2");
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("candidates.csv"));
}
