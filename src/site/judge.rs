//! Layouts judged by the dispatch planner: a layout (today's warehouses plus some
//! candidate sites, each with its trucks and stock) is worth what the real
//! planner delivers with it, on the roads of each damage scenario.
//!
//! Per damage scenario the roads are prepared once for every site (warehouses and
//! all usable candidates: one customization, both matrices, the shelters' hops);
//! a layout then plans on its own rows of those tables.

use serde::Serialize;

use super::damage::{DamageModel, DamageScenario};
use crate::facility::{Candidate, Fleet, ItemIx, Tier, Warehouse, WarehouseIx};
use crate::network::{NodeId, RoadGraph};
use crate::plan::demand::Phase;
use crate::plan::{kpi, plan_with_bounds, prepare_on, Plan, PlanError, PlanOptions, Prepared};
use crate::scenario::Scenario;
use crate::supplies::Stock;

/// Hours by which basic needs should be met in the stricter reading of the
/// source documents (10–12 h; the scenario's relief deadline is the looser one).
pub const RELIEF_EARLY_H: f64 = 10.0;

/// What the planner achieved with one layout on one damage scenario; shares are
/// person-weighted (each shelter's share of its kg, weighted by its headcount).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize, Default)]
pub struct Judged {
    /// First batch by the first deadline (6 h).
    pub first: f64,
    /// Whole basic relief (both phases) by [`RELIEF_EARLY_H`].
    pub relief_early: f64,
    /// Whole basic relief by the scenario's relief deadline (12 h).
    pub relief: f64,
    /// First batch by the first deadline, each shelter weighted by its priority
    /// persons (elderly, children, pregnant, disabled, injured).
    pub priority_first: f64,
    /// Share of all basic-relief kg (both phases) delivered by
    /// [`RELIEF_EARLY_H`] (what the search's surrogate bounds).
    pub relief_early_kg: f64,
}

/// Roads of one damage scenario prepared for every site.
pub struct DamagePrep {
    /// What the damage scenario did.
    pub damage: DamageScenario,
    /// Matrices and hops with every site as a warehouse (today's, then every
    /// usable candidate in order).
    pub all: Prepared,
}

/// The warehouse candidate `c` would become, its fleet completed from `sc`'s
/// warehouses (the median district warehouse's, else the median warehouse's).
pub fn candidate_warehouse(sc: &Scenario, c: &Candidate) -> Warehouse {
    let district: Vec<&Warehouse> = sc
        .warehouses
        .iter()
        .filter(|w| w.tier == Tier::District)
        .collect();
    let pool: Vec<&Warehouse> = if district.is_empty() {
        sc.warehouses.iter().collect()
    } else {
        district
    };
    let median = |f: &dyn Fn(&Fleet) -> f64, fallback: f64| {
        let mut v: Vec<f64> = pool.iter().map(|w| f(&w.fleet)).collect();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(fallback)
    };
    let g = &c.fleet;
    Warehouse {
        id: c.id.clone(),
        name: c.name.clone(),
        tier: Tier::District,
        lon: c.lon,
        lat: c.lat,
        fleet: Fleet {
            trucks: g
                .trucks
                .unwrap_or_else(|| median(&|f| f64::from(f.trucks), 3.0) as u32),
            payload_kg: g
                .payload_kg
                .unwrap_or_else(|| median(&|f| f.payload_kg, 5000.0)),
            volume_m3: g
                .volume_m3
                .unwrap_or_else(|| median(&|f| f.volume_m3, 30.0)),
            loading_h: g.loading_h.unwrap_or_else(|| median(&|f| f.loading_h, 0.5)),
        },
        busy_until_h: Vec::new(),
    }
}

/// Units of each item candidate `c` would stock: basic relief (both phases) for
/// its stock budget in persons (`capacity_persons` when not given).
pub fn candidate_stock(sc: &Scenario, c: &Candidate) -> Vec<f64> {
    let persons = f64::from(c.stock_budget_persons.unwrap_or(c.capacity_persons));
    sc.catalogue
        .items
        .iter()
        .map(|i| (persons * i.relief_per_person).ceil())
        .collect()
}

/// `sc` with candidates `open` (indices into `candidates`) as warehouses after
/// its own, with their fleets and stock.
pub fn layout_scenario(sc: &Scenario, candidates: &[Candidate], open: &[usize]) -> Scenario {
    let mut out = sc.clone();
    let (nw, ni) = (sc.warehouses.len(), sc.catalogue.items.len());
    let mut stock = Stock::new(nw + open.len(), ni);
    for w in 0..nw {
        for i in 0..ni {
            stock.add(
                WarehouseIx(w),
                ItemIx(i),
                sc.stock.get(WarehouseIx(w), ItemIx(i)),
            );
        }
    }
    for (k, &c) in open.iter().enumerate() {
        out.warehouses.push(candidate_warehouse(sc, &candidates[c]));
        for (i, units) in candidate_stock(sc, &candidates[c]).into_iter().enumerate() {
            stock.add(WarehouseIx(nw + k), ItemIx(i), units);
        }
    }
    out.stock = stock;
    out
}

/// Prepares damage scenario `index` (epicentre `epicentre`) for every site:
/// `base` holds the scenario's own weights and snapped nodes, `site_nodes` the
/// nodes of today's warehouses then every usable candidate.
pub fn prepare_damage(
    all: &Scenario,
    graph: &RoadGraph,
    base: &Prepared,
    site_nodes: &[NodeId],
    model: &DamageModel<'_>,
    index: usize,
    epicentre: [f64; 2],
) -> DamagePrep {
    let mut weights = base.weights.clone();
    let mut changed = Vec::new();
    let damage = model.apply(index, epicentre, &mut weights, &mut changed);
    let all = prepare_on(
        all,
        graph,
        weights,
        site_nodes.to_vec(),
        base.shelter_nodes.clone(),
    );
    DamagePrep { damage, all }
}

/// Rows of a layout in tables over every site: today's `nw` warehouses, then
/// candidates `open` (rows `nw + c`).
pub fn layout_rows(nw: usize, open: &[usize]) -> Vec<usize> {
    (0..nw).chain(open.iter().map(|&c| nw + c)).collect()
}

/// Plans layout `open` (candidate indices) on damage scenario `d` and judges it.
/// `nw`: today's warehouses (the first rows of `d`'s tables).
pub fn judge(
    sc: &Scenario,
    candidates: &[Candidate],
    open: &[usize],
    d: &DamagePrep,
) -> Result<(Judged, Plan, Scenario), PlanError> {
    let nw = sc.warehouses.len();
    let layout = layout_scenario(sc, candidates, open);
    let rows = layout_rows(nw, open);
    let prep = Prepared {
        warehouse_nodes: rows.iter().map(|&r| d.all.warehouse_nodes[r]).collect(),
        shelter_nodes: d.all.shelter_nodes.clone(),
        weights: d.all.weights.clone(),
        travel: d.all.travel.select_warehouses(&rows),
        hops: d.all.hops.clone(),
        matrix_s: 0.0,
    };
    let plan = plan_with_bounds(&layout, &prep, &PlanOptions::sweep())?;
    let judged = measure(&layout, &plan);
    Ok((judged, plan, layout))
}

/// The measures of `plan` for `sc` ([`Judged`]).
pub fn measure(sc: &Scenario, plan: &Plan) -> Judged {
    let k = kpi::compute(sc, plan);
    let early = shelter_kg(sc, plan, RELIEF_EARLY_H.min(sc.targets.relief_h));
    let (first, relief) = person_shares(sc, &shelter_kg(sc, plan, sc.targets.relief_h));
    let (_, relief_early) = person_shares(sc, &early);
    Judged {
        first,
        relief_early,
        relief,
        priority_first: k.first_met_share_priority,
        relief_early_kg: share(early.all_got.iter().sum(), early.all_need.iter().sum()),
    }
}

/// Person-weighted shares of a plan's kg per shelter `per` ([`shelter_kg`]):
/// first batch by the first deadline, and whole relief (both phases) by the
/// hour `per` counts to.
pub fn person_shares(sc: &Scenario, per: &ShelterKg) -> (f64, f64) {
    let total: f64 = sc.shelters.iter().map(|s| f64::from(s.headcount)).sum();
    if total == 0.0 {
        return (1.0, 1.0);
    }
    let mut acc = (0.0, 0.0);
    for (s, sh) in sc.shelters.iter().enumerate() {
        let w = f64::from(sh.headcount);
        acc.0 += w * share(per.first_got[s], per.first_need[s]);
        acc.1 += w * share(per.all_got[s], per.all_need[s]);
    }
    (acc.0 / total, acc.1 / total)
}

/// Per-shelter kg of a plan.
pub struct ShelterKg {
    /// First-batch kg arriving by the first deadline.
    pub first_got: Vec<f64>,
    /// First-batch kg due.
    pub first_need: Vec<f64>,
    /// Relief kg (both phases) arriving by the hour asked.
    pub all_got: Vec<f64>,
    /// Relief kg (both phases) due.
    pub all_need: Vec<f64>,
}

/// Kg due and delivered per shelter; relief counted when it arrives by `by_h`.
pub fn shelter_kg(sc: &Scenario, plan: &Plan, by_h: f64) -> ShelterKg {
    let (ns, ni) = (sc.shelters.len(), sc.catalogue.items.len());
    let kg = |i: usize| sc.catalogue.items[i].kg_per_unit;
    let mut out = ShelterKg {
        first_got: vec![0.0; ns],
        first_need: vec![0.0; ns],
        all_got: vec![0.0; ns],
        all_need: vec![0.0; ns],
    };
    for s in 0..ns {
        for i in 0..ni {
            let first = plan.demand.first[s * ni + i] as f64 * kg(i);
            out.first_need[s] += first;
            out.all_need[s] += first + plan.demand.relief[s * ni + i] as f64 * kg(i);
        }
    }
    for t in &plan.trips {
        for st in &t.stops {
            for l in &st.load {
                let w = l.quantity as f64 * kg(l.item);
                if l.phase == Phase::First && st.arrive_h <= sc.targets.first_delivery_h + 1e-9 {
                    out.first_got[st.shelter] += w;
                }
                if st.arrive_h <= by_h + 1e-9 {
                    out.all_got[st.shelter] += w;
                }
            }
        }
    }
    out
}

/// `got` of `need`, at most 1 (1 when nothing is needed).
pub(super) fn share(got: f64, need: f64) -> f64 {
    if need > 0.0 {
        (got / need).min(1.0)
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facility::CandidateFleet;

    fn candidate(fleet: CandidateFleet, budget: Option<u32>) -> Candidate {
        Candidate {
            id: "C".into(),
            name: "c".into(),
            lon: 116.37,
            lat: 39.91,
            capacity_persons: 1000,
            kind: String::new(),
            fleet,
            stock_budget_persons: budget,
        }
    }

    #[test]
    fn candidates_become_warehouses_with_defaults_from_the_districts() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/xicheng-earthquake");
        let sc = Scenario::load(&dir).unwrap();
        let given = CandidateFleet {
            trucks: Some(7),
            payload_kg: None,
            volume_m3: None,
            loading_h: Some(0.1),
        };
        let w = candidate_warehouse(&sc, &candidate(given, None));
        assert_eq!((w.fleet.trucks, w.fleet.loading_h), (7, 0.1));
        let d = sc
            .warehouses
            .iter()
            .find(|w| w.tier == Tier::District)
            .unwrap();
        assert_eq!(w.fleet.payload_kg, d.fleet.payload_kg);
        let stock = candidate_stock(&sc, &candidate(given, Some(10)));
        let water = sc.catalogue.index_of("water").unwrap();
        assert_eq!(
            stock[water],
            10.0 * sc.catalogue.items[water].relief_per_person
        );
        let c = vec![candidate(given, None)];
        let l = layout_scenario(&sc, &c, &[0]);
        assert_eq!(l.warehouses.len(), sc.warehouses.len() + 1);
        let nw = sc.warehouses.len();
        assert_eq!(
            l.stock.get(WarehouseIx(nw), ItemIx(water)),
            1000.0 * sc.catalogue.items[water].relief_per_person
        );
        assert_eq!(
            l.stock.get(WarehouseIx(0), ItemIx(water)),
            sc.stock.get(WarehouseIx(0), ItemIx(water))
        );
    }
}
