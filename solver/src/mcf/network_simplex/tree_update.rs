//! Updating the spanning tree after a pivot: the parent / predecessor / thread /
//! reverse-thread / subtree-size / last-successor arrays, and the potentials of
//! the moved subtree.

use super::*;

impl NetworkSimplex {
    pub(super) fn update_tree_structure(&mut self) {
        let (u_in, v_in, u_out, join) = (self.u_in, self.v_in, self.u_out, self.join);
        let old_rev_thread = self.rev_thread[u_out] as usize;
        let old_succ_num = self.succ_num[u_out] as usize;
        let old_last_succ = self.last_succ[u_out] as usize;
        let v_out = self.parent[u_out] as usize;

        if u_in == u_out {
            self.parent[u_in] = v_in as u32;
            self.hang_on_entering_arc(u_in);
            if (self.thread[v_in] as usize) != u_out {
                let mut after = self.thread[old_last_succ] as usize;
                self.thread[old_rev_thread] = after as u32;
                self.rev_thread[after] = old_rev_thread as u32;
                after = self.thread[v_in] as usize;
                self.thread[v_in] = u_out as u32;
                self.rev_thread[u_out] = v_in as u32;
                self.thread[old_last_succ] = after as u32;
                self.rev_thread[after] = old_last_succ as u32;
            }
        } else {
            let thread_continue = if old_rev_thread == v_in {
                self.thread[old_last_succ] as usize
            } else {
                self.thread[v_in] as usize
            };
            let mut stem = u_in;
            let mut par_stem = v_in;
            let mut last = self.last_succ[u_in] as usize;
            let mut after = self.thread[last] as usize;
            self.thread[v_in] = u_in as u32;
            self.dirty_revs.clear();
            self.dirty_revs.push(v_in);
            while stem != u_out {
                let next_stem = self.parent[stem] as usize;
                self.thread[last] = next_stem as u32;
                self.dirty_revs.push(last);
                let before = self.rev_thread[stem] as usize;
                self.thread[before] = after as u32;
                self.rev_thread[after] = before as u32;
                self.parent[stem] = par_stem as u32;
                par_stem = stem;
                stem = next_stem;
                last = if (self.last_succ[stem] as usize) == (self.last_succ[par_stem] as usize) {
                    self.rev_thread[par_stem] as usize
                } else {
                    self.last_succ[stem] as usize
                };
                after = self.thread[last] as usize;
            }
            self.parent[u_out] = par_stem as u32;
            self.thread[last] = thread_continue as u32;
            self.rev_thread[thread_continue] = last as u32;
            self.last_succ[u_out] = last as u32;
            if old_rev_thread != v_in {
                self.thread[old_rev_thread] = after as u32;
                self.rev_thread[after] = old_rev_thread as u32;
            }
            for i in 0..self.dirty_revs.len() {
                let u = self.dirty_revs[i];
                let t = self.thread[u] as usize;
                self.rev_thread[t] = u as u32;
            }
            let mut tmp_sc = 0usize;
            let tmp_ls = self.last_succ[u_out] as usize;
            let mut u = u_out;
            while u != u_in {
                let p = self.parent[u] as usize;
                self.pred[u] = self.pred[p];
                self.tree_arc[u] = self.tree_arc[p];
                self.pred_dir[u] = -self.pred_dir[p];
                tmp_sc = tmp_sc + (self.succ_num[u] as usize) - (self.succ_num[p] as usize);
                self.succ_num[u] = tmp_sc as u32;
                self.last_succ[p] = tmp_ls as u32;
                u = p;
            }
            self.hang_on_entering_arc(u_in);
            self.succ_num[u_in] = old_succ_num as u32;
        }

        let up_limit_out = if (self.last_succ[join] as usize) == v_in {
            join
        } else {
            NONE
        };
        let last_succ_out = self.last_succ[u_out] as usize;
        let mut u = v_in;
        while u != NONE && (self.last_succ[u] as usize) == v_in {
            self.last_succ[u] = last_succ_out as u32;
            u = self.parent[u] as usize;
        }
        if join != old_rev_thread && v_in != old_rev_thread {
            let mut u = v_out;
            while u != up_limit_out && (self.last_succ[u] as usize) == old_last_succ {
                self.last_succ[u] = old_rev_thread as u32;
                u = self.parent[u] as usize;
            }
        } else if last_succ_out != old_last_succ {
            let mut u = v_out;
            while u != up_limit_out && (self.last_succ[u] as usize) == old_last_succ {
                self.last_succ[u] = last_succ_out as u32;
                u = self.parent[u] as usize;
            }
        }
        let mut u = v_in;
        while u != join {
            self.succ_num[u] += old_succ_num as u32;
            u = self.parent[u] as usize;
        }
        let mut u = v_out;
        while u != join {
            self.succ_num[u] -= old_succ_num as u32;
            u = self.parent[u] as usize;
        }
    }

    #[inline]
    pub(super) fn update_potential(&mut self) {
        let sigma = self.pi[self.v_in]
            - self.pi[self.u_in]
            - self.pred_dir[self.u_in] as i64 * self.cost[self.in_arc];
        let end = self.thread[self.last_succ[self.u_in] as usize] as usize;
        // Only differences of potentials matter: shift whichever side of the
        // moved subtree is smaller (the root's potential floats; see `potential`).
        let size = self.succ_num[self.u_in] as usize;
        let (mut u, end, sigma) = if 2 * size <= self.node_num + 1 {
            self.walked += size as u64;
            (self.u_in, end, sigma)
        } else {
            self.walked += (self.node_num + 1 - size) as u64;
            (end, self.u_in, -sigma)
        };
        while u != end {
            self.pi[u] += sigma;
            u = self.thread[u] as usize;
        }
        // Keep the floating root near zero so potentials stay far from overflow.
        let drift = self.pi[self.node_num];
        if drift.abs() > self.art_cost {
            self.pi.iter_mut().for_each(|p| *p -= drift);
        }
    }

    /// Makes the entering arc the tree arc of `u_in` (its end inside the moved
    /// subtree), oriented up when `u_in` is its tail.
    #[inline]
    fn hang_on_entering_arc(&mut self, u_in: usize) {
        self.pred[u_in] = self.in_arc as u32;
        self.tree_arc[u_in] = self.arcs[self.in_arc];
        self.pred_dir[u_in] = if u_in == self.source[self.in_arc] as usize {
            DIR_UP
        } else {
            DIR_DOWN
        };
    }
}
