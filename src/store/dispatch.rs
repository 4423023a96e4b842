//! The one place where stock and trucks are held and given back: issuing a plan
//! (its trips book their trucks and reserve their loads, in one transaction),
//! trips leaving and arriving, releasing a plan, and a re-plan replacing the
//! plan it was drafted from.
//!
//! States of a unit, side by side: on hand (in the warehouse), reserved (held by
//! an issued trip not yet gone), in transit (a departed trip: on hand went down),
//! delivered, released. Every change is appended to `ledger_events` with the
//! plan, the trip and the token that made it.
//!
//! Invariants (tested against real SQLite and PostgreSQL under concurrent
//! officers and kills): units reserved never exceed units on hand for any
//! warehouse and item; no truck is booked on two trips whose loading-to-return
//! intervals overlap.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use super::actions::record_action;
use super::booking::{append_ledger, give_back, reserved_warehouses, LedgerRow};
use super::records::{set_status, status_of, Caller, PlanConflict, PlanStatus};
use super::tx::{lock_incident, lock_plans, lock_warehouses};
use super::{now_unix, Store, StoreError};

pub use super::booking::NEVER_UNIX;

/// A trip's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TripState {
    /// Issued: its load is held, its truck booked.
    Reserved,
    /// Left the warehouse: its load is in transit.
    Departed,
    /// Unloaded at its stops.
    Delivered,
    /// Given back before it left.
    Released,
}

impl TripState {
    /// The state's name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            TripState::Reserved => "reserved",
            TripState::Departed => "departed",
            TripState::Delivered => "delivered",
            TripState::Released => "released",
        }
    }

    fn parse(s: &str) -> Result<TripState, StoreError> {
        [
            TripState::Reserved,
            TripState::Departed,
            TripState::Delivered,
            TripState::Released,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
        .ok_or_else(|| StoreError::Corrupt(format!("trip state `{s}`")))
    }

    /// The state of its load in the ledger's words.
    fn unit_state(self) -> &'static str {
        match self {
            TripState::Departed => "in_transit",
            other => other.as_str(),
        }
    }
}

/// A booked trip as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BookedTrip {
    /// Plan id.
    pub plan_id: i64,
    /// Trip id within the plan (0: the holds of a plan issued before trips were
    /// booked).
    pub trip: i64,
    /// Warehouse id.
    pub warehouse_id: String,
    /// Truck number (−1: none booked).
    pub truck: i64,
    /// `first` or `relief`.
    pub phase: String,
    /// Loading starts, seconds since 1970 UTC.
    pub busy_from_unix: i64,
    /// Departure, seconds since 1970 UTC.
    pub depart_unix: i64,
    /// Back, seconds since 1970 UTC ([`NEVER_UNIX`]: no road back).
    pub return_unix: i64,
    /// State.
    pub state: TripState,
    /// Units per item.
    pub loads: BTreeMap<String, i64>,
}

impl Store {
    /// Releases issued plan `id`: its trips that have not left give their load
    /// and trucks back; trips under way go on; the incident has no live plan
    /// after. Releasing a released plan again changes nothing (`Ok(false)`).
    pub async fn release(&self, by: Caller, id: i64) -> Result<bool, PlanConflict> {
        let (incident, _) = self
            .plan_state(id)
            .await?
            .ok_or(PlanConflict::Missing(id))?;
        super::tx::retrying(|| async {
            let mut tx = self.begin_write().await?;
            lock_incident(&mut tx, incident).await?;
            lock_plans(&mut tx, &[id]).await?;
            match status_of(&mut tx, id).await? {
                PlanStatus::Issued => {}
                PlanStatus::Released => return Ok(false),
                status => {
                    return Err(PlanConflict::State {
                        id,
                        status,
                        wanted: "issued",
                    })
                }
            }
            let warehouses = reserved_warehouses(&mut tx, id).await?;
            lock_warehouses(&mut tx, warehouses.iter().map(String::as_str)).await?;
            let now = now_unix();
            give_back(&mut tx, by, id, now).await?;
            set_status(&mut tx, id, PlanStatus::Released, now).await?;
            sqlx::query("UPDATE incidents SET live_plan = 0 WHERE id = $1 AND live_plan = $2")
                .bind(incident)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            record_action(
                &mut tx,
                by.token_id,
                "plan_released",
                incident,
                id,
                0,
                &json!(null),
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(true)
        })
        .await
    }

    /// Moves trip `trip` of plan `plan_id` on: `Departed` (from reserved; its
    /// load leaves the warehouse's units on hand) or `Delivered` (from
    /// departed). Under the plan's and the warehouse's locks, and applied only
    /// if the trip is still in the state it moves from, so a release or a
    /// supersede at the same instant and this cannot both apply.
    pub async fn advance_trip(
        &self,
        by: Caller,
        plan_id: i64,
        trip: i64,
        to: TripState,
    ) -> Result<(), PlanConflict> {
        let from = match to {
            TripState::Departed => TripState::Reserved,
            TripState::Delivered => TripState::Departed,
            other => {
                return Err(PlanConflict::Store(StoreError::Corrupt(format!(
                    "a trip cannot be moved to {}",
                    other.as_str()
                ))))
            }
        };
        let incident = self.plan_state(plan_id).await?.map_or(0, |(i, _)| i);
        super::tx::retrying(|| self.advance_once(by, incident, plan_id, trip, from, to)).await
    }

    async fn advance_once(
        &self,
        by: Caller,
        incident: i64,
        plan_id: i64,
        trip: i64,
        from: TripState,
        to: TripState,
    ) -> Result<(), PlanConflict> {
        let mut tx = self.begin_write().await?;
        lock_plans(&mut tx, &[plan_id]).await?;
        let row =
            sqlx::query("SELECT state, warehouse_id FROM trips WHERE plan_id = $1 AND trip = $2")
                .bind(plan_id)
                .bind(trip)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(PlanConflict::MissingTrip(plan_id, trip))?;
        let warehouse: String = row.try_get("warehouse_id")?;
        lock_warehouses(&mut tx, [warehouse.as_str()]).await?;
        let now = now_unix();
        let moved = sqlx::query(
            "UPDATE trips SET state = $1, changed_unix = $2 WHERE plan_id = $3 AND trip = $4 AND state = $5",
        )
        .bind(to.as_str())
        .bind(now)
        .bind(plan_id)
        .bind(trip)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            let state = TripState::parse(&row.try_get::<String, _>("state")?)?;
            let state =
                match sqlx::query("SELECT state FROM trips WHERE plan_id = $1 AND trip = $2")
                    .bind(plan_id)
                    .bind(trip)
                    .fetch_optional(&mut *tx)
                    .await?
                {
                    Some(r) => TripState::parse(&r.try_get::<String, _>("state")?)?,
                    None => state,
                };
            return Err(PlanConflict::TripState {
                plan_id,
                trip,
                state: state.as_str(),
                wanted: from.as_str(),
            });
        }
        let loads = loads_of(&mut tx, plan_id, trip).await?;
        let mut events = Vec::with_capacity(loads.len());
        for (w, item, units) in &loads {
            if to == TripState::Departed {
                let on_hand: i64 =
                    sqlx::query("SELECT on_hand FROM stock WHERE warehouse_id = $1 AND item = $2")
                        .bind(w)
                        .bind(item)
                        .fetch_optional(&mut *tx)
                        .await?
                        .map_or(Ok(0), |r| r.try_get("on_hand"))?;
                if on_hand < *units {
                    return Err(PlanConflict::NotOnHand {
                        warehouse_id: w.clone(),
                        item: item.clone(),
                        trip,
                        on_hand,
                        units: *units,
                    });
                }
                sqlx::query(
                    "UPDATE stock SET on_hand = on_hand - $1 WHERE warehouse_id = $2 AND item = $3",
                )
                .bind(units)
                .bind(w)
                .bind(item)
                .execute(&mut *tx)
                .await?;
            }
            events.push(LedgerRow {
                plan_id,
                trip,
                warehouse_id: w.clone(),
                item: item.clone(),
                units: *units,
                from: from.unit_state(),
                to: to.unit_state(),
            });
        }
        append_ledger(&mut tx, by, &events, now).await?;
        let kind = match to {
            TripState::Departed => "trip_departed",
            _ => "trip_delivered",
        };
        record_action(
            &mut tx,
            by.token_id,
            kind,
            incident,
            plan_id,
            trip,
            &json!(null),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The trips booked for plan `id`, in trip order.
    pub async fn trips_of(&self, id: i64) -> Result<Vec<BookedTrip>, StoreError> {
        let rows = sqlx::query(
            "SELECT plan_id, trip, warehouse_id, truck, phase, busy_from_unix, depart_unix, return_unix, state \
             FROM trips WHERE plan_id = $1 ORDER BY trip",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let loads = sqlx::query(
            "SELECT trip, item, units FROM trip_loads WHERE plan_id = $1 ORDER BY trip, item",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let mut by_trip: BTreeMap<i64, BTreeMap<String, i64>> = BTreeMap::new();
        for r in loads {
            *by_trip
                .entry(r.try_get("trip")?)
                .or_default()
                .entry(r.try_get("item")?)
                .or_default() += r.try_get::<i64, _>("units")?;
        }
        rows.iter()
            .map(|r| {
                let trip: i64 = r.try_get("trip")?;
                Ok(BookedTrip {
                    plan_id: r.try_get("plan_id")?,
                    trip,
                    warehouse_id: r.try_get("warehouse_id")?,
                    truck: r.try_get("truck")?,
                    phase: r.try_get("phase")?,
                    busy_from_unix: r.try_get("busy_from_unix")?,
                    depart_unix: r.try_get("depart_unix")?,
                    return_unix: r.try_get("return_unix")?,
                    state: TripState::parse(&r.try_get::<String, _>("state")?)?,
                    loads: by_trip.remove(&trip).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// When each booked truck is back, seconds since 1970, per warehouse and
    /// truck number: the latest return of its trips that are reserved, under way
    /// or delivered. The trips of plan `except` that have not left are left out
    /// (a re-plan of that plan will give them back).
    pub async fn trucks_busy_until(
        &self,
        except: i64,
    ) -> Result<BTreeMap<String, BTreeMap<i64, i64>>, StoreError> {
        let rows = sqlx::query(
            "SELECT warehouse_id, truck, MAX(return_unix) AS until FROM trips \
             WHERE truck >= 0 AND state IN ('reserved', 'departed', 'delivered') \
             AND NOT (plan_id = $1 AND state = 'reserved') GROUP BY warehouse_id, truck",
        )
        .bind(except)
        .fetch_all(self.pool())
        .await?;
        let mut out: BTreeMap<String, BTreeMap<i64, i64>> = BTreeMap::new();
        for r in rows {
            out.entry(r.try_get("warehouse_id")?)
                .or_default()
                .insert(r.try_get("truck")?, r.try_get("until")?);
        }
        Ok(out)
    }

    /// The event time of incident `id`, seconds since 1970 UTC.
    pub async fn event_unix(&self, id: i64) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT event_unix FROM incidents WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("plan of a missing incident {id}")))?;
        Ok(row.try_get("event_unix")?)
    }
}

/// (warehouse, item, units) of one trip.
async fn loads_of(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    plan_id: i64,
    trip: i64,
) -> Result<Vec<(String, String, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT warehouse_id, item, units FROM trip_loads WHERE plan_id = $1 AND trip = $2 ORDER BY warehouse_id, item",
    )
    .bind(plan_id)
    .bind(trip)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("warehouse_id")?,
                r.try_get("item")?,
                r.try_get("units")?,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_after_the_event_become_seconds_and_no_road_back_is_never() {
        use crate::store::booking::at;
        assert_eq!(at(1_000, 1.5), 1_000 + 5_400);
        assert_eq!(at(1_000, f64::INFINITY), NEVER_UNIX);
        for s in [
            TripState::Reserved,
            TripState::Departed,
            TripState::Delivered,
            TripState::Released,
        ] {
            assert_eq!(TripState::parse(s.as_str()).unwrap(), s);
        }
        assert!(TripState::parse("lost").is_err());
    }
}
