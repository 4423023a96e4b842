//! Synthetic events for the stockpile rule (seed 002 §8.2.2): the city must sustain
//! **two concurrent Level-I** responses (≥ 500 000 people each) and each district
//! **one Level-II** (≥ 100 000) from its own stock. Judged by planning the events,
//! placed where they hurt most: candidate epicentres are spread over the shelters
//! (farthest-point sampling), every placement is planned, the worst is reported.
//!
//! An event of N people centred on a shelter fills shelters in proportion to
//! capacity × exp(−distance / [`EVENT_RADIUS_KM`]).

use std::collections::BTreeMap;

use super::apportion::apportion;
use super::whatif::WhatIf;
use super::Scenario;
use crate::facility::Tier;
use crate::network::geo::haversine_m;

/// People of a Level-I event (the threshold).
pub const LEVEL_I_PEOPLE: u64 = 500_000;
/// People of a Level-II event (the threshold).
pub const LEVEL_II_PEOPLE: u64 = 100_000;
/// Distance scale of an event's footprint, km.
pub const EVENT_RADIUS_KM: f64 = 3.0;

fn point(sc: &Scenario, s: usize) -> [f64; 2] {
    [sc.shelters[s].lon, sc.shelters[s].lat]
}

/// Up to `k` shelters of `members`, spread out: the one nearest the members'
/// centroid first, then each time the one farthest from those chosen.
pub fn candidate_epicentres(sc: &Scenario, members: &[usize], k: usize) -> Vec<usize> {
    if members.is_empty() || k == 0 {
        return Vec::new();
    }
    let n = members.len() as f64;
    let c = members.iter().fold([0.0, 0.0], |a, &s| {
        let p = point(sc, s);
        [a[0] + p[0] / n, a[1] + p[1] / n]
    });
    let nearest = |target: [f64; 2]| {
        members
            .iter()
            .copied()
            .min_by(|&a, &b| {
                haversine_m(point(sc, a), target).total_cmp(&haversine_m(point(sc, b), target))
            })
            .expect("members is not empty")
    };
    let mut chosen = vec![nearest(c)];
    let mut gap: Vec<f64> = members
        .iter()
        .map(|&s| haversine_m(point(sc, s), point(sc, chosen[0])))
        .collect();
    while chosen.len() < k.min(members.len()) {
        let (j, _) = gap
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
            .expect("members is not empty");
        let s = members[j];
        if gap[j] == 0.0 {
            break;
        }
        chosen.push(s);
        for (g, &m) in gap.iter_mut().zip(members) {
            *g = g.min(haversine_m(point(sc, m), point(sc, s)));
        }
    }
    chosen
}

/// Headcount per shelter (all shelters; 0 outside `members`) for an event of
/// `people` centred on shelter `centre`.
pub fn spread(sc: &Scenario, members: &[usize], centre: usize, people: u64) -> Vec<u32> {
    let c = point(sc, centre);
    let weights: Vec<f64> = members
        .iter()
        .map(|&s| {
            let d_km = haversine_m(point(sc, s), c) / 1000.0;
            f64::from(sc.shelters[s].capacity_persons()) * (-d_km / EVENT_RADIUS_KM).exp()
        })
        .collect();
    let mut out = vec![0u32; sc.shelters.len()];
    for (&s, n) in members.iter().zip(apportion(people, &weights)) {
        out[s] = u32::try_from(n).unwrap_or(u32::MAX);
    }
    out
}

/// Every placement of two concurrent Level-I events over `k` candidate epicentres
/// (all pairs).
pub fn two_level_one(sc: &Scenario, k: usize) -> Vec<WhatIf> {
    let all: Vec<usize> = (0..sc.shelters.len()).collect();
    let cand = candidate_epicentres(sc, &all, k);
    let mut out = Vec::new();
    for (x, &a) in cand.iter().enumerate() {
        for &b in &cand[x + 1..] {
            let ha = spread(sc, &all, a, LEVEL_I_PEOPLE);
            let hb = spread(sc, &all, b, LEVEL_I_PEOPLE);
            out.push(WhatIf {
                name: format!(
                    "two Level-I events at {} and {}",
                    sc.shelters[a].id, sc.shelters[b].id
                ),
                headcounts: Some(
                    ha.iter()
                        .zip(&hb)
                        .map(|(p, q)| p.saturating_add(*q))
                        .collect(),
                ),
                ..Default::default()
            });
        }
    }
    out
}

/// The district each warehouse serves: the boundary polygon it lies in when the
/// scenario has district boundaries, else the district of its nearest shelter.
pub fn warehouse_districts(sc: &Scenario) -> Vec<String> {
    sc.warehouses
        .iter()
        .map(|w| {
            let inside = sc
                .districts
                .iter()
                .flatten()
                .find(|(_, a)| a.contains([w.lon, w.lat]));
            if let Some((name, _)) = inside {
                return name.clone();
            }
            sc.shelters
                .iter()
                .min_by(|a, b| {
                    haversine_m([a.lon, a.lat], [w.lon, w.lat])
                        .total_cmp(&haversine_m([b.lon, b.lat], [w.lon, w.lat]))
                })
                .map(|s| s.district.clone())
                .unwrap_or_default()
        })
        .collect()
}

/// For each district with shelters: one Level-II event in its shelters at each of
/// `k` candidate epicentres, served only by the district's own district and
/// subdistrict warehouses (municipal and contract reserves are lost for the test).
pub fn district_level_two(sc: &Scenario, k: usize) -> BTreeMap<String, Vec<WhatIf>> {
    let home = warehouse_districts(sc);
    let mut members: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (s, sh) in sc.shelters.iter().enumerate() {
        members.entry(sh.district.clone()).or_default().push(s);
    }
    members
        .into_iter()
        .map(|(d, m)| {
            let lost: Vec<usize> = sc
                .warehouses
                .iter()
                .enumerate()
                .filter(|(w, wh)| {
                    home[*w] != d || matches!(wh.tier, Tier::Municipal | Tier::Contract)
                })
                .map(|(w, _)| w)
                .collect();
            let events = candidate_epicentres(sc, &m, k)
                .into_iter()
                .map(|c| WhatIf {
                    name: format!("Level-II event in {d} at {}", sc.shelters[c].id),
                    headcounts: Some(spread(sc, &m, c, LEVEL_II_PEOPLE)),
                    lost_warehouses: lost.clone(),
                    ..Default::default()
                })
                .collect();
            (d, events)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facility::Shelter;
    use std::path::Path;

    fn scenario_with(points: &[[f64; 2]]) -> Scenario {
        let mut sc = crate::scenario::Scenario::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/xicheng-earthquake"),
        )
        .unwrap();
        sc.shelters = points
            .iter()
            .enumerate()
            .map(|(k, p)| Shelter {
                id: format!("S{k}"),
                name: String::new(),
                district: if p[0] < 116.4 { "West" } else { "East" }.into(),
                lon: p[0],
                lat: p[1],
                area_m2: 15_000.0,
                headcount: 10,
                priority: Default::default(),
            })
            .collect();
        sc
    }

    #[test]
    fn events_add_up_and_weigh_near_shelters_more() {
        let sc = scenario_with(&[[116.30, 39.90], [116.31, 39.90], [116.50, 39.90]]);
        let all = [0, 1, 2];
        let h = spread(&sc, &all, 0, LEVEL_I_PEOPLE);
        assert_eq!(h.iter().map(|&x| u64::from(x)).sum::<u64>(), LEVEL_I_PEOPLE);
        assert!(h[0] > h[1] && h[1] > h[2], "{h:?}");
        // Farthest-point sampling picks the far shelter second.
        let c = candidate_epicentres(&sc, &all, 2);
        assert_eq!(c.len(), 2);
        assert!(c.contains(&2), "{c:?}");
        // Three candidates: all three pairs planned, each with 1 000 000 people.
        let pairs = two_level_one(&sc, 3);
        assert_eq!(pairs.len(), 3);
        for w in &pairs {
            let total: u64 = w
                .headcounts
                .as_ref()
                .unwrap()
                .iter()
                .map(|&x| u64::from(x))
                .sum();
            assert_eq!(total, 2 * LEVEL_I_PEOPLE);
        }
        // A district's Level-II stays in its shelters.
        let by_d = district_level_two(&sc, 2);
        let west = &by_d["West"][0];
        let h = west.headcounts.as_ref().unwrap();
        assert_eq!(
            (u64::from(h[0]) + u64::from(h[1]), h[2]),
            (LEVEL_II_PEOPLE, 0)
        );
    }
}
