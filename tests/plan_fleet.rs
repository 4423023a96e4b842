//! Fleet-aware dispatch on the bundled roads with scarce trucks: the kept plan is
//! never worse than the fleet-blind one, and no plan beats the upper bound.

mod common;

use proptest::prelude::*;
use reliefflow::plan::attempt::{attempt, Context};
use reliefflow::plan::fleet::{FleetCaps, Score};
use reliefflow::plan::schedule::chain::MAX_DETOUR_H;
use reliefflow::plan::{kpi, plan_with_bounds, prepare, PlanOptions};
use reliefflow::scenario::Scenario;

use common::{graph, repo};

/// Checks the two properties on `sc` and returns (first kg planned, bound).
fn check(sc: &Scenario, g: &reliefflow::network::RoadGraph) -> (f64, f64) {
    let prep = prepare(sc, g).unwrap();
    let p = plan_with_bounds(sc, &prep, &PlanOptions::full()).unwrap();
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

/// The bundled scenario `name` (on the Beijing roads) with a quarter of its trucks.
fn quarter_fleet(name: &str) -> (reliefflow::network::RoadGraph, Scenario) {
    let mut sc = Scenario::load(&repo(&format!("scenarios/{name}"))).unwrap();
    scale_trucks(&mut sc, 0.25);
    (graph("beijing-core"), sc)
}

/// KPIs of `sc` planned efficient, then fair (`sc` is left in fair mode).
fn efficient_and_fair(
    sc: &mut Scenario,
    prep: &reliefflow::plan::Prepared,
) -> (kpi::Kpis, kpi::Kpis) {
    sc.objective.mode = reliefflow::scenario::objective::Mode::Efficient;
    let efficient = kpi::compute(
        sc,
        &plan_with_bounds(sc, prep, &PlanOptions::without_bounds()).unwrap(),
    );
    sc.objective.mode = reliefflow::scenario::objective::Mode::Fair;
    (
        efficient,
        kpi::compute(
            sc,
            &plan_with_bounds(sc, prep, &PlanOptions::without_bounds()).unwrap(),
        ),
    )
}

/// Scales every warehouse's trucks by `scale`, rounding up.
fn scale_trucks(sc: &mut Scenario, scale: f64) {
    for w in &mut sc.warehouses {
        w.fleet.trucks = (f64::from(w.fleet.trucks) * scale).ceil() as u32;
    }
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
            scale_trucks(&mut sc, scale);
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
    let (efficient, fair) = efficient_and_fair(&mut sc, &prep);
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

#[test]
fn local_search_keeps_stock_deadlines_and_loads_and_never_loses_value() {
    use reliefflow::facility::{ItemIx, ShelterIx, WarehouseIx};
    use reliefflow::plan::attempt::schedule_input;
    use reliefflow::plan::demand::Phase;
    use reliefflow::plan::hops::HopTable;
    use reliefflow::plan::ledger::StockLedger;
    use reliefflow::plan::schedule::improve::{improve, Start};
    use reliefflow::plan::schedule::route_first::{route_first, Rating};
    use reliefflow::plan::schedule::sequence::best_order;

    // Xicheng with a quarter of its trucks: trucks bind the first batch.
    let (g, sc) = quarter_fleet("xicheng-earthquake");
    let prep = prepare(&sc, &g).unwrap();
    let ctx = Context::new(&sc);
    let t = &sc.targets;
    let input = schedule_input(
        &sc,
        &prep,
        &ctx,
        Phase::First,
        t.first_delivery_h,
        f64::INFINITY,
    );
    let (nw, ns, ni) = (
        sc.warehouses.len(),
        sc.shelters.len(),
        sc.catalogue.items.len(),
    );
    let due0: Vec<u64> = (0..ns * ni)
        .map(|k| {
            ctx.demand
                .get(Phase::First, ShelterIx(k / ni), ItemIx(k % ni))
        })
        .collect();
    let stock0 = StockLedger::from_stock(&sc.stock, nw, ni);
    let free0: Vec<Vec<f64>> = ctx
        .fleets
        .iter()
        .map(|f| vec![0.0; f.trucks as usize])
        .collect();
    let (mut due, mut stock, mut free, mut id) = (due0.clone(), stock0.clone(), free0.clone(), 1);
    let trips = route_first(
        &input,
        Rating::default(),
        sc.objective.mode,
        &ctx.first_need_kg,
        &mut due,
        &mut stock,
        &mut free,
        &mut id,
    );
    let kg_of = |trips: &[reliefflow::plan::trip::Trip]| {
        let mut got = vec![0.0; ns];
        for t in trips {
            for (s, l) in t.lines() {
                got[s] += l.quantity as f64 * sc.catalogue.items[l.item].kg_per_unit;
            }
        }
        got
    };
    let before = ctx.first_value(&kg_of(&trips));
    let start = Start {
        due: &due0,
        stock: &stock0,
        free_at: &free0,
        next_id: 1,
    };
    let out = improve(&input, &start, &|g| ctx.first_value(g), &trips, 1_000_000).unwrap();
    assert!(out.value > before, "no gain: {} vs {before}", out.value);
    assert!((ctx.first_value(&kg_of(&out.trips)) - out.value).abs() < 1e-6 * out.value);

    // The ledger: what is delivered left the stock and the dues, unit for unit.
    let mut sent = vec![0u64; ns * ni];
    let mut taken = vec![0u64; nw * ni];
    for t in &out.trips {
        for (s, l) in t.lines() {
            sent[s * ni + l.item] += l.quantity;
            taken[t.warehouse * ni + l.item] += l.quantity;
        }
    }
    for k in 0..ns * ni {
        assert_eq!(due0[k], out.due[k] + sent[k], "due of (shelter, item) {k}");
    }
    for w in 0..nw {
        for i in 0..ni {
            let (a, b) = (
                stock0.get(WarehouseIx(w), ItemIx(i)),
                out.stock.get(WarehouseIx(w), ItemIx(i)),
            );
            assert_eq!(
                a,
                b + taken[w * ni + i],
                "stock of item {i} at warehouse {w}"
            );
        }
    }
    // Each trip: in time, within payload, volume and the stop limit, timed leg by leg;
    // each truck's trips one after the other.
    let mut by_truck: std::collections::BTreeMap<(usize, usize), Vec<_>> = Default::default();
    for t in &out.trips {
        let f = &sc.warehouses[t.warehouse].fleet;
        assert!(!t.stops.is_empty() && t.stops.len() <= sc.targets.max_stops);
        let (mut kg, mut m3) = (0.0, 0.0);
        for (p, st) in t.stops.iter().enumerate() {
            assert!(!st.load.is_empty(), "a stop that unloads nothing");
            assert!(
                st.arrive_h <= sc.targets.first_delivery_h + 1e-9,
                "late at {}",
                st.arrive_h
            );
            let expect = if p == 0 {
                t.depart_h
                    + prep
                        .travel
                        .outbound(WarehouseIx(t.warehouse), ShelterIx(st.shelter))
                        .unwrap()
            } else {
                t.stops[p - 1].arrive_h
                    + sc.targets.unloading_h
                    + prep.hops.get(t.stops[p - 1].shelter, st.shelter).unwrap()
            };
            assert!(
                (st.arrive_h - expect).abs() < 1e-9,
                "arrival {} vs {expect}",
                st.arrive_h
            );
            for l in &st.load {
                kg += l.quantity as f64 * sc.catalogue.items[l.item].kg_per_unit;
                m3 += l.quantity as f64 * sc.catalogue.items[l.item].m3_per_unit;
            }
        }
        assert!(
            kg <= f.payload_kg + 1e-6 && m3 <= f.volume_m3 + 1e-9,
            "{kg} kg, {m3} m³"
        );
        by_truck.entry((t.warehouse, t.truck)).or_default().push(t);
    }
    for ((w, _), trips) in by_truck {
        let mut trips = trips;
        trips.sort_by(|a, b| a.depart_h.total_cmp(&b.depart_h));
        let loading = sc.warehouses[w].fleet.loading_h;
        assert!(trips[0].depart_h >= loading - 1e-9);
        for p in trips.windows(2) {
            assert!(
                p[1].depart_h >= p[0].return_h + loading - 1e-9,
                "trips overlap"
            );
        }
    }

    // Every tour's stops put in their best order are back no later than in any
    // order, every stop in time (checked against all orders of each tour).
    let hop = HopTable::new(input.hops);
    let back_of = |w: usize, depart: f64, order: &[usize]| -> Option<f64> {
        let mut at = depart + input.travel.outbound(WarehouseIx(w), ShelterIx(order[0]))?;
        for p in 1..order.len() {
            if at > input.deadline_h + 1e-9 {
                return None;
            }
            at += input.unloading_h + hop.get(order[p - 1], order[p])?;
        }
        (at <= input.deadline_h + 1e-9).then_some(())?;
        Some(
            at + input.unloading_h
                + input
                    .travel
                    .inbound(ShelterIx(*order.last()?), WarehouseIx(w))?,
        )
    };
    let mut checked = 0;
    for t in out
        .trips
        .iter()
        .filter(|t| (2..=6).contains(&t.stops.len()))
    {
        let tour: Vec<usize> = t.stops.iter().map(|s| s.shelter).collect();
        let (best, _) = best_order(&input, &hop, t.warehouse, t.depart_h, &tour);
        let best = best.expect("the issued order is in time");
        let mut sorted = best.clone();
        sorted.sort_unstable();
        let mut want = tour.clone();
        want.sort_unstable();
        assert_eq!(sorted, want, "the same stops");
        let got = back_of(t.warehouse, t.depart_h, &best).expect("in time");
        let mut brute = f64::INFINITY;
        permutations(&mut tour.clone(), 0, &mut |o| {
            if let Some(b) = back_of(t.warehouse, t.depart_h, o) {
                brute = brute.min(b);
            }
        });
        assert!(
            (got - brute).abs() < 1e-9,
            "best order back at {got}, brute force {brute}"
        );
        checked += 1;
    }
    assert!(checked > 5, "only {checked} multi-stop tours");
}

/// Calls `f` with every order of `v[k..]` (by swaps, recursively).
fn permutations(v: &mut Vec<usize>, k: usize, f: &mut dyn FnMut(&[usize])) {
    if k == v.len() {
        f(v);
        return;
    }
    for i in k..v.len() {
        v.swap(k, i);
        permutations(v, k + 1, f);
        v.swap(k, i);
    }
}

#[test]
fn a_scenario_without_trucks_is_planned_and_every_unit_is_a_fleet_shortfall() {
    // Once a local search with nothing to improve spun forever here.
    let g = graph("beijing-core");
    let mut sc = Scenario::load(&repo("scenarios/xicheng-earthquake")).unwrap();
    for w in &mut sc.warehouses {
        w.fleet.trucks = 0;
    }
    let prep = prepare(&sc, &g).unwrap();
    let p = plan_with_bounds(&sc, &prep, &PlanOptions::without_bounds()).unwrap();
    assert!(p.trips.is_empty());
    let k = kpi::compute(&sc, &p);
    assert_eq!(k.first_kg, 0.0);
    assert!(p
        .shortfalls
        .iter()
        .any(|s| s.reason == reliefflow::plan::shortfall::Reason::Fleet));
}

/// With a quarter of Level I's trucks, fair mode leaves fewer shelters below half
/// of their first batch and keeps the kg: it is the fairest plan among those that
/// carry as much as the best kg-rated routing (without that floor it cost 2.7 %).
#[test]
fn fair_mode_with_scarce_trucks_keeps_the_first_batch_kg() {
    let (g, mut sc) = quarter_fleet("beijing-level1");
    let prep = prepare(&sc, &g).unwrap();
    let (efficient, fair) = efficient_and_fair(&mut sc, &prep);
    assert!(
        fair.first_kg >= 0.98 * efficient.first_kg
            && fair.shelters_first_below_half < efficient.shelters_first_below_half,
        "fair {fair:?}\nefficient {efficient:?}"
    );
}

/// With a quarter of Level I's trucks, trucks do not drive on to unload a few kg
/// at a second shelter (a quarter hour and a hop each): before the routings had
/// a floor on what later stops add, the plan delivered 2 017 t by 6 h; it now
/// delivers about 2 160 t.
#[test]
fn scarce_trucks_at_level_one_do_not_waste_stops_on_a_few_kg() {
    let (g, sc) = quarter_fleet("beijing-level1");
    let (first_kg, bound) = check(&sc, &g);
    assert!(
        first_kg >= 2_100_000.0,
        "first batch {first_kg} kg by 6 h (bound {bound} kg)"
    );
}
