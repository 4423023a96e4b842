//! Reports: plan files (CSV, JSON, GeoJSON) and the printed summary.

pub mod plan_files;
pub mod summary;
