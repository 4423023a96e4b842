//! Minimum vertex separators between two node sets of an undirected graph, by
//! maximum flow with unit vertex capacities (Dinic's algorithm).
//!
//! Each node `v` is split into `in(v) → out(v)` with capacity 1; each undirected
//! edge `{u, v}` becomes `out(u) → in(v)` and `out(v) → in(u)` with unbounded
//! capacity. The flow enters every source's `in` and leaves every sink's `out`,
//! so sources and sinks may be cut too. By Menger's theorem the maximum flow is
//! the size of the smallest vertex set whose removal disconnects the sources from
//! the sinks; the set itself is read off the residual graph: nodes whose `in` is
//! reachable from the sources and whose `out` is not.
//!
//! With unit capacities Dinic needs O(√n) phases of O(n + m) each; a separator
//! of `c` nodes costs at most `c` phases, so small cuts are cheap.

/// An undirected graph in CSR form, symmetric (`v ∈ adj(u)` iff `u ∈ adj(v)`),
/// without self-loops or parallel edges, adjacency lists sorted.
#[derive(Debug, Clone, Default)]
pub struct Undirected {
    /// Offsets, `node_count + 1` entries.
    pub first: Vec<u32>,
    /// Neighbours.
    pub adj: Vec<u32>,
}

impl Undirected {
    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.first.len() - 1
    }

    /// Neighbours of `v`.
    #[inline]
    pub fn neighbours(&self, v: usize) -> &[u32] {
        &self.adj[self.first[v] as usize..self.first[v + 1] as usize]
    }

    /// The graph on `edges` (pairs in any order, duplicates and self-loops
    /// dropped) over `n` nodes. O(m log m).
    pub fn from_pairs(n: usize, edges: impl IntoIterator<Item = (u32, u32)>) -> Undirected {
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for (a, b) in edges {
            if a != b {
                pairs.push((a, b));
                pairs.push((b, a));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let (first, adj) = super::bucket(n, pairs.iter().map(|&(a, b)| (a as usize, b)));
        Undirected { first, adj }
    }

    /// The subgraph induced by `nodes` (indices of `self`), renumbered in the
    /// order given; `local` is scratch of `node_count()` entries, all `u32::MAX`
    /// on entry and on exit. O(|nodes| + their degrees).
    pub fn induced(&self, nodes: &[u32], local: &mut [u32]) -> Undirected {
        for (i, &v) in nodes.iter().enumerate() {
            local[v as usize] = i as u32;
        }
        let mut first = Vec::with_capacity(nodes.len() + 1);
        let mut adj = Vec::new();
        first.push(0);
        for &v in nodes {
            adj.extend(
                self.neighbours(v as usize)
                    .iter()
                    .map(|&u| local[u as usize])
                    .filter(|&u| u != u32::MAX),
            );
            first.push(adj.len() as u32);
        }
        for &v in nodes {
            local[v as usize] = u32::MAX;
        }
        Undirected { first, adj }
    }
}

/// A separator and the two sides it leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Separation {
    /// The separator's nodes.
    pub separator: Vec<u32>,
    /// Nodes on the sources' side (no edge to `sink_side`).
    pub source_side: Vec<u32>,
    /// The rest.
    pub sink_side: Vec<u32>,
}

use std::sync::atomic::{AtomicUsize, Ordering};

const INF: i32 = i32::MAX / 2;

/// The split graph: `in(v) = 2v`, `out(v) = 2v + 1`, in CSR with each arc's
/// head, capacity and reverse arc. `in(v)` owns the arc to `out(v)` (capacity 1)
/// and the residual twins of `out(u) → in(v)`; `out(v)` owns the twin of
/// `in(v) → out(v)` and the arcs to `in(u)` (unbounded) per neighbour `u`.
/// Built once per part and shared by the four directions.
pub struct Split {
    first: Vec<u32>,
    head: Vec<u32>,
    cap: Vec<i32>,
    rev: Vec<u32>,
}

impl Split {
    /// The split graph of `g`, each node's neighbours in CSR order. O(n + m log deg).
    pub fn new(g: &Undirected) -> Self {
        Self::ordered(g, None)
    }

    /// The split graph of `g` with each node's neighbours by `key` descending
    /// (a depth-first search then heads for high keys first). O(n + m · deg).
    pub fn ordered(g: &Undirected, key: Option<&[f32]>) -> Self {
        let n = g.node_count();
        let mut nb: Vec<u32> = g.adj.clone();
        if let Some(key) = key {
            for v in 0..n {
                nb[g.first[v] as usize..g.first[v + 1] as usize]
                    .sort_by(|a, b| key[*b as usize].total_cmp(&key[*a as usize]).then(a.cmp(b)));
            }
        }
        let list = |v: usize| &nb[g.first[v] as usize..g.first[v + 1] as usize];
        let deg = |v: usize| (g.first[v + 1] - g.first[v]) as usize;
        let mut first = Vec::with_capacity(2 * n + 1);
        first.push(0u32);
        for v in 0..n {
            let b = *first.last().expect("offset") as usize;
            first.push((b + 1 + deg(v)) as u32);
            first.push((b + 2 + 2 * deg(v)) as u32);
        }
        let arcs = *first.last().expect("offset") as usize;
        let (mut head, mut cap, mut rev) = (vec![0u32; arcs], vec![0i32; arcs], vec![0u32; arcs]);
        for v in 0..n {
            let (bi, bo) = (first[2 * v] as usize, first[2 * v + 1] as usize);
            head[bi] = (2 * v + 1) as u32;
            cap[bi] = 1;
            rev[bi] = bo as u32;
            head[bo] = (2 * v) as u32;
            rev[bo] = bi as u32;
            for (j, &u) in list(v).iter().enumerate() {
                let u = u as usize;
                let q = list(u)
                    .iter()
                    .position(|&x| x as usize == v)
                    .expect("symmetric adjacency");
                // in(v) → out(u): twin of out(u) → in(v), which sits in out(u)'s block.
                head[bi + 1 + j] = (2 * u + 1) as u32;
                rev[bi + 1 + j] = first[2 * u + 1] + 1 + q as u32;
                // out(v) → in(u), unbounded; twin in in(u)'s block.
                head[bo + 1 + j] = (2 * u) as u32;
                cap[bo + 1 + j] = INF;
                rev[bo + 1 + j] = first[2 * u] + 1 + q as u32;
            }
        }
        Split {
            first,
            head,
            cap,
            rev,
        }
    }

    #[inline]
    fn range(&self, x: usize) -> std::ops::Range<usize> {
        self.first[x] as usize..self.first[x + 1] as usize
    }
}

/// The smallest vertex separator between `sources` and `sinks` (disjoint, both
/// non-empty) of `g`, with the two sides. O(c · (n + m)) for a separator of `c`
/// nodes, usually far less (Dinic phases push many paths at once).
pub fn min_separator(split: &Split, sources: &[u32], sinks: &[u32]) -> Separation {
    min_separator_within(split, sources, sinks, &AtomicUsize::new(usize::MAX))
        .expect("no bound to exceed")
}

/// [`min_separator`], given up (`None`) once the flow exceeds `bound`; a
/// finished search lowers `bound` to its separator's size, so searches run side
/// by side stop as soon as another one has done better.
pub fn min_separator_within(
    split: &Split,
    sources: &[u32],
    sinks: &[u32],
    bound: &AtomicUsize,
) -> Option<Separation> {
    let n = split.first.len() / 2;
    let mut flow = vec![0i32; split.head.len()];
    // A search never enters another source's `in`: a path through it could
    // start there. So only sources next to a non-source start searches.
    let mut is_source = vec![false; n];
    for &s in sources {
        is_source[s as usize] = true;
    }
    let starts: Vec<u32> = sources
        .iter()
        .copied()
        .filter(|&s| {
            let x = 2 * s as usize + 1;
            split
                .range(x)
                .skip(1)
                .any(|a| !is_source[split.head[a] as usize / 2])
        })
        .collect();
    let mut is_sink = vec![false; n];
    for &t in sinks {
        is_sink[t as usize] = true;
    }
    // Rounds of depth-first searches from the sources (given nearest the sinks
    // first): a round marks what it visits, so nothing is entered twice in it,
    // augments along every path it finds, and ends after the last source; the
    // flow is maximum after a round that finds none.
    let mut mark = vec![0u32; 2 * n];
    let mut next_arc = vec![0usize; 2 * n];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let mut round = 0u32;
    let mut total = 0usize;
    loop {
        round += 1;
        let mut found = 0usize;
        'sources: for &s in &starts {
            let start = 2 * s as usize;
            if mark[start] == round {
                continue;
            }
            mark[start] = round;
            next_arc[start] = split.range(start).start;
            stack.clear();
            let mut x = start;
            loop {
                if x & 1 == 1 && is_sink[x / 2] {
                    for &(_, a) in &stack {
                        flow[a] += 1;
                        flow[split.rev[a] as usize] -= 1;
                    }
                    found += 1;
                    total += 1;
                    if total > bound.load(Ordering::Relaxed) {
                        return None;
                    }
                    continue 'sources;
                }
                let end = split.range(x).end;
                let mut advanced = false;
                while next_arc[x] < end {
                    let a = next_arc[x];
                    next_arc[x] += 1;
                    let y = split.head[a] as usize;
                    let other_source = y & 1 == 0 && is_source[y / 2];
                    if mark[y] != round && !other_source && split.cap[a] - flow[a] > 0 {
                        mark[y] = round;
                        next_arc[y] = split.range(y).start;
                        stack.push((x, a));
                        x = y;
                        advanced = true;
                        break;
                    }
                }
                if !advanced {
                    match stack.pop() {
                        Some((px, _)) => x = px,
                        None => break,
                    }
                }
            }
        }
        if found == 0 {
            break;
        }
    }
    let mut queue: Vec<u32> = Vec::with_capacity(2 * n);
    // Residual reachability from the sources.
    let mut seen = vec![false; 2 * n];
    queue.clear();
    for &s in sources {
        seen[2 * s as usize] = true;
        queue.push(2 * s);
    }
    let mut head = 0;
    while head < queue.len() {
        let x = queue[head] as usize;
        head += 1;
        for a in split.range(x) {
            let y = split.head[a] as usize;
            if !seen[y] && split.cap[a] - flow[a] > 0 {
                seen[y] = true;
                queue.push(y as u32);
            }
        }
    }
    let mut sep = Separation {
        separator: Vec::new(),
        source_side: Vec::new(),
        sink_side: Vec::new(),
    };
    for v in 0..n {
        match (seen[2 * v], seen[2 * v + 1]) {
            (true, false) => sep.separator.push(v as u32),
            (_, true) => sep.source_side.push(v as u32),
            (false, false) => sep.sink_side.push(v as u32),
        }
    }
    bound.fetch_min(sep.separator.len(), Ordering::Relaxed);
    Some(sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(w: u32, h: u32) -> Undirected {
        let id = |x: u32, y: u32| y * w + x;
        let mut e = Vec::new();
        for y in 0..h {
            for x in 0..w {
                if x + 1 < w {
                    e.push((id(x, y), id(x + 1, y)));
                }
                if y + 1 < h {
                    e.push((id(x, y), id(x, y + 1)));
                }
            }
        }
        Undirected::from_pairs((w * h) as usize, e)
    }

    fn separates(g: &Undirected, s: &Separation) -> bool {
        let mut side = vec![0u8; g.node_count()];
        for &v in &s.source_side {
            side[v as usize] = 1;
        }
        for &v in &s.sink_side {
            side[v as usize] = 2;
        }
        (0..g.node_count()).all(|v| {
            side[v] == 0
                || g.neighbours(v)
                    .iter()
                    .all(|&u| side[u as usize] == 0 || side[u as usize] == side[v])
        })
    }

    #[test]
    fn a_grid_is_cut_by_one_column() {
        let g = grid(10, 6);
        let left: Vec<u32> = (0..6).map(|y| y * 10).collect();
        let right: Vec<u32> = (0..6).map(|y| y * 10 + 9).collect();
        let s = min_separator(&Split::new(&g), &left, &right);
        assert_eq!(s.separator.len(), 6);
        assert!(separates(&g, &s));
        assert_eq!(
            s.separator.len() + s.source_side.len() + s.sink_side.len(),
            60
        );
    }

    #[test]
    fn a_bottleneck_node_is_found() {
        // Two triangles joined through node 3.
        let g = Undirected::from_pairs(
            7,
            [
                (0, 1),
                (1, 2),
                (2, 0),
                (2, 3),
                (3, 4),
                (4, 5),
                (5, 6),
                (6, 4),
            ],
        );
        let s = min_separator(&Split::new(&g), &[0], &[6]);
        assert_eq!(s.separator.len(), 1);
        assert!(separates(&g, &s));
    }

    #[test]
    fn adjacent_terminals_are_cut_at_a_terminal() {
        let g = Undirected::from_pairs(2, [(0, 1)]);
        let s = min_separator(&Split::new(&g), &[0], &[1]);
        assert_eq!(s.separator.len(), 1);
        assert!(separates(&g, &s));
    }

    #[test]
    fn induced_subgraphs_keep_only_inner_edges() {
        let g = grid(3, 3);
        let mut local = vec![u32::MAX; 9];
        let sub = g.induced(&[0, 1, 3, 8], &mut local);
        assert_eq!(sub.neighbours(0), &[1, 2]);
        assert_eq!(sub.neighbours(3), &[] as &[u32]);
        assert!(local.iter().all(|&x| x == u32::MAX));
    }
}
