//! Primal network simplex on a balanced, lower-bound-free instance.
//!
//! The design follows LEMON's `NetworkSimplex` (Kovács, "Minimum-cost flow
//! algorithms: an experimental evaluation", 2015), with three changes that
//! measured faster here (see `benches/README.md`):
//!
//! - **Tree** (`tree_update.rs`): stored as parent / predecessor-arc / thread
//!   (preorder) / reverse-thread / subtree-size / last-successor arrays, with each
//!   node's tree-arc flow and capacity kept beside the node arrays, so the cycle
//!   walks do not touch the large arc arrays. Potentials `π` satisfy
//!   `cost + π[tail] − π[head] = 0` on tree arcs.
//! - **Start** (`start.rs`): an artificial root joined to every node gives a
//!   strongly feasible tree. By default ([`StartBasis::ShortestPaths`]) it is
//!   replaced at once by a crash basis, the shortest-path forest from the supply
//!   nodes made feasible by the warm-start repair; LEMON's start (the artificial
//!   tree plus one heuristic pivot per demand node) remains as
//!   [`StartBasis::Artificial`].
//! - **Pricing** (`pricing.rs`): block search over arcs stored in a mixed order,
//!   blocks of `BLOCK_SIZE_FACTOR · √m` arcs (0.7 · √m, at least 10; LEMON uses
//!   √m).
//! - **Pivot** (`pivot.rs`): the leaving arc is the last blocking arc in cycle
//!   orientation, which keeps the tree strongly feasible and prevents cycling.
//! - **Renumbering** (`renumber.rs`): after the crash basis, and whenever the
//!   potential walks since the last renumbering have touched `RENUMBER_WORK ·
//!   (n + m)` nodes, nodes are renumbered in thread order so subtrees sit together
//!   in memory.
//! - **Warm start** (`repair.rs`): after costs, capacities or supplies change, the
//!   kept basis is repaired (flows recomputed, infeasible subtrees re-hung on the
//!   root) and the simplex resumes from it.
//!
//! Complexity: pseudo-polynomial in theory; in practice near-linear pivots, each
//! O(cycle length + moved subtree + block size). The pivot loop allocates
//! nothing, except when it renumbers (O(n + m) copies, at most once per
//! `RENUMBER_WORK · (n + m)` potential updates).

mod pivot;
mod pricing;
mod renumber;
mod repair;
mod start;
#[cfg(test)]
mod tests;
mod tree_update;

/// Infinite capacity.
pub const INF: i64 = i64::MAX;
/// Block search prices `BLOCK_SIZE_FACTOR · √m` arcs per block. LEMON uses 1.0;
/// 0.7 measured 12–17 % faster on three road grids (350² and two 500² seeds)
/// and neither faster nor slower on six 100 × 10 000 transport instances
/// (side-by-side runs; differences within the machine's noise).
const BLOCK_SIZE_FACTOR: f64 = 0.7;
/// Renumber the nodes after this many potential updates per node or arc of the
/// network (see [`NetworkSimplex::run`]).
const RENUMBER_WORK: u64 = 64;
const NONE: usize = u32::MAX as usize;
const NONE32: u32 = u32::MAX;

const STATE_UPPER: i8 = -1;
const STATE_TREE: i8 = 0;
const STATE_LOWER: i8 = 1;
const DIR_UP: i8 = 1;
const DIR_DOWN: i8 = -1;

/// Flow and capacity of one arc side by side (read together on the cycle).
#[derive(Debug, Clone, Copy, Default)]
struct ArcFlow {
    flow: i64,
    cap: i64,
}

/// The spanning tree a cold start begins from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StartBasis {
    /// LEMON's start: every node hangs on an artificial root, followed by one
    /// heuristic pivot bringing in the cheapest arc into each demand node.
    Artificial,
    /// A crash basis: the shortest-path forest from the supply nodes (each demand
    /// served by its nearest supply), made feasible by cutting arcs whose flow
    /// would break a bound. Needs non-negative costs; falls back to
    /// [`StartBasis::Artificial`] otherwise. Fewer pivots on the shapes we bench
    /// (`reliefflow gen-mcf` defaults, `solve-mcf --start …`): grid 160×160 50 k
    /// instead of 66 k, grid 500×500 798 k instead of 980 k, transport
    /// 100×10 000 26 k instead of 38 k.
    #[default]
    ShortestPaths,
}

/// Outcome of a run on the internal instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawStatus {
    /// Optimal flow found.
    Optimal,
    /// No feasible flow.
    Infeasible,
    /// A negative-cost cycle of unbounded capacity.
    Unbounded,
}

/// Solver state; kept between runs for warm starts.
#[derive(Debug, Clone)]
pub struct NetworkSimplex {
    node_num: usize,
    arc_num: usize,
    // Arc data (original arcs in mixed order, then one artificial arc per node).
    source: Vec<u32>,
    target: Vec<u32>,
    cost: Vec<i64>,
    state: Vec<i8>,
    /// Flow and capacity of non-tree arcs; a tree arc's entry is stale while
    /// the simplex runs (see `tree_arc`) and written back when it stops.
    arcs: Vec<ArcFlow>,
    // Node data (real nodes, then the root).
    supply: Vec<i64>,
    pi: Vec<i64>,
    parent: Vec<u32>,
    pred: Vec<u32>,
    thread: Vec<u32>,
    rev_thread: Vec<u32>,
    succ_num: Vec<u32>,
    last_succ: Vec<u32>,
    pred_dir: Vec<i8>,
    /// Flow and capacity of node `u`'s tree arc `pred[u]`, kept beside the other
    /// node arrays so the cycle walks do not touch the (large, mixed) arc arrays.
    tree_arc: Vec<ArcFlow>,
    dirty_revs: Vec<usize>,
    /// Position of original arc `k` in the internal arrays.
    arc_pos: Vec<u32>,
    /// Internal number of original node `u` (see [`Self::renumber_by_preorder`]).
    node_pos: Vec<u32>,
    art_cost: i64,
    block_size: usize,
    next_arc: usize,
    in_arc: usize,
    join: usize,
    u_in: usize,
    v_in: usize,
    u_out: usize,
    delta: i64,
    iterations: u64,
    /// Potentials updated since the nodes were last renumbered.
    walked: u64,
    /// Renumber once `walked` exceeds this many times `n + m` (see [`Self::run`]).
    renumber_work: u64,
}

impl NetworkSimplex {
    /// Builds the solver for `supply.len()` nodes and `m` arcs, arc `k` being
    /// `arc(k) = (tail, head, capacity, cost)` (read once per arc, so the caller
    /// need not materialise a copy). Supplies must sum to zero; `art_cost` must
    /// exceed the cost of any simple path (e.g. `(max |cost| + 1) · (n + 1)`) and
    /// leave head-room: the caller checks `5 · art_cost < i64::MAX`. Node and
    /// arc indices are 32-bit: `m + n + 1 < u32::MAX` (checked by the caller).
    pub fn new(
        supply: &[i64],
        m: usize,
        arc: impl Fn(usize) -> (u32, u32, i64, i64),
        art_cost: i64,
    ) -> Self {
        let n = supply.len();
        let all = m + n;
        let mut s = Self {
            node_num: n,
            arc_num: m,
            source: vec![0; all],
            target: vec![0; all],
            cost: vec![0; all],
            arcs: vec![ArcFlow::default(); all],
            state: vec![STATE_LOWER; all],
            supply: supply.to_vec(),
            pi: vec![0; n + 1],
            parent: vec![NONE32; n + 1],
            pred: vec![NONE32; n + 1],
            thread: vec![0; n + 1],
            rev_thread: vec![0; n + 1],
            succ_num: vec![0; n + 1],
            last_succ: vec![0; n + 1],
            pred_dir: vec![0; n + 1],
            tree_arc: vec![ArcFlow::default(); n + 1],
            dirty_revs: Vec::new(),
            arc_pos: vec![0; m],
            node_pos: (0..n as u32).collect(),
            art_cost,
            block_size: ((BLOCK_SIZE_FACTOR * (m as f64).sqrt()).ceil() as usize).max(10),
            next_arc: 0,
            in_arc: 0,
            join: 0,
            u_in: 0,
            v_in: 0,
            u_out: 0,
            delta: 0,
            iterations: 0,
            walked: 0,
            renumber_work: RENUMBER_WORK,
        };
        s.supply.push(0);
        // Arc mixing: spread arcs of the same node over the array so that a block
        // samples the whole network.
        let skip = if n > 1 { (m / n).max(3) } else { 1 };
        // Original arcs 0, 1, 2, … go to positions 0, skip, 2·skip, …, then 1,
        // 1 + skip, …: residue class j holds a run of consecutive arcs starting
        // at first[j]. Filling the positions in order keeps the writes
        // sequential.
        let mut first = Vec::with_capacity(skip.min(m));
        let mut next = 0;
        for j in 0..skip.min(m) {
            first.push(next);
            next += (m - j).div_ceil(skip);
        }
        let (mut p, mut t) = (0, 0);
        'fill: while p < m {
            for &f in &first {
                if p == m {
                    break 'fill;
                }
                let k = f + t;
                let (tail, head, cap, cost) = arc(k);
                s.arc_pos[k] = p as u32;
                s.source[p] = tail;
                s.target[p] = head;
                s.arcs[p].cap = cap;
                s.cost[p] = cost;
                p += 1;
            }
            t += 1;
        }
        s.init_tree();
        s
    }

    fn root(&self) -> usize {
        self.node_num
    }

    /// Copies each tree arc's flow and capacity into the node-indexed `tree_arc`.
    fn load_tree_arcs(&mut self) {
        for u in 0..self.node_num {
            self.tree_arc[u] = self.arcs[self.pred[u] as usize];
        }
    }

    /// Writes the tree arcs' flows back into the arc arrays.
    fn store_tree_arcs(&mut self) {
        for u in 0..self.node_num {
            self.arcs[self.pred[u] as usize].flow = self.tree_arc[u].flow;
        }
    }

    /// Orients node `u`'s artificial arc for a flow of `amount` out of `u` (negative:
    /// into `u`), sets its flow, and the potential of `u` relative to the root.
    fn set_artificial(&mut self, u: usize, amount: i64) {
        let (e, root) = (self.arc_num + u, self.root());
        if amount >= 0 {
            self.pred_dir[u] = DIR_UP;
            self.source[e] = u as u32;
            self.target[e] = root as u32;
            self.arcs[e].flow = amount;
            self.cost[e] = 0;
        } else {
            self.pred_dir[u] = DIR_DOWN;
            self.source[e] = root as u32;
            self.target[e] = u as u32;
            self.arcs[e].flow = -amount;
            self.cost[e] = self.art_cost;
        }
        self.pi[u] = self.pi[root] - self.pred_dir[u] as i64 * self.cost[e];
    }

    /// Pivots performed so far (all runs).
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// Flow on original arc `k`.
    pub fn flow(&self, k: usize) -> i64 {
        self.arcs[self.arc_pos[k] as usize].flow
    }

    /// Potential of node `u` (reduced cost of arc `uv` is `cost + π[u] − π[v]`).
    pub fn potential(&self, u: usize) -> i64 {
        self.pi[self.node_pos[u] as usize] - self.pi[self.node_num]
    }

    /// Cold start from `start`, then the simplex to optimality.
    pub fn run_cold(&mut self, start: StartBasis) -> RawStatus {
        let crashed = start == StartBasis::ShortestPaths && self.shortest_path_basis();
        if !crashed && !self.initial_pivots() {
            return RawStatus::Unbounded;
        }
        self.run()
    }

    /// Runs the simplex from the current tree to optimality.
    pub fn run(&mut self) -> RawStatus {
        // Pivots scatter each subtree over memory again; renumbering in preorder
        // costs O(n + m), so do it once the potential walks since the last one
        // have touched RENUMBER_WORK · (n + m) nodes: at most 1/RENUMBER_WORK
        // extra work, and on a 500 × 500 grid 12–14 % less time (node arrays
        // larger than the cache); on the 100 × 10 000 transport problem it never
        // triggers.
        let renumber_after = self.renumber_work * (self.node_num + self.arc_num) as u64;
        while self.find_entering_arc() {
            if self.walked > renumber_after {
                self.renumber_by_preorder();
            }
            if !self.pivot() {
                self.store_tree_arcs();
                return RawStatus::Unbounded;
            }
        }
        self.store_tree_arcs();
        if (self.arc_num..self.arc_num + self.node_num).any(|e| self.arcs[e].flow != 0) {
            return RawStatus::Infeasible;
        }
        RawStatus::Optimal
    }

    /// Sets the cost of original arc `k` (takes effect at the next [`Self::resume`]).
    pub fn set_cost(&mut self, k: usize, cost: i64) {
        self.cost[self.arc_pos[k] as usize] = cost;
    }

    /// Sets the capacity of original arc `k`.
    pub fn set_capacity(&mut self, k: usize, cap: i64) {
        self.arcs[self.arc_pos[k] as usize].cap = cap;
    }

    /// Sets the supply of node `u` (supplies must still sum to zero).
    pub fn set_supply(&mut self, u: usize, supply: i64) {
        self.supply[self.node_pos[u] as usize] = supply;
    }

    /// Warm start after `set_*` changes: keeps the basis and repairs it
    /// (the repair: tree flows from the supplies and the non-tree arcs
    /// at their bounds, subtrees whose tree arc became infeasible or degenerate
    /// re-hung on the root, potentials recomputed), then pivots to optimality. O(n + m) repair plus the pivots the change needs.
    pub fn resume(&mut self) -> RawStatus {
        self.repair_basis();
        self.run()
    }
}
