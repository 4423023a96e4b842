//! `reliefflow serve`: the duty officers' service. JSON over HTTP under `/v1/`,
//! coordinates `[lon, lat]`; one road graph loaded at start and shared by every
//! request; planning runs on blocking threads so a long plan never stalls other
//! requests; inventories, incidents, plans and the stock ledger live in the
//! [`crate::store`].

pub mod api_doc;
pub mod auth;
pub mod console;
pub mod diff;
pub mod draft;
pub mod draft_memo;
pub mod error;
pub mod handlers;
pub mod incidents;
pub mod inventory;
pub mod lazy_geojson;
pub mod plans;
pub mod prep_cache;
pub mod replan;
pub mod road_layer;
pub mod routing;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, patch, post};
use axum::Router;

use crate::network::RoadGraph;
use crate::scenario::Scenario;
use crate::store::Store;

/// Largest request body accepted, bytes.
pub const BODY_LIMIT: usize = 1 << 20;

/// What every request shares.
pub struct AppState {
    /// The scenario the service was started on (sites, items, targets, the
    /// scenario's own disruption).
    pub base: Scenario,
    /// Its road graph.
    pub graph: RoadGraph,
    /// The store.
    pub store: Store,
    /// Matrices of recent drafts and trees for warm starts ([`prep_cache::PrepCache`]).
    pub prepared: prep_cache::PrepCache,
    /// Recent drafts by their inputs ([`draft_memo::DraftMemo`]).
    pub drafts: draft_memo::DraftMemo,
    /// Permits for CPU work (plans, tables): one per core, handed out in the
    /// order asked, so a burst of drafts queues fairly instead of every draft
    /// crawling on a share of the cores.
    pub planners: tokio::sync::Semaphore,
    /// The roads the console draws, per zoom ([`road_layer::RoadLayer`]).
    pub roads: road_layer::RoadLayer,
    /// Drafts' GeoJSON still being routed or stored ([`lazy_geojson::Pending`]).
    pub geojson: lazy_geojson::Pending,
    /// Changes announced to the console's event streams (`GET /v1/events`).
    pub events: tokio::sync::broadcast::Sender<String>,
}

impl AppState {
    /// Computes the matrices of the base scenario (every shelter, its own
    /// disruption) and the trees for warm starts on a background thread, so the
    /// first draft of an incident over every shelter finds them ready.
    pub fn warm_up(self: &Arc<Self>) {
        let state = self.clone();
        std::thread::spawn(move || {
            let t = std::time::Instant::now();
            match state.prepared.get(&state.base, &state, false) {
                Ok(_) => tracing::info!(
                    seconds = t.elapsed().as_secs_f64(),
                    "matrices of the base scenario ready"
                ),
                Err(e) => tracing::warn!("matrices of the base scenario: {e}"),
            }
        });
    }

    /// A permit for CPU work ([`AppState::planners`]), waiting in line for it.
    pub async fn cpu_permit(&self) -> Result<tokio::sync::SemaphorePermit<'_>, error::ApiError> {
        self.planners
            .acquire()
            .await
            .map_err(|e| error::ApiError::internal(format!("planner permits: {e}")))
    }

    /// Tells every open event stream that something changed: `kind` (e.g.
    /// `plan_issued`), and the plan and incident concerned (0: none). Nobody
    /// listening is fine.
    pub fn announce(&self, kind: &str, plan_id: i64, incident_id: i64) {
        let text =
            serde_json::json!({"kind": kind, "plan_id": plan_id, "incident_id": incident_id});
        let _ = self.events.send(text.to_string());
    }

    /// Plan `id` from the store, or 404.
    pub async fn plan_or_404(
        &self,
        id: i64,
    ) -> Result<crate::store::records::PlanRecord, error::ApiError> {
        self.store
            .plan(id)
            .await?
            .ok_or_else(|| error::ApiError::not_found(format!("no plan {id}")))
    }

    /// The state of a service on `base`, its `graph` and `store`.
    pub fn new(base: Scenario, graph: RoadGraph, store: Store) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        AppState {
            base,
            graph,
            store,
            prepared: Default::default(),
            drafts: Default::default(),
            planners: tokio::sync::Semaphore::new(cores),
            roads: Default::default(),
            geojson: Default::default(),
            events: tokio::sync::broadcast::channel(256).0,
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
