//! Damage scenarios for siting: many plausible ways the roads could fail, sampled
//! reproducibly from a seed. Scenario 0 is the scenario as given; every other one
//! adds, on top of it (times only ever go up):
//!
//! - **an epicentre** — the first ones spread over the shelters (farthest-point
//!   sweep, as the audit's events), the rest uniform over the shelters' bounding
//!   box. Within [`RADIUS_KM`] a road closes with probability
//!   [`CLOSE_AT_CENTRE`] × (1 − d/R) (collapse, debris) and is slowed by up to
//!   [`SLOW_AT_CENTRE`]× at the centre, falling linearly to 1× at R;
//! - **bridge failures** — an OSM bridge within 2R fails with probability
//!   [`BRIDGE_NEAR`] × (1 − d/2R), any other bridge with [`BRIDGE_FAR`];
//! - **hazard polygons** — each of the scenario's slowed areas that slows to
//!   [`HAZARD_FACTOR`] or less (debris, landslide — not mere traffic) becomes
//!   impassable with probability [`HAZARD_CLOSE`].
//!
//! Decisions are drawn per OSM way (both directions of a road fail together) from
//! a hash of (seed, scenario, way), so results do not depend on thread count.
//! All probabilities and factors are assumptions, listed in scenarios/README.md.

use crate::network::disruption::{EdgeWeights, SlowArea, CLOSED};
use crate::network::graph::EdgeId;
use crate::network::RoadGraph;

/// Radius of an epicentre's damage, km.
pub const RADIUS_KM: f64 = 3.0;
/// Closure probability of a road at the epicentre.
pub const CLOSE_AT_CENTRE: f64 = 0.25;
/// Travel-time multiplier at the epicentre.
pub const SLOW_AT_CENTRE: f64 = 2.0;
/// Failure probability of a bridge at the epicentre (within 2R, falling linearly).
pub const BRIDGE_NEAR: f64 = 0.5;
/// Failure probability of any other bridge.
pub const BRIDGE_FAR: f64 = 0.02;
/// Slow areas at or below this speed factor count as hazards that may close.
pub const HAZARD_FACTOR: f64 = 0.5;
/// Probability that a slowed hazard area becomes impassable.
pub const HAZARD_CLOSE: f64 = 0.25;

/// A uniform draw in [0, 1) from a hash of the inputs (SplitMix64 finaliser).
pub fn draw(seed: u64, scenario: u64, key: u64) -> f64 {
    let mut z = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(scenario.wrapping_mul(0xBF58_476D_1CE4_E5B9))
        .wrapping_add(key.wrapping_mul(0x94D0_49BB_1331_11EB));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// What one damage scenario is.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DamageScenario {
    /// Index (0 = as given).
    pub index: usize,
    /// Epicentre `[lon, lat]`, none for scenario 0.
    pub epicentre: Option<[f64; 2]>,
    /// Edges closed on top of the scenario's own closures.
    pub closed_edges: usize,
    /// Edges slowed.
    pub slowed_edges: usize,
    /// Bridges (OSM ways) failed.
    pub bridges_failed: usize,
    /// Hazard areas (by label) made impassable.
    pub hazards_closed: Vec<String>,
    /// The main roads it closes, by name (by class and OSM way id where the
    /// extract has no name): up to [`NAMED_ROADS`], the highest classes first,
    /// then the longest closed length.
    #[serde(default)]
    pub closed_roads: Vec<String>,
}

/// Named roads listed per damage scenario.
pub const NAMED_ROADS: usize = 5;

/// Precomputed geometry for fast sampling.
pub struct DamageModel<'a> {
    graph: &'a RoadGraph,
    base: &'a EdgeWeights,
    /// Edge midpoints in a local plane, km.
    mid_km: Vec<[f64; 2]>,
    /// Edges of each hazard area (index parallel to `hazards`).
    hazard_edges: Vec<Vec<EdgeId>>,
    hazards: Vec<String>,
    is_bridge: Vec<bool>,
    origin: [f64; 2],
    seed: u64,
}

fn km_per_deg(lat: f64) -> [f64; 2] {
    [111.32 * lat.to_radians().cos(), 110.57]
}

impl<'a> DamageModel<'a> {
    /// Prepares sampling on `graph` with the scenario's weights `base`, its slowed
    /// areas and the bridge way ids.
    pub fn new(
        graph: &'a RoadGraph,
        base: &'a EdgeWeights,
        slow_areas: &[SlowArea],
        bridge_ways: &[i64],
        seed: u64,
    ) -> Self {
        let origin = [graph.lon[0], graph.lat[0]];
        let k = km_per_deg(origin[1]);
        let mid_km = (0..graph.edge_count())
            .map(|e| {
                let (a, b) = (graph.coord(graph.tail[e]), graph.coord(graph.head[e]));
                [
                    ((a[0] + b[0]) / 2.0 - origin[0]) * k[0],
                    ((a[1] + b[1]) / 2.0 - origin[1]) * k[1],
                ]
            })
            .collect();
        let hazard_areas: Vec<&SlowArea> = slow_areas
            .iter()
            .filter(|s| s.factor <= HAZARD_FACTOR)
            .collect();
        let hazard_edges = hazard_areas
            .iter()
            .map(|s| {
                (0..graph.edge_count())
                    .filter(|&e| {
                        let (a, b) = (graph.coord(graph.tail[e]), graph.coord(graph.head[e]));
                        s.area.contains(a)
                            || s.area.contains(b)
                            || s.area.contains([(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0])
                    })
                    .map(|e| e as EdgeId)
                    .collect()
            })
            .collect();
        let is_bridge = graph
            .way_id
            .iter()
            .map(|w| bridge_ways.binary_search(w).is_ok())
            .collect();
        Self {
            graph,
            base,
            mid_km,
            hazard_edges,
            hazards: hazard_areas.iter().map(|s| s.label.clone()).collect(),
            is_bridge,
            origin,
            seed,
        }
    }

    /// Bridge edges in the graph.
    pub fn bridge_edges(&self) -> usize {
        self.is_bridge.iter().filter(|&&b| b).count()
    }

    fn to_km(&self, p: [f64; 2]) -> [f64; 2] {
        let k = km_per_deg(self.origin[1]);
        [
            (p[0] - self.origin[0]) * k[0],
            (p[1] - self.origin[1]) * k[1],
        ]
    }

    /// Writes scenario `index`'s weights into `weights` (which must hold the base
    /// weights on entry and is restored by the caller from `changed`), returning the
    /// changed edges and a description. `epicentre` is ignored for index 0.
    pub fn apply(
        &self,
        index: usize,
        epicentre: [f64; 2],
        weights: &mut EdgeWeights,
        changed: &mut Vec<EdgeId>,
    ) -> DamageScenario {
        changed.clear();
        let mut d = DamageScenario {
            index,
            epicentre: None,
            closed_edges: 0,
            slowed_edges: 0,
            bridges_failed: 0,
            hazards_closed: Vec::new(),
            closed_roads: Vec::new(),
        };
        if index == 0 {
            return d;
        }
        d.epicentre = Some(epicentre);
        let c = self.to_km(epicentre);
        let s = index as u64;
        let mut failed_bridges = std::collections::BTreeSet::new();
        for e in 0..self.graph.edge_count() {
            let t0 = self.base.time_ms[e];
            if t0 == CLOSED {
                continue;
            }
            let m = self.mid_km[e];
            let dist = ((m[0] - c[0]).powi(2) + (m[1] - c[1]).powi(2)).sqrt();
            let way = self.graph.way_id[e] as u64;
            let u = draw(self.seed, s, way);
            let closed = if self.is_bridge[e] {
                let p = if dist < 2.0 * RADIUS_KM {
                    BRIDGE_NEAR * (1.0 - dist / (2.0 * RADIUS_KM))
                } else {
                    BRIDGE_FAR
                };
                let f = u < p;
                if f {
                    failed_bridges.insert(way);
                }
                f
            } else {
                dist < RADIUS_KM && u < CLOSE_AT_CENTRE * (1.0 - dist / RADIUS_KM)
            };
            if closed {
                weights.time_ms[e] = CLOSED;
                changed.push(e as EdgeId);
                d.closed_edges += 1;
            } else if dist < RADIUS_KM {
                let f = 1.0 + (SLOW_AT_CENTRE - 1.0) * (1.0 - dist / RADIUS_KM);
                let t = (f64::from(t0) * f).round().min(f64::from(CLOSED - 1)) as u32;
                if t > t0 {
                    weights.time_ms[e] = t;
                    changed.push(e as EdgeId);
                    d.slowed_edges += 1;
                }
            }
        }
        d.bridges_failed = failed_bridges.len();
        for (h, edges) in self.hazard_edges.iter().enumerate() {
            if draw(self.seed, s, u64::MAX - h as u64) < HAZARD_CLOSE {
                d.hazards_closed.push(self.hazards[h].clone());
                for &e in edges {
                    if weights.time_ms[e as usize] != CLOSED {
                        if weights.time_ms[e as usize] == self.base.time_ms[e as usize] {
                            changed.push(e);
                        }
                        weights.time_ms[e as usize] = CLOSED;
                        d.closed_edges += 1;
                    }
                }
            }
        }
        d.closed_roads = self.named_closed(weights, changed);
        d
    }

    /// The main roads closed among `changed` edges (see
    /// [`DamageScenario::closed_roads`]).
    fn named_closed(&self, weights: &EdgeWeights, changed: &[EdgeId]) -> Vec<String> {
        let g = self.graph;
        let mut roads: std::collections::BTreeMap<String, (u8, f64)> = Default::default();
        for &e in changed
            .iter()
            .filter(|&&e| weights.time_ms[e as usize] == CLOSED)
        {
            let Some(w) = crate::network::ways::find(&g.ways, g.way_id[e as usize]) else {
                continue;
            };
            let rank = w.class.rank();
            // Extracts without names (the bundled Beijing one) still say which
            // road: its class and OSM way.
            let label = w
                .label()
                .unwrap_or_else(|| format!("OSM way {} ({})", w.id, w.class.name()));
            let r = roads.entry(label).or_insert((rank, 0.0));
            r.0 = r.0.min(rank);
            r.1 += f64::from(g.length_m[e as usize]);
        }
        let mut v: Vec<(String, (u8, f64))> = roads.into_iter().collect();
        v.sort_by(|a, b| (a.1 .0.cmp(&b.1 .0)).then(b.1 .1.total_cmp(&a.1 .1)));
        v.into_iter()
            .take(NAMED_ROADS)
            .map(|(label, _)| label)
            .collect()
    }

    /// Restores `weights` to the base on `changed` edges.
    pub fn restore(&self, weights: &mut EdgeWeights, changed: &[EdgeId]) {
        for &e in changed {
            weights.time_ms[e as usize] = self.base.time_ms[e as usize];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_uniform_and_reproducible() {
        let xs: Vec<f64> = (0..10_000).map(|k| draw(7, 3, k)).collect();
        assert!(xs.iter().all(|&x| (0.0..1.0).contains(&x)));
        let m = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((m - 0.5).abs() < 0.02, "mean {m}");
        assert_eq!(draw(7, 3, 11), draw(7, 3, 11));
        assert_ne!(draw(7, 3, 11), draw(8, 3, 11));
    }
}
