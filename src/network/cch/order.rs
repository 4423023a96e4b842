//! The contraction order: nested dissection by inertial flow.
//!
//! Inertial flow (Schild and Sommer, "On Balanced Separators in Road Networks",
//! 2015) projects the nodes of a connected part onto a line in each of four
//! directions (0°, 45°, 90°, 135°), takes the first and last quarter along the
//! line as sources and sinks, and cuts between them with a minimum vertex
//! separator ([`super::cut`]); the direction with the smallest separator wins (the
//! more balanced one on ties). The separator gets the highest ranks of the part,
//! and each side is ordered the same way, recursively and in parallel. Parts of
//! at most [`LEAF`] nodes are ordered by minimum degree.
//!
//! The order depends on the graph's shape and coordinates only, not on travel
//! times, so one order serves every disruption. It is deterministic (the same
//! graph gives the same order on any thread count).
//! O(Σ over parts of c · (n + m)), for separators of `c` nodes.

use rayon::prelude::*;

use std::sync::atomic::AtomicUsize;

use super::cut::{min_separator_within, Split, Undirected};

/// Parts of at most this many nodes are ordered by minimum degree.
pub const LEAF: usize = 24;

/// Share of a part's nodes taken as sources, and as sinks, along each direction.
const TERMINAL_SHARE: f64 = 0.25;

/// A part being ordered: its graph, the planar position of each node and each
/// node's id in the whole graph.
struct Part {
    g: Undirected,
    xy: Vec<[f32; 2]>,
    ids: Vec<u32>,
}

/// The nested-dissection order of `g` (nodes at `lon_lat`, degrees): node ids,
/// lowest rank first (the node at position `r` gets rank `r`).
pub fn nested_dissection(g: &Undirected, lon_lat: &[[f64; 2]]) -> Vec<u32> {
    let n = g.node_count();
    if n == 0 {
        return Vec::new();
    }
    let lat0 = lon_lat.iter().map(|p| p[1]).sum::<f64>() / n as f64;
    let kx = lat0.to_radians().cos();
    let xy = lon_lat
        .iter()
        .map(|p| [(p[0] * kx) as f32, p[1] as f32])
        .collect();
    let whole = Part {
        g: g.clone(),
        xy,
        ids: (0..n as u32).collect(),
    };
    let order = dissect(whole);
    debug_assert_eq!(order.len(), n);
    order
}

fn dissect(part: Part) -> Vec<u32> {
    let n = part.ids.len();
    if n <= LEAF {
        return min_degree(&part.g)
            .into_iter()
            .map(|v| part.ids[v as usize])
            .collect();
    }
    let comps = components(&part.g);
    if comps.len() > 1 {
        let subs: Vec<Part> = comps.iter().map(|c| sub_part(&part, c)).collect();
        drop(part);
        return subs.into_par_iter().map(dissect).flatten().collect();
    }
    let sep = best_cut(&part);
    let (a, b) = (sub_part(&part, &sep.1), sub_part(&part, &sep.2));
    let top: Vec<u32> = sep.0.iter().map(|&v| part.ids[v as usize]).collect();
    drop(part);
    let (mut oa, ob) = rayon::join(|| dissect(a), || dissect(b));
    oa.extend(ob);
    oa.extend(top);
    oa
}

/// (separator, one side, other side) of the best of the four directions.
fn best_cut(part: &Part) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let n = part.ids.len();
    let k = ((n as f64 * TERMINAL_SHARE) as usize).max(1);
    let dirs: [[f32; 2]; 4] = [
        [1.0, 0.0],
        [0.0, 1.0],
        [
            std::f32::consts::FRAC_1_SQRT_2,
            std::f32::consts::FRAC_1_SQRT_2,
        ],
        [
            std::f32::consts::FRAC_1_SQRT_2,
            -std::f32::consts::FRAC_1_SQRT_2,
        ],
    ];
    // The widest spread first: its cut (across the part's long side) is
    // usually the smallest, and the bound it sets stops the others early.
    let spread = |d: &[f32; 2]| {
        let (lo, hi) = part.xy.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| {
            let k = p[0] * d[0] + p[1] * d[1];
            (lo.min(k), hi.max(k))
        });
        hi - lo
    };
    let mut dirs = dirs.to_vec();
    dirs.sort_by(|a, b| spread(b).total_cmp(&spread(a)));
    let bound = AtomicUsize::new(usize::MAX);
    let cuts: Vec<_> = dirs
        .par_iter()
        .filter_map(|d| {
            let key: Vec<f32> = part.xy.iter().map(|p| p[0] * d[0] + p[1] * d[1]).collect();
            let split = Split::ordered(&part.g, Some(&key));
            let mut by: Vec<(f32, u32)> = part
                .xy
                .iter()
                .enumerate()
                .map(|(v, p)| (p[0] * d[0] + p[1] * d[1], v as u32))
                .collect();
            let cmp = |x: &(f32, u32), y: &(f32, u32)| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1));
            by.select_nth_unstable_by(k - 1, cmp);
            // Sources nearest the sinks first.
            by[..k].sort_unstable_by(|x, y| cmp(y, x));
            let sources: Vec<u32> = by[..k].iter().map(|x| x.1).collect();
            let rest = &mut by[k..];
            let m = rest.len();
            rest.select_nth_unstable_by(m - k, cmp);
            let sinks: Vec<u32> = rest[m - k..].iter().map(|x| x.1).collect();
            min_separator_within(&split, &sources, &sinks, &bound)
        })
        .collect();
    let best = cuts
        .into_iter()
        .min_by_key(|s| {
            (
                s.separator.len(),
                s.source_side.len().max(s.sink_side.len()),
            )
        })
        .expect("four directions");
    (best.separator, best.source_side, best.sink_side)
}

fn sub_part(part: &Part, nodes: &[u32]) -> Part {
    let mut local = vec![u32::MAX; part.ids.len()];
    Part {
        g: part.g.induced(nodes, &mut local),
        xy: nodes.iter().map(|&v| part.xy[v as usize]).collect(),
        ids: nodes.iter().map(|&v| part.ids[v as usize]).collect(),
    }
}

/// Connected components, each sorted. O(n + m).
fn components(g: &Undirected) -> Vec<Vec<u32>> {
    let n = g.node_count();
    let mut comp = vec![u32::MAX; n];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for s in 0..n {
        if comp[s] != u32::MAX {
            continue;
        }
        let c = out.len() as u32;
        let mut members = vec![s as u32];
        comp[s] = c;
        stack.push(s as u32);
        while let Some(v) = stack.pop() {
            for &u in g.neighbours(v as usize) {
                if comp[u as usize] == u32::MAX {
                    comp[u as usize] = c;
                    members.push(u);
                    stack.push(u);
                }
            }
        }
        members.sort_unstable();
        out.push(members);
    }
    out
}

/// Minimum-degree elimination order of a small graph (ties by node id),
/// simulating the fill-in. O(n³).
fn min_degree(g: &Undirected) -> Vec<u32> {
    let n = g.node_count();
    let mut adj: Vec<Vec<u32>> = (0..n).map(|v| g.neighbours(v).to_vec()).collect();
    let mut gone = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for _ in 0..n {
        let v = (0..n)
            .filter(|&v| !gone[v])
            .min_by_key(|&v| (adj[v].len(), v))
            .expect("a node is left");
        gone[v] = true;
        order.push(v as u32);
        let nb = std::mem::take(&mut adj[v]);
        for &a in &nb {
            let list = &mut adj[a as usize];
            list.retain(|&x| x as usize != v);
            for &b in &nb {
                if b != a && !list.contains(&b) {
                    list.push(b);
                }
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_node_gets_one_rank() {
        let (w, h) = (40u32, 30u32);
        let id = |x: u32, y: u32| y * w + x;
        let mut e = Vec::new();
        let mut pts = Vec::new();
        for y in 0..h {
            for x in 0..w {
                pts.push([116.0 + f64::from(x) * 1e-3, 39.9 + f64::from(y) * 1e-3]);
                if x + 1 < w {
                    e.push((id(x, y), id(x + 1, y)));
                }
                if y + 1 < h {
                    e.push((id(x, y), id(x, y + 1)));
                }
            }
        }
        let g = Undirected::from_pairs((w * h) as usize, e);
        let order = nested_dissection(&g, &pts);
        let mut seen = order.clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..w * h).collect::<Vec<_>>());
        // The top separator of a 40 × 30 grid is at most 30 nodes (a column or
        // an anti-diagonal): without the last 30 ranked, the grid falls apart
        // into parts of at least a quarter each.
        let mut keep: Vec<u32> = order[..order.len() - 30].to_vec();
        keep.sort_unstable();
        let mut local = vec![u32::MAX; g.node_count()];
        let parts = components(&g.induced(&keep, &mut local));
        assert!(parts.len() >= 2, "{} parts", parts.len());
        let big = parts.iter().filter(|p| p.len() >= 1200 / 5).count();
        assert_eq!(
            big,
            2,
            "{:?}",
            parts.iter().map(Vec::len).collect::<Vec<_>>()
        );
    }

    #[test]
    fn min_degree_takes_leaves_first() {
        let g = Undirected::from_pairs(4, [(0, 1), (1, 2), (2, 3), (1, 3)]);
        assert_eq!(min_degree(&g)[0], 0);
    }
}
