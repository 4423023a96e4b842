//! `siting.html`: the siting study as one self-contained page — today's layout
//! against the proposed ones over every damage scenario, each model's answer with
//! its bound and gap, the candidates, the stock mix, and a map.

use std::fmt::Write;
use std::path::Path;

use super::html::{arrival_colour, pct, table, STYLE};
use super::svg::{bar_chart, esc, road_map, MapPoint};
use super::write_error::{werr, WriteError};
use crate::network::RoadGraph;
use crate::scenario::Scenario;
use crate::site::Siting;

/// Writes `siting.html`.
pub fn write_html(
    path: &Path,
    sc: &Scenario,
    graph: &RoadGraph,
    s: &Siting,
) -> Result<(), WriteError> {
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Stockpile siting — {name}</title><style>{STYLE}</style></head><body>
<h1>Stockpile siting — {name}</h1><p>reliefflow {ver}. {k} new site(s) among {nc} candidates, {ne} existing warehouses kept; first batch due by {d} h (loading and unloading included); {ns} damage scenarios (scenario 0 = the scenario as given, seed {seed}).</p>"#,
        name = esc(&s.scenario),
        ver = env!("CARGO_PKG_VERSION"),
        k = s.k,
        nc = s.candidates.len(),
        ne = s.existing.len(),
        d = s.deadline_h,
        ns = s.scenarios,
        seed = s.seed
    );
    h.push_str(&comparison_section(s));
    if let Some(p) = &s.planner {
        h.push_str(&super::siting_planner::html(p));
    }
    h.push_str("<h2>Models</h2>");
    h.push_str(&table(
        &[
            "model",
            "objective",
            "scope",
            "opens",
            "value",
            "bound",
            "gap",
            "seconds",
        ],
        s.models
            .iter()
            .map(|m| {
                vec![
                    esc(&m.model),
                    esc(&m.objective),
                    esc(&m.scope),
                    esc(&m.open_ids.join(", ")),
                    format!("{:.2}", m.value),
                    m.bound.map_or("–".into(), |b| format!("{b:.2}")),
                    m.gap.map_or("–".into(), pct),
                    format!("{:.2}", m.seconds),
                ]
            })
            .collect(),
    ));
    h.push_str("<h2>Candidates</h2><p>Gain if the site alone joined today's warehouses, mean over the damage scenarios.</p>");
    let mut cands: Vec<_> = s.candidates.iter().collect();
    cands.sort_by(|a, b| {
        b.alone_gain_persons
            .total_cmp(&a.alone_gain_persons)
            .then(a.id.cmp(&b.id))
    });
    h.push_str(&table(
        &[
            "id",
            "name",
            "kind",
            "capacity (persons)",
            "chosen by",
            "persons newly reached",
            "mean time saved (min)",
        ],
        cands
            .iter()
            .map(|c| {
                vec![
                    esc(&c.id),
                    esc(&c.name),
                    esc(&c.kind),
                    c.capacity_persons.to_string(),
                    esc(&c.chosen_by.join(", ")),
                    format!("{:.0}", c.alone_gain_persons),
                    format!("{:.1}", c.alone_time_saving_h * 60.0),
                ]
            })
            .collect(),
    ));
    let _ = write!(
        h,
        "<h2>Stock mix of the MCLP layout</h2><p>Sized for the 1.2 % norm and for {} by {} h, at least cost (min-cost flow per item; dual prices from its potentials).</p>",
        esc(&s.stock_mix.events),
        sc.targets.relief_h
    );
    h.push_str(&table(
        &[
            "item",
            "norm units",
            "event units",
            "held now",
            "to buy",
            "still short",
        ],
        s.stock_mix
            .items
            .iter()
            .map(|i| {
                vec![
                    esc(&i.item),
                    i.norm_units.to_string(),
                    i.event_units.to_string(),
                    i.units_now.to_string(),
                    i.units_buy.to_string(),
                    i.units_short.to_string(),
                    esc(&i.short_reason),
                ]
            })
            .collect(),
    ));
    let mut dual: Vec<_> = s
        .stock_mix
        .sites
        .iter()
        .filter(|r| r.marginal_value != 0)
        .collect();
    dual.sort_by(|a, b| {
        b.marginal_value
            .cmp(&a.marginal_value)
            .then(a.site.cmp(&b.site))
    });
    h.push_str("<p>Where one more unit saves most (marginal value in haulage units of unit × 0.1 min; a bought unit costs 1 000 000):</p>");
    h.push_str(&table(
        &["site", "item", "hold", "ship", "marginal value"],
        dual.iter()
            .take(15)
            .map(|r| {
                vec![
                    esc(&r.site),
                    esc(&r.item),
                    r.units_hold.to_string(),
                    r.units_shipped.to_string(),
                    r.marginal_value.to_string(),
                ]
            })
            .collect(),
    ));
    h.push_str("<h2>Map</h2><p>Shelters coloured by first-batch time with the MCLP layout in scenario 0; black squares: existing warehouses, green: chosen candidates, grey: rejected.</p>");
    let shelters: Vec<MapPoint> = sc
        .shelters
        .iter()
        .zip(&s.shelter_times_h)
        .map(|(sh, &(today, with))| {
            let f = |t: Option<f64>| t.map_or("unreachable".to_string(), |x| format!("{x:.2} h"));
            (
                [sh.lon, sh.lat],
                arrival_colour(with, s.deadline_h).to_string(),
                format!(
                    "{}: {} persons, today {}, proposed {}",
                    sh.id,
                    sh.headcount,
                    f(today),
                    f(with)
                ),
            )
        })
        .collect();
    let mut sites: Vec<MapPoint> = sc
        .warehouses
        .iter()
        .map(|w| {
            (
                [w.lon, w.lat],
                "#000".to_string(),
                format!("{} (existing)", w.id),
            )
        })
        .collect();
    sites.extend(s.candidates.iter().map(|c| {
        let chosen = !c.chosen_by.is_empty();
        (
            [c.lon, c.lat],
            if chosen { "#1a9850" } else { "#999" }.to_string(),
            format!(
                "{} {} ({})",
                c.id,
                c.name,
                if chosen {
                    c.chosen_by.join(", ")
                } else {
                    "rejected".into()
                }
            ),
        )
    }));
    let outlines: Vec<(String, &crate::network::geo::Area)> = sc
        .districts
        .iter()
        .flatten()
        .map(|(n, a)| (n.clone(), a))
        .collect();
    h.push_str(&road_map(graph, 1000.0, &outlines, &shelters, &sites));
    h.push_str("</body></html>");
    std::fs::write(path, h).map_err(|x| werr(path)(x.to_string()))
}

/// The "today against proposed" section: headline figures, bars and the layout
/// table over all damage scenarios.
pub fn comparison_section(s: &Siting) -> String {
    let mut h = String::from("<h2>Today's layout against the proposed ones</h2>");
    let today = s.layouts.iter().find(|l| l.name == "today");
    let best = s.layouts.iter().find(|l| l.name == "mclp");
    if let (Some(t), Some(b)) = (today, best) {
        let _ = write!(
            h,
            r#"<div class=kpi>expected coverage today<b>{}</b></div><div class=kpi>with {}<b>{}</b></div><div class=kpi>worst scenario today<b>{}</b></div><div class=kpi>worst scenario proposed<b>{}</b></div><div class=kpi>mean time today → proposed<b>{:.0} → {:.0} min</b></div>"#,
            pct(t.expected_coverage),
            esc(&b.open_ids.join(", ")),
            pct(b.expected_coverage),
            pct(t.worst_coverage),
            pct(b.worst_coverage),
            t.expected_mean_time_h * 60.0,
            b.expected_mean_time_h * 60.0
        );
    }
    let names: Vec<String> = s.layouts.iter().map(|l| l.name.clone()).collect();
    h.push_str(&bar_chart(
        "Share of people whose first batch can arrive by the deadline",
        &names,
        &[
            (
                "expected",
                "#2166ac",
                s.layouts.iter().map(|l| l.expected_coverage).collect(),
            ),
            (
                "10th percentile",
                "#ef8a62",
                s.layouts.iter().map(|l| l.p10_coverage).collect(),
            ),
            (
                "worst scenario",
                "#b2182b",
                s.layouts.iter().map(|l| l.worst_coverage).collect(),
            ),
        ],
    ));
    h.push_str(&table(
        &[
            "layout",
            "opens",
            "scenario 0",
            "expected",
            "10th pct",
            "worst",
            "mean time (min)",
            "worst mean time (min)",
            "within capacity",
            "max regret",
            "mean regret",
        ],
        s.layouts
            .iter()
            .map(|l| {
                vec![
                    esc(&l.name),
                    esc(&l.open_ids.join(", ")),
                    pct(l.base_coverage),
                    pct(l.expected_coverage),
                    pct(l.p10_coverage),
                    pct(l.worst_coverage),
                    format!("{:.1}", l.expected_mean_time_h * 60.0),
                    format!("{:.1}", l.worst_mean_time_h * 60.0),
                    pct(l.capacitated_coverage),
                    pct(l.max_regret),
                    pct(l.mean_regret),
                ]
            })
            .collect(),
    ));
    h
}
