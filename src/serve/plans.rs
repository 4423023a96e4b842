//! Plans: drafted against what is available, issued (stock reserved in one
//! transaction, 409 when availability moved since the draft), released.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use std::collections::{BTreeMap, BTreeSet};

use super::auth::require;
use super::diff::diff;
use super::draft::{self, DraftInput, DraftOptions};
use super::error::ApiError;
use super::error::ErrorBody;
use super::AppState;
use crate::plan::Effort;
use crate::store::dispatch::TripState;
use crate::store::records::{
    Caller, NewDraft, PlanConflict, PlanRecord, PlanStatus, Role, TripBooking,
};

/// `POST /v1/incidents/{id}/plans`: 201 with a draft planned against the stock
/// available now (on hand less what issued trips hold) and the trucks free
/// (trucks booked on other trips are busy until they are back).
#[utoipa::path(post, path = "/v1/incidents/{id}/plans", tag = "plans", params(("id" = i64, Path, description = "incident id"), PlanQuery), responses((status = 201, description = "the draft: `{plan_id, incident_id, status, ledger_version, needs, plan, seconds, effort}`"), (status = 404, description = "no such incident", body = ErrorBody)))]
pub async fn draft(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    query: Result<Query<PlanQuery>, QueryRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let caller = require(&st.store, &headers, Role::Officer).await?;
    let ask = options(query)?;
    let (plan_id, answer) = make_draft(&st, caller, id, None, ask).await?;
    tracing::info!(plan_id, incident = id, "draft");
    Ok((StatusCode::CREATED, Json(answer)))
}

/// `POST /v1/plans/{id}/replan`: 201 with a draft that would replace issued plan
/// `id`: its trips under way stay as they are (their trucks busy until back,
/// their loads counted as sent), the rest is planned again against the
/// incident as it is now (new closures, headcounts), with the stock and trucks
/// of the replaced plan's trips that have not left; `changes` says, trip by
/// trip, what is kept, changed, cancelled and new. Issuing it supersedes `id`.
#[utoipa::path(post, path = "/v1/plans/{id}/replan", tag = "plans", params(("id" = i64, Path, description = "issued plan id"), PlanQuery), responses((status = 201, description = "the re-plan as a draft, with `replaces` and `changes`"), (status = 409, description = "the plan is not issued", body = ErrorBody)))]
pub async fn replan(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    query: Result<Query<PlanQuery>, QueryRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let caller = require(&st.store, &headers, Role::Officer).await?;
    let ask = options(query)?;
    let old = st.plan_or_404(id).await?;
    if old.status != PlanStatus::Issued {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!(
                "plan {id} is {}: only an issued plan is re-planned (draft a new plan instead)",
                old.status.as_str()
            ),
        ));
    }
    let incident = old.incident_id;
    let (plan_id, answer) = make_draft(&st, caller, incident, Some(old), ask).await?;
    tracing::info!(plan_id, replaces = id, "re-plan");
    Ok((StatusCode::CREATED, Json(answer)))
}

/// Query of a draft or re-plan. `start=cold` computes the matrices afresh
/// (default `auto`: cached, or repaired from an earlier draft's trees);
/// `effort=full` searches sixteen times as long when trucks are scarce (default
/// `quick`); `keep=none` plans a re-plan's trips not yet gone again from
/// scratch (default `feasible`: those that still work are kept).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
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
}

/// What a request asks of the planner.
#[derive(Debug, Clone, Copy)]
struct Ask {
    opts: DraftOptions,
    keep: bool,
}

/// The options of a request. The service searches `quick` unless asked for
/// `full`: an officer waits for the answer, often with others in the queue
/// (see `benches/README.md` for what `full` adds and costs).
fn options(query: Result<Query<PlanQuery>, QueryRejection>) -> Result<Ask, ApiError> {
    let q = super::error::query(query)?;
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
    Ok(Ask {
        opts: DraftOptions {
            cold: pick("start", q.start.as_deref(), ["auto", "cold"])?,
            effort: if pick("effort", q.effort.as_deref(), ["quick", "full"])? {
                Effort::Full
            } else {
                Effort::Sweep
            },
        },
        keep: !pick("keep", q.keep.as_deref(), ["feasible", "none"])?,
    })
}

/// Drafts a plan for incident `incident_id` (a re-plan of `replaces` when given)
/// and stores it; the plan's id and the answer.
async fn make_draft(
    st: &Arc<AppState>,
    caller: Caller,
    incident_id: i64,
    replaces: Option<PlanRecord>,
    ask: Ask,
) -> Result<(i64, Value), ApiError> {
    let t0 = std::time::Instant::now();
    let incident = st
        .store
        .incident(incident_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no incident {incident_id}")))?;
    // The version first: a plan issued between the reads makes this draft
    // stale (refused at issue), never wrongly fresh.
    let version = st.store.ledger_version().await?;
    let mut input = DraftInput {
        warehouses: st.store.warehouses().await?,
        shelters: st.store.shelters().await?,
        incident,
        busy_until: st
            .store
            .trucks_busy_until(replaces.as_ref().map_or(-1, |p| p.id))
            .await?,
        returning: BTreeMap::new(),
        sent: Vec::new(),
    };
    let mut under_way = BTreeSet::new();
    let mut not_gone = BTreeSet::new();
    if let Some(old) = &replaces {
        for t in st.store.trips_of(old.id).await? {
            match t.state {
                TripState::Reserved => {
                    not_gone.insert(t.trip);
                    for (item, units) in t.loads {
                        *input
                            .returning
                            .entry((t.warehouse_id.clone(), item))
                            .or_default() += units;
                    }
                }
                TripState::Departed | TripState::Delivered => {
                    under_way.insert(t.trip);
                }
                TripState::Released => {}
            }
        }
        input.sent = old
            .trips
            .iter()
            .filter(|t| under_way.contains(&t.trip))
            .flat_map(|t| t.lines.iter().cloned())
            .collect();
    }
    let t_read = t0.elapsed().as_secs_f64();
    let sc = draft::scenario(&st.base, &input)?;
    let keep: Vec<TripBooking> = match &replaces {
        Some(old) if ask.keep => old
            .trips
            .iter()
            .filter(|t| not_gone.contains(&t.trip))
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    let key = json!({
        "incident": input.incident,
        "warehouses": input.warehouses,
        "shelters": input.shelters,
        "busy_until": input.busy_until,
        "returning": input.returning.iter().collect::<Vec<_>>(),
        "sent": input.sent,
        "keep": keep,
        "cold": ask.opts.cold,
        "effort": format!("{:?}", ask.opts.effort),
    });
    // A re-plan steers its bounds by what the plan it replaces delivered.
    let bound_target = replaces.as_ref().and_then(|old| {
        let k = &old.document["kpis"];
        Some((k["first_kg"].as_f64()?, k["relief_kg"].as_f64()?))
    });
    let inputs = super::draft_memo::inputs_digest(&key);
    let cell = st.drafts.cell(&inputs);
    let state = st.clone();
    let drafted = cell
        .get_or_try_init(|| async move {
            let _permit = state.cpu_permit().await?;
            let state = state.clone();
            tokio::task::spawn_blocking(move || {
                draft::compute(&sc, &state, ask.opts, &keep, bound_target, &inputs)
            })
            .await
            .map_err(|e| ApiError::internal(format!("planner: {e}")))?
            .map(Arc::new)
            .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("plan: {e}")))
        })
        .await?
        .clone();
    let t_plan = t0.elapsed().as_secs_f64();
    let supersedes = replaces.as_ref().map_or(0, |p| p.id);
    let plan_id = st
        .store
        .create_draft(
            caller,
            NewDraft {
                incident_id,
                ledger_version: version,
                content: &drafted.content,
                supersedes,
            },
        )
        .await?;
    st.geojson.store_later(st, plan_id, drafted.geojson.clone());
    let mut answer = json!({
        "plan_id": plan_id,
        "incident_id": incident_id,
        "status": "draft",
        "ledger_version": version,
        "needs": drafted.needs,
        "plan": drafted.document,
        "seconds": t0.elapsed().as_secs_f64(),
        "effort": if ask.opts.effort == Effort::Full { "full" } else { "quick" },
    });
    if let Some(old) = &replaces {
        answer["replaces"] = json!(old.id);
        answer["changes"] = json!(diff(&old.trips, &under_way, &drafted.trips));
    }
    tracing::debug!(
        read_s = t_read,
        plan_s = t_plan - t_read,
        store_s = t0.elapsed().as_secs_f64() - t_plan,
        "draft"
    );
    st.announce("plan_drafted", plan_id, incident_id);
    Ok((plan_id, answer))
}

/// `GET /v1/plans/{id}/trips`: the plan's trips with their trucks, times and
/// loads; for an issued (or released, superseded) plan also each trip's state
/// and booked times, seconds since 1970 UTC.
#[utoipa::path(get, path = "/v1/plans/{id}/trips", tag = "plans", params(("id" = i64, Path, description = "plan id")), responses((status = 200, description = "`{plan_id, status, trips}` with each trip's state once issued")))]
pub async fn trips(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    let p = st.plan_or_404(id).await?;
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
        json!({"plan_id": id, "status": p.status, "trips": trips}),
    ))
}

/// `POST /v1/plans/{id}/trips/{trip}/depart`: the trip has left; its load
/// leaves the warehouse's units on hand and is in transit. 409 unless reserved.
#[utoipa::path(post, path = "/v1/plans/{id}/trips/{trip}/depart", tag = "plans", params(("id" = i64, Path, description = "plan id"), ("trip" = i64, Path, description = "trip id")), responses((status = 200, description = "`{plan_id, trip, state}`"), (status = 409, description = "the trip is not reserved", body = ErrorBody)))]
pub async fn depart(
    st: State<Arc<AppState>>,
    headers: HeaderMap,
    path: Path<(i64, i64)>,
) -> Result<Json<Value>, ApiError> {
    advance(st, headers, path, TripState::Departed).await
}

/// `POST /v1/plans/{id}/trips/{trip}/deliver`: the trip has unloaded at its
/// stops. 409 unless departed.
#[utoipa::path(post, path = "/v1/plans/{id}/trips/{trip}/deliver", tag = "plans", params(("id" = i64, Path, description = "plan id"), ("trip" = i64, Path, description = "trip id")), responses((status = 200, description = "`{plan_id, trip, state}`"), (status = 409, description = "the trip has not departed", body = ErrorBody)))]
pub async fn deliver(
    st: State<Arc<AppState>>,
    headers: HeaderMap,
    path: Path<(i64, i64)>,
) -> Result<Json<Value>, ApiError> {
    advance(st, headers, path, TripState::Delivered).await
}

async fn advance(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, trip)): Path<(i64, i64)>,
    to: TripState,
) -> Result<Json<Value>, ApiError> {
    let caller = require(&st.store, &headers, Role::Officer).await?;
    st.store.advance_trip(caller, id, trip, to).await?;
    st.announce(
        match to {
            TripState::Departed => "trip_departed",
            _ => "trip_delivered",
        },
        id,
        0,
    );
    Ok(Json(json!({"plan_id": id, "trip": trip, "state": to})))
}

/// `GET /v1/plans/{id}/plan.geojson`: warehouses, shelters with their
/// delivery figures, and every driven leg as a line (`[lon, lat]`).
#[utoipa::path(get, path = "/v1/plans/{id}/plan.geojson", tag = "plans", params(("id" = i64, Path, description = "plan id")), responses((status = 200, description = "warehouses, shelters and every leg driven, with the streets", content_type = "application/geo+json")))]
pub async fn geojson(
    st: State<Arc<AppState>>,
    headers: HeaderMap,
    id: Path<i64>,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    stored_file(st, headers, id, "plan.geojson").await
}

/// `GET /v1/plans/{id}/trips.csv`: the plan's trips as `reliefflow plan`'s
/// `trips.csv` (one row per item per stop).
#[utoipa::path(get, path = "/v1/plans/{id}/trips.csv", tag = "plans", params(("id" = i64, Path, description = "plan id")), responses((status = 200, description = "one row per item per stop", content_type = "text/csv")))]
pub async fn trips_csv(
    st: State<Arc<AppState>>,
    headers: HeaderMap,
    id: Path<i64>,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    stored_file(st, headers, id, "trips.csv").await
}

/// A file stored with plan `id` (`plan.geojson` or `trips.csv`), with its
/// content type; 404 for no plan, or a plan stored before it kept the file.
async fn stored_file(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    file: &str,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    let (text, kind) = if file == "trips.csv" {
        (
            st.store.plan_trips_csv(id).await?,
            "text/csv; charset=utf-8",
        )
    } else if let Some(text) = st.geojson.get(&st, id).await {
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
#[utoipa::path(get, path = "/v1/incidents/{id}/plans", tag = "plans", params(("id" = i64, Path, description = "incident id")), responses((status = 200, description = "`{incident_id, plans: [{plan_id, status, ledger_version, needs}]}`, oldest first")))]
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
#[utoipa::path(get, path = "/v1/plans/{id}", tag = "plans", params(("id" = i64, Path, description = "plan id")), responses((status = 200, description = "`{plan_id, incident_id, status, ledger_version, needs, supersedes, plan}`"), (status = 404, description = "no such plan", body = ErrorBody)))]
pub async fn get_plan(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    let p = st.plan_or_404(id).await?;
    Ok(Json(json!({
        "plan_id": p.id,
        "incident_id": p.incident_id,
        "status": p.status,
        "ledger_version": p.ledger_version,
        "needs": p.needs,
        "supersedes": (p.supersedes != 0).then_some(p.supersedes),
        "plan": p.document,
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

/// Stale drafts re-planned at most, per issue request.
const AUTO_REPLANS: usize = 3;

/// `POST /v1/plans/{id}/issue`: books the draft's trips and reserves their
/// stock; 409 when what is available changed since the draft or the plan is
/// not a draft. With `on_stale=replan`, a stale draft is drafted again (a
/// re-plan again if it was one; up to three times) and that draft issued: the
/// answer then names the plan issued (`plan_id`), the stale one
/// (`replanned_from`) and carries the new draft.
#[utoipa::path(post, path = "/v1/plans/{id}/issue", tag = "plans", params(("id" = i64, Path, description = "draft plan id"), IssueQuery), responses((status = 200, description = "`{plan_id, status: issued}` (and `replanned_from`, `draft` after an automatic re-plan)"), (status = 409, description = "availability moved since the draft (`stale_draft`), a truck is busy, or the plan is not a draft", body = ErrorBody)))]
pub async fn issue(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
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
    let mut current = id;
    let mut draft = Value::Null;
    for _ in 0..=AUTO_REPLANS {
        match st.store.issue(caller, current).await {
            Ok(()) => {
                st.announce("plan_issued", current, 0);
                let mut answer = json!({"plan_id": current, "status": "issued"});
                if current != id {
                    answer["replanned_from"] = json!(id);
                    answer["draft"] = draft;
                }
                return Ok(Json(answer));
            }
            Err(PlanConflict::Stale { .. }) if auto => {
                let p = st.plan_or_404(current).await?;
                let replaces = match p.supersedes {
                    0 => None,
                    old => Some(st.plan_or_404(old).await?),
                };
                let ask = options(Ok(Query(PlanQuery {
                    start: None,
                    effort: None,
                    keep: None,
                })))?;
                let (next, answer) = make_draft(&st, caller, p.incident_id, replaces, ask).await?;
                tracing::info!(
                    stale = current,
                    plan_id = next,
                    "stale draft re-planned at issue"
                );
                (current, draft) = (next, answer);
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::new(
        StatusCode::CONFLICT,
        format!("plan {id}: still stale after {AUTO_REPLANS} re-plans (other officers keep issuing): try again"),
    )
    .with_code("stale_draft"))
}

/// `POST /v1/plans/{id}/release`: returns an issued plan's stock; 409 when it is
/// not issued.
#[utoipa::path(post, path = "/v1/plans/{id}/release", tag = "plans", params(("id" = i64, Path, description = "issued plan id")), responses((status = 200, description = "`{plan_id, status: released}`"), (status = 409, description = "the plan is not issued", body = ErrorBody)))]
pub async fn release(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let caller = require(&st.store, &headers, Role::Officer).await?;
    st.store.release(caller, id).await?;
    st.announce("plan_released", id, 0);
    Ok(Json(json!({"plan_id": id, "status": "released"})))
}
