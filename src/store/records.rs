//! Tokens, incidents and plans in the store, and the one place where stock is
//! reserved and released: issuing and releasing a plan.

use serde::Serialize;
use sqlx::Row;

pub use super::caller::{Caller, Role};
pub use super::plan_content::{Need, TripBooking, TripLine};

use super::plan_content::{self, PlanContent};
use super::{now_unix, Store, StoreError};

/// A plan's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanStatus {
    /// Computed, holds nothing.
    Draft,
    /// Holds its stock.
    Issued,
    /// Gave its stock back.
    Released,
    /// Replaced by an issued re-plan: its trips not yet departed gave their
    /// stock and trucks back; departed ones go on.
    Superseded,
}

impl PlanStatus {
    /// The state's name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Issued => "issued",
            PlanStatus::Released => "released",
            PlanStatus::Superseded => "superseded",
        }
    }

    fn parse(s: &str) -> Result<PlanStatus, StoreError> {
        match s {
            "draft" => Ok(PlanStatus::Draft),
            "issued" => Ok(PlanStatus::Issued),
            "released" => Ok(PlanStatus::Released),
            "superseded" => Ok(PlanStatus::Superseded),
            other => Err(StoreError::Corrupt(format!("plan status `{other}`"))),
        }
    }
}

/// A plan as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanRecord {
    /// Plan id.
    pub id: i64,
    /// Incident id.
    pub incident_id: i64,
    /// State.
    pub status: PlanStatus,
    /// The plan time, seconds since 1970 UTC: nothing loads before it (for a
    /// plan stored before plans had one: the incident's event).
    pub plan_unix: i64,
    /// What the draft assumed, re-checked when it is issued.
    pub assumed: Assumed,
    /// Stock the plan takes.
    pub needs: Vec<Need>,
    /// The plan (`plan.json`'s content).
    pub document: serde_json::Value,
    /// The trips issuing books (empty for drafts stored before version 5).
    pub trips: Vec<TripBooking>,
    /// The issued plan this re-plan replaces when issued (0: none).
    pub supersedes: i64,
}

/// What a draft assumed of the store when it was computed: issuing it
/// re-checks exactly these (and the stock and trucks its trips take), so a
/// change elsewhere never makes it stale.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Assumed {
    /// The incident's version (bumped by every change to its disruption).
    pub incident_version: i64,
    /// Inventory version of every shelter the incident covers, by id.
    pub shelters: std::collections::BTreeMap<String, i64>,
    /// Fleet version of every warehouse, by id.
    pub warehouses: std::collections::BTreeMap<String, i64>,
    /// The highest trip number of the incident's plans when drafted: the
    /// draft's new trips are numbered after it.
    pub trips_upto: i64,
}

/// A draft as computed, to be stored.
#[derive(Debug, Clone, Copy)]
pub struct NewDraft<'a> {
    /// Incident id.
    pub incident_id: i64,
    /// The plan time, seconds since 1970 UTC.
    pub plan_unix: i64,
    /// What the draft assumed.
    pub assumed: &'a Assumed,
    /// What it contains (stored once however many drafts share it).
    pub content: &'a PlanContent,
    /// The issued plan it replaces when issued (0: none).
    pub supersedes: i64,
}

/// Why a plan could not be issued or released.
#[derive(Debug, thiserror::Error)]
pub enum PlanConflict {
    /// The incident moved on since the draft in a way that touches it (the
    /// plan it re-plans is no longer live, its trip numbers were taken, its
    /// first loads are long past): draft again.
    #[error("this draft is stale: {reason}; draft again")]
    Stale {
        /// What moved.
        reason: String,
    },
    /// The incident has another issued plan: a draft made before it was
    /// issued cannot be issued beside it (re-plan the live plan instead).
    #[error("incident {incident} already has issued plan {live}: re-plan that plan instead of issuing a second one")]
    IncidentHasPlan {
        /// Incident id.
        incident: i64,
        /// Its live plan.
        live: i64,
    },
    /// The incident's closures, areas or lost warehouses changed since the
    /// draft.
    #[error("incident {incident} changed since this draft (closures, areas or lost warehouses): re-plan")]
    IncidentChanged {
        /// Incident id.
        incident: i64,
    },
    /// A shelter's counts or a warehouse's fleet the draft planned with
    /// changed since.
    #[error("{what} changed since this draft: re-plan")]
    InventoryChanged {
        /// What changed, e.g. `shelter bj3` or `warehouse XC-A's fleet`.
        what: String,
    },
    /// The plan is not in the state the action needs.
    #[error("plan {id} is {status:?}, not {wanted}")]
    State {
        /// Plan id.
        id: i64,
        /// Its state.
        status: PlanStatus,
        /// The state the action needs.
        wanted: &'static str,
    },
    /// Not enough stock left: other plans took it since the draft.
    #[error(
        "warehouse {warehouse_id} holds {available} unit(s) of {item} free, the plan takes {units}"
    )]
    Short {
        /// Warehouse id.
        warehouse_id: String,
        /// Item.
        item: String,
        /// Units free.
        available: i64,
        /// Units the plan takes.
        units: i64,
    },
    /// A truck the plan books is booked on an overlapping trip (another plan
    /// took it since the draft), or no longer in the fleet.
    #[error("truck {truck} of warehouse {warehouse_id} is booked on another trip then (plan {other_plan}, trip {other_trip})")]
    TruckBusy {
        /// Warehouse id.
        warehouse_id: String,
        /// Truck number.
        truck: i64,
        /// The plan holding it.
        other_plan: i64,
        /// Its trip.
        other_trip: i64,
    },
    /// A trip cannot leave: the warehouse holds fewer units on hand than it
    /// loads (a stocktake lowered them since the plan was issued).
    #[error("warehouse {warehouse_id} holds {on_hand} unit(s) of {item} on hand, trip {trip} loads {units}")]
    NotOnHand {
        /// Warehouse id.
        warehouse_id: String,
        /// Item.
        item: String,
        /// The trip.
        trip: i64,
        /// Units on hand.
        on_hand: i64,
        /// Units it loads.
        units: i64,
    },
    /// The trip is not in the state the action needs.
    #[error("trip {trip} of plan {plan_id} is {state}, not {wanted}")]
    TripState {
        /// Plan id.
        plan_id: i64,
        /// Trip id.
        trip: i64,
        /// Its state.
        state: &'static str,
        /// The state the action needs.
        wanted: &'static str,
    },
    /// No such plan.
    #[error("no plan {0}")]
    Missing(i64),
    /// No such trip in the plan.
    #[error("plan {0} has no trip {1}")]
    MissingTrip(i64, i64),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl super::tx::Transient for PlanConflict {
    fn transient(&self) -> bool {
        matches!(self, PlanConflict::Store(e) if e.transient())
    }
}

impl From<sqlx::Error> for PlanConflict {
    fn from(e: sqlx::Error) -> Self {
        PlanConflict::Store(StoreError::Database(e))
    }
}

impl Store {
    /// Stores a draft plan: its row, and its content unless a draft with the
    /// same content is stored already.
    pub async fn create_draft(&self, by: Caller, d: NewDraft<'_>) -> Result<i64, StoreError> {
        let assumed = serde_json::to_string(d.assumed).expect("assumptions serialise");
        super::tx::retrying(|| async {
            let mut tx = self.begin_write().await?;
            plan_content::put(&mut tx, d.content).await?;
            let now = now_unix();
            // Ids last (see `store::tx`): the plan's, then its action's.
            let id = super::tx::ids(&mut tx, 1).await?;
            sqlx::query(
                "INSERT INTO plans (id, incident_id, status, ledger_version, needs, document, content, supersedes, \
                 created_by, created_unix, changed_unix, plan_unix, assumed) \
                 VALUES ($1, $2, 'draft', 0, '', '', $3, $4, $5, $6, $6, $7, $8)",
            )
            .bind(id)
            .bind(d.incident_id)
            .bind(&d.content.digest)
            .bind(d.supersedes)
            .bind(by.token_id)
            .bind(now)
            .bind(d.plan_unix)
            .bind(&assumed)
            .execute(&mut *tx)
            .await?;
            let detail = serde_json::json!({"replans": (d.supersedes != 0).then_some(d.supersedes), "plan_unix": d.plan_unix});
            super::actions::record_action(&mut tx, by.token_id, "plan_drafted", d.incident_id, id, 0, &detail, now).await?;
            tx.commit().await?;
            Ok(id)
        })
        .await
    }

    /// Plan `id`'s incident and state, if the plan exists: one row, no
    /// content read (what releasing, trips moving on and the issue policy need).
    pub async fn plan_state(&self, id: i64) -> Result<Option<(i64, PlanStatus)>, StoreError> {
        let row = sqlx::query("SELECT incident_id, status FROM plans WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(r) => Ok(Some((
                r.try_get("incident_id")?,
                PlanStatus::parse(&r.try_get::<String, _>("status")?)?,
            ))),
            None => Ok(None),
        }
    }

    /// The plan `id`, if any.
    pub async fn plan(&self, id: i64) -> Result<Option<PlanRecord>, StoreError> {
        self.plan_reading(id, true).await
    }

    /// The plan `id` without its document (`Value::Null`): what issuing and
    /// releasing need, without parsing a few MB of JSON.
    pub(super) async fn plan_head(&self, id: i64) -> Result<Option<PlanRecord>, StoreError> {
        self.plan_reading(id, false).await
    }

    async fn plan_reading(
        &self,
        id: i64,
        document: bool,
    ) -> Result<Option<PlanRecord>, StoreError> {
        let content: &[&str] = if document {
            &["needs", "document", "trip_rows"]
        } else {
            &["needs", "trip_rows"]
        };
        let row = sqlx::query(&format!(
            "SELECT p.id AS id, p.incident_id AS incident_id, p.status AS status, \
             p.plan_unix AS plan_unix, p.assumed AS assumed, p.supersedes AS supersedes, {} WHERE p.id = $1",
            plan_content::select(content)
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let text = |col: &str| -> Result<String, StoreError> { Ok(r.try_get::<String, _>(col)?) };
        let corrupt = |what: &str, e: serde_json::Error| {
            StoreError::Corrupt(format!("plan {id} {what}: {e}"))
        };
        Ok(Some(PlanRecord {
            id: r.try_get("id")?,
            incident_id: r.try_get("incident_id")?,
            status: PlanStatus::parse(&text("status")?)?,
            plan_unix: r.try_get("plan_unix")?,
            assumed: serde_json::from_str(&text("assumed")?).map_err(|e| corrupt("assumed", e))?,
            needs: serde_json::from_str(&text("needs")?).map_err(|e| corrupt("needs", e))?,
            document: if document {
                serde_json::from_str(&text("document")?).map_err(|e| corrupt("document", e))?
            } else {
                serde_json::Value::Null
            },
            trips: serde_json::from_str(&text("trip_rows")?)
                .map_err(|e| corrupt("trip_rows", e))?,
            supersedes: r.try_get("supersedes")?,
        }))
    }

    /// Plan `id`'s `trips.csv`, if the plan exists.
    pub async fn plan_trips_csv(&self, id: i64) -> Result<Option<String>, StoreError> {
        self.plan_text(id, "trips_csv").await
    }

    /// Plan `id`'s `plan.geojson`, if the plan exists (empty for plans stored
    /// before version 5, and until it is routed).
    pub async fn plan_geojson(&self, id: i64) -> Result<Option<String>, StoreError> {
        self.plan_text(id, "geojson").await
    }

    /// Stores plan `id`'s `plan.geojson` (routed after the draft was stored);
    /// a no-op when a plan with the same content stored it first.
    pub async fn set_plan_geojson(&self, id: i64, text: &str) -> Result<(), StoreError> {
        plan_content::set_geojson(self.writer(), id, text).await?;
        Ok(())
    }

    async fn plan_text(&self, id: i64, column: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {} WHERE p.id = $1",
            plan_content::select(&[column])
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        Ok(match row {
            Some(r) => Some(r.try_get(column)?),
            None => None,
        })
    }

    /// Every plan of incident `incident_id`, oldest first.
    pub async fn plans_of(&self, incident_id: i64) -> Result<Vec<PlanRecord>, StoreError> {
        let ids = sqlx::query("SELECT id FROM plans WHERE incident_id = $1 ORDER BY id")
            .bind(incident_id)
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::with_capacity(ids.len());
        for r in ids {
            let id: i64 = r.try_get("id")?;
            out.extend(self.plan(id).await?);
        }
        Ok(out)
    }
}

/// The state of plan `id`, read inside the transaction.
pub(super) async fn status_of(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
) -> Result<PlanStatus, PlanConflict> {
    let status: String = sqlx::query("SELECT status FROM plans WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(PlanConflict::Missing(id))?
        .try_get("status")?;
    Ok(PlanStatus::parse(&status)?)
}

/// Sets plan `id`'s state (its row locked by the caller).
pub(super) async fn set_status(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    status: PlanStatus,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE plans SET status = $1, changed_unix = $2 WHERE id = $3")
        .bind(status.as_str())
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
