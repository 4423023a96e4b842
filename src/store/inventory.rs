//! Inventories in the store: warehouses with their fleets, stock on hand and held
//! by issued plans, shelters with their headcounts. Seeded once from a scenario.

use std::collections::BTreeMap;

use serde::Serialize;
use sqlx::Row;

use super::{Store, StoreError};
use crate::facility::{ItemIx, WarehouseIx};
use crate::scenario::Scenario;

/// A warehouse as stored, with its stock per item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WarehouseRecord {
    /// Warehouse id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Location `[lon, lat]`, WGS84 degrees.
    pub location: [f64; 2],
    /// Trucks.
    pub trucks: i64,
    /// Payload per truck, kg.
    pub payload_kg: f64,
    /// Cargo volume per truck, m³.
    pub volume_m3: f64,
    /// Loading time per truck, hours.
    pub loading_h: f64,
    /// Fleet version: bumped by every change to the fields above.
    pub version: i64,
    /// Per item: units on hand, reserved by issued trips, in transit, and
    /// available (on hand less reserved).
    pub stock: BTreeMap<String, StockLevel>,
}

/// One item's units at one warehouse.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StockLevel {
    /// Units on hand.
    pub on_hand: i64,
    /// Units reserved by issued trips that have not left (part of on hand).
    pub reserved: i64,
    /// Units on departed trips, not yet delivered (no longer on hand).
    pub in_transit: i64,
    /// Units free for a new plan.
    pub available: i64,
}

/// A shelter as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShelterRecord {
    /// Shelter id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// District.
    pub district: String,
    /// Location `[lon, lat]`, WGS84 degrees.
    pub location: [f64; 2],
    /// People sheltered, persons.
    pub headcount: i64,
    /// Priority people (elderly, children, pregnant, disabled, injured), persons.
    pub priority: [i64; 5],
    /// Open (a closed shelter is planned for no more).
    pub open: bool,
    /// Inventory version: bumped by every change to its counts or opening.
    pub version: i64,
}

impl Store {
    /// Puts `scenario`'s warehouses, stock and shelters in an empty store (once:
    /// a store already seeded is left as it is). Returns true when it seeded.
    pub async fn seed(&self, scenario: &Scenario) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query("UPDATE meta SET value = 1 WHERE key = 'seeded' AND value = 0")
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        for (w, wh) in scenario.warehouses.iter().enumerate() {
            let f = &wh.fleet;
            sqlx::query(
                "INSERT INTO warehouses (id, position, name, lon, lat, trucks, payload_kg, volume_m3, loading_h) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&wh.id)
            .bind(w as i64)
            .bind(&wh.name)
            .bind(wh.lon)
            .bind(wh.lat)
            .bind(i64::from(f.trucks))
            .bind(f.payload_kg)
            .bind(f.volume_m3)
            .bind(f.loading_h)
            .execute(&mut *tx)
            .await?;
            for (i, item) in scenario.catalogue.items.iter().enumerate() {
                let q = scenario.stock.get(WarehouseIx(w), ItemIx(i)).floor() as i64;
                sqlx::query("INSERT INTO stock (warehouse_id, item, on_hand) VALUES ($1, $2, $3)")
                    .bind(&wh.id)
                    .bind(&item.item)
                    .bind(q)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for (s, sh) in scenario.shelters.iter().enumerate() {
            let p = &sh.priority;
            sqlx::query(
                "INSERT INTO shelters (id, position, name, district, lon, lat, headcount, elderly, children, pregnant, disabled, injured) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(&sh.id)
            .bind(s as i64)
            .bind(&sh.name)
            .bind(&sh.district)
            .bind(sh.lon)
            .bind(sh.lat)
            .bind(i64::from(sh.headcount))
            .bind(i64::from(p.elderly))
            .bind(i64::from(p.children))
            .bind(i64::from(p.pregnant))
            .bind(i64::from(p.disabled))
            .bind(i64::from(p.injured))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Every warehouse, in the scenario's order, with its stock levels.
    pub async fn warehouses(&self) -> Result<Vec<WarehouseRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, lon, lat, trucks, payload_kg, volume_m3, loading_h, version FROM warehouses ORDER BY position",
        )
        .fetch_all(self.pool())
        .await?;
        let levels = self.stock_levels().await?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get("id")?;
                Ok(WarehouseRecord {
                    stock: levels.get(&id).cloned().unwrap_or_default(),
                    name: r.try_get("name")?,
                    location: [r.try_get("lon")?, r.try_get("lat")?],
                    trucks: r.try_get("trucks")?,
                    payload_kg: r.try_get("payload_kg")?,
                    volume_m3: r.try_get("volume_m3")?,
                    loading_h: r.try_get("loading_h")?,
                    version: r.try_get("version")?,
                    id,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Stock levels per warehouse id and item.
    pub async fn stock_levels(
        &self,
    ) -> Result<BTreeMap<String, BTreeMap<String, StockLevel>>, StoreError> {
        levels(self.pool()).await
    }

    /// Every shelter, in the scenario's order.
    pub async fn shelters(&self) -> Result<Vec<ShelterRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, district, lon, lat, headcount, elderly, children, pregnant, disabled, injured, open, version \
             FROM shelters ORDER BY position",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ShelterRecord {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    district: r.try_get("district")?,
                    location: [r.try_get("lon")?, r.try_get("lat")?],
                    headcount: r.try_get("headcount")?,
                    priority: [
                        r.try_get("elderly")?,
                        r.try_get("children")?,
                        r.try_get("pregnant")?,
                        r.try_get("disabled")?,
                        r.try_get("injured")?,
                    ],
                    open: r.try_get::<i64, _>("open")? != 0,
                    version: r.try_get("version")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}

/// Stock levels per warehouse id and item, read through `exec` (the pool, or a
/// transaction that must see its own bookings).
pub(super) async fn levels<'e, E>(
    exec: E,
) -> Result<BTreeMap<String, BTreeMap<String, StockLevel>>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT s.warehouse_id AS w, s.item AS i, s.on_hand AS on_hand, \
             CAST(COALESCE(h.reserved, 0) AS BIGINT) AS reserved, \
             CAST(COALESCE(h.in_transit, 0) AS BIGINT) AS in_transit \
         FROM stock s LEFT JOIN holds h ON h.warehouse_id = s.warehouse_id AND h.item = s.item",
    )
    .fetch_all(exec)
    .await?;
    let mut out: BTreeMap<String, BTreeMap<String, StockLevel>> = BTreeMap::new();
    for r in rows {
        let (on_hand, reserved): (i64, i64) = (r.try_get("on_hand")?, r.try_get("reserved")?);
        let in_transit: i64 = r.try_get("in_transit")?;
        out.entry(r.try_get("w")?).or_default().insert(
            r.try_get("i")?,
            StockLevel {
                on_hand,
                reserved,
                in_transit,
                available: on_hand - reserved,
            },
        );
    }
    Ok(out)
}
