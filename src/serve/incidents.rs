//! Incidents: created with their shelters and what they do to roads and
//! warehouses, and extended as closures are reported. Every closure is checked
//! against the graph the service routes on, so a closure that closes nothing is
//! refused with the field at fault instead of being kept silently.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::auth::require;
use super::error::ErrorBody;
use super::error::{ApiError, Body, PathParam};
use super::AppState;
use crate::io::areas::area_from_geojson;
use crate::io::validate::check_name;
use crate::network::{Disruption, SlowArea, Snapper};
use crate::store::incidents::{IncidentDisruption, NewIncident, PointClosure, SlowAreaRecord};
use crate::store::records::Role;

/// Farthest a map point may be from the road it closes, metres.
pub const MAX_POINT_TO_ROAD_M: f64 = 250.0;

/// A slowed area in a request.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlowAreaBody {
    /// GeoJSON Polygon or MultiPolygon, `[lon, lat]`.
    #[schema(value_type = Object)]
    pub geometry: Value,
    /// Speed multiplier (> 0): travel time is divided by it.
    pub factor: f64,
    /// Name shown in reports (default `slow area N`): 1 to 200 characters,
    /// no control character.
    #[serde(default)]
    pub label: Option<String>,
}

/// What an incident does to roads and warehouses, as requested.
#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct DisruptionBody {
    /// Closed OSM way ids.
    pub closed_ways: Vec<i64>,
    /// Closed areas: GeoJSON Polygon or MultiPolygon geometries.
    #[schema(value_type = Vec<Object>)]
    pub closed_areas: Vec<Value>,
    /// Closures as map points `[lon, lat]`: the nearest road is closed.
    #[schema(value_type = Vec<Vec<f64>>)]
    pub closed_points: Vec<[f64; 2]>,
    /// Slowed areas.
    pub slow_areas: Vec<SlowAreaBody>,
    /// Warehouse ids lost.
    pub lost_warehouses: Vec<String>,
}

/// Body of `POST /v1/incidents`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentBody {
    /// Name: 1 to 200 characters, no control character.
    pub name: String,
    /// When the event happened: RFC 3339 (`2026-12-08T01:10:00+08:00`,
    /// `2026-12-07T17:10:00Z`) or a local `YYYY-MM-DD HH:MM` (`T` or a space,
    /// optional `:SS`) in the scenario's time zone. Sets the event instant;
    /// stored and answered as local text (`2026-12-08 01:10 +08:00`).
    #[serde(default)]
    pub event_time: Option<String>,
    /// The event, seconds since 1970 UTC: hour 0 of the incident's plans and
    /// the clock trucks are booked on across incidents (default: `event_time`,
    /// else now). Given with `event_time`, both must name the same instant
    /// within a minute.
    #[serde(default)]
    pub event_unix: Option<i64>,
    /// Affected shelter ids (default: every shelter).
    #[serde(default)]
    pub shelters: Vec<String>,
    /// Closed OSM way ids.
    #[serde(default)]
    pub closed_ways: Vec<i64>,
    /// Closed areas (GeoJSON geometries).
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub closed_areas: Vec<Value>,
    /// Closures as map points `[lon, lat]`.
    #[serde(default)]
    #[schema(value_type = Vec<Vec<f64>>)]
    pub closed_points: Vec<[f64; 2]>,
    /// Slowed areas.
    #[serde(default)]
    pub slow_areas: Vec<SlowAreaBody>,
    /// Warehouse ids lost.
    #[serde(default)]
    pub lost_warehouses: Vec<String>,
}

/// A request's disruption checked against the graph: ways to close and the rest
/// as stored.
async fn checked(
    st: &AppState,
    body: DisruptionBody,
) -> Result<(Vec<i64>, IncidentDisruption), ApiError> {
    let known_ways: HashSet<i64> = st.graph.way_id.iter().copied().collect();
    for (k, way) in body.closed_ways.iter().enumerate() {
        if !known_ways.contains(way) {
            return Err(ApiError::field(
                format!("closed_ways[{k}]"),
                format!(
                    "closed_ways[{k}]: way {way} is not a road of the graph the service routes on"
                ),
            ));
        }
    }
    let mut out = IncidentDisruption::default();
    for (k, g) in body.closed_areas.into_iter().enumerate() {
        let field = format!("closed_areas[{k}]");
        let area =
            area_from_geojson(&g).map_err(|e| ApiError::field(&field, format!("{field}: {e}")))?;
        let probe = Disruption {
            closed_areas: vec![area],
            ..Disruption::default()
        };
        if edges_touched(st, &probe, &field)? == 0 {
            return Err(ApiError::field(
                &field,
                format!("{field}: closes no road of the graph (is it [lon, lat], and inside the extract?)"),
            ));
        }
        out.closed_areas.push(g);
    }
    if !body.closed_points.is_empty() {
        let snapper = Snapper::new(&st.graph);
        for (k, &at) in body.closed_points.iter().enumerate() {
            let field = format!("closed_points[{k}]");
            let [lon, lat] = at;
            if !((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)) {
                return Err(ApiError::field(
                    &field,
                    format!(
                        "{field}: [{lon}, {lat}] is not [lon, lat] within [-180, 180] × [-90, 90]"
                    ),
                ));
            }
            match snapper.nearest_road(at) {
                Some(r) if r.distance_m <= MAX_POINT_TO_ROAD_M => {
                    out.closed_points.push(PointClosure {
                        at,
                        way_id: r.way_id,
                        distance_m: (r.distance_m * 10.0).round() / 10.0,
                    })
                }
                r => {
                    let d = r.map_or(f64::INFINITY, |r| r.distance_m);
                    return Err(ApiError::field(
                        &field,
                        format!("{field}: the nearest road is {d:.0} m away (at most {MAX_POINT_TO_ROAD_M:.0} m)"),
                    ));
                }
            }
        }
    }
    for (k, s) in body.slow_areas.into_iter().enumerate() {
        let field = format!("slow_areas[{k}]");
        if !(s.factor > 0.0 && s.factor.is_finite()) {
            return Err(ApiError::field(
                format!("{field}.factor"),
                format!(
                    "{field}.factor: must be a finite number > 0 (0.5 halves speeds), got {}",
                    s.factor
                ),
            ));
        }
        if let Some(label) = &s.label {
            check_name(&format!("{field}.label"), label)?;
        }
        let gfield = format!("{field}.geometry");
        let area = area_from_geojson(&s.geometry)
            .map_err(|e| ApiError::field(&gfield, format!("{gfield}: {e}")))?;
        let label = s.label.unwrap_or_else(|| format!("slow area {}", k + 1));
        let probe = Disruption {
            slow_areas: vec![SlowArea {
                area,
                factor: s.factor,
                label: label.clone(),
            }],
            ..Disruption::default()
        };
        if edges_touched(st, &probe, &gfield)? == 0 {
            return Err(ApiError::field(
                &gfield,
                format!("{gfield}: slows no road of the graph (is it [lon, lat], and inside the extract?)"),
            ));
        }
        out.slow_areas.push(SlowAreaRecord {
            geometry: s.geometry,
            factor: s.factor,
            label,
        });
    }
    for (k, w) in body.lost_warehouses.into_iter().enumerate() {
        if !st.base.warehouses.iter().any(|x| x.id == w) {
            return Err(ApiError::field(
                format!("lost_warehouses[{k}]"),
                format!("lost_warehouses[{k}]: no warehouse `{w}`"),
            ));
        }
        out.lost_warehouses.push(w);
    }
    Ok((body.closed_ways, out))
}

/// Edges `probe` closes or slows on the service's graph.
fn edges_touched(st: &AppState, probe: &Disruption, field: &str) -> Result<usize, ApiError> {
    let (_, r) = probe
        .apply(&st.graph)
        .map_err(|e| ApiError::field(field, format!("{field}: {e}")))?;
    Ok(r.closed_by_area + r.slowed)
}

/// Farthest an event may lie ahead of the service's clock, seconds (a day:
/// clocks drift).
pub const EVENT_AHEAD_S: i64 = 86_400;

/// Farthest an event may lie behind the service's clock, seconds (366 days).
pub const EVENT_BEHIND_S: i64 = 366 * 86_400;

/// The event instant of a new incident, seconds since 1970 UTC: `event_time`
/// read on the scenario's clock, or `event_unix`, or both when they agree
/// within a minute (then `event_unix`), or now. 422 naming the field for a
/// text that is no time, an instant more than [`EVENT_BEHIND_S`] before or
/// [`EVENT_AHEAD_S`] after now, or two that disagree.
fn event_instant(
    st: &AppState,
    event_time: Option<&str>,
    event_unix: Option<i64>,
) -> Result<i64, ApiError> {
    let now = crate::store::now_unix();
    let clock = &st.clock;
    let window = now - EVENT_BEHIND_S..=now + EVENT_AHEAD_S;
    let out_of_window = |field: &str, given: String| {
        ApiError::field(
            field,
            format!(
                "{field}: {given} is not within a year before and a day after now ({})",
                clock.local(now)
            ),
        )
    };
    let from_text = match event_time {
        Some(text) => {
            let t = clock
                .parse(text)
                .map_err(|e| ApiError::time("event_time", e))?;
            if !window.contains(&t) {
                return Err(out_of_window("event_time", clock.local(t)));
            }
            Some(t)
        }
        None => None,
    };
    if let Some(t) = event_unix {
        if !window.contains(&t) {
            return Err(out_of_window(
                "event_unix",
                format!("{t} (seconds since 1970 UTC)"),
            ));
        }
    }
    match (from_text, event_unix) {
        (Some(a), Some(b)) if (a - b).abs() >= 60 => Err(ApiError::field(
            "event_time",
            format!(
                "event_time: {} but event_unix {b} is {}: give one of them, or both for the same minute",
                clock.local(a),
                clock.local(b)
            ),
        )),
        (_, Some(b)) => Ok(b),
        (Some(a), None) => Ok(a),
        (None, None) => Ok(now),
    }
}

/// `POST /v1/incidents`: 201 with the incident; 422 naming the field when a
/// name or label is empty, too long or holds a control character, the event
/// time cannot be read, a shelter, way or warehouse is unknown or an area or
/// point closes no road.
#[utoipa::path(post, path = "/v1/incidents", tag = "incidents", request_body = IncidentBody, responses((status = 201, description = "the incident as stored"), (status = 422, description = "a field out of range or naming nothing (`field` says which)", body = ErrorBody)))]
pub async fn create_incident(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Body(body): Body<IncidentBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let caller = require(&st.store, &headers, Role::Officer).await?;
    check_name("name", &body.name)?;
    let event_unix = event_instant(&st, body.event_time.as_deref(), body.event_unix)?;
    let known = st.store.shelters().await?;
    for (k, id) in body.shelters.iter().enumerate() {
        if !known.iter().any(|s| &s.id == id) {
            return Err(ApiError::field(
                format!("shelters[{k}]"),
                format!("shelters[{k}]: no shelter `{id}`"),
            ));
        }
    }
    let roads = DisruptionBody {
        closed_ways: body.closed_ways,
        closed_areas: body.closed_areas,
        closed_points: body.closed_points,
        slow_areas: body.slow_areas,
        lost_warehouses: body.lost_warehouses,
    };
    let (closed_ways, disruption) = checked(&st, roads).await?;
    let rec = st
        .store
        .create_incident(
            caller,
            &NewIncident {
                name: body.name,
                event_time: st.clock.local(event_unix),
                shelters: body.shelters,
                closed_ways,
                disruption,
                event_unix: Some(event_unix),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(json!(rec))))
}

/// `POST /v1/incidents/{id}/disruptions`: adds closures (ways, areas, map
/// points), slow areas or lost warehouses to an incident, recorded with when and
/// who; the next draft plans with them. 200 with the incident.
#[utoipa::path(post, path = "/v1/incidents/{id}/disruptions", tag = "incidents", params(("id" = i64, Path, description = "incident id")), request_body = DisruptionBody, responses((status = 200, description = "the incident as stored now"), (status = 404, description = "no such incident", body = ErrorBody)))]
pub async fn extend_incident(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    PathParam(id): PathParam<i64>,
    Body(body): Body<DisruptionBody>,
) -> Result<Json<Value>, ApiError> {
    let caller = require(&st.store, &headers, Role::Officer).await?;
    let change = json!(body);
    if st.store.incident(id).await?.is_none() {
        return Err(ApiError::not_found(format!("no incident {id}")));
    }
    let (ways, more) = checked(&st, body).await?;
    let rec = st
        .store
        .extend_incident(caller, id, &ways, more, &change)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no incident {id}")))?;
    Ok(Json(json!(rec)))
}

/// `GET /v1/incidents/{id}`.
#[utoipa::path(get, path = "/v1/incidents/{id}", tag = "incidents", params(("id" = i64, Path, description = "incident id")), responses((status = 200, description = "the incident"), (status = 404, description = "no such incident", body = ErrorBody)))]
pub async fn incident(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    PathParam(id): PathParam<i64>,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    let rec = st
        .store
        .incident(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no incident {id}")))?;
    Ok(Json(json!(rec)))
}

/// `GET /v1/incidents`: every incident, newest first (id, name, event time).
#[utoipa::path(get, path = "/v1/incidents", tag = "incidents", responses((status = 200, description = "`{incidents: [{id, name, event_time, event_unix}]}`, newest first")))]
pub async fn list_incidents(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    let list: Vec<Value> = st
        .store
        .incident_list()
        .await?
        .into_iter()
        .map(|(id, name, event_time, event_unix)| {
            json!({"id": id, "name": name, "event_time": event_time, "event_unix": event_unix})
        })
        .collect();
    Ok(Json(json!({"incidents": list})))
}
