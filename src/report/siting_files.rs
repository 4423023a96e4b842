//! Writes a siting study: `siting.json` (every figure, input hashes),
//! `siting.csv` (one row per candidate), `siting_layouts.csv` (one row per layout),
//! `stock_mix.csv` (per site and item), `siting.geojson` (existing warehouses,
//! chosen and rejected candidates with their gains) and the planner-judged
//! tables ([`super::siting_planner`]), plus the printed summary.
//! The CSV files hold no timings and use fixed number formats, so the same inputs
//! and seed give the same bytes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::provenance::input_hashes;
use super::staging::Staging;
use super::write_error::{create_folder, werr, WriteError};
use crate::network::RoadGraph;
use crate::scenario::Scenario;
use crate::site::Siting;

/// The files [`write_folder`] writes.
pub const SITING_FILES: [&str; 9] = [
    "siting.json",
    "siting.csv",
    "siting_layouts.csv",
    "stock_mix.csv",
    "siting.geojson",
    "siting.html",
    "siting_planner.csv",
    "siting_planner_districts.csv",
    "siting_planner_stock.csv",
];

/// Creates `dir` if needed and writes the siting files into it, all or none
/// ([`Staging`]);
/// `candidates_file` is recorded with its digest in `siting.json`.
pub fn write_folder(
    dir: &Path,
    scenario: &Scenario,
    graph: &RoadGraph,
    s: &Siting,
    candidates_file: &Path,
) -> Result<(), WriteError> {
    let mut stage = Staging::new(dir)?;
    let path: Vec<PathBuf> = SITING_FILES.iter().map(|f| stage.file(f)).collect();
    write_json(&path[0], scenario, s, candidates_file)?;
    // `siting.csv` with `siting_layouts.csv` and `stock_mix.csv` beside it.
    write_csv(&path[1], s)?;
    write_geojson(&path[4], scenario, s)?;
    super::siting_html::write_html(&path[5], scenario, graph, s)?;
    let planner: Vec<&Path> = path[6..].iter().map(PathBuf::as_path).collect();
    super::siting_planner::write_csv(&planner, s.planner.as_ref())?;
    stage.commit()
}

/// Writes `siting.json`.
pub fn write_json(
    path: &Path,
    scenario: &Scenario,
    s: &Siting,
    candidates_file: &Path,
) -> Result<(), WriteError> {
    let e = werr(path);
    let inputs = input_hashes(
        scenario
            .inputs
            .iter()
            .map(|p| p.as_path())
            .chain([candidates_file]),
        &e,
    )?;
    let doc = json!({
        "reliefflow_version": env!("CARGO_PKG_VERSION"),
        "inputs": inputs,
        "siting": s,
    });
    let text = serde_json::to_string_pretty(&doc).map_err(|x| e(x.to_string()))?;
    std::fs::write(path, text).map_err(|x| e(x.to_string()))
}

const MODELS: [&str; 4] = ["mclp", "pmedian", "lscp", "capacitated"];

/// Writes `siting.csv` (candidates), `siting_layouts.csv` and `stock_mix.csv` next to it.
pub fn write_csv(path: &Path, s: &Siting) -> Result<(), WriteError> {
    let e = werr(path);
    let mut w = csv::Writer::from_path(path).map_err(|x| e(x.to_string()))?;
    let mut head = vec!["id", "name", "kind", "lon", "lat", "capacity_persons"];
    let chosen: Vec<String> = MODELS.iter().map(|m| format!("chosen_{m}")).collect();
    head.extend(chosen.iter().map(String::as_str));
    head.extend(["alone_gain_persons", "alone_time_saving_min"]);
    w.write_record(&head).map_err(|x| e(x.to_string()))?;
    for c in &s.candidates {
        let mut r = vec![
            c.id.clone(),
            c.name.clone(),
            c.kind.clone(),
            format!("{:.6}", c.lon),
            format!("{:.6}", c.lat),
            c.capacity_persons.to_string(),
        ];
        r.extend(
            MODELS
                .iter()
                .map(|m| u8::from(c.chosen_by.iter().any(|x| x == m)).to_string()),
        );
        r.push(format!("{:.1}", c.alone_gain_persons));
        r.push(format!("{:.2}", c.alone_time_saving_h * 60.0));
        w.write_record(&r).map_err(|x| e(x.to_string()))?;
    }
    w.flush().map_err(|x| e(x.to_string()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let lp = dir.join("siting_layouts.csv");
    let e = werr(&lp);
    let mut w = csv::Writer::from_path(&lp).map_err(|x| e(x.to_string()))?;
    w.write_record([
        "layout",
        "open",
        "base_coverage",
        "expected_coverage",
        "p10_coverage",
        "worst_coverage",
        "expected_mean_time_min",
        "worst_mean_time_min",
        "capacitated_coverage",
        "max_regret",
        "mean_regret",
    ])
    .map_err(|x| e(x.to_string()))?;
    for l in &s.layouts {
        w.write_record([
            l.name.clone(),
            l.open_ids.join(" "),
            format!("{:.4}", l.base_coverage),
            format!("{:.4}", l.expected_coverage),
            format!("{:.4}", l.p10_coverage),
            format!("{:.4}", l.worst_coverage),
            format!("{:.2}", l.expected_mean_time_h * 60.0),
            format!("{:.2}", l.worst_mean_time_h * 60.0),
            format!("{:.4}", l.capacitated_coverage),
            format!("{:.4}", l.max_regret),
            format!("{:.4}", l.mean_regret),
        ])
        .map_err(|x| e(x.to_string()))?;
    }
    w.flush().map_err(|x| e(x.to_string()))?;
    let sp = dir.join("stock_mix.csv");
    let e = werr(&sp);
    let mut w = csv::Writer::from_path(&sp).map_err(|x| e(x.to_string()))?;
    w.write_record([
        "site",
        "item",
        "units_now",
        "units_buy",
        "units_hold",
        "units_shipped",
        "marginal_value",
    ])
    .map_err(|x| e(x.to_string()))?;
    for r in &s.stock_mix.sites {
        w.write_record([
            r.site.clone(),
            r.item.clone(),
            r.units_now.to_string(),
            r.units_buy.to_string(),
            r.units_hold.to_string(),
            r.units_shipped.to_string(),
            r.marginal_value.to_string(),
        ])
        .map_err(|x| e(x.to_string()))?;
    }
    w.flush().map_err(|x| e(x.to_string()))
}

/// Writes `siting.geojson`: existing warehouses, and every candidate with its
/// status (`chosen` by at least one model, else `rejected`) and gains.
pub fn write_geojson(path: &Path, sc: &Scenario, s: &Siting) -> Result<(), WriteError> {
    let e = werr(path);
    let mut features: Vec<serde_json::Value> = sc
        .warehouses
        .iter()
        .map(|w| {
            json!({"type": "Feature",
                "geometry": {"type": "Point", "coordinates": [w.lon, w.lat]},
                "properties": {"id": w.id, "name": w.name, "status": "existing", "tier": w.tier.as_str()}})
        })
        .collect();
    features.extend(s.candidates.iter().map(|c| {
        json!({"type": "Feature",
            "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
            "properties": {"id": c.id, "name": c.name, "kind": c.kind,
                "status": if c.chosen_by.is_empty() { "rejected" } else { "chosen" },
                "chosen_by": c.chosen_by.join(" "),
                "capacity_persons": c.capacity_persons,
                "alone_gain_persons": (c.alone_gain_persons * 10.0).round() / 10.0,
                "alone_time_saving_min": (c.alone_time_saving_h * 6000.0).round() / 100.0}})
    }));
    let doc = json!({"type": "FeatureCollection", "features": features});
    let text = serde_json::to_string(&doc).map_err(|x| e(x.to_string()))?;
    std::fs::write(path, text).map_err(|x| e(x.to_string()))
}

/// The printed summary.
pub fn summary(s: &Siting) -> String {
    let pct = |x: f64| format!("{:.1} %", 100.0 * x);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "siting {} — {:.0} persons, {} existing warehouses, {} candidates, k = {}, deadline {} h, {} damage scenarios (seed {})",
        s.scenario,
        s.persons,
        s.existing.len(),
        s.candidates.len(),
        s.k,
        s.deadline_h,
        s.scenarios,
        s.seed
    );
    for m in &s.models {
        let gap = m.gap.map_or(String::new(), |g| format!(", gap {}", pct(g)));
        let bound = m.bound.map_or(String::new(), |b| format!(", bound {b:.2}"));
        let _ = writeln!(
            o,
            "  {:<14} open [{}] value {:.2}{bound}{gap} ({}; {:.2} s)",
            m.model,
            m.open_ids.join(", "),
            m.value,
            m.scope,
            m.seconds
        );
    }
    let _ = writeln!(
        o,
        "  layout        expected  p10    worst  mean time  capacitated  max regret"
    );
    for l in &s.layouts {
        let _ = writeln!(
            o,
            "  {:<13} {:>8} {:>6} {:>6} {:>7.1} min {:>11} {:>10}",
            l.name,
            pct(l.expected_coverage),
            pct(l.p10_coverage),
            pct(l.worst_coverage),
            l.expected_mean_time_h * 60.0,
            pct(l.capacitated_coverage),
            pct(l.max_regret)
        );
    }
    let buy: u64 = s.stock_mix.items.iter().map(|i| i.units_buy).sum();
    let short: u64 = s.stock_mix.items.iter().map(|i| i.units_short).sum();
    let mut why: Vec<&str> = s
        .stock_mix
        .items
        .iter()
        .map(|i| i.short_reason.as_str())
        .filter(|r| !r.is_empty())
        .collect();
    why.sort_unstable();
    why.dedup();
    let _ = writeln!(
        o,
        "  stock mix ({}): buy {buy} units over {} items; {short} units still short{}",
        s.stock_mix.events,
        s.stock_mix.items.len(),
        if why.is_empty() {
            String::new()
        } else {
            format!(" (no {} at the sites)", why.join(" / "))
        }
    );
    if let Some(p) = &s.planner {
        o.push_str(&super::siting_planner::summary(p));
    }
    if !s.unusable.is_empty() {
        let _ = writeln!(
            o,
            "  {} candidate(s) not usable (see siting.json)",
            s.unusable.len()
        );
    }
    let t = &s.timings;
    let _ = writeln!(
        o,
        "  computed in {:.2} s (trees {:.2}, sweep {:.2}, models {:.2}, evaluation {:.2}); {:.2} % of nodes re-settled per scenario and site",
        t.trees_s + t.sweep_s + t.models_s + t.evaluate_s,
        t.trees_s,
        t.sweep_s,
        t.models_s,
        t.evaluate_s,
        100.0 * s.repaired_share
    );
    o
}

/// Writes scenario 0's instance for peer solvers: `cost_minutes.csv` (one row per
/// shelter, one column per site; unreachable = the p-median penalty, as our
/// models treat it), `weights.csv` (persons per shelter) and `instance.json`.
pub fn write_instance(dir: &Path, sc: &Scenario, s: &Siting) -> Result<(), WriteError> {
    create_folder(dir)?;
    let p = dir.join("cost_minutes.csv");
    let e = werr(&p);
    let penalty_min = s.penalty_h * 60.0;
    let mut text = String::new();
    for i in 0..sc.shelters.len() {
        let row: Vec<String> = s
            .base_times_h
            .iter()
            .map(|site| {
                format!(
                    "{:.1}",
                    site[i].map_or(penalty_min, |h| (h * 60.0).min(penalty_min))
                )
            })
            .collect();
        text.push_str(&row.join(","));
        text.push('\n');
    }
    std::fs::write(&p, text).map_err(|x| e(x.to_string()))?;
    let p = dir.join("weights.csv");
    let w: Vec<String> = sc
        .shelters
        .iter()
        .map(|x| x.headcount.to_string())
        .collect();
    std::fs::write(&p, w.join("\n") + "\n").map_err(|x| werr(&p)(x.to_string()))?;
    let p = dir.join("instance.json");
    let doc = json!({
        "scenario": s.scenario,
        "fixed": s.existing.len(),
        "sites": s.base_times_h.len(),
        "k": s.k,
        "deadline_min": s.deadline_h * 60.0,
        "penalty_min": penalty_min,
        "models": s.models,
    });
    std::fs::write(
        &p,
        serde_json::to_string_pretty(&doc).map_err(|x| werr(&p)(x.to_string()))?,
    )
    .map_err(|x| werr(&p)(x.to_string()))
}
