//! Booking and giving back in bulk, inside a transaction of
//! [`super::dispatch`]: a Level-I plan books about 2 000 trips and 10 000 loads,
//! so the checks read what they need in one query each and the rows are
//! written by multi-row `INSERT`s with ids taken from `meta.next_id` in one
//! block. The same statements run on SQLite and PostgreSQL.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::Row;

use super::records::{Caller, PlanConflict, PlanRecord, TripBooking, TripLine};
use super::tx::Tx;
use super::StoreError;

/// Rows per multi-row `INSERT` (10 columns: 1 000 parameters, well inside
/// SQLite's and PostgreSQL's limits).
const CHUNK: usize = 100;

/// One ledger event: `units` of an item at a warehouse moved between states.
#[derive(Debug, Clone)]
pub struct LedgerRow {
    /// Plan id.
    pub plan_id: i64,
    /// Trip id.
    pub trip: i64,
    /// Warehouse id.
    pub warehouse_id: String,
    /// Item.
    pub item: String,
    /// Units.
    pub units: i64,
    /// From state.
    pub from: &'static str,
    /// To state.
    pub to: &'static str,
}

/// `INSERT INTO table (columns) VALUES ($1, …), (…)` for `rows` rows.
fn insert_sql(table: &str, columns: &[&str], rows: usize) -> String {
    let k = columns.len();
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let p: Vec<String> = (1..=k).map(|c| format!("${}", r * k + c)).collect();
            format!("({})", p.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO {table} ({}) VALUES {}",
        columns.join(", "),
        values.join(", ")
    )
}

/// Applies `rows` to the running totals of `holds` and appends them to
/// `ledger_events`, made by `by` at `now` (their ids taken after the totals
/// are written: see [`super::tx`]). The warehouses' rows must be locked.
pub async fn append_ledger(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    by: Caller,
    rows: &[LedgerRow],
    now: i64,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    add_to_holds(tx, rows).await?;
    let first = super::tx::ids(tx, rows.len()).await?;
    let cols = [
        "id",
        "at_unix",
        "token_id",
        "plan_id",
        "trip",
        "warehouse_id",
        "item",
        "units",
        "from_state",
        "to_state",
    ];
    for (c, chunk) in rows.chunks(CHUNK).enumerate() {
        let sql = insert_sql("ledger_events", &cols, chunk.len());
        let mut q = sqlx::query(&sql);
        for (k, r) in chunk.iter().enumerate() {
            q = q
                .bind(first + (c * CHUNK + k) as i64)
                .bind(now)
                .bind(by.token_id)
                .bind(r.plan_id)
                .bind(r.trip)
                .bind(r.warehouse_id.clone())
                .bind(r.item.clone())
                .bind(r.units)
                .bind(r.from)
                .bind(r.to);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Applies `rows` to the running totals of `holds`: units moved into
/// `reserved` or `in_transit` are added there, units moved out taken away. In
/// (warehouse, item) order, so concurrent transactions lock rows in one order.
async fn add_to_holds(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rows: &[LedgerRow],
) -> Result<(), StoreError> {
    let mut delta: BTreeMap<(&str, &str), (i64, i64)> = BTreeMap::new();
    for r in rows {
        let d = delta.entry((&r.warehouse_id, &r.item)).or_default();
        let sign = |state: &str| i64::from(r.to == state) - i64::from(r.from == state);
        d.0 += sign("reserved") * r.units;
        d.1 += sign("in_transit") * r.units;
    }
    for ((w, i), (reserved, in_transit)) in delta {
        if (reserved, in_transit) == (0, 0) {
            continue;
        }
        sqlx::query(
            "INSERT INTO holds (warehouse_id, item, reserved, in_transit) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (warehouse_id, item) DO UPDATE SET \
             reserved = holds.reserved + excluded.reserved, in_transit = holds.in_transit + excluded.in_transit",
        )
        .bind(w)
        .bind(i)
        .bind(reserved)
        .bind(in_transit)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A trip's truck interval and times, seconds since 1970 UTC.
#[derive(Debug, Clone, Copy)]
pub struct Times {
    /// Loading starts.
    pub from: i64,
    /// Departure.
    pub depart: i64,
    /// Back.
    pub back: i64,
}

/// Books `trips` of plan `plan_id` (times from `times`): refuses a truck booked
/// on an overlapping trip and a load beyond what is available, then writes the
/// trips, their loads and one ledger event per load.
pub async fn book_all(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    by: Caller,
    plan_id: i64,
    trips: &[(TripBooking, Times)],
    now: i64,
) -> Result<(), PlanConflict> {
    // Trucks: every live booking, checked in memory (the warehouses' rows are
    // locked: nobody books their trucks meanwhile).
    let rows = sqlx::query(
        "SELECT plan_id, trip, warehouse_id, truck, busy_from_unix, return_unix FROM trips \
         WHERE truck >= 0 AND state IN ('reserved', 'departed', 'delivered')",
    )
    .fetch_all(&mut **tx)
    .await?;
    let fleets: BTreeMap<String, i64> = sqlx::query("SELECT id, trucks FROM warehouses")
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("trucks")?)))
        .collect::<Result<_, sqlx::Error>>()?;
    // (loading starts, back, plan, trip) per (warehouse, truck).
    type Runs = Vec<(i64, i64, i64, i64)>;
    let mut booked: BTreeMap<(String, i64), Runs> = BTreeMap::new();
    for r in rows {
        booked
            .entry((r.try_get("warehouse_id")?, r.try_get("truck")?))
            .or_default()
            .push((
                r.try_get("busy_from_unix")?,
                r.try_get("return_unix")?,
                r.try_get("plan_id")?,
                r.try_get("trip")?,
            ));
    }
    for (t, at) in trips.iter().filter(|(t, _)| t.truck >= 0) {
        if t.truck >= fleets.get(&t.warehouse_id).copied().unwrap_or(0) {
            return Err(PlanConflict::TruckBusy {
                warehouse_id: t.warehouse_id.clone(),
                truck: t.truck,
                other_plan: 0,
                other_trip: 0,
            });
        }
        let key = (t.warehouse_id.clone(), t.truck);
        if let Some(&(_, _, p, k)) = booked
            .get(&key)
            .and_then(|b| b.iter().find(|b| b.0 < at.back && b.1 > at.from))
        {
            return Err(PlanConflict::TruckBusy {
                warehouse_id: t.warehouse_id.clone(),
                truck: t.truck,
                other_plan: p,
                other_trip: k,
            });
        }
        booked
            .entry(key)
            .or_default()
            .push((at.from, at.back, plan_id, t.trip));
    }
    // Stock: what the plan takes against what is available, per warehouse and item.
    let mut takes: BTreeMap<(String, String), i64> = BTreeMap::new();
    for (t, _) in trips {
        for (item, units) in t.units_by_item() {
            *takes
                .entry((t.warehouse_id.clone(), item.to_string()))
                .or_default() += units;
        }
    }
    let free = super::inventory::levels(&mut **tx).await?;
    for ((w, item), units) in &takes {
        let available = free
            .get(w)
            .and_then(|l| l.get(item))
            .map_or(0, |l| l.available);
        if available < *units {
            return Err(PlanConflict::Short {
                warehouse_id: w.clone(),
                item: item.clone(),
                available,
                units: *units,
            });
        }
    }
    // Rows.
    let cols = [
        "plan_id",
        "trip",
        "warehouse_id",
        "truck",
        "phase",
        "busy_from_unix",
        "depart_unix",
        "return_unix",
        "state",
        "changed_unix",
    ];
    for chunk in trips.chunks(CHUNK) {
        let sql = insert_sql("trips", &cols, chunk.len());
        let mut q = sqlx::query(&sql);
        for (t, at) in chunk {
            q = q
                .bind(plan_id)
                .bind(t.trip)
                .bind(t.warehouse_id.clone())
                .bind(t.truck)
                .bind(t.phase.clone())
                .bind(at.from)
                .bind(at.depart)
                .bind(at.back)
                .bind("reserved")
                .bind(now);
        }
        q.execute(&mut **tx).await?;
    }
    let loads: Vec<LedgerRow> = trips
        .iter()
        .flat_map(|(t, _)| {
            t.units_by_item()
                .into_iter()
                .map(|(item, units)| LedgerRow {
                    plan_id,
                    trip: t.trip,
                    warehouse_id: t.warehouse_id.clone(),
                    item: item.to_string(),
                    units,
                    from: "available",
                    to: "reserved",
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let cols = ["plan_id", "trip", "warehouse_id", "item", "units"];
    for chunk in loads.chunks(CHUNK) {
        let sql = insert_sql("trip_loads", &cols, chunk.len());
        let mut q = sqlx::query(&sql);
        for l in chunk {
            q = q
                .bind(plan_id)
                .bind(l.trip)
                .bind(l.warehouse_id.clone())
                .bind(l.item.clone())
                .bind(l.units);
        }
        q.execute(&mut **tx).await?;
    }
    append_ledger(tx, by, &loads, now).await?;
    Ok(())
}

/// Gives back every trip of plan `plan_id` that has not left (reserved →
/// released), one ledger event per load. The plan's and its warehouses' rows
/// must be locked; the trips are moved only from `reserved`, and if fewer
/// move than were read (a transition slipped past the locks) nothing is
/// applied.
pub async fn give_back(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    by: Caller,
    plan_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    let rows = sqlx::query(
        "SELECT l.trip AS trip, l.warehouse_id AS w, l.item AS i, l.units AS units FROM trip_loads l \
         JOIN trips t ON t.plan_id = l.plan_id AND t.trip = l.trip \
         WHERE l.plan_id = $1 AND t.state = 'reserved' ORDER BY l.trip, l.warehouse_id, l.item",
    )
    .bind(plan_id)
    .fetch_all(&mut **tx)
    .await?;
    let events: Vec<LedgerRow> = rows
        .iter()
        .map(|r| {
            Ok(LedgerRow {
                plan_id,
                trip: r.try_get("trip")?,
                warehouse_id: r.try_get("w")?,
                item: r.try_get("i")?,
                units: r.try_get("units")?,
                from: "reserved",
                to: "released",
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let read: std::collections::BTreeSet<i64> = events.iter().map(|e| e.trip).collect();
    let moved = sqlx::query(
        "UPDATE trips SET state = 'released', changed_unix = $1 WHERE plan_id = $2 AND state = 'reserved'",
    )
    .bind(now)
    .bind(plan_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if moved < read.len() as u64 {
        return Err(StoreError::Corrupt(format!(
            "plan {plan_id}: {} trip(s) read as reserved, {moved} released",
            read.len()
        )));
    }
    append_ledger(tx, by, &events, now).await
}

/// Seconds since 1970 standing for "never back" (a trip with no road back).
pub const NEVER_UNIX: i64 = 4_102_444_800;

/// Seconds after `event_unix` of `h` hours after the event.
pub(super) fn at(event_unix: i64, h: f64) -> i64 {
    if h.is_finite() {
        event_unix + (h * 3600.0).round() as i64
    } else {
        NEVER_UNIX
    }
}

/// Warehouses of plan `id`'s trips that have not left.
pub(super) async fn reserved_warehouses(
    tx: &mut Tx,
    id: i64,
) -> Result<BTreeSet<String>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT DISTINCT warehouse_id FROM trips WHERE plan_id = $1 AND state = 'reserved'",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(|r| r.try_get("warehouse_id")).collect()
}

/// The trips issuing `plan` books: its trip rows, or for a draft stored before
/// trips were (version 5), its needs as one trip 0 without a truck.
pub(super) fn bookings_of(plan: &PlanRecord) -> Vec<TripBooking> {
    if !plan.trips.is_empty() || plan.needs.is_empty() {
        return plan.trips.clone();
    }
    let mut by_warehouse: BTreeMap<&str, Vec<TripLine>> = BTreeMap::new();
    for n in &plan.needs {
        by_warehouse
            .entry(&n.warehouse_id)
            .or_default()
            .push(TripLine {
                shelter_id: String::new(),
                item: n.item.clone(),
                phase: "first".into(),
                units: n.units,
            });
    }
    by_warehouse
        .into_iter()
        .zip(0..)
        .map(|((w, lines), k)| TripBooking {
            trip: -k,
            warehouse_id: w.to_string(),
            truck: -1,
            phase: "first".into(),
            load_h: 0.0,
            depart_h: 0.0,
            return_h: Some(0.0),
            stops: Vec::new(),
            lines,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_row_inserts_number_their_parameters_in_order() {
        assert_eq!(
            insert_sql("t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
    }
}
