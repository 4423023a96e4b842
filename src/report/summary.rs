//! The printed summary a duty officer reads in ten seconds, and the bottleneck
//! hints ("3 trucks more at W2 would cover …").

use std::collections::{BTreeMap, BTreeSet};

use crate::plan::demand::Phase;
use crate::plan::{Kpis, Plan};
use crate::scenario::Scenario;

/// Fleet bottlenecks per warehouse and phase, as sentences. The number of extra
/// trucks is an estimate: loads not issued ÷ trips one truck managed in that phase.
pub fn bottleneck_hints(scenario: &Scenario, plan: &Plan) -> Vec<String> {
    let mut by: BTreeMap<(u8, usize), (usize, BTreeSet<usize>)> = BTreeMap::new();
    for (phase, u) in &plan.unshipped {
        let e = by.entry((*phase as u8, u.warehouse)).or_default();
        e.0 += 1;
        e.1.insert(u.shelter);
    }
    let mut out: Vec<(u8, u64, String)> = Vec::new();
    for ((p, w), (loads, shelters)) in by {
        let phase = if p == 0 { Phase::First } else { Phase::Relief };
        let wh = &scenario.warehouses[w];
        let issued = plan
            .trips
            .iter()
            .filter(|t| t.warehouse == w && t.phase == phase)
            .count();
        let per_truck = (issued as f64 / f64::from(wh.fleet.trucks.max(1))).max(1.0);
        let extra = (loads as f64 / per_truck).ceil() as u64;
        let deadline = match phase {
            Phase::First => scenario.targets.first_delivery_h,
            Phase::Relief => scenario.targets.relief_h,
        };
        out.push((p, extra, format!(
            "about {extra} more truck(s) at {} would carry the {loads} load(s) still waiting for {} shelter(s) by {deadline} h ({} phase)",
            wh.id,
            shelters.len(),
            phase.as_str()
        )));
    }
    // First phase first, then the biggest gaps.
    out.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    out.into_iter().map(|x| x.2).collect()
}

/// Bottleneck sentences printed (all are in `plan.json`).
pub const MAX_HINTS: usize = 4;

/// The summary text.
pub fn render(scenario: &Scenario, plan: &Plan, kpis: &Kpis, hints: &[String]) -> String {
    let pct = |x: f64| format!("{:.1} %", 100.0 * x);
    let mut s = String::new();
    let t = &scenario.targets;
    s += &format!(
        "plan {} — {} persons ({} priority) in {} shelters, {} warehouses{}\n",
        scenario.name,
        kpis.persons,
        kpis.priority_persons,
        scenario.shelters.len(),
        scenario.warehouses.len(),
        if scenario.event_time.is_empty() {
            String::new()
        } else {
            format!(", event at {}", scenario.event_time)
        }
    );
    s += &format!(
        "  first batch by {} h : {} of demand met ({} for priority people), {} of shelters complete\n",
        t.first_delivery_h,
        pct(kpis.first_met_share),
        pct(kpis.first_met_share_priority),
        pct(kpis.shelters_first_complete)
    );
    s += &format!(
        "  basic relief by {} h: {} of demand met, {} of shelters complete\n",
        t.relief_h,
        pct(kpis.relief_met_share),
        pct(kpis.shelters_relief_complete)
    );
    s += &format!(
        "  {} trips by {} trucks, {:.1} truck-hours, last arrival at {:.2} h\n",
        kpis.trips, kpis.trucks_used, kpis.truck_hours, kpis.latest_arrival_h
    );
    if kpis.shortfall_units.is_empty() {
        s += "  no shortfalls\n";
    } else {
        s += "  shortfalls (units): ";
        let parts: Vec<String> = kpis
            .shortfall_units
            .iter()
            .map(|(p, r, q)| format!("{} {} {}", p.as_str(), r.as_str(), q))
            .collect();
        s += &parts.join(", ");
        s += "\n";
    }
    for h in hints.iter().take(MAX_HINTS) {
        s += &format!("  bottleneck: {h}\n");
    }
    if hints.len() > MAX_HINTS {
        s += &format!(
            "  … and {} more bottleneck(s), listed in plan.json\n",
            hints.len() - MAX_HINTS
        );
    }
    if kpis.persons_over_capacity > 0 {
        s += &format!(
            "  warning: {} persons above shelter capacity (1.5 m² each)\n",
            kpis.persons_over_capacity
        );
    }
    let tm = &plan.timings;
    s += &format!(
        "  computed in {:.0} ms (matrix {:.0}, solve {:.0}, trips {:.0})\n",
        1000.0 * (tm.matrix_s + tm.solve_s + tm.trips_s),
        1000.0 * tm.matrix_s,
        1000.0 * tm.solve_s,
        1000.0 * tm.trips_s
    );
    s
}
