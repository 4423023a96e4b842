//! A draft plan for an incident: the bundled scenario with the store's
//! inventories (stock available, fleets, headcounts), the incident's shelters and
//! closures, planned by the same planner as `reliefflow plan`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::replan;
use super::{Ops, OpsError};
use crate::facility::{ItemIx, ShelterIx, WarehouseIx};
use crate::io::areas::area_from_geojson;
use crate::network::{Disruption, SlowArea};
use crate::plan::run::kept_count;
use crate::plan::{kpi, plan_with_bounds, BoundsBy, Effort, Plan, PlanError, PlanOptions};
use crate::report::plan_files::{plan_document, shortfall_list, trip_list, write_trips_to};
use crate::scenario::sent::Sent;
use crate::scenario::Scenario;
use crate::store::incidents::IncidentRecord;
use crate::store::inventory::{ShelterRecord, StockLevel, WarehouseRecord};
use crate::store::plan_content::PlanContent;
use crate::store::records::{Need, TripBooking, TripLine};
use crate::supplies::Stock;

/// What a draft is planned from, read from the store.
pub struct DraftInput {
    /// Warehouses with fleets and stock levels.
    pub warehouses: Vec<WarehouseRecord>,
    /// Shelters with headcounts.
    pub shelters: Vec<ShelterRecord>,
    /// The incident.
    pub incident: IncidentRecord,
    /// When each booked truck is back, seconds since 1970 UTC, per warehouse id
    /// and truck number ([`crate::store::Store::trucks_busy_until`]).
    pub busy_until: BTreeMap<String, BTreeMap<i64, i64>>,
    /// Units a re-plan may take back besides what is available: the reserved
    /// loads of the plan it replaces, per (warehouse id, item).
    pub returning: BTreeMap<(String, String), i64>,
    /// Lines of trips already under way (a re-plan keeps them): the plan covers
    /// demand net of them.
    pub sent: Vec<TripLine>,
    /// The plan time, seconds since 1970 UTC: no truck starts loading before it.
    pub plan_unix: i64,
}

/// The scenario a draft plans: `base` with the store's figures and the
/// incident's shelters and closures.
pub fn scenario(base: &Scenario, input: &DraftInput) -> Result<Scenario, OpsError> {
    let mut sc = base.clone();
    sc.event_time = input.incident.event_time.clone();
    let levels: BTreeMap<&str, &BTreeMap<String, StockLevel>> = input
        .warehouses
        .iter()
        .map(|w| (w.id.as_str(), &w.stock))
        .collect();
    let ni = sc.catalogue.items.len();
    let mut stock = Stock::new(sc.warehouses.len(), ni);
    for (w, wh) in sc.warehouses.iter_mut().enumerate() {
        if let Some(rec) = input.warehouses.iter().find(|r| r.id == wh.id) {
            wh.fleet.trucks = u32::try_from(rec.trucks.max(0)).unwrap_or(u32::MAX);
            wh.fleet.payload_kg = rec.payload_kg;
            wh.fleet.volume_m3 = rec.volume_m3;
            wh.fleet.loading_h = rec.loading_h;
        }
        let event = input.incident.event_unix;
        let hours = |unix: i64| ((unix - event) as f64 / 3600.0).max(0.0);
        wh.busy_until_h = (0..i64::from(wh.fleet.trucks))
            .map(|k| {
                let until = input.busy_until.get(&wh.id).and_then(|t| t.get(&k));
                until.map_or(0.0, |&u| hours(u))
            })
            .collect();
        for (i, item) in sc.catalogue.items.iter().enumerate() {
            let back = input
                .returning
                .get(&(wh.id.clone(), item.item.clone()))
                .copied()
                .unwrap_or(0);
            let free = levels
                .get(wh.id.as_str())
                .and_then(|l| l.get(&item.item))
                .map_or(0, |l| l.available.max(0))
                + back;
            stock.add(WarehouseIx(w), ItemIx(i), free as f64);
        }
    }
    sc.stock = stock;
    sc.set_plan_time((input.plan_unix - input.incident.event_unix) as f64 / 3600.0);
    let by_id: BTreeMap<&str, &ShelterRecord> =
        input.shelters.iter().map(|s| (s.id.as_str(), s)).collect();
    let wanted = &input.incident.shelters;
    let open = |id: &str| by_id.get(id).is_none_or(|r| r.open);
    sc.shelters
        .retain(|s| (wanted.is_empty() || wanted.contains(&s.id)) && open(&s.id));
    for s in &mut sc.shelters {
        if let Some(r) = by_id.get(s.id.as_str()) {
            let n = |x: i64| u32::try_from(x.max(0)).unwrap_or(u32::MAX);
            s.headcount = n(r.headcount);
            let [e, c, p, d, i] = r.priority;
            (
                s.priority.elderly,
                s.priority.children,
                s.priority.pregnant,
                s.priority.disabled,
                s.priority.injured,
            ) = (n(e), n(c), n(p), n(d), n(i));
        }
    }
    sc.sent = sent(&sc, &input.sent)?;
    let inc = &input.incident;
    let lost = |id: &str| inc.disruption.lost_warehouses.iter().any(|w| w == id);
    for (w, wh) in sc.warehouses.iter_mut().enumerate() {
        if lost(&wh.id) {
            wh.fleet.trucks = 0;
            sc.stock.clear_warehouse(WarehouseIx(w));
        }
    }
    add_roads(&mut sc.disruption, inc)?;
    Ok(sc)
}

/// Adds what incident `inc` does to roads (closed ways, map-point closures,
/// closed and slow areas) to `d`.
pub fn add_roads(d: &mut Disruption, inc: &IncidentRecord) -> Result<(), OpsError> {
    d.closed_ways.extend(inc.closed_ways.iter().copied());
    d.closed_ways
        .extend(inc.disruption.closed_points.iter().map(|p| p.way_id));
    let stored = |what: &str, k: usize, e: String| {
        OpsError::Internal(format!("incident {} {what}[{k}] as stored: {e}", inc.id))
    };
    for (k, g) in inc.disruption.closed_areas.iter().enumerate() {
        d.closed_areas
            .push(area_from_geojson(g).map_err(|e| stored("closed_areas", k, e))?);
    }
    for (k, s) in inc.disruption.slow_areas.iter().enumerate() {
        d.slow_areas.push(SlowArea {
            area: area_from_geojson(&s.geometry).map_err(|e| stored("slow_areas", k, e))?,
            factor: s.factor,
            label: s.label.clone(),
        });
    }
    Ok(())
}

/// `lines` of trips under way as units sent per shelter and item of `sc`
/// (lines for shelters the incident no longer plans are left out: they are
/// delivered whatever the new plan does).
fn sent(sc: &Scenario, lines: &[TripLine]) -> Result<Vec<Sent>, OpsError> {
    let mut by: BTreeMap<(usize, usize), (u64, u64)> = BTreeMap::new();
    for l in lines {
        let Some(s) = sc.shelters.iter().position(|s| s.id == l.shelter_id) else {
            continue;
        };
        let i = sc.catalogue.index_of(&l.item).ok_or_else(|| {
            OpsError::Internal(format!("a stored trip carries unknown item `{}`", l.item))
        })?;
        let e = by.entry((s, i)).or_default();
        let units = u64::try_from(l.units.max(0)).unwrap_or(0);
        if l.phase == "first" {
            e.0 += units;
        } else {
            e.1 += units;
        }
    }
    Ok(by
        .into_iter()
        .map(|((s, i), (first, relief))| Sent {
            shelter: ShelterIx(s),
            item: ItemIx(i),
            first,
            relief,
        })
        .collect())
}

/// A computed draft: `plan.json`'s content, `trips.csv`, `plan.geojson`, the
/// trips issuing it books and the stock it takes per warehouse and item.
pub struct Drafted {
    /// `plan.json`'s content.
    pub document: serde_json::Value,
    /// What the store keeps of it, serialised once (`trips.csv` as
    /// `reliefflow plan` writes it among them).
    pub content: PlanContent,
    /// `plan.geojson`, as `reliefflow plan` writes it, routed on first need.
    pub geojson: Arc<super::lazy_geojson::LazyGeojson>,
    /// Units taken per warehouse and item.
    pub needs: Vec<Need>,
    /// The trips, as the store books them.
    pub trips: Vec<TripBooking>,
}

/// The trips of plan `p` as the store books them.
pub fn bookings(sc: &Scenario, p: &Plan) -> Vec<TripBooking> {
    p.trips
        .iter()
        .map(|t| {
            let wh = &sc.warehouses[t.warehouse];
            TripBooking {
                trip: t.id as i64,
                warehouse_id: wh.id.clone(),
                truck: t.truck as i64,
                phase: t.phase.as_str().to_string(),
                load_h: t.depart_h - wh.fleet.loading_h,
                depart_h: t.depart_h,
                return_h: t.return_h.is_finite().then_some(t.return_h),
                stops: t
                    .stops
                    .iter()
                    .map(|s| sc.shelters[s.shelter].id.clone())
                    .collect(),
                lines: t
                    .lines()
                    .map(|(s, l)| TripLine {
                        shelter_id: sc.shelters[s].id.clone(),
                        item: sc.catalogue.items[l.item].item.clone(),
                        phase: l.phase.as_str().to_string(),
                        units: l.quantity as i64,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// How a draft is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DraftOptions {
    /// Matrices computed afresh (no cache, no warm start).
    pub cold: bool,
    /// How hard the planner searches when trucks are scarce.
    pub effort: Effort,
}

/// Plans `sc` on the service's graph, its matrices from the service's cache
/// ([`super::prep_cache::PrepCache::get`]). `keep`: trips of a replaced plan
/// not yet gone, kept where they still work ([`crate::plan::keep`]) and the
/// rest planned around them. `inputs`: the digest of what it is planned from
/// ([`super::memo::inputs_digest`]).
pub fn compute(
    sc: &Scenario,
    state: &Arc<Ops>,
    opts: DraftOptions,
    keep: &[TripBooking],
    bound_target: Option<(f64, f64)>,
    trips_upto: i64,
    inputs: &str,
) -> Result<Drafted, PlanError> {
    let t0 = std::time::Instant::now();
    let (prep, start) = state.prepared.get(sc, state, opts.cold)?;
    let t_prep = t0.elapsed().as_secs_f64();
    // With a target for the bounds' multipliers (a re-plan: what the replaced
    // plan delivered), the bounds need nothing from this plan and are computed
    // beside it; a fresh draft steers them by its own figures, after it.
    let number_after = usize::try_from(trips_upto).unwrap_or(0);
    let options = PlanOptions {
        effort: opts.effort,
        bounds: bound_target.map_or(BoundsBy::Plan, |(first_kg, relief_kg)| BoundsBy::Target {
            first_kg,
            relief_kg,
        }),
        keep: replan::planned(sc, keep),
        number_after,
    };
    let p = plan_with_bounds(sc, &prep, &options)?;
    let kept_trips = kept_count(&p, number_after);
    let t_bounds = t0.elapsed().as_secs_f64();
    let k = kpi::compute(sc, &p);
    let mut needs: BTreeMap<(usize, usize), i64> = BTreeMap::new();
    for t in &p.trips {
        for (_, l) in t.lines() {
            *needs.entry((t.warehouse, l.item)).or_default() += l.quantity as i64;
        }
    }
    let needs: Vec<Need> = needs
        .into_iter()
        .map(|((w, i), units)| Need {
            warehouse_id: sc.warehouses[w].id.clone(),
            item: sc.catalogue.items[i].item.clone(),
            units,
        })
        .collect();
    let mut csv = Vec::new();
    write_trips_to(&mut csv, sc, &p).expect("CSV into memory");
    tracing::debug!(
        matrices_s = t_prep,
        plan_and_bounds_s = t_bounds - t_prep,
        outputs_s = t0.elapsed().as_secs_f64() - t_bounds,
        "draft computed"
    );
    let mut document = plan_document(sc, &p, &k);
    document["trips"] = trip_list(sc, &p);
    document["shortfalls"] = shortfall_list(sc, &p);
    document["matrices"] = serde_json::json!({"start": start, "seconds": prep.matrix_s});
    document["trips_kept"] = serde_json::json!(kept_trips);
    let trips = bookings(sc, &p);
    let csv = String::from_utf8(csv).expect("CSV of UTF-8 fields");
    Ok(Drafted {
        content: PlanContent::new(inputs, &needs, &document, csv, &trips),
        document,
        trips,
        geojson: Arc::new(super::lazy_geojson::LazyGeojson::new(sc.clone(), p)),
        needs,
    })
}
