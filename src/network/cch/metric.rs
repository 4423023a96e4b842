//! Customization: the arc weights of a CCH under one set of edge travel times.
//!
//! Every arc gets the travel time of the road edges it stands for, in each
//! direction (closed = [`INF`]); then, for each node `z` in rank order and each
//! pair `x < y` of its upward neighbours, the lower triangle `x → z → y` may
//! shorten the arc `x → y` (and `y → z → x` the arc back). Once `z`'s turn is
//! over its own arcs are final, since every triangle below them has a lower
//! bottom node. The result is exact for the elimination-tree queries of
//! [`super::query`] (basic customization, Dibbelt, Strasser, Wagner 2016, §5).
//!
//! Each arc also keeps the length of the route it was shortened by and its
//! middle node, so matrices carry distances and routes unpack into road edges;
//! a *times-only* metric ([`Metric::customize_times`]) keeps travel times alone,
//! for sweeps that need nothing else (2.0–2.3× faster, measured in
//! `benches/README.md`). O(number of lower triangles), single-threaded;
//! milliseconds per city.

use super::contract::{Topology, DOWNWARD, NONE};

/// Travel time of an arc with no route, milliseconds.
pub const INF: u32 = u32::MAX;

/// Weights of one direction of every arc. `metres`, `mid` and `edge` are
/// empty in a times-only metric (see [`Direction::has_routes`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Direction {
    /// Travel time, milliseconds ([`INF`]: no route).
    pub ms: Vec<u32>,
    /// Length of that route, metres.
    pub metres: Vec<f32>,
    /// Middle node (a rank) of the triangle the route takes, or [`NONE`] when the
    /// route is one road edge.
    pub mid: Vec<u32>,
    /// The road edge when `mid` is [`NONE`] (else unused).
    pub edge: Vec<u32>,
}

impl Direction {
    fn new(arcs: usize, routes: bool) -> Self {
        let keep = if routes { arcs } else { 0 };
        Self {
            ms: vec![INF; arcs],
            metres: vec![0.0; keep],
            mid: vec![NONE; keep],
            edge: vec![NONE; keep],
        }
    }

    /// True when the direction keeps routes (lengths, middle nodes and road
    /// edges) besides travel times.
    pub fn has_routes(&self) -> bool {
        self.metres.len() == self.ms.len()
    }
}

/// A customized CCH: upward weights (lower rank to higher) and downward ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// From each arc's lower end to its higher end.
    pub up: Direction,
    /// From each arc's higher end to its lower end.
    pub down: Direction,
}

impl Metric {
    /// Customizes `topo` for edge travel times `time_ms` ([`INF`] = closed) and
    /// lengths `length_m` (metres), both indexed by road edge.
    pub fn customize(topo: &Topology, time_ms: &[u32], length_m: &[f32]) -> Metric {
        Self::build::<true>(topo, time_ms, length_m)
    }

    /// [`Metric::customize`] keeping travel times only: the same `ms`, no
    /// distances, no routes to unpack (for time matrices, see
    /// [`super::batch`]).
    pub fn customize_times(topo: &Topology, time_ms: &[u32]) -> Metric {
        Self::build::<false>(topo, time_ms, &[])
    }

    /// True when the metric keeps routes (see [`Metric::customize_times`]).
    pub fn has_routes(&self) -> bool {
        self.up.has_routes()
    }

    fn build<const ROUTES: bool>(topo: &Topology, time_ms: &[u32], length_m: &[f32]) -> Metric {
        let m = topo.arc_count();
        let (mut up, mut down) = (Direction::new(m, ROUTES), Direction::new(m, ROUTES));
        for (e, (&code, &ms)) in topo.edge_arc.iter().zip(time_ms).enumerate() {
            if code == NONE || ms == INF {
                continue;
            }
            let a = (code & !DOWNWARD) as usize;
            let d = if code & DOWNWARD == 0 {
                &mut up
            } else {
                &mut down
            };
            if ms < d.ms[a] {
                d.ms[a] = ms;
                if ROUTES {
                    d.metres[a] = length_m[e];
                    d.edge[a] = e as u32;
                }
            }
        }
        for z in 0..topo.node_count() as u32 {
            let rz = topo.up(z);
            for i in rz.clone() {
                let (x_to_z, z_to_x) = (down.ms[i], up.ms[i]);
                if x_to_z == INF && z_to_x == INF {
                    continue;
                }
                let x = topo.up_head[i];
                let mut p = topo.up(x).start;
                for j in i + 1..rz.end {
                    let y = topo.up_head[j];
                    while topo.up_head[p] != y {
                        p += 1;
                    }
                    let via = x_to_z.saturating_add(up.ms[j]);
                    if via < up.ms[p] {
                        up.ms[p] = via;
                        if ROUTES {
                            up.metres[p] = down.metres[i] + up.metres[j];
                            up.mid[p] = z;
                        }
                    }
                    let back = down.ms[j].saturating_add(z_to_x);
                    if back < down.ms[p] {
                        down.ms[p] = back;
                        if ROUTES {
                            down.metres[p] = down.metres[j] + up.metres[i];
                            down.mid[p] = z;
                        }
                    }
                }
            }
        }
        Metric { up, down }
    }

    /// The road edges of arc `a` (between ranks `lo < hi`) driven upward
    /// (`lo → hi`) or downward, appended to `out` in driving order.
    /// O(edges appended · log deg).
    pub fn unpack(&self, topo: &Topology, a: usize, upward: bool, out: &mut Vec<u32>) {
        let (lo, hi) = (topo.up_tail[a], topo.up_head[a]);
        let d = if upward { &self.up } else { &self.down };
        let z = d.mid[a];
        if z == NONE {
            out.push(d.edge[a]);
            return;
        }
        let zl = topo.arc(z, lo).expect("triangle arc");
        let zh = topo.arc(z, hi).expect("triangle arc");
        if upward {
            // lo → z → hi
            self.unpack(topo, zl, false, out);
            self.unpack(topo, zh, true, out);
        } else {
            // hi → z → lo
            self.unpack(topo, zh, false, out);
            self.unpack(topo, zl, true, out);
        }
    }
}
