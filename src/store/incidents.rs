//! Incidents in the store: created with their shelters and disruption, and
//! changed later (closures reported minute by minute), each change recorded in
//! `incident_events` with when and who.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::actions::record_action;
use super::records::Caller;
use super::{next_id, now_unix, Store, StoreError};

/// A closure given as a point on the map, with the road it closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointClosure {
    /// Where it was reported, `[lon, lat]`.
    pub at: [f64; 2],
    /// The OSM way of the nearest road, closed.
    pub way_id: i64,
    /// Distance from the point to that road, metres.
    pub distance_m: f64,
}

/// An area where traffic is slowed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlowAreaRecord {
    /// A GeoJSON Polygon or MultiPolygon, `[lon, lat]`.
    pub geometry: serde_json::Value,
    /// Speed multiplier in (0, 1] or above: travel time is divided by it.
    pub factor: f64,
    /// Name shown in reports.
    pub label: String,
}

/// What an incident does to roads and warehouses besides closing ways by id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IncidentDisruption {
    /// Areas inside which every road is closed: GeoJSON Polygon or MultiPolygon.
    pub closed_areas: Vec<serde_json::Value>,
    /// Closures given as map points (each closes its nearest road's way).
    pub closed_points: Vec<PointClosure>,
    /// Slowed areas.
    pub slow_areas: Vec<SlowAreaRecord>,
    /// Warehouses lost (destroyed, cut off): they send nothing.
    pub lost_warehouses: Vec<String>,
}

impl IncidentDisruption {
    /// Appends everything in `more`.
    pub fn extend(&mut self, more: IncidentDisruption) {
        self.closed_areas.extend(more.closed_areas);
        self.closed_points.extend(more.closed_points);
        self.slow_areas.extend(more.slow_areas);
        for w in more.lost_warehouses {
            if !self.lost_warehouses.contains(&w) {
                self.lost_warehouses.push(w);
            }
        }
    }
}

/// An incident as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentRecord {
    /// Incident id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Event time as given (display; plans count hours from the event).
    pub event_time: String,
    /// Affected shelter ids (empty: every shelter).
    pub shelters: Vec<String>,
    /// OSM way ids closed for this incident (besides the scenario's own).
    pub closed_ways: Vec<i64>,
    /// Closed and slow areas, point closures, lost warehouses.
    pub disruption: IncidentDisruption,
    /// Created, seconds since 1970 UTC.
    pub created_unix: i64,
    /// The event, seconds since 1970 UTC: hour 0 of its plans, the clock on
    /// which trucks are booked across incidents.
    pub event_unix: i64,
    /// Its issued plan, if any: the one live plan (what the trucks do).
    pub live_plan: Option<i64>,
    /// Bumped by every change to its disruption.
    pub version: i64,
}

/// What an incident is created with.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIncident {
    /// Name.
    pub name: String,
    /// Event time as given.
    pub event_time: String,
    /// Affected shelter ids (empty: every shelter).
    pub shelters: Vec<String>,
    /// Closed OSM way ids.
    pub closed_ways: Vec<i64>,
    /// The rest of the disruption.
    pub disruption: IncidentDisruption,
    /// The event, seconds since 1970 UTC (`None`: now).
    pub event_unix: Option<i64>,
}

fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("incident fields serialise")
}

impl Store {
    /// Stores a new incident.
    pub async fn create_incident(
        &self,
        by: Caller,
        new: &NewIncident,
    ) -> Result<IncidentRecord, StoreError> {
        super::tx::retrying(|| self.create_incident_once(by, new)).await
    }

    async fn create_incident_once(
        &self,
        by: Caller,
        new: &NewIncident,
    ) -> Result<IncidentRecord, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = next_id(&mut tx).await?;
        let created_unix = now_unix();
        let event_unix = new.event_unix.unwrap_or(created_unix);
        sqlx::query(
            "INSERT INTO incidents (id, name, event_time, shelters, closed_ways, disruption, created_by, created_unix, event_unix) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(&new.name)
        .bind(&new.event_time)
        .bind(to_json(&new.shelters))
        .bind(to_json(&new.closed_ways))
        .bind(to_json(&new.disruption))
        .bind(by.token_id)
        .bind(created_unix)
        .bind(event_unix)
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({"name": new.name, "event_unix": event_unix});
        record_action(
            &mut tx,
            by.token_id,
            "incident_created",
            id,
            0,
            0,
            &detail,
            created_unix,
        )
        .await?;
        tx.commit().await?;
        Ok(IncidentRecord {
            live_plan: None,
            version: 0,
            event_unix,
            id,
            name: new.name.clone(),
            event_time: new.event_time.clone(),
            shelters: new.shelters.clone(),
            closed_ways: new.closed_ways.clone(),
            disruption: new.disruption.clone(),
            created_unix,
        })
    }

    /// The incident `id`, if any.
    pub async fn incident(&self, id: i64) -> Result<Option<IncidentRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, event_time, shelters, closed_ways, disruption, created_unix, event_unix, live_plan, version \
             FROM incidents WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let text = |col: &str| -> Result<String, StoreError> { Ok(r.try_get::<String, _>(col)?) };
        let corrupt = |col: &str, e: serde_json::Error| {
            StoreError::Corrupt(format!("incident {id} {col}: {e}"))
        };
        Ok(Some(IncidentRecord {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            event_time: r.try_get("event_time")?,
            shelters: serde_json::from_str(&text("shelters")?)
                .map_err(|e| corrupt("shelters", e))?,
            closed_ways: serde_json::from_str(&text("closed_ways")?)
                .map_err(|e| corrupt("closed_ways", e))?,
            disruption: serde_json::from_str(&text("disruption")?)
                .map_err(|e| corrupt("disruption", e))?,
            created_unix: r.try_get("created_unix")?,
            event_unix: r.try_get("event_unix")?,
            live_plan: Some(r.try_get::<i64, _>("live_plan")?).filter(|&p| p != 0),
            version: r.try_get("version")?,
        }))
    }

    /// Every incident, newest first: `(id, name, event time as given, event
    /// seconds since 1970 UTC)`.
    pub async fn incident_list(&self) -> Result<Vec<(i64, String, String, i64)>, StoreError> {
        let rows =
            sqlx::query("SELECT id, name, event_time, event_unix FROM incidents ORDER BY id DESC")
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    r.try_get("name")?,
                    r.try_get("event_time")?,
                    r.try_get("event_unix")?,
                ))
            })
            .collect()
    }

    /// Adds closures, slow areas or lost warehouses to incident `id` in one
    /// transaction, recording the change (`change`: the request as JSON) in
    /// `incident_events`. `None` when there is no such incident.
    pub async fn extend_incident(
        &self,
        by: Caller,
        id: i64,
        closed_ways: &[i64],
        more: IncidentDisruption,
        change: &serde_json::Value,
    ) -> Result<Option<IncidentRecord>, StoreError> {
        let found =
            super::tx::retrying(|| self.extend_once(by, id, closed_ways, &more, change)).await?;
        if !found {
            return Ok(None);
        }
        self.incident(id).await
    }

    async fn extend_once(
        &self,
        by: Caller,
        id: i64,
        closed_ways: &[i64],
        more: &IncidentDisruption,
        change: &serde_json::Value,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        if super::tx::lock_incident(&mut tx, id).await?.is_none() {
            return Ok(false);
        }
        let row = sqlx::query("SELECT closed_ways, disruption FROM incidents WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(r) = row else { return Ok(false) };
        let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("incident {id}: {e}"));
        let mut ways: Vec<i64> =
            serde_json::from_str(&r.try_get::<String, _>("closed_ways")?).map_err(corrupt)?;
        let mut dis: IncidentDisruption =
            serde_json::from_str(&r.try_get::<String, _>("disruption")?).map_err(corrupt)?;
        for &w in closed_ways {
            if !ways.contains(&w) {
                ways.push(w);
            }
        }
        dis.extend(more.clone());
        sqlx::query(
            "UPDATE incidents SET closed_ways = $1, disruption = $2, version = version + 1 WHERE id = $3",
        )
            .bind(to_json(&ways))
            .bind(to_json(&dis))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let event = next_id(&mut tx).await?;
        let now = now_unix();
        sqlx::query(
            "INSERT INTO incident_events (id, at_unix, token_id, incident_id, change) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(event)
        .bind(now)
        .bind(by.token_id)
        .bind(id)
        .bind(change.to_string())
        .execute(&mut *tx)
        .await?;
        record_action(
            &mut tx,
            by.token_id,
            "incident_changed",
            id,
            0,
            0,
            change,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
