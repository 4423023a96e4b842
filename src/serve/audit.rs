//! `GET /v1/audit`: the audit trail, every action the service took with who and
//! when ([`crate::store::actions`]).

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::require;
use super::error::{ApiError, ErrorBody};
use super::AppState;
use crate::store::records::Role;

/// Actions listed when the query gives no `limit`.
pub const DEFAULT_LIMIT: i64 = 500;
/// The most actions one request lists.
pub const MAX_LIMIT: i64 = 5_000;

/// Query of `GET /v1/audit`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this incident's actions (default: every action, those of no
    /// incident such as token changes included).
    pub incident: Option<i64>,
    /// Only actions with a larger id (default 0: from the first); the last id
    /// of one page is the `after` of the next.
    pub after: Option<i64>,
    /// At most this many actions (default 500, at most 5 000).
    pub limit: Option<i64>,
}

/// `GET /v1/audit?incident=ID&after=ACTION_ID&limit=N` (officer and above):
/// the actions, oldest first: `{"actions": [{id, at_unix, at, token_id,
/// token_label, role, kind, incident_id, plan_id, trip, detail}, …]}`.
#[utoipa::path(get, path = "/v1/audit", tag = "audit", params(AuditQuery), responses(
    (status = 200, description = "`{actions: [{id, at_unix, at (RFC 3339 UTC), token_id (0: the command line), token_label, role, kind, incident_id, plan_id, trip (0: none), detail (JSON or null)}, …]}`, oldest first"),
    (status = 400, description = "a query field unknown or not a whole number", body = ErrorBody),
    (status = 403, description = "a viewer token", body = ErrorBody),
    (status = 422, description = "`limit` not within 1–5000, or `after` negative", body = ErrorBody)))]
pub async fn audit(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Officer).await?;
    let q = super::error::query(query)?;
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::field(
            "limit",
            format!("limit: expected 1 to {MAX_LIMIT}, got {limit}"),
        ));
    }
    let after = q.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::field(
            "after",
            format!("after: expected an action id (0 or more), got {after}"),
        ));
    }
    let actions = st.store.actions(q.incident, after, limit).await?;
    Ok(Json(json!({ "actions": actions })))
}
