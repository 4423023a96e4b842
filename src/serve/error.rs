//! The service's errors as HTTP answers: a status and a JSON body
//! `{"code": "...", "message": "...", "field": "..."}`: `code` is stable, for
//! programs to branch on (as OSRM's error codes); `message` is for a person;
//! `field` names the request field at fault, when one is.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::store::records::PlanConflict;
use crate::store::StoreError;

/// An error answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code: `bad_request`, `unauthorized`, `forbidden`, `not_found`,
    /// `stale_draft`, `wrong_state`, `truck_busy`, `stock_short`, `conflict`,
    /// `too_large`, `unsupported_media_type`, `invalid_field`, `internal`.
    pub code: &'static str,
    /// What went wrong, for a person.
    pub message: String,
    /// The request field at fault, when one is.
    pub field: Option<String>,
}

impl ApiError {
    /// An error of `status` saying `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code_of(status),
            message: message.into(),
            field: None,
        }
    }

    /// The same error with code `code`.
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    /// 422: field `field` is invalid.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid_field",
            message: message.into(),
            field: Some(field.into()),
        }
    }

    /// 404: no such thing.
    pub fn not_found(what: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, what)
    }

    /// 500: the service's own fault (logged).
    pub fn internal(what: impl Into<String>) -> Self {
        let what = what.into();
        tracing::error!("{what}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, what)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = match &self.field {
            Some(f) => json!({"code": self.code, "message": self.message, "field": f}),
            None => json!({"code": self.code, "message": self.message}),
        };
        (self.status, axum::Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!("store: {e}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("store: {e}"))
    }
}

impl From<PlanConflict> for ApiError {
    fn from(e: PlanConflict) -> Self {
        match e {
            PlanConflict::Missing(_) | PlanConflict::MissingTrip(..) => {
                ApiError::not_found(e.to_string())
            }
            PlanConflict::Store(s) => s.into(),
            other => {
                let code = match other {
                    PlanConflict::Stale { .. } => "stale_draft",
                    PlanConflict::State { .. } | PlanConflict::TripState { .. } => "wrong_state",
                    PlanConflict::TruckBusy { .. } => "truck_busy",
                    PlanConflict::Short { .. } | PlanConflict::NotOnHand { .. } => "stock_short",
                    _ => "conflict",
                };
                ApiError::new(StatusCode::CONFLICT, other.to_string()).with_code(code)
            }
        }
    }
}

/// A JSON request body whose rejections are [`ApiError`]s: 400 for malformed
/// JSON, 415 without a JSON content type, 413 over the size cap, 422 when a field
/// is missing or of the wrong type (serde's message names it).
pub struct Body<T>(pub T);

#[axum::async_trait]
impl<S, T> FromRequest<S> for Body<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(rejection) => Err(reject(rejection)),
        }
    }
}

/// The parameters of a query string, or 400 naming what could not be read.
pub fn query<T>(
    q: Result<axum::extract::Query<T>, axum::extract::rejection::QueryRejection>,
) -> Result<T, ApiError> {
    q.map(|axum::extract::Query(v)| v)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))
}

fn reject(r: JsonRejection) -> ApiError {
    let status = r.status();
    let text = r.body_text();
    // serde's text: "Failed to deserialize the JSON body into the target type:
    // name: invalid type: ..." — the path before the first ": " after the prefix
    // names the field.
    let detail = text
        .split_once("target type: ")
        .map_or(text.as_str(), |x| x.1);
    let field = detail
        .split_once(": ")
        .map(|(f, _)| f)
        .filter(|f| !f.contains(' '))
        .map(str::to_string);
    ApiError {
        status,
        code: if field.is_some() && status == StatusCode::UNPROCESSABLE_ENTITY {
            "invalid_field"
        } else {
            code_of(status)
        },
        message: detail.to_string(),
        field,
    }
}

/// The code of an error of `status` with nothing more specific to say.
fn code_of(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        413 => "too_large",
        415 => "unsupported_media_type",
        422 => "invalid_field",
        s if s >= 500 => "internal",
        _ => "bad_request",
    }
}

/// The body of every error answer (4xx, 5xx).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable code (`not_found`, `bad_request`, `stale_draft`, `truck_busy` …).
    pub code: String,
    /// What went wrong, for a person.
    pub message: String,
    /// The request field at fault, when one is.
    pub field: Option<String>,
}
