//! reliefflow's optimisation core. Plain numeric instances in, solutions out: no
//! OSM, no files except the interchange formats in [`dimacs`].
//!
//! - [`mcf`]: minimum-cost flow by our own network simplex (the fast path).
//! - [`lp`]: linear / mixed-integer models on `good_lp`, with LP and MPS export.
//! - [`dimacs`]: the DIMACS min-cost-flow interchange format.
//! - [`gen`]: generators of benchmark instances of the shapes reliefflow meets.

pub mod dimacs;
pub mod gen;
pub mod lp;
pub mod mcf;
pub mod siting;
