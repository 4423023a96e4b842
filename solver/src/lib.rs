//! reliefflow's optimisation core. Plain numeric instances in, solutions out: no
//! OSM, no files except the interchange formats in [`dimacs`].
//!
//! - [`mcf`]: minimum-cost flow by our own network simplex (the fast path).

pub mod dimacs;
pub mod mcf;
