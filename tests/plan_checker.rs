//! An independent checker of dispatch plans. It shares no code with the planner: it
//! runs the `reliefflow` binary, reads the scenario and the plan as plain CSV, takes
//! travel times from `reliefflow network matrix`, recomputes demand from headcount ×
//! its own copy of the default norms, and checks:
//! stock never exceeded; per truck, trips do not overlap and respect payload and
//! volume; every leg (warehouse → stop, stop → stop, last stop → warehouse) takes at
//! least the matrix travel time plus unloading; arrive ≤ the phase deadline;
//! delivered + shortfall = demand for every shelter × item × phase.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use common::{copy_scenario, num, repo, rows, scale_fleet};

/// (item, kg/unit, m³/unit, first/person, relief total/person): SPEC's Sphere defaults.
const NORMS: [(&str, f64, f64, f64, f64); 7] = [
    ("water", 1.0, 0.001, 3.0, 15.0),
    ("ready_meal", 0.35, 0.0008, 1.0, 3.0),
    ("quilt", 2.0, 0.02, 1.0, 1.0),
    ("family_tent", 25.0, 0.12, 0.0, 0.2),
    ("clothing_kit", 1.5, 0.006, 0.0, 1.0),
    ("hygiene_kit", 2.0, 0.008, 0.0, 0.2),
    ("medical_kit", 10.0, 0.04, 0.01, 0.01),
];

fn run(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_reliefflow"))
        .args(args)
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn toml_number(text: &str, key: &str) -> f64 {
    text.lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix(key)
                .and_then(|r| r.trim().strip_prefix('='))
        })
        .map(|v| v.split('#').next().unwrap().trim().parse().unwrap())
        .unwrap_or_else(|| panic!("{key} not in scenario.toml"))
}

fn check_scenario(name: &str) {
    check_dir(&repo(&format!("scenarios/{name}")));
}

/// Plans the scenario in `dir`, checks the plan, and returns the plan's folder.
fn check_dir(dir: &Path) -> tempfile::TempDir {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let dir = dir.to_path_buf();
    let out = tempfile::tempdir().unwrap();
    run(&[
        "plan",
        dir.to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
    ]);
    let toml = std::fs::read_to_string(dir.join("scenario.toml")).unwrap();
    let (first_h, relief_h) = (
        toml_number(&toml, "first_delivery_h"),
        toml_number(&toml, "relief_h"),
    );
    let network = toml
        .lines()
        .find_map(|l| l.strip_prefix("network = "))
        .unwrap()
        .trim_matches('"');
    let pbf = dir.join(network);

    // Travel times under the scenario's disruption: warehouse → shelter, shelter →
    // shelter (tour hops) and shelter → warehouse (the way back).
    let matrix = |from: &str, to: &str| -> HashMap<(String, String), Option<f64>> {
        let m = out.path().join(format!("m-{from}-{to}.csv"));
        run(&[
            "network",
            "matrix",
            pbf.to_str().unwrap(),
            "--from",
            dir.join(from).to_str().unwrap(),
            "--to",
            dir.join(to).to_str().unwrap(),
            "--scenario",
            dir.join("scenario.toml").to_str().unwrap(),
            "-o",
            m.to_str().unwrap(),
        ]);
        rows(&m)
            .iter()
            .map(|r| {
                (
                    (r["from_id"].clone(), r["to_id"].clone()),
                    r["seconds"].parse::<f64>().ok().map(|s| s / 3600.0),
                )
            })
            .collect()
    };
    let mut travel_h = matrix("warehouses.csv", "shelters.csv");
    travel_h.extend(matrix("shelters.csv", "shelters.csv"));
    travel_h.extend(matrix("shelters.csv", "warehouses.csv"));
    let unloading_h = toml_number(&toml, "unloading_h");

    let warehouses: HashMap<String, HashMap<String, String>> = rows(&dir.join("warehouses.csv"))
        .into_iter()
        .map(|r| (r["id"].clone(), r))
        .collect();
    let mut stock: HashMap<(String, String), f64> = HashMap::new();
    for r in rows(&dir.join("stock.csv")) {
        *stock
            .entry((r["warehouse_id"].clone(), r["item"].clone()))
            .or_default() += num(&r, "quantity");
    }
    let norm: HashMap<&str, (f64, f64, f64, f64)> = NORMS
        .iter()
        .map(|&(n, a, b, c, d)| (n, (a, b, c, d)))
        .collect();
    let trips = rows(&out.path().join("trips.csv"));
    assert!(!trips.is_empty());

    // Stock never exceeded.
    let mut shipped: HashMap<(String, String), f64> = HashMap::new();
    for t in &trips {
        *shipped
            .entry((t["warehouse_id"].clone(), t["item"].clone()))
            .or_default() += num(t, "quantity");
    }
    for (k, q) in &shipped {
        assert!(
            *q <= stock.get(k).copied().unwrap_or(0.0) + 1e-9,
            "{k:?}: shipped {q} > stock"
        );
    }

    // Per trip: one warehouse, truck, departure and return; per stop one shelter and
    // arrival; the whole load within payload and volume; every leg no faster than
    // the matrix; every stop by its lines' deadlines.
    let mut by_trip: HashMap<String, Vec<&HashMap<String, String>>> = HashMap::new();
    for t in &trips {
        by_trip.entry(t["trip_id"].clone()).or_default().push(t);
    }
    let mut by_truck: HashMap<String, Vec<(f64, f64, f64)>> = HashMap::new();
    let mut multi_stop = 0;
    for lines in by_trip.values() {
        let t0 = lines[0];
        let id = &t0["trip_id"];
        let wh = &warehouses[&t0["warehouse_id"]];
        let (mut kg, mut m3) = (0.0, 0.0);
        let mut stops: Vec<(u32, String, f64)> = Vec::new();
        for l in lines {
            for k in ["warehouse_id", "truck_id", "depart_h", "return_h"] {
                assert_eq!(l[k], t0[k], "trip {id} mixes {k}");
            }
            let stop: u32 = l["stop"].parse().unwrap();
            match stops.iter().find(|s| s.0 == stop) {
                Some(s) => assert!(
                    s.1 == l["shelter_id"] && s.2 == num(l, "arrive_h"),
                    "trip {id} stop {stop} mixes shelters or arrival times"
                ),
                None => stops.push((stop, l["shelter_id"].clone(), num(l, "arrive_h"))),
            }
            let (ukg, um3, ..) = norm[l["item"].as_str()];
            kg += num(l, "quantity") * ukg;
            m3 += num(l, "quantity") * um3;
            let deadline = if l["phase"] == "first" {
                first_h
            } else {
                relief_h
            };
            assert!(
                num(l, "arrive_h") <= deadline + 1e-3,
                "trip {id} reaches {} after the {} deadline",
                l["shelter_id"],
                l["phase"]
            );
        }
        assert!(
            kg <= num(wh, "truck_payload_kg") + 1e-6,
            "trip {id}: {kg} kg"
        );
        assert!(
            m3 <= num(wh, "truck_volume_m3") + 1e-6,
            "trip {id}: {m3} m³"
        );
        stops.sort_by_key(|s| s.0);
        assert!(
            stops.iter().enumerate().all(|(k, s)| s.0 as usize == k + 1),
            "trip {id}: stops not numbered 1..n"
        );
        multi_stop += usize::from(stops.len() > 1);
        let leg = |a: &str, b: &str| {
            travel_h[&(a.to_string(), b.to_string())]
                .unwrap_or_else(|| panic!("trip {id} drives {a} → {b}, which has no road"))
        };
        let depart = num(t0, "depart_h");
        let (mut at, mut place) = (depart, t0["warehouse_id"].as_str());
        for (k, (_, shelter, arrive)) in stops.iter().enumerate() {
            let stop_time = if k == 0 { 0.0 } else { unloading_h };
            let need = stop_time + leg(place, shelter);
            assert!(
                arrive - at >= need - 2e-3,
                "trip {id}: {place} → {shelter} in {} h < {need} h",
                arrive - at
            );
            (at, place) = (*arrive, shelter.as_str());
        }
        let ret = t0["return_h"].parse::<f64>().unwrap_or(f64::INFINITY);
        if ret.is_finite() {
            let need = unloading_h + leg(place, &t0["warehouse_id"]);
            assert!(
                ret - at >= need - 2e-3,
                "trip {id}: back at {ret} h, but the drive back needs {need} h after {at} h"
            );
        }
        assert!(
            depart >= num(wh, "loading_h") - 1e-3,
            "trip {id} departs before loading"
        );
        by_truck.entry(t0["truck_id"].clone()).or_default().push((
            depart,
            ret,
            num(wh, "loading_h"),
        ));
    }
    assert!(multi_stop > 0, "no multi-stop trip to check in {name}");
    for (truck, mut runs) in by_truck {
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        for w in runs.windows(2) {
            // The next trip's loading starts only when the truck is back.
            assert!(
                w[1].0 - w[1].2 >= w[0].1 - 2e-3,
                "truck {truck} overlaps: back {} but next departs {}",
                w[0].1,
                w[1].0
            );
        }
    }

    // Delivered + shortfall = demand, per shelter × item × phase.
    let mut delivered: HashMap<(String, String, String), f64> = HashMap::new();
    for t in &trips {
        *delivered
            .entry((
                t["shelter_id"].clone(),
                t["item"].clone(),
                t["phase"].clone(),
            ))
            .or_default() += num(t, "quantity");
    }
    for s in rows(&out.path().join("shortfalls.csv")) {
        assert!(
            ["no_stock", "unreachable", "too_far", "fleet"].contains(&s["reason"].as_str()),
            "{:?}",
            s["reason"]
        );
        *delivered
            .entry((
                s["shelter_id"].clone(),
                s["item"].clone(),
                s["phase"].clone(),
            ))
            .or_default() += num(&s, "quantity");
    }
    for sh in rows(&dir.join("shelters.csv")) {
        let h = num(&sh, "headcount");
        for &(item, _, _, first_pp, total_pp) in &NORMS {
            let first = (h * first_pp - 1e-9).ceil().max(0.0);
            let total = (h * total_pp - 1e-9).ceil().max(first);
            for (phase, want) in [("first", first), ("relief", total - first)] {
                let got = delivered
                    .get(&(sh["id"].clone(), item.to_string(), phase.to_string()))
                    .copied()
                    .unwrap_or(0.0);
                assert_eq!(
                    got, want,
                    "shelter {} {item} {phase}: delivered + shortfall {got} ≠ demand {want}",
                    sh["id"]
                );
            }
        }
    }
    out
}

/// Persons-weighted shares `(first batch, whole relief)` of the plan in `out`:
/// per shelter, delivered kg ÷ demand kg (at most 1), from trips.csv and the
/// checker's own norms.
fn persons_shares(dir: &Path, out: &Path) -> (f64, f64) {
    let kg: HashMap<&str, f64> = NORMS.iter().map(|n| (n.0, n.1)).collect();
    let mut got: HashMap<(String, String), f64> = HashMap::new();
    for t in rows(&out.join("trips.csv")) {
        *got.entry((t["shelter_id"].clone(), t["phase"].clone()))
            .or_default() += num(&t, "quantity") * kg[t["item"].as_str()];
    }
    let (mut persons, mut first, mut relief) = (0.0, 0.0, 0.0);
    for sh in rows(&dir.join("shelters.csv")) {
        let h = num(&sh, "headcount");
        let (mut need_first, mut need_all) = (0.0, 0.0);
        for &(_, ukg, _, first_pp, total_pp) in &NORMS {
            let f = (h * first_pp - 1e-9).ceil().max(0.0);
            need_first += f * ukg;
            need_all += (h * total_pp - 1e-9).ceil().max(f) * ukg;
        }
        let g = |phase: &str| {
            got.get(&(sh["id"].clone(), phase.to_string()))
                .copied()
                .unwrap_or(0.0)
        };
        let share = |a: f64, b: f64| if b > 0.0 { (a / b).min(1.0) } else { 1.0 };
        persons += h;
        first += h * share(g("first"), need_first);
        relief += h * share(g("first") + g("relief"), need_all);
    }
    (first / persons, relief / persons)
}

#[test]
fn audit_figures_agree_with_independently_checked_plans() {
    let audit = tempfile::tempdir().unwrap();
    run(&[
        "audit",
        "scenarios/xicheng-earthquake",
        "-o",
        audit.path().to_str().unwrap(),
    ]);
    let city = rows(&audit.path().join("audit.csv")).remove(0);
    assert_eq!(city["name"], "city");
    // The 12 h plan is the scenario's own; the 10 h plan is a copy with relief_h = 10.
    let dir12 = repo("scenarios/xicheng-earthquake");
    let out12 = check_dir(&dir12);
    let (_copy, dir10) = copy_scenario("xicheng-earthquake");
    let toml = std::fs::read_to_string(dir10.join("scenario.toml")).unwrap();
    std::fs::write(
        dir10.join("scenario.toml"),
        toml.replace("relief_h = 12.0", "relief_h = 10.0"),
    )
    .unwrap();
    let out10 = check_dir(&dir10);
    let (first, relief12) = persons_shares(&dir12, out12.path());
    let (_, relief10) = persons_shares(&dir10, out10.path());
    for (field, mine) in [
        ("persons_first_share", first),
        ("persons_relief_12h_share", relief12),
        ("persons_relief_10h_share", relief10),
    ] {
        let audited = num(&city, field);
        assert!(
            (audited - mine).abs() < 1e-4,
            "{field}: audit says {audited}, the checked plan gives {mine}"
        );
    }
    assert!(relief10 < relief12 + 1e-12 && first > 0.5);
}

#[test]
fn xicheng_earthquake_plan_passes_the_independent_checker() {
    check_scenario("xicheng-earthquake");
}

#[test]
fn valley_flash_flood_plan_passes_the_independent_checker() {
    check_scenario("valley-flash-flood");
}

#[test]
fn beijing_level1_plan_passes_the_independent_checker() {
    check_scenario("beijing-level1");
}

/// The scenario with its fleet scaled (trucks are scarce in the first hours),
/// through the same checker.
fn check_scaled(name: &str, scale: f64) {
    let (_tmp, dir) = copy_scenario(name);
    scale_fleet(&dir, scale);
    check_dir(&dir);
}

#[test]
fn scarce_fleet_plans_pass_the_independent_checker() {
    for (name, scale) in [
        ("xicheng-earthquake", 0.5),
        ("xicheng-earthquake", 0.25),
        ("valley-flash-flood", 0.25),
        ("beijing-level1", 0.25),
    ] {
        check_scaled(name, scale);
    }
}
