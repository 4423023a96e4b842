//! One pivot: the cycle the entering arc closes, its leaving arc (the last
//! blocking arc in cycle orientation, which keeps the tree strongly feasible), and
//! the flow change around it.

use super::*;

impl NetworkSimplex {
    /// Finds the join node (the entering arc's cycle apex) and the leaving arc in
    /// one walk up from both ends of the entering arc, stepping on the side with
    /// the smaller subtree (never the apex). On the first side (tail side in the
    /// cycle's orientation) the first strict minimum wins, on the second side the
    /// last minimum, so the tree stays strongly feasible. Returns false when the
    /// entering arc itself is blocking.
    #[inline]
    pub(super) fn find_cycle(&mut self) -> bool {
        let e_in = self.in_arc;
        let (first, second) = if self.state[e_in] == STATE_LOWER {
            (self.source[e_in] as usize, self.target[e_in] as usize)
        } else {
            (self.target[e_in] as usize, self.source[e_in] as usize)
        };
        let residual = |a: ArcFlow, forward: bool| {
            if !forward {
                a.flow
            } else if a.cap == INF {
                INF
            } else {
                a.cap - a.flow
            }
        };
        let (mut d1, mut out1) = (INF, NONE);
        let (mut d2, mut out2) = (INF, NONE);
        let (mut u, mut v) = (first, second);
        while u != v {
            if self.succ_num[u] < self.succ_num[v] {
                let d = residual(self.tree_arc[u], self.pred_dir[u] == DIR_DOWN);
                if d < d1 {
                    d1 = d;
                    out1 = u;
                }
                u = self.parent[u] as usize;
            } else {
                let d = residual(self.tree_arc[v], self.pred_dir[v] == DIR_UP);
                if d <= d2 {
                    d2 = d;
                    out2 = v;
                }
                v = self.parent[v] as usize;
            }
        }
        self.join = u;
        self.delta = self.arcs[e_in].cap;
        let mut result = 0;
        if d1 < self.delta {
            self.delta = d1;
            self.u_out = out1;
            result = 1;
        }
        if out2 != NONE && d2 <= self.delta {
            self.delta = d2;
            self.u_out = out2;
            result = 2;
        }
        if result == 1 {
            self.u_in = first;
            self.v_in = second;
        } else {
            self.u_in = second;
            self.v_in = first;
        }
        result != 0
    }

    #[inline]
    pub(super) fn change_flow(&mut self, change: bool) {
        if self.delta > 0 {
            let val = self.state[self.in_arc] as i64 * self.delta;
            self.arcs[self.in_arc].flow += val;
            let mut u = self.source[self.in_arc] as usize;
            while u != self.join {
                self.tree_arc[u].flow -= self.pred_dir[u] as i64 * val;
                u = self.parent[u] as usize;
            }
            let mut u = self.target[self.in_arc] as usize;
            while u != self.join {
                self.tree_arc[u].flow += self.pred_dir[u] as i64 * val;
                u = self.parent[u] as usize;
            }
        }
        if change {
            self.state[self.in_arc] = STATE_TREE;
            let out = self.pred[self.u_out] as usize;
            let f = self.tree_arc[self.u_out].flow;
            self.arcs[out].flow = f;
            self.state[out] = if f == 0 { STATE_LOWER } else { STATE_UPPER };
        } else {
            self.state[self.in_arc] = -self.state[self.in_arc];
        }
    }

    pub(super) fn pivot(&mut self) -> bool {
        let change = self.find_cycle();
        if self.delta == INF {
            return false;
        }
        self.change_flow(change);
        if change {
            self.update_tree_structure();
            self.update_potential();
        }
        self.iterations += 1;
        true
    }
}
