//! The `[disruption]` table of a scenario TOML:
//!
//! ```toml
//! [disruption]
//! closed_ways = [123456, 789]            # OSM way ids
//! closed_areas = ["flood.geojson"]       # paths relative to the TOML file
//! slow_areas = [{ file = "debris.geojson", factor = 0.3 }]
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::areas::{read_area, AreaError};
use crate::network::disruption::{Disruption, SlowArea};

/// Errors reading a disruption.
#[derive(Debug, thiserror::Error)]
pub enum DisruptionFileError {
    /// The TOML cannot be read or parsed.
    #[error("{path}: {message}")]
    Toml {
        /// The file.
        path: String,
        /// What failed, with the TOML position.
        message: String,
    },
    /// An area file failed.
    #[error(transparent)]
    Area(#[from] AreaError),
}

/// The `[disruption]` table as written, before its area files are read.
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DisruptionTable {
    /// OSM way ids closed.
    #[serde(default)]
    pub closed_ways: Vec<i64>,
    /// GeoJSON files of closed areas, relative to the TOML file.
    #[serde(default)]
    pub closed_areas: Vec<PathBuf>,
    /// GeoJSON files of slowed areas with their speed factor.
    #[serde(default)]
    pub slow_areas: Vec<SlowAreaTable>,
}

/// One `slow_areas` entry.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SlowAreaTable {
    /// GeoJSON file, relative to the TOML file.
    pub file: PathBuf,
    /// Speed factor in (0, 1].
    pub factor: f64,
}

#[derive(Debug, Deserialize)]
struct ScenarioToml {
    #[serde(default)]
    disruption: Option<DisruptionTable>,
}

/// Reads the `[disruption]` table of `path` (other tables are ignored here); a file
/// without one means no disruption.
pub fn read_disruption(path: &Path) -> Result<Disruption, DisruptionFileError> {
    let p = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| DisruptionFileError::Toml {
        path: p.clone(),
        message: e.to_string(),
    })?;
    let parsed: ScenarioToml = toml::from_str(&text).map_err(|e| DisruptionFileError::Toml {
        path: p.clone(),
        message: e.to_string(),
    })?;
    Ok(resolve(&parsed.disruption.unwrap_or_default(), path)?.0)
}

impl DisruptionTable {
    /// The area files the table names, resolved against `dir`.
    pub fn files(&self, dir: &Path) -> Vec<PathBuf> {
        self.closed_areas
            .iter()
            .chain(self.slow_areas.iter().map(|s| &s.file))
            .map(|f| dir.join(f))
            .collect()
    }
}

/// Reads the area files of `table` (the `[disruption]` table of the TOML file
/// `toml`, files relative to its folder): the disruption, and the files read.
/// Slow-area factors must be in (0, 1]; the error names `toml`.
pub fn resolve(
    table: &DisruptionTable,
    toml: &Path,
) -> Result<(Disruption, Vec<PathBuf>), AreaError> {
    let d = table;
    let dir = toml.parent().unwrap_or(Path::new("."));
    if let Some(s) = d
        .slow_areas
        .iter()
        .find(|s| !(s.factor > 0.0 && s.factor <= 1.0))
    {
        return Err(AreaError::Read {
            path: toml.display().to_string(),
            message: format!(
                "[disruption] slow area `{}`: factor must be in (0, 1] (a share of the normal speed), got {}",
                s.file.display(),
                s.factor
            ),
        });
    }
    let disruption = Disruption {
        closed_ways: d.closed_ways.clone(),
        closed_areas: d
            .closed_areas
            .iter()
            .map(|f| read_area(&dir.join(f)))
            .collect::<Result<_, _>>()?,
        slow_areas: d
            .slow_areas
            .iter()
            .map(|s| {
                Ok(SlowArea {
                    area: read_area(&dir.join(&s.file))?,
                    factor: s.factor,
                    label: s.file.display().to_string(),
                })
            })
            .collect::<Result<_, AreaError>>()?,
    };
    Ok((disruption, d.files(dir)))
}
