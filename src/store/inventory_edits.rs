//! Changes to inventories: stocktake corrections and shelter headcounts, each
//! recorded in `inventory_events` with when and who.

use sqlx::Row;

use super::records::Caller;
use super::{next_id, now_unix, Store, StoreError};

/// What an inventory change found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Done; the value before.
    Done(i64),
    /// No such warehouse and item, or shelter.
    Missing,
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
    /// available changes, so drafts made before are refused at issue.
    pub async fn stocktake(
        &self,
        by: Caller,
        warehouse_id: &str,
        item: &str,
        on_hand: i64,
        note: &str,
    ) -> Result<Edit, StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE meta SET value = value + 1 WHERE key = 'ledger_version'")
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query("SELECT on_hand FROM stock WHERE warehouse_id = $1 AND item = $2")
            .bind(warehouse_id)
            .bind(item)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Ok(Edit::Missing);
        };
        let old: i64 = row.try_get("on_hand")?;
        sqlx::query("UPDATE stock SET on_hand = $1 WHERE warehouse_id = $2 AND item = $3")
            .bind(on_hand)
            .bind(warehouse_id)
            .bind(item)
            .execute(&mut *tx)
            .await?;
        let target = format!("stock/{warehouse_id}/{item}");
        record(
            &mut tx,
            by,
            (&target, "on_hand"),
            (old, on_hand),
            None,
            note,
        )
        .await?;
        tx.commit().await?;
        Ok(Edit::Done(old))
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
    /// changes. Each change is recorded in `inventory_events`.
    pub async fn set_shelter_counts(
        &self,
        by: Caller,
        changes: &[(String, &str, i64)],
        note: &str,
    ) -> Result<Edit, StoreError> {
        let mut tx = self.begin_write().await?;
        // Writes first (see the module doc of the store): the id counter.
        next_id(&mut tx).await?;
        let mut first_old = 0;
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
            sqlx::query(&format!("UPDATE shelters SET {field} = $1 WHERE id = $2"))
                .bind(*value)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let target = format!("shelter/{id}");
            record(&mut tx, by, (&target, field), (old, *value), None, note).await?;
        }
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
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE meta SET value = value + 1 WHERE key = 'ledger_version'")
            .execute(&mut *tx)
            .await?;
        let mut first_old = 0;
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
            let sql = format!("UPDATE warehouses SET {field} = $1 WHERE id = $2");
            let q = sqlx::query(&sql);
            let q = if *field == "trucks" {
                q.bind(value.round() as i64)
            } else {
                q.bind(value)
            };
            q.bind(id).execute(&mut *tx).await?;
            let target = format!("warehouse/{id}");
            let whole = (old.round() as i64, value.round() as i64);
            record(
                &mut tx,
                by,
                (&target, field),
                whole,
                Some((old, value)),
                note,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Edit::Done(first_old))
    }
}

/// Appends one inventory event: `values` old and new (whole), and for a
/// real-valued field its exact old and new value (`reals`).
async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    by: Caller,
    (target, field): (&str, &str),
    (old, new): (i64, i64),
    reals: Option<(f64, f64)>,
    note: &str,
) -> Result<(), StoreError> {
    let id = next_id(tx).await?;
    let (old_real, new_real) = reals.unwrap_or((0.0, 0.0));
    sqlx::query(
        "INSERT INTO inventory_events (id, at_unix, token_id, target, field, old_value, new_value, note, old_real, new_real) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(now_unix())
    .bind(by.token_id)
    .bind(target)
    .bind(field)
    .bind(old)
    .bind(new)
    .bind(note)
    .bind(old_real)
    .bind(new_real)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
