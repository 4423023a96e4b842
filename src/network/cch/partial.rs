//! Partial customization: a metric brought up to date after a few road edges
//! changed, by recomputing only the arcs whose value may depend on them.
//!
//! An arc's value is the least of its own road edges and of its lower triangles
//! (`x → z → y` for every `z` below both ends). When an arc changes, the arcs
//! it is a lower side of may change: for an arc `{x, y}` (`x < y`) these are
//! `{y, w}` for the other upward neighbours `w` of `x`. Arcs are recomputed in
//! increasing order of their lower end (their id order), each from scratch, so
//! every input of an arc is final before it is recomputed. The result equals a
//! full customization on the new weights (tested); the work follows the changed
//! arcs up the hierarchy, so a damage scenario near one epicentre costs a small
//! share of a full customization (Dibbelt, Strasser, Wagner 2016, §5.3).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::contract::{Topology, DOWNWARD, NONE};
use super::metric::{Direction, Metric, INF};

/// What partial updates need besides the topology: each arc's road edges and
/// each node's downward arcs.
#[derive(Debug, Clone)]
pub struct Index {
    /// CSR offsets of `edges` per arc.
    first_edge: Vec<u32>,
    /// Road edges per arc.
    edges: Vec<u32>,
    /// CSR offsets of `down` per node.
    first_down: Vec<u32>,
    /// `(lower end, arc)` per node, by lower end.
    down: Vec<(u32, u32)>,
}

impl Index {
    /// The index of `topo`. O(n + arcs + edges).
    pub fn new(topo: &Topology) -> Index {
        let (first_edge, edges) = super::bucket(
            topo.arc_count(),
            topo.edge_arc
                .iter()
                .enumerate()
                .filter(|&(_, &c)| c != NONE)
                .map(|(e, &c)| ((c & !DOWNWARD) as usize, e as u32)),
        );
        let (first_down, down) = super::bucket(
            topo.node_count(),
            (0..topo.arc_count()).map(|a| (topo.up_head[a] as usize, (topo.up_tail[a], a as u32))),
        );
        Index {
            first_edge,
            edges,
            first_down,
            down,
        }
    }

    fn down(&self, v: u32) -> &[(u32, u32)] {
        &self.down[self.first_down[v as usize] as usize..self.first_down[v as usize + 1] as usize]
    }
}

impl Metric {
    /// Brings this metric (customized for earlier weights) up to date with
    /// `time_ms` after the road edges `changed` changed; `touched` gets every
    /// arc recomputed (for [`Metric::restore`]). O(recomputed arcs · degree).
    pub fn update(
        &mut self,
        topo: &Topology,
        index: &Index,
        time_ms: &[u32],
        length_m: &[f32],
        changed: &[u32],
        touched: &mut Vec<u32>,
    ) {
        touched.clear();
        let mut heap: BinaryHeap<Reverse<u32>> = changed
            .iter()
            .map(|&e| topo.edge_arc[e as usize])
            .filter(|&c| c != NONE)
            .map(|c| Reverse(c & !DOWNWARD))
            .collect();
        let mut last = NONE;
        while let Some(Reverse(a)) = heap.pop() {
            if a == last {
                continue;
            }
            last = a;
            touched.push(a);
            if !self.recompute(topo, index, time_ms, length_m, a as usize) {
                continue;
            }
            let (x, y) = (topo.up_tail[a as usize], topo.up_head[a as usize]);
            for b in topo.up(x) {
                let w = topo.up_head[b];
                if w != y {
                    let c = topo.arc(y.min(w), y.max(w)).expect("chordal");
                    heap.push(Reverse(c as u32));
                }
            }
        }
    }

    /// Recomputes arc `a` in both directions; true when either value changed.
    fn recompute(
        &mut self,
        topo: &Topology,
        index: &Index,
        time_ms: &[u32],
        length_m: &[f32],
        a: usize,
    ) -> bool {
        let before = (self.up.ms[a], self.down.ms[a]);
        let routes = self.has_routes();
        for d in [&mut self.up, &mut self.down] {
            d.ms[a] = INF;
            if routes {
                d.metres[a] = 0.0;
                d.mid[a] = NONE;
                d.edge[a] = NONE;
            }
        }
        // Among equal times, a full customization keeps the lowest edge id;
        // without routes the edge does not matter.
        let mut best_edge = [NONE; 2];
        for &e in &index.edges[index.first_edge[a] as usize..index.first_edge[a + 1] as usize] {
            let ms = time_ms[e as usize];
            if ms == INF {
                continue;
            }
            let downward = topo.edge_arc[e as usize] & DOWNWARD != 0;
            let d = if downward {
                &mut self.down
            } else {
                &mut self.up
            };
            let best = &mut best_edge[usize::from(downward)];
            if ms < d.ms[a] || (ms == d.ms[a] && e < *best) {
                d.ms[a] = ms;
                *best = e;
                if routes {
                    d.metres[a] = length_m[e as usize];
                    d.edge[a] = e;
                }
            }
        }
        let (x, y) = (topo.up_tail[a], topo.up_head[a]);
        let (dx, dy) = (index.down(x), index.down(y));
        let (mut i, mut j) = (0, 0);
        while i < dx.len() && j < dy.len() {
            let (zx, zy) = (dx[i].0, dy[j].0);
            if zx < zy {
                i += 1;
            } else if zy < zx {
                j += 1;
            } else {
                let (ax, ay) = (dx[i].1 as usize, dy[j].1 as usize);
                relax(&mut self.up, &self.down, a, ax, ay, zx, true);
                relax(&mut self.down, &self.up, a, ay, ax, zx, false);
                i += 1;
                j += 1;
            }
        }
        before != (self.up.ms[a], self.down.ms[a])
    }

    /// Restores the arcs `touched` from `base` (the metric before the updates).
    pub fn restore(&mut self, base: &Metric, touched: &[u32]) {
        for &a in touched {
            let a = a as usize;
            for (d, b) in [(&mut self.up, &base.up), (&mut self.down, &base.down)] {
                d.ms[a] = b.ms[a];
                if d.has_routes() {
                    d.metres[a] = b.metres[a];
                    d.mid[a] = b.mid[a];
                    d.edge[a] = b.edge[a];
                }
            }
        }
    }
}

/// One lower triangle through `z` for arc `a`: upward (`d` = up, `other` =
/// down), `x → z → y` is `down[first] + up[second]` with `first = {z, x}` and
/// `second = {z, y}`; downward (`d` = down, `other` = up), `y → z → x` is
/// `down[first] + up[second]` with `first = {z, y}` and `second = {z, x}`.
/// Strictly better only, so the lowest `z` wins ties, as in a full
/// customization.
fn relax(
    d: &mut Direction,
    other: &Direction,
    a: usize,
    first: usize,
    second: usize,
    z: u32,
    upward: bool,
) {
    let ms = if upward {
        other.ms[first].saturating_add(d.ms[second])
    } else {
        d.ms[first].saturating_add(other.ms[second])
    };
    if ms < d.ms[a] {
        d.ms[a] = ms;
        if d.has_routes() {
            d.metres[a] = if upward {
                other.metres[first] + d.metres[second]
            } else {
                d.metres[first] + other.metres[second]
            };
            d.mid[a] = z;
        }
    }
}
