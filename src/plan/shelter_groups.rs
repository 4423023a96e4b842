//! Shelters merged into groups, for the upper bound's relaxation at scale.
//!
//! Merging shelters that the same warehouses reach in time into one node (their
//! demands added, each charge the least of its members') only relaxes the bound's
//! flow: every plan's deliveries still fit it, so its optimum is still an upper
//! bound, a little looser. Groups are shelters with the same key (the set of
//! warehouses in reach, and a size class so that the least charge is close to
//! every member's) in the same square of a grid whose side doubles from 100 m
//! until at most [`MAX_GROUPS`] groups are left. Up to that many shelters nothing is merged
//! and the bound is the one of the shelters themselves.

use std::collections::HashMap;

/// Most groups the bound's flows are built on (shelters, when there are fewer).
pub const MAX_GROUPS: usize = 2_000;

/// Smallest grid square side, metres.
const FIRST_SIDE_M: f64 = 100.0;

/// Ratio of the largest to the smallest demand in one size class ([`size_class`]).
const SIZE_RATIO: f64 = 1.25;

/// Metres per degree of latitude.
const M_PER_DEG: f64 = 111_320.0;

/// A partition of the shelters into groups.
#[derive(Debug, Clone, PartialEq)]
pub struct ShelterGroups {
    /// `[s]`: the group of shelter `s`.
    pub of: Vec<usize>,
    /// Number of groups.
    pub count: usize,
    /// Side of the grid squares, metres (0: one shelter per group).
    pub side_m: f64,
}

impl ShelterGroups {
    /// Every shelter its own group.
    pub fn identity(shelters: usize) -> Self {
        Self {
            of: (0..shelters).collect(),
            count: shelters,
            side_m: 0.0,
        }
    }

    /// Groups of shelters at `points[s]` (`[lon, lat]`, degrees) whose `key(s)`
    /// are equal (for the bound: the warehouses that reach them in time and their
    /// size class), at most `max_groups` of them unless the keys alone make more.
    /// Deterministic: groups are numbered in order of their first shelter.
    pub fn new(points: &[[f64; 2]], key: &dyn Fn(usize) -> Vec<u64>, max_groups: usize) -> Self {
        let ns = points.len();
        if ns <= max_groups {
            return Self::identity(ns);
        }
        let keys: Vec<Vec<u64>> = (0..ns).map(key).collect();
        let mid_lat = points.iter().map(|p| p[1]).sum::<f64>() / ns as f64;
        let cos = mid_lat.to_radians().cos().abs().max(0.01);
        let mut side_m = FIRST_SIDE_M;
        loop {
            let (dy, dx) = (side_m / M_PER_DEG, side_m / (M_PER_DEG * cos));
            let mut ids: HashMap<(&[u64], i64, i64), usize> = HashMap::new();
            let of: Vec<usize> = (0..ns)
                .map(|s| {
                    let [lon, lat] = points[s];
                    let cell = ((lon / dx).floor() as i64, (lat / dy).floor() as i64);
                    let next = ids.len();
                    *ids.entry((&keys[s], cell.0, cell.1)).or_insert(next)
                })
                .collect();
            // A square larger than the whole region leaves only the reach sets.
            if ids.len() <= max_groups || side_m > 4.0e7 {
                return Self {
                    count: ids.len(),
                    of,
                    side_m,
                };
            }
            side_m *= 2.0;
        }
    }

    /// `values[s]` summed per group.
    pub fn sum(&self, values: impl Iterator<Item = u64>) -> Vec<u64> {
        let mut out = vec![0u64; self.count];
        for (s, v) in values.enumerate() {
            out[self.of[s]] = out[self.of[s]].saturating_add(v);
        }
        out
    }

    /// The least of `values[s]` per group (`None` members are skipped; `None`
    /// where no member has a value).
    pub fn min(&self, values: impl Iterator<Item = Option<f64>>) -> Vec<Option<f64>> {
        let mut out: Vec<Option<f64>> = vec![None; self.count];
        for (s, v) in values.enumerate() {
            if let Some(v) = v {
                let g = &mut out[self.of[s]];
                *g = Some(g.map_or(v, |m| m.min(v)));
            }
        }
        out
    }
}

/// The size class of a shelter due `kg` (classes span a factor [`SIZE_RATIO`]).
pub fn size_class(kg: f64) -> u64 {
    if kg <= 1.0 {
        0
    } else {
        1 + (kg.ln() / SIZE_RATIO.ln()).floor() as u64
    }
}

/// A set of warehouse indices as bits.
pub fn bits(members: impl Iterator<Item = usize>) -> Vec<u64> {
    let mut out = Vec::new();
    for w in members {
        if out.len() <= w / 64 {
            out.resize(w / 64 + 1, 0);
        }
        out[w / 64] |= 1 << (w % 64);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_shelters_are_not_merged() {
        let g = ShelterGroups::new(&[[116.3, 39.9], [116.3, 39.9]], &|_| vec![1], 2);
        assert_eq!(g, ShelterGroups::identity(2));
    }

    #[test]
    fn groups_split_by_reach_and_square_and_stay_within_the_limit() {
        // Four shelters 10 m apart, one reached by another warehouse set; one far off.
        let pts = [
            [116.3, 39.9],
            [116.300_1, 39.9],
            [116.300_2, 39.9],
            [116.300_3, 39.9],
            [116.5, 39.9],
        ];
        let reach = |s: usize| {
            if s == 2 {
                bits([0usize].into_iter())
            } else {
                bits([0usize, 70].into_iter())
            }
        };
        let g = ShelterGroups::new(&pts, &reach, 3);
        assert_eq!(g.count, 3);
        assert_eq!(g.of, vec![0, 0, 1, 0, 2]);
        assert_eq!(g.side_m, FIRST_SIDE_M);
        assert_eq!(g.sum([1u64, 2, 3, 4, 5].into_iter()), vec![7, 3, 5]);
        let m = g.min([Some(3.0), None, Some(1.0), Some(2.0), None].into_iter());
        assert_eq!(m, vec![Some(2.0), Some(1.0), None]);
        // A limit of 2 cannot be met: the reach sets alone make 2, the far shelter a
        // square of its own until the squares cover both.
        let g = ShelterGroups::new(&pts, &reach, 2);
        assert_eq!(g.count, 2);
        assert_eq!(g.of, vec![0, 0, 1, 0, 0]);
        assert!(g.side_m > 10_000.0);
    }
}
