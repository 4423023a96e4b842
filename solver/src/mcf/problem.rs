//! The min-cost-flow instance as users state it.

/// Infinite capacity.
pub const UNBOUNDED: i64 = i64::MAX;

/// One arc: `lower ≤ flow ≤ upper`, `cost` per unit of flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arc {
    /// Tail node.
    pub tail: u32,
    /// Head node.
    pub head: u32,
    /// Lower bound on the flow (may be negative).
    pub lower: i64,
    /// Upper bound on the flow; [`UNBOUNDED`] for none.
    pub upper: i64,
    /// Cost per unit of flow (may be negative).
    pub cost: i64,
}

/// A min-cost-flow instance: node supplies (positive = supply, negative = demand)
/// and arcs. Integer data, 64-bit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowNetwork {
    /// Supply of each node.
    pub supply: Vec<i64>,
    /// The arcs.
    pub arcs: Vec<Arc>,
}

impl FlowNetwork {
    /// A network with `nodes` nodes of zero supply and no arcs.
    pub fn new(nodes: usize) -> Self {
        Self {
            supply: vec![0; nodes],
            arcs: Vec::new(),
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.supply.len()
    }

    /// Adds a node with the given supply; returns its index.
    pub fn add_node(&mut self, supply: i64) -> u32 {
        self.supply.push(supply);
        (self.supply.len() - 1) as u32
    }

    /// Adds an arc with bounds `0 ≤ flow ≤ upper`; returns its index.
    pub fn add_arc(&mut self, tail: u32, head: u32, upper: i64, cost: i64) -> usize {
        self.add_arc_bounded(tail, head, 0, upper, cost)
    }

    /// Adds an arc with bounds `lower ≤ flow ≤ upper`; returns its index.
    pub fn add_arc_bounded(
        &mut self,
        tail: u32,
        head: u32,
        lower: i64,
        upper: i64,
        cost: i64,
    ) -> usize {
        self.arcs.push(Arc {
            tail,
            head,
            lower,
            upper,
            cost,
        });
        self.arcs.len() - 1
    }

    /// Sum of all supplies (0 when balanced), computed without overflow.
    pub fn supply_balance(&self) -> i128 {
        self.supply.iter().map(|&s| i128::from(s)).sum()
    }
}

/// What to do when supplies and demands do not balance or cannot all be routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SupplyMode {
    /// Every supply must leave and every demand be met exactly; otherwise the
    /// outcome is `Infeasible` (DIMACS semantics).
    Exact,
    /// Meet as much demand as possible, then minimise cost: surplus supply may stay
    /// where it is (cost 0), unmet demand costs a penalty larger than any route, and
    /// the solution reports both per node.
    #[default]
    MeetMaxDemand,
}

/// Invalid instance data (not the same as an infeasible instance).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum McfError {
    /// An arc names a node that does not exist.
    #[error("arc {arc}: node {node} does not exist (the network has {nodes} nodes)")]
    NoSuchNode {
        /// Arc index.
        arc: usize,
        /// The node named.
        node: u32,
        /// Node count.
        nodes: usize,
    },
    /// An arc's bounds are inconsistent.
    #[error("arc {arc}: lower bound {lower} exceeds upper bound {upper}")]
    Bounds {
        /// Arc index.
        arc: usize,
        /// Lower bound.
        lower: i64,
        /// Upper bound.
        upper: i64,
    },
    /// Costs are too large for exact 64-bit potentials on this many nodes.
    #[error("costs up to {max_cost} on {nodes} nodes exceed the exact 64-bit range (max |cost| · n² must stay below ~10¹⁸ with MeetMaxDemand, max |cost| · n below ~10¹⁸ otherwise)")]
    CostRange {
        /// Largest |cost|.
        max_cost: i64,
        /// Node count.
        nodes: usize,
    },
    /// Supplies or bounds overflow 64-bit arithmetic.
    #[error("supplies and bounds overflow 64-bit arithmetic: {0}")]
    Overflow(String),
    /// Too many nodes and arcs for the solver's 32-bit indices.
    #[error("{nodes} nodes and {arcs} arcs: the solver indexes nodes and arcs (with one slack and one artificial arc per node) in 32 bits")]
    TooLarge {
        /// Node count.
        nodes: usize,
        /// Arc count.
        arcs: usize,
    },
    /// An index passed to a warm-start setter is out of range.
    #[error("{what} {index} is out of range")]
    Index {
        /// "arc" or "node".
        what: &'static str,
        /// The index.
        index: usize,
    },
}
