//! What-ifs planned for real and summarised for the audit: the shares of people
//! reached and the shortfalls of a [`WhatIf`]'s plan. Synthetic events, the
//! coverage curve and the single-point-of-failure checks are all what-ifs.

use std::collections::BTreeMap;

use serde::Serialize;

use super::coverage::{persons_shares, shelter_shares, ShelterShares};
use crate::network::RoadGraph;
use crate::plan::shortfall::Reason;
use crate::plan::{plan_with_bounds, prepare, PlanError, PlanOptions, Prepared};
use crate::scenario::whatif::{apply, WhatIf};
use crate::scenario::Scenario;

/// What a what-if's plan achieves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIfResult {
    /// Label.
    pub name: String,
    /// Persons in shelters.
    pub persons: u64,
    /// Share of persons whose first batch arrives by the first deadline.
    pub first_share: f64,
    /// Share of persons whose whole basic relief arrives by the relief deadline.
    pub relief_share: f64,
    /// Shortfall units by reason (both phases).
    pub shortfall_units: BTreeMap<String, u64>,
    /// The item with the most `no_stock` units (None when stock sufficed).
    pub first_item_out: Option<String>,
    /// True when no demand was short for lack of stock.
    pub stock_sufficient: bool,
}

/// Plans `w` and summarises it, with the per-shelter shares. Reuses `prep` unless
/// the what-if closes roads.
pub fn evaluate(
    base: &Scenario,
    graph: &RoadGraph,
    prep: &Prepared,
    w: &WhatIf,
) -> Result<(WhatIfResult, ShelterShares), PlanError> {
    let sc = apply(base, w);
    let fresh;
    let prep = if w.closed_ways.is_empty() {
        prep
    } else {
        fresh = prepare(&sc, graph)?;
        &fresh
    };
    let p = plan_with_bounds(&sc, prep, &PlanOptions::sweep())?;
    let shares = shelter_shares(&sc, &p);
    let (first_share, relief_share) = persons_shares(&sc, &shares);
    let mut units: BTreeMap<String, u64> = BTreeMap::new();
    let mut no_stock: BTreeMap<usize, f64> = BTreeMap::new();
    for s in &p.shortfalls {
        *units.entry(s.reason.as_str().to_string()).or_default() += s.quantity;
        if s.reason == Reason::NoStock {
            *no_stock.entry(s.item).or_default() +=
                s.quantity as f64 * sc.catalogue.items[s.item].kg_per_unit;
        }
    }
    let first_item_out = no_stock
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(&i, _)| sc.catalogue.items[i].item.clone());
    Ok((
        WhatIfResult {
            name: w.name.clone(),
            persons: sc.shelters.iter().map(|s| u64::from(s.headcount)).sum(),
            first_share,
            relief_share,
            shortfall_units: units,
            stock_sufficient: first_item_out.is_none(),
            first_item_out,
        },
        shares,
    ))
}
