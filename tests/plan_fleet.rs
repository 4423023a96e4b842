//! Fleet-aware dispatch on the bundled roads with scarce trucks: the kept plan is
//! never worse than the fleet-blind one, and no plan beats the upper bound.

mod common;

use proptest::prelude::*;
use reliefflow::plan::attempt::{attempt, Context};
use reliefflow::plan::fleet::{FleetCaps, Score};
use reliefflow::plan::schedule::chain::MAX_DETOUR_H;
use reliefflow::plan::{add_bounds, kpi, plan_prepared, prepare};
use reliefflow::scenario::Scenario;

use common::{graph, repo};

/// Checks the two properties on `sc` and returns (first kg planned, bound).
fn check(sc: &Scenario, g: &reliefflow::network::RoadGraph) -> (f64, f64) {
    let prep = prepare(sc, g).unwrap();
    let mut p = plan_prepared(sc, &prep).unwrap();
    add_bounds(sc, &prep, &mut p).unwrap();
    let ctx = Context::new(sc);
    let blind = attempt(
        sc,
        &prep,
        &ctx,
        &FleetCaps::unbounded(sc.warehouses.len()),
        MAX_DETOUR_H,
    )
    .unwrap();
    let score = |p| Score::of(p, &sc.catalogue, &ctx);
    let (kept, first) = (score(&p), score(&blind));
    assert!(
        !first.beats(&kept),
        "the kept plan {kept:?} is worse than the fleet-blind one {first:?}"
    );
    let k = kpi::compute(sc, &p);
    let eps = 1e-6 * k.first_kg_bound.max(1.0);
    assert!(
        k.first_kg <= k.first_kg_bound + eps,
        "first batch {} kg above the bound {} kg",
        k.first_kg,
        k.first_kg_bound
    );
    assert!(
        k.relief_kg <= k.relief_kg_bound + 1e-6 * k.relief_kg_bound.max(1.0),
        "relief {} kg above the bound {} kg",
        k.relief_kg,
        k.relief_kg_bound
    );
    (k.first_kg, k.first_kg_bound)
}

#[test]
fn bundled_scenarios_at_every_fleet_scale() {
    for (name, pbf) in [
        ("xicheng-earthquake", "beijing-core"),
        ("valley-flash-flood", "liechtenstein-latest"),
    ] {
        let g = graph(pbf);
        let base = Scenario::load(&repo(&format!("scenarios/{name}"))).unwrap();
        for scale in [1.0, 0.5, 0.25] {
            let mut sc = base.clone();
            for w in &mut sc.warehouses {
                w.fleet.trucks = (f64::from(w.fleet.trucks) * scale).ceil() as u32;
            }
            check(&sc, &g);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Random fleets, stock and headcounts on the Xicheng roads.
    #[test]
    fn random_fleets_stock_and_headcounts(
        trucks in prop::collection::vec(0u32..4, 4),
        stock_scale in 0.1f64..1.5,
        people in 0.2f64..3.0,
        max_stops in 1usize..7,
    ) {
        let g = graph("beijing-core");
        let mut sc = Scenario::load(&repo("scenarios/xicheng-earthquake")).unwrap();
        for (w, n) in sc.warehouses.iter_mut().zip(&trucks) {
            w.fleet.trucks = *n;
        }
        let ni = sc.catalogue.items.len();
        let mut stock = reliefflow::supplies::Stock::new(sc.warehouses.len(), ni);
        for w in 0..sc.warehouses.len() {
            for i in 0..ni {
                use reliefflow::facility::{ItemIx, WarehouseIx};
                let q = sc.stock.get(WarehouseIx(w), ItemIx(i));
                stock.add(WarehouseIx(w), ItemIx(i), (q * stock_scale).floor());
            }
        }
        sc.stock = stock;
        for s in &mut sc.shelters {
            s.headcount = (f64::from(s.headcount) * people).round() as u32;
            s.priority = Default::default();
        }
        sc.targets.max_stops = max_stops;
        check(&sc, &g);
    }
}

#[test]
fn fair_mode_raises_the_worst_shelter_share_where_stock_binds() {
    // The bundled Xicheng fleet: stock, not trucks, binds (11 000
    // person-equivalents for 11 100 people), and the allocation decides who is short.
    let g = graph("beijing-core");
    let mut sc = Scenario::load(&repo("scenarios/xicheng-earthquake")).unwrap();
    let prep = prepare(&sc, &g).unwrap();
    let efficient = kpi::compute(&sc, &plan_prepared(&sc, &prep).unwrap());
    sc.objective.mode = reliefflow::scenario::objective::Mode::Fair;
    let p = plan_prepared(&sc, &prep).unwrap();
    let fair = kpi::compute(&sc, &p);
    assert!(
        fair.first_min_shelter_share > efficient.first_min_shelter_share + 0.1
            && fair.shelters_first_below_half <= efficient.shelters_first_below_half,
        "fair {fair:?}\nefficient {efficient:?}"
    );
    // Fairness costs little of the total.
    assert!(
        fair.first_kg >= 0.98 * efficient.first_kg,
        "fair {fair:?}\nefficient {efficient:?}"
    );
    check(&sc, &g);
}
