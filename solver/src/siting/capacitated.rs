//! Capacitated covering: each open site supplies at most its capacity (persons),
//! only to points it reaches by the deadline. A layout's loss in one scenario is
//! the demand a min-cost flow (our network simplex, `MeetMaxDemand`) cannot meet;
//! layouts are searched greedy + swap, every candidate's flow solved in parallel
//! with [`crate::mcf::solve_many`]. Persons are rounded to whole numbers.

use crate::mcf::{solve_many, FlowNetwork, Outcome, SupplyMode};

use super::{heuristic::HeuristicResult, mean, Layout, SitingError, SitingInstance};

/// The flow network of a layout in scenario `s`: site nodes first (supply =
/// capacity), then point nodes (demand = weight); arc cost = time (0.1 min).
pub fn network(inst: &SitingInstance, s: usize, deadline: u16, open: &[usize]) -> FlowNetwork {
    let m = &inst.scenarios[s];
    let sites: Vec<usize> = (0..inst.fixed).chain(open.iter().copied()).collect();
    let mut net = FlowNetwork::new(0);
    for &j in &sites {
        net.add_node(inst.capacity[j].round() as i64);
    }
    let base = sites.len() as u32;
    for &w in &inst.weights {
        net.add_node(-(w.round() as i64));
    }
    for (a, &j) in sites.iter().enumerate() {
        for (i, &t) in m.row(j).iter().enumerate() {
            if t <= deadline && inst.weights[i] > 0.0 {
                net.add_arc(
                    a as u32,
                    base + i as u32,
                    inst.weights[i].round() as i64,
                    i64::from(t),
                );
            }
        }
    }
    net
}

fn unmet(o: &Outcome) -> f64 {
    o.optimal().map_or(f64::NAN, |s| s.total_unmet() as f64)
}

/// Routing cost (persons × 0.1 min) of the supplied persons.
fn routed_cost(o: &Outcome) -> f64 {
    o.optimal().map_or(f64::NAN, |s| s.total_cost as f64)
}

/// Mean (persons not supplied, routing cost) of each layout over all scenarios,
/// solving all layout × scenario flows in parallel.
pub fn losses_and_costs(
    inst: &SitingInstance,
    deadline: u16,
    layouts: &[Vec<usize>],
) -> Vec<(f64, f64)> {
    let scen = inst.scenarios.len();
    let nets: Vec<FlowNetwork> = layouts
        .iter()
        .flat_map(|open| (0..scen).map(move |s| network(inst, s, deadline, open)))
        .collect();
    let out = solve_many(&nets, SupplyMode::MeetMaxDemand);
    out.chunks(scen)
        .map(|c| {
            let get = |f: fn(&Outcome) -> f64| {
                mean(
                    &c.iter()
                        .map(|r| r.as_ref().map_or(f64::NAN, f))
                        .collect::<Vec<_>>(),
                )
            };
            (get(unmet), get(routed_cost))
        })
        .collect()
}

/// Mean loss (persons not supplied) of each layout over all scenarios.
pub fn losses(inst: &SitingInstance, deadline: u16, layouts: &[Vec<usize>]) -> Vec<f64> {
    losses_and_costs(inst, deadline, layouts)
        .into_iter()
        .map(|x| x.0)
        .collect()
}

/// Loss of one layout in each scenario.
pub fn per_scenario(inst: &SitingInstance, deadline: u16, open: &[usize]) -> Vec<f64> {
    let nets: Vec<FlowNetwork> = (0..inst.scenarios.len())
        .map(|s| network(inst, s, deadline, open))
        .collect();
    solve_many(&nets, SupplyMode::MeetMaxDemand)
        .iter()
        .map(|r| r.as_ref().map_or(f64::NAN, unmet))
        .collect()
}

/// The layout with the least unmet demand, ties broken by routing cost, then order.
fn pick(
    scored: impl Iterator<Item = (Vec<usize>, (f64, f64))>,
) -> Option<(Vec<usize>, (f64, f64))> {
    scored.fold(None, |acc, (l, v)| match acc {
        Some((_, bv)) if (bv.0, bv.1) <= (v.0, v.1) => acc,
        _ => Some((l, v)),
    })
}

/// Greedy + swap for the capacitated model (at most `max_passes` swap passes).
pub fn greedy_swap(
    inst: &SitingInstance,
    deadline: u16,
    k: usize,
    max_passes: usize,
) -> Result<HeuristicResult, SitingError> {
    inst.validate(k)?;
    let mut chosen: Vec<usize> = Vec::new();
    let mut current = losses_and_costs(inst, deadline, &[chosen.clone()])[0];
    for _ in 0..k {
        let trials: Vec<Vec<usize>> = inst
            .candidates()
            .filter(|c| !chosen.contains(c))
            .map(|c| chosen.iter().copied().chain([c]).collect())
            .collect();
        let scores = losses_and_costs(inst, deadline, &trials);
        let (best, loss) = pick(trials.into_iter().zip(scores)).expect("k ≤ candidates");
        chosen = best;
        current = loss;
    }
    let greedy_loss = current;
    let mut swaps = 0;
    for _ in 0..max_passes {
        let trials: Vec<Vec<usize>> = (0..chosen.len())
            .flat_map(|slot| {
                let chosen = &chosen;
                inst.candidates()
                    .filter(move |c| !chosen.contains(c))
                    .map(move |a| {
                        let mut l = chosen.clone();
                        l[slot] = a;
                        l
                    })
            })
            .collect();
        if trials.is_empty() {
            break;
        }
        let scores = losses_and_costs(inst, deadline, &trials);
        match pick(trials.into_iter().zip(scores)) {
            Some((l, loss))
                if loss.0 < current.0 - 1e-9
                    || (loss.0 <= current.0 && loss.1 < current.1 - 1e-9) =>
            {
                chosen = l;
                current = loss;
                swaps += 1;
            }
            _ => break,
        }
    }
    Ok(HeuristicResult {
        layout: Layout {
            open: chosen,
            loss: current.0,
        },
        greedy_loss: greedy_loss.0,
        swaps,
    })
}

/// A lower bound on the capacitated mean loss with `k` candidates: the larger of
/// (a) the loss with every candidate open (more sites never hurt), (b) demand
/// minus the fixed capacity and the k largest candidate capacities, and (c) the
/// uncapacitated coverage bound `uncapacitated` (capacity only adds loss).
pub fn lower_bound(
    inst: &SitingInstance,
    deadline: u16,
    k: usize,
    uncapacitated: f64,
) -> Result<f64, SitingError> {
    inst.validate(k)?;
    let all: Vec<usize> = inst.candidates().collect();
    let a = losses(inst, deadline, &[all])[0];
    let mut caps: Vec<f64> = inst
        .candidates()
        .map(|c| inst.capacity[c].round())
        .collect();
    caps.sort_by(|x, y| y.total_cmp(x));
    let supply: f64 = (0..inst.fixed)
        .map(|j| inst.capacity[j].round())
        .sum::<f64>()
        + caps.iter().take(k).sum::<f64>();
    let demand: f64 = inst.weights.iter().map(|w| w.round()).sum();
    Ok(a.max(demand - supply).max(uncapacitated).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::super::mip::capacitated_model;
    use super::super::testkit::random;
    use super::*;

    #[test]
    fn heuristic_between_bound_and_mip() {
        for seed in 1..5 {
            let inst = random(seed, 1, 6, 10, 1);
            let deadline = 300;
            let mip = capacitated_model(&inst, deadline, 2)
                .unwrap()
                .solve(1)
                .unwrap();
            let h = greedy_swap(&inst, deadline, 2, 5).unwrap();
            let lb = lower_bound(&inst, deadline, 2, 0.0).unwrap();
            assert!(
                lb <= mip.loss + 1e-6,
                "seed {seed}: bound {lb} > mip {}",
                mip.loss
            );
            assert!(
                h.layout.loss >= mip.loss - 1e-6,
                "seed {seed}: heuristic {} < mip {}",
                h.layout.loss,
                mip.loss
            );
            // The MIP's layout, evaluated by flow, has the MIP's loss.
            let flow = losses(&inst, deadline, std::slice::from_ref(&mip.open))[0];
            assert!(
                (flow - mip.loss).abs() < 1e-6,
                "flow {flow} vs mip {}",
                mip.loss
            );
        }
    }
}
