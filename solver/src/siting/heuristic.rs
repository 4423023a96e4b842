//! Greedy construction + swap local search over the expected loss of all
//! scenarios. Each greedy step and each swap pass scores every candidate in
//! parallel (rayon); a swap's score reads, per scenario and point, the best and
//! second-best open time, so one pass costs O(candidates × k × scenarios × points).

use rayon::prelude::*;

use super::{mean, Layout, Objective, SitingError, SitingInstance, UNREACHABLE};

/// Per scenario and point: best open time, which open slot gives it, second best.
struct Nearest {
    best: Vec<u16>,
    slot: Vec<u16>,
    second: Vec<u16>,
}

const FIXED_SLOT: u16 = u16::MAX;

impl Nearest {
    /// `chosen[slot]` are the opened candidates; fixed sites have no slot.
    fn compute(inst: &SitingInstance, chosen: &[usize]) -> Self {
        let n = inst.points();
        let cells = inst.scenarios.len() * n;
        let mut best = vec![UNREACHABLE; cells];
        let mut slot = vec![FIXED_SLOT; cells];
        let mut second = vec![UNREACHABLE; cells];
        best.par_chunks_mut(n)
            .zip(slot.par_chunks_mut(n))
            .zip(second.par_chunks_mut(n))
            .zip(&inst.scenarios)
            .for_each(|(((b, sl), se), m)| {
                let sites = (0..inst.fixed)
                    .map(|s| (s, FIXED_SLOT))
                    .chain(chosen.iter().enumerate().map(|(k, &s)| (s, k as u16)));
                for (site, k) in sites {
                    for (i, &t) in m.row(site).iter().enumerate() {
                        if t < b[i] {
                            se[i] = b[i];
                            b[i] = t;
                            sl[i] = k;
                        } else if t < se[i] {
                            se[i] = t;
                        }
                    }
                }
            });
        Self { best, slot, second }
    }
}

/// Total (not mean) loss when candidate `add` joins the layout whose best times are
/// `best` (all scenarios concatenated).
fn loss_with(inst: &SitingInstance, obj: Objective, best: &[u16], add: usize) -> f64 {
    let n = inst.points();
    inst.scenarios
        .iter()
        .zip(best.chunks(n))
        .map(|(m, b)| {
            m.row(add)
                .iter()
                .zip(b)
                .zip(&inst.weights)
                .map(|((&t, &bt), &w)| obj.loss(w, t.min(bt)))
                .sum::<f64>()
        })
        .sum()
}

/// Picks the index with the smallest value, ties to the first (deterministic).
fn argmin(xs: impl IntoIterator<Item = (usize, f64)>) -> Option<(usize, f64)> {
    xs.into_iter().fold(None, |acc, (i, v)| match acc {
        Some((_, bv)) if bv <= v => acc,
        _ => Some((i, v)),
    })
}

/// Result of the heuristic, with how it got there.
#[derive(Debug, Clone, PartialEq)]
pub struct HeuristicResult {
    /// The layout after local search.
    pub layout: Layout,
    /// Mean loss after the greedy construction, before swaps.
    pub greedy_loss: f64,
    /// Swaps applied.
    pub swaps: usize,
}

/// Opens `k` candidates: greedy (each step adds the candidate that lowers the mean
/// loss most), then best-improvement swaps (close one chosen, open one unchosen)
/// until none improves by more than a relative 1e-12.
pub fn greedy_swap(
    inst: &SitingInstance,
    obj: Objective,
    k: usize,
) -> Result<HeuristicResult, SitingError> {
    inst.validate(k)?;
    let scen = inst.scenarios.len() as f64;
    let mut chosen: Vec<usize> = Vec::with_capacity(k);
    let mut near = Nearest::compute(inst, &chosen);
    let mut current: f64 = inst
        .scenarios
        .iter()
        .enumerate()
        .map(|(s, _)| {
            obj.total_loss(
                &inst.weights,
                &near.best[s * inst.points()..(s + 1) * inst.points()],
            )
        })
        .sum();
    for _ in 0..k {
        let free: Vec<usize> = inst.candidates().filter(|c| !chosen.contains(c)).collect();
        let scores: Vec<(usize, f64)> = free
            .par_iter()
            .map(|&c| (c, loss_with(inst, obj, &near.best, c)))
            .collect();
        let (c, loss) = argmin(scores).expect("k ≤ candidates was validated");
        chosen.push(c);
        current = loss;
        near = Nearest::compute(inst, &chosen);
    }
    let greedy_loss = current / scen;
    let mut swaps = 0;
    let n = inst.points();
    loop {
        let free: Vec<usize> = inst.candidates().filter(|c| !chosen.contains(c)).collect();
        // Best swap (slot, candidate, total loss) over all pairs.
        let best = free
            .par_iter()
            .map(|&a| {
                let per_slot = (0..chosen.len()).map(|slot| {
                    let loss: f64 = inst
                        .scenarios
                        .iter()
                        .enumerate()
                        .map(|(s, m)| {
                            let r = s * n..(s + 1) * n;
                            let (b, sl, se) = (
                                &near.best[r.clone()],
                                &near.slot[r.clone()],
                                &near.second[r],
                            );
                            m.row(a)
                                .iter()
                                .enumerate()
                                .map(|(i, &t)| {
                                    let without = if sl[i] == slot as u16 { se[i] } else { b[i] };
                                    obj.loss(inst.weights[i], t.min(without))
                                })
                                .sum::<f64>()
                        })
                        .sum();
                    (slot, loss)
                });
                argmin(per_slot).map(|(slot, loss)| (slot, a, loss))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .flatten()
            .fold(None::<(usize, usize, f64)>, |acc, x| match acc {
                Some(b) if b.2 <= x.2 => Some(b),
                _ => Some(x),
            });
        match best {
            Some((slot, a, loss)) if loss < current - 1e-12 * current.abs().max(1.0) => {
                chosen[slot] = a;
                current = loss;
                swaps += 1;
                near = Nearest::compute(inst, &chosen);
            }
            _ => break,
        }
    }
    let per = inst.evaluate(obj, &chosen);
    Ok(HeuristicResult {
        layout: Layout {
            open: chosen,
            loss: mean(&per),
        },
        greedy_loss,
        swaps,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::testkit::random;
    use super::*;

    /// Exhaustive optimum over all k-subsets (tiny instances only).
    pub(crate) fn brute(inst: &SitingInstance, obj: Objective, k: usize) -> f64 {
        fn rec(
            inst: &SitingInstance,
            obj: Objective,
            from: usize,
            left: usize,
            open: &mut Vec<usize>,
        ) -> f64 {
            if left == 0 {
                return mean(&inst.evaluate(obj, open));
            }
            (from..inst.sites())
                .map(|c| {
                    open.push(c);
                    let v = rec(inst, obj, c + 1, left - 1, open);
                    open.pop();
                    v
                })
                .fold(f64::INFINITY, f64::min)
        }
        rec(inst, obj, inst.fixed, k, &mut Vec::new())
    }

    #[test]
    fn loss_is_what_evaluate_says_and_never_worse_than_greedy() {
        for seed in 1..20 {
            let inst = random(seed, 2, 9, 30, 3);
            for obj in [
                Objective::Coverage { deadline: 150 },
                Objective::Median { penalty: 900 },
            ] {
                let r = greedy_swap(&inst, obj, 3).unwrap();
                assert_eq!(r.layout.open.len(), 3);
                assert!(r.layout.loss <= r.greedy_loss + 1e-9);
                let opt = brute(&inst, obj, 3);
                assert!(
                    r.layout.loss >= opt - 1e-9,
                    "heuristic {} below optimum {opt}",
                    r.layout.loss
                );
            }
        }
    }

    #[test]
    fn finds_the_only_covering_site() {
        // Point 0 is reachable only from candidate 3.
        let mut inst = random(7, 1, 5, 4, 1);
        inst.scenarios[0].times.fill(UNREACHABLE);
        for i in 0..4 {
            inst.scenarios[0].times[i] = 10; // fixed site covers all but point 0
        }
        inst.scenarios[0].times[0] = UNREACHABLE;
        inst.scenarios[0].times[3 * 4] = 5;
        let r = greedy_swap(&inst, Objective::Coverage { deadline: 60 }, 1).unwrap();
        assert_eq!(r.layout.open, vec![3]);
        assert_eq!(r.layout.loss, 0.0);
    }

    #[test]
    fn too_many_sites_is_an_error() {
        let inst = random(1, 2, 4, 5, 1);
        assert!(matches!(
            greedy_swap(&inst, Objective::Median { penalty: 100 }, 3),
            Err(SitingError::TooMany {
                k: 3,
                candidates: 2
            })
        ));
    }
}
