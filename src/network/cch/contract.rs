//! Contraction: the metric-independent structure of a CCH.
//!
//! Contracting the nodes in rank order and joining the higher-ranked neighbours
//! of each contracted node into a clique gives a chordal supergraph of the road
//! graph (Dibbelt, Strasser, Wagner 2016, §4). Each of its edges is stored once,
//! as an *arc* from its lower to its higher end, in a CSR by lower end; nodes
//! are renumbered by rank, so node `r` has rank `r` and every arc points to a
//! larger number. The elimination tree links each node to its lowest upward
//! neighbour; a node's upward neighbours are all its ancestors there, which is
//! what lets queries walk up the tree without a priority queue.
//!
//! O(Σ_v |up(v)| · log) time, with the fill-in of the order deciding the size.

use serde::{Deserialize, Serialize};

use super::cut::Undirected;

/// No node (the root's parent) or no arc (an input edge that is a self-loop).
pub const NONE: u32 = u32::MAX;

/// The contracted graph, nodes numbered by rank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topology {
    /// Rank of each road-graph node.
    pub rank: Vec<u32>,
    /// Road-graph node of each rank.
    pub node: Vec<u32>,
    /// CSR offsets of the upward arcs, `node_count + 1` entries.
    pub first_up: Vec<u32>,
    /// Higher end of each arc; sorted within each node's range.
    pub up_head: Vec<u32>,
    /// Lower end of each arc.
    pub up_tail: Vec<u32>,
    /// Elimination-tree parent of each node ([`NONE`] at a root).
    pub parent: Vec<u32>,
    /// For each road-graph edge: its arc (`NONE` for a self-loop), and whether it
    /// runs upward (lower rank to higher), in the top bit.
    pub edge_arc: Vec<u32>,
}

/// Set in [`Topology::edge_arc`] when the edge runs downward.
pub const DOWNWARD: u32 = 1 << 31;

impl Topology {
    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.rank.len()
    }

    /// Number of arcs.
    pub fn arc_count(&self) -> usize {
        self.up_head.len()
    }

    /// Arc range of node `r` (a rank).
    #[inline]
    pub fn up(&self, r: u32) -> std::ops::Range<usize> {
        self.first_up[r as usize] as usize..self.first_up[r as usize + 1] as usize
    }

    /// Height of the elimination tree (nodes on its longest root path): the
    /// most nodes one query walk visits. O(n).
    pub fn height(&self) -> usize {
        // Parents rank above their children, so one pass from the top suffices.
        let mut depth = vec![0usize; self.node_count()];
        let mut most = 0;
        for r in (0..self.node_count()).rev() {
            let p = self.parent[r];
            depth[r] = if p == NONE { 1 } else { depth[p as usize] + 1 };
            most = most.max(depth[r]);
        }
        most
    }

    /// The arc between ranks `lo < hi`, if any. O(log deg).
    #[inline]
    pub fn arc(&self, lo: u32, hi: u32) -> Option<usize> {
        let r = self.up(lo);
        let start = r.start;
        self.up_head[r].binary_search(&hi).ok().map(|i| start + i)
    }

    /// Whether this is the contraction of a graph of `nodes` nodes with edges
    /// `tail[e] → head[e]` (a cache read back must pass this before use):
    /// ranks a permutation, offsets monotone, every node's arcs upward, sorted
    /// and in range, each node's parent its lowest upward neighbour, the
    /// upward neighbours of every node joined pairwise (chordal: the
    /// triangles customization and unpacking rely on exist), and every edge
    /// on the arc between its ends with its direction. O(lower triangles +
    /// edges · log deg), about one customization.
    pub fn is_consistent(&self, nodes: usize, tail: &[u32], head: &[u32]) -> bool {
        let n = nodes;
        if self.rank.len() != n
            || self.node.len() != n
            || self.parent.len() != n
            || self.first_up.len() != n + 1
            || self.edge_arc.len() != tail.len()
            || head.len() != tail.len()
            || self.first_up.first() != Some(&0)
            || self.first_up.last().map(|&x| x as usize) != Some(self.up_head.len())
            || self.up_tail.len() != self.up_head.len()
        {
            return false;
        }
        let perm = self
            .node
            .iter()
            .enumerate()
            .all(|(r, &v)| (v as usize) < n && self.rank[v as usize] as usize == r);
        let arcs = (0..n).all(|r| {
            let (a, b) = (self.first_up[r] as usize, self.first_up[r + 1] as usize);
            a <= b
                && b <= self.up_head.len()
                && self.up_head[a..b]
                    .iter()
                    .zip(&self.up_tail[a..b])
                    .all(|(&h, &t)| t as usize == r && (h as usize) < n && h as usize > r)
                && self.up_head[a..b].windows(2).all(|w| w[0] < w[1])
                && self.parent[r]
                    == self
                        .up_head
                        .get(a)
                        .filter(|_| a < b)
                        .copied()
                        .unwrap_or(NONE)
        });
        perm && arcs && self.is_chordal() && self.edges_fit(tail, head)
    }

    /// Every pair of a node's upward neighbours joined by an arc (needs sorted,
    /// in-range arcs).
    fn is_chordal(&self) -> bool {
        (0..self.node_count() as u32).all(|z| {
            let rz = self.up(z);
            rz.clone().all(|i| {
                let ux = self.up(self.up_head[i]);
                let mut p = ux.start;
                (i + 1..rz.end).all(|j| {
                    let y = self.up_head[j];
                    while p < ux.end && self.up_head[p] < y {
                        p += 1;
                    }
                    p < ux.end && self.up_head[p] == y
                })
            })
        })
    }

    /// Every road edge on the arc between its ends, with its direction.
    fn edges_fit(&self, tail: &[u32], head: &[u32]) -> bool {
        let n = self.node_count();
        tail.iter()
            .zip(head)
            .zip(&self.edge_arc)
            .all(|((&t, &h), &c)| {
                if t as usize >= n || h as usize >= n {
                    return false;
                }
                let (a, b) = (self.rank[t as usize], self.rank[h as usize]);
                if a == b {
                    return c == NONE;
                }
                c != NONE
                    && (c & DOWNWARD != 0) == (a > b)
                    && self.arc(a.min(b), a.max(b)) == Some((c & !DOWNWARD) as usize)
            })
    }

    /// Contracts `g` (the road graph made undirected) in `order` (node ids,
    /// lowest rank first) and maps the road graph's directed edges
    /// (`tail`, `head`) onto the arcs.
    pub fn contract(g: &Undirected, order: &[u32], tail: &[u32], head: &[u32]) -> Topology {
        let n = g.node_count();
        let mut rank = vec![0u32; n];
        for (r, &v) in order.iter().enumerate() {
            rank[v as usize] = r as u32;
        }
        let mut up: Vec<Vec<u32>> = order
            .iter()
            .map(|&v| {
                let r = rank[v as usize];
                let mut nb: Vec<u32> = g
                    .neighbours(v as usize)
                    .iter()
                    .map(|&u| rank[u as usize])
                    .filter(|&q| q > r)
                    .collect();
                nb.sort_unstable();
                nb
            })
            .collect();
        let mut parent = vec![NONE; n];
        let mut merged = Vec::new();
        for r in 0..n {
            let Some(&p) = up[r].first() else { continue };
            parent[r] = p;
            if up[r].len() > 1 {
                let mine = std::mem::take(&mut up[r]);
                merge_into(&mut merged, &up[p as usize], &mine[1..]);
                std::mem::swap(&mut up[p as usize], &mut merged);
                up[r] = mine;
            }
        }
        let mut first_up = Vec::with_capacity(n + 1);
        first_up.push(0u32);
        let total: usize = up.iter().map(Vec::len).sum();
        let mut up_head = Vec::with_capacity(total);
        let mut up_tail = Vec::with_capacity(total);
        for (r, nb) in up.iter().enumerate() {
            up_head.extend_from_slice(nb);
            up_tail.extend(std::iter::repeat_n(r as u32, nb.len()));
            first_up.push(up_head.len() as u32);
        }
        drop(up);
        let mut topo = Topology {
            rank,
            node: order.to_vec(),
            first_up,
            up_head,
            up_tail,
            parent,
            edge_arc: Vec::new(),
        };
        topo.edge_arc = tail
            .iter()
            .zip(head)
            .map(|(&t, &h)| {
                let (rt, rh) = (topo.rank[t as usize], topo.rank[h as usize]);
                if rt == rh {
                    return NONE;
                }
                let a = topo
                    .arc(rt.min(rh), rt.max(rh))
                    .expect("every road edge is an arc") as u32;
                if rt < rh {
                    a
                } else {
                    a | DOWNWARD
                }
            })
            .collect();
        topo
    }
}

/// `out` = sorted union of sorted `a` and sorted `b`.
fn merge_into(out: &mut Vec<u32>, a: &[u32], b: &[u32]) {
    out.clear();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        out.push(x.min(y));
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cycle_gets_its_chord() {
        // 4-cycle 0-1-2-3-0 contracted in order 0,1,2,3: contracting 0 joins 1 and 3.
        let g = Undirected::from_pairs(4, [(0, 1), (1, 2), (2, 3), (3, 0)]);
        let t = Topology::contract(&g, &[0, 1, 2, 3], &[0, 1], &[1, 0]);
        assert!(t.arc(1, 3).is_some());
        assert_eq!(t.arc_count(), 5);
        assert_eq!(t.parent, vec![1, 2, 3, NONE]);
        assert_eq!(t.edge_arc[0] & DOWNWARD, 0);
        assert_eq!(t.edge_arc[1] & DOWNWARD, DOWNWARD);
        assert!(t.is_consistent(4, &[0, 1], &[1, 0]));
        let mut bad = t.clone();
        bad.up_head[0] = 0;
        assert!(!bad.is_consistent(4, &[0, 1], &[1, 0]));
        assert!(!t.is_consistent(5, &[0, 1], &[1, 0]));
        // Without the chord 1-3 the triangle 1-0-3 is missing.
        let mut open = t.clone();
        let a = t.arc(1, 3).unwrap();
        open.up_head.remove(a);
        open.up_tail.remove(a);
        for f in &mut open.first_up[2..] {
            *f -= 1;
        }
        assert!(!open.is_consistent(4, &[0, 1], &[1, 0]));
        // An edge on the wrong arc, or the wrong way.
        let mut wrong = t.clone();
        wrong.edge_arc[0] ^= DOWNWARD;
        assert!(!wrong.is_consistent(4, &[0, 1], &[1, 0]));
    }

    #[test]
    fn upward_neighbours_are_ancestors() {
        let g = Undirected::from_pairs(6, [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 0), (1, 4)]);
        let t = Topology::contract(&g, &[0, 2, 5, 3, 1, 4], &[], &[]);
        for r in 0..6u32 {
            let mut anc = Vec::new();
            let mut p = t.parent[r as usize];
            while p != NONE {
                anc.push(p);
                p = t.parent[p as usize];
            }
            for a in t.up(r) {
                assert!(anc.contains(&t.up_head[a]));
            }
        }
    }
}
