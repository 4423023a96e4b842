//! The best visiting order of one tour's stops (Held–Karp dynamic programming
//! over subsets of stops).
//!
//! With deadlines only (no earliest times), arriving earlier is never worse, so
//! the earliest arrival at each (stops visited, last stop) state is exact: the
//! order found is back at the warehouse earliest among all orders with every stop
//! in time. O(2ⁿ · n²) for n stops; tours longer than [`MAX_STOPS`] keep their
//! order.

use super::input::ScheduleInput;
use crate::facility::{ShelterIx, WarehouseIx};
use crate::plan::hops::HopTable;

/// Longest tour reordered (2¹⁰ · 10² = 102 400 steps).
pub const MAX_STOPS: usize = 10;

/// The order of `tour` (shelters) for a truck of warehouse `w` leaving at `depart`
/// (hours) that is back earliest with every stop arriving by the deadline (when
/// no order has a road back: the one whose last arrival is earliest), and the
/// work done in steps; `None` when no order keeps every stop in time. Tours of
/// more than [`MAX_STOPS`] stops, or of one, are returned as they are.
pub fn best_order(
    input: &ScheduleInput,
    hop: &HopTable,
    w: usize,
    depart: f64,
    tour: &[usize],
) -> (Option<Vec<usize>>, u64) {
    let n = tour.len();
    if n <= 1 || n > MAX_STOPS {
        return (Some(tour.to_vec()), 0);
    }
    let deadline = input.deadline_h + 1e-9;
    let full = (1usize << n) - 1;
    let mut arrive = vec![f64::INFINITY; (full + 1) * n];
    let mut from = vec![usize::MAX; (full + 1) * n];
    for (i, &s) in tour.iter().enumerate() {
        if let Some(h) = input.travel.outbound(WarehouseIx(w), ShelterIx(s)) {
            if depart + h <= deadline {
                arrive[(1 << i) * n + i] = depart + h;
            }
        }
    }
    // Hop hours between the tour's stops (infinite when not neighbours).
    let hop: Vec<f64> = (0..n * n)
        .map(|k| hop.get(tour[k / n], tour[k % n]).unwrap_or(f64::INFINITY))
        .collect();
    let mut steps = 0u64;
    for mask in 1..=full {
        for i in 0..n {
            let at = arrive[mask * n + i];
            if !at.is_finite() {
                continue;
            }
            for j in 0..n {
                if mask & (1 << j) != 0 {
                    continue;
                }
                steps += 1;
                let t = at + input.unloading_h + hop[i * n + j];
                let k = (mask | (1 << j)) * n + j;
                if t <= deadline && t < arrive[k] {
                    arrive[k] = t;
                    from[k] = i;
                }
            }
        }
    }
    // The last stop: back earliest, else (no road back from any) arriving earliest.
    let end = |i: usize| -> (f64, f64) {
        let at = arrive[full * n + i];
        let back = input
            .travel
            .inbound(ShelterIx(tour[i]), WarehouseIx(w))
            .map_or(f64::INFINITY, |b| at + input.unloading_h + b);
        (back, at)
    };
    let last = (0..n)
        .filter(|&i| arrive[full * n + i].is_finite())
        .min_by(|&a, &b| {
            let (x, y) = (end(a), end(b));
            x.0.total_cmp(&y.0).then(x.1.total_cmp(&y.1))
        });
    let Some(mut i) = last else {
        return (None, steps);
    };
    let mut order = Vec::with_capacity(n);
    let mut mask = full;
    loop {
        order.push(tour[i]);
        let p = from[mask * n + i];
        mask &= !(1 << i);
        if p == usize::MAX {
            break;
        }
        i = p;
    }
    order.reverse();
    (Some(order), steps)
}
