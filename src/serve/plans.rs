//! Plans: drafted (a re-plan of the incident's live plan when it has one),
//! issued (one live plan per incident; conflicts only where plans touch),
//! released, trips departing and delivered. Each handler extracts, calls one
//! function of [`crate::ops`] and answers; the rules live there.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use std::collections::BTreeMap;

use super::auth::require;
use super::error::ErrorBody;
use super::error::{ApiError, OptionalBody, PathParam};
use super::AppState;
use crate::ops::draft::DraftOptions;
use crate::ops::lifecycle::DraftRequest;
use crate::plan::Effort;
use crate::store::dispatch::TripState;
use crate::store::records::Role;

/// `POST /v1/incidents/{id}/plans`: 201 with a draft planned from the plan
/// time (`at`, default now) against the stock available (on hand less what
/// issued trips hold) and the trucks free (trucks booked on other trips are
/// busy until they are back). When the incident has a live (issued) plan,
/// the draft is a re-plan of it (`replaces`, `changes`), as
/// `POST /v1/plans/{live}/replan`.
#[utoipa::path(post, path = "/v1/incidents/{id}/plans", tag = "plans", params(("id" = i64, Path, description = "incident id"), PlanQuery), responses((status = 201, description = "the draft: `{plan_id, incident_id, status, plan_unix, plan_time, needs, plan, seconds, effort}` (and `replaces`, `changes` for a re-plan); `plan.clock` gives the event, plan time and deadlines as local times and the hours left"), (status = 404, description = "no such incident", body = ErrorBody)))]
pub async fn draft(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    PathParam(id): PathParam<i64>,
    query: Result<Query<PlanQuery>, QueryRejection>,
    OptionalBody(body): OptionalBody<PlanQuery>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let caller = require(&st.store, &headers, Role::Officer).await?;
    let ask = options(&st, query, body)?;
    let d = st.ops.draft(caller, id, ask).await?;
    Ok((StatusCode::CREATED, Json(d.answer)))
}

/// `POST /v1/plans/{id}/replan`: 201 with a draft that would replace issued plan
/// `id`: its trips under way stay as they are (their trucks busy until back,
/// their loads counted as sent), the rest is planned again from the plan time
/// against the incident as it is now (new closures, headcounts), with the
/// stock and trucks of the replaced plan's trips that have not left; `changes`
/// says, trip by trip, what is kept, changed, cancelled and new (kept trips
/// keep their numbers). Issuing it supersedes `id`.
#[utoipa::path(post, path = "/v1/plans/{id}/replan", tag = "plans", params(("id" = i64, Path, description = "issued plan id"), PlanQuery), responses((status = 201, description = "the re-plan as a draft, with `replaces` and `changes`"), (status = 409, description = "the plan is not issued", body = ErrorBody)))]
pub async fn replan(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    PathParam(id): PathParam<i64>,
    query: Result<Query<PlanQuery>, QueryRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let caller = require(&st.store, &headers, Role::Officer).await?;
    let ask = options(&st, query, None)?;
    let d = st.ops.replan(caller, id, ask).await?;
    Ok((StatusCode::CREATED, Json(d.answer)))
}

/// Query of a draft or re-plan. `start=cold` computes the matrices afresh
/// (default `auto`: cached, or repaired from an earlier draft's trees);
/// `effort=full` searches sixteen times as long when trucks are scarce (default
/// `quick`); `keep=none` plans a re-plan's trips not yet gone again from
/// scratch (default `feasible`: those that still work are kept); `at` is the
/// plan time (RFC 3339, or local `YYYY-MM-DD HH:MM` in the scenario's time
/// zone, or `@SECONDS` since 1970 UTC; default now): no truck loads before it.
/// `POST /v1/incidents/{id}/plans` also takes them as a JSON body
/// (`{"at": "2026-12-08 01:10", "effort": "full"}`; the query wins where both
/// give one); a malformed body is 400, an unknown field 422.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// `auto` or `cold`.
    #[serde(default)]
    pub start: Option<String>,
    /// `quick` or `full`.
    #[serde(default)]
    pub effort: Option<String>,
    /// `feasible` or `none`.
    #[serde(default)]
    pub keep: Option<String>,
    /// The plan time.
    #[serde(default)]
    pub at: Option<String>,
}

/// The options of a request. The service searches `quick` unless asked for
/// `full`: an officer waits for the answer, often with others in the queue
/// (see `benches/README.md` for what `full` adds and costs).
fn options(
    st: &AppState,
    query: Result<Query<PlanQuery>, QueryRejection>,
    body: Option<PlanQuery>,
) -> Result<DraftRequest, ApiError> {
    let mut q = super::error::query(query)?;
    if let Some(b) = body {
        q.start = q.start.or(b.start);
        q.effort = q.effort.or(b.effort);
        q.keep = q.keep.or(b.keep);
        q.at = q.at.or(b.at);
    }
    let pick = |field: &str, value: Option<&str>, values: [&str; 2]| match value {
        None => Ok(false),
        Some(v) if v == values[0] => Ok(false),
        Some(v) if v == values[1] => Ok(true),
        Some(other) => Err(ApiError::field(
            field,
            format!(
                "{field}: expected {} or {}, got `{other}`",
                values[0], values[1]
            ),
        )),
    };
    let at = match q.at.as_deref() {
        None => None,
        // `@SECONDS` (since 1970 UTC) as well, for programs.
        Some(text) => Some(match text.strip_prefix('@') {
            Some(secs) => secs.parse::<i64>().map_err(|_| {
                ApiError::field("at", format!("at: `{text}`: expected @SECONDS since 1970"))
            })?,
            None => st
                .clock
                .parse(text)
                .map_err(|e| ApiError::field("at", format!("at: {e}")))?,
        }),
    };
    Ok(DraftRequest {
        opts: DraftOptions {
            cold: pick("start", q.start.as_deref(), ["auto", "cold"])?,
            effort: if pick("effort", q.effort.as_deref(), ["quick", "full"])? {
                Effort::Full
            } else {
                Effort::Sweep
            },
        },
        keep: !pick("keep", q.keep.as_deref(), ["feasible", "none"])?,
        at,
    })
}

/// `GET /v1/plans/{id}/trips`: the plan's trips with their trucks, times and
/// loads; for an issued (or released, superseded) plan also each trip's state
/// and booked times, seconds since 1970 UTC.
#[utoipa::path(get, path = "/v1/plans/{id}/trips", tag = "plans", params(("id" = i64, Path, description = "plan id")), responses((status = 200, description = "`{plan_id, status, trips}` with each trip's state once issued")))]
pub async fn trips(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    PathParam(id): PathParam<i64>,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    let p = st.ops.plan_or_404(id).await?;
    let event = st.store.event_unix(p.incident_id).await?;
    let local = |h: f64| st.clock.local(event + (h * 3600.0).round() as i64);
    let booked: BTreeMap<i64, _> = st
        .store
        .trips_of(id)
        .await?
        .into_iter()
        .map(|b| (b.trip, b))
        .collect();
    let trips: Vec<Value> = p
        .trips
        .iter()
        .map(|t| {
            let mut v = json!(t);
            v["load_at"] = json!(local(t.load_h));
            v["depart_at"] = json!(local(t.depart_h));
            v["return_at"] = json!(t.return_h.map(local));
            if let Some(b) = booked.get(&t.trip) {
                v["state"] = json!(b.state);
                v["busy_from_unix"] = json!(b.busy_from_unix);
                v["depart_unix"] = json!(b.depart_unix);
                v["return_unix"] = json!(b.return_unix);
            }
            v
        })
        .collect();
    Ok(Json(
        json!({"plan_id": id, "incident_id": p.incident_id, "status": p.status, "timezone": st.clock.name(), "trips": trips}),
    ))
}

/// `POST /v1/plans/{id}/trips/{trip}/depart`: the trip has left; its load
/// leaves the warehouse's units on hand and is in transit. 409 unless reserved.
#[utoipa::path(post, path = "/v1/plans/{id}/trips/{trip}/depart", tag = "plans", params(("id" = i64, Path, description = "plan id"), ("trip" = i64, Path, description = "trip id")), responses((status = 200, description = "`{plan_id, trip, state}`"), (status = 409, description = "the trip is not reserved", body = ErrorBody)))]
pub async fn depart(
    st: State<Arc<AppState>>,
    headers: HeaderMap,
    path: PathParam<(i64, i64)>,
) -> Result<Json<Value>, ApiError> {
    advance(st, headers, path, TripState::Departed).await
}

/// `POST /v1/plans/{id}/trips/{trip}/deliver`: the trip has unloaded at its
/// stops. 409 unless departed.
#[utoipa::path(post, path = "/v1/plans/{id}/trips/{trip}/deliver", tag = "plans", params(("id" = i64, Path, description = "plan id"), ("trip" = i64, Path, description = "trip id")), responses((status = 200, description = "`{plan_id, trip, state}`"), (status = 409, description = "the trip has not departed", body = ErrorBody)))]
pub async fn deliver(
    st: State<Arc<AppState>>,
    headers: HeaderMap,
    path: PathParam<(i64, i64)>,
) -> Result<Json<Value>, ApiError> {
    advance(st, headers, path, TripState::Delivered).await
}

async fn advance(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    PathParam((id, trip)): PathParam<(i64, i64)>,
    to: TripState,
) -> Result<Json<Value>, ApiError> {
    let caller = require(&st.store, &headers, Role::Officer).await?;
    st.ops.advance(caller, id, trip, to).await?;
    Ok(Json(json!({"plan_id": id, "trip": trip, "state": to})))
}

/// `GET /v1/plans/{id}/plan.geojson`: warehouses, shelters with their
/// delivery figures, and every driven leg as a line (`[lon, lat]`).
#[utoipa::path(get, path = "/v1/plans/{id}/plan.geojson", tag = "plans", params(("id" = i64, Path, description = "plan id")), responses((status = 200, description = "warehouses, shelters and every leg driven, with the streets", content_type = "application/geo+json")))]
pub async fn geojson(
    st: State<Arc<AppState>>,
    headers: HeaderMap,
    id: PathParam<i64>,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    stored_file(st, headers, id, "plan.geojson").await
}

/// `GET /v1/plans/{id}/trips.csv`: the plan's trips as `reliefflow plan`'s
/// `trips.csv` (one row per item per stop).
#[utoipa::path(get, path = "/v1/plans/{id}/trips.csv", tag = "plans", params(("id" = i64, Path, description = "plan id")), responses((status = 200, description = "one row per item per stop", content_type = "text/csv")))]
pub async fn trips_csv(
    st: State<Arc<AppState>>,
    headers: HeaderMap,
    id: PathParam<i64>,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    stored_file(st, headers, id, "trips.csv").await
}

/// A file stored with plan `id` (`plan.geojson` or `trips.csv`), with its
/// content type; 404 for no plan, or a plan stored before it kept the file.
async fn stored_file(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    PathParam(id): PathParam<i64>,
    file: &str,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    let (text, kind) = if file == "trips.csv" {
        (
            st.store.plan_trips_csv(id).await?,
            "text/csv; charset=utf-8",
        )
    } else if let Some(text) = st.geojson.get(&st.ops, id).await {
        (Some(text.as_ref().clone()), "application/geo+json")
    } else {
        (st.store.plan_geojson(id).await?, "application/geo+json")
    };
    let text = text.ok_or_else(|| ApiError::not_found(format!("no plan {id}")))?;
    if text.is_empty() {
        return Err(ApiError::not_found(format!(
            "plan {id} was stored before plans kept their {file}: draft it again"
        )));
    }
    Ok(([(axum::http::header::CONTENT_TYPE, kind)], text))
}

/// `GET /v1/incidents/{id}/plans`: the incident's plans (without their
/// documents), oldest first.
#[utoipa::path(get, path = "/v1/incidents/{id}/plans", tag = "plans", params(("id" = i64, Path, description = "incident id")), responses((status = 200, description = "`{incident_id, live_plan, plans: [{plan_id, status, live, plan_unix, supersedes, needs}]}`, oldest first")))]
pub async fn list(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    PathParam(id): PathParam<i64>,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    let incident = st
        .store
        .incident(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no incident {id}")))?;
    let plans: Vec<Value> = st
        .store
        .plans_of(id)
        .await?
        .into_iter()
        .map(|p| {
            json!({
                "plan_id": p.id,
                "status": p.status,
                "live": incident.live_plan == Some(p.id),
                "plan_unix": p.plan_unix,
                "supersedes": (p.supersedes != 0).then_some(p.supersedes),
                "needs": p.needs,
            })
        })
        .collect();
    Ok(Json(
        json!({"incident_id": id, "live_plan": incident.live_plan, "plans": plans}),
    ))
}

/// `GET /v1/plans/{id}`.
#[utoipa::path(get, path = "/v1/plans/{id}", tag = "plans", params(("id" = i64, Path, description = "plan id")), responses((status = 200, description = "`{plan_id, incident_id, status, live, plan_unix, plan_time, needs, supersedes, plan}` (`plan.clock`: event, plan time, deadlines, hours left)"), (status = 404, description = "no such plan", body = ErrorBody)))]
pub async fn get_plan(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    PathParam(id): PathParam<i64>,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    let p = st.ops.plan_or_404(id).await?;
    let incident = st
        .store
        .incident(p.incident_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("plan {id} of a missing incident")))?;
    let plan_unix = if p.plan_unix == 0 {
        incident.event_unix
    } else {
        p.plan_unix
    };
    let mut plan = p.document;
    plan["clock"] = st.clock_section(incident.event_unix, plan_unix);
    Ok(Json(json!({
        "plan_id": p.id,
        "incident_id": p.incident_id,
        "status": p.status,
        "live": incident.live_plan == Some(p.id),
        "plan_unix": plan_unix,
        "plan_time": st.clock.local(plan_unix),
        "needs": p.needs,
        "supersedes": (p.supersedes != 0).then_some(p.supersedes),
        "plan": plan,
    })))
}

/// Query of `issue`: `on_stale=replan` drafts again and issues when the
/// draft is stale (default `refuse`: 409).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IssueQuery {
    /// `refuse` or `replan`.
    #[serde(default)]
    pub on_stale: Option<String>,
}

/// `POST /v1/plans/{id}/issue`: books the draft's trips and reserves their
/// stock, superseding the live plan it re-plans, in one transaction. Issuing
/// an issued plan again answers it (`already: true`) and books nothing. 409
/// `incident_has_plan` when the incident has another live plan,
/// `stale_draft` / `incident_changed` / `inventory_changed` when what the
/// draft assumed moved, `stock_short` / `truck_busy` when another plan took
/// its stock or trucks, `wrong_state` for a superseded or released plan. With
/// `on_stale=replan`, such a draft is drafted again (up to three times) and
/// that draft issued: the answer then names the plan issued (`plan_id`), the
/// stale one (`replanned_from`) and carries the new draft; `on_stale=replan`
/// on a plan that is not a draft is 409 `wrong_state`.
#[utoipa::path(post, path = "/v1/plans/{id}/issue", tag = "plans", params(("id" = i64, Path, description = "draft plan id"), IssueQuery), responses((status = 200, description = "`{plan_id, incident_id, status: issued, already, superseded}` (and `replanned_from`, `draft` after an automatic re-plan)"), (status = 409, description = "`incident_has_plan`, `stale_draft`, `incident_changed`, `inventory_changed`, `stock_short`, `truck_busy` or `wrong_state`", body = ErrorBody)))]
pub async fn issue(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    PathParam(id): PathParam<i64>,
    query: Result<Query<IssueQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let caller = require(&st.store, &headers, Role::Officer).await?;
    let q = super::error::query(query)?;
    let auto = match q.on_stale.as_deref() {
        None | Some("refuse") => false,
        Some("replan") => true,
        Some(other) => {
            return Err(ApiError::field(
                "on_stale",
                format!("on_stale: expected refuse or replan, got `{other}`"),
            ))
        }
    };
    let done = st.ops.issue(caller, id, auto).await?;
    let mut answer = json!({
        "plan_id": done.plan_id,
        "incident_id": done.incident_id,
        "status": "issued",
        "already": done.already,
        "superseded": done.superseded,
    });
    if let Some(from) = done.replanned_from {
        answer["replanned_from"] = json!(from);
        answer["draft"] = done.draft.unwrap_or(Value::Null);
    }
    Ok(Json(answer))
}

/// `POST /v1/plans/{id}/release`: returns an issued plan's stock and trucks
/// (trips under way go on); the incident has no live plan after. Releasing a
/// released plan again answers it (`already: true`); 409 for a draft or a
/// superseded plan.
#[utoipa::path(post, path = "/v1/plans/{id}/release", tag = "plans", params(("id" = i64, Path, description = "issued plan id")), responses((status = 200, description = "`{plan_id, status: released, already}`"), (status = 409, description = "the plan is a draft or superseded", body = ErrorBody)))]
pub async fn release(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    PathParam(id): PathParam<i64>,
) -> Result<Json<Value>, ApiError> {
    let caller = require(&st.store, &headers, Role::Officer).await?;
    let changed = st.ops.release(caller, id).await?;
    Ok(Json(
        json!({"plan_id": id, "status": "released", "already": !changed}),
    ))
}
