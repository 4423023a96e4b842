//! The mass-based flow of [`super::fleet_alloc`] solved by pricing at scale.
//!
//! With many shelters almost all of the network's arcs are deliveries from
//! warehouses no optimal flow uses. Above [`PRICE_ABOVE_ARCS`] delivery arcs the
//! flow is first solved with each shelter's [`NEAREST`] warehouses only; then
//! every left-out delivery arc is priced at the optimum's potentials, and those
//! with a negative reduced cost are added before solving again. Delivery arcs are
//! uncapacitated, so when none is negative the restricted optimum is optimal for
//! the whole network: the answer is exact, only faster.

use solver::mcf::{McfSolver, Outcome, Solution, SupplyMode};

use super::fleet_alloc::{due_node, kg_network, stock_node, DeliveryArc, KgNetwork};

/// Delivery arcs (warehouse × shelter × item) above which the flow is priced.
pub const PRICE_ABOVE_ARCS: usize = 400_000;

/// Warehouses per shelter (the nearest in time) in the first restricted flow.
pub const NEAREST: usize = 4;

/// Solves `spec`'s flow (its `built` filter is replaced), exactly, by pricing when
/// it is large; returns the delivery arcs of the network solved and its optimum.
/// `what` names the flow in errors.
pub fn solve_priced(spec: &KgNetwork, what: &str) -> Result<(Vec<DeliveryArc>, Solution), String> {
    let (nw, ns, ni) = (spec.warehouses, spec.shelters, spec.items);
    let pairs: Vec<Vec<(f64, usize)>> = (0..ns)
        .map(|s| {
            let mut p: Vec<(f64, usize)> = (0..nw)
                .filter_map(|w| (spec.feasible_h)(w, s).map(|t| (t, w)))
                .collect();
            p.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            p
        })
        .collect();
    let arcs: usize = pairs.iter().map(|p| p.len() * ni).sum();
    let mut built = vec![arcs <= PRICE_ABOVE_ARCS; nw * ns];
    for (s, p) in pairs.iter().enumerate() {
        for &(_, w) in p.iter().take(NEAREST) {
            built[s * nw + w] = true;
        }
    }
    let due = |s: usize| (0..ni).filter(move |&i| (spec.demand)(s, i) > 0);
    let mut rounds = 0;
    loop {
        rounds += 1;
        let (net, map, _) = kg_network(&KgNetwork {
            built: &|w, s| built[s * nw + w],
            ..*spec
        });
        let mut solver =
            McfSolver::from_network(net, SupplyMode::Exact).map_err(|e| format!("{what}: {e}"))?;
        let t = std::time::Instant::now();
        let sol = match solver.solve() {
            Outcome::Optimal(sol) => sol,
            other => return Err(format!("{what}: solver says {}", other.status())),
        };
        tracing::debug!("{what}: round {rounds}: {} arcs, solve {:.1} ms, {} pivots", map.len(), 1e3 * t.elapsed().as_secs_f64(), sol.pivots);
        let pot = &sol.potential;
        let mut added = 0;
        for (s, p) in pairs.iter().enumerate() {
            for &(t, w) in p {
                if built[s * nw + w] {
                    continue;
                }
                let cost = (t * 3600.0).round() as i64;
                let negative = due(s).any(|i| {
                    cost + pot[stock_node(nw, ni, w, i)] - pot[due_node(nw, ni, s, i)] < 0
                });
                if negative {
                    built[s * nw + w] = true;
                    added += 1;
                }
            }
        }
        if added == 0 {
            tracing::debug!(
                "{what}: {} of {arcs} delivery arcs after {rounds} pricing round(s)",
                map.len()
            );
            return Ok((map, sol));
        }
    }
}
