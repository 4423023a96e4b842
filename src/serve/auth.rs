//! Bearer tokens: every request but the health check carries one; writes need an
//! officer's.

use axum::http::{HeaderMap, StatusCode};

use super::error::ApiError;
use crate::store::records::{Caller, Role};
use crate::store::tokens::TokenError;
use crate::store::Store;

/// The caller of a request with `headers`, if its token has at least `need`:
/// 401 without a token, or with one unknown, revoked or expired (the message
/// says which); 403 when its role is below `need`.
pub async fn require(store: &Store, headers: &HeaderMap, need: Role) -> Result<Caller, ApiError> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "missing `Authorization: Bearer <token>` (create one with `reliefflow serve token create`)",
            )
        })?;
    let caller = store.caller(token).await.map_err(|e| match e {
        TokenError::Store(e) => ApiError::from(e),
        // "unknown token", "token revoked (at …)", "token expired at … UTC".
        refused => ApiError::new(StatusCode::UNAUTHORIZED, refused.to_string()),
    })?;
    if caller.role < need {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "a {} token may not do this (needs {})",
                caller.role.as_str(),
                need.as_str()
            ),
        ));
    }
    Ok(caller)
}
