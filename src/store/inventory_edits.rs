//! Changes to inventories: stocktake corrections and shelter headcounts, each
//! recorded in `inventory_events` with when and who.

use sqlx::Row;

use super::actions::record_action;
use super::records::Caller;
use super::{now_unix, Store, StoreError};

/// What an inventory change found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Done; the value before.
    Done(i64),
    /// No such warehouse and item, or shelter.
    Missing,
}

/// What a stocktake found and left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stocktaken {
    /// Units on hand before.
    pub before: i64,
    /// Units issued plans hold there (reserved, not yet left): above the new
    /// units on hand, what is available is negative and those plans cannot all
    /// load; the service says so.
    pub reserved: i64,
}

/// The shelter fields that may be changed, as stored (`open`: 1 or 0).
pub const SHELTER_FIELDS: [&str; 7] = [
    "open",
    "headcount",
    "elderly",
    "children",
    "pregnant",
    "disabled",
    "injured",
];

impl Store {
    /// Sets the units on hand of `item` at `warehouse_id` after a stocktake; what is
    /// available changes, so drafts made before are refused at issue. `None`:
    /// no such item at the warehouse. A count below what issued plans reserve
    /// is recorded (the count is the truth) and the reservation returned.
    pub async fn stocktake(
        &self,
        by: Caller,
        warehouse_id: &str,
        item: &str,
        on_hand: i64,
        note: &str,
    ) -> Result<Option<Stocktaken>, StoreError> {
        super::tx::retrying(|| self.stocktake_once(by, warehouse_id, item, on_hand, note)).await
    }

    async fn stocktake_once(
        &self,
        by: Caller,
        warehouse_id: &str,
        item: &str,
        on_hand: i64,
        note: &str,
    ) -> Result<Option<Stocktaken>, StoreError> {
        let mut tx = self.begin_write().await?;
        super::tx::lock_warehouses(&mut tx, [warehouse_id]).await?;
        let row = sqlx::query("SELECT on_hand FROM stock WHERE warehouse_id = $1 AND item = $2")
            .bind(warehouse_id)
            .bind(item)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let old: i64 = row.try_get("on_hand")?;
        let reserved: i64 =
            sqlx::query("SELECT reserved FROM holds WHERE warehouse_id = $1 AND item = $2")
                .bind(warehouse_id)
                .bind(item)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| r.try_get("reserved"))
                .transpose()?
                .unwrap_or(0);
        sqlx::query("UPDATE stock SET on_hand = $1 WHERE warehouse_id = $2 AND item = $3")
            .bind(on_hand)
            .bind(warehouse_id)
            .bind(item)
            .execute(&mut *tx)
            .await?;
        let target = format!("stock/{warehouse_id}/{item}");
        let event = Event {
            target,
            field: "on_hand",
            values: (old, on_hand),
            reals: None,
        };
        record(&mut tx, by, &[event], note).await?;
        let detail = serde_json::json!({"warehouse": warehouse_id, "item": item, "from": old, "to": on_hand});
        record_action(
            &mut tx,
            by.token_id,
            "stocktake",
            0,
            0,
            0,
            &detail,
            now_unix(),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(Stocktaken {
            before: old,
            reserved,
        }))
    }

    /// Sets count `field` (one of [`SHELTER_FIELDS`]) of shelter `id`.
    pub async fn set_shelter_count(
        &self,
        by: Caller,
        id: &str,
        field: &str,
        value: i64,
        note: &str,
    ) -> Result<Edit, StoreError> {
        self.set_shelter_counts(by, &[(id.to_string(), field, value)], note)
            .await
    }

    /// Sets every `(shelter id, field, value)` of `changes` in one transaction
    /// (all or none); `Missing` when a shelter is unknown, and then nothing
    /// changes. Each change is recorded in `inventory_events`. The counts
    /// each shelter ends with are checked in the same transaction
    /// ([`crate::io::validate::check_shelter_counts`]), so two changes that
    /// each passed a caller's check cannot together leave more priority people
    /// than the headcount: [`StoreError::Invalid`], nothing written.
    pub async fn set_shelter_counts(
        &self,
        by: Caller,
        changes: &[(String, &str, i64)],
        note: &str,
    ) -> Result<Edit, StoreError> {
        super::tx::retrying(|| self.set_shelter_counts_once(by, changes, note)).await
    }

    async fn set_shelter_counts_once(
        &self,
        by: Caller,
        changes: &[(String, &str, i64)],
        note: &str,
    ) -> Result<Edit, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut first_old = 0;
        let mut events = Vec::new();
        for (k, (id, field, value)) in changes.iter().enumerate() {
            let Some(field) = SHELTER_FIELDS.iter().find(|f| *f == field) else {
                return Err(StoreError::Corrupt(format!("shelter field `{field}`")));
            };
            let row = sqlx::query(&format!("SELECT {field} AS v FROM shelters WHERE id = $1"))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(row) = row else {
                return Ok(Edit::Missing);
            };
            let old: i64 = row.try_get("v")?;
            if k == 0 {
                first_old = old;
            }
            sqlx::query(&format!(
                "UPDATE shelters SET {field} = $1, version = version + 1 WHERE id = $2"
            ))
            .bind(*value)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            events.push(Event {
                target: format!("shelter/{id}"),
                field,
                values: (old, *value),
                reals: None,
            });
        }
        // The counts as they are now, in this transaction: a change made
        // between a caller's check and this write is counted.
        let touched: std::collections::BTreeSet<&String> = changes.iter().map(|c| &c.0).collect();
        for id in touched {
            let r = sqlx::query(
                "SELECT headcount, elderly, children, pregnant, disabled, injured FROM shelters WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            let n = |f: &str| r.try_get::<i64, _>(f);
            let priority = [
                n("elderly")?,
                n("children")?,
                n("pregnant")?,
                n("disabled")?,
                n("injured")?,
            ];
            crate::io::validate::check_shelter_counts(n("headcount")?, priority).map_err(|e| {
                crate::io::validate::InvalidField::new(
                    e.field,
                    format!("shelter {id}: {}", e.message),
                )
            })?;
        }
        record(&mut tx, by, &events, note).await?;
        let detail = serde_json::json!({"changes": changes.iter().map(|(id, f, v)| serde_json::json!([id, f, v])).collect::<Vec<_>>()});
        record_action(
            &mut tx,
            by.token_id,
            "shelters_changed",
            0,
            0,
            0,
            &detail,
            now_unix(),
        )
        .await?;
        tx.commit().await?;
        Ok(Edit::Done(first_old))
    }
}

/// The fleet fields of a warehouse that may be changed, as stored.
pub const FLEET_FIELDS: [&str; 4] = ["trucks", "payload_kg", "volume_m3", "loading_h"];

impl Store {
    /// Sets the fleet fields `changes` (each one of [`FLEET_FIELDS`], with its
    /// value) of warehouse `id` in one transaction, each recorded; what is
    /// available changes, so drafts made before are refused at issue. `Missing`
    /// (and nothing changed) for an unknown warehouse.
    pub async fn set_fleet(
        &self,
        by: Caller,
        id: &str,
        changes: &[(&str, f64)],
        note: &str,
    ) -> Result<Edit, StoreError> {
        super::tx::retrying(|| self.set_fleet_once(by, id, changes, note)).await
    }

    async fn set_fleet_once(
        &self,
        by: Caller,
        id: &str,
        changes: &[(&str, f64)],
        note: &str,
    ) -> Result<Edit, StoreError> {
        let mut tx = self.begin_write().await?;
        super::tx::lock_warehouses(&mut tx, [id]).await?;
        let mut first_old = 0;
        let mut events = Vec::new();
        for (k, &(field, value)) in changes.iter().enumerate() {
            let Some(field) = FLEET_FIELDS.iter().find(|f| **f == field) else {
                return Err(StoreError::Corrupt(format!("fleet field `{field}`")));
            };
            let row = sqlx::query(&format!(
                "SELECT CAST({field} AS DOUBLE PRECISION) AS v FROM warehouses WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else {
                return Ok(Edit::Missing);
            };
            let old: f64 = row.try_get("v")?;
            if k == 0 {
                first_old = old.round() as i64;
            }
            let sql =
                format!("UPDATE warehouses SET {field} = $1, version = version + 1 WHERE id = $2");
            let q = sqlx::query(&sql);
            let q = if *field == "trucks" {
                q.bind(value.round() as i64)
            } else {
                q.bind(value)
            };
            q.bind(id).execute(&mut *tx).await?;
            events.push(Event {
                target: format!("warehouse/{id}"),
                field,
                values: (old.round() as i64, value.round() as i64),
                reals: Some((old, value)),
            });
        }
        record(&mut tx, by, &events, note).await?;
        let detail = serde_json::json!({"warehouse": id, "changes": changes.iter().map(|(f, v)| serde_json::json!([f, v])).collect::<Vec<_>>()});
        record_action(
            &mut tx,
            by.token_id,
            "fleet_changed",
            0,
            0,
            0,
            &detail,
            now_unix(),
        )
        .await?;
        tx.commit().await?;
        Ok(Edit::Done(first_old))
    }
}

/// One inventory change: `values` old and new (whole), and for a real-valued
/// field its exact old and new value (`reals`).
struct Event {
    target: String,
    field: &'static str,
    values: (i64, i64),
    reals: Option<(f64, f64)>,
}

/// Appends `events`, their ids taken last (see [`super::tx`]).
async fn record(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    by: Caller,
    events: &[Event],
    note: &str,
) -> Result<(), StoreError> {
    let first = super::tx::ids(tx, events.len()).await?;
    for (k, e) in events.iter().enumerate() {
        let (old_real, new_real) = e.reals.unwrap_or((0.0, 0.0));
        sqlx::query(
            "INSERT INTO inventory_events (id, at_unix, token_id, target, field, old_value, new_value, note, old_real, new_real) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(first + k as i64)
        .bind(now_unix())
        .bind(by.token_id)
        .bind(&e.target)
        .bind(e.field)
        .bind(e.values.0)
        .bind(e.values.1)
        .bind(note)
        .bind(old_real)
        .bind(new_real)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
