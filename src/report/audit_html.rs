//! `audit.html`: the audit as one self-contained page (inline CSS and SVG, no
//! network needed): headline figures, the coverage-vs-deadline curve, per-district
//! bars and tables, stockpile tests, single points of failure, findings, and a map
//! of the roads with shelters coloured by time to first batch.

use std::fmt::Write;
use std::path::Path;

use super::html::{arrival_colour, pct, table, STYLE};
use super::svg::{bar_chart, esc, line_chart, road_map, MapPoint};
use super::write_error::{werr, WriteError};
use crate::audit::whatif::WhatIfResult;
use crate::audit::Audit;
use crate::network::RoadGraph;
use crate::scenario::Scenario;

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "<b class=ok>yes</b>",
        Some(false) => "<b class=bad>no</b>",
        None => "unknown",
    }
}

fn whatif_row(r: &WhatIfResult) -> Vec<String> {
    let short: Vec<String> = r
        .shortfall_units
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    vec![
        esc(&r.name),
        r.persons.to_string(),
        pct(r.first_share),
        pct(r.relief_share),
        esc(r.first_item_out.as_deref().unwrap_or("—")),
        esc(&short.join(", ")),
    ]
}

/// Writes `audit.html`.
pub fn write_html(
    path: &Path,
    scenario: &Scenario,
    graph: &RoadGraph,
    a: &Audit,
) -> Result<(), WriteError> {
    let mut h = String::new();
    let city = &a.coverage[0];
    let fd = a.first_deadline_h;
    let _ = write!(
        h,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Coverage audit — {name}</title>
<style>{style}</style></head><body>
<h1>Coverage audit — {name}</h1><p>reliefflow {ver}; {plans} plans computed. Every figure below comes from a dispatch plan (stock, fleet and roads all count), not from distance alone.</p>"#,
        name = esc(&a.scenario),
        ver = env!("CARGO_PKG_VERSION"),
        plans = a.plans,
        style = STYLE
    );
    let _ = write!(
        h,
        r#"<div class=kpi>people with first batch by {fd} h<b>{}</b></div><div class=kpi>relief complete by 10 h<b>{}</b></div><div class=kpi>relief complete by 12 h<b>{}</b></div><div class=kpi>shelter places reached by {fd} h<b>{}</b></div>"#,
        pct(city.persons_first),
        pct(city.persons_relief_10h),
        pct(city.persons_relief_12h),
        pct(city.places_first)
    );
    if let Some((lvl, why)) = &a.response_level {
        let _ = write!(
            h,
            r#"<div class=kpi>response level<b>Level {}</b>{}</div>"#,
            lvl.as_str(),
            esc(why)
        );
    }

    h.push_str("<h2>Time coverage</h2>");
    let first: Vec<(f64, f64)> = a.curve.iter().map(|p| (p.deadline_h, p.first)).collect();
    let relief: Vec<(f64, f64)> = a.curve.iter().map(|p| (p.deadline_h, p.relief)).collect();
    let x_max = a.curve.iter().map(|p| p.deadline_h).fold(0.0, f64::max);
    h.push_str(&line_chart(
        "Share of people covered against a common deadline",
        &[
            ("first batch", "#2166ac", first),
            ("full basic relief", "#b2182b", relief),
        ],
        x_max,
        &[fd, 10.0, 12.0],
    ));
    let districts: Vec<_> = a.coverage.iter().skip(1).collect();
    h.push_str(&bar_chart(
        "Per district: people covered",
        &districts.iter().map(|g| g.name.clone()).collect::<Vec<_>>(),
        &[
            (
                &format!("first batch by {fd} h"),
                "#2166ac",
                districts.iter().map(|g| g.persons_first).collect(),
            ),
            (
                "relief by 10 h",
                "#ef8a62",
                districts.iter().map(|g| g.persons_relief_10h).collect(),
            ),
            (
                "relief by 12 h",
                "#b2182b",
                districts.iter().map(|g| g.persons_relief_12h).collect(),
            ),
        ],
    ));
    h.push_str(&table(
        &[
            "area",
            "shelters",
            "persons",
            "places",
            &format!("persons: first by {fd} h"),
            "relief by 10 h",
            "relief by 12 h",
            &format!("places: first by {fd} h"),
            "relief by 10 h",
            "relief by 12 h",
        ],
        a.coverage
            .iter()
            .map(|g| {
                vec![
                    esc(&g.name),
                    g.shelters.to_string(),
                    g.persons.to_string(),
                    g.places.to_string(),
                    pct(g.persons_first),
                    pct(g.persons_relief_10h),
                    pct(g.persons_relief_12h),
                    pct(g.places_first),
                    pct(g.places_relief_10h),
                    pct(g.places_relief_12h),
                ]
            })
            .collect(),
    ));

    h.push_str("<h2>Map: time to first batch</h2><p>Shelters: green within a third of the deadline, yellow within two thirds, orange by the deadline, red not by the deadline. Black squares: warehouses. Dashed purple: district boundaries (when the scenario has them). Roads © OpenStreetMap contributors (ODbL).</p>");
    let shelters: Vec<MapPoint> = scenario
        .shelters
        .iter()
        .zip(&a.first_arrival_h)
        .map(|(s, t)| {
            let tip = format!(
                "{} ({}): {} persons, first batch {}",
                s.id,
                s.district,
                s.headcount,
                t.map_or("not by the deadline".into(), |x| format!("at {x:.2} h"))
            );
            ([s.lon, s.lat], arrival_colour(*t, fd).to_string(), tip)
        })
        .collect();
    let warehouses: Vec<MapPoint> = scenario
        .warehouses
        .iter()
        .map(|w| {
            (
                [w.lon, w.lat],
                "#000".to_string(),
                format!("{} ({}, {} trucks)", w.id, w.tier.as_str(), w.fleet.trucks),
            )
        })
        .collect();
    let outlines: Vec<(String, &crate::network::geo::Area)> = scenario
        .districts
        .iter()
        .flatten()
        .map(|(n, a)| (n.clone(), a))
        .collect();
    h.push_str(&road_map(graph, 1000.0, &outlines, &shelters, &warehouses));

    h.push_str("<h2>Stockpile</h2>");
    let n = &a.stock_norms;
    let _ = write!(h, "<p>The whole stock gives full basic relief to <b>{:.0}</b> persons; <b>{}</b> runs out first. Residents: {}. 1.2 % life-support norm ({}): {}. 1 % relocation norm ({}): {}.</p>",
        n.persons_covered, esc(&n.scarcest_item), n.residents.map_or("unknown".into(), |r| r.to_string()),
        n.life_support_needed.map_or("—".into(), |x| format!("{x:.0} persons")), yes_no(n.meets_life_support),
        n.relocation_needed.map_or("—".into(), |x| format!("{x:.0} persons")), yes_no(n.meets_relocation));
    h.push_str(&table(
        &[
            "tier",
            "warehouses",
            "trucks",
            "person-days of full relief",
            "scarcest item",
        ],
        a.stock_tiers
            .iter()
            .map(|t| {
                vec![
                    esc(&t.tier),
                    t.warehouses.to_string(),
                    t.trucks.to_string(),
                    format!("{:.0}", t.person_days),
                    esc(&t.scarcest_item),
                ]
            })
            .collect(),
    ));
    h.push_str(&table(
        &["item", "units", "person-days"],
        a.stock_items
            .iter()
            .map(|i| {
                vec![
                    esc(&i.item),
                    format!("{:.0}", i.units),
                    format!("{:.0}", i.person_days),
                ]
            })
            .collect(),
    ));
    let sweeps: Vec<_> = std::iter::once(&a.two_level_one)
        .chain(&a.district_level_two)
        .collect();
    h.push_str("<h3>Synthetic events (worst placement of each sweep)</h3>");
    h.push_str(&table(
        &[
            "test",
            "placements",
            "stock sufficient",
            "worst placement",
            "persons",
            "first batch",
            "relief",
            "first item out",
            "shortfall units",
        ],
        sweeps
            .iter()
            .map(|s| {
                let mut r = vec![
                    esc(&s.test),
                    s.placements.to_string(),
                    yes_no(Some(s.passes)).to_string(),
                ];
                r.extend(whatif_row(&s.worst));
                r
            })
            .collect(),
    ));

    h.push_str("<h2>Shelter space</h2>");
    h.push_str(&table(
        &[
            "district",
            "residents",
            "shelters",
            "area m²",
            "places",
            "persons now",
            "m² per resident (target 1.5)",
            "meets",
        ],
        a.shelter_space
            .iter()
            .map(|s| {
                vec![
                    esc(&s.district),
                    s.residents.map_or("—".into(), |r| r.to_string()),
                    s.shelters.to_string(),
                    format!("{:.0}", s.area_m2),
                    s.places.to_string(),
                    s.persons.to_string(),
                    s.m2_per_resident.map_or("—".into(), |m| format!("{m:.2}")),
                    yes_no(s.meets_target).to_string(),
                ]
            })
            .collect(),
    ));
    if !a.shelters_in_hazard.is_empty() {
        let _ = write!(
            h,
            "<p>Inside hazard areas (excluded): {}</p>",
            esc(&a.shelters_in_hazard.join(", "))
        );
    }

    h.push_str("<h2>Single points of failure</h2>");
    let head = [
        "what-if",
        "persons",
        "first batch",
        "relief",
        "first item out",
        "shortfall units",
    ];
    h.push_str(&table(
        &head,
        a.warehouse_lost.iter().map(whatif_row).collect(),
    ));
    h.push_str(&table(
        &[
            "way",
            "relief carried (kg)",
            "what-if",
            "persons",
            "first batch",
            "relief",
            "first item out",
            "shortfall units",
        ],
        a.road_closed
            .iter()
            .map(|r| {
                let mut v = vec![r.way_id.to_string(), format!("{:.0}", r.carried_kg)];
                v.extend(whatif_row(&r.result));
                v
            })
            .collect(),
    ));

    h.push_str("<h2>Data-quality findings</h2><ul>");
    if a.findings.is_empty() {
        h.push_str("<li>none</li>");
    }
    for f in &a.findings {
        let _ = write!(h, "<li>{}</li>", esc(f));
    }
    h.push_str("</ul></body></html>\n");
    std::fs::write(path, h).map_err(|x| werr(path)(x.to_string()))
}
