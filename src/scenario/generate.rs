//! The scenario generator: writes a folder's `shelters.csv` and `stock.csv` from a
//! short recipe, `generate.toml`, so planners can make their own scenarios and the
//! bundled ones can be rebuilt (`reliefflow scenario generate <dir>`).
//!
//! ```toml
//! seed = 1
//!
//! [shelters]
//! points = "../data/beijing-shelter-points.csv"   # id,lon,lat[,district]; or:
//! # osm = ["park", "school", "square", "sports"]    # open spaces of the scenario's extract
//! gcj02 = false                # points given in GCJ-02
//! districts = ["Xicheng"]      # keep only these districts (points' `district` column)
//! area_m2 = [2000, 20000]      # assumed usable area of a point shelter (hash of its id)
//! anchors = [{ id = "bj12", area_m2 = 49500 }]   # published capacities × 1.5 m²
//! min_area_m2 = 3000           # OSM: smallest open space kept
//! usable_share = 0.6           # OSM: share of the polygon usable for tents
//! exclude_areas = ["flood.geojson"]  # hazard polygons: shelters inside are dropped
//! district = "Vaduz"           # district label for OSM shelters
//! max_shelters = 120           # keep the largest
//!
//! [population]
//! residents = 1110000          # rounded census figure
//! relocated_share = 0.01       # or: relocated = 520000
//! priority = { elderly = 0.20, children = 0.10, pregnant = 0.01, disabled = 0.02, injured = 0.03 }
//!
//! [stock]
//! persons = 5000               # full basic relief for this many persons, at the norms
//! by_warehouse = { XC-N = 1700 }   # optional: persons per warehouse (the rest by fleet)
//! ```
//!
//! Headcounts are spread over shelters in proportion to capacity (area / 1.5 m²) by
//! largest remainders, so they add up exactly. Shelters off the road network (more
//! than 1 km from a road: outside the extract) are dropped and counted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::apportion::apportion;
use super::Scenario;
use crate::facility::{PriorityPeople, Shelter, Warehouse, M2_PER_PERSON};
use crate::io::areas::read_area;
use crate::io::facilities::read_warehouses;
use crate::io::osm_spaces::{read_open_spaces, SpaceKind};
use crate::io::points::{read_points, Datum};
use crate::network::geo::Area;
use crate::network::snap::DEFAULT_MAX_SNAP_M;
use crate::network::{load_graph, CacheMode, Profile, Snapper};
use crate::progress::Progress;
use crate::supplies::Catalogue;

/// The recipe file name inside a scenario folder.
pub const RECIPE: &str = "generate.toml";

/// Errors generating a scenario.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The recipe is missing, malformed or inconsistent.
    #[error("{path}: {message}")]
    Recipe {
        /// The recipe file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An input file failed.
    #[error(transparent)]
    Input(#[from] Box<dyn std::error::Error + Send + Sync>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Recipe {
    #[serde(default = "one")]
    seed: u64,
    shelters: ShelterRecipe,
    population: PopulationRecipe,
    stock: StockRecipe,
}
fn one() -> u64 {
    1
}
fn full() -> f64 {
    1.0
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Anchor {
    id: String,
    area_m2: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShelterRecipe {
    points: Option<PathBuf>,
    #[serde(default)]
    gcj02: bool,
    #[serde(default)]
    districts: Vec<String>,
    area_m2: Option<[f64; 2]>,
    #[serde(default)]
    anchors: Vec<Anchor>,
    osm: Option<Vec<String>>,
    #[serde(default)]
    min_area_m2: f64,
    #[serde(default = "full")]
    usable_share: f64,
    #[serde(default)]
    exclude_areas: Vec<PathBuf>,
    #[serde(default)]
    district: String,
    max_shelters: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Shares {
    #[serde(default)]
    elderly: f64,
    #[serde(default)]
    children: f64,
    #[serde(default)]
    pregnant: f64,
    #[serde(default)]
    disabled: f64,
    #[serde(default)]
    injured: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PopulationRecipe {
    residents: Option<u64>,
    relocated_share: Option<f64>,
    relocated: Option<u64>,
    priority: Option<Shares>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StockRecipe {
    persons: u64,
    #[serde(default)]
    by_warehouse: BTreeMap<String, u64>,
}

/// What the generator did, for the user to read.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateReport {
    /// Candidate shelter sites read.
    pub candidates: usize,
    /// Dropped: outside the road extract's bounding box or more than 1 km from a road.
    pub off_network: usize,
    /// Dropped: inside a hazard polygon.
    pub in_hazard: usize,
    /// Dropped: inside a larger open space (OSM only), or below the minimum area,
    /// or beyond `max_shelters`.
    pub other_dropped: usize,
    /// Shelters written.
    pub shelters: usize,
    /// Persons placed in shelters.
    pub persons: u64,
    /// Shelter capacity, persons (area / 1.5 m²).
    pub capacity_persons: u64,
    /// Persons of full basic relief stocked.
    pub stocked_persons: u64,
}

/// A value in [0, 1) from an id and a seed (FNV-1a), stable across platforms.
fn unit_hash(id: &str, seed: u64) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    // splitmix64 finaliser: ids differing in one byte land far apart.
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    (h >> 11) as f64 / (1u64 << 53) as f64
}

struct Site {
    id: String,
    name: String,
    district: String,
    source: String,
    p: [f64; 2],
    area_m2: f64,
}

/// Reads `dir/generate.toml` and `dir/scenario.toml`, and (re)writes `dir/shelters.csv`
/// and `dir/stock.csv`. Deterministic: the same recipe and inputs give the same files.
pub fn generate(dir: &Path, progress: &dyn Progress) -> Result<GenerateReport, GenerateError> {
    let path = dir.join(RECIPE);
    let p = path.display().to_string();
    let bad = |message: String| GenerateError::Recipe {
        path: p.clone(),
        message,
    };
    let boxed = |e: Box<dyn std::error::Error + Send + Sync>| GenerateError::Input(e);
    let text = std::fs::read_to_string(&path).map_err(|e| bad(e.to_string()))?;
    let r: Recipe = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
    let head = Scenario::head(dir).map_err(|e| boxed(Box::new(e)))?;
    let files = &head.files;
    let warehouses =
        read_warehouses(&dir.join(&files.warehouses)).map_err(|e| boxed(Box::new(e)))?;
    let (catalogue, _) = files.catalogue(dir).map_err(|e| boxed(Box::new(e)))?;
    let graph = load_graph(&head.network, &Profile::default(), CacheMode::Use, progress)
        .map_err(|e| boxed(Box::new(e)))?
        .graph;
    let snapper = Snapper::new(&graph);
    let sr = &r.shelters;
    if !(sr.usable_share > 0.0 && sr.usable_share <= 1.0) {
        return Err(bad(format!(
            "[shelters] usable_share must be in (0, 1], got {}",
            sr.usable_share
        )));
    }

    // Candidate sites.
    let mut report_other = 0;
    let mut sites: Vec<Site> = match (&sr.points, &sr.osm) {
        (Some(points), None) => {
            let [lo, hi] = sr.area_m2.ok_or_else(|| {
                bad("[shelters] points need `area_m2 = [min, max]` (assumed usable area)".into())
            })?;
            if !(lo > 0.0 && hi >= lo) {
                return Err(bad(format!(
                    "[shelters] area_m2 = [{lo}, {hi}]: need 0 < min ≤ max"
                )));
            }
            let datum = if sr.gcj02 { Datum::Gcj02 } else { Datum::Wgs84 };
            let pts = read_points(&dir.join(points), datum).map_err(|e| boxed(Box::new(e)))?;
            for a in &sr.anchors {
                if !pts.iter().any(|q| q.id == a.id) {
                    return Err(bad(format!(
                        "[shelters] anchor `{}` is not in {}",
                        a.id,
                        points.display()
                    )));
                }
            }
            pts.into_iter()
                .filter(|q| sr.districts.is_empty() || sr.districts.contains(&q.district))
                .map(|q| Site {
                    area_m2: sr.anchors.iter().find(|a| a.id == q.id).map_or_else(
                        || (lo + (hi - lo) * unit_hash(&q.id, r.seed)).round(),
                        |a| a.area_m2,
                    ),
                    name: format!("shelter {}", q.id),
                    source: "points".into(),
                    district: q.district,
                    p: [q.lon, q.lat],
                    id: q.id,
                })
                .collect()
        }
        (None, Some(kinds)) => {
            let kinds = kinds
                .iter()
                .map(|k| {
                    SpaceKind::parse(k).ok_or_else(|| {
                        bad(format!(
                            "[shelters] osm: `{k}` is not one of park, school, square, sports"
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let (spaces, _) = read_open_spaces(&head.network).map_err(|e| boxed(Box::new(e)))?;
            let spaces: Vec<_> = spaces
                .into_iter()
                .filter(|s| kinds.contains(&s.kind))
                .collect();
            let mut keep = Vec::new();
            for (k, s) in spaces.iter().enumerate() {
                // A pitch inside a school or a garden inside a park is the same site.
                let nested = spaces.iter().enumerate().any(|(j, o)| {
                    j != k
                        && (o.area_m2 > s.area_m2 || (o.area_m2 == s.area_m2 && j < k))
                        && o.polygons.iter().any(|poly| poly.contains(s.centroid))
                });
                let usable = s.area_m2 * sr.usable_share;
                if nested || usable < sr.min_area_m2 {
                    report_other += 1;
                    continue;
                }
                keep.push(Site {
                    id: s.osm_id.clone(),
                    name: if s.name.is_empty() {
                        format!("{} {}", s.kind.as_str(), s.osm_id)
                    } else {
                        s.name.clone()
                    },
                    district: sr.district.clone(),
                    source: format!("osm {}", s.kind.as_str()),
                    p: s.centroid,
                    area_m2: usable.round(),
                });
            }
            keep
        }
        _ => {
            return Err(bad(
                "[shelters] give exactly one of `points` (a CSV) or `osm` (open-space kinds)"
                    .into(),
            ))
        }
    };
    let candidates = sites.len() + report_other;

    let off_before = sites.len();
    let lon = graph
        .lon
        .iter()
        .fold([f64::MAX, f64::MIN], |b, &x| [b[0].min(x), b[1].max(x)]);
    let lat = graph
        .lat
        .iter()
        .fold([f64::MAX, f64::MIN], |b, &x| [b[0].min(x), b[1].max(x)]);
    sites.retain(|s| {
        (lon[0]..=lon[1]).contains(&s.p[0])
            && (lat[0]..=lat[1]).contains(&s.p[1])
            && snapper
                .nearest(s.p)
                .is_some_and(|n| n.distance_m <= DEFAULT_MAX_SNAP_M)
    });
    let off_network = off_before - sites.len();
    let mut hazard = Area::default();
    for f in &sr.exclude_areas {
        hazard.polygons.extend(
            read_area(&dir.join(f))
                .map_err(|e| boxed(Box::new(e)))?
                .polygons,
        );
    }
    let before = sites.len();
    sites.retain(|s| !hazard.contains(s.p));
    let in_hazard = before - sites.len();
    if let Some(max) = sr.max_shelters {
        sites.sort_by(|a, b| b.area_m2.total_cmp(&a.area_m2).then(a.id.cmp(&b.id)));
        report_other += sites.len().saturating_sub(max);
        sites.truncate(max);
    }
    sites.sort_by(|a, b| a.id.cmp(&b.id));
    if sites.is_empty() {
        return Err(bad(format!(
            "no shelter site left ({candidates} candidates, {off_network} off the road network, {in_hazard} in hazard areas)"
        )));
    }

    // People.
    let pr = &r.population;
    let relocated =
        match (pr.relocated, pr.residents, pr.relocated_share) {
            (Some(n), _, None) => n,
            (None, Some(res), Some(share)) if (0.0..=1.0).contains(&share) => {
                (res as f64 * share).round() as u64
            }
            _ => return Err(bad(
                "[population] give `relocated = N`, or `residents` and `relocated_share` in [0, 1]"
                    .into(),
            )),
        };
    let capacity: Vec<f64> = sites
        .iter()
        .map(|s| (s.area_m2 / M2_PER_PERSON).floor())
        .collect();
    let heads = apportion(relocated, &capacity);
    let shares = pr.priority.as_ref().map_or([0.0; 5], |s| {
        [s.elderly, s.children, s.pregnant, s.disabled, s.injured]
    });
    if shares.iter().any(|x| !(0.0..=1.0).contains(x)) || shares.iter().sum::<f64>() > 1.0 {
        return Err(bad(
            "[population] priority shares must be in [0, 1] and add up to ≤ 1".into(),
        ));
    }
    let shelters: Vec<Shelter> = sites
        .iter()
        .zip(&heads)
        .map(|(s, &h)| {
            let f = |x: f64| (h as f64 * x).floor() as u32;
            Shelter {
                id: s.id.clone(),
                name: s.name.clone(),
                district: s.district.clone(),
                lon: s.p[0],
                lat: s.p[1],
                area_m2: s.area_m2,
                headcount: h as u32,
                priority: PriorityPeople {
                    elderly: f(shares[0]),
                    children: f(shares[1]),
                    pregnant: f(shares[2]),
                    disabled: f(shares[3]),
                    injured: f(shares[4]),
                },
            }
        })
        .collect();
    let sources: Vec<&str> = sites.iter().map(|s| s.source.as_str()).collect();
    write_shelters(&dir.join(&files.shelters), &shelters, &sources).map_err(&bad)?;

    // Stock.
    let persons = stock_persons(&r.stock, &warehouses).map_err(bad)?;
    write_stock(&dir.join(&files.stock), &warehouses, &persons, &catalogue).map_err(&bad)?;

    Ok(GenerateReport {
        candidates,
        off_network,
        in_hazard,
        other_dropped: report_other,
        shelters: shelters.len(),
        persons: relocated,
        capacity_persons: capacity.iter().sum::<f64>() as u64,
        stocked_persons: persons.iter().sum(),
    })
}

/// Persons of full relief per warehouse: the named ones as given, the rest of
/// `persons` by fleet capacity (trucks × payload).
fn stock_persons(s: &StockRecipe, warehouses: &[Warehouse]) -> Result<Vec<u64>, String> {
    for id in s.by_warehouse.keys() {
        if !warehouses.iter().any(|w| &w.id == id) {
            return Err(format!("[stock] by_warehouse: unknown warehouse `{id}`"));
        }
    }
    let named: u64 = s.by_warehouse.values().sum();
    if named > s.persons {
        return Err(format!(
            "[stock] by_warehouse gives {named} persons, more than persons = {}",
            s.persons
        ));
    }
    let fleet: Vec<f64> = warehouses
        .iter()
        .map(|w| {
            if s.by_warehouse.contains_key(&w.id) {
                0.0
            } else {
                f64::from(w.fleet.trucks) * w.fleet.payload_kg
            }
        })
        .collect();
    let mut out = apportion(s.persons - named, &fleet);
    for (k, w) in warehouses.iter().enumerate() {
        if let Some(&n) = s.by_warehouse.get(&w.id) {
            out[k] = n;
        }
    }
    Ok(out)
}

fn write_shelters(path: &Path, shelters: &[Shelter], sources: &[&str]) -> Result<(), String> {
    let err = |e: csv::Error| format!("cannot write {}: {e}", path.display());
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    w.write_record([
        "id",
        "name",
        "district",
        "lon",
        "lat",
        "area_m2",
        "headcount",
        "elderly",
        "children",
        "pregnant",
        "disabled",
        "injured",
        "source",
    ])
    .map_err(err)?;
    for (s, src) in shelters.iter().zip(sources) {
        let p = &s.priority;
        w.write_record([
            s.id.clone(),
            s.name.clone(),
            s.district.clone(),
            format!("{:.7}", s.lon),
            format!("{:.7}", s.lat),
            format!("{}", s.area_m2),
            s.headcount.to_string(),
            p.elderly.to_string(),
            p.children.to_string(),
            p.pregnant.to_string(),
            p.disabled.to_string(),
            p.injured.to_string(),
            (*src).to_string(),
        ])
        .map_err(err)?;
    }
    w.flush()
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn write_stock(
    path: &Path,
    warehouses: &[Warehouse],
    persons: &[u64],
    catalogue: &Catalogue,
) -> Result<(), String> {
    let err = |e: csv::Error| format!("cannot write {}: {e}", path.display());
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    w.write_record(["warehouse_id", "item", "quantity"])
        .map_err(err)?;
    for (wh, &n) in warehouses.iter().zip(persons) {
        if n == 0 {
            continue;
        }
        for it in &catalogue.items {
            let q = (n as f64 * it.relief_per_person - 1e-9).ceil().max(0.0) as u64;
            w.write_record([wh.id.as_str(), it.item.as_str(), &q.to_string()])
                .map_err(err)?;
        }
    }
    w.flush()
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_hash_is_stable_and_in_range() {
        let a = unit_hash("bj0", 1);
        assert_eq!(a, unit_hash("bj0", 1));
        assert_ne!(a, unit_hash("bj0", 2));
        assert!((0.0..1.0).contains(&a));
    }
}
