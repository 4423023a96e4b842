//! Linear and mixed-integer models: a solver-independent [`LinearModel`] that is
//! solved through `good_lp` and can be written as LP or MPS files so an independent
//! solver (HiGHS, CBC, GLPK) can re-check any result.
//!
//! Backend: `good_lp`'s pure-Rust `microlp` (dense simplex with branch and bound).
//! It keeps the default build free of C++ toolchains; it suits models up to a few
//! thousand variables. Larger production models are exported (`write_mps`) and can
//! be solved with HiGHS; a `highs` backend needs cmake + libclang at build time and
//! ~4 min per profile, so it is not in the default build (see README).

mod export;
mod model;

pub use export::{write_lp, write_mps};
pub use model::{Constraint, LinearModel, LpError, LpSolution, Relation, Sense, VarId, Variable};

use crate::mcf::{FlowNetwork, UNBOUNDED};

/// The LP formulation of a min-cost-flow instance (exact balance): one variable
/// per arc, one conservation row per node. Used to cross-check the network simplex.
pub fn mcf_as_lp(net: &FlowNetwork) -> LinearModel {
    let mut m = LinearModel::new("mcf", Sense::Minimise);
    let x: Vec<VarId> = net
        .arcs
        .iter()
        .enumerate()
        .map(|(k, a)| {
            let upper = if a.upper == UNBOUNDED {
                f64::INFINITY
            } else {
                a.upper as f64
            };
            m.add_var(&format!("x{k}"), a.lower as f64, upper, a.cost as f64)
        })
        .collect();
    let mut rows: Vec<Vec<(VarId, f64)>> = vec![Vec::new(); net.node_count()];
    for (k, a) in net.arcs.iter().enumerate() {
        rows[a.tail as usize].push((x[k], 1.0));
        rows[a.head as usize].push((x[k], -1.0));
    }
    for (u, terms) in rows.into_iter().enumerate() {
        m.add_constraint(
            &format!("n{u}"),
            terms,
            model::Relation::Eq,
            net.supply[u] as f64,
        );
    }
    m
}
