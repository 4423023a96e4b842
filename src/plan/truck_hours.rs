//! Truck-hour rows of the upper bound: what a warehouse's trucks can carry by a
//! deadline, counted in hours driven rather than in trips.
//!
//! A trip of warehouse `w` (loading `L`, payload `P`, at most the densest item's
//! kg per m³ times its volume) with `k` stops takes at least
//! `L + k·U + max_j (o_wj + b_jw)` hours (unloading `U` per stop, the shortest
//! drive out `o` and back `b`: a tour through `j` drives at least that far).
//! Charging each kg it delivers to shelter `s` (whose demand is `d_s` kg) at
//!
//! ```text
//! c_ws = (L + o_ws + b_sw) / P + U · max(1 / P, 1 / d_s)
//! ```
//!
//! charges the trip at most its own length (its stops carry at most `P` in all and
//! at most `d_s` each, so the first term sums to at most `L + max (o + b)` and the
//! second to at most `k·U`). A trip also has at most `K` stops (`max_stops`), so
//! charging `(L + o_ws + b_sw) / (K · d_s)` per kg in the first term instead is
//! as valid: that is the second row of each warehouse, the one that binds when
//! shelters are small and the stop limit, not the payload, fills a trip.
//! A truck free from `f_k` (the plan time, or back from booked work) has its
//! trips up to its last delivery by the deadline `D` within
//! `D − f_k + U + b` hours (the last trip need not be back), so for each row
//!
//! ```text
//! Σ_s c_ws · kg_ws  ≤  Σ_k max(0, D − f_k + U + max_s b_sw)
//! ```
//!
//! holds for every plan. These rows are what the bound relaxes with Lagrange
//! multipliers ([`super::bound`]).

use super::travel::TravelHours;
use crate::facility::{ShelterIx, WarehouseIx};
use crate::scenario::Scenario;

/// One truck-hour row: the hours a warehouse's fleet has by the deadline, and what
/// each kg delivered to each shelter uses of them.
#[derive(Debug, Clone, PartialEq)]
pub struct HourRow {
    /// The warehouse whose trucks the row counts.
    pub warehouse: usize,
    /// `[s]`: truck-hours per kg delivered to shelter `s` (`None`: not reachable
    /// by the deadline).
    pub per_kg_h: Vec<Option<f64>>,
    /// Truck-hours by the deadline of one more truck (free from the plan time),
    /// hours.
    pub per_truck_h: f64,
    /// Truck-hours of the whole fleet by the deadline, hours.
    pub allowance_h: f64,
}

/// The truck-hour rows of one deadline: two per warehouse (payload-filled and
/// stop-limited trips, see the module's doc).
#[derive(Debug, Clone, PartialEq)]
pub struct TruckHours {
    /// The rows, warehouse by warehouse.
    pub rows: Vec<HourRow>,
}

impl TruckHours {
    /// The rows of `scenario` for deliveries by `deadline_h` (hours after the event)
    /// of `demand_kg[s]` to each shelter.
    pub fn new(
        scenario: &Scenario,
        travel: &TravelHours,
        demand_kg: &[f64],
        deadline_h: f64,
    ) -> TruckHours {
        let cat = &scenario.catalogue;
        let u = scenario.targets.unloading_h;
        let stops = scenario.targets.max_stops.max(1) as f64;
        let densest = cat
            .items
            .iter()
            .map(|i| i.kg_per_unit / i.m3_per_unit)
            .fold(0.0, f64::max);
        let ns = scenario.shelters.len();
        let mut rows = Vec::new();
        for (w, wh) in scenario.warehouses.iter().enumerate() {
            let f = &wh.fleet;
            let payload = f.payload_kg.min(f.volume_m3 * densest);
            let free = wh.truck_free_h();
            let start = scenario.earliest_free_h(w);
            let mut back_max: f64 = 0.0;
            // (trip hours but unloading, kg due) per reachable shelter.
            let trips: Vec<Option<(f64, f64)>> = (0..ns)
                .map(|s| {
                    let out = travel.outbound(WarehouseIx(w), ShelterIx(s))?;
                    if start + f.loading_h + out > deadline_h + 1e-9 || payload <= 0.0 {
                        return None;
                    }
                    // No road back: the trip is the truck's last, charged to its arrival.
                    let back = travel
                        .inbound(ShelterIx(s), WarehouseIx(w))
                        .filter(|b| b.is_finite())
                        .unwrap_or(0.0);
                    back_max = back_max.max(back);
                    Some((f.loading_h + out + back, demand_kg[s].max(1e-9)))
                })
                .collect();
            // A truck works from when it is free (one more truck: from the
            // plan time) to its last delivery by the deadline and back.
            let hours_from = |free: f64| (deadline_h - free + u + back_max).max(0.0);
            let per_truck_h = hours_from(scenario.plan_h);
            let allowance_h: f64 = free.iter().map(|&f| hours_from(f)).sum();
            for by_stops in [false, true] {
                let per_kg_h = trips
                    .iter()
                    .map(|t| {
                        t.map(|(trip, due)| {
                            let fill = if by_stops { stops * due } else { payload };
                            trip / fill + u * (1.0 / payload).max(1.0 / due)
                        })
                    })
                    .collect();
                rows.push(HourRow {
                    warehouse: w,
                    per_kg_h,
                    per_truck_h,
                    allowance_h,
                });
            }
        }
        TruckHours { rows }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_direct_trip_is_charged_its_own_length() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/xicheng-earthquake");
        let mut sc = Scenario::load(&dir).unwrap();
        sc.warehouses.truncate(2);
        sc.shelters.truncate(2);
        let rows = [vec![Some(1.0), None], vec![None, Some(2.0)]];
        let travel = TravelHours::from_rows(&rows, &rows);
        let f = sc.warehouses[0].fleet;
        let rows = TruckHours::new(&sc, &travel, &[f.payload_kg, 100.0], 6.0);
        let u = sc.targets.unloading_h;
        let trip_h = f.loading_h + u + 1.0 + 1.0;
        let full = rows.rows[0].per_kg_h[0].unwrap() * f.payload_kg;
        assert!((full - trip_h).abs() < 1e-9, "{full} vs {trip_h}");
        // A stop at a shelter due 100 kg is charged a whole unloading for those 100 kg.
        let row = |w: usize, by_stops: bool| &rows.rows[2 * w + usize::from(by_stops)];
        assert_eq!(row(1, false).warehouse, 1);
        let small = row(1, false).per_kg_h[1].unwrap() * 100.0;
        let trip_1 = sc.warehouses[1].fleet.loading_h + 4.0;
        let expect = trip_1 * 100.0 / sc.warehouses[1].fleet.payload_kg + u;
        assert!((small - expect).abs() < 1e-9, "{small} vs {expect}");
        // By stops: six such stops fill a trip.
        let k = sc.targets.max_stops as f64;
        let small = row(1, true).per_kg_h[1].unwrap() * 100.0;
        assert!((small - (trip_1 / k + u)).abs() < 1e-9, "{small}");
        assert_eq!(row(0, true).per_kg_h[1], None);
        let truck = 6.0 + u + 1.0;
        assert!((row(0, true).allowance_h - f64::from(f.trucks) * truck).abs() < 1e-9);
    }
}
