//! What binds a plan: for each phase, the kg short for lack of stock (per item),
//! of trucks, of roads (cut off) and of time (too far for the deadline), with
//! where one more unit of the resource would help most and by how much, from the
//! dual prices of the bound's relaxation ([`super::bound::Marginals`], first
//! batch only). A typed result; reports word it.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::demand::Phase;
use super::shortfall::Reason;
use super::Plan;
use crate::supplies::Catalogue;

/// The resource that binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Binds {
    /// Stock of one item (`no_stock` shortfalls).
    Stock,
    /// Trucks (`fleet` shortfalls).
    Trucks,
    /// Roads: shelters cut off (`unreachable`).
    Roads,
    /// The deadline itself: no warehouse can reach the shelter in time
    /// (`too_far`).
    Deadline,
}

/// One binding resource in one phase.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// What binds.
    pub binds: Binds,
    /// The phase short.
    pub phase: Phase,
    /// The item, for stock.
    pub item: Option<usize>,
    /// Where one more unit helps most (stock: a unit of the item; trucks: a truck),
    /// by the bound's dual prices; first batch only.
    pub warehouse: Option<usize>,
    /// Kg short for this reason.
    pub kg_short: f64,
    /// Shelters short for this reason.
    pub shelters: usize,
    /// Kg more by the first deadline per one more unit (stock) or truck at
    /// `warehouse`, in the bound's relaxation; `None` where not priced.
    pub marginal_kg: Option<f64>,
}

/// The findings of `plan`, each phase's largest first.
pub fn findings(plan: &Plan, catalogue: &Catalogue) -> Vec<Finding> {
    // (phase, what binds, item) → (kg short, shelters short).
    type Key = (Phase, Binds, Option<usize>);
    let mut by: BTreeMap<Key, (f64, BTreeSet<usize>)> = BTreeMap::new();
    for s in &plan.shortfalls {
        let binds = match s.reason {
            Reason::NoStock => Binds::Stock,
            Reason::Fleet => Binds::Trucks,
            Reason::Unreachable => Binds::Roads,
            Reason::TooFar => Binds::Deadline,
        };
        let item = (binds == Binds::Stock).then_some(s.item);
        let e = by.entry((s.phase, binds, item)).or_default();
        e.0 += s.quantity as f64 * catalogue.items[s.item].kg_per_unit;
        e.1.insert(s.shelter);
    }
    let m = &plan.bounds.first_marginal;
    let argmax = |v: &mut dyn Iterator<Item = (usize, f64)>| {
        v.fold(None, |b: Option<(usize, f64)>, (w, x)| {
            if x > 1e-12 && b.is_none_or(|b| x > b.1) {
                Some((w, x))
            } else {
                b
            }
        })
    };
    let mut out: Vec<Finding> = by
        .into_iter()
        .map(|((phase, binds, item), (kg, shelters))| {
            let priced = match (phase, binds, item) {
                (Phase::First, Binds::Trucks, _) => {
                    argmax(&mut m.truck_kg.iter().copied().enumerate())
                }
                (Phase::First, Binds::Stock, Some(i)) => {
                    argmax(&mut m.unit_kg.iter().map(|u| u[i]).enumerate())
                }
                _ => None,
            };
            Finding {
                binds,
                phase,
                item,
                warehouse: priced.map(|p| p.0),
                kg_short: kg,
                shelters: shelters.len(),
                marginal_kg: priced.map(|p| p.1),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.phase
            .cmp(&b.phase)
            .then(b.kg_short.total_cmp(&a.kg_short))
    });
    out
}
