//! The road network: OSM ingest → routable truck graph → disruption → snapping →
//! travel-time matrix and routes. Files are read in [`osm`] and [`cache`] only.

pub mod cache;
pub mod cch;
pub mod dijkstra;
pub mod disruption;
pub mod engine;
pub mod export;
pub mod geo;
pub mod graph;
pub mod matrix;
pub mod osm;
pub mod pbf_frame;
pub mod profile;
pub mod raw;
pub mod repair;
pub mod route;
pub mod snap;
pub mod synthetic;
pub mod tags;
pub mod ways;

use std::path::Path;
use std::time::Instant;

use crate::progress::Progress;

pub use disruption::{Disruption, EdgeWeights, SlowArea};
pub use engine::{Engine, Router};
pub use graph::{NodeId, RoadGraph};
pub use matrix::{travel_matrix, DijkstraEngine, Leg, MatrixEngine, TravelMatrix};
pub use profile::Profile;
pub use snap::{RoadSnap, Snap, Snapper};

/// Errors loading a road network.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    /// Reading the PBF failed.
    #[error(transparent)]
    Osm(#[from] osm::OsmError),
    /// Building the graph failed.
    #[error("{path}: {source}")]
    Graph {
        /// The road source.
        path: String,
        /// The builder's error.
        source: graph::GraphError,
    },
    /// The source could not be hashed for the cache key.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The road source.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Whether to use the prepared-graph cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheMode {
    /// Load the cache when valid, write it after a build.
    Use,
    /// Always parse; do not touch the cache file.
    Bypass,
}

/// A loaded graph and how it was obtained.
pub struct LoadedGraph {
    /// The graph.
    pub graph: RoadGraph,
    /// True when it came from the cache.
    pub from_cache: bool,
    /// Wall time to obtain it, seconds.
    pub seconds: f64,
}

/// Loads the truck graph of a `.osm.pbf`, from the cache when it is valid;
/// parsing the PBF reports its progress to `progress`.
pub fn load_graph(
    pbf: &Path,
    profile: &Profile,
    cache_mode: CacheMode,
    progress: &dyn Progress,
) -> Result<LoadedGraph, NetworkError> {
    let start = Instant::now();
    let done = |graph, from_cache| LoadedGraph {
        graph,
        from_cache,
        seconds: start.elapsed().as_secs_f64(),
    };
    if cache_mode == CacheMode::Bypass {
        return Ok(done(build(pbf, profile, progress)?, false));
    }
    let sha = crate::digest::file_sha256(pbf).map_err(|source| NetworkError::Io {
        path: pbf.display().to_string(),
        source,
    })?;
    let cpath = cache::cache_path(pbf);
    match cache::load(&cpath, sha, profile.fingerprint()) {
        cache::CacheState::Loaded(graph) => {
            tracing::debug!("graph loaded from cache {}", cpath.display());
            return Ok(done(*graph, true));
        }
        cache::CacheState::Damaged(why) => tracing::warn!(
            "graph cache {} is damaged ({why}); rebuilding it from {}",
            cpath.display(),
            pbf.display()
        ),
        cache::CacheState::Stale => {}
    }
    let graph = build(pbf, profile, progress)?;
    if let Err(e) = cache::store(&cpath, &graph, sha, profile.fingerprint()) {
        tracing::warn!("could not write graph cache {}: {e}", cpath.display());
    }
    Ok(done(graph, false))
}

fn build(
    pbf: &Path,
    profile: &Profile,
    progress: &dyn Progress,
) -> Result<RoadGraph, NetworkError> {
    let raw = osm::read_pbf(pbf, profile, progress)?;
    RoadGraph::build(&raw).map_err(|source| NetworkError::Graph {
        path: pbf.display().to_string(),
        source,
    })
}
