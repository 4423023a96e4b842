//! The four siting models on one instance, each as heuristic value + bound + gap
//! (or an exact optimum), in natural units.

use std::time::Instant;

use serde::Serialize;
use solver::siting::{bound, capacitated, heuristic, mip, Objective, SitingInstance};

use super::{SiteError, SiteOptions};

/// One model's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelResult {
    /// `mclp`, `pmedian`, `lscp`, `capacitated`, or `*_exact`.
    pub model: String,
    /// What is optimised, with units.
    pub objective: String,
    /// Which damage scenarios the objective averages.
    pub scope: String,
    /// Opened candidate site indices (instance numbering).
    #[serde(skip)]
    pub open: Vec<usize>,
    /// Opened candidate ids.
    pub open_ids: Vec<String>,
    /// Objective value of the layout.
    pub value: f64,
    /// Value after the greedy phase (heuristics only).
    pub greedy_value: Option<f64>,
    /// Best value any layout could reach (upper bound when maximising, lower when
    /// minimising); equals `value` for exact models.
    pub bound: Option<f64>,
    /// Relative gap between `value` and `bound` (0 = proven optimal).
    pub gap: Option<f64>,
    /// Swaps the local search applied.
    pub swaps: usize,
    /// Wall time, seconds.
    pub seconds: f64,
}

/// Relative gap between a heuristic `value` and a `bound`. Only rounding noise
/// (below 10⁻⁹) is clamped to 0: a value beyond its bound means the bound is
/// wrong, and the negative gap shows it instead of hiding it.
fn gap(value: f64, bound: f64, maximise: bool) -> f64 {
    let (hi, lo) = if maximise {
        (bound, value)
    } else {
        (value, bound)
    };
    if hi.abs() < 1e-12 {
        0.0
    } else {
        let g = (hi - lo) / hi.abs();
        if g > -1e-9 {
            g.max(0.0)
        } else {
            g
        }
    }
}

/// A maximising heuristic's result (loss = persons not covered) as a model row.
fn covering_row(
    model: &str,
    objective: &str,
    scope: String,
    h: &heuristic::HeuristicResult,
    total: f64,
    lb: f64,
    seconds: f64,
) -> ModelResult {
    let (value, b) = (total - h.layout.loss, total - lb);
    ModelResult {
        model: model.into(),
        objective: objective.into(),
        scope,
        open: h.layout.open.clone(),
        open_ids: Vec::new(),
        value,
        greedy_value: Some(total - h.greedy_loss),
        bound: Some(b),
        gap: Some(gap(value, b, true)),
        swaps: h.swaps,
        seconds,
    }
}

/// The instance restricted to its first `n` scenarios.
pub fn first_scenarios(inst: &SitingInstance, n: usize) -> SitingInstance {
    SitingInstance {
        weights: inst.weights.clone(),
        fixed: inst.fixed,
        capacity: inst.capacity.clone(),
        scenarios: inst.scenarios[..n.clamp(1, inst.scenarios.len())].to_vec(),
    }
}

/// Runs MCLP and p-median over all scenarios (greedy + swap, Lagrangian bound),
/// LSCP exactly on scenario 0, the capacitated MCLP on scenario 0 (greedy + swap
/// by min-cost flow, bound), and with `opts.exact` the MCLP and p-median MIPs on
/// scenario 0.
pub fn run_models(
    inst: &SitingInstance,
    k: usize,
    deadline: u16,
    penalty: u16,
    opts: &SiteOptions,
) -> Result<Vec<ModelResult>, SiteError> {
    let total = inst.total_weight().max(1e-9);
    let all = format!("mean over {} damage scenarios", inst.scenarios.len());
    let mut out = Vec::new();
    // MCLP.
    let t = Instant::now();
    let cov = Objective::Coverage { deadline };
    let h = heuristic::greedy_swap(inst, cov, k)?;
    let lb = bound::lower_bound(inst, cov, k, h.layout.loss)?;
    out.push(covering_row(
        "mclp",
        "persons whose first batch can arrive by the deadline (maximise)",
        all.clone(),
        &h,
        total,
        lb,
        t.elapsed().as_secs_f64(),
    ));
    // p-median, in hours per person.
    let t = Instant::now();
    let med = Objective::Median { penalty };
    let h = heuristic::greedy_swap(inst, med, k)?;
    let lb = bound::lower_bound(inst, med, k, h.layout.loss)?;
    let hours = |loss: f64| loss / total / 600.0;
    let (value, b) = (hours(h.layout.loss), hours(lb));
    out.push(ModelResult {
        model: "pmedian".into(),
        objective: "persons-weighted mean time to the nearest open site, hours (minimise)".into(),
        scope: all,
        open: h.layout.open.clone(),
        open_ids: Vec::new(),
        value,
        greedy_value: Some(hours(h.greedy_loss)),
        bound: Some(b),
        gap: Some(gap(value, b, false)),
        swaps: h.swaps,
        seconds: t.elapsed().as_secs_f64(),
    });
    // LSCP, exact, scenario 0.
    let t = Instant::now();
    let s0 = first_scenarios(inst, 1);
    let r = mip::set_cover_model(&s0, deadline)?.solve(1)?;
    let n = r.open.len() as f64;
    out.push(ModelResult {
        model: "lscp".into(),
        objective: format!(
            "fewest new sites so every shelter any site can reach by the deadline is reached ({:.0} persons no site reaches)",
            mip::uncoverable(&s0, deadline)
        ),
        scope: "scenario 0 (as given), exact MIP".into(),
        open: r.open,
        open_ids: Vec::new(),
        value: n,
        greedy_value: None,
        bound: Some(n),
        gap: Some(0.0),
        swaps: 0,
        seconds: t.elapsed().as_secs_f64(),
    });
    // Capacitated MCLP, scenario 0.
    let t = Instant::now();
    let h = capacitated::greedy_swap(&s0, deadline, k, 3)?;
    let unc = bound::lower_bound(&s0, cov, k, h.layout.loss)?;
    let lb = capacitated::lower_bound(&s0, deadline, k, unc)?;
    out.push(covering_row(
        "capacitated",
        "persons supplied by the deadline within each site's capacity (maximise)",
        "scenario 0 (as given); min-cost flow per layout".into(),
        &h,
        total,
        lb,
        t.elapsed().as_secs_f64(),
    ));
    if opts.exact {
        for (name, obj, maximise) in [("mclp_exact", cov, true), ("pmedian_exact", med, false)] {
            let t = Instant::now();
            let r = mip::location_model(&s0, obj, k)?.solve(1)?;
            let value = if maximise {
                total - r.loss
            } else {
                hours(r.loss)
            };
            out.push(ModelResult {
                model: name.into(),
                objective: "as above, exact MIP (microlp branch and bound)".into(),
                scope: "scenario 0 (as given)".into(),
                open: r.open,
                open_ids: Vec::new(),
                value,
                greedy_value: None,
                bound: Some(value),
                gap: Some(0.0),
                swaps: 0,
                seconds: t.elapsed().as_secs_f64(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::gap;

    #[test]
    fn gap_clamps_only_rounding_noise() {
        assert!((gap(90.0, 100.0, true) - 0.1).abs() < 1e-12);
        assert!((gap(110.0, 100.0, false) - 100.0 / 110.0 * 0.1).abs() < 1e-12);
        assert_eq!(gap(100.0 + 1e-12, 100.0, true), 0.0);
        assert!(
            gap(110.0, 100.0, true) < 0.0,
            "a value beyond its bound shows"
        );
        assert_eq!(gap(0.0, 0.0, true), 0.0);
    }
}
