//! Planning at scale: 20 000 shelters on the central-Beijing extract (the 605
//! Level-I shelter sites, each copied about 33 times within ±400 m, headcounts
//! divided by 17: about a million people). The plan must keep every limit, the
//! bounds must still be bounds, and `plan.json` must stay small.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

use reliefflow::facility::{ItemIx, ShelterIx, WarehouseIx};
use reliefflow::plan::bound::bounds_grouped;
use reliefflow::plan::demand::Phase;
use reliefflow::plan::{kpi, plan_with_bounds, prepare, Plan, PlanOptions};
use reliefflow::scenario::Scenario;

use common::{copy_scenario, graph, scale_fleet};

/// SplitMix64: the same jitter on every machine.
fn mix(k: u64) -> u64 {
    let mut z = k.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in [-1, 1) from `k`.
fn unit(k: u64) -> f64 {
    (mix(k) >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}

/// Rewrites `dir/shelters.csv` as `n` shelters jittered around the original ones.
fn many_shelters(dir: &Path, n: usize) {
    let path = dir.join("shelters.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().to_string();
    let cols: Vec<&str> = header.split(',').collect();
    let col = |name: &str| cols.iter().position(|c| *c == name).unwrap();
    let base: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let mut out = vec![header.clone()];
    for k in 0..n {
        let mut r = base[k % base.len()].clone();
        let id = format!("big{k}");
        r[col("id")] = id.clone();
        r[col("name")] = format!("shelter {id}");
        let lon: f64 = r[col("lon")].parse().unwrap();
        let lat: f64 = r[col("lat")].parse().unwrap();
        r[col("lon")] = format!("{:.7}", lon + 0.004 * unit(2 * k as u64));
        r[col("lat")] = format!("{:.7}", lat + 0.004 * unit(2 * k as u64 + 1));
        let people = (r[col("headcount")].parse::<f64>().unwrap() / 17.0).ceil() as u64;
        r[col("headcount")] = people.to_string();
        for (c, share) in [
            ("elderly", 0.2),
            ("children", 0.1),
            ("pregnant", 0.01),
            ("disabled", 0.02),
            ("injured", 0.03),
        ] {
            r[col(c)] = ((people as f64 * share).floor() as u64).to_string();
        }
        out.push(r.join(","));
    }
    std::fs::write(&path, out.join("\n") + "\n").unwrap();
}

/// Every trip keeps its deadlines, payload, volume, stop limit and legs; trucks
/// do not drive two trips at once; stock is never exceeded; delivered plus short
/// is the demand of every shelter, item and phase.
fn check_plan(sc: &Scenario, prep: &reliefflow::plan::Prepared, p: &Plan) {
    let t = &sc.targets;
    let deadline = |ph: Phase| match ph {
        Phase::First => t.first_delivery_h,
        Phase::Relief => t.relief_h,
    };
    let mut got: HashMap<(usize, usize, Phase), u64> = HashMap::new();
    let mut taken: HashMap<(usize, usize), u64> = HashMap::new();
    let mut by_truck: HashMap<(usize, usize), Vec<(f64, f64)>> = HashMap::new();
    for trip in &p.trips {
        let f = &sc.warehouses[trip.warehouse].fleet;
        assert!(trip.stops.len() <= t.max_stops, "trip {} stops", trip.id);
        let (mut kg, mut m3) = (0.0, 0.0);
        for (k, st) in trip.stops.iter().enumerate() {
            let leg = if k == 0 {
                prep.travel
                    .outbound(WarehouseIx(trip.warehouse), ShelterIx(st.shelter))
            } else {
                let prev = &trip.stops[k - 1];
                prep.hops
                    .get(prev.shelter, st.shelter)
                    .map(|h| h + t.unloading_h)
            };
            let from = if k == 0 {
                trip.depart_h
            } else {
                trip.stops[k - 1].arrive_h
            };
            let leg = leg.unwrap_or_else(|| panic!("trip {}: a leg without a road", trip.id));
            assert!(
                st.arrive_h >= from + leg - 1e-9,
                "trip {} too fast",
                trip.id
            );
            assert!(!st.load.is_empty(), "trip {}: an empty stop", trip.id);
            for l in &st.load {
                assert!(
                    st.arrive_h <= deadline(l.phase) + 1e-9,
                    "trip {} late",
                    trip.id
                );
                let it = &sc.catalogue.items[l.item];
                kg += l.quantity as f64 * it.kg_per_unit;
                m3 += l.quantity as f64 * it.m3_per_unit;
                *got.entry((st.shelter, l.item, l.phase)).or_default() += l.quantity;
                *taken.entry((trip.warehouse, l.item)).or_default() += l.quantity;
            }
        }
        assert!(kg <= f.payload_kg + 1e-6, "trip {}: {kg} kg", trip.id);
        assert!(m3 <= f.volume_m3 + 1e-9, "trip {}: {m3} m³", trip.id);
        by_truck
            .entry((trip.warehouse, trip.truck))
            .or_default()
            .push((trip.depart_h, trip.return_h));
    }
    for ((w, _), mut trips) in by_truck {
        trips.sort_by(|a, b| a.0.total_cmp(&b.0));
        let loading = sc.warehouses[w].fleet.loading_h;
        for pair in trips.windows(2) {
            assert!(pair[1].0 >= pair[0].1 + loading - 1e-9, "trips overlap");
        }
    }
    for ((w, i), q) in taken {
        let held = sc.stock.get(WarehouseIx(w), ItemIx(i));
        assert!(
            q as f64 <= held + 1e-9,
            "warehouse {w} item {i}: {q} > {held}"
        );
    }
    let mut short: HashMap<(usize, usize, Phase), u64> = HashMap::new();
    for s in &p.shortfalls {
        *short.entry((s.shelter, s.item, s.phase)).or_default() += s.quantity;
    }
    for s in 0..sc.shelters.len() {
        for i in 0..sc.catalogue.items.len() {
            for ph in [Phase::First, Phase::Relief] {
                let due = p.demand.get(ph, ShelterIx(s), ItemIx(i));
                let key = (s, i, ph);
                let sum =
                    got.get(&key).copied().unwrap_or(0) + short.get(&key).copied().unwrap_or(0);
                assert_eq!(sum, due, "shelter {s} item {i} {ph:?}");
            }
        }
    }
}

#[test]
fn twenty_thousand_shelters_plan_within_every_limit_and_under_the_bounds() {
    let (_tmp, dir) = copy_scenario("beijing-level1");
    many_shelters(&dir, 20_000);
    let sc = Scenario::load(&dir).unwrap();
    assert_eq!(sc.shelters.len(), 20_000);
    let g = graph("beijing-core");
    let prep = prepare(&sc, &g).unwrap();
    let p = plan_with_bounds(&sc, &prep, &PlanOptions::full()).unwrap();
    check_plan(&sc, &prep, &p);
    let k = kpi::compute(&sc, &p);
    assert!(k.first_kg > 0.0 && k.first_kg <= k.first_kg_bound + 1e-6);
    assert!(k.relief_kg <= k.relief_kg_bound + 1e-6);
    // Trucks are scarce here: the first batch is routed truck by truck.
    assert!(k.first_kg < 0.9 * k.first_kg_bound, "{k:?}");
}

#[test]
fn plan_json_keeps_kpis_and_refers_to_the_tables() {
    let (_tmp, dir) = copy_scenario("beijing-level1");
    many_shelters(&dir, 20_000);
    let out = dir.join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_reliefflow"))
        .args(["plan", dir.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json = std::fs::read_to_string(out.join("plan.json")).unwrap();
    assert!(json.len() < 100_000, "plan.json is {} bytes", json.len());
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let csv = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    let shortfalls = csv("shortfalls.csv");
    assert_eq!(
        doc["shortfall_rows"].as_u64().unwrap() as usize,
        shortfalls.lines().count() - 1
    );
    let units: u64 = shortfalls
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(3).unwrap().parse::<u64>().unwrap())
        .sum();
    let summed: u64 = (doc["shortfall_summary"].as_array().unwrap().iter())
        .map(|r| r["units"].as_u64().unwrap())
        .sum();
    assert_eq!(units, summed);
    let trips_csv = csv("trips.csv");
    let trips: BTreeSet<&str> = (trips_csv.lines().skip(1))
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(doc["trip_count"].as_u64().unwrap() as usize, trips.len());
    assert_eq!(doc["files"]["shortfalls"], "shortfalls.csv");
    assert!(doc["kpis"]["first_kg"].as_f64().unwrap() > 0.0);
}

#[test]
fn bounds_on_shelter_groups_are_still_bounds() {
    // Level-I with a quarter of its trucks, its flows on 400, 150 and 50 groups
    // of shelters. Without the fleet the bound is one min-cost flow, so a
    // relaxation can only raise it; with the fleet every multiplier gives a
    // bound, so each stays above what the plan delivers.
    let (_tmp, dir) = copy_scenario("beijing-level1");
    scale_fleet(&dir, 0.25);
    let sc = Scenario::load(&dir).unwrap();
    let g = graph("beijing-core");
    let prep = prepare(&sc, &g).unwrap();
    let p = plan_with_bounds(&sc, &prep, &PlanOptions::without_bounds()).unwrap();
    let k = kpi::compute(&sc, &p);
    let achieved = (k.first_kg, k.relief_kg);
    let exact = bounds_grouped(&sc, &prep.travel, &p.demand, achieved, usize::MAX).unwrap();
    let tol = 1e-6 * exact.relief_kg_no_fleet;
    assert!(k.first_kg <= exact.first_kg + tol && k.relief_kg <= exact.relief_kg + tol);
    assert!(
        exact.first_kg < exact.first_kg_no_fleet,
        "trucks bind: {exact:?}"
    );
    for groups in [400, 150, 50] {
        let b = bounds_grouped(&sc, &prep.travel, &p.demand, achieved, groups).unwrap();
        assert!(
            b.first_kg_no_fleet >= exact.first_kg_no_fleet - tol,
            "{groups}: {b:?}"
        );
        assert!(
            b.relief_kg_no_fleet >= exact.relief_kg_no_fleet - tol,
            "{groups}: {b:?}"
        );
        assert!(b.first_kg >= k.first_kg - tol, "{groups}: {b:?}");
        assert!(b.relief_kg >= k.relief_kg - tol, "{groups}: {b:?}");
        assert_ne!(b, exact, "{groups} groups changed nothing");
    }
}
