//! A generated grid city, for benches and peer comparisons at sizes no bundled
//! extract reaches.

use solver::gen::SplitMix;

use super::graph::{GraphError, RoadGraph};
use super::raw::{RawNetwork, RawNode, RawSegment};

/// A `rows × cols` grid city (≈ 130 m × 100 m blocks from 116.0° E, 39.5° N) of
/// two-way streets at 18–65 km/h, with 5 % of the blocks missing, built through
/// the same builder as OSM data (largest strongly connected component, Hilbert
/// order). `rows = cols = 1000` gives 10⁶ nodes and ≈ 3.8·10⁶ directed edges.
pub fn grid_city(rows: usize, cols: usize, seed: u64) -> Result<RoadGraph, GraphError> {
    let mut rng = SplitMix::new(seed);
    let nodes = (0..rows * cols)
        .map(|i| RawNode {
            source_id: i as i64,
            lon: 116.0 + (i % cols) as f64 * 0.0012,
            lat: 39.5 + (i / cols) as f64 * 0.0009,
        })
        .collect();
    let mut segments = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            let u = (r * cols + c) as u32;
            for v in [
                (c + 1 < cols).then(|| u + 1),
                (r + 1 < rows).then(|| u + cols as u32),
            ]
            .into_iter()
            .flatten()
            {
                if rng.range(0, 99) < 5 {
                    continue;
                }
                let speed = [18.0, 25.0, 38.0, 45.0, 65.0][rng.range(0, 4) as usize];
                for (a, b) in [(u, v), (v, u)] {
                    segments.push(RawSegment {
                        from: a,
                        to: b,
                        way_id: i64::from(u),
                        speed_kmh: speed,
                        two_way: true,
                    });
                }
            }
        }
    }
    RoadGraph::build(&RawNetwork {
        nodes,
        segments,
        bridge_ways: Vec::new(),
        ways: Vec::new(),
        report: Default::default(),
    })
}
