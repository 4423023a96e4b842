//! Issuing a plan: the one transition that books stock and trucks, and the
//! checks it makes of what its draft assumed (see [`super::tx`] for how it
//! holds under races, and [`super::dispatch`] for the other transitions).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use super::actions::record_action;
use super::booking::{at, book_all, bookings_of, give_back, reserved_warehouses, Times};
use super::records::{
    set_status, status_of, Assumed, Caller, PlanConflict, PlanRecord, PlanStatus, TripBooking,
};
use super::tx::{lock_incident, lock_plans, lock_warehouses, Tx};
use super::{now_unix, Store, StoreError};

/// What issuing a plan did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Issued {
    /// The plan, now issued.
    pub plan_id: i64,
    /// The plan it superseded, if it was a re-plan.
    pub superseded: Option<i64>,
    /// True when the plan was issued already: nothing was booked again.
    pub already: bool,
}

/// Drafts whose first trip loads more than this long before the moment of
/// issue are refused as stale, seconds: their trucks would be late from the
/// start.
pub const LATE_LOADING_S: i64 = 15 * 60;

impl Store {
    /// The highest trip number booked for incident `id`'s plans (0: none): a
    /// new draft numbers its new trips after it.
    pub async fn top_trip(&self, id: i64) -> Result<i64, StoreError> {
        Ok(top_trip_of(self.pool(), id).await?)
    }

    /// Issues draft `id` (see [`super::tx`] for how it holds under races). In
    /// one transaction, under the incident's lock: an issued plan is returned
    /// as it is (`already`); a superseded or released one is refused; the
    /// incident must have no live plan, or, for a re-plan, the plan it
    /// re-plans must be the live one ([`PlanConflict::IncidentHasPlan`]);
    /// what the draft assumed must still hold (the incident's version, the
    /// shelters' counts, the fleets); then the live plan's trips that have not
    /// left give their stock and trucks back and it is marked superseded, and
    /// each trip books its truck (refused if it overlaps another booking) and
    /// reserves its load (refused if more than is available).
    pub async fn issue(&self, by: Caller, id: i64) -> Result<Issued, PlanConflict> {
        let plan = self.plan_head(id).await?.ok_or(PlanConflict::Missing(id))?;
        let event_unix = self.event_unix(plan.incident_id).await?;
        super::tx::retrying(|| self.issue_once(by, &plan, event_unix)).await
    }

    async fn issue_once(
        &self,
        by: Caller,
        plan: &PlanRecord,
        event_unix: i64,
    ) -> Result<Issued, PlanConflict> {
        let (id, incident) = (plan.id, plan.incident_id);
        let mut tx = self.begin_write().await?;
        let (live, version) = lock_incident(&mut tx, incident).await?.ok_or_else(|| {
            StoreError::Corrupt(format!("plan {id} of a missing incident {incident}"))
        })?;
        lock_plans(&mut tx, &[plan.supersedes, id]).await?;
        match status_of(&mut tx, id).await? {
            PlanStatus::Draft => {}
            PlanStatus::Issued => {
                return Ok(Issued {
                    plan_id: id,
                    superseded: (plan.supersedes != 0).then_some(plan.supersedes),
                    already: true,
                })
            }
            status => {
                return Err(PlanConflict::State {
                    id,
                    status,
                    wanted: "draft",
                })
            }
        }
        if live != plan.supersedes {
            return Err(if live != 0 {
                PlanConflict::IncidentHasPlan { incident, live }
            } else {
                PlanConflict::Stale {
                    reason: format!("plan {} it re-plans is no longer issued", plan.supersedes),
                }
            });
        }
        if version != plan.assumed.incident_version {
            return Err(PlanConflict::IncidentChanged { incident });
        }
        check_inventory(&mut tx, &plan.assumed).await?;
        let now = now_unix();
        let trips: Vec<(TripBooking, Times)> = bookings_of(plan)
            .into_iter()
            .map(|t| {
                let (from, depart) = (at(event_unix, t.load_h), at(event_unix, t.depart_h));
                let back = at(event_unix, t.return_h.unwrap_or(f64::INFINITY)).max(depart);
                (t, Times { from, depart, back })
            })
            .collect();
        if let Some(first) = trips
            .iter()
            .filter(|(t, _)| t.truck >= 0)
            .map(|(_, at)| at.from)
            .min()
        {
            if first < now - LATE_LOADING_S {
                return Err(PlanConflict::Stale {
                    reason: format!("its first trip was to load {} min ago", (now - first) / 60),
                });
            }
        }
        check_trip_numbers(&mut tx, plan).await?;
        // Warehouses whose stock or trucks change: the draft's and the
        // reserved trips of the plan it supersedes.
        let mut warehouses: BTreeSet<String> =
            trips.iter().map(|(t, _)| t.warehouse_id.clone()).collect();
        if plan.supersedes != 0 {
            warehouses.extend(reserved_warehouses(&mut tx, plan.supersedes).await?);
        }
        lock_warehouses(&mut tx, warehouses.iter().map(String::as_str)).await?;
        let mut actions = Vec::new();
        if plan.supersedes != 0 {
            give_back(&mut tx, by, plan.supersedes, now).await?;
            set_status(&mut tx, plan.supersedes, PlanStatus::Superseded, now).await?;
            actions.push(("plan_superseded", plan.supersedes, json!({"by": id})));
        }
        book_all(&mut tx, by, id, &trips, now).await?;
        set_status(&mut tx, id, PlanStatus::Issued, now).await?;
        sqlx::query("UPDATE incidents SET live_plan = $1 WHERE id = $2")
            .bind(id)
            .bind(incident)
            .execute(&mut *tx)
            .await?;
        let detail = json!({"trips": trips.len(), "supersedes": (plan.supersedes != 0).then_some(plan.supersedes)});
        actions.push(("plan_issued", id, detail));
        for (kind, plan_id, detail) in actions {
            record_action(
                &mut tx,
                by.token_id,
                kind,
                incident,
                plan_id,
                0,
                &detail,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Issued {
            plan_id: id,
            superseded: (plan.supersedes != 0).then_some(plan.supersedes),
            already: false,
        })
    }
}

/// `Err` unless every shelter's counts and warehouse's fleet `assumed` names
/// is at the version the draft saw.
async fn check_inventory(tx: &mut Tx, assumed: &Assumed) -> Result<(), PlanConflict> {
    for (table, what, seen) in [
        ("shelters", "shelter", &assumed.shelters),
        ("warehouses", "warehouse", &assumed.warehouses),
    ] {
        if seen.is_empty() {
            continue;
        }
        let rows = sqlx::query(&format!("SELECT id, version FROM {table}"))
            .fetch_all(&mut **tx)
            .await?;
        let now: BTreeMap<String, i64> = rows
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("version")?)))
            .collect::<Result<_, sqlx::Error>>()?;
        for (id, v) in seen {
            if now.get(id) != Some(v) {
                let part = if table == "warehouses" {
                    "'s fleet"
                } else {
                    "'s counts"
                };
                return Err(PlanConflict::InventoryChanged {
                    what: format!("{what} {id}{part}"),
                });
            }
        }
    }
    Ok(())
}

/// The highest trip number booked for incident `id`'s plans (0: none), read
/// through `exec`.
async fn top_trip_of<'e, E>(exec: E, id: i64) -> Result<i64, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let top: Option<i64> = sqlx::query(
        "SELECT MAX(t.trip) AS top FROM trips t JOIN plans p ON p.id = t.plan_id WHERE p.incident_id = $1",
    )
    .bind(id)
    .fetch_one(exec)
    .await?
    .try_get("top")?;
    Ok(top.unwrap_or(0).max(0))
}

/// `Err` unless every trip number of `plan` is either one of the trips of the
/// plan it re-plans (a trip kept keeps its number) or above every trip number
/// the incident's plans booked: no number is used for two trips; and that no
/// trip it keeps of the plan it re-plans has left since it was drafted
/// ([`PlanConflict::Stale`], not a busy truck).
async fn check_trip_numbers(tx: &mut Tx, plan: &PlanRecord) -> Result<(), PlanConflict> {
    // A re-plan keeps trips of the plan it replaces that had not left when it
    // was drafted; one that has left since is stale, not a busy truck.
    if plan.supersedes != 0 {
        let gone: BTreeSet<i64> =
            sqlx::query("SELECT trip FROM trips WHERE plan_id = $1 AND state <> 'reserved'")
                .bind(plan.supersedes)
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(|r| r.try_get("trip"))
                .collect::<Result<_, _>>()?;
        if let Some(t) = plan.trips.iter().find(|t| gone.contains(&t.trip)) {
            return Err(PlanConflict::Stale {
                reason: format!(
                    "trip {} of plan {} has left since this re-plan was drafted",
                    t.trip, plan.supersedes
                ),
            });
        }
    }
    let top = top_trip_of(&mut **tx, plan.incident_id).await?;
    if top <= plan.assumed.trips_upto {
        return Ok(());
    }
    let old: BTreeSet<i64> = if plan.supersedes != 0 {
        sqlx::query("SELECT trip FROM trips WHERE plan_id = $1")
            .bind(plan.supersedes)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| r.try_get("trip"))
            .collect::<Result<_, _>>()?
    } else {
        BTreeSet::new()
    };
    if let Some(t) = plan
        .trips
        .iter()
        .find(|t| t.trip > 0 && t.trip <= top && !old.contains(&t.trip))
    {
        return Err(PlanConflict::Stale {
            reason: format!(
                "trip number {} was given to another plan's trip since",
                t.trip
            ),
        });
    }
    Ok(())
}
