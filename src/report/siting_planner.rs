//! The planner-judged part of a siting study ([`crate::site::by_planner`]):
//! `siting_planner.csv` (one row per layout: today, covering, chosen),
//! `siting_planner_districts.csv`, `siting_planner_stock.csv`, the lines of the
//! printed summary and the section of `siting.html`. The CSV files hold no
//! timings and fixed number formats: the same inputs and seed, the same bytes.

use std::fmt::Write as _;
use std::path::Path;

use super::html::{pct, table};
use super::svg::esc;
use super::write_error::{werr, WriteError};
use crate::site::by_planner::PlannerSiting;
use crate::site::judge::Judged;

const MEASURES: [&str; 5] = [
    "first_6h",
    "relief_10h",
    "relief_12h",
    "priority_first_6h",
    "relief_10h_kg",
];

fn values(j: &Judged) -> [f64; 5] {
    [
        j.first,
        j.relief_early,
        j.relief,
        j.priority_first,
        j.relief_early_kg,
    ]
}

/// Writes `siting_planner.csv`, `siting_planner_districts.csv` and
/// `siting_planner_stock.csv` to `paths` (in that order); header rows only when
/// the planner was left out.
pub fn write_csv(paths: &[&Path], p: Option<&PlannerSiting>) -> Result<(), WriteError> {
    let f4 = |x: f64| format!("{x:.4}");
    let mut header = vec!["layout".to_string(), "opens".into()];
    for stat in ["mean", "p10", "worst"] {
        header.extend(MEASURES.iter().map(|m| format!("{m}_{stat}")));
    }
    header.push("worst_scenario".into());
    let rows: Vec<Vec<String>> = p.map_or_else(Vec::new, |p| {
        p.layouts
            .iter()
            .map(|l| {
                let mut r = vec![l.name.clone(), l.open_ids.join(" ")];
                for j in [&l.spread.mean, &l.spread.p10, &l.spread.worst] {
                    r.extend(values(j).into_iter().map(f4));
                }
                r.push(l.worst_scenario.to_string());
                r
            })
            .collect()
    });
    write(paths[0], &header, &rows)?;
    let header: Vec<String> = [
        "district",
        "persons",
        "today_first_6h",
        "planner_first_6h",
        "today_relief_10h",
        "planner_relief_10h",
    ]
    .map(String::from)
    .to_vec();
    let rows = p.map_or_else(Vec::new, |p| {
        p.districts
            .iter()
            .map(|d| {
                vec![
                    d.district.clone(),
                    format!("{:.0}", d.persons),
                    f4(d.today_first),
                    f4(d.planner_first),
                    f4(d.today_relief_early),
                    f4(d.planner_relief_early),
                ]
            })
            .collect()
    });
    write(paths[1], &header, &rows)?;
    let header: Vec<String> = ["site", "item", "stocked", "shipped_mean", "shipped_max"]
        .map(String::from)
        .to_vec();
    let rows = p.map_or_else(Vec::new, |p| {
        p.stock
            .iter()
            .map(|s| {
                vec![
                    s.site.clone(),
                    s.item.clone(),
                    format!("{:.0}", s.stocked),
                    format!("{:.1}", s.shipped_mean),
                    format!("{:.0}", s.shipped_max),
                ]
            })
            .collect()
    });
    write(paths[2], &header, &rows)
}

fn write(path: &Path, header: &[String], rows: &[Vec<String>]) -> Result<(), WriteError> {
    let e = werr(path);
    let mut w = csv::Writer::from_path(path).map_err(|x| e(x.to_string()))?;
    w.write_record(header).map_err(|x| e(x.to_string()))?;
    for r in rows {
        w.write_record(r).map_err(|x| e(x.to_string()))?;
    }
    w.flush().map_err(|x| e(x.to_string()))
}

/// Lines of the printed summary.
pub fn summary(p: &PlannerSiting) -> String {
    let pc = |x: f64| format!("{:.1} %", 100.0 * x);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "  judged by the dispatch planner ({} damage scenarios; search on the first {}, {} layouts over a shortlist of {}):",
        p.scenarios,
        p.screen_scenarios,
        p.layouts_searched,
        p.shortlist.len()
    );
    let _ = writeln!(
        o,
        "  layout      opens                      relief 10 h: mean   p10  worst   first 6 h   relief 12 h  priority 6 h"
    );
    for l in &p.layouts {
        let (m, p10, w) = (&l.spread.mean, &l.spread.p10, &l.spread.worst);
        let _ = writeln!(
            o,
            "  {:<11} {:<26} {:>18} {:>7} {:>6} {:>11} {:>13} {:>13}",
            l.name,
            l.open_ids.join(", "),
            pc(m.relief_early),
            pc(p10.relief_early),
            pc(w.relief_early),
            pc(m.first),
            pc(m.relief),
            pc(m.priority_first)
        );
    }
    if let Some(w) = p.worst.first() {
        let _ = writeln!(
            o,
            "  worst damage scenario for the chosen layout: #{} ({} road edges closed, {} slowed, {} bridge(s) failed{}{}): relief by 10 h {} today, {} proposed",
            w.damage.index,
            w.damage.closed_edges,
            w.damage.slowed_edges,
            w.damage.bridges_failed,
            if w.damage.hazards_closed.is_empty() {
                String::new()
            } else {
                format!(", closed: {}", w.damage.hazards_closed.join(", "))
            },
            if w.damage.closed_roads.is_empty() {
                String::new()
            } else {
                format!("; roads out: {}", w.damage.closed_roads.join(", "))
            },
            pc(w.today_relief_early),
            pc(w.planner_relief_early)
        );
    }
    let _ = writeln!(
        o,
        "  surrogate (fleet-throughput flow) against the planner on relief by 10 h: mean error {:.1} points, largest {:.1}",
        100.0 * p.surrogate_mae,
        100.0 * p.surrogate_max_error
    );
    let _ = writeln!(
        o,
        "  {} plans, {:.3} s per plan (search {:.1} s, judgement {:.1} s)",
        p.plans, p.seconds_per_plan, p.search_s, p.judge_s
    );
    o
}

/// The section of `siting.html`.
pub fn html(p: &PlannerSiting) -> String {
    let mut h = String::from("<h2>Judged by the dispatch planner</h2>");
    let _ = write!(
        h,
        "<p>Each layout planned by the real dispatch planner (trucks, trips, loading, stock) on {} damage scenarios; the search (greedy and swaps over a shortlist of {} by a fleet-throughput surrogate) planned {} layouts on the first {}. Shares are of people, each shelter weighted by its headcount. The surrogate's mean error against the planner: {:.1} points (largest {:.1}).</p>",
        p.scenarios,
        p.shortlist.len(),
        p.layouts_searched,
        p.screen_scenarios,
        100.0 * p.surrogate_mae,
        100.0 * p.surrogate_max_error
    );
    h.push_str(&table(
        &[
            "layout",
            "opens",
            "relief by 10 h (mean)",
            "10th pct",
            "worst",
            "first batch by 6 h",
            "relief by 12 h",
            "priority people by 6 h",
        ],
        p.layouts
            .iter()
            .map(|l| {
                vec![
                    esc(&l.name),
                    esc(&l.open_ids.join(", ")),
                    pct(l.spread.mean.relief_early),
                    pct(l.spread.p10.relief_early),
                    pct(l.spread.worst.relief_early),
                    pct(l.spread.mean.first),
                    pct(l.spread.mean.relief),
                    pct(l.spread.mean.priority_first),
                ]
            })
            .collect(),
    ));
    h.push_str("<h3>Per district (means over the damage scenarios)</h3>");
    h.push_str(&table(
        &[
            "district",
            "persons",
            "relief by 10 h today",
            "proposed",
            "first batch today",
            "proposed",
        ],
        p.districts
            .iter()
            .map(|d| {
                vec![
                    esc(&d.district),
                    format!("{:.0}", d.persons),
                    pct(d.today_relief_early),
                    pct(d.planner_relief_early),
                    pct(d.today_first),
                    pct(d.planner_first),
                ]
            })
            .collect(),
    ));
    h.push_str("<h3>The worst damage scenarios for the proposed layout</h3>");
    h.push_str(&table(
        &[
            "scenario",
            "epicentre",
            "road edges closed",
            "main roads out",
            "bridges failed",
            "hazard areas closed",
            "relief by 10 h today",
            "proposed",
        ],
        p.worst
            .iter()
            .map(|w| {
                vec![
                    w.damage.index.to_string(),
                    w.damage
                        .epicentre
                        .map_or("as given".into(), |e| format!("{:.4}, {:.4}", e[0], e[1])),
                    w.damage.closed_edges.to_string(),
                    esc(&w.damage.closed_roads.join(", ")),
                    w.damage.bridges_failed.to_string(),
                    esc(&w.damage.hazards_closed.join(", ")),
                    pct(w.today_relief_early),
                    pct(w.planner_relief_early),
                ]
            })
            .collect(),
    ));
    h.push_str("<h3>What the proposed sites shipped</h3><p>Units per item, over the damage scenarios: what each site should hold for these deliveries to happen.</p>");
    h.push_str(&table(
        &[
            "site",
            "item",
            "stocked",
            "shipped (mean)",
            "shipped (most)",
        ],
        p.stock
            .iter()
            .map(|s| {
                vec![
                    esc(&s.site),
                    esc(&s.item),
                    format!("{:.0}", s.stocked),
                    format!("{:.0}", s.shipped_mean),
                    format!("{:.0}", s.shipped_max),
                ]
            })
            .collect(),
    ));
    h
}
