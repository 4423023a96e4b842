//! Reports: plan files (CSV, JSON, GeoJSON), the printed summary, and the audit
//! (JSON, CSV, self-contained HTML with SVG charts).

pub mod audit_files;
pub mod audit_html;
pub mod audit_summary;
pub mod clock;
pub mod html;
pub mod legs;
pub mod network_files;
pub mod plan_files;
pub mod provenance;
pub mod siting_files;
pub mod siting_html;
pub mod siting_planner;
pub mod staging;
pub mod summary;
pub mod svg;
pub mod write_error;
