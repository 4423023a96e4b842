//! Demand: units of each item each shelter needs, per phase, from headcount × norm.

use serde::Serialize;

use crate::facility::{ItemIx, Shelter, ShelterIx};
use crate::scenario::sent::Sent;
use crate::supplies::Catalogue;

/// Delivery phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// First batch, due by `first_delivery_h`.
    First,
    /// The rest of basic relief, due by `relief_h`.
    Relief,
}

impl Phase {
    /// Lower-case name as written in output files.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::First => "first",
            Phase::Relief => "relief",
        }
    }
}

/// Units due per shelter × item for each phase (row-major, `items` per shelter).
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    /// Number of items per shelter row.
    pub items: usize,
    /// First-batch units.
    pub first: Vec<u64>,
    /// Remaining relief units (total relief minus first batch).
    pub relief: Vec<u64>,
}

impl Demand {
    /// Units of `phase` for shelter `s`, item `i`.
    pub fn get(&self, phase: Phase, s: ShelterIx, i: ItemIx) -> u64 {
        match phase {
            Phase::First => self.first[s.0 * self.items + i.0],
            Phase::Relief => self.relief[s.0 * self.items + i.0],
        }
    }
}

/// Computes demand: first = ⌈headcount × first_per_person⌉, total =
/// ⌈headcount × relief_per_person⌉, relief = total − first.
pub fn compute(shelters: &[Shelter], catalogue: &Catalogue) -> Demand {
    let items = catalogue.items.len();
    let mut first = Vec::with_capacity(shelters.len() * items);
    let mut relief = Vec::with_capacity(shelters.len() * items);
    for s in shelters {
        let h = f64::from(s.headcount);
        for it in &catalogue.items {
            let f = (h * it.first_per_person - 1e-9).ceil().max(0.0) as u64;
            let total = ((h * it.relief_per_person - 1e-9).ceil().max(0.0) as u64).max(f);
            first.push(f);
            relief.push(total - f);
        }
    }
    Demand {
        items,
        first,
        relief,
    }
}

/// What `scenario`'s shelters still need: their demand less what is already
/// on its way to them ([`crate::scenario::Scenario::sent`]).
pub fn of_scenario(scenario: &crate::scenario::Scenario) -> Demand {
    let mut demand = compute(&scenario.shelters, &scenario.catalogue);
    net_of(&mut demand, &scenario.sent);
    demand
}

/// What the planner plans for when the first batch's deadline had passed at
/// the plan time ([`crate::scenario::Scenario::plan_h`]): the first batch is
/// late whatever happens, so its units join the relief phase and are planned
/// by the relief deadline, not left as shortfalls. Otherwise `demand` as it
/// is. The plan's KPIs still count them against the first batch (not met).
pub fn to_plan(demand: &Demand, scenario: &crate::scenario::Scenario) -> Demand {
    let mut d = demand.clone();
    if scenario.plan_h >= scenario.targets.first_delivery_h {
        for (r, f) in d.relief.iter_mut().zip(d.first.iter_mut()) {
            *r += std::mem::take(f);
        }
    }
    d
}

/// `demand` less what is already on its way (`sent`), never below zero.
pub fn net_of(demand: &mut Demand, sent: &[Sent]) {
    for x in sent {
        let k = x.shelter.0 * demand.items + x.item.0;
        if let Some(f) = demand.first.get_mut(k) {
            *f = f.saturating_sub(x.first);
        }
        if let Some(r) = demand.relief.get_mut(k) {
            *r = r.saturating_sub(x.relief);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facility::PriorityPeople;

    #[test]
    fn headcount_times_norm_rounded_up() {
        let s = Shelter {
            id: "S".into(),
            name: "S".into(),
            district: String::new(),
            lon: 0.0,
            lat: 0.0,
            area_m2: 1000.0,
            headcount: 101,
            priority: PriorityPeople::default(),
        };
        let c = Catalogue::sphere_default();
        let d = compute(&[s], &c);
        let w = c.index_of("water").unwrap();
        assert_eq!(
            (
                d.get(Phase::First, ShelterIx(0), ItemIx(w)),
                d.get(Phase::Relief, ShelterIx(0), ItemIx(w)),
            ),
            (303, 1515 - 303)
        );
        let tent = c.index_of("family_tent").unwrap();
        assert_eq!(
            (
                d.get(Phase::First, ShelterIx(0), ItemIx(tent)),
                d.get(Phase::Relief, ShelterIx(0), ItemIx(tent))
            ),
            (0, 21)
        );
        let med = c.index_of("medical_kit").unwrap();
        assert_eq!(
            (
                d.get(Phase::First, ShelterIx(0), ItemIx(med)),
                d.get(Phase::Relief, ShelterIx(0), ItemIx(med))
            ),
            (2, 0)
        );
        let mut net = d.clone();
        let sent = Sent {
            shelter: ShelterIx(0),
            item: ItemIx(w),
            first: 300,
            relief: 5000,
        };
        net_of(&mut net, &[sent]);
        assert_eq!(
            (
                net.get(Phase::First, ShelterIx(0), ItemIx(w)),
                net.get(Phase::Relief, ShelterIx(0), ItemIx(w)),
                net.get(Phase::First, ShelterIx(0), ItemIx(med)),
            ),
            (3, 0, 2)
        );
    }
}
