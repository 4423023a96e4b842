//! Shared helpers for integration tests: paths to the bundled real data.
#![allow(dead_code)]

use std::path::PathBuf;

use reliefflow::network::{load_graph, CacheMode, Profile, RoadGraph};

/// Absolute path of a file under the repository root.
pub fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Builds (without cache) the graph of a bundled extract.
pub fn graph(name: &str) -> RoadGraph {
    load_graph(
        &repo(&format!("network-data/{name}.osm.pbf")),
        &Profile::default(),
        CacheMode::Bypass,
    )
    .expect("bundled extract builds")
    .graph
}
