//! Writes a plan as `trips.csv`, `shortfalls.csv`, `plan.json` and `plan.geojson`.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::json;

use super::legs::{self, Leg};
use super::summary::{bottleneck_sentence, finding_sentence};
use crate::network::RoadGraph;
use crate::plan::{Kpis, Plan};
use crate::scenario::Scenario;

use super::staging::Staging;
use super::write_error::werr;
pub use super::write_error::WriteError;

/// The files [`write_folder`] writes.
pub const PLAN_FILES: [&str; 4] = ["trips.csv", "shortfalls.csv", "plan.json", "plan.geojson"];

/// Creates `dir` if needed and writes the plan's four files into it, all or
/// none ([`Staging`]).
pub fn write_folder(
    dir: &Path,
    scenario: &Scenario,
    graph: &RoadGraph,
    plan: &Plan,
    kpis: &Kpis,
) -> Result<(), WriteError> {
    let mut stage = Staging::new(dir)?;
    let paths = PLAN_FILES.map(|name| stage.file(name));
    write_tables(&paths, scenario, graph, plan)?;
    write_json(&paths[2], scenario, plan, kpis)?;
    stage.commit()
}

/// Writes `trips.csv`, `shortfalls.csv` and `plan.geojson` to `paths` (in
/// [`PLAN_FILES`]' order; `plan.json` is left to [`write_json`], as it needs
/// the plan's bounds and these files do not). The map's legs are routed while
/// the tables are written.
pub fn write_tables(
    paths: &[std::path::PathBuf; 4],
    scenario: &Scenario,
    graph: &RoadGraph,
    plan: &Plan,
) -> Result<(), WriteError> {
    let (tables, map) = rayon::join(
        || {
            write_trips(&paths[0], scenario, plan)?;
            write_shortfalls(&paths[1], scenario, plan)
        },
        || write_geojson(&paths[3], scenario, graph, plan),
    );
    tables?;
    map
}

/// Writes `trips.csv`: one row per item on a trip ([`write_trips_to`]).
pub fn write_trips(path: &Path, scenario: &Scenario, plan: &Plan) -> Result<(), WriteError> {
    let e = werr(path);
    let file = std::fs::File::create(path).map_err(|x| e(x.to_string()))?;
    write_trips_to(file, scenario, plan).map_err(|x| e(x.to_string()))
}

/// `trips.csv` into `out`: one row per item on a trip (Excel-friendly: a header,
/// comma-separated, times in hours with three decimals).
pub fn write_trips_to<W: std::io::Write>(
    out: W,
    scenario: &Scenario,
    plan: &Plan,
) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "trip_id",
        "truck_id",
        "warehouse_id",
        "shelter_id",
        "item",
        "quantity",
        "phase",
        "depart_h",
        "arrive_h",
        "return_h",
        "stop",
    ])?;
    for t in &plan.trips {
        let wh = &scenario.warehouses[t.warehouse];
        let truck_id = format!("{}-T{:02}", wh.id, t.truck + 1);
        let ret = if t.return_h.is_finite() {
            format!("{:.3}", t.return_h)
        } else {
            String::new()
        };
        for (k, stop) in t.stops.iter().enumerate() {
            for l in &stop.load {
                w.write_record([
                    t.id.to_string(),
                    truck_id.clone(),
                    wh.id.clone(),
                    scenario.shelters[stop.shelter].id.clone(),
                    scenario.catalogue.items[l.item].item.clone(),
                    l.quantity.to_string(),
                    l.phase.as_str().to_string(),
                    format!("{:.3}", t.depart_h),
                    format!("{:.3}", stop.arrive_h),
                    ret.clone(),
                    (k + 1).to_string(),
                ])?;
            }
        }
    }
    w.flush()?;
    Ok(())
}

/// Writes `shortfalls.csv`.
pub fn write_shortfalls(path: &Path, scenario: &Scenario, plan: &Plan) -> Result<(), WriteError> {
    let e = werr(path);
    let mut w = csv::Writer::from_path(path).map_err(|x| e(x.to_string()))?;
    w.write_record(["shelter_id", "item", "phase", "quantity", "reason"])
        .map_err(|x| e(x.to_string()))?;
    for s in &plan.shortfalls {
        w.write_record([
            scenario.shelters[s.shelter].id.as_str(),
            scenario.catalogue.items[s.item].item.as_str(),
            s.phase.as_str(),
            &s.quantity.to_string(),
            s.reason.as_str(),
        ])
        .map_err(|x| e(x.to_string()))?;
    }
    w.flush().map_err(|x| e(x.to_string()))
}

/// Writes `plan.json`: scenario facts, KPIs, findings, bottlenecks, timings, the
/// shortfalls totalled and the files holding trips and shortfalls
/// ([`plan_document`]).
pub fn write_json(
    path: &Path,
    scenario: &Scenario,
    plan: &Plan,
    kpis: &Kpis,
) -> Result<(), WriteError> {
    let doc = plan_document(scenario, plan, kpis);
    let text = serde_json::to_string_pretty(&doc).map_err(|x| werr(path)(x.to_string()))?;
    std::fs::write(path, text).map_err(|x| werr(path)(x.to_string()))
}

/// Shelters listed in `plan.json`'s `left_out`, most people left out first
/// (`left_out_count` and `left_out_persons` count them all): `plan.json` stays
/// a few tens of kB at 20 000 shelters.
pub const LEFT_OUT_LISTED: usize = 100;

/// The content of `plan.json` (also what the service answers for a plan, with
/// [`trip_list`] and [`shortfall_list`] added).
pub fn plan_document(scenario: &Scenario, plan: &Plan, kpis: &Kpis) -> serde_json::Value {
    let left_out = crate::plan::kpi::left_out(scenario, plan);
    json!({
        "scenario": scenario.name,
        "event_time": scenario.event_time,
        "clock": super::clock::section(&scenario.targets, scenario.plan_h, &|h| {
            super::clock::after_event(&scenario.event_time, h)
        }),
        "targets": {
            "first_delivery_h": scenario.targets.first_delivery_h,
            "relief_h": scenario.targets.relief_h,
            "unloading_h": scenario.targets.unloading_h,
        },
        "default_item_norms": scenario.default_catalogue,
        "objective": scenario.objective.mode.as_str(),
        "bounds": plan.bounds,
        "findings": plan.findings.iter().map(|f| json!({
            "binds": f.binds,
            "phase": f.phase,
            "item": f.item.map(|i| scenario.catalogue.items[i].item.clone()),
            "warehouse_id": f.warehouse.map(|w| scenario.warehouses[w].id.clone()),
            "kg_short": f.kg_short,
            "shelters": f.shelters,
            "marginal_kg": f.marginal_kg,
            "text": finding_sentence(scenario, f),
        })).collect::<Vec<_>>(),
        "kpis": kpis,
        "left_out": &left_out[..left_out.len().min(LEFT_OUT_LISTED)],
        "left_out_count": left_out.len(),
        "left_out_persons": left_out.iter().map(|l| u64::from(l.persons)).sum::<u64>(),
        "bottlenecks": plan.bottlenecks.iter().map(|b| json!({
            "kind": b.kind,
            "warehouse_id": scenario.warehouses[b.warehouse].id,
            "phase": b.phase,
            "deadline_h": b.deadline_h,
            "trucks_needed": b.trucks_needed,
            "loads_waiting": b.loads_waiting,
            "shelters_waiting": b.shelters_waiting,
            "text": bottleneck_sentence(scenario, b),
        })).collect::<Vec<_>>(),
        "timings_s": plan.timings,
        "trip_count": plan.trips.len(),
        "files": {"trips": "trips.csv", "shortfalls": "shortfalls.csv", "map": "plan.geojson"},
        "shortfall_rows": plan.shortfalls.len(),
        "shortfall_summary": shortfall_summary(scenario, plan),
    })
}

/// Every trip with its stops and loads (`trips.csv` at one row per item; the
/// service adds this list to [`plan_document`]).
pub fn trip_list(scenario: &Scenario, plan: &Plan) -> serde_json::Value {
    plan
        .trips
        .iter()
        .map(|t| {
            json!({
                "trip_id": t.id,
                "warehouse_id": scenario.warehouses[t.warehouse].id,
                "truck": t.truck + 1,
                "phase": t.phase,
                "depart_h": t.depart_h,
                "return_h": if t.return_h.is_finite() { json!(t.return_h) } else { json!(null) },
                "kg": t.lines().map(|(_, l)| l.quantity as f64 * scenario.catalogue.items[l.item].kg_per_unit).sum::<f64>(),
                "stops": t.stops.iter().map(|s| json!({
                    "shelter_id": scenario.shelters[s.shelter].id,
                    "arrive_h": s.arrive_h,
                    "load": s.load.iter().map(|l| json!({"item": scenario.catalogue.items[l.item].item, "quantity": l.quantity, "phase": l.phase})).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// Every shortfall row, as `shortfalls.csv` lists them (the service adds them to
/// [`plan_document`]; `plan.json` refers to the CSV instead, as they grow with
/// shelters × items).
pub fn shortfall_list(scenario: &Scenario, plan: &Plan) -> serde_json::Value {
    plan.shortfalls
        .iter()
        .map(|s| {
            json!({
                "shelter_id": scenario.shelters[s.shelter].id,
                "item": scenario.catalogue.items[s.item].item,
                "phase": s.phase,
                "quantity": s.quantity,
                "reason": s.reason,
            })
        })
        .collect()
}

/// The shortfalls totalled by phase, reason and item: units, kg and shelters.
fn shortfall_summary(scenario: &Scenario, plan: &Plan) -> serde_json::Value {
    let mut totals: std::collections::BTreeMap<_, (u64, f64, u64)> = Default::default();
    for s in &plan.shortfalls {
        let t = totals.entry((s.phase, s.reason, s.item)).or_default();
        t.0 += s.quantity;
        t.1 += s.quantity as f64 * scenario.catalogue.items[s.item].kg_per_unit;
        t.2 += 1;
    }
    totals
        .into_iter()
        .map(|((phase, reason, item), (units, kg, shelters))| {
            json!({
                "phase": phase,
                "reason": reason,
                "item": scenario.catalogue.items[item].item,
                "units": units,
                "kg": kg,
                "shelters": shelters,
            })
        })
        .collect()
}

/// Writes `plan.geojson`: warehouses and shelters (with per-shelter delivery
/// figures) as points, and each used warehouse → shelter route as a line.
/// © OpenStreetMap contributors (ODbL) for the route geometry.
pub fn write_geojson(
    path: &Path,
    scenario: &Scenario,
    graph: &RoadGraph,
    plan: &Plan,
) -> Result<(), WriteError> {
    let doc = plan_geojson(scenario, graph, plan);
    std::fs::write(path, doc.to_string()).map_err(|x| werr(path)(x.to_string()))
}

/// `plan.geojson`'s content ([`write_geojson`]). O(legs · local Dijkstra).
pub fn plan_geojson(scenario: &Scenario, graph: &RoadGraph, plan: &Plan) -> serde_json::Value {
    let mut features = Vec::new();
    for w in &scenario.warehouses {
        features.push(json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [w.lon, w.lat]},
            "properties": {"kind": "warehouse", "id": w.id, "name": w.name, "tier": w.tier, "trucks": w.fleet.trucks}}));
    }
    let ns = scenario.shelters.len();
    let mut first_arrival = vec![f64::INFINITY; ns];
    let mut trips_to = vec![0usize; ns];
    for t in &plan.trips {
        for stop in &t.stops {
            trips_to[stop.shelter] += 1;
            if t.phase == crate::plan::demand::Phase::First {
                first_arrival[stop.shelter] = first_arrival[stop.shelter].min(stop.arrive_h);
            }
        }
    }
    // Share of each shelter's first batch (kg) its trips deliver.
    let ni = scenario.catalogue.items.len();
    let kg = |i: usize| scenario.catalogue.items[i].kg_per_unit;
    let mut first_got = vec![0.0; ns];
    for t in &plan.trips {
        for (s, l) in t.lines() {
            if l.phase == crate::plan::demand::Phase::First {
                first_got[s] += l.quantity as f64 * kg(l.item);
            }
        }
    }
    let first_share = |s: usize| -> Option<f64> {
        let need: f64 = (0..ni)
            .map(|i| plan.demand.first[s * ni + i] as f64 * kg(i))
            .sum();
        (need > 0.0).then(|| (first_got[s] / need).min(1.0))
    };
    let mut short_units = vec![0u64; ns];
    for s in &plan.shortfalls {
        short_units[s.shelter] += s.quantity;
    }
    for (k, s) in scenario.shelters.iter().enumerate() {
        features.push(json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
            "properties": {"kind": "shelter", "id": s.id, "name": s.name, "district": s.district, "headcount": s.headcount,
                "first_arrival_h": if first_arrival[k].is_finite() { json!(first_arrival[k]) } else { json!(null) },
                "trips": trips_to[k], "shortfall_units": short_units[k], "first_share": first_share(k)}}));
    }
    // Every driven leg: warehouse → first stop, stop → stop, and the last stop
    // back to the warehouse (graph nodes, labels).
    let (mut out, mut back): (BTreeSet<Leg>, BTreeSet<Leg>) = Default::default();
    for t in &plan.trips {
        let home = (
            plan.warehouse_nodes[t.warehouse],
            scenario.warehouses[t.warehouse].id.clone(),
        );
        let mut from = home.clone();
        for stop in &t.stops {
            let to = (
                plan.shelter_nodes[stop.shelter],
                scenario.shelters[stop.shelter].id.clone(),
            );
            out.insert((from.0, to.0, from.1.clone(), to.1.clone()));
            from = to;
        }
        if t.return_h.is_finite() {
            back.insert((from.0, home.0, from.1, home.1));
        }
    }
    features.extend(legs::features(graph, &plan.weights, &out, &back));
    json!({"type": "FeatureCollection", "features": features,
        "attribution": "road geometry © OpenStreetMap contributors (ODbL)"})
}
