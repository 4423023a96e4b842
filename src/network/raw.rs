//! The source-agnostic input of the graph builder: nodes with coordinates and
//! directed road segments. The PBF reader produces it today; a shapefile or
//! "edges + nodes" importer can produce it tomorrow without touching the builder.

use serde::{Deserialize, Serialize};

/// A road node with its WGS84 position (degrees).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RawNode {
    /// Source id (the OSM node id for PBF input).
    pub source_id: i64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
}

/// One directed drivable segment between two consecutive nodes of a way.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RawSegment {
    /// Index into [`RawNetwork::nodes`] of the tail.
    pub from: u32,
    /// Index into [`RawNetwork::nodes`] of the head.
    pub to: u32,
    /// The way (OSM way id) it belongs to; closures act on it.
    pub way_id: i64,
    /// Truck speed, km/h.
    pub speed_kmh: f32,
    /// True when the opposite direction is also a segment (counted once in road km).
    pub two_way: bool,
}

/// Counts the reader reports about what it kept and dropped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IngestReport {
    /// `highway=*` ways seen in the source.
    pub highway_ways: u64,
    /// Ways kept as routable by the profile.
    pub routable_ways: u64,
    /// Nodes that block trucks (barriers) and were cut out.
    pub blocking_nodes: u64,
    /// Segments dropped because a node they reference is not in the extract.
    pub segments_missing_node: u64,
}

/// Everything a road source provides to the graph builder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RawNetwork {
    /// Nodes referenced by segments.
    pub nodes: Vec<RawNode>,
    /// Directed segments.
    pub segments: Vec<RawSegment>,
    /// Ids of the ways among the segments' that are bridges, sorted (damage
    /// scenarios fail bridges).
    pub bridge_ways: Vec<i64>,
    /// Name and class of the ways among the segments', sorted by id.
    #[serde(default)]
    pub ways: Vec<super::ways::WayInfo>,
    /// What the reader kept and dropped.
    pub report: IngestReport,
}
