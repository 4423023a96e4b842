//! Starting trees for a cold start: the all-artificial tree (every node on the
//! root), LEMON's heuristic first pivots on it, and the shortest-path crash
//! basis that usually replaces both.

use super::*;

impl NetworkSimplex {
    /// The all-artificial starting tree; runs once, in [`Self::new`], where every
    /// original arc already has zero flow and state `STATE_LOWER`.
    pub(super) fn init_tree(&mut self) {
        let (n, m, root) = (self.node_num, self.arc_num, self.node_num);
        self.parent[root] = (NONE) as u32;
        self.pred[root] = (NONE) as u32;
        self.thread[root] = 0;
        self.rev_thread[0] = root as u32;
        self.succ_num[root] = (n + 1) as u32;
        self.last_succ[root] = (if n == 0 { root } else { n - 1 }) as u32;
        self.pi[root] = 0;
        if n == 0 {
            self.thread[root] = root as u32;
        }
        for u in 0..n {
            let e = m + u;
            self.parent[u] = root as u32;
            self.pred[u] = e as u32;
            self.thread[u] = (u + 1) as u32;
            self.rev_thread[u + 1] = u as u32;
            self.succ_num[u] = 1;
            self.last_succ[u] = u as u32;
            self.arcs[e].cap = INF;
            self.state[e] = STATE_TREE;
            self.set_artificial(u, self.supply[u]);
        }
        self.load_tree_arcs();
    }

    /// Heuristic first pivots: bring the cheapest arc into each demand node.
    pub(super) fn initial_pivots(&mut self) -> bool {
        let n = self.node_num;
        let mut best: Vec<usize> = vec![NONE; n];
        for e in 0..self.arc_num {
            let t = self.target[e] as usize;
            if self.supply[t] < 0 && (best[t] == NONE || self.cost[e] < self.cost[best[t]]) {
                best[t] = e;
            }
        }
        for e in best.into_iter().filter(|&e| e != NONE) {
            self.in_arc = e;
            let s = self.state[e];
            if s == STATE_TREE
                || s as i64
                    * (self.cost[e] + self.pi[self.source[e] as usize]
                        - self.pi[self.target[e] as usize])
                    >= 0
            {
                continue;
            }
            if !self.pivot() {
                return false;
            }
        }
        true
    }

    /// Crash basis: the shortest-path forest from the supply nodes (multi-source
    /// Dijkstra over arcs with capacity), each demand routed to its nearest supply,
    /// made feasible by [`Self::repair_basis`]. Returns false (basis untouched) when
    /// it does not apply: a negative arc cost, or no supply node.
    pub(super) fn shortest_path_basis(&mut self) -> bool {
        use std::cmp::Reverse;
        let (n, m) = (self.node_num, self.arc_num);
        if self.cost[..m].iter().any(|&c| c < 0) || !self.supply[..n].iter().any(|&b| b > 0) {
            return false;
        }
        let mut start = vec![0u32; n + 1];
        for e in 0..m {
            if self.arcs[e].cap > 0 {
                start[self.source[e] as usize + 1] += 1;
            }
        }
        for u in 0..n {
            start[u + 1] += start[u];
        }
        let mut fill = start.clone();
        let mut adj = vec![0u32; start[n] as usize];
        for e in 0..m {
            if self.arcs[e].cap > 0 {
                let u = self.source[e] as usize;
                adj[fill[u] as usize] = e as u32;
                fill[u] += 1;
            }
        }
        let mut dist = vec![i64::MAX; n];
        let mut pred_arc = vec![NONE32; n];
        let mut heap = std::collections::BinaryHeap::new();
        for (u, d) in dist.iter_mut().enumerate() {
            if self.supply[u] > 0 {
                *d = 0;
                heap.push(Reverse((0i64, u as u32)));
            }
        }
        while let Some(Reverse((d, u))) = heap.pop() {
            let u = u as usize;
            if d > dist[u] {
                continue;
            }
            for &e in &adj[start[u] as usize..start[u + 1] as usize] {
                let e = e as usize;
                let v = self.target[e] as usize;
                let nd = d + self.cost[e];
                if nd < dist[v] {
                    dist[v] = nd;
                    pred_arc[v] = e as u32;
                    heap.push(Reverse((nd, v as u32)));
                }
            }
        }
        for (v, &e) in pred_arc.iter().enumerate() {
            if e == NONE32 {
                continue;
            }
            let e = e as usize;
            self.state[m + v] = STATE_LOWER;
            self.arcs[m + v].flow = 0;
            self.parent[v] = self.source[e];
            self.pred[v] = e as u32;
            self.pred_dir[v] = DIR_DOWN;
            self.state[e] = STATE_TREE;
        }
        self.rebuild_threads();
        self.repair_basis();
        // Renumber only when the crash tree holds most nodes; when most hang on
        // the root (zero-flow nodes are cut by the repair, as on a road grid with
        // few sinks), the input numbering is usually the more local one.
        let on_root = (0..n).filter(|&u| self.parent[u] as usize == n).count();
        if 2 * on_root < n {
            self.renumber_by_preorder();
        }
        true
    }
}
