//! Independent certificate check of a min-cost-flow solution: bounds, flow
//! conservation (with reported unmet demand and unused supply), reduced-cost
//! optimality against the reported potentials, and the total cost. O(n + m).

use super::problem::{FlowNetwork, SupplyMode, UNBOUNDED};
use super::solution::Solution;

/// Checks `sol` against `net`; returns the first violated condition.
pub fn verify(net: &FlowNetwork, mode: SupplyMode, sol: &Solution) -> Result<(), String> {
    let n = net.node_count();
    if sol.flow.len() != net.arcs.len() || sol.potential.len() != n {
        return Err("solution size does not match the network".into());
    }
    let mut balance = vec![0i128; n];
    let mut cost = 0i128;
    for (k, (a, &x)) in net.arcs.iter().zip(&sol.flow).enumerate() {
        if x < a.lower || (a.upper != UNBOUNDED && x > a.upper) {
            return Err(format!(
                "arc {k}: flow {x} outside [{}, {}]",
                a.lower, a.upper
            ));
        }
        balance[a.tail as usize] += i128::from(x);
        balance[a.head as usize] -= i128::from(x);
        cost += i128::from(x) * i128::from(a.cost);
        let rc = i128::from(a.cost) + i128::from(sol.potential[a.tail as usize])
            - i128::from(sol.potential[a.head as usize]);
        if rc > 0 && x != a.lower {
            return Err(format!(
                "arc {k}: reduced cost {rc} > 0 but flow {x} is above its lower bound"
            ));
        }
        if rc < 0 && x != a.upper {
            return Err(format!(
                "arc {k}: reduced cost {rc} < 0 but flow {x} is below its upper bound"
            ));
        }
    }
    if cost != sol.total_cost {
        return Err(format!(
            "total cost {} but Σ flow·cost = {cost}",
            sol.total_cost
        ));
    }
    for (u, &net_out) in balance.iter().enumerate() {
        let b = net.supply[u];
        let (unmet, unused) = (sol.unmet_demand[u], sol.unused_supply[u]);
        let out_of_range = match mode {
            SupplyMode::Exact => unmet != 0 || unused != 0,
            SupplyMode::MeetMaxDemand => {
                unmet < 0 || unmet > (-b).max(0) || unused < 0 || unused > b.max(0)
            }
        };
        if out_of_range {
            return Err(format!("node {u}: unmet {unmet} / unused {unused} not allowed for supply {b} in {mode:?} mode"));
        }
        let expect = i128::from(b) - i128::from(unused) + i128::from(unmet);
        if net_out != expect {
            return Err(format!(
                "node {u}: net outflow {} ≠ supply {b} − unused {unused} + unmet {unmet}",
                net_out
            ));
        }
    }
    // Slack arcs obey the same optimality conditions.
    if let (SupplyMode::MeetMaxDemand, Some(ps)) = (mode, sol.slack_potential) {
        for u in 0..n {
            let b = net.supply[u];
            let pu = i128::from(sol.potential[u]);
            let (rc, x, cap) = if b > 0 {
                (pu - i128::from(ps), sol.unused_supply[u], b)
            } else if b < 0 {
                (
                    i128::from(sol.unmet_penalty) + i128::from(ps) - pu,
                    sol.unmet_demand[u],
                    -b,
                )
            } else {
                continue;
            };
            if (rc > 0 && x != 0) || (rc < 0 && x != cap) {
                return Err(format!(
                    "node {u}: slack arc violates optimality (reduced cost {rc}, flow {x})"
                ));
            }
        }
    }
    Ok(())
}
