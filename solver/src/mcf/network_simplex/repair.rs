//! Warm-start repair: making a kept basis primal and strongly feasible again
//! after costs, capacities or supplies changed, and rebuilding its threads and
//! potentials.

use super::*;

impl NetworkSimplex {
    /// Makes the current basis (parent / pred / pred_dir / tree states) primal
    /// feasible and strongly feasible: tree flows from the supplies, infeasible or
    /// degenerate-downward tree arcs cut and their subtrees re-hung on the root,
    /// then threads and potentials rebuilt. O(n + m).
    pub(super) fn repair_basis(&mut self) {
        let (n, m, root) = (self.node_num, self.arc_num, self.node_num);
        // Non-tree arcs sit at a bound of their (possibly new) capacity.
        let mut excess = self.supply.clone();
        for e in 0..m + n {
            match self.state[e] {
                STATE_TREE => continue,
                STATE_UPPER if self.arcs[e].cap < INF => self.arcs[e].flow = self.arcs[e].cap,
                _ => {
                    self.arcs[e].flow = 0;
                    self.state[e] = STATE_LOWER;
                }
            }
            let f = self.arcs[e].flow;
            excess[self.source[e] as usize] -= f;
            excess[self.target[e] as usize] += f;
        }
        // Children before parents: reverse preorder.
        let order = self.preorder();
        for &u in order.iter().rev() {
            if u == root {
                continue;
            }
            let p = self.parent[u] as usize;
            let e = self.pred[u] as usize;
            let dir = self.pred_dir[u] as i64;
            let f = dir * excess[u];
            // Strongly feasible: a zero-flow tree arc points to the root, a
            // saturated one away from it.
            let cap = self.arcs[e].cap;
            let keeps = if dir == DIR_UP as i64 {
                0 <= f && f < cap
            } else {
                0 < f && f <= cap
            };
            if e >= m {
                // Artificial arc: re-orient to carry the subtree's excess.
                let amount = excess[u];
                self.set_artificial(u, amount);
                excess[root] += amount;
            } else if keeps {
                self.arcs[e].flow = f;
                excess[p] += excess[u];
            } else {
                // Cut: the arc leaves the tree at its nearest bound; u hangs on the root.
                let fixed = if f <= 0 { 0 } else { cap };
                self.arcs[e].flow = fixed;
                self.state[e] = if fixed == 0 { STATE_LOWER } else { STATE_UPPER };
                let moved = dir * fixed;
                excess[p] += moved;
                let rest = excess[u] - moved;
                self.parent[u] = root as u32;
                self.pred[u] = (m + u) as u32;
                self.state[m + u] = STATE_TREE;
                self.arcs[m + u].cap = INF;
                self.set_artificial(u, rest);
                excess[root] += rest;
            }
        }
        self.rebuild_threads();
        self.recompute_potentials();
        self.load_tree_arcs();
    }

    pub(super) fn preorder(&self) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.node_num + 1);
        let mut u = self.root();
        loop {
            out.push(u);
            u = self.thread[u] as usize;
            if u == self.root() {
                break;
            }
        }
        out
    }

    /// Rebuilds thread, reverse thread, subtree sizes and last successors from
    /// `parent` (iterative DFS). O(n).
    pub(super) fn rebuild_threads(&mut self) {
        let total = self.node_num + 1;
        let root = self.root();
        let mut first_child = vec![NONE; total];
        let mut next_sibling = vec![NONE; total];
        for u in (0..self.node_num).rev() {
            let p = self.parent[u] as usize;
            next_sibling[u] = first_child[p];
            first_child[p] = u;
        }
        let mut order = Vec::with_capacity(total);
        let mut stack = vec![root];
        while let Some(u) = stack.pop() {
            order.push(u);
            let mut c = first_child[u];
            let mut kids = Vec::new();
            while c != NONE {
                kids.push(c);
                c = next_sibling[c];
            }
            stack.extend(kids.into_iter().rev());
        }
        for i in 0..order.len() {
            let (u, v) = (order[i], order[(i + 1) % order.len()]);
            self.thread[u] = v as u32;
            self.rev_thread[v] = u as u32;
        }
        for &u in order.iter().rev() {
            let mut c = first_child[u];
            let mut sum = 1;
            let mut last = u;
            while c != NONE {
                sum += self.succ_num[c] as usize;
                last = self.last_succ[c] as usize;
                c = next_sibling[c];
            }
            self.succ_num[u] = sum as u32;
            self.last_succ[u] = last as u32;
        }
        // With children visited in sibling order, the last child's last successor
        // is the subtree's last node in preorder.
    }

    pub(super) fn recompute_potentials(&mut self) {
        let root = self.root();
        self.pi[root] = 0;
        let mut u = self.thread[root] as usize;
        while u != root {
            let e = self.pred[u] as usize;
            let p = self.parent[u] as usize;
            self.pi[u] = self.pi[p] - self.pred_dir[u] as i64 * self.cost[e];
            u = self.thread[u] as usize;
        }
    }
}
