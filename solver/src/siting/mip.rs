//! The exact mixed-integer models, over every scenario of the instance (the mean
//! loss), built as [`LinearModel`]s so they can be solved here (microlp, branch and
//! bound) or exported to LP/MPS and re-checked by HiGHS or CBC. Model size grows
//! with scenarios × points × sites: meant for small instances, cross-checks and
//! peer comparisons; large instances use the heuristic and its Lagrangian bound.

use crate::lp::{LinearModel, LpError, Relation, Sense, VarId};

use super::{Objective, SitingError, SitingInstance};

/// Errors of the exact models.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MipError {
    /// The instance is invalid.
    #[error(transparent)]
    Instance(#[from] SitingError),
    /// The MIP solver failed or the model is infeasible.
    #[error(transparent)]
    Lp(#[from] LpError),
}

/// An exact optimum.
#[derive(Debug, Clone, PartialEq)]
pub struct MipResult {
    /// Opened candidate sites, ascending.
    pub open: Vec<usize>,
    /// Mean loss over scenarios (as [`Objective`] defines it; persons not covered for
    /// the capacitated model).
    pub loss: f64,
}

/// A model with the candidate opening variables and the constant part of its loss.
pub struct SitingModel {
    /// The MIP (minimises total loss over scenarios, minus `offset`).
    pub model: LinearModel,
    /// `x[c - fixed]`: 1 when candidate `c` opens.
    pub x: Vec<VarId>,
    /// Loss = (model objective + offset) / scenarios.
    pub offset: f64,
    /// Sites before the first candidate (`x[c]` opens site `fixed + c`).
    pub fixed: usize,
}

fn open_vars(inst: &SitingInstance, m: &mut LinearModel, k: Option<usize>) -> Vec<VarId> {
    let x: Vec<VarId> = inst
        .candidates()
        .map(|c| m.add_int_var(&format!("x{c}"), 0.0, 1.0, 0.0))
        .collect();
    if let Some(k) = k {
        m.add_constraint(
            "open_k",
            x.iter().map(|&v| (v, 1.0)).collect(),
            Relation::Eq,
            k as f64,
        );
    }
    x
}

/// MCLP (`Coverage`) or p-median (`Median`) with exactly `k` candidates open.
pub fn location_model(
    inst: &SitingInstance,
    obj: Objective,
    k: usize,
) -> Result<SitingModel, SitingError> {
    inst.validate(k)?;
    let name = match obj {
        Objective::Coverage { .. } => "mclp",
        Objective::Median { .. } => "pmedian",
    };
    let mut m = LinearModel::new(name, Sense::Minimise);
    let x = open_vars(inst, &mut m, Some(k));
    let mut offset = 0.0;
    for (s, tm) in inst.scenarios.iter().enumerate() {
        let best = inst.best_times(s, &[]);
        for (i, &w) in inst.weights.iter().enumerate() {
            match obj {
                Objective::Coverage { deadline } => {
                    if best[i] <= deadline || w == 0.0 {
                        continue;
                    }
                    // loss = w (1 − y); y ≤ Σ covering x.
                    offset += w;
                    let y = m.add_var(&format!("y{s}_{i}"), 0.0, 1.0, -w);
                    let mut terms = vec![(y, 1.0)];
                    terms.extend(
                        inst.candidates()
                            .filter(|&c| tm.row(c)[i] <= deadline)
                            .map(|c| (x[c - inst.fixed], -1.0)),
                    );
                    m.add_constraint(&format!("cover{s}_{i}"), terms, Relation::Le, 0.0);
                }
                Objective::Median { penalty } => {
                    // Assign to the best fixed site (or the penalty) or to an open candidate.
                    let fixed_cost = w * f64::from(best[i].min(penalty));
                    let z0 = m.add_var(&format!("z{s}_{i}_f"), 0.0, 1.0, fixed_cost);
                    let mut assign = vec![(z0, 1.0)];
                    for c in inst.candidates() {
                        let t = tm.row(c)[i].min(penalty);
                        if t >= best[i].min(penalty) {
                            continue; // never better than the fixed option
                        }
                        let z = m.add_var(&format!("z{s}_{i}_{c}"), 0.0, 1.0, w * f64::from(t));
                        m.add_constraint(
                            &format!("link{s}_{i}_{c}"),
                            vec![(z, 1.0), (x[c - inst.fixed], -1.0)],
                            Relation::Le,
                            0.0,
                        );
                        assign.push((z, 1.0));
                    }
                    m.add_constraint(&format!("assign{s}_{i}"), assign, Relation::Eq, 1.0);
                }
            }
        }
    }
    Ok(SitingModel {
        model: m,
        x,
        offset,
        fixed: inst.fixed,
    })
}

/// LSCP: the fewest candidates such that every (scenario, point) some candidate can
/// cover within `deadline` is covered (points no site covers are left out; see
/// [`uncoverable`]).
pub fn set_cover_model(inst: &SitingInstance, deadline: u16) -> Result<SitingModel, SitingError> {
    inst.validate(0)?;
    let mut m = LinearModel::new("lscp", Sense::Minimise);
    let x = open_vars(inst, &mut m, None);
    for v in &x {
        m.vars[v.0].cost = 1.0;
    }
    for (s, tm) in inst.scenarios.iter().enumerate() {
        let best = inst.best_times(s, &[]);
        for (i, (&b, &w)) in best.iter().zip(&inst.weights).enumerate() {
            if b <= deadline || w == 0.0 {
                continue;
            }
            let terms: Vec<(VarId, f64)> = inst
                .candidates()
                .filter(|&c| tm.row(c)[i] <= deadline)
                .map(|c| (x[c - inst.fixed], 1.0))
                .collect();
            if !terms.is_empty() {
                m.add_constraint(&format!("cover{s}_{i}"), terms, Relation::Ge, 1.0);
            }
        }
    }
    Ok(SitingModel {
        model: m,
        x,
        offset: 0.0,
        fixed: inst.fixed,
    })
}

/// Mean persons per scenario that no site (fixed or candidate) reaches by `deadline`.
pub fn uncoverable(inst: &SitingInstance, deadline: u16) -> f64 {
    let all: Vec<usize> = inst.candidates().collect();
    super::mean(&inst.evaluate(Objective::Coverage { deadline }, &all))
}

/// Capacitated MCLP: sites supply at most `capacity` persons each, only to points
/// they reach by `deadline`; points may be split. Loss = persons not supplied.
pub fn capacitated_model(
    inst: &SitingInstance,
    deadline: u16,
    k: usize,
) -> Result<SitingModel, SitingError> {
    inst.validate(k)?;
    let mut m = LinearModel::new("cmclp", Sense::Minimise);
    let x = open_vars(inst, &mut m, Some(k));
    let mut offset = 0.0;
    for (s, tm) in inst.scenarios.iter().enumerate() {
        let mut by_site: Vec<Vec<(VarId, f64)>> = vec![Vec::new(); inst.sites()];
        for (i, &w) in inst.weights.iter().enumerate() {
            offset += w;
            let mut row = Vec::new();
            for (j, site_row) in by_site.iter_mut().enumerate() {
                if tm.row(j)[i] <= deadline && w > 0.0 {
                    let z = m.add_var(&format!("z{s}_{i}_{j}"), 0.0, w, -1.0);
                    row.push((z, 1.0));
                    site_row.push((z, 1.0));
                }
            }
            if !row.is_empty() {
                m.add_constraint(&format!("demand{s}_{i}"), row, Relation::Le, w);
            }
        }
        for (j, mut terms) in by_site.into_iter().enumerate() {
            if terms.is_empty() {
                continue;
            }
            let cap = inst.capacity[j];
            if j < inst.fixed {
                m.add_constraint(&format!("cap{s}_{j}"), terms, Relation::Le, cap);
            } else {
                terms.push((x[j - inst.fixed], -cap));
                m.add_constraint(&format!("cap{s}_{j}"), terms, Relation::Le, 0.0);
            }
        }
    }
    Ok(SitingModel {
        model: m,
        x,
        offset,
        fixed: inst.fixed,
    })
}

impl SitingModel {
    /// Solves the MIP exactly (microlp branch and bound).
    pub fn solve(&self, scenarios: usize) -> Result<MipResult, MipError> {
        let sol = self.model.solve()?;
        let open = self
            .x
            .iter()
            .enumerate()
            .filter(|(_, v)| sol.values[v.0] > 0.5)
            .map(|(c, _)| self.fixed + c)
            .collect();
        Ok(MipResult {
            open,
            loss: (sol.objective + self.offset) / scenarios.max(1) as f64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::heuristic::{greedy_swap, tests::brute};
    use super::super::testkit::random;
    use super::*;

    #[test]
    fn mip_equals_exhaustive_search() {
        for seed in 1..6 {
            let inst = random(seed, 2, 7, 12, 2);
            for obj in [
                Objective::Coverage { deadline: 150 },
                Objective::Median { penalty: 800 },
            ] {
                let mip = location_model(&inst, obj, 2).unwrap().solve(2).unwrap();
                let opt = brute(&inst, obj, 2);
                assert!(
                    (mip.loss - opt).abs() < 1e-6 * opt.max(1.0),
                    "seed {seed}: mip {} vs {opt}",
                    mip.loss
                );
                let check = super::super::mean(&inst.evaluate(obj, &mip.open));
                assert!((check - opt).abs() < 1e-6 * opt.max(1.0));
                let h = greedy_swap(&inst, obj, 2).unwrap();
                assert!(h.layout.loss >= mip.loss - 1e-6);
            }
        }
    }

    #[test]
    fn set_cover_covers_everything_coverable() {
        for seed in 1..6 {
            let inst = random(seed, 1, 8, 15, 2);
            let deadline = 100;
            let r = set_cover_model(&inst, deadline).unwrap().solve(2).unwrap();
            let left =
                super::super::mean(&inst.evaluate(Objective::Coverage { deadline }, &r.open));
            assert!((left - uncoverable(&inst, deadline)).abs() < 1e-9);
            // No smaller set does it.
            if !r.open.is_empty() {
                let k = r.open.len() - 1;
                let best_smaller = brute(&inst, Objective::Coverage { deadline }, k);
                assert!(best_smaller > left + 1e-9);
            }
        }
    }
}
