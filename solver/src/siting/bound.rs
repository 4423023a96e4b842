//! Lagrangian bounds on the best possible mean loss with `k` more sites, so a
//! heuristic layout can state its gap. Both relax the linking rows of the MIP
//! over all scenarios at once and run a subgradient ascent (Held–Karp step with
//! the heuristic's value as target); every iterate is a valid bound, the best is
//! kept.
//!
//! - Coverage (MCLP): relax `y_si ≤ Σ_c a_sic x_c` with multipliers `λ_si ≥ 0`:
//!   `L(λ) = Σ max(0, w_i − λ_si) + (sum of the k largest Σ_{si ∈ cover(c)} λ_si)`
//!   bounds the persons the candidates can add.
//! - p-median: relax `Σ_j z_sij = 1` with free `λ_si`:
//!   `L(λ) = Σ λ_si + Σ_{j fixed or penalty} Σ min(0, c_sij − λ_si) + (sum of the
//!   k most negative candidate terms)` bounds the loss from below.

use rayon::prelude::*;

use super::{Objective, SitingError, SitingInstance};

/// Iterations of the subgradient ascent.
pub const ITERATIONS: usize = 60;

/// Polyak-type step multiplier: halved after 5 iterations without a better bound.
struct StepSize {
    mu: f64,
    stall: u32,
}

impl StepSize {
    fn new() -> Self {
        Self { mu: 2.0, stall: 0 }
    }

    /// Records whether the last iterate improved the best bound.
    fn observe(&mut self, improved: bool) {
        if improved {
            self.stall = 0;
        } else {
            self.stall += 1;
            if self.stall >= 5 {
                self.mu /= 2.0;
                self.stall = 0;
            }
        }
    }
}

/// Sum of the `k` largest values (ties irrelevant).
fn top_k_sum(mut xs: Vec<f64>, k: usize) -> (f64, Vec<usize>) {
    let mut idx: Vec<usize> = (0..xs.len()).collect();
    idx.sort_by(|&a, &b| xs[b].total_cmp(&xs[a]).then(a.cmp(&b)));
    idx.truncate(k);
    let sum = idx.iter().map(|&i| xs[i]).sum();
    xs.clear();
    (sum, idx)
}

/// A lower bound on the mean loss any layout of `k` candidates can reach
/// (`objective` as in the heuristic). `target` is a known achievable mean loss
/// (the heuristic's), used only to size the steps.
pub fn lower_bound(
    inst: &SitingInstance,
    obj: Objective,
    k: usize,
    target: f64,
) -> Result<f64, SitingError> {
    inst.validate(k)?;
    let scen = inst.scenarios.len() as f64;
    let total = match obj {
        Objective::Coverage { deadline } => coverage_bound(inst, deadline, k, target * scen),
        Objective::Median { penalty } => median_bound(inst, penalty, k, target * scen),
    };
    Ok(total / scen)
}

fn coverage_bound(inst: &SitingInstance, deadline: u16, k: usize, target: f64) -> f64 {
    let n = inst.points();
    // Points not covered by the fixed sites, per scenario, and who could cover them.
    let mut weight = Vec::new();
    let mut cover: Vec<Vec<u32>> = vec![Vec::new(); inst.sites()];
    for s in 0..inst.scenarios.len() {
        let best = inst.best_times(s, &[]);
        let m = &inst.scenarios[s];
        for i in (0..n).filter(|&i| best[i] > deadline && inst.weights[i] > 0.0) {
            let u = weight.len() as u32;
            weight.push(inst.weights[i]);
            for c in inst.candidates() {
                if m.row(c)[i] <= deadline {
                    cover[c].push(u);
                }
            }
        }
    }
    let base: f64 = weight.iter().sum();
    if base == 0.0 {
        return 0.0;
    }
    let gain_target = base - target;
    let mut lambda = weight.clone();
    let mut best_ub = f64::INFINITY;
    let mut step_size = StepSize::new();
    let mut g = vec![0i32; weight.len()];
    for _ in 0..ITERATIONS {
        let scores: Vec<f64> = inst
            .candidates()
            .map(|c| cover[c].iter().map(|&u| lambda[u as usize]).sum())
            .collect();
        let (top, chosen) = top_k_sum(scores, k);
        let free: f64 = weight
            .iter()
            .zip(&lambda)
            .map(|(w, l)| (w - l).max(0.0))
            .sum();
        let ub = free + top;
        step_size.observe(ub < best_ub - 1e-9);
        best_ub = best_ub.min(ub);
        for (gu, (w, l)) in g.iter_mut().zip(weight.iter().zip(&lambda)) {
            *gu = -i32::from(w > l);
        }
        for &ci in &chosen {
            for &u in &cover[inst.fixed + ci] {
                g[u as usize] += 1;
            }
        }
        let norm: f64 = g.iter().map(|&x| f64::from(x * x)).sum();
        if norm == 0.0 || best_ub - gain_target <= 1e-9 * base {
            break;
        }
        let step = step_size.mu * (ub - gain_target).max(1e-9 * base) / norm;
        for (l, &gu) in lambda.iter_mut().zip(&g) {
            *l = (*l - step * f64::from(gu)).max(0.0);
        }
    }
    (base - best_ub).max(0.0)
}

fn median_bound(inst: &SitingInstance, penalty: u16, k: usize, target: f64) -> f64 {
    let n = inst.points();
    let cost = |s: usize, site: usize, i: usize| -> f64 {
        inst.weights[i] * f64::from(inst.scenarios[s].row(site)[i].min(penalty))
    };
    let penalty_cost = |i: usize| inst.weights[i] * f64::from(penalty);
    let cells = inst.scenarios.len() * n;
    // Start from the fixed sites' best costs: λ = best fixed (or penalty) cost.
    let mut lambda: Vec<f64> = (0..cells)
        .into_par_iter()
        .map(|u| {
            let (s, i) = (u / n, u % n);
            (0..inst.fixed)
                .map(|j| cost(s, j, i))
                .fold(penalty_cost(i), f64::min)
        })
        .collect();
    let mut best_lb = f64::NEG_INFINITY;
    let mut step_size = StepSize::new();
    for _ in 0..ITERATIONS {
        // Candidate terms ρ_c = Σ min(0, c_sci − λ_si).
        let rho: Vec<f64> = inst
            .candidates()
            .collect::<Vec<_>>()
            .par_iter()
            .map(|&c| {
                (0..cells)
                    .map(|u| (cost(u / n, c, u % n) - lambda[u]).min(0.0))
                    .sum()
            })
            .collect();
        let (top, chosen) = top_k_sum(rho.iter().map(|r| -r).collect(), k);
        let open: Vec<usize> = (0..inst.fixed)
            .chain(chosen.iter().map(|&c| inst.fixed + c))
            .collect();
        // Fixed part and subgradient g = 1 − #{open j (and penalty) with c < λ}.
        let (fixed_part, g): (Vec<f64>, Vec<f64>) = (0..cells)
            .into_par_iter()
            .map(|u| {
                let (s, i) = (u / n, u % n);
                let l = lambda[u];
                let mut part = l + (penalty_cost(i) - l).min(0.0);
                let mut count = f64::from(u8::from(penalty_cost(i) < l));
                for &j in &open {
                    let c = cost(s, j, i);
                    if c < l {
                        count += 1.0;
                        if j < inst.fixed {
                            part += c - l;
                        }
                    }
                }
                (part, 1.0 - count)
            })
            .unzip();
        let lb = fixed_part.iter().sum::<f64>() - top;
        step_size.observe(lb > best_lb + 1e-9);
        best_lb = best_lb.max(lb);
        let norm: f64 = g.iter().map(|x| x * x).sum();
        if norm == 0.0 || target - best_lb <= 1e-9 * target.abs().max(1.0) {
            break;
        }
        let step = step_size.mu * (target - lb).max(1e-9 * target.abs().max(1.0)) / norm;
        lambda
            .par_iter_mut()
            .zip(&g)
            .for_each(|(l, gu)| *l += step * gu);
    }
    best_lb.max(0.0)
}

#[cfg(test)]
mod tests {
    use super::super::heuristic::greedy_swap;
    use super::super::testkit::random;
    use super::*;
    use crate::siting::UNREACHABLE;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// The bound never exceeds the exhaustive optimum, which never beats the heuristic.
        #[test]
        fn bound_below_optimum_below_heuristic(seed in 1u64..10_000, k in 1usize..4, cov in proptest::bool::ANY) {
            let inst = random(seed, 2, 8, 25, 3);
            let obj = if cov { Objective::Coverage { deadline: 120 } } else { Objective::Median { penalty: 700 } };
            let h = greedy_swap(&inst, obj, k).unwrap();
            let lb = lower_bound(&inst, obj, k, h.layout.loss).unwrap();
            let opt = super::super::heuristic::tests::brute(&inst, obj, k);
            prop_assert!(lb <= opt + 1e-6, "bound {lb} above optimum {opt}");
            prop_assert!(opt <= h.layout.loss + 1e-6);
        }
    }

    #[test]
    fn bound_is_tight_when_one_site_covers_all() {
        let mut inst = random(3, 1, 4, 10, 1);
        inst.scenarios[0].times.fill(UNREACHABLE);
        for i in 0..10 {
            inst.scenarios[0].times[2 * 10 + i] = 30;
        }
        let obj = Objective::Coverage { deadline: 60 };
        let h = greedy_swap(&inst, obj, 1).unwrap();
        assert_eq!(h.layout.loss, 0.0);
        assert!(lower_bound(&inst, obj, 1, 0.0).unwrap().abs() < 1e-6);
    }
}
