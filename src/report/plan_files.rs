//! Writes a plan as `trips.csv`, `shortfalls.csv`, `plan.json` and `plan.geojson`.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::json;

use crate::network::dijkstra::Dijkstra;
use crate::network::RoadGraph;
use crate::plan::{Kpis, Plan};
use crate::scenario::Scenario;

/// Errors writing outputs.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {message}")]
pub struct WriteError {
    /// The file.
    pub path: String,
    /// What failed.
    pub message: String,
}

fn werr(path: &Path) -> impl Fn(String) -> WriteError + '_ {
    move |message| WriteError {
        path: path.display().to_string(),
        message,
    }
}

/// Writes `trips.csv`: one row per item on a trip.
pub fn write_trips(path: &Path, scenario: &Scenario, plan: &Plan) -> Result<(), WriteError> {
    let e = werr(path);
    let mut w = csv::Writer::from_path(path).map_err(|x| e(x.to_string()))?;
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
    ])
    .map_err(|x| e(x.to_string()))?;
    for t in &plan.trips {
        let wh = &scenario.warehouses[t.warehouse];
        let truck_id = format!("{}-T{:02}", wh.id, t.truck + 1);
        let ret = if t.return_h.is_finite() {
            format!("{:.3}", t.return_h)
        } else {
            String::new()
        };
        for l in &t.load {
            w.write_record([
                t.id.to_string(),
                truck_id.clone(),
                wh.id.clone(),
                scenario.shelters[t.shelter].id.clone(),
                scenario.catalogue.items[l.item].item.clone(),
                l.quantity.to_string(),
                l.phase.as_str().to_string(),
                format!("{:.3}", t.depart_h),
                format!("{:.3}", t.arrive_h),
                ret.clone(),
            ])
            .map_err(|x| e(x.to_string()))?;
        }
    }
    w.flush().map_err(|x| e(x.to_string()))
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

/// Writes `plan.json`: scenario facts, KPIs, timings, trips and shortfalls.
pub fn write_json(
    path: &Path,
    scenario: &Scenario,
    plan: &Plan,
    kpis: &Kpis,
    hints: &[String],
) -> Result<(), WriteError> {
    let trips: Vec<_> = plan
        .trips
        .iter()
        .map(|t| {
            json!({
                "trip_id": t.id,
                "warehouse_id": scenario.warehouses[t.warehouse].id,
                "truck": t.truck + 1,
                "shelter_id": scenario.shelters[t.shelter].id,
                "phase": t.phase,
                "depart_h": t.depart_h,
                "arrive_h": t.arrive_h,
                "return_h": if t.return_h.is_finite() { json!(t.return_h) } else { json!(null) },
                "load": t.load.iter().map(|l| json!({"item": scenario.catalogue.items[l.item].item, "quantity": l.quantity, "phase": l.phase})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let shortfalls: Vec<_> = plan
        .shortfalls
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
        .collect();
    let doc = json!({
        "scenario": scenario.name,
        "event_time": scenario.event_time,
        "targets": {
            "first_delivery_h": scenario.targets.first_delivery_h,
            "relief_h": scenario.targets.relief_h,
            "unloading_h": scenario.targets.unloading_h,
        },
        "default_item_norms": scenario.default_catalogue,
        "kpis": kpis,
        "bottlenecks": hints,
        "timings_s": plan.timings,
        "trips": trips,
        "shortfalls": shortfalls,
    });
    let text = serde_json::to_string_pretty(&doc).map_err(|x| werr(path)(x.to_string()))?;
    std::fs::write(path, text).map_err(|x| werr(path)(x.to_string()))
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
    let e = werr(path);
    let mut features = Vec::new();
    for w in &scenario.warehouses {
        features.push(json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [w.lon, w.lat]},
            "properties": {"kind": "warehouse", "id": w.id, "name": w.name, "tier": w.tier, "trucks": w.fleet.trucks}}));
    }
    let ns = scenario.shelters.len();
    let mut first_arrival = vec![f64::INFINITY; ns];
    let mut trips_to = vec![0usize; ns];
    for t in &plan.trips {
        trips_to[t.shelter] += 1;
        if t.phase == crate::plan::demand::Phase::First {
            first_arrival[t.shelter] = first_arrival[t.shelter].min(t.arrive_h);
        }
    }
    let mut short_units = vec![0u64; ns];
    for s in &plan.shortfalls {
        short_units[s.shelter] += s.quantity;
    }
    for (k, s) in scenario.shelters.iter().enumerate() {
        features.push(json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
            "properties": {"kind": "shelter", "id": s.id, "name": s.name, "district": s.district, "headcount": s.headcount,
                "first_arrival_h": if first_arrival[k].is_finite() { json!(first_arrival[k]) } else { json!(null) },
                "trips": trips_to[k], "shortfall_units": short_units[k]}}));
    }
    let pairs: BTreeSet<(usize, usize)> = plan
        .trips
        .iter()
        .map(|t| (t.warehouse, t.shelter))
        .collect();
    let mut dj = Dijkstra::new(graph.node_count());
    for w in 0..scenario.warehouses.len() {
        let targets: Vec<_> = pairs
            .iter()
            .filter(|p| p.0 == w)
            .map(|p| plan.shelter_nodes[p.1])
            .collect();
        if targets.is_empty() {
            continue;
        }
        dj.run(
            graph,
            &plan.weights,
            plan.warehouse_nodes[w],
            &targets,
            u32::MAX,
        );
        for &(_, s) in pairs.iter().filter(|p| p.0 == w) {
            let Some(edges) = dj.path_edges(graph, plan.shelter_nodes[s]) else {
                continue;
            };
            let mut coords = vec![graph.coord(plan.warehouse_nodes[w])];
            coords.extend(edges.iter().map(|&e| graph.coord(graph.head[e as usize])));
            features.push(json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {"kind": "route", "warehouse_id": scenario.warehouses[w].id, "shelter_id": scenario.shelters[s].id,
                    "hours": plan.out_h[w][s]}}));
        }
    }
    let doc = json!({"type": "FeatureCollection", "features": features,
        "attribution": "road geometry © OpenStreetMap contributors (ODbL)"});
    std::fs::write(path, doc.to_string()).map_err(|x| e(x.to_string()))
}
