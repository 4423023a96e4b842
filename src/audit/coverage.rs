//! Time coverage: what share of people and of shelter places get their first
//! batch by the first deadline and their full basic relief by 10 h and 12 h — from
//! plans, so stock, fleet and roads all count.
//!
//! A shelter counts by the share (by kg) of its demand delivered in time: a shelter
//! that gets 80 % of its first batch by 6 h covers 80 % of its people. Persons are
//! the headcount; places are the capacity (area / 1.5 m²); shelters inside hazard
//! areas have no places.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::plan::demand::Phase;
use crate::plan::kpi::{delivered_kg, needed_kg};
use crate::plan::Plan;
use crate::scenario::Scenario;

/// Share (0–1, by kg) of each shelter's demand met in time, from one plan.
#[derive(Debug, Clone, PartialEq)]
pub struct ShelterShares {
    /// First batch by the first deadline.
    pub first: Vec<f64>,
    /// Whole basic relief (both phases) by the relief deadline.
    pub relief: Vec<f64>,
    /// Earliest first-phase arrival, hours (None: no first-phase delivery).
    pub first_arrival_h: Vec<Option<f64>>,
}

/// Per-shelter shares of a plan.
pub fn shelter_shares(scenario: &Scenario, plan: &Plan) -> ShelterShares {
    let got = delivered_kg(scenario, plan);
    let ns = scenario.shelters.len();
    let share = |num: f64, den: f64| if den > 0.0 { (num / den).min(1.0) } else { 1.0 };
    let mut first_arrival_h = vec![None::<f64>; ns];
    for t in plan.trips.iter().filter(|t| t.phase == Phase::First) {
        for st in &t.stops {
            let a = &mut first_arrival_h[st.shelter];
            *a = Some(a.map_or(st.arrive_h, |x| x.min(st.arrive_h)));
        }
    }
    ShelterShares {
        first: (0..ns)
            .map(|s| share(got[0][s], needed_kg(scenario, plan, Phase::First, s)))
            .collect(),
        relief: (0..ns)
            .map(|s| {
                share(
                    got[0][s] + got[1][s],
                    needed_kg(scenario, plan, Phase::First, s)
                        + needed_kg(scenario, plan, Phase::Relief, s),
                )
            })
            .collect(),
        first_arrival_h,
    }
}

/// Coverage of one group of shelters (the city, a district).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GroupCoverage {
    /// Group name (`city` or the district).
    pub name: String,
    /// Shelters in the group.
    pub shelters: usize,
    /// Shelters excluded as inside a hazard area.
    pub shelters_in_hazard: usize,
    /// Persons in the group's shelters.
    pub persons: u64,
    /// Shelter places (capacity, persons), hazard shelters excluded.
    pub places: u64,
    /// Share of persons whose first batch arrives by the first deadline.
    pub persons_first: f64,
    /// Share of persons whose basic relief is complete by 10 h.
    pub persons_relief_10h: f64,
    /// Share of persons whose basic relief is complete by 12 h.
    pub persons_relief_12h: f64,
    /// Share of places reached by a first batch by the first deadline.
    pub places_first: f64,
    /// Share of places whose shelters have full relief by 10 h.
    pub places_relief_10h: f64,
    /// Share of places whose shelters have full relief by 12 h.
    pub places_relief_12h: f64,
}

/// Inputs of the grouping: the two plans' shares and which shelters are excluded.
pub struct CoverageInput<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// Shares from the plan with relief due at 10 h.
    pub by_10h: &'a ShelterShares,
    /// Shares from the plan with relief due at 12 h (its first batch is the
    /// scenario's).
    pub by_12h: &'a ShelterShares,
    /// Shelters inside a hazard area (no places).
    pub in_hazard: &'a [bool],
}

/// City-wide coverage followed by one row per district (sorted by name).
pub fn group_coverage(input: &CoverageInput) -> Vec<GroupCoverage> {
    let sc = input.scenario;
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (s, sh) in sc.shelters.iter().enumerate() {
        let d = if sh.district.is_empty() {
            "(no district)".to_string()
        } else {
            sh.district.clone()
        };
        groups.entry(d).or_default().push(s);
    }
    let all: Vec<usize> = (0..sc.shelters.len()).collect();
    std::iter::once(("city".to_string(), all))
        .chain(groups)
        .map(|(name, members)| {
            let mut g = GroupCoverage {
                name,
                shelters: members.len(),
                ..Default::default()
            };
            let mut sums = [0.0f64; 6];
            for &s in &members {
                let sh = &sc.shelters[s];
                let persons = f64::from(sh.headcount);
                let places = if input.in_hazard[s] {
                    g.shelters_in_hazard += 1;
                    0.0
                } else {
                    f64::from(sh.capacity_persons())
                };
                g.persons += u64::from(sh.headcount);
                g.places += places as u64;
                let f = [
                    input.by_12h.first[s],
                    input.by_10h.relief[s],
                    input.by_12h.relief[s],
                ];
                for k in 0..3 {
                    sums[k] += persons * f[k];
                    sums[3 + k] += places * f[k];
                }
            }
            let div = |a: f64, b: u64| if b > 0 { a / b as f64 } else { 0.0 };
            g.persons_first = div(sums[0], g.persons);
            g.persons_relief_10h = div(sums[1], g.persons);
            g.persons_relief_12h = div(sums[2], g.persons);
            g.places_first = div(sums[3], g.places);
            g.places_relief_10h = div(sums[4], g.places);
            g.places_relief_12h = div(sums[5], g.places);
            g
        })
        .collect()
}

/// One point of the coverage-vs-deadline curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurvePoint {
    /// Deadline, hours after the event (both phases due then).
    pub deadline_h: f64,
    /// Share of persons whose first batch arrives by the deadline.
    pub first: f64,
    /// Share of persons whose whole basic relief arrives by the deadline.
    pub relief: f64,
}

/// Persons-weighted shares of a plan: `(first, relief)`.
pub fn persons_shares(scenario: &Scenario, shares: &ShelterShares) -> (f64, f64) {
    let total: f64 = scenario
        .shelters
        .iter()
        .map(|s| f64::from(s.headcount))
        .sum();
    if total == 0.0 {
        return (1.0, 1.0);
    }
    let w = |v: &[f64]| -> f64 {
        scenario
            .shelters
            .iter()
            .zip(v)
            .map(|(s, x)| f64::from(s.headcount) * x)
            .sum::<f64>()
            / total
    };
    (w(&shares.first), w(&shares.relief))
}
