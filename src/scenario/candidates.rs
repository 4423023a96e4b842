//! Candidate stockpile sites from the scenario's OSM extract: depots and
//! warehouses, underground car parks, and disused buildings (the reserve-space
//! sources of seed 002 §8.2) around the scenario's shelters, spread out, written
//! as `candidates.csv`.
//!
//! When the extract has too few such objects (the bundled Beijing extract holds
//! roads only), the rest are **assumed sites** on a regular grid over the
//! shelters, each moved to its nearest road node, with [`ASSUMED_PERSONS`] each
//! (the size of Xicheng's planned district warehouses, SPEC §1).
//!
//! Capacity is an assumption: [`PERSONS_PER_M2`] persons of first batch and relief
//! per m² of footprint (relief kits stacked 2 m high, half the floor for aisles),
//! clamped to [`MIN_PERSONS`]–[`MAX_PERSONS`].

use std::path::Path;

use crate::io::osm_spaces::{read_open_spaces, OsmSpacesError, SpaceKind};
use crate::network::geo::haversine_m;
use crate::network::{RoadGraph, Snapper};
use crate::scenario::Scenario;

/// Persons of stock one m² of footprint holds (assumption, see module docs).
pub const PERSONS_PER_M2: f64 = 20.0;
/// Smallest site capacity, persons.
pub const MIN_PERSONS: f64 = 500.0;
/// Largest site capacity, persons.
pub const MAX_PERSONS: f64 = 50_000.0;
/// Capacity of an assumed grid site, persons (Xicheng plans district warehouses
/// stocked for 5 000 people).
pub const ASSUMED_PERSONS: u32 = 5_000;
/// Margin around the shelters' bounding box, degrees (~2 km).
pub const MARGIN_DEG: f64 = 0.02;

/// One generated candidate row.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateRow {
    /// `C<n>-<osm id>`.
    pub id: String,
    /// OSM name, or the kind and id.
    pub name: String,
    /// `[lon, lat]`.
    pub at: [f64; 2],
    /// Persons.
    pub capacity_persons: u32,
    /// Kind (`depot`, `underground`, `vacated` or `assumed`).
    pub kind: String,
}

/// Picks up to `count` candidate sites, largest first, at least `spacing_m` apart
/// and from existing warehouses, inside the shelters' bounding box (+ margin).
pub fn pick_candidates(
    sc: &Scenario,
    graph: &RoadGraph,
    count: usize,
    spacing_m: f64,
) -> Result<(Vec<CandidateRow>, usize), OsmSpacesError> {
    let (spaces, _) = read_open_spaces(&sc.network)?;
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for s in &sc.shelters {
        lo = [lo[0].min(s.lon), lo[1].min(s.lat)];
        hi = [hi[0].max(s.lon), hi[1].max(s.lat)];
    }
    let inside = |p: [f64; 2]| {
        p[0] >= lo[0] - MARGIN_DEG
            && p[0] <= hi[0] + MARGIN_DEG
            && p[1] >= lo[1] - MARGIN_DEG
            && p[1] <= hi[1] + MARGIN_DEG
    };
    let mut pool: Vec<_> = spaces
        .into_iter()
        .filter(|s| {
            matches!(
                s.kind,
                SpaceKind::Depot | SpaceKind::Underground | SpaceKind::Vacated
            )
        })
        .filter(|s| inside(s.centroid))
        .collect();
    let found = pool.len();
    pool.sort_by(|a, b| {
        b.area_m2
            .total_cmp(&a.area_m2)
            .then(a.osm_id.cmp(&b.osm_id))
    });
    let mut taken: Vec<[f64; 2]> = sc.warehouses.iter().map(|w| [w.lon, w.lat]).collect();
    let mut out = Vec::new();
    for s in pool {
        if out.len() >= count {
            break;
        }
        if taken
            .iter()
            .any(|&q| haversine_m(q, s.centroid) < spacing_m)
        {
            continue;
        }
        taken.push(s.centroid);
        let name = if s.name.is_empty() {
            format!("{} {}", s.kind.as_str(), s.osm_id)
        } else {
            s.name.clone()
        };
        out.push(CandidateRow {
            id: format!("C{}-{}", out.len() + 1, s.osm_id),
            name,
            at: [
                (s.centroid[0] * 1e6).round() / 1e6,
                (s.centroid[1] * 1e6).round() / 1e6,
            ],
            capacity_persons: (s.area_m2 * PERSONS_PER_M2)
                .clamp(MIN_PERSONS, MAX_PERSONS)
                .round() as u32,
            kind: s.kind.as_str().to_string(),
        });
    }
    // Fill up with assumed grid sites: a square grid dense enough to leave `count`
    // points after spacing, scanned row by row.
    let snapper = Snapper::new(graph);
    let mut side = (count as f64).sqrt().ceil() as usize + 1;
    while out.len() < count && side <= 4 * count + 4 {
        for gy in 0..side {
            for gx in 0..side {
                if out.len() >= count {
                    break;
                }
                let p = [
                    lo[0] + (hi[0] - lo[0]) * (gx as f64 + 0.5) / side as f64,
                    lo[1] + (hi[1] - lo[1]) * (gy as f64 + 0.5) / side as f64,
                ];
                let Some(snap) = snapper.nearest(p) else {
                    continue;
                };
                let q = graph.coord(snap.node);
                if taken.iter().any(|&t| haversine_m(t, q) < spacing_m) {
                    continue;
                }
                taken.push(q);
                out.push(CandidateRow {
                    id: format!("C{}-grid", out.len() + 1),
                    name: format!(
                        "assumed site near road node {}",
                        graph.source_id[snap.node as usize]
                    ),
                    at: [(q[0] * 1e6).round() / 1e6, (q[1] * 1e6).round() / 1e6],
                    capacity_persons: ASSUMED_PERSONS,
                    kind: "assumed".into(),
                });
            }
        }
        side *= 2;
    }
    Ok((out, found))
}

/// Writes `candidates.csv`.
pub fn write_candidates(path: &Path, rows: &[CandidateRow]) -> std::io::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(["id", "name", "lon", "lat", "capacity_persons", "kind"])?;
    for r in rows {
        w.write_record([
            r.id.clone(),
            r.name.clone(),
            format!("{:.6}", r.at[0]),
            format!("{:.6}", r.at[1]),
            r.capacity_persons.to_string(),
            r.kind.clone(),
        ])?;
    }
    w.flush()
}
