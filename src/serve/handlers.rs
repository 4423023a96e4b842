//! Inventories and incidents.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::require;
use super::error::{ApiError, Body};
use super::AppState;
use crate::network::Disruption;
use crate::store::records::{NewIncident, Role};

/// `GET /v1/health`: 200 while the store answers.
pub async fn health(State(st): State<Arc<AppState>>) -> Result<Json<Value>, ApiError> {
    let v = st.store.ledger_version().await?;
    Ok(Json(
        json!({"status": "ok", "scenario": st.base.name, "ledger_version": v}),
    ))
}

/// `GET /v1/warehouses`: fleets and stock (on hand, reserved, available) per item.
pub async fn warehouses(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    Ok(Json(json!({"warehouses": st.store.warehouses().await?})))
}

/// `GET /v1/shelters`: shelters with headcounts and priority people.
pub async fn shelters(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    Ok(Json(json!({"shelters": st.store.shelters().await?})))
}

/// Body of `POST /v1/incidents`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentBody {
    /// Name.
    pub name: String,
    /// Event time as given (default: the scenario's).
    #[serde(default)]
    pub event_time: Option<String>,
    /// Affected shelter ids (default: every shelter).
    #[serde(default)]
    pub shelters: Vec<String>,
    /// Closed OSM way ids.
    #[serde(default)]
    pub closed_ways: Vec<i64>,
}

/// `POST /v1/incidents`: 201 with the incident; 422 naming the field when a
/// shelter id or way id is unknown.
pub async fn create_incident(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Body(body): Body<IncidentBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let caller = require(&st.store, &headers, Role::Officer).await?;
    if body.name.trim().is_empty() {
        return Err(ApiError::field("name", "name: must not be empty"));
    }
    let known = st.store.shelters().await?;
    for (k, id) in body.shelters.iter().enumerate() {
        if !known.iter().any(|s| &s.id == id) {
            return Err(ApiError::field(
                format!("shelters[{k}]"),
                format!("shelters[{k}]: no shelter `{id}`"),
            ));
        }
    }
    for (k, &way) in body.closed_ways.iter().enumerate() {
        let one = Disruption {
            closed_ways: vec![way],
            ..Disruption::default()
        };
        if let Err(e) = one.apply(&st.graph) {
            return Err(ApiError::field(
                format!("closed_ways[{k}]"),
                format!("closed_ways[{k}]: {e}"),
            ));
        }
    }
    let rec = st
        .store
        .create_incident(
            caller,
            &NewIncident {
                name: body.name,
                event_time: body
                    .event_time
                    .unwrap_or_else(|| st.base.event_time.clone()),
                shelters: body.shelters,
                closed_ways: body.closed_ways,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(json!(rec))))
}

/// `GET /v1/incidents/{id}`.
pub async fn incident(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    let rec = st
        .store
        .incident(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no incident {id}")))?;
    Ok(Json(json!(rec)))
}
