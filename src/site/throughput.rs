//! The siting search's surrogate: what a layout's fleets can carry by a
//! deadline, as one transportation flow. The plan's upper bound
//! ([`crate::plan::bound`]) is a valid bound but loose where trucks bind (it
//! saturates for almost any added site), so it cannot rank candidates; this
//! estimate is not a bound, it predicts.
//!
//! Each site's trucks serve its **catchment** (the shelters it reaches first;
//! its nearest ten when it reaches none first). A trip there carries the
//! payload, or as many stops of a catchment shelter's mean demand as the stop
//! limit allows, and takes loading, one unloading per stop and the catchment's
//! median round trip. A truck makes the trips whose arrival fits before the
//! deadline (the last need not come back). The site ships at most its trucks ×
//! trips × trip kg and its stock (kg, all items together), to any shelter it
//! reaches by the deadline; the flow meets as much demand as it can, nearest
//! first.

use solver::mcf::{FlowNetwork, McfSolver, Outcome, SupplyMode};

use crate::facility::{ItemIx, ShelterIx, WarehouseIx};
use crate::plan::travel::TravelHours;
use crate::scenario::Scenario;

/// Shelters taken as a site's catchment when it reaches none first.
const NEAREST: usize = 10;

/// Kg of `demand_kg[s]` the warehouses of `sc` can carry by `deadline_h`
/// (estimate, see the module's doc), on travel hours `travel`.
pub fn carried_kg(sc: &Scenario, travel: &TravelHours, demand_kg: &[f64], deadline_h: f64) -> f64 {
    let (nw, ns) = (sc.warehouses.len(), sc.shelters.len());
    let out = |w: usize, s: usize| travel.outbound(WarehouseIx(w), ShelterIx(s));
    let back = |w: usize, s: usize| travel.inbound(ShelterIx(s), WarehouseIx(w));
    let mut catchment = vec![Vec::new(); nw];
    for s in 0..ns {
        let first = (0..nw)
            .filter_map(|w| out(w, s).map(|h| (h + sc.warehouses[w].fleet.loading_h, w)))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, w)) = first {
            catchment[w].push(s);
        }
    }
    let u = sc.targets.unloading_h;
    let stops_max = sc.targets.max_stops.max(1) as f64;
    let mut net = FlowNetwork::new(nw + ns);
    for (w, wh) in sc.warehouses.iter().enumerate() {
        let mut near = catchment[w].clone();
        if near.is_empty() {
            let mut by: Vec<(f64, usize)> =
                (0..ns).filter_map(|s| out(w, s).map(|h| (h, s))).collect();
            by.sort_by(|a, b| a.0.total_cmp(&b.0));
            near = by.into_iter().take(NEAREST).map(|x| x.1).collect();
        }
        let mut rt: Vec<f64> = near
            .iter()
            .filter_map(|&s| Some(out(w, s)? + back(w, s).unwrap_or(f64::INFINITY)))
            .collect();
        rt.sort_by(f64::total_cmp);
        let f = &wh.fleet;
        let (Some(&round), false) = (rt.get(rt.len() / 2), near.is_empty()) else {
            continue;
        };
        let mean_due = near.iter().map(|&s| demand_kg[s]).sum::<f64>() / near.len() as f64;
        let stops = (f.payload_kg / mean_due.max(1.0))
            .clamp(1.0, stops_max)
            .ceil();
        let trip_kg = f.payload_kg.min(stops * mean_due);
        let cycle = f.loading_h + stops * u + round.min(2.0 * deadline_h);
        let first_arrival = f.loading_h + round / 2.0;
        let trips = if first_arrival > deadline_h || cycle <= 0.0 {
            0.0
        } else {
            ((deadline_h - first_arrival) / cycle).floor() + 1.0
        };
        let stock_kg: f64 = sc
            .catalogue
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| sc.stock.get(WarehouseIx(w), ItemIx(i)) * it.kg_per_unit)
            .sum();
        let cap = (f64::from(f.trucks) * trips * trip_kg).min(stock_kg);
        net.supply[w] = cap.floor() as i64;
        for s in 0..ns {
            if let Some(h) = out(w, s).filter(|h| f.loading_h + h <= deadline_h + 1e-9) {
                net.add_arc(w as u32, (nw + s) as u32, i64::MAX / 4, (h * 60.0) as i64);
            }
        }
    }
    for (s, &d) in demand_kg.iter().enumerate() {
        net.supply[nw + s] = -(d.ceil() as i64);
    }
    let Ok(mut solver) = McfSolver::from_network(net, SupplyMode::MeetMaxDemand) else {
        return 0.0;
    };
    match solver.solve() {
        Outcome::Optimal(sol) => sol.flow.iter().map(|&f| f as f64).sum(),
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_trucks_carry_more_and_no_more_than_demand_or_stock() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/xicheng-earthquake");
        let mut sc = Scenario::load(&dir).unwrap();
        sc.warehouses.truncate(1);
        sc.shelters.truncate(3);
        let rows = vec![vec![Some(0.5), Some(1.0), None]];
        let travel = TravelHours::from_rows(&rows, &rows);
        let mut stock = crate::supplies::Stock::new(1, sc.catalogue.items.len());
        stock.add(WarehouseIx(0), ItemIx(0), 1e9);
        sc.stock = stock;
        let demand = [40_000.0, 40_000.0, 40_000.0];
        sc.warehouses[0].fleet.trucks = 1;
        let one = carried_kg(&sc, &travel, &demand, 6.0);
        sc.warehouses[0].fleet.trucks = 4;
        let four = carried_kg(&sc, &travel, &demand, 6.0);
        assert!(one > 0.0 && four > one, "{one} {four}");
        // The third shelter is out of reach: at most the first two's demand.
        sc.warehouses[0].fleet.trucks = 1000;
        assert!(carried_kg(&sc, &travel, &demand, 6.0) <= 80_000.0);
        // No stock, nothing carried.
        sc.stock = crate::supplies::Stock::new(1, sc.catalogue.items.len());
        assert_eq!(carried_kg(&sc, &travel, &demand, 6.0), 0.0);
    }
}
