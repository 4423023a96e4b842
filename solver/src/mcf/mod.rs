//! Minimum-cost flow.
//!
//! **Model.** Nodes with integer supplies `b` (positive: supply, negative: demand),
//! arcs with integer bounds `lower ≤ x ≤ upper` and costs `c`. Minimise `Σ c·x`
//! subject to flow conservation `out(u) − in(u) = b(u)`. All data is `i64`; the
//! total cost is `i128` so it never overflows silently.
//!
//! **Algorithm.** Our own primal network simplex ([`network_simplex`]), block-search
//! pivoting on a strongly feasible spanning tree, in the design of LEMON's
//! `NetworkSimplex`. Lower bounds are shifted out; unbalanced instances are handled
//! by a slack node ([`SupplyMode::MeetMaxDemand`]).
//!
//! **Use.**
//! ```
//! use solver::mcf::{FlowNetwork, McfSolver, SupplyMode};
//! let mut net = FlowNetwork::new(3);
//! net.supply = vec![5, 0, -5];
//! net.add_arc(0, 1, 10, 2);
//! net.add_arc(1, 2, 10, 3);
//! net.add_arc(0, 2, 3, 9);
//! let mut s = McfSolver::new(&net, SupplyMode::Exact).unwrap();
//! let sol = s.solve().optimal().cloned().unwrap();
//! assert_eq!(sol.total_cost, 25);
//! assert!(solver::mcf::verify(&net, SupplyMode::Exact, &sol).is_ok());
//! ```
//!
//! **Warm start.** [`McfSolver`] keeps the final spanning tree: change costs,
//! capacities or supplies and call [`McfSolver::solve`] again.

pub mod network_simplex;
mod problem;
mod solution;
mod verify;

use rayon::prelude::*;

pub use network_simplex::StartBasis;
use network_simplex::{NetworkSimplex, RawStatus, INF};
pub use problem::{Arc, FlowNetwork, McfError, SupplyMode, UNBOUNDED};
pub use solution::{Outcome, Solution};
pub use verify::verify;

/// Largest artificial cost we accept: potentials stay within ±2·art and reduced
/// costs within ±5·art, all below `i64::MAX`.
const ART_LIMIT: i64 = i64::MAX / 8;

/// Slack arcs added in `MeetMaxDemand` mode.
#[derive(Debug, Clone)]
struct Slack {
    node: usize,
    /// (user node, internal arc index) of node → slack arcs (unused supply).
    supply_arcs: Vec<(usize, usize)>,
    /// (user node, internal arc index) of slack → node arcs (unmet demand).
    demand_arcs: Vec<(usize, usize)>,
    penalty: i64,
}

/// A min-cost-flow solver that keeps its basis between solves (warm start).
#[derive(Debug, Clone)]
pub struct McfSolver {
    net: FlowNetwork,
    mode: SupplyMode,
    ns: Option<NetworkSimplex>,
    slack: Option<Slack>,
    max_cost_used: i64,
    solved_once: bool,
    needs_rebuild: bool,
    start: StartBasis,
}

impl McfSolver {
    /// Validates `net` and prepares the solver (copies the network; see
    /// [`Self::from_network`] to hand it over instead).
    pub fn new(net: &FlowNetwork, mode: SupplyMode) -> Result<Self, McfError> {
        Self::from_network(net.clone(), mode)
    }

    /// Validates `net` and prepares the solver, taking ownership of the network.
    pub fn from_network(net: FlowNetwork, mode: SupplyMode) -> Result<Self, McfError> {
        validate(&net)?;
        let max_cost = max_abs_cost(&net);
        let s = Self {
            net,
            mode,
            ns: None,
            slack: None,
            max_cost_used: 0,
            solved_once: false,
            needs_rebuild: true,
            start: StartBasis::default(),
        };
        s.check_cost_range(max_cost)?;
        Ok(s)
    }

    fn check_cost_range(&self, max_cost: i64) -> Result<(i64, i64), McfError> {
        let n = self.net.node_count() as i128 + 2;
        let c = i128::from(max_cost) + 1;
        let err = McfError::CostRange {
            max_cost,
            nodes: self.net.node_count(),
        };
        let penalty = match self.mode {
            SupplyMode::Exact => 0,
            SupplyMode::MeetMaxDemand => c * n,
        };
        let art = (c.max(penalty) + 1) * (n + 1);
        if art > i128::from(ART_LIMIT) {
            return Err(err);
        }
        Ok((penalty as i64, art as i64))
    }

    /// Builds the internal instance; `validate` and `check_cost_range` have
    /// already accepted the data, so nothing here can overflow.
    fn build(&mut self) {
        let max_cost = max_abs_cost(&self.net);
        let (penalty, art) = self
            .check_cost_range(max_cost)
            .expect("checked when the data was set");
        self.max_cost_used = max_cost;
        let n = self.net.node_count();
        let mut supply = self.net.supply.clone();
        for a in &self.net.arcs {
            // Shift lower bounds out: x = lower + x'.
            supply[a.tail as usize] -= a.lower;
            supply[a.head as usize] += a.lower;
        }
        let m = self.net.arcs.len();
        let mut extra = Vec::new();
        self.slack = None;
        if self.mode == SupplyMode::MeetMaxDemand {
            let node = n;
            let mut slack = Slack {
                node,
                supply_arcs: Vec::new(),
                demand_arcs: Vec::new(),
                penalty,
            };
            for (u, &b) in self.net.supply.iter().enumerate() {
                if b > 0 {
                    slack.supply_arcs.push((u, m + extra.len()));
                    extra.push((u as u32, node as u32, b, 0));
                } else if b < 0 {
                    slack.demand_arcs.push((u, m + extra.len()));
                    extra.push((node as u32, u as u32, -b, penalty));
                }
            }
            supply.push(-(self.net.supply_balance() as i64));
            self.slack = Some(slack);
        }
        let arcs = &self.net.arcs;
        let arc = |k: usize| match arcs.get(k) {
            Some(a) => {
                let cap = if a.upper == UNBOUNDED {
                    INF
                } else {
                    a.upper - a.lower
                };
                (a.tail, a.head, cap, a.cost)
            }
            None => extra[k - m],
        };
        self.ns = Some(NetworkSimplex::new(&supply, m + extra.len(), arc, art));
        self.solved_once = false;
        self.needs_rebuild = false;
    }

    /// Chooses the spanning tree the next cold solve starts from (default
    /// [`StartBasis::ShortestPaths`]).
    pub fn with_start(mut self, start: StartBasis) -> Self {
        self.start = start;
        self
    }

    /// Solves (cold the first time, warm after `set_*` changes).
    pub fn solve(&mut self) -> Outcome {
        if self.mode == SupplyMode::Exact && self.net.supply_balance() != 0 {
            return Outcome::Infeasible;
        }
        if self.needs_rebuild {
            self.build();
        }
        let ns = self.ns.as_mut().expect("built above");
        let before = ns.iterations();
        let status = if self.solved_once {
            ns.resume()
        } else {
            ns.run_cold(self.start)
        };
        self.solved_once = true;
        match status {
            RawStatus::Infeasible => Outcome::Infeasible,
            RawStatus::Unbounded => {
                self.needs_rebuild = true;
                Outcome::Unbounded
            }
            RawStatus::Optimal => Outcome::Optimal(self.extract(before)),
        }
    }

    fn extract(&self, before: u64) -> Solution {
        let ns = self.ns.as_ref().expect("built");
        let n = self.net.node_count();
        let flow: Vec<i64> = self
            .net
            .arcs
            .iter()
            .enumerate()
            .map(|(k, a)| ns.flow(k) + a.lower)
            .collect();
        let total_cost = flow
            .iter()
            .zip(&self.net.arcs)
            .map(|(&x, a)| i128::from(x) * i128::from(a.cost))
            .sum();
        let mut unmet = vec![0; n];
        let mut unused = vec![0; n];
        if let Some(s) = &self.slack {
            for &(u, k) in &s.demand_arcs {
                unmet[u] = ns.flow(k);
            }
            for &(u, k) in &s.supply_arcs {
                unused[u] = ns.flow(k);
            }
        }
        Solution {
            flow,
            total_cost,
            potential: (0..n).map(|u| ns.potential(u)).collect(),
            unmet_demand: unmet,
            unused_supply: unused,
            slack_potential: self.slack.as_ref().map(|s| ns.potential(s.node)),
            unmet_penalty: self.slack.as_ref().map_or(0, |s| s.penalty),
            pivots: ns.iterations() - before,
        }
    }

    /// The instance as currently modified.
    pub fn network(&self) -> &FlowNetwork {
        &self.net
    }

    /// Changes an arc's cost for the next solve.
    pub fn set_cost(&mut self, arc: usize, cost: i64) -> Result<(), McfError> {
        let a = self.net.arcs.get_mut(arc).ok_or(McfError::Index {
            what: "arc",
            index: arc,
        })?;
        a.cost = cost;
        if cost.unsigned_abs() > self.max_cost_used.unsigned_abs() {
            // The artificial costs no longer dominate: start over.
            self.check_cost_range(cost.abs())?;
            self.needs_rebuild = true;
        } else if let Some(ns) = self.ns.as_mut() {
            ns.set_cost(arc, cost);
        }
        Ok(())
    }

    /// Changes an arc's upper bound (e.g. 0 to close a road) for the next solve.
    pub fn set_upper(&mut self, arc: usize, upper: i64) -> Result<(), McfError> {
        let a = self.net.arcs.get_mut(arc).ok_or(McfError::Index {
            what: "arc",
            index: arc,
        })?;
        if upper < a.lower {
            return Err(McfError::Bounds {
                arc,
                lower: a.lower,
                upper,
            });
        }
        a.upper = upper;
        let cap = if upper == UNBOUNDED {
            INF
        } else {
            upper - a.lower
        };
        if let Some(ns) = self.ns.as_mut() {
            ns.set_capacity(arc, cap);
        }
        Ok(())
    }

    /// Changes a node's supply (e.g. stock reduced) for the next solve.
    pub fn set_supply(&mut self, node: usize, supply: i64) -> Result<(), McfError> {
        let old = *self.net.supply.get(node).ok_or(McfError::Index {
            what: "node",
            index: node,
        })?;
        self.net.supply[node] = supply;
        validate(&self.net)?;
        let Some(ns) = self.ns.as_mut() else {
            return Ok(());
        };
        if let Some(slack) = &self.slack {
            // The node's slack arc absorbs the change while the node stays on the
            // same side (supply or demand); otherwise the slack arcs are rebuilt.
            let arc = slack
                .supply_arcs
                .iter()
                .chain(&slack.demand_arcs)
                .find(|(u, _)| *u == node);
            match arc {
                Some(&(_, k)) if old.signum() == supply.signum() => {
                    ns.set_capacity(k, supply.abs());
                    ns.set_supply(slack.node, -(self.net.supply_balance() as i64));
                }
                _ => {
                    self.needs_rebuild = true;
                    return Ok(());
                }
            }
        }
        ns.set_supply(node, supply + lower_bound_shift(&self.net, node));
        Ok(())
    }
}

/// Net supply change of `node` from shifting lower bounds out of its arcs.
fn lower_bound_shift(net: &FlowNetwork, node: usize) -> i64 {
    net.arcs
        .iter()
        .map(|a| {
            (if a.head as usize == node { a.lower } else { 0 })
                - (if a.tail as usize == node { a.lower } else { 0 })
        })
        .sum()
}

fn max_abs_cost(net: &FlowNetwork) -> i64 {
    net.arcs
        .iter()
        .map(|a| a.cost.saturating_abs())
        .max()
        .unwrap_or(0)
}

fn validate(net: &FlowNetwork) -> Result<(), McfError> {
    let n = net.node_count();
    // Internal arcs: the network's, up to one slack arc per node, one artificial
    // arc per node; internal nodes: n, the slack node and the root.
    if (net.arcs.len() as u64) + 2 * (n as u64) + 2 >= u64::from(u32::MAX) {
        return Err(McfError::TooLarge {
            nodes: n,
            arcs: net.arcs.len(),
        });
    }
    for (k, a) in net.arcs.iter().enumerate() {
        for node in [a.tail, a.head] {
            if node as usize >= n {
                return Err(McfError::NoSuchNode {
                    arc: k,
                    node,
                    nodes: n,
                });
            }
        }
        if a.lower > a.upper {
            return Err(McfError::Bounds {
                arc: k,
                lower: a.lower,
                upper: a.upper,
            });
        }
        if a.upper != UNBOUNDED && a.upper.checked_sub(a.lower).is_none_or(|c| c == INF) {
            return Err(McfError::Overflow(format!("arc {k}: upper − lower")));
        }
    }
    // Every node's supply plus the lower bounds shifted onto it, and the total,
    // must stay far inside i64.
    let mut load: Vec<i128> = net.supply.iter().map(|&s| i128::from(s).abs()).collect();
    for a in &net.arcs {
        load[a.tail as usize] += i128::from(a.lower).abs();
        load[a.head as usize] += i128::from(a.lower).abs();
    }
    if load.iter().sum::<i128>() > i128::from(i64::MAX / 4) {
        return Err(McfError::Overflow(
            "sum of |supply| and |lower bounds|".into(),
        ));
    }
    Ok(())
}

/// Solves one instance from scratch.
pub fn solve(net: &FlowNetwork, mode: SupplyMode) -> Result<Outcome, McfError> {
    Ok(McfSolver::new(net, mode)?.solve())
}

/// Solves independent instances (scenarios, commodities) in parallel on rayon's
/// pool; results are in input order.
pub fn solve_many(nets: &[FlowNetwork], mode: SupplyMode) -> Vec<Result<Outcome, McfError>> {
    nets.par_iter().map(|n| solve(n, mode)).collect()
}
