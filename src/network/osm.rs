//! Reads an OpenStreetMap `.osm.pbf` into a [`RawNetwork`] for the truck profile.
//!
//! Two passes over the file (ways, then the nodes they use); blobs are decoded in
//! parallel by `osmpbfreader`. Memory is O(routable nodes + segments).

use std::fs::File;
use std::path::Path;
use std::sync::Once;

use osmpbfreader::{OsmObj, OsmPbfReader};

use super::profile::Profile;
use super::raw::{IngestReport, RawNetwork, RawNode, RawSegment};
use super::tags::{node_blocks, way_rule, Direction};
use super::ways::WayInfo;
use crate::progress::Progress;

/// Errors reading a PBF.
#[derive(Debug, thiserror::Error)]
pub enum OsmError {
    /// The file could not be opened.
    #[error("cannot open {path}: {source}")]
    Open {
        /// The PBF path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a readable PBF (truncated, corrupt, not PBF).
    #[error("{path} is not a readable OSM PBF file (truncated or corrupt?): {message}")]
    Corrupt {
        /// The PBF path.
        path: String,
        /// The decoder's message.
        message: String,
    },
    /// The file has no way the profile can route on.
    #[error("{path} has no road a truck can use ({highway_ways} highway ways, 0 routable for profile `{profile}`)")]
    NoRoads {
        /// The PBF path.
        path: String,
        /// `highway=*` ways seen.
        highway_ways: u64,
        /// The profile name.
        profile: String,
    },
}

struct KeptWay {
    id: i64,
    nodes: Vec<i64>,
    direction: Direction,
    speed_kmh: f64,
}

/// Objects read between two progress reports.
const PROGRESS_BATCH: u64 = 4096;

/// Reads the routable road network of `path` under `profile`, reporting the OSM
/// objects read in two stages ("ways", then "nodes"; counts not known ahead).
pub fn read_pbf(
    path: &Path,
    profile: &Profile,
    progress: &dyn Progress,
) -> Result<RawNetwork, OsmError> {
    let p = path.display().to_string();
    File::open(path).map_err(|source| OsmError::Open {
        path: p.clone(),
        source,
    })?;
    super::pbf_frame::check_framing(path).map_err(|message| OsmError::Corrupt {
        path: p.clone(),
        message,
    })?;
    // The decoder indexes its string tables unchecked and asserts on some
    // malformed blobs; a panic there must not take the process down with no
    // file named, nor print a panic message for what is a damaged file.
    quiet_decoder_panics();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_checked(path, profile, progress)
    }));
    result.unwrap_or_else(|_| {
        Err(OsmError::Corrupt {
            path: p.clone(),
            message: "the PBF decoder rejected a blob (malformed block contents)".into(),
        })
    })
}

/// Installs (once) a panic hook that stays silent for panics raised inside the
/// PBF decoder (`osmpbfreader`, and `par-map`, whose consumer panics when a
/// decoding worker did): [`read_pbf`] turns them into [`OsmError::Corrupt`].
/// They are silenced whenever they come, since the decoder's workers go on
/// with the blobs ahead after the reader stopped at the first error, and may
/// panic after [`read_pbf`] returned. Every other panic goes to the hook that
/// was there before.
fn quiet_decoder_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_decoder = info.location().is_some_and(|l| {
                let f = l.file();
                f.contains("osmpbfreader") || f.contains("par-map")
            });
            if !in_decoder {
                previous(info);
            }
        }));
    });
}

fn read_checked(
    path: &Path,
    profile: &Profile,
    progress: &dyn Progress,
) -> Result<RawNetwork, OsmError> {
    let p = path.display().to_string();
    let file = File::open(path).map_err(|source| OsmError::Open {
        path: p.clone(),
        source,
    })?;
    let corrupt = |e: osmpbfreader::Error| OsmError::Corrupt {
        path: p.clone(),
        message: e.to_string(),
    };
    let mut pbf = OsmPbfReader::new(file);
    let mut report = IngestReport::default();

    // Pass 1: ways.
    progress.begin("OSM objects read for ways", 0);
    let mut ways = Vec::new();
    let mut bridge_ways = Vec::new();
    let mut infos = Vec::new();
    for (k, obj) in pbf.par_iter().enumerate() {
        let obj = obj.map_err(corrupt)?;
        if k as u64 % PROGRESS_BATCH == PROGRESS_BATCH - 1 {
            progress.step(PROGRESS_BATCH);
        }
        let OsmObj::Way(w) = obj else { continue };
        if !w.tags.contains_key("highway") {
            continue;
        }
        report.highway_ways += 1;
        let tag = |k: &str| w.tags.get(k).map(|v| v.as_str());
        if let Some(rule) = way_rule(profile, tag) {
            if w.nodes.len() >= 2 {
                if is_bridge(tag("bridge")) {
                    bridge_ways.push(w.id.0);
                }
                let highway = tag("highway").unwrap_or_default();
                infos.push(WayInfo::from_tags(w.id.0, highway, tag));
                ways.push(KeptWay {
                    id: w.id.0,
                    nodes: w.nodes.iter().map(|n| n.0).collect(),
                    direction: rule.direction,
                    speed_kmh: rule.speed_kmh,
                });
            }
        }
    }
    progress.end();
    bridge_ways.sort_unstable();
    bridge_ways.dedup();
    report.routable_ways = ways.len() as u64;
    if ways.is_empty() {
        return Err(OsmError::NoRoads {
            path: p,
            highway_ways: report.highway_ways,
            profile: profile.name.clone(),
        });
    }

    let mut needed: Vec<i64> = ways.iter().flat_map(|w| w.nodes.iter().copied()).collect();
    needed.sort_unstable();
    needed.dedup();

    // Pass 2: coordinates and barriers of the nodes those ways use.
    pbf.rewind().map_err(corrupt)?;
    progress.begin("OSM objects read for nodes", 0);
    let mut coord: Vec<Option<(f64, f64)>> = vec![None; needed.len()];
    let mut blocked = vec![false; needed.len()];
    for (k, obj) in pbf.par_iter().enumerate() {
        let obj = obj.map_err(corrupt)?;
        if k as u64 % PROGRESS_BATCH == PROGRESS_BATCH - 1 {
            progress.step(PROGRESS_BATCH);
        }
        let OsmObj::Node(n) = obj else { continue };
        if let Ok(i) = needed.binary_search(&n.id.0) {
            coord[i] = Some((n.lon(), n.lat()));
            if !n.tags.is_empty() && node_blocks(profile, |k| n.tags.get(k).map(|v| v.as_str())) {
                blocked[i] = true;
                report.blocking_nodes += 1;
            }
        }
    }
    progress.end();

    let nodes: Vec<RawNode> = needed
        .iter()
        .zip(&coord)
        .map(|(&id, c)| {
            let (lon, lat) = c.unwrap_or((f64::NAN, f64::NAN));
            RawNode {
                source_id: id,
                lon,
                lat,
            }
        })
        .collect();

    let mut segments = Vec::new();
    for w in &ways {
        for pair in w.nodes.windows(2) {
            let a = needed.binary_search(&pair[0]).expect("collected above");
            let b = needed.binary_search(&pair[1]).expect("collected above");
            if coord[a].is_none() || coord[b].is_none() {
                report.segments_missing_node += 1;
                continue;
            }
            if blocked[a] || blocked[b] || a == b {
                continue;
            }
            let two_way = w.direction == Direction::Both;
            let seg = |from: usize, to: usize| RawSegment {
                from: from as u32,
                to: to as u32,
                way_id: w.id,
                speed_kmh: w.speed_kmh as f32,
                two_way,
            };
            match w.direction {
                Direction::Forward => segments.push(seg(a, b)),
                Direction::Backward => segments.push(seg(b, a)),
                Direction::Both => {
                    segments.push(seg(a, b));
                    segments.push(seg(b, a));
                }
            }
        }
    }
    infos.sort_by_key(|w: &WayInfo| w.id);
    infos.dedup_by_key(|w| w.id);
    Ok(RawNetwork {
        nodes,
        segments,
        bridge_ways,
        ways: infos,
        report,
    })
}

/// True for a `bridge=*` value that makes the way a bridge (anything but `no`).
fn is_bridge(value: Option<&str>) -> bool {
    !matches!(value, None | Some("no"))
}
