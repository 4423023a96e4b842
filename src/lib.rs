//! reliefflow: plans how emergency relief supplies get from warehouses to shelters
//! on real road networks.
//!
//! Data flows one way: ingest ([`network::osm`], [`io`]) → graph ([`network::graph`])
//! → matrix ([`network::matrix`]) → model and solve (the `solver` crate) → report.

pub mod audit;
pub mod digest;
pub mod facility;
pub mod io;
pub mod network;
pub mod ops;
pub mod plan;
pub mod progress;
pub mod report;
pub mod scenario;
pub mod serve;
pub mod site;
pub mod store;
pub mod supplies;
