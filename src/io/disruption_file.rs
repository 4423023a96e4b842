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

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DisruptionToml {
    #[serde(default)]
    closed_ways: Vec<i64>,
    #[serde(default)]
    closed_areas: Vec<PathBuf>,
    #[serde(default)]
    slow_areas: Vec<SlowAreaToml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SlowAreaToml {
    file: PathBuf,
    factor: f64,
}

#[derive(Debug, Deserialize)]
struct ScenarioToml {
    #[serde(default)]
    disruption: Option<DisruptionToml>,
}

/// The GeoJSON files a scenario TOML's `[disruption]` names, resolved against its
/// folder (empty when the TOML cannot be read; [`read_disruption`] reports that).
pub fn read_disruption_files(path: &Path) -> Vec<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| toml::from_str::<ScenarioToml>(&t).ok())
        .and_then(|p| p.disruption)
        .map(|d| {
            d.closed_areas
                .iter()
                .chain(d.slow_areas.iter().map(|s| &s.file))
                .map(|f| dir.join(f))
                .collect()
        })
        .unwrap_or_default()
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
    let d = parsed.disruption.unwrap_or_default();
    let dir = path.parent().unwrap_or(Path::new("."));
    Ok(Disruption {
        closed_ways: d.closed_ways,
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
    })
}
