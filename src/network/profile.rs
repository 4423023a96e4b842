//! The road profile: which OSM ways a relief truck may use and how fast (km/h).
//! Loaded from TOML; the default (`profiles/truck.toml`) is compiled in.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The default relief-truck profile, as shipped in `profiles/truck.toml`.
pub const DEFAULT_PROFILE_TOML: &str = include_str!("../../profiles/truck.toml");

/// Errors reading a profile.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The file could not be read.
    #[error("cannot read profile {path}: {source}")]
    Io {
        /// The profile path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The TOML does not describe a profile.
    #[error("profile {path} is not valid: {message}")]
    Invalid {
        /// The profile path (or `<default>`).
        path: String,
        /// What is wrong, with the TOML line when known.
        message: String,
    },
}

/// Travel-speed and access rules for one vehicle type.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Human-readable name.
    pub name: String,
    /// Multiplier applied to posted `maxspeed` before comparing with the class speed.
    pub maxspeed_factor: f64,
    /// Class speed in km/h for each routable `highway=*` value; classes absent here
    /// (footway, construction, …) are not routable.
    pub speeds: BTreeMap<String, f64>,
    /// Service-road rules.
    pub service: ServiceRules,
    /// Access-tag rules.
    pub access: AccessRules,
    /// Barrier-node rules.
    pub barriers: BarrierRules,
    /// Implicit speed limits `XX:zone` → km/h.
    pub maxspeed_zones: BTreeMap<String, f64>,
}

/// Which `service=*` roads are excluded.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServiceRules {
    /// `service=*` values the truck does not use.
    pub excluded: Vec<String>,
}

/// Access values that deny the truck.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AccessRules {
    /// Values of access/vehicle/motor_vehicle/hgv that deny passage.
    pub denied: Vec<String>,
}

/// Barrier values that block the truck.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BarrierRules {
    /// `barrier=*` values that block passage through the node.
    pub blocking: Vec<String>,
}

impl Default for Profile {
    fn default() -> Self {
        Self::from_toml(DEFAULT_PROFILE_TOML, "<default>").expect("the bundled profile is valid")
    }
}

impl Profile {
    /// Parses a profile from TOML text; `origin` names the source in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, ProfileError> {
        let p: Profile = toml::from_str(text).map_err(|e| ProfileError::Invalid {
            path: origin.to_string(),
            message: e.to_string(),
        })?;
        p.validate(origin)?;
        Ok(p)
    }

    /// Reads a profile file.
    pub fn load(path: &Path) -> Result<Self, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_toml(&text, &path.display().to_string())
    }

    fn validate(&self, origin: &str) -> Result<(), ProfileError> {
        let bad = |message: String| ProfileError::Invalid {
            path: origin.to_string(),
            message,
        };
        if !(self.maxspeed_factor > 0.0 && self.maxspeed_factor <= 2.0) {
            return Err(bad(format!(
                "maxspeed_factor must be in (0, 2], got {}",
                self.maxspeed_factor
            )));
        }
        for (class, &kmh) in self.speeds.iter().chain(self.maxspeed_zones.iter()) {
            if !(kmh > 0.0 && kmh <= 200.0) {
                return Err(bad(format!(
                    "speed for `{class}` must be in (0, 200] km/h, got {kmh}"
                )));
            }
        }
        Ok(())
    }

    /// SHA-256 of the canonical serialisation; part of the graph cache key.
    pub fn fingerprint(&self) -> [u8; 32] {
        let canonical = serde_json::to_vec(self).expect("profile serialises");
        Sha256::digest(&canonical).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_profile_parses_and_gives_road_an_urban_speed() {
        let p = Profile::default();
        assert_eq!(p.speeds["road"], 25.0);
        assert!(p.speeds.contains_key("motorway_link"));
        assert!(!p.speeds.contains_key("footway"));
    }

    #[test]
    fn bad_speed_is_rejected_with_the_class_named() {
        let text = DEFAULT_PROFILE_TOML.replace("residential = 18", "residential = -5");
        let err = Profile::from_toml(&text, "x.toml").unwrap_err().to_string();
        assert!(
            err.contains("residential") && err.contains("x.toml"),
            "{err}"
        );
    }

    #[test]
    fn unknown_key_is_rejected() {
        let text = format!("bogus = 1\n{DEFAULT_PROFILE_TOML}");
        assert!(Profile::from_toml(&text, "x.toml").is_err());
    }
}
