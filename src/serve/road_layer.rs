//! The roads the console draws: the graph's edges joined into one polyline per
//! stretch of way, simplified per zoom level (Douglas–Peucker to about a pixel),
//! as JSON cached per zoom. No tile server exists offline, so the page draws the
//! network the service routes on from this.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use crate::network::geo::{segment_distance, LocalProjection};
use crate::network::ways::{find, RoadClass};
use crate::network::{NodeId, RoadGraph};

/// Below this zoom, minor roads are left out when the graph knows road classes.
pub const MINOR_FROM_ZOOM: u8 = 13;

/// One stretch of a way: its id, class, and nodes in order.
struct Line {
    way: i64,
    class: RoadClass,
    nodes: Vec<NodeId>,
}

/// Road polylines of one graph, and their JSON per zoom level.
#[derive(Default)]
pub struct RoadLayer {
    lines: OnceLock<Vec<Line>>,
    by_zoom: Mutex<HashMap<u8, Arc<String>>>,
}

impl RoadLayer {
    /// The JSON of the roads at `zoom` (`{"zoom", "ways": [[id, class rank,
    /// [[lon, lat], …]], …]}`), built on first use and kept.
    pub fn get(&self, graph: &RoadGraph, zoom: u8) -> Arc<String> {
        if let Some(j) = self.by_zoom.lock().expect("road layer lock").get(&zoom) {
            return j.clone();
        }
        let lines = self.lines.get_or_init(|| lines(graph));
        let json = Arc::new(render(graph, lines, zoom));
        self.by_zoom
            .lock()
            .expect("road layer lock")
            .insert(zoom, json.clone());
        json
    }
}

/// The graph's edges, each road once (a two-way road's two edges are one), joined
/// into maximal polylines per way.
fn lines(graph: &RoadGraph) -> Vec<Line> {
    let mut segs: Vec<(i64, NodeId, NodeId)> = (0..graph.edge_count())
        .map(|e| {
            let (u, v) = (graph.tail[e], graph.head[e]);
            (graph.way_id[e], u.min(v), u.max(v))
        })
        .collect();
    segs.sort_unstable();
    segs.dedup();
    let mut out = Vec::new();
    let mut start = 0;
    while start < segs.len() {
        let way = segs[start].0;
        let end = start + segs[start..].iter().take_while(|s| s.0 == way).count();
        let class = find(&graph.ways, way).map_or(RoadClass::Minor, |w| w.class);
        for nodes in chains(&segs[start..end]) {
            out.push(Line { way, class, nodes });
        }
        start = end;
    }
    out
}

/// The segments of one way (`(way, u, v)`) joined into chains of nodes.
fn chains(segs: &[(i64, NodeId, NodeId)]) -> Vec<Vec<NodeId>> {
    let mut at: HashMap<NodeId, Vec<usize>> = HashMap::new();
    for (k, s) in segs.iter().enumerate() {
        at.entry(s.1).or_default().push(k);
        at.entry(s.2).or_default().push(k);
    }
    let mut used = vec![false; segs.len()];
    let other = |k: usize, n: NodeId| if segs[k].1 == n { segs[k].2 } else { segs[k].1 };
    let mut out = Vec::new();
    // Start at chain ends (nodes of odd degree) first, then close the loops.
    let mut starts: Vec<NodeId> = at
        .iter()
        .filter(|(_, ks)| ks.len() % 2 == 1)
        .map(|(&n, _)| n)
        .collect();
    starts.sort_unstable();
    let mut all: Vec<NodeId> = at.keys().copied().collect();
    all.sort_unstable();
    starts.extend(all);
    for s in starts {
        while let Some(&k) = at[&s].iter().find(|&&k| !used[k]) {
            let mut chain = vec![s];
            let (mut node, mut next) = (s, Some(k));
            while let Some(k) = next {
                used[k] = true;
                node = other(k, node);
                chain.push(node);
                next = at[&node].iter().copied().find(|&k| !used[k]);
            }
            out.push(chain);
        }
    }
    out
}

/// The lines at `zoom` as JSON.
fn render(graph: &RoadGraph, lines: &[Line], zoom: u8) -> String {
    let classed = lines.iter().any(|l| l.class != RoadClass::Minor);
    let lat0 = graph.lat.iter().sum::<f64>() / graph.lat.len().max(1) as f64;
    let proj = LocalProjection::new(lat0);
    // Metres per pixel of a 256-pixel Web Mercator tile at this zoom and latitude.
    let tolerance = 156_543.03 * lat0.to_radians().cos() / f64::from(1u32 << zoom);
    let mut s = String::with_capacity(lines.len() * 64);
    let _ = write!(s, "{{\"zoom\":{zoom},\"ways\":[");
    let mut first = true;
    for l in lines {
        if classed && zoom < MINOR_FROM_ZOOM && l.class == RoadClass::Minor {
            continue;
        }
        let pts: Vec<[f64; 2]> = l.nodes.iter().map(|&n| graph.coord(n)).collect();
        let xy: Vec<[f64; 2]> = pts.iter().map(|&p| proj.project(p)).collect();
        let keep = simplify(&xy, tolerance);
        if !first {
            s.push(',');
        }
        first = false;
        let _ = write!(s, "[{},{},[", l.way, l.class.rank());
        for (k, &i) in keep.iter().enumerate() {
            if k > 0 {
                s.push(',');
            }
            let _ = write!(s, "[{:.5},{:.5}]", pts[i][0], pts[i][1]);
        }
        s.push_str("]]");
    }
    s.push_str("]}");
    s
}

/// Indices of the points Douglas–Peucker keeps at `tolerance` (same units as the
/// points); the ends are always kept.
fn simplify(p: &[[f64; 2]], tolerance: f64) -> Vec<usize> {
    let n = p.len();
    if n <= 2 {
        return (0..n).collect();
    }
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    let mut stack = vec![(0, n - 1)];
    while let Some((a, b)) = stack.pop() {
        let (mut far, mut at) = (0.0, 0);
        for i in a + 1..b {
            let d = segment_distance(p[i], p[a], p[b]);
            if d > far {
                (far, at) = (d, i);
            }
        }
        if far > tolerance {
            keep[at] = true;
            stack.push((a, at));
            stack.push((at, b));
        }
    }
    (0..n).filter(|&i| keep[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_join_segments_and_cover_each_once() {
        // A path 1-2-3-4 given out of order, and a triangle 5-6-7.
        let segs = vec![
            (9, 3, 4),
            (9, 1, 2),
            (9, 2, 3),
            (9, 5, 6),
            (9, 6, 7),
            (9, 5, 7),
        ];
        let mut segs = segs;
        segs.sort_unstable();
        let c = chains(&segs);
        let edges: usize = c.iter().map(|x| x.len() - 1).sum();
        assert_eq!(edges, segs.len());
        assert!(c
            .iter()
            .any(|x| x == &vec![1, 2, 3, 4] || x == &vec![4, 3, 2, 1]));
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn simplify_keeps_corners_and_drops_near_straight_points() {
        let p = [[0.0, 0.0], [1.0, 0.01], [2.0, 0.0], [2.0, 5.0]];
        assert_eq!(simplify(&p, 0.1), vec![0, 2, 3]);
        assert_eq!(simplify(&p, 0.001), vec![0, 1, 2, 3]);
    }
}
