//! Queries on a customized CCH: point to point with the route, and one to many
//! over a selected target set.
//!
//! *Elimination-tree search*: the upward search space of a node is its chain of
//! ancestors in the elimination tree, so a search walks up that chain relaxing
//! the upward arcs of each node, with no priority queue. A shortest path runs
//! up from the source and down to the target through their highest node, a
//! common ancestor; the distance is the least sum of both walks over the common
//! ancestors.
//!
//! *Selection sweep* (RPHAST, Delling, Goldberg, Werneck 2011, on a CCH): the
//! ancestors of all targets form a subtree closed upward. After the source's
//! walk, one pass over that subtree from the top down settles every node of it:
//! a node's distance is the best of its own walk label and its upward
//! neighbours' distances plus the downward arc. Each source then costs
//! O(|walk| + arcs of the selection), on contiguous arrays.

use super::contract::{Topology, NONE};
use super::metric::{Direction, Metric, INF};

/// Reusable labels for elimination-tree walks over one topology.
#[derive(Debug, Clone)]
pub struct Walk {
    ms: Vec<u32>,
    metres: Vec<f32>,
    /// Arc that set the label (its lower end is the predecessor), or [`NONE`].
    pred: Vec<u32>,
    stamp: Vec<u32>,
    generation: u32,
}

impl Walk {
    /// Labels for `n` nodes.
    pub fn new(n: usize) -> Self {
        Self {
            ms: vec![INF; n],
            metres: vec![0.0; n],
            pred: vec![NONE; n],
            stamp: vec![0; n],
            generation: 0,
        }
    }

    /// Walks up from `start` (a rank) using `dir`'s arc weights, labelling every
    /// ancestor with the best walk distance (and its length when `dir` keeps
    /// routes, else 0). O(Σ upward degrees on the chain).
    pub fn run(&mut self, topo: &Topology, dir: &Direction, start: u32) {
        let routes = dir.has_routes();
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.fill(0);
            self.generation = 1;
        }
        let g = self.generation;
        let mut v = start;
        self.set(v, 0, 0.0, NONE);
        while v != NONE {
            let (dv, mv) = (self.ms[v as usize], self.metres[v as usize]);
            if dv != INF {
                for a in topo.up(v) {
                    let w = dir.ms[a];
                    if w == INF {
                        continue;
                    }
                    let h = topo.up_head[a] as usize;
                    let nd = dv.saturating_add(w);
                    if self.stamp[h] != g || nd < self.ms[h] {
                        self.stamp[h] = g;
                        self.ms[h] = nd;
                        self.metres[h] = if routes { mv + dir.metres[a] } else { 0.0 };
                        self.pred[h] = a as u32;
                    }
                }
            }
            let p = topo.parent[v as usize];
            if p != NONE && self.stamp[p as usize] != g {
                self.set(p, INF, 0.0, NONE);
            }
            v = p;
        }
    }

    fn set(&mut self, v: u32, ms: u32, metres: f32, pred: u32) {
        let i = v as usize;
        self.stamp[i] = self.generation;
        self.ms[i] = ms;
        self.metres[i] = metres;
        self.pred[i] = pred;
    }

    /// Label of `v` from the last walk (`INF` when not on it).
    #[inline]
    pub fn label(&self, v: u32) -> (u32, f32) {
        let i = v as usize;
        if self.stamp[i] == self.generation {
            (self.ms[i], self.metres[i])
        } else {
            (INF, 0.0)
        }
    }
}

impl Walk {
    /// The finite labels of the last walk from `start` (its chain of
    /// ancestors): `(rank, ms)` pairs. O(chain length).
    pub fn chain(&self, topo: &Topology, start: u32) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let mut v = start;
        while v != NONE {
            let (ms, _) = self.label(v);
            if ms != INF {
                out.push((v, ms));
            }
            v = topo.parent[v as usize];
        }
        out
    }
}

/// The fastest route between two nodes found by two walks.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Travel time, milliseconds.
    pub ms: u32,
    /// Length, metres.
    pub metres: f32,
    /// Road edges driven, in order.
    pub edges: Vec<u32>,
}

/// The fastest route from rank `s` to rank `t`, or `None` when unreachable.
/// `fwd` and `bwd` are scratch walks of this topology.
pub fn route(
    topo: &Topology,
    metric: &Metric,
    length_m: &[f32],
    fwd: &mut Walk,
    bwd: &mut Walk,
    s: u32,
    t: u32,
) -> Option<Found> {
    fwd.run(topo, &metric.up, s);
    bwd.run(topo, &metric.down, t);
    let mut best: Option<(u32, u32)> = None; // (ms, meeting node)
    let mut v = t;
    while v != NONE {
        let (a, b) = (fwd.label(v).0, bwd.label(v).0);
        if a != INF && b != INF {
            let d = a.saturating_add(b);
            if d != INF && best.is_none_or(|x| d < x.0) {
                best = Some((d, v));
            }
        }
        v = topo.parent[v as usize];
    }
    let (ms, top) = best?;
    // Up from s to the top, then down to t.
    let mut up_arcs = Vec::new();
    let mut v = top;
    while fwd.pred[v as usize] != NONE {
        let a = fwd.pred[v as usize];
        up_arcs.push(a as usize);
        v = topo.up_tail[a as usize];
    }
    let mut edges = Vec::new();
    for &a in up_arcs.iter().rev() {
        metric.unpack(topo, a, true, &mut edges);
    }
    let mut v = top;
    while bwd.pred[v as usize] != NONE {
        let a = bwd.pred[v as usize] as usize;
        metric.unpack(topo, a, false, &mut edges);
        v = topo.up_tail[a];
    }
    Some(Found {
        ms,
        metres: path_metres(&edges, length_m),
        edges,
    })
}

/// Length of a path summed edge by edge from its start in `f32`, as Dijkstra
/// sums it, so both engines report the same metres for the same route.
pub fn path_metres(edges: &[u32], length_m: &[f32]) -> f32 {
    edges.iter().fold(0.0f32, |m, &e| m + length_m[e as usize])
}

/// The ancestors of a set of nodes, top down, with each one's upward arcs
/// pointing at positions in that list.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Selected ranks, highest first.
    pub nodes: Vec<u32>,
    /// Offsets into `arcs` per selected node, `nodes.len() + 1` entries.
    first: Vec<u32>,
    /// (arc id, position of its higher end in `nodes`).
    arcs: Vec<(u32, u32)>,
    /// Position in `nodes` of each seed, in the order given.
    pub seeds: Vec<u32>,
    /// Position in `nodes` of every rank ([`NONE`]: not selected).
    pub position: Vec<u32>,
}

impl Selection {
    /// The selection of `seeds` (ranks). O(n) scratch, O(selection) work.
    pub fn new(topo: &Topology, seeds: &[u32]) -> Selection {
        let n = topo.node_count();
        let mut pos = vec![NONE; n];
        let mut picked: Vec<u32> = Vec::new();
        for &s in seeds {
            let mut v = s;
            while v != NONE && pos[v as usize] == NONE {
                pos[v as usize] = 0;
                picked.push(v);
                v = topo.parent[v as usize];
            }
        }
        picked.sort_unstable_by(|a, b| b.cmp(a));
        for (i, &v) in picked.iter().enumerate() {
            pos[v as usize] = i as u32;
        }
        let mut first = Vec::with_capacity(picked.len() + 1);
        let mut arcs = Vec::new();
        first.push(0);
        for &v in &picked {
            for a in topo.up(v) {
                arcs.push((a as u32, pos[topo.up_head[a] as usize]));
            }
            first.push(arcs.len() as u32);
        }
        Selection {
            seeds: seeds.iter().map(|&s| pos[s as usize]).collect(),
            nodes: picked,
            first,
            arcs,
            position: pos,
        }
    }

    /// The weights of `dir` on the selection's arcs, gathered in sweep order
    /// (once per matrix, so each sweep reads them front to back).
    /// Arcs with no route in `dir` (closed roads, one-way streets) are left
    /// out.
    pub fn gather(&self, dir: &Direction) -> Gathered {
        let mut g = Gathered {
            first: Vec::with_capacity(self.first.len()),
            pos: Vec::new(),
            ms: Vec::new(),
            metres: Vec::new(),
        };
        g.first.push(0);
        for i in 0..self.nodes.len() {
            for &(a, h) in &self.arcs[self.first[i] as usize..self.first[i + 1] as usize] {
                let ms = dir.ms[a as usize];
                if ms != INF {
                    g.pos.push(h);
                    g.ms.push(ms);
                    if dir.has_routes() {
                        g.metres.push(dir.metres[a as usize]);
                    }
                }
            }
            g.first.push(g.pos.len() as u32);
        }
        g
    }

    /// Settles every selected node from one walk's labels: `walk` from the
    /// source in the other direction, `w` the gathered weights of the direction
    /// swept down here. `out_ms`/`out_m` get one entry per selected node.
    /// Needs weights gathered from a direction with routes.
    pub fn sweep(&self, walk: &Walk, w: &Gathered, out_ms: &mut [u32], out_m: &mut [f32]) {
        for (i, &v) in self.nodes.iter().enumerate() {
            let (mut d, mut m) = walk.label(v);
            for k in w.first[i] as usize..w.first[i + 1] as usize {
                let h = w.pos[k] as usize;
                let nd = out_ms[h].saturating_add(w.ms[k]);
                if nd < d {
                    d = nd;
                    m = out_m[h] + w.metres[k];
                }
            }
            out_ms[i] = d;
            out_m[i] = m;
        }
    }
}

/// A direction's weights on a selection's arcs, in sweep order.
#[derive(Debug, Clone)]
pub struct Gathered {
    /// Offsets into the arrays below per selected node.
    pub(super) first: Vec<u32>,
    /// Position in the selection of each arc's higher end.
    pub(super) pos: Vec<u32>,
    /// Each arc's travel time, milliseconds.
    pub(super) ms: Vec<u32>,
    /// Each arc's length, metres (empty without routes).
    metres: Vec<f32>,
}
