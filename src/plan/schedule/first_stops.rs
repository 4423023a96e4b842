//! The best first stops of a warehouse's tours, from a lazy max-heap.
//!
//! While the first batch is routed ([`super::route_first`]), what a shelter can
//! take from a warehouse only shrinks (units due and stock are only taken), a
//! warehouse's trucks only leave later, and in fair mode a kg only loses value as
//! a shelter's share grows. So a first stop's rate, once computed, stays an upper
//! bound on its rate at any later departure. Each warehouse keeps its shelters in
//! a max-heap keyed by such bounds: the best stops are found by popping until the
//! best rates computed now beat every bound left, instead of rating every shelter
//! for every trip (O(shelters) per trip). A shelter that cannot be reached in time
//! or has nothing left to take is dropped for good.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Relative slack on the bounds, for rounding in rates computed two ways.
const ROUNDING: f64 = 1e-9;

/// One shelter in a warehouse's heap: an upper bound on its base rate.
#[derive(Debug, Clone, Copy)]
struct Entry {
    bound: f64,
    shelter: usize,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    /// Higher bound first, then the lower shelter index (the routers' tie rule).
    fn cmp(&self, other: &Self) -> Ordering {
        self.bound
            .total_cmp(&other.bound)
            .then(other.shelter.cmp(&self.shelter))
    }
}

/// Per warehouse, its candidate first stops by an upper bound on their rate.
#[derive(Debug, Clone, Default)]
pub struct FirstStops {
    heaps: Vec<BinaryHeap<Entry>>,
}

/// A shelter's rate now: `(base, rate)`, the rate being the base times a factor
/// in `[0, spread]` (noise); `None` when it never again can be a first stop.
pub type Rated = Option<(f64, f64)>;

impl FirstStops {
    /// Heaps for `warehouses` × `shelters`, keyed by `base(w, s)` (the base rate
    /// at the start; `None`: never a first stop).
    pub fn new(
        warehouses: usize,
        shelters: usize,
        base: &dyn Fn(usize, usize) -> Option<f64>,
    ) -> Self {
        let heaps = (0..warehouses)
            .map(|w| {
                (0..shelters)
                    .filter_map(|s| base(w, s).map(|bound| Entry { bound, shelter: s }))
                    .collect()
            })
            .collect();
        Self { heaps }
    }

    /// The `k` best first stops of warehouse `w` as `(rate, shelter)`, best first
    /// (ties: lower shelter first), where `rate(s)` rates a shelter now with a
    /// factor of at most `spread` over its base. Exactly what rating every
    /// shelter of the heap would pick.
    pub fn best(
        &mut self,
        w: usize,
        k: usize,
        spread: f64,
        rate: &mut dyn FnMut(usize) -> Rated,
    ) -> Vec<(f64, usize)> {
        let heap = &mut self.heaps[w];
        let mut found: Vec<(f64, usize)> = Vec::new();
        let mut popped: Vec<Entry> = Vec::new();
        while let Some(top) = heap.peek() {
            if found.len() >= k {
                let kth = found[k - 1].0;
                if kth > top.bound * spread * (1.0 + ROUNDING) {
                    break;
                }
            }
            let top = heap.pop().expect("peeked");
            let Some((base, now)) = rate(top.shelter) else {
                continue;
            };
            popped.push(Entry {
                bound: base,
                shelter: top.shelter,
            });
            let at = found
                .iter()
                .position(|&(r, s)| now > r || (now == r && top.shelter < s))
                .unwrap_or(found.len());
            found.insert(at, (now, top.shelter));
        }
        heap.extend(popped);
        found.truncate(k);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heap_finds_what_a_full_scan_finds_as_rates_fall() {
        // Rates fall shelter by shelter as stops are served; noise spreads them.
        let n = 200;
        let mut base: Vec<f64> = (0..n).map(|s| ((s * 37) % 101) as f64 + 1.0).collect();
        base[7] = base[9]; // a tie
        let mut stops = FirstStops::new(1, n, &|_, s| Some(base[s]));
        let noise = |trip: usize, s: usize| 0.7 + 0.6 * (((trip * 13 + s * 7) % 17) as f64 / 16.0);
        for trip in 0..150 {
            let noisy = trip % 2 == 1;
            let rate = |s: usize| {
                (base[s] > 0.0).then(|| {
                    let f = if noisy { noise(trip, s) } else { 1.0 };
                    (base[s], base[s] * f)
                })
            };
            let mut scan: Vec<(f64, usize)> =
                (0..n).filter_map(|s| rate(s).map(|r| (r.1, s))).collect();
            scan.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            scan.truncate(3);
            let spread = if noisy { 1.3 } else { 1.0 };
            let got = stops.best(0, 3, spread, &mut |s| rate(s));
            assert_eq!(got, scan, "trip {trip}");
            // Serve the best: its rate halves, or it is done.
            let s = got[0].1;
            base[s] = if trip % 3 == 0 { 0.0 } else { base[s] / 2.0 };
        }
    }
}
