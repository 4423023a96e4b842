//! Deterministic generators of min-cost-flow instances with the two shapes that
//! occur in reliefflow, for benchmarks and peer comparisons:
//!
//! - [`road_grid`]: a road-like grid (two-way streets, travel-time costs, street
//!   capacities), a few depots feeding many sinks;
//! - [`transport`]: complete bipartite warehouse → shelter transport with
//!   distance costs (e.g. 100 × 10 000 = 10⁶ arcs).
//!
//! Both are balanced (Σ supply = 0) and feasible by construction.

use crate::mcf::{FlowNetwork, UNBOUNDED};

/// SplitMix64: tiny, fast, reproducible.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform integer in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }
}

/// A `rows × cols` grid of two-way streets (≈ 4·rows·cols arcs). Arc cost is a
/// travel time 10–100; capacity 500–2 000. `depots` nodes supply, `sinks` nodes
/// demand 1–100 each; depots share the total demand exactly. Every node has
/// in- and out-capacity ≥ 1 000 per street, far above any single demand, so the
/// instance is feasible.
pub fn road_grid(rows: usize, cols: usize, depots: usize, sinks: usize, seed: u64) -> FlowNetwork {
    let mut rng = SplitMix::new(seed);
    let n = rows * cols;
    let mut net = FlowNetwork::new(n);
    let id = |r: usize, c: usize| (r * cols + c) as u32;
    for r in 0..rows {
        for c in 0..cols {
            let mut link = |a: u32, b: u32, rng: &mut SplitMix| {
                let cost = rng.range(10, 100);
                let cap = rng.range(1000, 2000);
                net.add_arc(a, b, cap, cost);
                net.add_arc(b, a, cap, cost);
            };
            if c + 1 < cols {
                link(id(r, c), id(r, c + 1), &mut rng);
            }
            if r + 1 < rows {
                link(id(r, c), id(r + 1, c), &mut rng);
            }
        }
    }
    let mut total = 0;
    for _ in 0..sinks {
        let v = rng.range(0, n as i64 - 1) as usize;
        let d = rng.range(1, 100);
        net.supply[v] -= d;
        total += d;
    }
    spread_supply(&mut net, &mut rng, depots, total, |rng| {
        rng.range(0, n as i64 - 1) as usize
    });
    net
}

/// Complete bipartite transport: `warehouses` supply nodes, `shelters` demand nodes
/// with demand 10–500, every warehouse linked to every shelter (uncapacitated),
/// cost = rounded Euclidean distance in metres between random points of a
/// 30 km × 30 km city.
pub fn transport(warehouses: usize, shelters: usize, seed: u64) -> FlowNetwork {
    let mut rng = SplitMix::new(seed);
    let mut net = FlowNetwork::new(warehouses + shelters);
    let pos: Vec<(i64, i64)> = (0..warehouses + shelters)
        .map(|_| (rng.range(0, 30_000), rng.range(0, 30_000)))
        .collect();
    let mut total = 0;
    for s in 0..shelters {
        let d = rng.range(10, 500);
        net.supply[warehouses + s] = -d;
        total += d;
    }
    for w in 0..warehouses {
        for s in warehouses..warehouses + shelters {
            let (dx, dy) = ((pos[w].0 - pos[s].0) as f64, (pos[w].1 - pos[s].1) as f64);
            net.add_arc(w as u32, s as u32, UNBOUNDED, dx.hypot(dy).round() as i64);
        }
    }
    spread_supply(&mut net, &mut rng, warehouses, total, |rng| {
        rng.range(0, warehouses as i64 - 1) as usize
    });
    net
}

/// Adds `total` supply over `count` distinct picks of `pick`, in near-equal parts.
fn spread_supply(
    net: &mut FlowNetwork,
    rng: &mut SplitMix,
    count: usize,
    total: i64,
    mut pick: impl FnMut(&mut SplitMix) -> usize,
) {
    let mut chosen = Vec::new();
    while chosen.len() < count {
        let v = pick(rng);
        if !chosen.contains(&v) && net.supply[v] == 0 {
            chosen.push(v);
        }
    }
    let k = count as i64;
    for (i, &v) in chosen.iter().enumerate() {
        net.supply[v] += total / k + i64::from((i as i64) < total % k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_instances_are_balanced_and_sized() {
        let g = road_grid(10, 20, 3, 30, 1);
        assert_eq!(g.supply_balance(), 0);
        assert_eq!(g.arcs.len(), 2 * (10 * 19 + 9 * 20));
        let t = transport(5, 40, 2);
        assert_eq!(t.supply_balance(), 0);
        assert_eq!(t.arcs.len(), 200);
        assert!(t.supply[..5].iter().all(|&s| s > 0));
    }
}
