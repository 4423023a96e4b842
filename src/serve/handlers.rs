//! Health and inventories.

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Value};

use super::auth::require;
use super::error::ApiError;
use super::AppState;
use crate::store::records::Role;

/// `GET /v1/health`: 200 while the store answers.
#[utoipa::path(get, path = "/v1/health", tag = "service", security(()), responses((status = 200, description = "the service and its store answer"), (status = 503, description = "the store does not answer")))]
pub async fn health(State(st): State<Arc<AppState>>) -> Result<Json<Value>, ApiError> {
    let v = st.store.last_action_id().await?;
    Ok(Json(
        json!({"status": "ok", "scenario": st.base.name, "last_action": v, "timezone": st.clock.name(),
            "warm_start_ready": st.prepared.warm_ready()}),
    ))
}

/// `GET /v1/warehouses`: fleets and stock (on hand, reserved, available) per item.
#[utoipa::path(get, path = "/v1/warehouses", tag = "inventory", responses((status = 200, description = "`{warehouses: [{id, name, location: [lon, lat], trucks, payload_kg, volume_m3, loading_h, stock: {item: {on_hand, reserved, in_transit, available}}}]}`")))]
pub async fn warehouses(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    Ok(Json(json!({"warehouses": st.store.warehouses().await?})))
}

/// `GET /v1/shelters`: shelters with headcounts and priority people.
#[utoipa::path(get, path = "/v1/shelters", tag = "inventory", responses((status = 200, description = "`{shelters: [{id, name, district, location: [lon, lat], headcount, priority: [elderly, children, pregnant, disabled, injured], open}]}`")))]
pub async fn shelters(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    Ok(Json(json!({"shelters": st.store.shelters().await?})))
}
