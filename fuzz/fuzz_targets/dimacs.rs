//! DIMACS min-cost-flow files: the parser, then (for small instances) the
//! solver on what it accepted. Neither may panic; an accepted instance's
//! optimal flow must conserve flow at every node.
#![no_main]

use libfuzzer_sys::fuzz_target;
use solver::mcf::{McfSolver, Outcome, SupplyMode};

fuzz_target!(|data: &[u8]| {
    let Ok(net) = solver::dimacs::parse(data) else {
        return;
    };
    if net.node_count() > 300 || net.arcs.len() > 3000 {
        return;
    }
    let supply = net.supply.clone();
    let arcs: Vec<(u32, u32)> = net.arcs.iter().map(|a| (a.tail, a.head)).collect();
    let Ok(mut s) = McfSolver::from_network(net, SupplyMode::Exact) else {
        return;
    };
    if let Outcome::Optimal(sol) = s.solve() {
        let mut balance: Vec<i128> = supply.iter().map(|&s| i128::from(s)).collect();
        for (&(t, h), &f) in arcs.iter().zip(&sol.flow) {
            balance[t as usize] -= i128::from(f);
            balance[h as usize] += i128::from(f);
        }
        assert!(balance.iter().all(|&b| b == 0), "flow not conserved");
    }
});
