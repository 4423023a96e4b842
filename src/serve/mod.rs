//! `reliefflow serve`: the duty officers' service. JSON over HTTP under `/v1/`,
//! coordinates `[lon, lat]`; one road graph loaded at start and shared by every
//! request; planning runs on blocking threads so a long plan never stalls other
//! requests; inventories, incidents, plans and the stock ledger live in the
//! [`crate::store`].

pub mod api_doc;
pub mod audit;
pub mod auth;
pub mod console;
pub mod error;
pub mod handlers;
pub mod incidents;
pub mod inventory;
pub mod plans;
pub mod road_layer;
pub mod routing;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, patch, post};
use axum::Router;

use crate::network::RoadGraph;
use crate::ops::Ops;
use crate::scenario::Scenario;
use crate::store::Store;

/// Largest request body accepted, bytes.
pub const BODY_LIMIT: usize = 1 << 20;

/// How often each server reads the actions other servers (and it) recorded,
/// to tell its event streams, milliseconds.
pub const EVENT_POLL_MS: u64 = 500;

/// What every request shares: the operations of incidents ([`Ops`]: the
/// scenario, graph, store and planning caches) and what only the HTTP side
/// needs.
pub struct AppState {
    /// The operations; their fields read through this state (`st.clock`).
    pub ops: Arc<Ops>,
    /// The store, for what handlers read and write beside the operations
    /// (inventories, tokens, the audit trail); the operations hold the same
    /// pool behind [`crate::ops::store::IncidentStore`].
    pub store: Store,
    /// The roads the console draws, per zoom ([`road_layer::RoadLayer`]).
    pub roads: road_layer::RoadLayer,
    /// Changes announced to the console's event streams (`GET /v1/events`):
    /// every action recorded in the store, by whichever server.
    pub events: tokio::sync::broadcast::Sender<String>,
}

impl std::ops::Deref for AppState {
    type Target = Ops;

    fn deref(&self) -> &Ops {
        &self.ops
    }
}

impl AppState {
    /// Computes the matrices of the base scenario (every shelter, its own
    /// disruption) and the trees for warm starts on a background thread, so the
    /// first draft of an incident over every shelter finds them ready.
    pub fn warm_up(self: &Arc<Self>) {
        let ops = self.ops.clone();
        std::thread::spawn(move || {
            let t = std::time::Instant::now();
            match ops.prepared.get(&ops.base, &ops, false) {
                Ok(_) => tracing::info!(
                    seconds = t.elapsed().as_secs_f64(),
                    "matrices of the base scenario ready"
                ),
                Err(e) => tracing::warn!("matrices of the base scenario: {e}"),
            }
        });
    }

    /// Follows the store's actions (recorded in commit order by every
    /// server on the store) and tells this server's event streams about
    /// each: `{kind, action_id, incident_id, plan_id, trip}`. Starts after
    /// the last action recorded before it starts.
    pub fn follow_actions(self: &Arc<Self>) {
        let state = self.clone();
        tokio::spawn(async move {
            let mut after = match state.store.last_action_id().await {
                Ok(id) => id,
                Err(e) => {
                    tracing::error!("event stream: {e}");
                    0
                }
            };
            let mut tick = tokio::time::interval(std::time::Duration::from_millis(EVENT_POLL_MS));
            loop {
                tick.tick().await;
                match state.store.actions(None, after, 500).await {
                    Ok(list) => {
                        for a in list {
                            after = after.max(a.id);
                            let text = serde_json::json!({
                                "kind": a.kind, "action_id": a.id, "incident_id": a.incident_id,
                                "plan_id": a.plan_id, "trip": a.trip,
                            });
                            let _ = state.events.send(text.to_string());
                        }
                    }
                    Err(e) => tracing::warn!("event stream: {e}"),
                }
            }
        });
    }

    /// The state of a service on `base`, its `graph` and `store`.
    pub fn new(base: Scenario, graph: RoadGraph, store: Store) -> Self {
        AppState {
            ops: Arc::new(Ops::new(base, graph, Arc::new(store.clone()))),
            store,
            roads: Default::default(),
            events: tokio::sync::broadcast::channel(1024).0,
        }
    }
}

/// The service's routes.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(console::root))
        .route("/console/", get(console::index))
        .route("/console/*path", get(console::asset))
        .route("/v1/roads", get(console::roads))
        .route("/v1/districts", get(console::districts))
        .route("/v1/events", get(console::events))
        .route("/v1/me", get(console::me))
        .route("/v1/health", get(handlers::health))
        .route("/v1/audit", get(audit::audit))
        .route("/v1/openapi.json", get(openapi))
        .route("/v1/table", get(routing::table))
        .route("/v1/route", get(routing::route))
        .route("/v1/warehouses", get(handlers::warehouses))
        .route("/v1/shelters", get(handlers::shelters))
        .route("/v1/shelters/counts", post(inventory::upload_counts))
        .route("/v1/shelters/:id", patch(inventory::patch_shelter))
        .route("/v1/warehouses/:id", patch(inventory::patch_warehouse))
        .route("/v1/warehouses/:id/stocktake", post(inventory::stocktake))
        .route(
            "/v1/incidents",
            post(incidents::create_incident).get(incidents::list_incidents),
        )
        .route("/v1/incidents/:id", get(incidents::incident))
        .route(
            "/v1/incidents/:id/disruptions",
            post(incidents::extend_incident),
        )
        .route(
            "/v1/incidents/:id/plans",
            post(plans::draft).get(plans::list),
        )
        .route("/v1/plans/:id", get(plans::get_plan))
        .route("/v1/plans/:id/trips.csv", get(plans::trips_csv))
        .route("/v1/plans/:id/plan.geojson", get(plans::geojson))
        .route("/v1/plans/:id/trips", get(plans::trips))
        .route("/v1/plans/:id/trips/:trip/depart", post(plans::depart))
        .route("/v1/plans/:id/trips/:trip/deliver", post(plans::deliver))
        .route("/v1/plans/:id/replan", post(plans::replan))
        .route("/v1/plans/:id/issue", post(plans::issue))
        .route("/v1/plans/:id/release", post(plans::release))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(refuse_declared_oversize))
        .with_state(state)
}

/// 413 at once for a body whose declared length is over [`BODY_LIMIT`] (a body
/// of unknown length is cut at the limit while it is read).
async fn refuse_declared_oversize(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(len) if len > BODY_LIMIT as u64 => error::ApiError::new(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body of {len} bytes is over the limit of {BODY_LIMIT} bytes"),
        )
        .into_response(),
        _ => next.run(req).await,
    }
}

/// `GET /v1/openapi.json`: the OpenAPI 3 document of the service, generated
/// from the handlers ([`api_doc::ApiDoc`]) once.
#[utoipa::path(get, path = "/v1/openapi.json", tag = "service", security(()), responses((status = 200, description = "this document")))]
pub async fn openapi() -> impl axum::response::IntoResponse {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        DOC.get_or_init(api_doc::json).clone(),
    )
}

/// Serves `state` on `listener` until `shutdown` resolves.
pub async fn serve(
    state: Arc<AppState>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
