//! Hop times between nearby shelters, for multi-stop tours.
//!
//! A tour only ever moves to a shelter close by, so instead of a full shelter ×
//! shelter matrix each shelter gets its `k` nearest shelters by straight line, timed
//! on the disrupted road graph by one early-stopping Dijkstra (it stops once those
//! `k` are settled, so each search stays local). Searches run in parallel.

use rayon::prelude::*;

use crate::network::dijkstra::Dijkstra;
use rstar::primitives::GeomWithData;
use rstar::RTree;

use crate::network::geo::{haversine_m, LocalProjection};
use crate::network::{NodeId, Router};

/// Neighbours considered per shelter.
pub const DEFAULT_NEIGHBOURS: usize = 24;

/// For each shelter, reachable nearby shelters with the drive time, hours, sorted by
/// time (nearest first).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hops {
    /// `next[s]` = `(shelter, hours)` pairs.
    pub next: Vec<Vec<(usize, f64)>>,
}

impl Hops {
    /// Drive time from shelter `a` to shelter `b`, hours, when `b` is one of `a`'s
    /// neighbours and reachable.
    pub fn get(&self, a: usize, b: usize) -> Option<f64> {
        self.next[a].iter().find(|x| x.0 == b).map(|x| x.1)
    }

    /// Computes hops for shelters at `points` (`[lon, lat]`) snapped to `nodes`,
    /// timed by `router`. O(s² + s · one search) for s shelters.
    pub fn compute(router: &Router, points: &[[f64; 2]], nodes: &[NodeId], k: usize) -> Self {
        let all: Vec<usize> = (0..points.len()).collect();
        Self {
            next: Self::rows(router, points, nodes, k, &all),
        }
    }

    /// The hop rows of shelters `rows` only (as [`Hops::compute`] makes them),
    /// in the order given. With Dijkstra, one early-stopping search per row; with
    /// the CCH, one sweep per row over the ancestors of every shelter.
    /// O(s · |rows| + |rows| · one search).
    pub fn rows(
        router: &Router,
        points: &[[f64; 2]],
        nodes: &[NodeId],
        k: usize,
        rows: &[usize],
    ) -> Vec<Vec<(usize, f64)>> {
        let finder = Nearest::new(points);
        let near: Vec<Vec<usize>> = rows.par_iter().map(|&a| finder.of(a, k)).collect();
        let timed = |a: usize, near: &[usize], ms: &dyn Fn(usize) -> Option<u32>| {
            let mut out: Vec<(usize, f64)> = near
                .iter()
                .filter_map(|&b| ms(b).map(|t| (b, f64::from(t) / 3_600_000.0)))
                .collect();
            debug_assert!(out.iter().all(|x| x.0 != a));
            out.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
            out
        };
        match router {
            Router::Cch(cch) => {
                let from: Vec<NodeId> = rows.iter().map(|&a| nodes[a]).collect();
                let ms = cch.pairs(&from, nodes, &near);
                rows.iter()
                    .zip(&near)
                    .zip(&ms)
                    .map(|((&a, near), ms)| {
                        let at = |b: usize| near.iter().position(|&x| x == b).and_then(|i| ms[i]);
                        timed(a, near, &at)
                    })
                    .collect()
            }
            Router::Dijkstra(d) => {
                let graph = d.graph();
                rows.par_iter()
                    .zip(&near)
                    .map_init(
                        || Dijkstra::new(graph.node_count()),
                        |dj, (&a, near)| {
                            if near.is_empty() {
                                return Vec::new();
                            }
                            let targets: Vec<NodeId> = near.iter().map(|&b| nodes[b]).collect();
                            dj.run(graph, d.weights(), nodes[a], &targets, u32::MAX);
                            timed(a, near, &|b| dj.distance(nodes[b]).map(|(ms, _)| ms))
                        },
                    )
                    .collect()
            }
        }
    }
}

/// The `k` shelters nearest to `a` by straight line (ties by index), in no
/// particular order. O(s).
/// Finds each shelter's nearest shelters by straight line: by comparing with
/// every other shelter up to [`Nearest::EXACT_MAX`] shelters (exact, ties by
/// index), beyond that from an R-tree of the projected points (the `2k`
/// nearest in the plane, re-ranked by great-circle distance: exact but for
/// ties and sub-metre projection differences at the `k`-th neighbour).
enum Nearest<'a> {
    All(&'a [[f64; 2]]),
    Tree(
        &'a [[f64; 2]],
        RTree<GeomWithData<[f64; 2], usize>>,
        LocalProjection,
    ),
}

impl<'a> Nearest<'a> {
    /// Most shelters searched by comparing every pair (O(s²): 16 M distances).
    const EXACT_MAX: usize = 4096;

    fn new(points: &'a [[f64; 2]]) -> Self {
        if points.len() <= Self::EXACT_MAX {
            return Nearest::All(points);
        }
        let mid_lat = points.iter().map(|p| p[1]).sum::<f64>() / points.len() as f64;
        let proj = LocalProjection::new(mid_lat);
        let tree = RTree::bulk_load(
            points
                .iter()
                .enumerate()
                .map(|(i, &p)| GeomWithData::new(proj.project(p), i))
                .collect(),
        );
        Nearest::Tree(points, tree, proj)
    }

    /// The `k` shelters nearest shelter `a` (not `a` itself), in no order.
    fn of(&self, a: usize, k: usize) -> Vec<usize> {
        match self {
            Nearest::All(points) => nearest(points, a, k),
            Nearest::Tree(points, tree, proj) => {
                let mut near: Vec<(f64, usize)> = tree
                    .nearest_neighbor_iter(&proj.project(points[a]))
                    .filter(|x| x.data != a)
                    .take(2 * k)
                    .map(|x| (haversine_m(points[a], points[x.data]), x.data))
                    .collect();
                near.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                near.truncate(k);
                near.into_iter().map(|x| x.1).collect()
            }
        }
    }
}

fn nearest(points: &[[f64; 2]], a: usize, k: usize) -> Vec<usize> {
    let mut near: Vec<(f64, usize)> = (0..points.len())
        .filter(|&b| b != a)
        .map(|b| (haversine_m(points[a], points[b]), b))
        .collect();
    let k = k.min(near.len());
    if k == 0 {
        return Vec::new();
    }
    near.select_nth_unstable_by(k - 1, |x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    near.truncate(k);
    near.into_iter().map(|x| x.1).collect()
}

/// The hops as a dense shelter × shelter table, for constant-time lookups where
/// a search reads them millions of times ([`super::schedule::improve`]); above
/// [`HopTable::MAX_SHELTERS`] shelters it falls back to [`Hops::get`].
#[derive(Debug, Clone)]
pub struct HopTable<'a> {
    hops: &'a Hops,
    /// `hours[a * n + b]`, NaN where `b` is not one of `a`'s neighbours.
    hours: Vec<f64>,
}

impl<'a> HopTable<'a> {
    /// Most shelters given a dense table (2 048² hours = 32 MiB).
    pub const MAX_SHELTERS: usize = 2048;

    /// The table of `hops`. O(s²) for s ≤ [`Self::MAX_SHELTERS`] shelters.
    pub fn new(hops: &'a Hops) -> HopTable<'a> {
        let n = hops.next.len();
        let mut hours = Vec::new();
        if n <= Self::MAX_SHELTERS {
            hours = vec![f64::NAN; n * n];
            for (a, row) in hops.next.iter().enumerate() {
                for &(b, h) in row {
                    hours[a * n + b] = h;
                }
            }
        }
        HopTable { hops, hours }
    }

    /// Drive time from shelter `a` to shelter `b`, hours, as [`Hops::get`].
    #[inline]
    pub fn get(&self, a: usize, b: usize) -> Option<f64> {
        if self.hours.is_empty() {
            return self.hops.get(a, b);
        }
        let h = self.hours[a * self.hops.next.len() + b];
        (!h.is_nan()).then_some(h)
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;

    #[test]
    fn the_table_answers_as_the_lists() {
        let hops = Hops {
            next: vec![vec![(1, 0.5)], vec![(0, 0.25), (2, 1.0)], vec![]],
        };
        let t = HopTable::new(&hops);
        for a in 0..3 {
            for b in 0..3 {
                assert_eq!(t.get(a, b), hops.get(a, b), "{a} → {b}");
            }
        }
    }
}

#[cfg(test)]
mod nearest_tests {
    use super::*;

    #[test]
    fn the_tree_finds_the_same_neighbours_as_comparing_all() {
        // 5 000 points over a Beijing-sized box (pseudo-random, fixed).
        let mut x = 12345u64;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        let points: Vec<[f64; 2]> = (0..5000)
            .map(|_| [116.2 + 0.4 * next(), 39.7 + 0.4 * next()])
            .collect();
        let tree = Nearest::new(&points);
        assert!(matches!(tree, Nearest::Tree(..)));
        let mut same = 0;
        for a in (0..points.len()).step_by(7) {
            let mut t = tree.of(a, 24);
            let mut b = nearest(&points, a, 24);
            t.sort_unstable();
            b.sort_unstable();
            assert_eq!(t.len(), 24);
            same += usize::from(t == b);
        }
        let rows = points.len().div_ceil(7);
        assert!(same * 100 >= rows * 99, "{same} of {rows} rows identical");
    }
}
