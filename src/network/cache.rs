//! The prepared-graph cache: a binary file next to the road source, keyed by the
//! SHA-256 of the source file and of the profile, so later runs skip parsing.
//! The graph's CCH structure ([`RoadGraph::cch`]) is stored after it, so a
//! scenario only customizes.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use std::sync::Arc;

use super::cch::Topology;
use super::graph::RoadGraph;

/// Bumped whenever [`RoadGraph`]'s layout or the builder's semantics change.
pub const CACHE_FORMAT: u32 = 4;

#[derive(Serialize, Deserialize)]
struct Header {
    magic: [u8; 8],
    format: u32,
    source_sha256: [u8; 32],
    profile_sha256: [u8; 32],
}

const MAGIC: [u8; 8] = *b"RFGRAPH\0";

/// The cache file used for `source`: `<source>.rfgraph`.
pub fn cache_path(source: &Path) -> PathBuf {
    let mut s = source.as_os_str().to_owned();
    s.push(".rfgraph");
    PathBuf::from(s)
}

/// Loads the cached graph when its keys match; `None` on any mismatch or damage
/// (the caller rebuilds).
pub fn load(path: &Path, source_sha256: [u8; 32], profile_sha256: [u8; 32]) -> Option<RoadGraph> {
    let mut r = BufReader::new(File::open(path).ok()?);
    let h: Header = bincode::deserialize_from(&mut r).ok()?;
    if h.magic != MAGIC
        || h.format != CACHE_FORMAT
        || h.source_sha256 != source_sha256
        || h.profile_sha256 != profile_sha256
    {
        return None;
    }
    let graph: RoadGraph = bincode::deserialize_from(&mut r).ok()?;
    let topo: Topology = bincode::deserialize_from(&mut r).ok()?;
    if !topo.is_consistent(graph.node_count(), graph.edge_count()) {
        return None;
    }
    let _ = graph.routing.set(Arc::new(topo));
    Some(graph)
}

/// Writes the cache atomically (temp file + rename).
pub fn store(
    path: &Path,
    graph: &RoadGraph,
    source_sha256: [u8; 32],
    profile_sha256: [u8; 32],
) -> std::io::Result<()> {
    let tmp = path.with_extension("rfgraph.tmp");
    {
        let mut w = BufWriter::new(File::create(&tmp)?);
        let h = Header {
            magic: MAGIC,
            format: CACHE_FORMAT,
            source_sha256,
            profile_sha256,
        };
        bincode::serialize_into(&mut w, &h).map_err(std::io::Error::other)?;
        bincode::serialize_into(&mut w, graph).map_err(std::io::Error::other)?;
        bincode::serialize_into(&mut w, graph.cch()).map_err(std::io::Error::other)?;
    }
    std::fs::rename(tmp, path)
}
