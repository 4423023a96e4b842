//! OSRM-style routing over an incident's disrupted roads, so tools that speak
//! OSRM's `table` and `route` services can use the service as their router:
//!
//! - `GET /v1/table?coordinates=lon,lat;lon,lat;…[&sources=0;1][&destinations=2][&incident=ID]`
//!   answers `{"code": "Ok", "durations": [[s | null]], "distances": [[m | null]],
//!   "sources": [waypoint], "destinations": [waypoint]}`;
//! - `GET /v1/route?coordinates=lon,lat;lon,lat;…[&incident=ID]` answers
//!   `{"code": "Ok", "routes": [{"duration", "distance", "geometry" (GeoJSON
//!   LineString), "legs": [{"duration", "distance", "ways"}]}], "waypoints": […]}`.
//!
//! A waypoint is `{"location": [lon, lat] (the road node), "distance": metres
//! from the given point}`. Times are seconds and distances metres, as in OSRM;
//! `null` marks an unreachable pair. Without `incident` the scenario's own
//! disruption applies; with it, the incident's closures and slow areas too.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::require;
use super::error::ApiError;
use super::AppState;
use crate::network::matrix::MatrixEngine;
use crate::network::snap::DEFAULT_MAX_SNAP_M;
use crate::network::{EdgeWeights, NodeId, Router, Snapper};
use crate::ops::draft::add_roads;
use crate::progress::Silent;
use crate::store::records::Role;

/// Most coordinates in one request.
pub const MAX_COORDINATES: usize = 1_000;
/// Most cells of one table (sources × destinations).
pub const MAX_CELLS: usize = 250_000;

/// Query of `/v1/table` and `/v1/route`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RoutingQuery {
    /// `lon,lat;lon,lat;…` (WGS84 degrees).
    pub coordinates: String,
    /// Indices of `coordinates` to route from (`0;1`; default all).
    #[serde(default)]
    pub sources: Option<String>,
    /// Indices of `coordinates` to route to (default all).
    #[serde(default)]
    pub destinations: Option<String>,
    /// Incident whose closures and slow areas apply.
    #[serde(default)]
    pub incident: Option<i64>,
}

/// `lon,lat;…` as points, with the field named in errors.
pub fn parse_coordinates(text: &str) -> Result<Vec<[f64; 2]>, ApiError> {
    let bad =
        |k: usize, why: String| ApiError::field("coordinates", format!("coordinates[{k}]: {why}"));
    let pts: Vec<[f64; 2]> = text
        .split(';')
        .enumerate()
        .map(|(k, p)| {
            let (lon, lat) = p
                .split_once(',')
                .ok_or_else(|| bad(k, format!("`{p}` is not lon,lat")))?;
            let num = |s: &str| {
                s.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| bad(k, format!("`{s}` is not a number")))
            };
            let (lon, lat) = (num(lon)?, num(lat)?);
            if lon.abs() > 180.0 || lat.abs() > 90.0 {
                return Err(bad(
                    k,
                    format!("[{lon}, {lat}] is not [lon, lat] within [-180, 180] × [-90, 90]"),
                ));
            }
            Ok([lon, lat])
        })
        .collect::<Result<_, _>>()?;
    if pts.len() < 2 || pts.len() > MAX_COORDINATES {
        return Err(ApiError::field(
            "coordinates",
            format!(
                "coordinates: expected 2 to {MAX_COORDINATES} points `lon,lat;lon,lat…`, got {}",
                pts.len()
            ),
        ));
    }
    Ok(pts)
}

/// `0;2;5` as indices below `n` (all of them when absent).
pub fn parse_indices(text: Option<&str>, n: usize, field: &str) -> Result<Vec<usize>, ApiError> {
    let Some(text) = text.filter(|t| !t.is_empty() && *t != "all") else {
        return Ok((0..n).collect());
    };
    text.split(';')
        .enumerate()
        .map(|(k, s)| {
            s.trim()
                .parse::<usize>()
                .ok()
                .filter(|&i| i < n)
                .ok_or_else(|| {
                    ApiError::field(
                        field,
                        format!(
                            "{field}[{k}]: `{s}` is not an index of coordinates (0 to {})",
                            n - 1
                        ),
                    )
                })
        })
        .collect()
}

/// Edge weights of the base scenario with incident `incident`'s roads.
async fn weights(st: &AppState, incident: Option<i64>) -> Result<EdgeWeights, ApiError> {
    let mut d = st.base.disruption.clone();
    if let Some(id) = incident {
        let inc = st
            .store
            .incident(id)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("no incident {id}")))?;
        add_roads(&mut d, &inc)?;
    }
    let (w, _) = d
        .apply(&st.graph)
        .map_err(|e| ApiError::internal(format!("incident roads: {e}")))?;
    Ok(w)
}

/// Snaps `pts`, as waypoints; 422 naming the point too far from any road.
fn snap(st: &AppState, pts: &[[f64; 2]]) -> Result<(Vec<NodeId>, Vec<Value>), ApiError> {
    let snapper = Snapper::new(&st.graph);
    let mut nodes = Vec::with_capacity(pts.len());
    let mut waypoints = Vec::with_capacity(pts.len());
    for (k, &p) in pts.iter().enumerate() {
        let s = snapper
            .snap(&format!("coordinates[{k}]"), p, DEFAULT_MAX_SNAP_M)
            .map_err(|e| ApiError::field("coordinates", format!("coordinates[{k}]: {e}")))?;
        nodes.push(s.node);
        waypoints.push(json!({
            "location": st.graph.coord(s.node),
            "distance": (s.distance_m * 10.0).round() / 10.0,
        }));
    }
    Ok((nodes, waypoints))
}

/// `GET /v1/table` (viewer).
#[utoipa::path(get, path = "/v1/table", tag = "routing", params(RoutingQuery), responses((status = 200, description = "OSRM-style `{code, durations, distances, sources, destinations}` in seconds and metres")))]
pub async fn table(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    query: Result<Query<RoutingQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    let q = super::error::query(query)?;
    let pts = parse_coordinates(&q.coordinates)?;
    let from = parse_indices(q.sources.as_deref(), pts.len(), "sources")?;
    let to = parse_indices(q.destinations.as_deref(), pts.len(), "destinations")?;
    if from.len() * to.len() > MAX_CELLS {
        return Err(ApiError::field(
            "sources",
            format!(
                "{} × {} cells is over the limit of {MAX_CELLS}",
                from.len(),
                to.len()
            ),
        ));
    }
    let w = weights(&st, q.incident).await?;
    let (nodes, waypoints) = snap(&st, &pts)?;
    let _permit = st.cpu_permit().await?;
    let state = st.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let src: Vec<NodeId> = from.iter().map(|&i| nodes[i]).collect();
        let dst: Vec<NodeId> = to.iter().map(|&i| nodes[i]).collect();
        let router = Router::auto(&state.graph, &w, src.len().min(dst.len()));
        let m = router.matrix(&src, &dst, &Silent);
        let cell = |f: fn(crate::network::matrix::Leg) -> f64| -> Vec<Vec<Value>> {
            (0..src.len())
                .map(|i| {
                    (0..dst.len())
                        .map(|j| {
                            m.get(i, j)
                                .map_or(Value::Null, |l| json!((f(l) * 10.0).round() / 10.0))
                        })
                        .collect()
                })
                .collect()
        };
        json!({
            "code": "Ok",
            "durations": cell(|l| l.seconds),
            "distances": cell(|l| l.metres),
            "sources": from.iter().map(|&i| waypoints[i].clone()).collect::<Vec<_>>(),
            "destinations": to.iter().map(|&i| waypoints[i].clone()).collect::<Vec<_>>(),
        })
    })
    .await
    .map_err(|e| ApiError::internal(format!("table: {e}")))?;
    Ok(Json(answer))
}

/// `GET /v1/route` (viewer): the fastest route through the coordinates in
/// order; 400 with code `no_route` when a leg cannot be driven.
#[utoipa::path(get, path = "/v1/route", tag = "routing", params(RoutingQuery), responses((status = 200, description = "OSRM-style `{code, routes: [{duration, distance, geometry}]}`")))]
pub async fn route(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    query: Result<Query<RoutingQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    let q = super::error::query(query)?;
    if q.sources.is_some() || q.destinations.is_some() {
        return Err(ApiError::field(
            "sources",
            "sources and destinations are for /v1/table; a route visits coordinates in order",
        ));
    }
    let pts = parse_coordinates(&q.coordinates)?;
    let w = weights(&st, q.incident).await?;
    let (nodes, waypoints) = snap(&st, &pts)?;
    let _permit = st.cpu_permit().await?;
    let state = st.clone();
    tokio::task::spawn_blocking(move || {
        let (mut coords, mut legs): (Vec<[f64; 2]>, Vec<Value>) = (Vec::new(), Vec::new());
        let (mut duration, mut distance) = (0.0, 0.0);
        let router = Router::auto(&state.graph, &w, nodes.len().saturating_sub(1));
        for (k, pair) in nodes.windows(2).enumerate() {
            let r = router
                .route(&state.graph, pair[0], pair[1])
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        format!(
                            "no route from coordinates[{k}] to coordinates[{}] on the roads open",
                            k + 1
                        ),
                    )
                    .with_code("no_route")
                })?;
            let c = r.coords(&state.graph);
            coords.extend(if coords.is_empty() { &c[..] } else { &c[1..] });
            duration += r.seconds;
            distance += r.metres;
            legs.push(json!({"duration": r.seconds, "distance": r.metres, "ways": r.ways}));
        }
        Ok(Json(json!({
            "code": "Ok",
            "routes": [{
                "duration": duration,
                "distance": distance,
                "geometry": {"type": "LineString", "coordinates": coords},
                "legs": legs,
            }],
            "waypoints": waypoints,
        })))
    })
    .await
    .map_err(|e| ApiError::internal(format!("route: {e}")))?
}
