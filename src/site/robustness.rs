//! Today's layout and every model's layout judged over all damage scenarios:
//! expected and worst coverage, mean time, capacitated coverage, and regret (per
//! scenario, the best coverage among the compared layouts minus this one's).

use rayon::prelude::*;
use serde::Serialize;
use solver::siting::{capacitated, Objective, SitingInstance};

use super::models::{first_scenarios, ModelResult};

/// One layout over all damage scenarios.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayoutResult {
    /// `today` or the model name.
    pub name: String,
    /// Opened candidates (instance numbering).
    #[serde(skip)]
    pub open: Vec<usize>,
    /// Opened candidate ids.
    pub open_ids: Vec<String>,
    /// Mean share of persons whose first batch can arrive by the deadline.
    pub expected_coverage: f64,
    /// Lowest share over the scenarios.
    pub worst_coverage: f64,
    /// The 10th-percentile share.
    pub p10_coverage: f64,
    /// Share in scenario 0 (as given).
    pub base_coverage: f64,
    /// Mean persons-weighted time to the nearest open site, hours.
    pub expected_mean_time_h: f64,
    /// Worst scenario's persons-weighted mean time, hours.
    pub worst_mean_time_h: f64,
    /// Mean share supplied within site capacities (first `capacitated_scenarios`).
    pub capacitated_coverage: f64,
    /// Largest coverage shortfall against the best compared layout in a scenario.
    pub max_regret: f64,
    /// Mean of that shortfall.
    pub mean_regret: f64,
    /// Coverage share per scenario.
    #[serde(skip)]
    pub per_scenario: Vec<f64>,
}

/// Evaluates today's layout and each model's.
pub fn compare(
    inst: &SitingInstance,
    models: &[ModelResult],
    deadline: u16,
    penalty: u16,
    capacitated_scenarios: usize,
) -> Vec<LayoutResult> {
    let total = inst.total_weight().max(1e-9);
    let mut named: Vec<(String, Vec<usize>)> = vec![("today".into(), Vec::new())];
    named.extend(models.iter().map(|m| (m.model.clone(), m.open.clone())));
    let cap_inst = first_scenarios(inst, capacitated_scenarios);
    let cap_open: Vec<Vec<usize>> = named.iter().map(|n| n.1.clone()).collect();
    let cap = capacitated::losses(&cap_inst, deadline, &cap_open);
    let mut out: Vec<LayoutResult> = named
        .into_iter()
        .zip(cap)
        .map(|((name, open), cap_loss)| {
            let cov: Vec<f64> = inst
                .evaluate(Objective::Coverage { deadline }, &open)
                .into_iter()
                .map(|l| 1.0 - l / total)
                .collect();
            let time: Vec<f64> = inst
                .evaluate(Objective::Median { penalty }, &open)
                .into_iter()
                .map(|l| l / total / 600.0)
                .collect();
            let mut sorted = cov.clone();
            sorted.sort_by(f64::total_cmp);
            LayoutResult {
                name,
                open,
                open_ids: Vec::new(),
                expected_coverage: mean(&cov),
                worst_coverage: sorted[0],
                p10_coverage: sorted[(sorted.len() - 1) / 10],
                base_coverage: cov[0],
                expected_mean_time_h: mean(&time),
                worst_mean_time_h: time.iter().copied().fold(0.0, f64::max),
                capacitated_coverage: 1.0 - cap_loss / total,
                max_regret: 0.0,
                mean_regret: 0.0,
                per_scenario: cov,
            }
        })
        .collect();
    let scen = inst.scenarios.len();
    let best: Vec<f64> = (0..scen)
        .map(|s| out.iter().map(|l| l.per_scenario[s]).fold(0.0, f64::max))
        .collect();
    for l in &mut out {
        let regret: Vec<f64> = (0..scen).map(|s| best[s] - l.per_scenario[s]).collect();
        l.max_regret = regret.iter().copied().fold(0.0, f64::max);
        l.mean_regret = mean(&regret);
    }
    out
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len().max(1) as f64
}

/// For each candidate alone added to today's sites: expected persons newly reached
/// by the deadline, and the expected drop of the mean time (hours).
pub fn alone_gains(inst: &SitingInstance, deadline: u16, penalty: u16) -> Vec<(f64, f64)> {
    let total = inst.total_weight().max(1e-9);
    let (cov, med) = (
        Objective::Coverage { deadline },
        Objective::Median { penalty },
    );
    let today = (
        mean(&inst.evaluate(cov, &[])),
        mean(&inst.evaluate(med, &[])),
    );
    inst.candidates()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|&c| {
            let a = mean(&inst.evaluate(cov, &[c]));
            let b = mean(&inst.evaluate(med, &[c]));
            (today.0 - a, (today.1 - b) / total / 600.0)
        })
        .collect()
}
