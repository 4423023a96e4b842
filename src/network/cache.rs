//! The prepared-graph cache: a binary file next to the road source, keyed by the
//! SHA-256 of the source file and of the profile, so later runs skip parsing.
//! The graph's CCH structure ([`RoadGraph::cch`]) is stored after it, so a
//! scenario only customizes.
//!
//! Layout: a fixed header (magic, format, both keys, the body's length and
//! SHA-256), then the body (graph and topology, bincode). A file is used only
//! when its keys match, its body has exactly the recorded length and digest,
//! and the decoded graph and topology pass their structural checks
//! ([`RoadGraph::check`], [`Topology::is_consistent`]); anything else is
//! [`CacheState::Damaged`] and the caller rebuilds from the source.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bincode::Options;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::cch::Topology;
use super::graph::RoadGraph;

/// Bumped whenever [`RoadGraph`]'s layout, the builder's semantics or the file
/// layout change.
pub const CACHE_FORMAT: u32 = 5;

#[derive(Serialize, Deserialize)]
struct Header {
    magic: [u8; 8],
    format: u32,
    source_sha256: [u8; 32],
    profile_sha256: [u8; 32],
    body_len: u64,
    body_sha256: [u8; 32],
}

/// Bytes of [`Header`] in bincode's fixed-width encoding.
const HEADER_LEN: usize = 8 + 4 + 32 + 32 + 8 + 32;

const MAGIC: [u8; 8] = *b"RFGRAPH\0";

/// What a cache file held.
#[derive(Debug)]
pub enum CacheState {
    /// No file, or one for another source, profile or format: rebuild quietly.
    Stale,
    /// A file that cannot be trusted (why): rebuild and say so.
    Damaged(String),
    /// The graph, its CCH structure attached.
    Loaded(Box<RoadGraph>),
}

/// The cache file used for `source`: `<source>.rfgraph`.
pub fn cache_path(source: &Path) -> PathBuf {
    let mut s = source.as_os_str().to_owned();
    s.push(".rfgraph");
    PathBuf::from(s)
}

/// bincode as `serialize_into` writes it, with a bound on what a length
/// prefix may ask for.
fn codec(limit: u64) -> impl Options {
    bincode::DefaultOptions::new()
        .with_fixint_encoding()
        .allow_trailing_bytes()
        .with_limit(limit)
}

/// Reads the cache at `path` for these keys. O(file size).
pub fn load(path: &Path, source_sha256: [u8; 32], profile_sha256: [u8; 32]) -> CacheState {
    let Ok(bytes) = std::fs::read(path) else {
        return CacheState::Stale;
    };
    decode(&bytes, source_sha256, profile_sha256)
}

/// [`load`] on the file's bytes.
pub fn decode(bytes: &[u8], source_sha256: [u8; 32], profile_sha256: [u8; 32]) -> CacheState {
    let damaged = |why: &str| CacheState::Damaged(why.to_string());
    if bytes.len() < HEADER_LEN {
        return damaged("shorter than its header");
    }
    let (head, body) = bytes.split_at(HEADER_LEN);
    let Ok(h) = codec(HEADER_LEN as u64).deserialize::<Header>(head) else {
        return damaged("unreadable header");
    };
    if h.magic != MAGIC {
        return damaged("not a reliefflow graph cache");
    }
    if h.format != CACHE_FORMAT
        || h.source_sha256 != source_sha256
        || h.profile_sha256 != profile_sha256
    {
        return CacheState::Stale;
    }
    if h.body_len != body.len() as u64 {
        return CacheState::Damaged(format!(
            "{} bytes of graph where the header records {}",
            body.len(),
            h.body_len
        ));
    }
    if <[u8; 32]>::from(Sha256::digest(body)) != h.body_sha256 {
        return damaged("checksum mismatch");
    }
    let limit = body.len() as u64;
    let mut r = body;
    let Ok(graph) = codec(limit).deserialize_from::<_, RoadGraph>(&mut r) else {
        return damaged("undecodable graph");
    };
    let Ok(topo) = codec(limit).deserialize_from::<_, Topology>(&mut r) else {
        return damaged("undecodable contraction hierarchy");
    };
    if let Err(why) = graph.check() {
        return CacheState::Damaged(format!("inconsistent graph: {why}"));
    }
    if !topo.is_consistent(graph.node_count(), &graph.tail, &graph.head) {
        return damaged("inconsistent contraction hierarchy");
    }
    let _ = graph.routing.set(Arc::new(topo));
    CacheState::Loaded(Box::new(graph))
}

/// The cache file's bytes for `graph` (its CCH structure prepared if needed).
pub fn encode(graph: &RoadGraph, source_sha256: [u8; 32], profile_sha256: [u8; 32]) -> Vec<u8> {
    let mut body = bincode::serialize(graph).expect("a graph serializes");
    body.extend(bincode::serialize(graph.cch()).expect("a topology serializes"));
    seal(body, source_sha256, profile_sha256)
}

/// A cache file around any `body` (header with its length and digest), so
/// tests and fuzzing reach the decoder behind the checksum.
pub fn seal(body: Vec<u8>, source_sha256: [u8; 32], profile_sha256: [u8; 32]) -> Vec<u8> {
    let h = Header {
        magic: MAGIC,
        format: CACHE_FORMAT,
        source_sha256,
        profile_sha256,
        body_len: body.len() as u64,
        body_sha256: Sha256::digest(&body).into(),
    };
    let mut out = bincode::serialize(&h).expect("a header serializes");
    debug_assert_eq!(out.len(), HEADER_LEN);
    out.extend(body);
    out
}

/// Writes the cache atomically (temp file, flushed to disk, then renamed).
pub fn store(
    path: &Path,
    graph: &RoadGraph,
    source_sha256: [u8; 32],
    profile_sha256: [u8; 32],
) -> std::io::Result<()> {
    let bytes = encode(graph, source_sha256, profile_sha256);
    let tmp = path.with_extension("rfgraph.tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(&bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::synthetic::grid_city;

    fn keys() -> ([u8; 32], [u8; 32]) {
        ([1; 32], [2; 32])
    }

    #[test]
    fn a_written_cache_loads_and_any_flipped_byte_is_caught() {
        let g = grid_city(12, 9, 5).unwrap();
        let (s, p) = keys();
        let bytes = encode(&g, s, p);
        match decode(&bytes, s, p) {
            CacheState::Loaded(back) => {
                assert_eq!(*back, g);
                assert_eq!(back.cch().rank, g.cch().rank);
            }
            other => panic!("expected a graph, got {other:?}"),
        }
        assert!(matches!(decode(&bytes, [9; 32], p), CacheState::Stale));
        assert!(matches!(decode(&bytes, s, [9; 32]), CacheState::Stale));
        // Every byte after the keys, flipped, is reported damaged (never used).
        for i in (8 + 4 + 64..bytes.len()).step_by(7) {
            let mut b = bytes.clone();
            b[i] ^= 0x5a;
            assert!(
                matches!(decode(&b, s, p), CacheState::Damaged(_)),
                "byte {i} flipped"
            );
        }
        for len in [0, 10, HEADER_LEN, bytes.len() - 1] {
            assert!(matches!(
                decode(&bytes[..len], s, p),
                CacheState::Damaged(_)
            ));
        }
    }
}
