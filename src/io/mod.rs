//! Reading user files: point lists and scenario tables (CSV), disruption specs
//! (TOML + GeoJSON). Every error names the file, the row or field, and what was
//! expected. `validate.rs` holds the rules shared with the service's requests.

pub mod areas;
pub mod candidates;
pub mod disruption_file;
pub mod facilities;
pub mod osm_spaces;
pub mod points;
pub mod table;
pub mod validate;
