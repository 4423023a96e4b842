//! Results of a min-cost-flow solve.

/// Typed outcome of a solve.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// An optimal flow.
    Optimal(Solution),
    /// No flow satisfies supplies, demands and bounds (only in `SupplyMode::Exact`,
    /// or when lower bounds cannot be met).
    Infeasible,
    /// The cost is unbounded below (a negative cycle of infinite capacity).
    Unbounded,
}

impl Outcome {
    /// The solution, if optimal.
    pub fn optimal(&self) -> Option<&Solution> {
        match self {
            Outcome::Optimal(s) => Some(s),
            _ => None,
        }
    }

    /// "optimal", "infeasible" or "unbounded".
    pub fn status(&self) -> &'static str {
        match self {
            Outcome::Optimal(_) => "optimal",
            Outcome::Infeasible => "infeasible",
            Outcome::Unbounded => "unbounded",
        }
    }
}

/// An optimal flow with its certificate data.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Flow on each arc, in the order of `FlowNetwork::arcs`.
    pub flow: Vec<i64>,
    /// Σ flow · cost over the user's arcs (penalties for unmet demand not included).
    pub total_cost: i128,
    /// Node potentials (duals): the reduced cost of arc `uv` is
    /// `cost + potential[u] − potential[v]`; optimal flows put arcs with positive
    /// reduced cost at their lower bound and negative at their upper bound.
    pub potential: Vec<i64>,
    /// Demand not met at each node (0 for supply nodes and in exact mode).
    pub unmet_demand: Vec<i64>,
    /// Supply left unused at each node (0 for demand nodes and in exact mode).
    pub unused_supply: Vec<i64>,
    /// Potential of the slack node (MeetMaxDemand mode), for the certificate.
    pub slack_potential: Option<i64>,
    /// Penalty per unit of unmet demand used (MeetMaxDemand mode).
    pub unmet_penalty: i64,
    /// Simplex pivots of this solve.
    pub pivots: u64,
}

impl Solution {
    /// Total unmet demand.
    pub fn total_unmet(&self) -> i64 {
        self.unmet_demand.iter().sum()
    }
}
