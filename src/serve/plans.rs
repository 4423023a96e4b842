//! Plans: drafted against what is available, issued (stock reserved in one
//! transaction, 409 when availability moved since the draft), released.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Value};

use super::auth::require;
use super::draft::{self, DraftInput};
use super::error::ApiError;
use super::AppState;
use crate::store::records::Role;

/// `POST /v1/incidents/{id}/plans`: 201 with a draft planned against the stock
/// available now (on hand less what issued plans hold).
pub async fn draft(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let caller = require(&st.store, &headers, Role::Officer).await?;
    let incident = st
        .store
        .incident(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no incident {id}")))?;
    // The version first: a plan issued between the two reads makes this draft
    // stale (refused at issue), never wrongly fresh.
    let version = st.store.ledger_version().await?;
    let input = DraftInput {
        warehouses: st.store.warehouses().await?,
        shelters: st.store.shelters().await?,
        incident,
    };
    let sc = draft::scenario(&st.base, &input)?;
    let state = st.clone();
    let drafted =
        tokio::task::spawn_blocking(move || draft::compute(&sc, &state.graph, &state.prepared))
            .await
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("planner: {e}")))?
            .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("plan: {e}")))?;
    let plan_id = st
        .store
        .create_draft(
            caller,
            id,
            version,
            &drafted.needs,
            (&drafted.document, &drafted.trips_csv),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "plan_id": plan_id,
            "incident_id": id,
            "status": "draft",
            "ledger_version": version,
            "needs": drafted.needs,
            "plan": drafted.document,
        })),
    ))
}

/// `GET /v1/plans/{id}/trips.csv`: the plan's trips as `reliefflow plan`'s
/// `trips.csv` (one row per item per stop).
pub async fn trips_csv(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    let csv = st
        .store
        .plan_trips_csv(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no plan {id}")))?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        csv,
    ))
}

/// `GET /v1/incidents/{id}/plans`: the incident's plans (without their
/// documents), oldest first.
pub async fn list(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    if st.store.incident(id).await?.is_none() {
        return Err(ApiError::not_found(format!("no incident {id}")));
    }
    let plans: Vec<Value> = st
        .store
        .plans_of(id)
        .await?
        .into_iter()
        .map(|p| {
            json!({
                "plan_id": p.id,
                "status": p.status,
                "ledger_version": p.ledger_version,
                "needs": p.needs,
            })
        })
        .collect();
    Ok(Json(json!({"incident_id": id, "plans": plans})))
}

/// `GET /v1/plans/{id}`.
pub async fn get_plan(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    let p = st
        .store
        .plan(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no plan {id}")))?;
    Ok(Json(json!({
        "plan_id": p.id,
        "incident_id": p.incident_id,
        "status": p.status,
        "ledger_version": p.ledger_version,
        "needs": p.needs,
        "plan": p.document,
    })))
}

/// `POST /v1/plans/{id}/issue`: reserves the draft's stock; 409 when what is
/// available changed since the draft (re-plan) or the plan is not a draft.
pub async fn issue(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let caller = require(&st.store, &headers, Role::Officer).await?;
    st.store.issue(caller, id).await?;
    Ok(Json(json!({"plan_id": id, "status": "issued"})))
}

/// `POST /v1/plans/{id}/release`: returns an issued plan's stock; 409 when it is
/// not issued.
pub async fn release(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let caller = require(&st.store, &headers, Role::Officer).await?;
    st.store.release(caller, id).await?;
    Ok(Json(json!({"plan_id": id, "status": "released"})))
}
