//! The service's OpenAPI 3 document, generated from the handlers' own
//! `#[utoipa::path]` annotations and request types (`GET /v1/openapi.json`); a
//! test checks that it lists exactly the router's routes and methods.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{audit, console, handlers, incidents, inventory, plans, routing};

/// The document's root: every path, the request schemas, bearer security.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "reliefflow duty-officer service",
        description = "Incidents, dispatch plans issued against a shared stock ledger, re-plans, and an OSRM-style router. JSON under /v1/, coordinates [lon, lat], hours after the event unless a field says _unix (seconds since 1970 UTC). Errors: {code, message, field}."
    ),
    servers((url = "http://127.0.0.1:8080", description = "the default listen address")),
    paths(
        handlers::health,
        super::openapi,
        console::me,
        console::roads,
        console::districts,
        console::events,
        handlers::warehouses,
        handlers::shelters,
        inventory::patch_shelter,
        inventory::upload_counts,
        inventory::patch_warehouse,
        inventory::stocktake,
        incidents::create_incident,
        incidents::list_incidents,
        incidents::incident,
        incidents::extend_incident,
        plans::draft,
        plans::list,
        plans::get_plan,
        plans::trips,
        plans::trips_csv,
        plans::geojson,
        plans::depart,
        plans::deliver,
        plans::replan,
        plans::issue,
        plans::release,
        routing::table,
        routing::route,
        audit::audit,
    ),
    components(schemas(super::error::ErrorBody)),
    modifiers(&Bearer),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// Adds the bearer-token scheme every route but `/v1/health` and
/// `/v1/openapi.json` needs (`Authorization: Bearer rf_…`).
struct Bearer;

impl Modify for Bearer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "a token from `reliefflow serve token create --role viewer|officer|admin`",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document as JSON text.
pub fn json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serialises")
}
