//! What-ifs: a scenario with other headcounts, warehouses lost, roads closed or
//! other deadlines. A [`WhatIf`] only transforms the scenario; planning and
//! judging it is the caller's business (audit, siting, the service).

use super::{Scenario, Targets};

/// A change to the scenario.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WhatIf {
    /// Label in reports.
    pub name: String,
    /// New headcount per shelter (priority people scaled in proportion).
    pub headcounts: Option<Vec<u32>>,
    /// Warehouses lost (no stock, no trucks).
    pub lost_warehouses: Vec<usize>,
    /// Extra ways closed (the matrices are recomputed).
    pub closed_ways: Vec<i64>,
    /// Other deadlines.
    pub targets: Option<Targets>,
}

/// Applies `w` to a copy of `base`.
pub fn apply(base: &Scenario, w: &WhatIf) -> Scenario {
    let mut sc = base.clone();
    if let Some(h) = &w.headcounts {
        for (s, &n) in sc.shelters.iter_mut().zip(h) {
            let old = s.headcount.max(1);
            let scale = |x: u32| ((u64::from(x) * u64::from(n)) / u64::from(old)) as u32;
            let p = &mut s.priority;
            (p.elderly, p.children, p.pregnant, p.disabled, p.injured) = (
                scale(p.elderly),
                scale(p.children),
                scale(p.pregnant),
                scale(p.disabled),
                scale(p.injured),
            );
            s.headcount = n;
        }
    }
    for &k in &w.lost_warehouses {
        sc.warehouses[k].fleet.trucks = 0;
        sc.stock.clear_warehouse(crate::facility::WarehouseIx(k));
    }
    sc.disruption.closed_ways.extend(&w.closed_ways);
    if let Some(t) = w.targets {
        sc.targets = t;
    }
    sc
}
