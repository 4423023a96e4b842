//! Renumbering the nodes in thread order so subtrees sit together in memory.

use super::*;

impl NetworkSimplex {
    /// Renumbers the nodes in the order the thread visits them, so each subtree
    /// of the current tree occupies consecutive memory. The walks that dominate a
    /// pivot (up `parent`, along `thread`) then mostly move to a neighbouring
    /// address instead of a random one; the tree changes locally from pivot to
    /// pivot, so most of that locality survives for a while. Called after the
    /// crash basis and again during [`Self::run`] when the walks have done
    /// enough work. Arc positions are unchanged, except each node's artificial
    /// arc, which follows its node. O(n + m).
    pub(super) fn renumber_by_preorder(&mut self) {
        let (n, m, root) = (self.node_num, self.arc_num, self.node_num);
        self.walked = 0;
        let mut new = vec![0u32; n + 1];
        for (i, &u) in self.preorder()[1..].iter().enumerate() {
            new[u] = i as u32;
        }
        new[root] = root as u32;
        let node = |x: u32| if x == NONE32 { x } else { new[x as usize] };
        fn moved<T: Copy>(v: &[T], new: &[u32], value: impl Fn(T) -> T) -> Vec<T> {
            let mut out = v.to_vec();
            for (u, &x) in v.iter().enumerate() {
                out[new[u] as usize] = value(x);
            }
            out
        }
        use std::convert::identity as same;
        self.supply = moved(&self.supply, &new, same);
        self.pi = moved(&self.pi, &new, same);
        self.pred_dir = moved(&self.pred_dir, &new, same);
        self.tree_arc = moved(&self.tree_arc, &new, same);
        self.succ_num = moved(&self.succ_num, &new, same);
        self.parent = moved(&self.parent, &new, node);
        self.thread = moved(&self.thread, &new, node);
        self.rev_thread = moved(&self.rev_thread, &new, node);
        self.last_succ = moved(&self.last_succ, &new, node);
        let arc = |e: u32| {
            if e == NONE32 || (e as usize) < m {
                e
            } else {
                (m + new[e as usize - m] as usize) as u32
            }
        };
        self.pred = moved(&self.pred, &new, arc);
        for x in self.source.iter_mut().chain(self.target.iter_mut()) {
            *x = new[*x as usize];
        }
        let art = &new[..n];
        fn move_in_place<T: Copy>(v: &mut [T], new: &[u32]) {
            let old = v.to_vec();
            for (u, &x) in old.iter().enumerate() {
                v[new[u] as usize] = x;
            }
        }
        move_in_place(&mut self.source[m..], art);
        move_in_place(&mut self.target[m..], art);
        move_in_place(&mut self.cost[m..], art);
        move_in_place(&mut self.state[m..], art);
        move_in_place(&mut self.arcs[m..], art);
        for p in &mut self.node_pos {
            *p = new[*p as usize];
        }
    }
}
