//! The service's errors as HTTP answers: a status and a JSON body
//! `{"code": "...", "message": "...", "field": "..."}`: `code` is stable, for
//! programs to branch on (as OSRM's error codes); `message` is for a person;
//! `field` names the request field at fault, when one is.

use axum::body::Bytes;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::{JsonRejection, PathRejection, RawPathParamsRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::io::validate::InvalidField;
use crate::scenario::clock::ClockError;
use crate::store::records::PlanConflict;
use crate::store::StoreError;

/// An error answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code: `bad_request`, `unauthorized`, `forbidden`, `not_found`,
    /// `stale_draft`, `wrong_state`, `truck_busy`, `stock_short`,
    /// `incident_has_plan`, `incident_changed`, `inventory_changed`, `conflict`, `busy`,
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

    /// 500: the service's own fault (logged in full; the answer says only
    /// when, so nothing internal reaches the client).
    pub fn internal(what: impl Into<String>) -> Self {
        let what = what.into();
        let reference = crate::store::now_unix();
        tracing::error!(reference, "{what}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("internal error (logged on the server at {reference})"),
        )
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
    /// 500 (503 when the database stayed busy through every retry), logged
    /// in full on the server; the answer never carries the database's text.
    fn from(e: StoreError) -> Self {
        use crate::store::tx::Transient;
        if let StoreError::Invalid(f) = e {
            return f.into();
        }
        if e.transient() {
            tracing::error!("store: {e}");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the store is busy: try again in a moment",
            )
            .with_code("busy")
        } else {
            ApiError::internal(format!("store: {e}"))
        }
    }
}

impl From<InvalidField> for ApiError {
    /// 422 `invalid_field` naming the field, the message led by its name.
    fn from(e: InvalidField) -> Self {
        ApiError::field(e.field.clone(), e.to_string())
    }
}

impl ApiError {
    /// 422 `invalid_field`: `field`, a time, could not be read (`clock`'s
    /// error says what was expected).
    pub fn time(field: &str, e: ClockError) -> Self {
        ApiError::field(field, format!("{field}: {e}"))
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
                    PlanConflict::IncidentHasPlan { .. } => "incident_has_plan",
                    PlanConflict::IncidentChanged { .. } => "incident_changed",
                    PlanConflict::InventoryChanged { .. } => "inventory_changed",
                    _ => "conflict",
                };
                ApiError::new(StatusCode::CONFLICT, other.to_string()).with_code(code)
            }
        }
    }
}

impl From<crate::ops::OpsError> for ApiError {
    fn from(e: crate::ops::OpsError) -> Self {
        use crate::ops::OpsError;
        match e {
            OpsError::NotFound(what) => ApiError::not_found(what),
            OpsError::Conflict(c) => c.into(),
            OpsError::Planner(p) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("plan: {p}"))
            }
            e @ OpsError::StillStale { .. } => {
                ApiError::new(StatusCode::CONFLICT, e.to_string()).with_code("stale_draft")
            }
            OpsError::Store(s) => s.into(),
            OpsError::Internal(what) => ApiError::internal(what),
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

/// An optional JSON request body, for requests that work without one (`POST
/// /v1/incidents/{id}/plans`): `OptionalBody(None)` when the body is absent,
/// empty or only blanks (with or without a `Content-Type`); otherwise it is
/// read as [`Body`] reads it: 400 `bad_request` (field `body`) for malformed
/// JSON, 415 without a JSON content type, 413 over the size cap, 422
/// `invalid_field` naming the field for a missing, unknown or mistyped field.
///
/// ```ignore
/// pub async fn draft(
///     State(st): State<Arc<AppState>>,
///     headers: HeaderMap,
///     PathParam(id): PathParam<i64>,
///     OptionalBody(body): OptionalBody<DraftBody>,
/// ) -> Result<…, ApiError> {
///     let body = body.unwrap_or_default();
/// ```
///
/// Like every body extractor it must be the handler's last argument.
pub struct OptionalBody<T>(pub Option<T>);

#[axum::async_trait]
impl<S, T> FromRequest<S> for OptionalBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|r| ApiError::new(r.status(), r.body_text()))?;
        if bytes.trim_ascii().is_empty() {
            return Ok(OptionalBody(None));
        }
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        let Body(v) = Body::<T>::from_request(req, state).await?;
        Ok(OptionalBody(Some(v)))
    }
}

/// Path parameters (`/v1/plans/{id}`) whose rejections are [`ApiError`]s:
/// 400 `bad_request` with the message `path parameter: …` and `field` the
/// parameter's name (`id`, `trip`) for a value that is not of the expected
/// type (`/v1/plans/abc`) or holds a control character once percent-decoded
/// (`%00`), so no such value reaches the store. Use as axum's `Path`:
/// `PathParam(id): PathParam<i64>`, `PathParam((id, trip)): PathParam<(i64, i64)>`.
pub struct PathParam<T>(pub T);

#[axum::async_trait]
impl<S, T> FromRequestParts<S> for PathParam<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(raw_path_rejection)?;
        let names: Vec<String> = raw.iter().map(|(k, _)| k.to_string()).collect();
        for (name, value) in &raw {
            if let Some((k, c)) = value.chars().enumerate().find(|(_, c)| c.is_control()) {
                return Err(path_error(
                    format!(
                        "`{name}`: control character U+{:04X} at character {}",
                        u32::from(c),
                        k + 1
                    ),
                    Some(name.to_string()),
                ));
            }
        }
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(PathParam(v)),
            Err(r) => Err(path_rejection(r, &names)),
        }
    }
}

/// 400: path parameter `field` is wrong, as `detail` says.
fn path_error(detail: String, field: Option<String>) -> ApiError {
    ApiError {
        status: StatusCode::BAD_REQUEST,
        code: "bad_request",
        message: format!("path parameter: {detail}"),
        field,
    }
}

/// A value of a path quoted in an error: at most 60 characters.
fn quoted(value: &str) -> String {
    let mut v: String = value.chars().take(60).collect();
    if value.chars().nth(60).is_some() {
        v.push('…');
    }
    v
}

/// What people call `expected_type`.
fn kind_name(expected_type: &str) -> &str {
    match expected_type {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" => {
            "a whole number"
        }
        "f32" | "f64" => "a number",
        other => other,
    }
}

/// An axum `Path` rejection as an [`ApiError`]; `names` are the route's
/// parameters in order.
fn path_rejection(r: PathRejection, names: &[String]) -> ApiError {
    let PathRejection::FailedToDeserializePathParams(e) = &r else {
        // MissingPathParams: a handler on a route without parameters.
        return ApiError::internal(format!("path parameters: {}", r.body_text()));
    };
    let bad = |name: Option<&str>, value: &str, expected: &str| {
        let at = name.map_or(String::new(), |n| format!("`{n}`: "));
        path_error(
            format!(
                "{at}expected {}, got `{}`",
                kind_name(expected),
                quoted(value)
            ),
            name.map(str::to_string),
        )
    };
    match e.kind() {
        ErrorKind::ParseErrorAtKey {
            key,
            value,
            expected_type,
        } => bad(Some(key), value, expected_type),
        ErrorKind::ParseErrorAtIndex {
            index,
            value,
            expected_type,
        } => bad(names.get(*index).map(String::as_str), value, expected_type),
        ErrorKind::ParseError {
            value,
            expected_type,
        } => bad(
            (names.len() == 1).then(|| names[0].as_str()),
            value,
            expected_type,
        ),
        ErrorKind::InvalidUtf8InPathParam { key } => path_error(
            format!("`{key}`: not UTF-8 once percent-decoded"),
            Some(key.clone()),
        ),
        ErrorKind::UnsupportedType { .. } => {
            ApiError::internal(format!("path parameters: {}", e.body_text()))
        }
        _ => path_error(e.body_text(), (names.len() == 1).then(|| names[0].clone())),
    }
}

/// A rejection of the raw path parameters as an [`ApiError`].
fn raw_path_rejection(r: RawPathParamsRejection) -> ApiError {
    match r {
        RawPathParamsRejection::InvalidUtf8InPathParam(e) => {
            // "Invalid UTF-8 in `key`": the key is between the backticks.
            let text = e.body_text();
            let key = text.split('`').nth(1).map(str::to_string);
            let at = key.as_ref().map_or(String::new(), |k| format!("`{k}`: "));
            path_error(format!("{at}not UTF-8 once percent-decoded"), key)
        }
        other => ApiError::internal(format!("path parameters: {}", other.body_text())),
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
    if let JsonRejection::JsonSyntaxError(_) = r {
        // "Failed to parse the request body as JSON: name: EOF while …": the
        // body as a whole is at fault.
        let detail = text.split_once("as JSON: ").map_or(text.as_str(), |x| x.1);
        return ApiError {
            status,
            code: code_of(status),
            message: format!("malformed JSON: {detail}"),
            field: Some("body".to_string()),
        };
    }
    // serde's text: "Failed to deserialize the JSON body into the target type:
    // name: invalid type: ..." — the path before the first ": " after the prefix
    // names the field; "missing field `x`" and "unknown field `x`" name it
    // after the path.
    let detail = text
        .split_once("target type: ")
        .map_or(text.as_str(), |x| x.1);
    let (path, rest) = match detail.split_once(": ") {
        Some((f, rest)) if !f.contains(' ') => (Some(f), rest),
        _ => (None, detail),
    };
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .and_then(|r| r.split_once('`'))
        .map(|(name, _)| name);
    // serde_path_to_error's path already ends with an unknown field's name.
    let field = match (path, named) {
        (Some(p), Some(n)) if p != n && !p.ends_with(&format!(".{n}")) => Some(format!("{p}.{n}")),
        (None, Some(n)) => Some(n.to_string()),
        (p, _) => p.map(str::to_string),
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Draft {
        keep: bool,
    }

    async fn optional(body: &str, content_type: Option<&str>) -> Result<Option<Draft>, ApiError> {
        let mut req = Request::builder();
        if let Some(t) = content_type {
            req = req.header("content-type", t);
        }
        let req = req.body(axum::body::Body::from(body.to_string())).unwrap();
        OptionalBody::<Draft>::from_request(req, &())
            .await
            .map(|b| b.0)
    }

    #[tokio::test]
    async fn an_optional_body_may_be_absent_but_not_malformed() {
        assert_eq!(optional("", None).await, Ok(None));
        assert_eq!(optional(" \n", Some("application/json")).await, Ok(None));
        assert_eq!(
            optional("{\"keep\": true}", Some("application/json")).await,
            Ok(Some(Draft { keep: true }))
        );
        let e = optional("{\"keep\": ", Some("application/json"))
            .await
            .unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (400, "bad_request"), "{e:?}");
        assert_eq!(e.field.as_deref(), Some("body"));
        assert!(e.message.starts_with("malformed JSON"), "{e:?}");
        let e = optional("garbage", Some("application/json"))
            .await
            .unwrap_err();
        assert_eq!(e.status.as_u16(), 400, "{e:?}");
        let e = optional("{\"keep\": 1}", Some("application/json"))
            .await
            .unwrap_err();
        assert_eq!(
            (e.status.as_u16(), e.field.as_deref()),
            (422, Some("keep")),
            "{e:?}"
        );
        let e = optional("{\"kept\": true}", Some("application/json"))
            .await
            .unwrap_err();
        assert_eq!(
            (e.status.as_u16(), e.field.as_deref()),
            (422, Some("kept")),
            "{e:?}"
        );
        let e = optional("{}", Some("application/json")).await.unwrap_err();
        assert_eq!(
            (e.status.as_u16(), e.field.as_deref()),
            (422, Some("keep")),
            "{e:?}"
        );
        let e = optional("{\"keep\": true}", None).await.unwrap_err();
        assert_eq!(e.status.as_u16(), 415, "{e:?}");
    }

    #[test]
    fn validation_errors_are_422_naming_the_field() {
        let e = ApiError::from(InvalidField::new(
            "note",
            "5000 characters: a note has at most 2000",
        ));
        assert_eq!((e.status.as_u16(), e.code), (422, "invalid_field"));
        assert_eq!(e.field.as_deref(), Some("note"));
        assert_eq!(e.message, "note: 5000 characters: a note has at most 2000");
    }
}
