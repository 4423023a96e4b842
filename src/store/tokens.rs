//! Bearer tokens in the store: created with a role, a label and an optional
//! expiry, refused once revoked or expired; the store keeps only each token's
//! SHA-256. Creating and revoking one are recorded in the audit trail
//! ([`super::actions`]).

use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::actions::{record_action, utc_minutes};
use super::caller::{Caller, Role};
use super::{next_id, now_unix, Store, StoreError};

/// A token as listed (never its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    /// Token id (the `token_id` of the actions it took).
    pub id: i64,
    /// Its role.
    pub role: Role,
    /// Who or what it is for.
    pub label: String,
    /// When it was created, seconds since 1970 UTC.
    pub created_unix: i64,
    /// When it stops working, seconds since 1970 UTC (`None`: never).
    pub expires_unix: Option<i64>,
    /// When it was revoked, seconds since 1970 UTC (`None`: not revoked).
    pub revoked_unix: Option<i64>,
}

impl TokenInfo {
    /// Its state at `now` (seconds since 1970 UTC): `revoked`, `expired` or
    /// `active`.
    pub fn state(&self, now: i64) -> &'static str {
        if self.revoked_unix.is_some() {
            "revoked"
        } else if self.expires_unix.is_some_and(|t| now >= t) {
            "expired"
        } else {
            "active"
        }
    }
}

/// Why a bearer token stands for no caller.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// No token with this hash.
    #[error("unknown token")]
    Unknown,
    /// The token was revoked.
    #[error("token revoked (at {})", utc_minutes(*.at))]
    Revoked {
        /// Token id.
        id: i64,
        /// When it was revoked, seconds since 1970 UTC.
        at: i64,
    },
    /// The token is past its expiry.
    #[error("token expired at {}", utc_minutes(*.at))]
    Expired {
        /// Token id.
        id: i64,
        /// When it expired, seconds since 1970 UTC.
        at: i64,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for TokenError {
    fn from(e: sqlx::Error) -> Self {
        TokenError::Store(StoreError::Database(e))
    }
}

/// SHA-256 hex of a token.
fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A stored `*_unix` column where 0 means "not set".
fn unless_zero(t: i64) -> Option<i64> {
    (t != 0).then_some(t)
}

impl Store {
    /// Stores a new token of `role` for `label` that stops working at `expires`
    /// (seconds since 1970 UTC; `None`: never) and returns it (the only time
    /// it is seen: the store keeps its hash). Records the action
    /// `token_created` (by token 0, the command line; the new token's id,
    /// label, role and expiry in its detail).
    pub async fn create_token(
        &self,
        role: Role,
        label: &str,
        expires: Option<i64>,
    ) -> Result<String, StoreError> {
        use rand::RngCore;
        let mut bytes = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let token = format!("rf_{hex}");
        // 0 is "never" in the store: an expiry at or before 1970 is 1 s after.
        let expires_unix = expires.map_or(0, |t| t.max(1));
        let now = now_unix();
        let mut tx = self.begin_write().await?;
        let id = next_id(&mut tx).await?;
        sqlx::query(
            "INSERT INTO tokens (id, hash, role, label, created_unix, expires_unix, revoked_unix) \
             VALUES ($1, $2, $3, $4, $5, $6, 0)",
        )
        .bind(id)
        .bind(token_hash(&token))
        .bind(role.as_str())
        .bind(label)
        .bind(now)
        .bind(expires_unix)
        .execute(&mut *tx)
        .await?;
        let detail = json!({
            "token_id": id,
            "label": label,
            "role": role.as_str(),
            "expires_unix": unless_zero(expires_unix),
        });
        record_action(&mut tx, 0, "token_created", 0, 0, 0, &detail, now).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The caller `token` stands for: refused when it is unknown, revoked or
    /// past its expiry.
    pub async fn caller(&self, token: &str) -> Result<Caller, TokenError> {
        let row =
            sqlx::query("SELECT id, role, expires_unix, revoked_unix FROM tokens WHERE hash = $1")
                .bind(token_hash(token))
                .fetch_optional(self.pool())
                .await?;
        let Some(row) = row else {
            return Err(TokenError::Unknown);
        };
        let id: i64 = row.try_get("id")?;
        let revoked: i64 = row.try_get("revoked_unix")?;
        if revoked != 0 {
            return Err(TokenError::Revoked { id, at: revoked });
        }
        let expires: i64 = row.try_get("expires_unix")?;
        if expires != 0 && now_unix() >= expires {
            return Err(TokenError::Expired { id, at: expires });
        }
        let role: String = row.try_get("role")?;
        Ok(Caller {
            token_id: id,
            role: Role::parse(&role)
                .ok_or_else(|| StoreError::Corrupt(format!("token {id} role `{role}`")))?,
        })
    }

    /// Every token, oldest first (revoked and expired ones included).
    pub async fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, role, label, created_unix, expires_unix, revoked_unix FROM tokens ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                let role: String = r.try_get("role")?;
                Ok(TokenInfo {
                    id,
                    role: Role::parse(&role)
                        .ok_or_else(|| StoreError::Corrupt(format!("token {id} role `{role}`")))?,
                    label: r.try_get("label")?,
                    created_unix: r.try_get("created_unix")?,
                    expires_unix: unless_zero(r.try_get("expires_unix")?),
                    revoked_unix: unless_zero(r.try_get("revoked_unix")?),
                })
            })
            .collect()
    }

    /// Revokes token `id`: requests with it are refused from now on. False
    /// when there is no such token. Records the action `token_revoked` (by
    /// token 0, the command line; the token's id, label and role in its
    /// detail); a token revoked already keeps its first revocation, and
    /// nothing more is recorded.
    pub async fn revoke_token(&self, id: i64) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT role, label, revoked_unix FROM tokens WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else { return Ok(false) };
        if row.try_get::<i64, _>("revoked_unix")? != 0 {
            return Ok(true);
        }
        let now = now_unix();
        sqlx::query("UPDATE tokens SET revoked_unix = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let detail = json!({
            "token_id": id,
            "label": row.try_get::<String, _>("label")?,
            "role": row.try_get::<String, _>("role")?,
        });
        record_action(&mut tx, 0, "token_revoked", 0, 0, 0, &detail, now).await?;
        tx.commit().await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store(dir: &tempfile::TempDir) -> Store {
        let url = format!("sqlite://{}", dir.path().join("s.sqlite").display());
        Store::open(&url).await.unwrap()
    }

    #[tokio::test]
    async fn tokens_are_created_listed_revoked_and_expire() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let now = now_unix();
        let officer = store
            .create_token(Role::Officer, "desk 1", None)
            .await
            .unwrap();
        let viewer = store
            .create_token(Role::Viewer, "wall screen", Some(now + 3_600))
            .await
            .unwrap();
        let old = store
            .create_token(Role::Admin, "yesterday", Some(now - 60))
            .await
            .unwrap();
        assert!(
            officer.starts_with("rf_") && officer.len() == 51,
            "{officer}"
        );

        let list = store.list_tokens().await.unwrap();
        assert_eq!(list.len(), 3);
        let (o, v, a) = (&list[0], &list[1], &list[2]);
        assert_eq!((o.role, o.label.as_str()), (Role::Officer, "desk 1"));
        assert_eq!((o.expires_unix, o.revoked_unix), (None, None));
        assert_eq!(v.expires_unix, Some(now + 3_600));
        assert!(o.id < v.id && v.id < a.id);
        assert!((now..now + 5).contains(&o.created_unix));
        assert_eq!(
            (o.state(now), v.state(now), a.state(now)),
            ("active", "active", "expired")
        );
        // The list never carries the hash.
        let text = serde_json::to_string(&list).unwrap();
        assert!(!text.contains(&token_hash(&officer)) && !text.contains("hash"));

        let c = store.caller(&officer).await.unwrap();
        assert_eq!((c.token_id, c.role), (o.id, Role::Officer));
        assert_eq!(store.caller(&viewer).await.unwrap().role, Role::Viewer);
        match store.caller(&old).await {
            Err(TokenError::Expired { id, at }) => assert_eq!((id, at), (a.id, now - 60)),
            other => panic!("{other:?}"),
        }
        let e = store.caller(&old).await.unwrap_err().to_string();
        assert_eq!(e, format!("token expired at {}", utc_minutes(now - 60)));
        assert!(matches!(
            store.caller("rf_nothing").await,
            Err(TokenError::Unknown)
        ));

        assert!(store.revoke_token(o.id).await.unwrap());
        assert!(store.revoke_token(o.id).await.unwrap());
        assert!(!store.revoke_token(999_999).await.unwrap());
        let e = store.caller(&officer).await.unwrap_err();
        assert!(
            matches!(e, TokenError::Revoked { id, .. } if id == o.id),
            "{e}"
        );
        assert!(e.to_string().starts_with("token revoked"), "{e}");
        let o = store.list_tokens().await.unwrap()[0].clone();
        let at = o.revoked_unix.unwrap();
        assert!((now..now + 5).contains(&at));
        assert_eq!(o.state(now), "revoked");

        // Each creation and the one revocation are in the audit trail.
        let actions = store.actions(None, 0, 500).await.unwrap();
        let kinds: Vec<&str> = actions.iter().map(|a| a.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "token_created",
                "token_created",
                "token_created",
                "token_revoked"
            ]
        );
        assert_eq!(actions[1].detail["expires_unix"], now + 3_600);
        assert_eq!(actions[3].detail["token_id"], o.id);
        assert_eq!(actions[3].detail["label"], "desk 1");
        assert_eq!(actions[3].at_unix, at);
        // Action ids come after the ids they were recorded with.
        assert!(actions[0].id > list[0].id && actions[0].id < list[1].id);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn store_files_are_for_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.sqlite");
        let wal = dir.path().join("s.sqlite-wal");
        let shm = dir.path().join("s.sqlite-shm");
        // A new store.
        let s = store(&dir).await;
        s.create_token(Role::Viewer, "", None).await.unwrap();
        for p in [&db, &wal, &shm] {
            assert!(p.exists(), "{}", p.display());
            assert_eq!(mode(p), 0o600, "{}", p.display());
        }
        s.pool().close().await;
        s.writer().close().await;
        // A store left readable by others is tightened when opened.
        for p in [&db, &wal, &shm] {
            if p.exists() {
                std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o644)).unwrap();
            }
        }
        // Never truncate a shared-memory file another connection may still
        // map (that is a SIGBUS): create it only when SQLite removed it.
        if !shm.exists() {
            std::fs::write(&shm, b"").unwrap();
        }
        std::fs::set_permissions(&shm, std::fs::Permissions::from_mode(0o666)).unwrap();
        let s = store(&dir).await;
        assert_eq!(s.list_tokens().await.unwrap().len(), 1);
        for p in [&db, &wal, &shm] {
            if p.exists() {
                assert_eq!(mode(p), 0o600, "{}", p.display());
            }
        }
        assert_eq!(mode(&db), 0o600);
    }
}
