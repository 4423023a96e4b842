//! Open spaces read from an OpenStreetMap `.osm.pbf`: the parks, school grounds,
//! squares and sports grounds that Beijing's plans use as emergency shelters
//! (seed 002 §8.3.2). Each closed way, and each multipolygon relation whose outer
//! members are closed ways, becomes one [`OpenSpace`] with its area in m².

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use osmpbfreader::{OsmId, OsmObj, OsmPbfReader, Tags};
use serde::{Deserialize, Serialize};

use crate::network::geo::Polygon;

/// What kind of open space (the tag families a shelter plan draws on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpaceKind {
    /// `leisure=park|garden`, `landuse=recreation_ground|village_green`.
    Park,
    /// `amenity=school|college|university|kindergarten` grounds.
    School,
    /// `place=square`, or a pedestrian area (`highway=pedestrian` + `area=yes`).
    Square,
    /// `leisure=pitch|sports_centre|stadium|track`.
    Sports,
    /// Candidate stockpile site: `building=warehouse|industrial`, `landuse=depot`,
    /// `amenity=bus_station` (depots; not a shelter kind).
    Depot,
    /// Candidate stockpile site: underground parking (`amenity=parking` with
    /// `parking=underground` or `location=underground`).
    Underground,
    /// Candidate stockpile site: a disused or abandoned building (`disused=yes`,
    /// `abandoned=yes`, `building=disused`).
    Vacated,
}

impl SpaceKind {
    /// The kind of a tagged object, if it is one of the four.
    pub fn of(tags: &Tags) -> Option<Self> {
        let t = |k: &str| tags.get(k).map(|v| v.as_str());
        match (t("leisure"), t("amenity"), t("landuse"), t("place")) {
            (Some("park" | "garden"), ..)
            | (_, _, Some("recreation_ground" | "village_green"), _) => Some(Self::Park),
            (Some("pitch" | "sports_centre" | "stadium" | "track"), ..) => Some(Self::Sports),
            (_, Some("school" | "college" | "university" | "kindergarten"), ..) => {
                Some(Self::School)
            }
            (_, _, _, Some("square")) => Some(Self::Square),
            _ if t("highway") == Some("pedestrian") && t("area") == Some("yes") => {
                Some(Self::Square)
            }
            _ if t("amenity") == Some("parking")
                && (t("parking") == Some("underground")
                    || t("location") == Some("underground")) =>
            {
                Some(Self::Underground)
            }
            _ if t("disused") == Some("yes")
                || t("abandoned") == Some("yes")
                || t("building") == Some("disused") =>
            {
                Some(Self::Vacated)
            }
            _ if matches!(t("building"), Some("warehouse" | "industrial"))
                || t("landuse") == Some("depot")
                || t("amenity") == Some("bus_station") =>
            {
                Some(Self::Depot)
            }
            _ => None,
        }
    }

    /// Lower-case name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Park => "park",
            Self::School => "school",
            Self::Square => "square",
            Self::Sports => "sports",
            Self::Depot => "depot",
            Self::Underground => "underground",
            Self::Vacated => "vacated",
        }
    }

    /// Parses a lower-case name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Park,
            Self::School,
            Self::Square,
            Self::Sports,
            Self::Depot,
            Self::Underground,
            Self::Vacated,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One open space: an OSM polygon with its kind, name, centroid and area.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenSpace {
    /// `w<id>` for a way, `r<id>` for a relation.
    pub osm_id: String,
    /// Kind.
    pub kind: SpaceKind,
    /// `name` tag, or empty.
    pub name: String,
    /// Centroid of the outer ring's vertices, `[lon, lat]` degrees.
    pub centroid: [f64; 2],
    /// Polygon area, m².
    pub area_m2: f64,
    /// The polygon (outer rings only for relations).
    pub polygons: Vec<Polygon>,
}

/// Errors reading open spaces.
#[derive(Debug, thiserror::Error)]
pub enum OsmSpacesError {
    /// The file cannot be opened or decoded.
    #[error("{path}: {message}")]
    Read {
        /// The PBF path.
        path: String,
        /// What failed.
        message: String,
    },
}

fn ring(ids: &[osmpbfreader::NodeId], objs: &BTreeMap<OsmId, OsmObj>) -> Option<Vec<[f64; 2]>> {
    if ids.len() < 4 || ids.first() != ids.last() {
        return None;
    }
    ids.iter()
        .map(|n| match objs.get(&OsmId::Node(*n)) {
            Some(OsmObj::Node(node)) => Some([node.lon(), node.lat()]),
            _ => None,
        })
        .collect()
}

/// Reads every open space of `path`, sorted by OSM id (deterministic). Ways that
/// are not closed, and multipolygons with an unclosed outer way, are skipped and
/// counted in the returned `skipped` figure.
pub fn read_open_spaces(path: &Path) -> Result<(Vec<OpenSpace>, usize), OsmSpacesError> {
    let err = |message: String| OsmSpacesError::Read {
        path: path.display().to_string(),
        message,
    };
    let file = File::open(path).map_err(|e| err(e.to_string()))?;
    crate::network::pbf_frame::check_framing(path).map_err(err)?;
    let mut pbf = OsmPbfReader::new(file);
    let objs = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pbf.get_objs_and_deps(|o| {
            SpaceKind::of(o.tags()).is_some()
                && (o.is_way()
                    || (o.is_relation()
                        && o.tags().get("type").map(|t| t.as_str()) == Some("multipolygon")))
        })
    }))
    .map_err(|_| err("the PBF decoder rejected a blob".into()))?
    .map_err(|e| err(e.to_string()))?;
    let mut out = Vec::new();
    let mut skipped = 0;
    for obj in objs.values() {
        let Some(kind) = SpaceKind::of(obj.tags()) else {
            continue;
        };
        let (osm_id, rings) = match obj {
            OsmObj::Way(w) => (format!("w{}", w.id.0), vec![ring(&w.nodes, &objs)]),
            OsmObj::Relation(r) => (
                format!("r{}", r.id.0),
                r.refs
                    .iter()
                    .filter(|m| m.role.as_str() == "outer")
                    .filter_map(|m| match objs.get(&m.member) {
                        Some(OsmObj::Way(w)) => Some(ring(&w.nodes, &objs)),
                        _ => None,
                    })
                    .collect(),
            ),
            OsmObj::Node(_) => continue,
        };
        if rings.is_empty() || rings.iter().any(Option::is_none) {
            skipped += 1;
            continue;
        }
        let polygons: Vec<Polygon> = rings
            .into_iter()
            .flatten()
            .filter_map(|r| Polygon::new(vec![r]))
            .collect();
        let area_m2: f64 = polygons.iter().map(Polygon::area_m2).sum();
        let pts: Vec<[f64; 2]> = polygons.iter().flat_map(|p| p.rings[0].clone()).collect();
        if pts.is_empty() {
            skipped += 1;
            continue;
        }
        let n = pts.len() as f64;
        let centroid = [
            pts.iter().map(|p| p[0]).sum::<f64>() / n,
            pts.iter().map(|p| p[1]).sum::<f64>() / n,
        ];
        out.push(OpenSpace {
            osm_id,
            kind,
            name: obj
                .tags()
                .get("name")
                .map(|s| s.to_string())
                .unwrap_or_default(),
            centroid,
            area_m2,
            polygons,
        });
    }
    out.sort_by(|a, b| a.osm_id.cmp(&b.osm_id));
    Ok((out, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_map_to_kinds() {
        let tags = |kv: &[(&str, &str)]| {
            let mut t = Tags::new();
            for (k, v) in kv {
                t.insert((*k).into(), (*v).into());
            }
            t
        };
        assert_eq!(
            SpaceKind::of(&tags(&[("leisure", "park")])),
            Some(SpaceKind::Park)
        );
        assert_eq!(
            SpaceKind::of(&tags(&[("amenity", "school")])),
            Some(SpaceKind::School)
        );
        assert_eq!(
            SpaceKind::of(&tags(&[("highway", "pedestrian"), ("area", "yes")])),
            Some(SpaceKind::Square)
        );
        assert_eq!(SpaceKind::of(&tags(&[("highway", "pedestrian")])), None);
        assert_eq!(
            SpaceKind::of(&tags(&[("leisure", "stadium")])),
            Some(SpaceKind::Sports)
        );
        assert_eq!(SpaceKind::of(&tags(&[("building", "yes")])), None);
        assert_eq!(SpaceKind::parse("square"), Some(SpaceKind::Square));
    }
}
