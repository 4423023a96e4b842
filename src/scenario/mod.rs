//! A scenario folder: `scenario.toml` plus its tables, loaded and validated.
//!
//! ```toml
//! name = "xicheng-earthquake"
//! description = "…"
//! network = "../../network-data/beijing-core.osm.pbf"   # relative to the folder
//! event_time = "02:10"
//! timezone = "Asia/Shanghai"   # IANA name; the default (see scenario::clock)
//!
//! [targets]
//! first_delivery_h = 6.0      # first batch on site (seeds 000, 004)
//! relief_h = 12.0             # basic relief complete (seed 001); 10.0 for seeds 000/004
//! unloading_h = 0.25
//! max_stops = 6               # shelters per truck trip (1 = direct trips only)
//!
//! [files]                      # all optional, these are the defaults
//! warehouses = "warehouses.csv"
//! stock = "stock.csv"
//! shelters = "shelters.csv"
//! items = "items.csv"          # absent file → the default Sphere catalogue
//! population = "population.csv"  # district,residents (audits; optional)
//! districts = "../data/beijing-districts.geojson"  # boundaries (audits; optional)
//!
//! [objective]                  # see scenario::objective
//! mode = "efficient"           # or "fair"
//!
//! [disruption]                 # see io::disruption_file
//! ```

pub mod apportion;
pub mod candidates;
pub mod clock;
pub mod events;
pub mod generate;
pub mod objective;
pub mod sent;
pub mod whatif;

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::facility::{Shelter, Warehouse};
use crate::io::areas::read_named_areas;
use crate::io::disruption_file::{resolve, DisruptionFileError, DisruptionTable};
use crate::io::facilities::{
    read_items, read_population, read_shelters, read_stock, read_stock_lenient, read_warehouses,
};
use crate::io::table::TableError;
use crate::network::Disruption;
use crate::supplies::{Catalogue, Stock};

/// Delivery deadlines, hours after the event.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// First batch on site by this many hours (SPEC: 6 h).
    #[serde(default = "default_first")]
    pub first_delivery_h: f64,
    /// Basic relief complete by this many hours (SPEC: 12 h, or 10 h).
    #[serde(default = "default_relief")]
    pub relief_h: f64,
    /// Time to unload a truck at a shelter, hours.
    #[serde(default = "default_unloading")]
    pub unloading_h: f64,
    /// Most shelters one truck serves on a trip (1 = direct trips only).
    #[serde(default = "default_max_stops")]
    pub max_stops: usize,
}

fn default_first() -> f64 {
    6.0
}
fn default_relief() -> f64 {
    12.0
}
fn default_unloading() -> f64 {
    0.25
}
fn default_max_stops() -> usize {
    6
}

impl Default for Targets {
    fn default() -> Self {
        Self {
            first_delivery_h: default_first(),
            relief_h: default_relief(),
            unloading_h: default_unloading(),
            max_stops: default_max_stops(),
        }
    }
}

/// The table file names of a scenario (relative to its folder).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Files {
    /// `warehouses.csv`.
    #[serde(default = "f_warehouses")]
    pub warehouses: PathBuf,
    /// `stock.csv`.
    #[serde(default = "f_stock")]
    pub stock: PathBuf,
    /// `shelters.csv`.
    #[serde(default = "f_shelters")]
    pub shelters: PathBuf,
    /// The item catalogue. Not named: `items.csv` when the folder has one, else
    /// the default catalogue; named: that file, which must exist.
    #[serde(default)]
    pub items: Option<PathBuf>,
    /// `population.csv` (`district,residents`; optional, used by audits).
    #[serde(default = "f_population")]
    pub population: PathBuf,
    /// District boundaries: GeoJSON polygons with a string property `district`
    /// (optional, used by audits).
    #[serde(default)]
    pub districts: Option<PathBuf>,
}
fn f_warehouses() -> PathBuf {
    "warehouses.csv".into()
}
fn f_stock() -> PathBuf {
    "stock.csv".into()
}
fn f_shelters() -> PathBuf {
    "shelters.csv".into()
}
fn f_population() -> PathBuf {
    "population.csv".into()
}
impl Files {
    /// The item catalogue of the scenario folder `dir` (see [`Files::items`]),
    /// and whether it is the default one.
    pub fn catalogue(&self, dir: &Path) -> Result<(Catalogue, bool), TableError> {
        match &self.items {
            Some(f) => Ok((read_items(&dir.join(f))?, false)),
            None if dir.join("items.csv").exists() => {
                Ok((read_items(&dir.join("items.csv"))?, false))
            }
            None => Ok((Catalogue::sphere_default(), true)),
        }
    }
}

impl Default for Files {
    fn default() -> Self {
        Self {
            warehouses: f_warehouses(),
            stock: f_stock(),
            shelters: f_shelters(),
            items: None,
            population: f_population(),
            districts: None,
        }
    }
}

fn default_timezone() -> String {
    clock::DEFAULT_TIMEZONE.to_string()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioToml {
    name: String,
    #[serde(default)]
    description: String,
    network: PathBuf,
    #[serde(default)]
    event_time: String,
    #[serde(default = "default_timezone")]
    timezone: String,
    #[serde(default)]
    targets: Targets,
    #[serde(default)]
    files: Files,
    #[serde(default)]
    incident: Incident,
    #[serde(default)]
    objective: objective::Objective,
    #[serde(default)]
    disruption: Option<DisruptionTable>,
}

/// What is known of the incident beyond the shelters (for its response level);
/// absent figures are 0, `relocated` 0 means "the shelters' headcount".
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    /// People relocated or needing emergency relief, persons.
    #[serde(default)]
    pub relocated: u64,
    /// Dead and missing, persons.
    #[serde(default)]
    pub dead_missing: u64,
    /// Collapsed or badly damaged houses, rooms.
    #[serde(default)]
    pub collapsed_rooms: u64,
    /// Collapsed or badly damaged houses, households.
    #[serde(default)]
    pub collapsed_households: u64,
}

/// Errors loading a scenario.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// `scenario.toml` is missing or malformed.
    #[error("{path}: {message}")]
    Toml {
        /// The file.
        path: String,
        /// What is wrong (with TOML line and column).
        message: String,
    },
    /// A table is malformed.
    #[error(transparent)]
    Table(#[from] TableError),
    /// The disruption is malformed.
    #[error(transparent)]
    Disruption(#[from] DisruptionFileError),
    /// The district boundaries are malformed.
    #[error(transparent)]
    Districts(#[from] crate::io::areas::AreaError),
}

/// A loaded scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Folder it was loaded from.
    pub dir: PathBuf,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Road extract (resolved path).
    pub network: PathBuf,
    /// Event clock time as given (display only; plans count hours since the event).
    pub event_time: String,
    /// The IANA time zone people's clocks show (`timezone` in `scenario.toml`,
    /// default `Asia/Shanghai`; checked at load): how the service reads and
    /// writes local times ([`Scenario::clock`]).
    pub timezone: String,
    /// Deadlines.
    pub targets: Targets,
    /// Road disruption.
    pub disruption: Disruption,
    /// Warehouses.
    pub warehouses: Vec<Warehouse>,
    /// Open shelters.
    pub shelters: Vec<Shelter>,
    /// Items and norms.
    pub catalogue: Catalogue,
    /// Stock per warehouse × item (item units).
    pub stock: Stock,
    /// True when the default catalogue was used (no items.csv).
    pub default_catalogue: bool,
    /// Incident figures from `[incident]`.
    pub incident: Incident,
    /// What plans optimise (`[objective]`).
    pub objective: objective::Objective,
    /// Residents per district from `population.csv`, when present.
    pub residents: Option<std::collections::BTreeMap<String, u64>>,
    /// District boundaries from `[files] districts`, when given.
    pub districts: Option<Vec<(String, crate::network::geo::Area)>>,
    /// Input files read (for audit hashes), in reading order.
    pub inputs: Vec<PathBuf>,
    /// Data-quality findings of a lenient load (rows skipped); empty when strict.
    pub findings: Vec<String>,
    /// Units already on their way to shelters (a re-plan's departed trips):
    /// plans cover demand net of them. Empty when read from files.
    pub sent: Vec<sent::Sent>,
    /// The plan time, hours after the event: no truck loads before it
    /// ([`Scenario::set_plan_time`]). 0 when read from files (an exercise
    /// planned from the event); deadlines stay anchored at the event.
    pub plan_h: f64,
}

/// What `scenario.toml` says before any table is read.
#[derive(Debug, Clone)]
pub struct Head {
    /// Road extract (resolved path).
    pub network: PathBuf,
    /// Table file names.
    pub files: Files,
}

/// Longest relief deadline a scenario may set, hours (30 days).
pub const MAX_HORIZON_H: f64 = 720.0;

/// True when `name` can be used as one folder name under `out/`: it cannot
/// climb out (`..`, separators), hide (leading `.`) or be empty.
pub fn is_folder_name(name: &str) -> bool {
    (1..=100).contains(&name.chars().count())
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl Scenario {
    /// The wall clock of the scenario's time zone ([`Scenario::timezone`]).
    ///
    /// # Panics
    ///
    /// When `timezone` was changed after loading to a name the time zone
    /// database does not know ([`Scenario::load`] refuses one).
    pub fn clock(&self) -> clock::Clock {
        clock::Clock::new(&self.timezone)
            .expect("the time zone is checked when the scenario is loaded")
    }

    /// Plans from `plan_h` hours after the event: every truck is busy until
    /// then at least (`reliefflow plan --at`, the service's plan time).
    pub fn set_plan_time(&mut self, plan_h: f64) {
        let plan_h = plan_h.max(0.0);
        self.plan_h = plan_h;
        for w in &mut self.warehouses {
            w.busy_until_h = w
                .truck_free_h()
                .into_iter()
                .map(|h| h.max(plan_h))
                .collect();
        }
    }

    /// When warehouse `w`'s first truck is free to load, hours after the event
    /// (the plan time when it has no truck).
    pub fn earliest_free_h(&self, w: usize) -> f64 {
        let free = self.warehouses[w].truck_free_h();
        free.into_iter()
            .reduce(f64::min)
            .unwrap_or(self.plan_h)
            .max(self.plan_h)
    }

    /// Reads `dir/scenario.toml` alone (network and file names), as the generator
    /// needs before the tables exist.
    pub fn head(dir: &Path) -> Result<Head, ScenarioError> {
        let (t, _) = Self::read_toml(dir)?;
        Ok(Head {
            network: dir.join(t.network),
            files: t.files,
        })
    }

    fn read_toml(dir: &Path) -> Result<(ScenarioToml, PathBuf), ScenarioError> {
        let toml_path = dir.join("scenario.toml");
        let p = toml_path.display().to_string();
        let text = std::fs::read_to_string(&toml_path).map_err(|e| ScenarioError::Toml {
            path: p.clone(),
            message: e.to_string(),
        })?;
        let t: ScenarioToml = toml::from_str(&text).map_err(|e| ScenarioError::Toml {
            path: p.clone(),
            message: e.to_string(),
        })?;
        if !is_folder_name(&t.name) {
            return Err(ScenarioError::Toml {
                path: p,
                message: format!(
                    "`name` names the output folder: expected 1-100 letters, digits, \
                     '-', '_' or '.' not starting with '.', got {:?}",
                    t.name
                ),
            });
        }
        if let Err(e) = clock::Clock::new(&t.timezone) {
            return Err(ScenarioError::Toml {
                path: p,
                message: format!("`timezone`: {e}"),
            });
        }
        Ok((t, toml_path))
    }

    /// Loads `dir/scenario.toml` and the tables it names.
    pub fn load(dir: &Path) -> Result<Self, ScenarioError> {
        Self::load_with(dir, false)
    }

    /// Loads as [`Scenario::load`], but stock rows naming an unknown warehouse or item
    /// (or a bad quantity) are skipped and listed in `findings`, as an audit wants.
    pub fn load_lenient(dir: &Path) -> Result<Self, ScenarioError> {
        Self::load_with(dir, true)
    }

    fn load_with(dir: &Path, lenient: bool) -> Result<Self, ScenarioError> {
        let (t, toml_path) = Self::read_toml(dir)?;
        let p = toml_path.display().to_string();
        let tg = t.targets;
        if !(tg.first_delivery_h > 0.0
            && tg.relief_h >= tg.first_delivery_h
            && tg.relief_h <= MAX_HORIZON_H
            && tg.unloading_h >= 0.0
            && tg.unloading_h < 24.0
            && tg.max_stops >= 1)
        {
            return Err(ScenarioError::Toml {
                path: p,
                message: format!(
                    "[targets]: need 0 < first_delivery_h ({}) ≤ relief_h ({}) ≤ {MAX_HORIZON_H}, 0 ≤ unloading_h ({}) < 24 and max_stops ≥ 1 ({})",
                    tg.first_delivery_h, tg.relief_h, tg.unloading_h, tg.max_stops
                ),
            });
        }
        let warehouses = read_warehouses(&dir.join(&t.files.warehouses))?;
        let shelters = read_shelters(&dir.join(&t.files.shelters))?;
        let (catalogue, default_catalogue) = t.files.catalogue(dir)?;
        let mut findings = Vec::new();
        let stock_path = dir.join(&t.files.stock);
        let stock = if lenient {
            read_stock_lenient(&stock_path, &warehouses, &catalogue, &mut findings)?
        } else {
            read_stock(&stock_path, &warehouses, &catalogue)?
        };
        let (disruption, disruption_files) =
            resolve(&t.disruption.clone().unwrap_or_default(), &toml_path)?;
        let population_path = dir.join(&t.files.population);
        let residents = if population_path.exists() {
            Some(read_population(&population_path)?)
        } else {
            None
        };
        let mut inputs = vec![
            toml_path.clone(),
            dir.join(&t.files.warehouses),
            dir.join(&t.files.shelters),
            stock_path,
        ];
        if !default_catalogue {
            inputs.push(dir.join(t.files.items.as_deref().unwrap_or(Path::new("items.csv"))));
        }
        if residents.is_some() {
            inputs.push(population_path);
        }
        let districts = match &t.files.districts {
            Some(f) => {
                inputs.push(dir.join(f));
                Some(read_named_areas(&dir.join(f), "district")?)
            }
            None => None,
        };
        inputs.extend(disruption_files);
        inputs.push(dir.join(&t.network));
        Ok(Self {
            dir: dir.to_path_buf(),
            name: t.name,
            description: t.description,
            network: dir.join(t.network),
            event_time: t.event_time,
            timezone: t.timezone,
            targets: tg,
            disruption,
            warehouses,
            shelters,
            catalogue,
            stock,
            default_catalogue,
            incident: t.incident,
            objective: t.objective,
            residents,
            districts,
            inputs,
            findings,
            sent: Vec::new(),
            plan_h: 0.0,
        })
    }
}
