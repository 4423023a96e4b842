//! Min-cost flow: known optima and edge cases.

use solver::mcf::{
    solve, verify, FlowNetwork, McfError, McfSolver, Outcome, StartBasis, SupplyMode, UNBOUNDED,
};

fn optimal(net: &FlowNetwork, mode: SupplyMode) -> solver::mcf::Solution {
    let out = solve(net, mode).unwrap();
    let sol = out
        .optimal()
        .unwrap_or_else(|| panic!("expected optimal, got {}", out.status()))
        .clone();
    verify(net, mode, &sol).unwrap();
    sol
}

#[test]
fn netgen_instances_reach_their_known_optima() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let table = std::fs::read_to_string(dir.join("optimal_costs.csv")).unwrap();
    let mut checked = 0;
    for line in table.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let net = solver::dimacs::parse(&std::fs::read(dir.join(f[0])).unwrap()).unwrap();
        let sol = optimal(&net, SupplyMode::Exact);
        assert_eq!(sol.total_cost, f[5].parse::<i128>().unwrap(), "{}", f[0]);
        // The LEMON-style artificial start reaches the same optimum.
        let mut s = McfSolver::new(&net, SupplyMode::Exact)
            .unwrap()
            .with_start(StartBasis::Artificial);
        let art = s.solve().optimal().cloned().unwrap();
        assert_eq!(
            art.total_cost, sol.total_cost,
            "{} (artificial start)",
            f[0]
        );
        verify(&net, SupplyMode::Exact, &art).unwrap();
        checked += 1;
    }
    assert_eq!(checked, 3);
}

#[test]
fn empty_and_isolated() {
    let net = FlowNetwork::new(0);
    assert_eq!(optimal(&net, SupplyMode::Exact).total_cost, 0);
    let net = FlowNetwork::new(4);
    assert_eq!(optimal(&net, SupplyMode::Exact).flow.len(), 0);
    // A demand on an isolated node: infeasible exactly, fully unmet when flexible.
    let mut net = FlowNetwork::new(3);
    net.supply = vec![5, 0, -5];
    net.add_arc(0, 1, 10, 1);
    assert_eq!(solve(&net, SupplyMode::Exact).unwrap(), Outcome::Infeasible);
    let sol = optimal(&net, SupplyMode::MeetMaxDemand);
    assert_eq!(sol.unmet_demand, vec![0, 0, 5]);
    assert_eq!(sol.unused_supply, vec![5, 0, 0]);
}

#[test]
fn parallel_arcs_zero_capacity_and_negative_costs() {
    let mut net = FlowNetwork::new(2);
    net.supply = vec![10, -10];
    net.add_arc(0, 1, 4, 5);
    net.add_arc(0, 1, 0, -100); // zero capacity: unusable however cheap
    net.add_arc(0, 1, 3, -2);
    net.add_arc(0, 1, UNBOUNDED, 7);
    let sol = optimal(&net, SupplyMode::Exact);
    assert_eq!(sol.flow, vec![4, 0, 3, 3]);
    assert_eq!(sol.total_cost, 20 - 6 + 21);
}

#[test]
fn negative_cycle_with_finite_capacity_is_saturated() {
    let mut net = FlowNetwork::new(3);
    net.add_arc(0, 1, 5, -3);
    net.add_arc(1, 2, 5, -3);
    net.add_arc(2, 0, 4, 1);
    let sol = optimal(&net, SupplyMode::Exact);
    assert_eq!(sol.flow, vec![4, 4, 4]);
    assert_eq!(sol.total_cost, -20);
}

#[test]
fn negative_cycle_of_infinite_capacity_is_unbounded() {
    let mut net = FlowNetwork::new(2);
    net.add_arc(0, 1, UNBOUNDED, -1);
    net.add_arc(1, 0, UNBOUNDED, 0);
    assert_eq!(solve(&net, SupplyMode::Exact).unwrap(), Outcome::Unbounded);
}

#[test]
fn lower_bounds_are_honoured() {
    let mut net = FlowNetwork::new(3);
    net.supply = vec![6, 0, -6];
    net.add_arc_bounded(0, 1, 4, 10, 5); // forced ≥ 4 on the expensive route
    net.add_arc(1, 2, 10, 0);
    net.add_arc(0, 2, 10, 1);
    let sol = optimal(&net, SupplyMode::Exact);
    assert_eq!(sol.flow, vec![4, 4, 2]);
    assert_eq!(sol.total_cost, 22);
    // Infeasible lower bound: more forced flow than any node can absorb.
    let mut net = FlowNetwork::new(2);
    net.add_arc_bounded(0, 1, 3, 5, 1);
    assert_eq!(solve(&net, SupplyMode::Exact).unwrap(), Outcome::Infeasible);
}

#[test]
fn surplus_supply_stays_and_shortage_is_reported_where_it_is() {
    // Two warehouses (10 + 4), two shelters (8 + 8); shelter 3 only reachable from 1.
    let mut net = FlowNetwork::new(4);
    net.supply = vec![10, 4, -8, -8];
    net.add_arc(0, 2, UNBOUNDED, 3);
    net.add_arc(1, 2, UNBOUNDED, 1);
    net.add_arc(1, 3, UNBOUNDED, 2);
    let sol = optimal(&net, SupplyMode::MeetMaxDemand);
    assert_eq!(sol.total_unmet(), 4);
    assert_eq!(sol.unmet_demand[3], 4);
    assert_eq!(sol.flow, vec![8, 0, 4]);
    assert_eq!(sol.unused_supply[0], 2);
    // Surplus only: nothing unmet.
    net.supply = vec![10, 20, -8, -8];
    let sol = optimal(&net, SupplyMode::MeetMaxDemand);
    assert_eq!(sol.total_unmet(), 0);
    assert_eq!(sol.unused_supply.iter().sum::<i64>(), 14);
    assert_eq!(solve(&net, SupplyMode::Exact).unwrap(), Outcome::Infeasible);
}

#[test]
fn huge_costs_near_the_i64_range_are_refused_not_wrong() {
    let mut net = FlowNetwork::new(2);
    net.supply = vec![1, -1];
    net.add_arc(0, 1, 1, i64::MAX / 2);
    assert!(matches!(
        McfSolver::new(&net, SupplyMode::Exact),
        Err(McfError::CostRange { .. })
    ));
    // Large but representable costs solve exactly, and the i128 total does not wrap.
    let mut net = FlowNetwork::new(2);
    net.supply = vec![1_000_000_000, -1_000_000_000];
    net.add_arc(0, 1, UNBOUNDED, 100_000_000_000_000);
    let sol = optimal(&net, SupplyMode::Exact);
    assert_eq!(sol.total_cost, 100_000_000_000_000_000_000_000i128);
}

#[test]
fn invalid_data_is_a_typed_error() {
    let mut net = FlowNetwork::new(2);
    net.add_arc(0, 5, 1, 1);
    assert!(matches!(
        solve(&net, SupplyMode::Exact),
        Err(McfError::NoSuchNode {
            arc: 0,
            node: 5,
            ..
        })
    ));
    let mut net = FlowNetwork::new(2);
    net.add_arc_bounded(0, 1, 5, 2, 1);
    assert!(matches!(
        solve(&net, SupplyMode::Exact),
        Err(McfError::Bounds { arc: 0, .. })
    ));
}

/// Re-solves `s` warm and checks it against a cold solve of the same network:
/// same cost, same unmet demand (which must be positive), certificate holds.
fn warm_equals_cold_with_shortage(s: &mut McfSolver) {
    let warm = s.solve().optimal().unwrap().clone();
    let cold = optimal(s.network(), SupplyMode::MeetMaxDemand);
    assert_eq!(
        (warm.total_cost, warm.total_unmet()),
        (cold.total_cost, cold.total_unmet())
    );
    assert!(warm.total_unmet() > 0);
    verify(s.network(), SupplyMode::MeetMaxDemand, &warm).unwrap();
}

#[test]
fn warm_start_after_closing_an_arc_and_reducing_stock() {
    let net = solver::gen::road_grid(30, 30, 4, 60, 3);
    let mut s = McfSolver::new(&net, SupplyMode::MeetMaxDemand).unwrap();
    let first = s.solve().optimal().unwrap().clone();
    // Close the most used arc (a road), then halve the first depot's stock.
    let busiest = (0..net.arcs.len()).max_by_key(|&k| first.flow[k]).unwrap();
    s.set_upper(busiest, 0).unwrap();
    let warm = s.solve().optimal().unwrap().clone();
    let cold = optimal(s.network(), SupplyMode::MeetMaxDemand);
    assert_eq!(warm.total_cost, cold.total_cost);
    assert_eq!(warm.flow[busiest], 0);
    verify(s.network(), SupplyMode::MeetMaxDemand, &warm).unwrap();
    let depot = (0..net.node_count()).find(|&u| net.supply[u] > 0).unwrap();
    s.set_supply(depot, net.supply[depot] / 2).unwrap();
    warm_equals_cold_with_shortage(&mut s);
}

#[test]
fn warm_start_on_a_renumbered_transport_basis() {
    // The crash basis renumbers the nodes of a transport problem; the set_* calls
    // and the results must still speak of the caller's node numbers.
    let net = solver::gen::transport(6, 400, 9);
    let mut s = McfSolver::new(&net, SupplyMode::MeetMaxDemand).unwrap();
    let first = s.solve().optimal().unwrap().clone();
    verify(&net, SupplyMode::MeetMaxDemand, &first).unwrap();
    let art = McfSolver::new(&net, SupplyMode::MeetMaxDemand)
        .unwrap()
        .with_start(StartBasis::Artificial)
        .solve();
    assert_eq!(art.optimal().unwrap().total_cost, first.total_cost);
    // Warehouse 0 loses most of its stock; shelter 10 needs 50 more.
    s.set_supply(0, net.supply[0] / 4).unwrap();
    s.set_supply(6 + 10, net.supply[6 + 10] - 50).unwrap();
    warm_equals_cold_with_shortage(&mut s);
}

#[test]
fn solve_many_matches_one_by_one() {
    let nets: Vec<FlowNetwork> = (0..6).map(|k| solver::gen::transport(5, 50, k)).collect();
    let batch = solver::mcf::solve_many(&nets, SupplyMode::Exact);
    for (net, r) in nets.iter().zip(batch) {
        assert_eq!(r.unwrap(), solve(net, SupplyMode::Exact).unwrap());
    }
}
