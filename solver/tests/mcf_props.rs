//! Property tests: on random networks the network simplex is optimal (equals the
//! LP optimum from good_lp), its certificate verifies, and warm starts agree with
//! cold starts.

use proptest::prelude::*;
use solver::lp::mcf_as_lp;
use solver::mcf::{
    solve, verify, FlowNetwork, McfSolver, Outcome, StartBasis, SupplyMode, UNBOUNDED,
};

/// Random network: up to 9 nodes, 25 arcs, costs −20..50, some lower bounds and
/// uncapacitated arcs; supplies balanced.
fn network() -> impl Strategy<Value = FlowNetwork> {
    (2usize..9).prop_flat_map(|n| {
        let arc = (
            0..n as u32,
            0..n as u32,
            0i64..3,
            prop_oneof![4 => 0i64..15, 1 => Just(UNBOUNDED)],
            -20i64..50,
        );
        (
            proptest::collection::vec(arc, 0..25),
            proptest::collection::vec(-10i64..10, n),
        )
            .prop_map(move |(arcs, mut supply)| {
                let total: i64 = supply.iter().sum();
                supply[0] -= total;
                let mut net = FlowNetwork::new(n);
                net.supply = supply;
                for (t, h, lo, up, c) in arcs {
                    if t != h {
                        let lo = if up == UNBOUNDED { lo } else { lo.min(up) };
                        // Negative costs only on capacitated arcs, so the LP is bounded.
                        let c = if up == UNBOUNDED { c.abs() } else { c };
                        net.add_arc_bounded(t, h, lo, up, c);
                    }
                }
                net
            })
    })
}

/// The same networks with non-negative costs, where the shortest-path crash basis
/// applies.
fn network_nonnegative() -> impl Strategy<Value = FlowNetwork> {
    network().prop_map(|mut net| {
        for a in &mut net.arcs {
            a.cost = a.cost.abs();
        }
        net
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn crash_and_artificial_starts_reach_the_same_optimum(net in network_nonnegative(), mode_flex in any::<bool>()) {
        let mode = if mode_flex { SupplyMode::MeetMaxDemand } else { SupplyMode::Exact };
        let run = |start| McfSolver::new(&net, mode).unwrap().with_start(start).solve();
        let (crash, art) = (run(StartBasis::ShortestPaths), run(StartBasis::Artificial));
        match (&crash, &art) {
            (Outcome::Optimal(c), Outcome::Optimal(a)) => {
                prop_assert_eq!(c.total_cost, a.total_cost);
                prop_assert_eq!(verify(&net, mode, c), Ok(()));
            }
            _ => prop_assert_eq!(crash.status(), art.status()),
        }
    }

    #[test]
    fn simplex_equals_lp_optimum_and_verifies(net in network()) {
        let ours = solve(&net, SupplyMode::Exact).unwrap();
        let lp = mcf_as_lp(&net).solve();
        match (&ours, lp) {
            (Outcome::Optimal(sol), Ok(lp)) => {
                prop_assert!((sol.total_cost as f64 - lp.objective).abs() < 1e-6 * (1.0 + lp.objective.abs()),
                    "simplex {} vs LP {}", sol.total_cost, lp.objective);
                prop_assert_eq!(verify(&net, SupplyMode::Exact, sol), Ok(()));
            }
            (Outcome::Infeasible, Err(solver::lp::LpError::Infeasible(_))) => {}
            (o, l) => prop_assert!(false, "simplex says {}, LP says {:?}", o.status(), l),
        }
    }

    #[test]
    fn meet_max_demand_always_verifies_and_meets_what_exact_meets(net in network()) {
        let flex = solve(&net, SupplyMode::MeetMaxDemand).unwrap();
        let Some(sol) = flex.optimal() else {
            // Only forced (lower-bound) flow can make the flexible mode infeasible.
            prop_assert!(net.arcs.iter().any(|a| a.lower > 0), "infeasible without lower bounds");
            return Ok(());
        };
        prop_assert_eq!(verify(&net, SupplyMode::MeetMaxDemand, sol), Ok(()));
        if let Outcome::Optimal(exact) = solve(&net, SupplyMode::Exact).unwrap() {
            prop_assert_eq!(sol.total_unmet(), 0);
            prop_assert_eq!(sol.total_cost, exact.total_cost);
        }
    }

    #[test]
    fn warm_start_equals_cold_start(net in network(), changes in proptest::collection::vec((0usize..25, -20i64..50, 0i64..15), 1..5)) {
        let mut s = McfSolver::new(&net, SupplyMode::MeetMaxDemand).unwrap();
        prop_assume!(s.solve().optimal().is_some());
        for (k, c, cap) in changes {
            if net.arcs.is_empty() { break; }
            let k = k % net.arcs.len();
            let lower = net.arcs[k].lower;
            s.set_cost(k, if net.arcs[k].upper == UNBOUNDED { c.abs() } else { c }).unwrap();
            if net.arcs[k].upper != UNBOUNDED {
                s.set_upper(k, lower + cap).unwrap();
            }
        }
        let warm = s.solve();
        let cold = solve(s.network(), SupplyMode::MeetMaxDemand).unwrap();
        match (&warm, &cold) {
            (Outcome::Optimal(w), Outcome::Optimal(c)) => {
                prop_assert_eq!(w.total_cost, c.total_cost);
                prop_assert_eq!(w.total_unmet(), c.total_unmet());
                prop_assert_eq!(verify(s.network(), SupplyMode::MeetMaxDemand, w), Ok(()));
            }
            _ => prop_assert_eq!(warm.status(), cold.status()),
        }
    }
}
