//! Stockpile totals against the norms (SPEC §1): life-support stock for 1.2 % of
//! residents, relocation supplies for 1 %; per item and per warehouse tier, how many
//! persons the stock gives one day of basic relief (the catalogue's
//! `relief_per_person`), and which item runs out first.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::facility::{ItemIx, WarehouseIx};
use crate::scenario::Scenario;

use crate::supplies::norms::{LIFE_SUPPORT_SHARE, RELOCATION_SHARE};

/// One item's stock.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemStock {
    /// Item name.
    pub item: String,
    /// Units held in all warehouses.
    pub units: f64,
    /// Persons one day of basic relief this covers (units / relief_per_person).
    pub person_days: f64,
    /// The same per warehouse tier.
    pub person_days_by_tier: BTreeMap<String, f64>,
}

/// One tier's holding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierHolding {
    /// Tier name.
    pub tier: String,
    /// Warehouses of this tier.
    pub warehouses: usize,
    /// Trucks of this tier.
    pub trucks: u64,
    /// Persons one day of full basic relief covers (the scarcest item decides).
    pub person_days: f64,
    /// The scarcest item.
    pub scarcest_item: String,
}

/// Stock against the 1.2 % and 1 % norms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StockNorms {
    /// Resident population the norms apply to (None: no population table).
    pub residents: Option<u64>,
    /// Persons the whole stock gives full basic relief (the scarcest item decides).
    pub persons_covered: f64,
    /// The item that runs out first.
    pub scarcest_item: String,
    /// Persons the life-support norm asks for (1.2 % of residents).
    pub life_support_needed: Option<f64>,
    /// Persons the relocation norm asks for (1 % of residents).
    pub relocation_needed: Option<f64>,
    /// Whether the stock meets the 1.2 % norm.
    pub meets_life_support: Option<bool>,
    /// Whether the stock meets the 1 % norm.
    pub meets_relocation: Option<bool>,
}

/// Items, tiers and norms of a scenario's stock. `residents` is the population the
/// stock serves (None when unknown).
pub fn stock_figures(
    scenario: &Scenario,
    residents: Option<u64>,
) -> (Vec<ItemStock>, Vec<TierHolding>, StockNorms) {
    let cat = &scenario.catalogue;
    let tier_of = |w: usize| scenario.warehouses[w].tier.as_str().to_string();
    let mut tiers: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    for (w, wh) in scenario.warehouses.iter().enumerate() {
        let e = tiers.entry(tier_of(w)).or_default();
        e.0 += 1;
        e.1 += u64::from(wh.fleet.trucks);
    }
    let items: Vec<ItemStock> = cat
        .items
        .iter()
        .enumerate()
        .filter(|(_, it)| it.relief_per_person > 0.0)
        .map(|(i, it)| {
            let mut by_tier: BTreeMap<String, f64> =
                tiers.keys().map(|t| (t.clone(), 0.0)).collect();
            for w in 0..scenario.warehouses.len() {
                *by_tier.entry(tier_of(w)).or_default() +=
                    scenario.stock.get(WarehouseIx(w), ItemIx(i)) / it.relief_per_person;
            }
            let units = scenario.stock.total(ItemIx(i));
            ItemStock {
                item: it.item.clone(),
                units,
                person_days: units / it.relief_per_person,
                person_days_by_tier: by_tier,
            }
        })
        .collect();
    let scarcest = |pd: &dyn Fn(&ItemStock) -> f64| {
        items
            .iter()
            .min_by(|a, b| pd(a).total_cmp(&pd(b)))
            .map_or((0.0, String::new()), |x| (pd(x), x.item.clone()))
    };
    let holdings = tiers
        .iter()
        .map(|(t, &(warehouses, trucks))| {
            let (person_days, scarcest_item) =
                scarcest(&|x: &ItemStock| x.person_days_by_tier.get(t).copied().unwrap_or(0.0));
            TierHolding {
                tier: t.clone(),
                warehouses,
                trucks,
                person_days,
                scarcest_item,
            }
        })
        .collect();
    let (persons_covered, scarcest_item) = scarcest(&|x: &ItemStock| x.person_days);
    let need = |share: f64| residents.map(|r| r as f64 * share);
    let norms = StockNorms {
        residents,
        persons_covered,
        scarcest_item,
        life_support_needed: need(LIFE_SUPPORT_SHARE),
        relocation_needed: need(RELOCATION_SHARE),
        meets_life_support: need(LIFE_SUPPORT_SHARE).map(|n| persons_covered >= n),
        meets_relocation: need(RELOCATION_SHARE).map(|n| persons_covered >= n),
    };
    (items, holdings, norms)
}
