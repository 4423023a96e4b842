//! Tokens, incidents and plans in the store, and the one place where stock is
//! reserved and released: issuing and releasing a plan.

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{meta, next_id, now_unix, Store, StoreError};

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads everything, changes nothing.
    Viewer,
    /// Creates incidents, drafts, issues and releases plans.
    Officer,
    /// Everything an officer does, and inventory corrections.
    Admin,
}

impl Role {
    /// The role's name as stored and as given on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Officer => "officer",
            Role::Admin => "admin",
        }
    }

    /// The role named `s`.
    pub fn parse(s: &str) -> Option<Role> {
        [Role::Viewer, Role::Officer, Role::Admin]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// Who made a request: the token's id and role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// Token id (recorded with every change).
    pub token_id: i64,
    /// Its role.
    pub role: Role,
}

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
}

impl PlanStatus {
    fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Issued => "issued",
            PlanStatus::Released => "released",
        }
    }

    fn parse(s: &str) -> Result<PlanStatus, StoreError> {
        match s {
            "draft" => Ok(PlanStatus::Draft),
            "issued" => Ok(PlanStatus::Issued),
            "released" => Ok(PlanStatus::Released),
            other => Err(StoreError::Corrupt(format!("plan status `{other}`"))),
        }
    }
}

/// Units of one item a plan takes from one warehouse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Need {
    /// Warehouse id.
    pub warehouse_id: String,
    /// Item name.
    pub item: String,
    /// Units.
    pub units: i64,
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
    /// The ledger version the draft was computed against.
    pub ledger_version: i64,
    /// Stock the plan takes.
    pub needs: Vec<Need>,
    /// The plan (`plan.json`'s content).
    pub document: serde_json::Value,
}

/// Why a plan could not be issued or released.
#[derive(Debug, thiserror::Error)]
pub enum PlanConflict {
    /// Availability changed since the draft.
    #[error("stock available changed since this draft (drafted at ledger version {drafted}, now {now}): re-plan")]
    Stale {
        /// Version the draft saw.
        drafted: i64,
        /// Version now.
        now: i64,
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
    /// Not enough stock left (never expected after the version check).
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
    /// No such plan.
    #[error("no plan {0}")]
    Missing(i64),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for PlanConflict {
    fn from(e: sqlx::Error) -> Self {
        PlanConflict::Store(StoreError::Database(e))
    }
}

/// SHA-256 hex of a token.
fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Store {
    /// Stores a new token of `role` and returns it (the only time it is seen: the
    /// store keeps its hash).
    pub async fn create_token(&self, role: Role, label: &str) -> Result<String, StoreError> {
        use rand::RngCore;
        let mut bytes = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let token = format!("rf_{hex}");
        let mut tx = self.pool().begin().await?;
        let id = next_id(&mut tx).await?;
        sqlx::query(
            "INSERT INTO tokens (id, hash, role, label, created_unix) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(token_hash(&token))
        .bind(role.as_str())
        .bind(label)
        .bind(now_unix())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The caller a token stands for, if it is known.
    pub async fn caller(&self, token: &str) -> Result<Option<Caller>, StoreError> {
        let row = sqlx::query("SELECT id, role FROM tokens WHERE hash = $1")
            .bind(token_hash(token))
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let role: String = row.try_get("role")?;
        Ok(Some(Caller {
            token_id: row.try_get("id")?,
            role: Role::parse(&role)
                .ok_or_else(|| StoreError::Corrupt(format!("token role `{role}`")))?,
        }))
    }

    /// Stores a draft plan computed against `ledger_version`, with its document
    /// and its `trips.csv`.
    pub async fn create_draft(
        &self,
        by: Caller,
        incident_id: i64,
        ledger_version: i64,
        needs: &[Need],
        (document, trips_csv): (&serde_json::Value, &str),
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool().begin().await?;
        let id = next_id(&mut tx).await?;
        let now = now_unix();
        sqlx::query(
            "INSERT INTO plans (id, incident_id, status, ledger_version, needs, document, trips_csv, created_by, created_unix, changed_unix) \
             VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(id)
        .bind(incident_id)
        .bind(ledger_version)
        .bind(serde_json::to_string(needs).expect("needs serialise"))
        .bind(document.to_string())
        .bind(trips_csv)
        .bind(by.token_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The plan `id`, if any.
    pub async fn plan(&self, id: i64) -> Result<Option<PlanRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, incident_id, status, ledger_version, needs, document FROM plans WHERE id = $1",
        )
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
            ledger_version: r.try_get("ledger_version")?,
            needs: serde_json::from_str(&text("needs")?).map_err(|e| corrupt("needs", e))?,
            document: serde_json::from_str(&text("document")?)
                .map_err(|e| corrupt("document", e))?,
        }))
    }

    /// Plan `id`'s `trips.csv`, if the plan exists.
    pub async fn plan_trips_csv(&self, id: i64) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT trips_csv FROM plans WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(r) => Some(r.try_get("trips_csv")?),
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

    /// Issues draft `id`: in one transaction, refuses when the ledger moved since
    /// the draft, reserves the plan's stock and records each reservation.
    pub async fn issue(&self, by: Caller, id: i64) -> Result<(), PlanConflict> {
        let plan = self.plan(id).await?.ok_or(PlanConflict::Missing(id))?;
        let mut tx = self.pool().begin().await?;
        // First statement writes: the row (PostgreSQL) or the database (SQLite) is
        // ours until commit, and a draft made before another issue is refused.
        let moved = sqlx::query(
            "UPDATE meta SET value = value + 1 WHERE key = 'ledger_version' AND value = $1",
        )
        .bind(plan.ledger_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            let now = meta(&mut *tx, "ledger_version").await?;
            return Err(PlanConflict::Stale {
                drafted: plan.ledger_version,
                now,
            });
        }
        expect_status(&mut tx, id, PlanStatus::Draft).await?;
        let now = now_unix();
        for n in &plan.needs {
            let row = sqlx::query(
                "SELECT CAST(s.on_hand - COALESCE((SELECT SUM(r.units) FROM reservations r WHERE r.warehouse_id = s.warehouse_id \
                 AND r.item = s.item AND r.state = 'reserved'), 0) AS BIGINT) AS free FROM stock s WHERE s.warehouse_id = $1 AND s.item = $2",
            )
            .bind(&n.warehouse_id)
            .bind(&n.item)
            .fetch_optional(&mut *tx)
            .await?;
            let available: i64 = match row {
                Some(r) => r.try_get("free")?,
                None => 0,
            };
            if available < n.units {
                return Err(PlanConflict::Short {
                    warehouse_id: n.warehouse_id.clone(),
                    item: n.item.clone(),
                    available,
                    units: n.units,
                });
            }
            sqlx::query(
                "INSERT INTO reservations (plan_id, warehouse_id, item, units, state) VALUES ($1, $2, $3, $4, 'reserved')",
            )
            .bind(id)
            .bind(&n.warehouse_id)
            .bind(&n.item)
            .bind(n.units)
            .execute(&mut *tx)
            .await?;
            record(&mut tx, by, id, n, "available", "reserved", now).await?;
        }
        set_status(&mut tx, id, PlanStatus::Issued, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Releases issued plan `id`: its reservations return to what is available.
    pub async fn release(&self, by: Caller, id: i64) -> Result<(), PlanConflict> {
        let plan = self.plan(id).await?.ok_or(PlanConflict::Missing(id))?;
        let mut tx = self.pool().begin().await?;
        sqlx::query("UPDATE meta SET value = value + 1 WHERE key = 'ledger_version'")
            .execute(&mut *tx)
            .await?;
        expect_status(&mut tx, id, PlanStatus::Issued).await?;
        let now = now_unix();
        sqlx::query(
            "UPDATE reservations SET state = 'released' WHERE plan_id = $1 AND state = 'reserved'",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        for n in &plan.needs {
            record(&mut tx, by, id, n, "reserved", "released", now).await?;
        }
        set_status(&mut tx, id, PlanStatus::Released, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// `Err` unless plan `id` is in state `wanted` (read inside the transaction).
async fn expect_status(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    wanted: PlanStatus,
) -> Result<(), PlanConflict> {
    let status: String = sqlx::query("SELECT status FROM plans WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("status")?;
    let status = PlanStatus::parse(&status)?;
    if status == wanted {
        Ok(())
    } else {
        Err(PlanConflict::State {
            id,
            status,
            wanted: wanted.as_str(),
        })
    }
}

async fn set_status(
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

/// Appends one ledger event.
async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    by: Caller,
    plan_id: i64,
    n: &Need,
    from: &str,
    to: &str,
    now: i64,
) -> Result<(), StoreError> {
    let id = next_id(tx).await?;
    sqlx::query(
        "INSERT INTO ledger_events (id, at_unix, token_id, plan_id, warehouse_id, item, units, from_state, to_state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(now)
    .bind(by.token_id)
    .bind(plan_id)
    .bind(&n.warehouse_id)
    .bind(&n.item)
    .bind(n.units)
    .bind(from)
    .bind(to)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
