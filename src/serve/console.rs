//! The duty officer's web console: the page, its scripts and the vendored map
//! library, all embedded in the binary (the command centre has no internet, so
//! nothing loads from another host), and the map data the page draws: the roads
//! the service routes on, district boundaries, and a stream of events when
//! another officer changes what is available.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use axum::Json;
use serde_json::{json, Value};

use super::auth::require;
use super::error::{ApiError, ErrorBody, PathParam};
use super::AppState;
use crate::store::records::Role;

/// The console's files: path under `/console/`, content type, bytes.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "index.html",
        "text/html; charset=utf-8",
        include_bytes!("../../web/index.html"),
    ),
    (
        "sheet.html",
        "text/html; charset=utf-8",
        include_bytes!("../../web/sheet.html"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../web/app.js"),
    ),
    (
        "api.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../web/api.js"),
    ),
    (
        "sheet.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../web/sheet.js"),
    ),
    (
        "i18n.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../web/i18n.js"),
    ),
    (
        "style.css",
        "text/css; charset=utf-8",
        include_bytes!("../../web/style.css"),
    ),
    (
        "vendor/leaflet-1.9.4/leaflet.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../web/vendor/leaflet-1.9.4/leaflet.js"),
    ),
    (
        "vendor/leaflet-1.9.4/leaflet.css",
        "text/css; charset=utf-8",
        include_bytes!("../../web/vendor/leaflet-1.9.4/leaflet.css"),
    ),
    (
        "vendor/leaflet-1.9.4/LICENSE",
        "text/plain; charset=utf-8",
        include_bytes!("../../web/vendor/leaflet-1.9.4/LICENSE"),
    ),
    (
        "vendor/leaflet-1.9.4/images/marker-icon.png",
        "image/png",
        include_bytes!("../../web/vendor/leaflet-1.9.4/images/marker-icon.png"),
    ),
    (
        "vendor/leaflet-1.9.4/images/marker-icon-2x.png",
        "image/png",
        include_bytes!("../../web/vendor/leaflet-1.9.4/images/marker-icon-2x.png"),
    ),
    (
        "vendor/leaflet-1.9.4/images/marker-shadow.png",
        "image/png",
        include_bytes!("../../web/vendor/leaflet-1.9.4/images/marker-shadow.png"),
    ),
    (
        "vendor/leaflet-1.9.4/images/layers.png",
        "image/png",
        include_bytes!("../../web/vendor/leaflet-1.9.4/images/layers.png"),
    ),
    (
        "vendor/leaflet-1.9.4/images/layers-2x.png",
        "image/png",
        include_bytes!("../../web/vendor/leaflet-1.9.4/images/layers-2x.png"),
    ),
];

/// Headers every console file is sent with: no caching across versions of the
/// binary, and a content security policy that lets the page reach only its own
/// server.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'";

/// `GET /`: to the console.
pub async fn root() -> Redirect {
    Redirect::to("/console/")
}

/// `GET /console/`: the console page.
pub async fn index() -> Response {
    asset_response("index.html")
}

/// `GET /console/{path}`: one of the console's files, or 404 (400 for a path
/// that is not UTF-8 or holds a control character).
pub async fn asset(PathParam(path): PathParam<String>) -> Response {
    asset_response(&path)
}

fn asset_response(path: &str) -> Response {
    match ASSETS.iter().find(|a| a.0 == path) {
        Some((_, ty, bytes)) => (
            [
                (header::CONTENT_TYPE, *ty),
                (header::CACHE_CONTROL, "no-cache"),
                (header::CONTENT_SECURITY_POLICY, CSP),
            ],
            *bytes,
        )
            .into_response(),
        None => ApiError::not_found(format!("no console file {path}")).into_response(),
    }
}

/// Query of `GET /v1/roads`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RoadsQuery {
    /// The map's zoom level (10–17; default 13): lines are simplified to about
    /// a pixel at it, and minor roads are left out below zoom 13 where the
    /// graph knows road classes.
    pub zoom: Option<u8>,
}

/// `GET /v1/roads?zoom=Z`: the roads the service routes on, as polylines per
/// way: `{"zoom", "ways": [[way_id, class rank, [[lon, lat], …]], …]}`.
#[utoipa::path(get, path = "/v1/roads", tag = "console", params(RoadsQuery), responses((status = 200, description = "`{zoom, ways: [[way_id, class rank 0 (motorway)–4 (minor), [[lon, lat], …]], …]}`")))]
pub async fn roads(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    query: Result<Query<RoadsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    let q = super::error::query(query)?;
    let zoom = q.zoom.unwrap_or(13).clamp(10, 17);
    let body = st.roads.get(&st.graph, zoom);
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        body.as_ref().clone(),
    )
        .into_response())
}

/// `GET /v1/districts`: the scenario's district boundaries as GeoJSON
/// (`district` property, MultiPolygons `[lon, lat]`); 404 when it has none.
#[utoipa::path(get, path = "/v1/districts", tag = "console", responses((status = 200, description = "GeoJSON FeatureCollection of MultiPolygons with a `district` property"), (status = 404, description = "the scenario has no district boundaries", body = ErrorBody)))]
pub async fn districts(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    require(&st.store, &headers, Role::Viewer).await?;
    let Some(list) = &st.base.districts else {
        return Err(ApiError::not_found(
            "the scenario has no district boundaries",
        ));
    };
    let features: Vec<Value> = list
        .iter()
        .map(|(name, area)| {
            let polys: Vec<&Vec<Vec<[f64; 2]>>> = area.polygons.iter().map(|p| &p.rings).collect();
            json!({"type": "Feature", "properties": {"district": name},
                "geometry": {"type": "MultiPolygon", "coordinates": polys}})
        })
        .collect();
    Ok(Json(
        json!({"type": "FeatureCollection", "features": features}),
    ))
}

/// `GET /v1/events`: server-sent events, one `change` event (JSON: `kind`,
/// `plan_id`, `incident_id`) whenever a plan is drafted, issued, released or
/// superseded, a trip moves, or an inventory changes; a comment every 15 s
/// keeps the line open. Browsers' `EventSource` cannot send headers, so the
/// token may come as `?token=`.
#[utoipa::path(get, path = "/v1/events", tag = "console", params(("token" = Option<String>, Query, description = "the bearer token (EventSource sends no headers)")), responses((status = 200, description = "text/event-stream: `change` events `{kind, plan_id, incident_id}`", content_type = "text/event-stream")))]
pub async fn events(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Result<impl IntoResponse, ApiError> {
    let mut headers = headers;
    if let Some(t) = q.get("token") {
        let value = format!("Bearer {t}")
            .parse()
            .map_err(|_| ApiError::field("token", "token: not a valid header value"))?;
        headers.insert(header::AUTHORIZATION, value);
    }
    require(&st.store, &headers, Role::Viewer).await?;
    let rx = st.events.subscribe();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        let data = match rx.recv().await {
            Ok(text) => text,
            // A slow reader missed some: tell it to reload everything.
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                r#"{"kind":"lagged"}"#.to_string()
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
        };
        let ev: Result<Event, Infallible> = Ok(Event::default().event("change").data(data));
        Some((ev, rx))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(std::time::Duration::from_secs(15))))
}

/// `GET /v1/me`: the caller's role (`viewer`, `officer` or `admin`), so the
/// console shows only the actions the token may take.
#[utoipa::path(get, path = "/v1/me", tag = "service", responses((status = 200, description = "`{role}`: viewer, officer or admin")))]
pub async fn me(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let caller = require(&st.store, &headers, Role::Viewer).await?;
    Ok(Json(json!({"role": caller.role.as_str()})))
}
