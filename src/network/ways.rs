//! What the road network keeps of each way besides its geometry: its name (for
//! drivers' run sheets) and its road class (for drawing the network per zoom).

use serde::{Deserialize, Serialize};

/// The class of a road, from its `highway=*` tag; the map draws the higher classes
/// first (at every zoom) and the minor roads only close in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RoadClass {
    /// `motorway`, `trunk` and their links.
    Motorway,
    /// `primary` and its link.
    Primary,
    /// `secondary` and its link.
    Secondary,
    /// `tertiary` and its link.
    Tertiary,
    /// Everything else a truck may drive (residential, unclassified, service …).
    Minor,
}

impl RoadClass {
    /// The class of a `highway=*` value.
    pub fn of(highway: &str) -> RoadClass {
        match highway.trim_end_matches("_link") {
            "motorway" | "trunk" => RoadClass::Motorway,
            "primary" => RoadClass::Primary,
            "secondary" => RoadClass::Secondary,
            "tertiary" => RoadClass::Tertiary,
            _ => RoadClass::Minor,
        }
    }

    /// 0 (motorway) to 4 (minor).
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// The class in words, as a report names it ("motorway or trunk" … "minor").
    pub fn name(self) -> &'static str {
        match self {
            RoadClass::Motorway => "motorway or trunk",
            RoadClass::Primary => "primary",
            RoadClass::Secondary => "secondary",
            RoadClass::Tertiary => "tertiary",
            RoadClass::Minor => "minor",
        }
    }

    /// The class of rank `r` (ranks above 4 are minor).
    pub fn from_rank(r: u8) -> RoadClass {
        match r {
            0 => RoadClass::Motorway,
            1 => RoadClass::Primary,
            2 => RoadClass::Secondary,
            3 => RoadClass::Tertiary,
            _ => RoadClass::Minor,
        }
    }
}

/// Name and class of one way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WayInfo {
    /// Source way id (OSM way id).
    pub id: i64,
    /// `name` (in Beijing, Chinese); empty when the way has none.
    pub name: String,
    /// `name:en`; empty when the way has none.
    pub name_en: String,
    /// `ref` (road number such as "G4"); empty when the way has none.
    pub reference: String,
    /// Road class.
    pub class: RoadClass,
}

impl WayInfo {
    /// The way's tags read through `tag(key)` (the `highway` value given).
    pub fn from_tags<'a>(id: i64, highway: &str, tag: impl Fn(&str) -> Option<&'a str>) -> WayInfo {
        let text = |k: &str| tag(k).map(str::trim).unwrap_or_default().to_string();
        WayInfo {
            id,
            name: text("name"),
            name_en: text("name:en"),
            reference: text("ref"),
            class: RoadClass::of(highway),
        }
    }

    /// A label for a driver: the name (with the English name in brackets when it
    /// differs), else the road number, else `None` (an unnamed road).
    pub fn label(&self) -> Option<String> {
        match (self.name.is_empty(), self.name_en.is_empty()) {
            (false, false) if self.name != self.name_en => {
                Some(format!("{} ({})", self.name, self.name_en))
            }
            (false, _) => Some(self.name.clone()),
            (true, false) => Some(self.name_en.clone()),
            (true, true) => (!self.reference.is_empty()).then(|| self.reference.clone()),
        }
    }
}

/// The way with id `id` in `ways` (sorted by id).
pub fn find(ways: &[WayInfo], id: i64) -> Option<&WayInfo> {
    ways.binary_search_by_key(&id, |w| w.id)
        .ok()
        .map(|i| &ways[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_and_labels() {
        assert_eq!(RoadClass::of("trunk_link"), RoadClass::Motorway);
        assert_eq!(RoadClass::of("secondary"), RoadClass::Secondary);
        assert_eq!(RoadClass::of("residential"), RoadClass::Minor);
        for r in 0..5 {
            assert_eq!(RoadClass::from_rank(r).rank(), r);
        }
        let tags = [
            ("name", "西直门外大街"),
            ("name:en", "Xizhimen Outer Street"),
        ];
        let w = WayInfo::from_tags(7, "primary", |k| {
            tags.iter().find(|t| t.0 == k).map(|t| t.1)
        });
        assert_eq!(w.label().unwrap(), "西直门外大街 (Xizhimen Outer Street)");
        let r = WayInfo::from_tags(8, "motorway", |k| (k == "ref").then_some("G4"));
        assert_eq!(r.label().unwrap(), "G4");
        assert_eq!(WayInfo::from_tags(9, "service", |_| None).label(), None);
        let ways = vec![w, r];
        assert_eq!(find(&ways, 8).unwrap().class, RoadClass::Motorway);
        assert!(find(&ways, 10).is_none());
    }
}

/// One run of a route along one street: its label (`None`: unnamed), length and
/// the compass bearing of its first edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Street {
    /// The street's label ([`WayInfo::label`]); `None` for an unnamed road.
    pub label: Option<String>,
    /// Length, metres.
    pub metres: f64,
    /// Bearing of its first edge, degrees clockwise from north.
    pub bearing: f64,
}

/// Turns sharper than this start a new run on unnamed roads, degrees.
const TURN_DEG: f64 = 50.0;

/// The streets a path of `edges` drives, in order: runs of edges on ways with the
/// same label; on unnamed roads a run also ends at a turn sharper than
/// [`TURN_DEG`], so a driver gets "400 m heading NE, then 1.2 km heading N".
pub fn streets(graph: &super::RoadGraph, edges: &[super::graph::EdgeId]) -> Vec<Street> {
    let mut out: Vec<Street> = Vec::new();
    let mut last_bearing = f64::NAN;
    for &e in edges {
        let e = e as usize;
        let label = find(&graph.ways, graph.way_id[e]).and_then(WayInfo::label);
        let m = f64::from(graph.length_m[e]);
        let bearing =
            super::geo::bearing_deg(graph.coord(graph.tail[e]), graph.coord(graph.head[e]));
        let turn = {
            let d = (bearing - last_bearing).rem_euclid(360.0);
            d.min(360.0 - d)
        };
        last_bearing = bearing;
        match out.last_mut() {
            Some(run)
                if run.label == label && (label.is_some() || turn.is_nan() || turn <= TURN_DEG) =>
            {
                run.metres += m;
            }
            _ => out.push(Street {
                label,
                metres: m,
                bearing,
            }),
        }
    }
    out
}
