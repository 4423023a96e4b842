//! The printed summary a duty officer reads in ten seconds, with the plan's
//! bottlenecks worded ("about 3 more trucks at W2 would carry …").

use crate::plan::binding::{Binds, Finding};
use crate::plan::bottleneck::{Bottleneck, BottleneckKind};
use crate::plan::{Kpis, Plan};
use crate::scenario::Scenario;

/// A bottleneck as the sentence a duty officer reads.
pub fn bottleneck_sentence(scenario: &Scenario, b: &Bottleneck) -> String {
    match b.kind {
        BottleneckKind::Fleet => format!(
            "about {} more truck(s) at {} would carry the {} load(s) still waiting for {} shelter(s) by {} h ({} phase)",
            b.trucks_needed,
            scenario.warehouses[b.warehouse].id,
            b.loads_waiting,
            b.shelters_waiting,
            b.deadline_h,
            b.phase.as_str()
        ),
    }
}

/// A finding as the sentence a duty officer reads.
pub fn finding_sentence(scenario: &Scenario, f: &Finding) -> String {
    let what = match (f.binds, f.item) {
        (Binds::Stock, Some(i)) => format!("stock of {}", scenario.catalogue.items[i].item),
        (Binds::Stock, None) | (Binds::Trucks, _) => "trucks".to_string(),
        (Binds::Roads, _) => "roads (shelters cut off)".to_string(),
        (Binds::Deadline, _) => "the deadline (too far from every warehouse)".to_string(),
    };
    let mut s = format!(
        "{what}: {:.1} t short in {} shelter(s) ({} phase)",
        f.kg_short / 1000.0,
        f.shelters,
        f.phase.as_str()
    );
    if let (Some(w), Some(m)) = (f.warehouse, f.marginal_kg) {
        let unit = if f.binds == Binds::Trucks {
            "truck"
        } else {
            "unit"
        };
        s += &format!(
            "; one more {unit} at {} is worth up to {m:.1} kg more by {} h",
            scenario.warehouses[w].id, scenario.targets.first_delivery_h
        );
    }
    s
}

/// Bottleneck sentences printed (all are in `plan.json`).
pub const MAX_HINTS: usize = 4;

/// The summary text.
pub fn render(scenario: &Scenario, plan: &Plan, kpis: &Kpis) -> String {
    let hints = &plan.bottlenecks;
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
    let at = |h: f64| super::clock::after_event(&scenario.event_time, h);
    s += &format!(
        "  plan time {} ({:.1} h after the event); first batch due {} ({:.1} h left), basic relief due {} ({:.1} h left)\n",
        at(scenario.plan_h),
        scenario.plan_h,
        at(t.first_delivery_h),
        t.first_delivery_h - scenario.plan_h,
        at(t.relief_h),
        t.relief_h - scenario.plan_h
    );
    let clock = super::clock::section(t, scenario.plan_h, &at);
    for w in clock["warnings"].as_array().into_iter().flatten() {
        s += &format!("  warning: {}\n", w.as_str().unwrap_or_default());
    }
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
    let gap = |got: f64, bound: f64| {
        if bound > 0.0 {
            pct((1.0 - got / bound).max(0.0))
        } else {
            pct(0.0)
        }
    };
    s += &format!(
        "  best possible: {:.1} t first batch by {} h ({:.1} t planned, {} below), {:.1} t relief by {} h ({:.1} t planned, {} below)\n",
        kpis.first_kg_bound / 1000.0,
        t.first_delivery_h,
        kpis.first_kg / 1000.0,
        gap(kpis.first_kg, kpis.first_kg_bound),
        kpis.relief_kg_bound / 1000.0,
        t.relief_h,
        kpis.relief_kg / 1000.0,
        gap(kpis.relief_kg, kpis.relief_kg_bound)
    );
    s += &format!(
        "  fairness ({} mode): worst shelter gets {} of its first batch, {} of shelters below half, Gini {:.3}\n",
        scenario.objective.mode.as_str(),
        pct(kpis.first_min_shelter_share),
        pct(kpis.shelters_first_below_half),
        kpis.first_share_gini
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
    for f in plan.findings.iter().take(MAX_HINTS) {
        s += &format!("  binds: {}\n", finding_sentence(scenario, f));
    }
    for h in hints.iter().take(MAX_HINTS) {
        s += &format!("  bottleneck: {}\n", bottleneck_sentence(scenario, h));
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
        "  computed in {:.0} ms (matrix {:.0}, planning attempts {:.0}; the kept one: solve {:.0}, trips {:.0})\n",
        1000.0 * (tm.matrix_s + tm.attempts_s),
        1000.0 * tm.matrix_s,
        1000.0 * tm.attempts_s,
        1000.0 * tm.solve_s,
        1000.0 * tm.trips_s
    );
    s
}
