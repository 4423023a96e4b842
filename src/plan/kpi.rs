//! Plan KPIs: what a duty officer reads first. Shares are weighted by mass (kg),
//! so a missing tent counts for more than a missing hygiene kit of the same count.

use serde::Serialize;

use super::demand::Phase;
use super::shortfall::Reason;
use super::trip::Trip;
use super::Plan;
use crate::facility::{ItemIx, ShelterIx};
use crate::scenario::Scenario;

/// Headline figures of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kpis {
    /// Persons in open shelters.
    pub persons: u64,
    /// Priority persons (elderly, children, pregnant, disabled, injured).
    pub priority_persons: u64,
    /// First-batch kg delivered by the first deadline.
    pub first_kg: f64,
    /// Most first-batch kg any plan could deliver by the first deadline (trucks,
    /// stock, roads; see `plan::bound`).
    pub first_kg_bound: f64,
    /// Basic-relief kg (both phases) delivered by the relief deadline.
    pub relief_kg: f64,
    /// Most basic-relief kg any plan could deliver by the relief deadline.
    pub relief_kg_bound: f64,
    /// Share (0–1, by kg) of first-batch demand delivered by the first deadline.
    pub first_met_share: f64,
    /// The same, each shelter weighted by its priority persons.
    pub first_met_share_priority: f64,
    /// Share (0–1, by kg) of all basic-relief demand (both phases) delivered by the
    /// relief deadline.
    pub relief_met_share: f64,
    /// Share of shelters whose whole first batch arrives by the first deadline.
    pub shelters_first_complete: f64,
    /// Smallest share (by kg) of its first batch any shelter receives by the first
    /// deadline: the worst-served shelter.
    pub first_min_shelter_share: f64,
    /// Share of shelters that receive less than half of their first batch by the
    /// first deadline.
    pub shelters_first_below_half: f64,
    /// Gini coefficient of the shelters' first-batch shares (0: every shelter
    /// served alike, 1: all to one), each shelter weighted by its persons.
    pub first_share_gini: f64,
    /// Share of shelters whose whole basic relief arrives by the relief deadline.
    pub shelters_relief_complete: f64,
    /// Latest arrival of any trip, hours after the event.
    pub latest_arrival_h: f64,
    /// Trips issued.
    pub trips: usize,
    /// Distinct trucks used.
    pub trucks_used: usize,
    /// Truck-hours from loading start to return (trips that cannot return count to
    /// arrival plus unloading).
    pub truck_hours: f64,
    /// Shortfall units by reason and phase: `(phase, reason, units)`.
    pub shortfall_units: Vec<(Phase, Reason, u64)>,
    /// Persons above shelter capacity (area / 1.5 m²), summed over shelters.
    pub persons_over_capacity: u64,
}

/// Delivered kg per shelter, `[first phase, relief phase]` (every issued line
/// arrives by its phase's deadline).
pub fn delivered_kg(scenario: &Scenario, plan: &Plan) -> [Vec<f64>; 2] {
    let ns = scenario.shelters.len();
    let mut got = [vec![0.0; ns], vec![0.0; ns]];
    for t in &plan.trips {
        for (s, l) in t.lines() {
            got[usize::from(l.phase == Phase::Relief)][s] +=
                l.quantity as f64 * scenario.catalogue.items[l.item].kg_per_unit;
        }
    }
    got
}

/// Demand of shelter `s` in `phase`, kg.
pub fn needed_kg(scenario: &Scenario, plan: &Plan, phase: Phase, s: usize) -> f64 {
    let cat = &scenario.catalogue;
    (0..cat.items.len())
        .map(|i| plan.demand.get(phase, ShelterIx(s), ItemIx(i)) as f64 * cat.items[i].kg_per_unit)
        .sum()
}

/// Computes the KPIs of `plan`.
pub fn compute(scenario: &Scenario, plan: &Plan) -> Kpis {
    let ns = scenario.shelters.len();
    let got = delivered_kg(scenario, plan);
    let need = |phase: Phase, s: usize| needed_kg(scenario, plan, phase, s);
    let share = |num: f64, den: f64| if den > 0.0 { (num / den).min(1.0) } else { 1.0 };
    let (mut f_got, mut f_need, mut r_got, mut r_need) = (0.0, 0.0, 0.0, 0.0);
    let (mut pr_num, mut pr_den) = (0.0, 0.0);
    let (mut first_ok, mut relief_ok) = (0usize, 0usize);
    for (s, (&g1, &g2)) in got[0].iter().zip(&got[1]).enumerate() {
        let (nf, nr) = (need(Phase::First, s), need(Phase::Relief, s));
        f_got += g1;
        f_need += nf;
        r_got += g1 + g2;
        r_need += nf + nr;
        let pri = f64::from(scenario.shelters[s].priority.total());
        pr_num += pri * share(g1, nf);
        pr_den += pri;
        first_ok += usize::from(g1 >= nf - 1e-6);
        // Complete: every unit by the relief deadline (a first batch planned
        // late, as relief, counts here but not above).
        relief_ok += usize::from(g1 + g2 >= nf + nr - 1e-6);
    }
    let shares: Vec<(f64, f64)> = (0..ns)
        .filter(|&s| need(Phase::First, s) > 0.0)
        .map(|s| {
            (
                share(got[0][s], need(Phase::First, s)),
                f64::from(scenario.shelters[s].headcount),
            )
        })
        .collect();
    let mut trucks: Vec<(usize, usize)> =
        plan.trips.iter().map(|t| (t.warehouse, t.truck)).collect();
    trucks.sort_unstable();
    trucks.dedup();
    let truck_hours = plan
        .trips
        .iter()
        .map(|t| {
            let loading = scenario.warehouses[t.warehouse].fleet.loading_h;
            let end = if t.return_h.is_finite() {
                t.return_h
            } else {
                t.last_arrival_h() + scenario.targets.unloading_h
            };
            end - t.depart_h + loading
        })
        .sum();
    let mut by_reason: std::collections::BTreeMap<(u8, Reason), u64> = Default::default();
    for s in &plan.shortfalls {
        *by_reason.entry((s.phase as u8, s.reason)).or_default() += s.quantity;
    }
    Kpis {
        persons: scenario
            .shelters
            .iter()
            .map(|s| u64::from(s.headcount))
            .sum(),
        priority_persons: scenario
            .shelters
            .iter()
            .map(|s| u64::from(s.priority.total()))
            .sum(),
        first_kg: f_got,
        first_kg_bound: plan.bounds.first_kg,
        relief_kg: r_got,
        relief_kg_bound: plan.bounds.relief_kg,
        first_met_share: share(f_got, f_need),
        first_met_share_priority: if pr_den > 0.0 { pr_num / pr_den } else { 1.0 },
        relief_met_share: share(r_got, r_need),
        shelters_first_complete: if ns > 0 {
            first_ok as f64 / ns as f64
        } else {
            1.0
        },
        first_min_shelter_share: shares.iter().map(|x| x.0).fold(1.0, f64::min),
        shelters_first_below_half: if shares.is_empty() {
            0.0
        } else {
            shares.iter().filter(|x| x.0 < 0.5).count() as f64 / shares.len() as f64
        },
        first_share_gini: gini(&shares),
        shelters_relief_complete: if ns > 0 {
            relief_ok as f64 / ns as f64
        } else {
            1.0
        },
        latest_arrival_h: plan
            .trips
            .iter()
            .map(Trip::last_arrival_h)
            .fold(0.0, f64::max),
        trips: plan.trips.len(),
        trucks_used: trucks.len(),
        truck_hours,
        shortfall_units: by_reason
            .into_iter()
            .map(|((p, r), q)| (if p == 0 { Phase::First } else { Phase::Relief }, r, q))
            .collect(),
        persons_over_capacity: scenario
            .shelters
            .iter()
            .map(|s| u64::from(s.over_capacity()))
            .sum(),
    }
}

/// Weighted Gini coefficient of `(value, weight)` pairs: Σᵢ Σⱼ wᵢ wⱼ |xᵢ − xⱼ| /
/// (2 (Σ w)² x̄); 0 when all values are equal or there are none.
pub fn gini(values: &[(f64, f64)]) -> f64 {
    let mut v: Vec<(f64, f64)> = values.iter().copied().filter(|x| x.1 > 0.0).collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let w: f64 = v.iter().map(|x| x.1).sum();
    let mean = v.iter().map(|x| x.0 * x.1).sum::<f64>() / w.max(f64::MIN_POSITIVE);
    if v.is_empty() || mean <= 0.0 {
        return 0.0;
    }
    // Sorted: Σ_i w_i x_i (2 W_below_i + w_i − W), with W_below_i the weight before i.
    let (mut below, mut acc) = (0.0, 0.0);
    for &(x, wi) in &v {
        acc += wi * x * (2.0 * below + wi - w);
        below += wi;
    }
    acc / (w * w * mean)
}

#[cfg(test)]
mod tests {
    use super::gini;

    #[test]
    fn gini_of_equal_and_of_concentrated_shares() {
        assert_eq!(gini(&[(0.7, 1.0), (0.7, 3.0)]), 0.0);
        assert_eq!(gini(&[]), 0.0);
        // Two equal-weight shelters, one with all: the two-point Gini is 1/2.
        assert!((gini(&[(1.0, 1.0), (0.0, 1.0)]) - 0.5).abs() < 1e-12);
        // Brute force on uneven weights.
        let v = [(0.2, 2.0), (0.9, 1.0), (0.5, 3.0)];
        let w: f64 = v.iter().map(|x| x.1).sum();
        let mean = v.iter().map(|x| x.0 * x.1).sum::<f64>() / w;
        let mut num = 0.0;
        for a in &v {
            for b in &v {
                num += a.1 * b.1 * (a.0 - b.0).abs();
            }
        }
        assert!((gini(&v) - num / (2.0 * w * w * mean)).abs() < 1e-12);
    }
}

/// A shelter whose first batch is not complete by the first deadline: who is
/// left out, for the top of a duty officer's plan panel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeftOut {
    /// Shelter index.
    #[serde(skip)]
    pub shelter: usize,
    /// Shelter id.
    pub shelter_id: String,
    /// Shelter name.
    pub name: String,
    /// Persons in it.
    pub persons: u32,
    /// Priority persons among them.
    pub priority_persons: u32,
    /// Share (0–1, by kg) of its first batch it receives by the first deadline.
    pub first_share: f64,
    /// First-batch kg it does not receive by the first deadline (to 0.1 kg).
    pub kg_short: f64,
    /// Why, as a code: the reason behind most of its first-batch kg short
    /// (`no_stock`, `unreachable`, `too_far`, `fleet`), or `deadline_passed`
    /// when the first deadline had passed at the plan time.
    pub reason: &'static str,
}

/// The shelters whose first batch is not complete by the first deadline,
/// most persons left out first (persons × share not received, then persons,
/// then id): a shelter of 141 people that gets nothing comes before one of
/// 300 that gets 90 %.
pub fn left_out(scenario: &Scenario, plan: &Plan) -> Vec<LeftOut> {
    let got = delivered_kg(scenario, plan);
    let late = scenario.plan_h >= scenario.targets.first_delivery_h;
    let cat = &scenario.catalogue;
    let mut kg_by_reason: Vec<std::collections::BTreeMap<&'static str, f64>> =
        vec![Default::default(); scenario.shelters.len()];
    for s in plan.shortfalls.iter().filter(|s| s.phase == Phase::First) {
        *kg_by_reason[s.shelter]
            .entry(s.reason.as_str())
            .or_default() += s.quantity as f64 * cat.items[s.item].kg_per_unit;
    }
    let mut out: Vec<LeftOut> = scenario
        .shelters
        .iter()
        .enumerate()
        .filter_map(|(s, sh)| {
            let need = needed_kg(scenario, plan, Phase::First, s);
            let share = if need > 0.0 {
                (got[0][s] / need).min(1.0)
            } else {
                1.0
            };
            if share >= 1.0 - 1e-9 {
                return None;
            }
            let reason = if late {
                "deadline_passed"
            } else {
                kg_by_reason[s]
                    .iter()
                    .max_by(|a, b| a.1.total_cmp(b.1))
                    .map_or(Reason::Fleet.as_str(), |(r, _)| *r)
            };
            Some(LeftOut {
                shelter: s,
                shelter_id: sh.id.clone(),
                name: sh.name.clone(),
                persons: sh.headcount,
                priority_persons: sh.priority.total(),
                first_share: share,
                kg_short: ((need - got[0][s]).max(0.0) * 10.0).round() / 10.0,
                reason,
            })
        })
        .collect();
    let left = |l: &LeftOut| f64::from(l.persons) * (1.0 - l.first_share);
    out.sort_by(|a, b| {
        left(b)
            .total_cmp(&left(a))
            .then(b.persons.cmp(&a.persons))
            .then(a.shelter_id.cmp(&b.shelter_id))
    });
    out
}
