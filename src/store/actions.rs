//! The audit trail: every action the service takes (an incident created, a
//! plan drafted, issued, superseded or released, a trip departed or delivered,
//! an inventory changed, a token created or revoked), with who, when and what
//! it concerned, in commit order.
//!
//! Each write transaction records its action with [`record_action`] as its last
//! statement before the commit: the action's id comes from `meta.next_id`,
//! whose row stays locked until the commit, so ids are handed out in the order
//! transactions commit and a reader paging with `after` never skips one.

use serde::Serialize;
use sqlx::Row;

use super::caller::Role;
use super::{next_id, Store, StoreError};

/// One recorded action, as read back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    /// Action id (increasing in commit order).
    pub id: i64,
    /// When, seconds since 1970 UTC.
    pub at_unix: i64,
    /// The same time as RFC 3339 UTC (`2025-03-01T02:10:00Z`).
    pub at: String,
    /// The token that did it (0: the command line, no token).
    pub token_id: i64,
    /// That token's label (`None` for token 0).
    pub token_label: Option<String>,
    /// That token's role (`None` for token 0).
    pub role: Option<Role>,
    /// What was done: `incident_created`, `plan_issued`, `token_created` …
    pub kind: String,
    /// The incident concerned (0: none).
    pub incident_id: i64,
    /// The plan concerned (0: none).
    pub plan_id: i64,
    /// The trip concerned, within the plan (0: none).
    pub trip: i64,
    /// More about it (JSON; `null` when nothing more was recorded).
    pub detail: serde_json::Value,
}

/// Records an action in write transaction `tx` and returns its id: `kind` done
/// by token `by_token_id` (0: the command line) at `now` (seconds since 1970
/// UTC) on incident `incident`, plan `plan` and its trip `trip` (0 for each
/// that does not apply), with `detail` (`Value::Null`: nothing more).
///
/// Call it LAST in the transaction, just before the commit: it takes the
/// action's id from `meta.next_id`, and taking it last is what keeps action
/// ids in commit order.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_action(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    by_token_id: i64,
    kind: &str,
    incident: i64,
    plan: i64,
    trip: i64,
    detail: &serde_json::Value,
    now: i64,
) -> Result<i64, StoreError> {
    let detail = if detail.is_null() {
        String::new()
    } else {
        detail.to_string()
    };
    let id = next_id(tx).await?;
    sqlx::query(
        "INSERT INTO actions (id, at_unix, token_id, kind, incident_id, plan_id, trip, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(now)
    .bind(by_token_id)
    .bind(kind)
    .bind(incident)
    .bind(plan)
    .bind(trip)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

impl Store {
    /// The actions after action id `after` (0: from the first), oldest first, at
    /// most `limit` of them: those of incident `incident` when given, else every
    /// action (those of no incident, such as token changes, included).
    pub async fn actions(
        &self,
        incident: Option<i64>,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Action>, StoreError> {
        const SELECT: &str = "SELECT a.id AS id, a.at_unix AS at_unix, a.token_id AS token_id, \
             t.label AS token_label, t.role AS role, a.kind AS kind, a.incident_id AS incident_id, \
             a.plan_id AS plan_id, a.trip AS trip, a.detail AS detail \
             FROM actions a LEFT JOIN tokens t ON t.id = a.token_id";
        let limit = limit.max(0);
        let rows = match incident {
            Some(incident) => {
                sqlx::query(&format!(
                    "{SELECT} WHERE a.incident_id = $1 AND a.id > $2 ORDER BY a.id LIMIT $3"
                ))
                .bind(incident)
                .bind(after)
                .bind(limit)
                .fetch_all(self.pool())
                .await?
            }
            None => {
                sqlx::query(&format!("{SELECT} WHERE a.id > $1 ORDER BY a.id LIMIT $2"))
                    .bind(after)
                    .bind(limit)
                    .fetch_all(self.pool())
                    .await?
            }
        };
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                let at_unix: i64 = r.try_get("at_unix")?;
                let role = match r.try_get::<Option<String>, _>("role")? {
                    None => None,
                    Some(s) => Some(Role::parse(&s).ok_or_else(|| {
                        StoreError::Corrupt(format!("action {id}: token role `{s}`"))
                    })?),
                };
                let detail: String = r.try_get("detail")?;
                let detail = if detail.is_empty() {
                    serde_json::Value::Null
                } else {
                    serde_json::from_str(&detail)
                        .map_err(|e| StoreError::Corrupt(format!("action {id} detail: {e}")))?
                };
                Ok(Action {
                    id,
                    at_unix,
                    at: utc_rfc3339(at_unix),
                    token_id: r.try_get("token_id")?,
                    token_label: r.try_get("token_label")?,
                    role,
                    kind: r.try_get("kind")?,
                    incident_id: r.try_get("incident_id")?,
                    plan_id: r.try_get("plan_id")?,
                    trip: r.try_get("trip")?,
                    detail,
                })
            })
            .collect()
    }
}

/// (year, month, day, hour, minute, second) of `unix` seconds since 1970 UTC
/// (the proleptic Gregorian calendar; H. Hinnant's `civil_from_days`).
fn civil(unix: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        (secs / 3_600) as u32,
        (secs % 3_600 / 60) as u32,
        (secs % 60) as u32,
    )
}

/// `unix` seconds since 1970 as RFC 3339 UTC: `2025-03-01T02:10:00Z`.
pub fn utc_rfc3339(unix: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(unix);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// `unix` seconds since 1970 to the minute, for people: `2025-03-01 02:10 UTC`.
pub fn utc_minutes(unix: i64) -> String {
    let (y, mo, d, h, mi, _) = civil(unix);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02} UTC")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times_are_written_in_utc() {
        assert_eq!(utc_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_rfc3339(1_740_795_000), "2025-03-01T02:10:00Z");
        assert_eq!(utc_minutes(1_740_795_059), "2025-03-01 02:10 UTC");
        assert_eq!(utc_rfc3339(4_102_444_799), "2099-12-31T23:59:59Z");
        assert_eq!(utc_rfc3339(-1), "1969-12-31T23:59:59Z");
    }

    #[tokio::test]
    async fn actions_read_back_in_order_with_their_token() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("s.sqlite").display());
        let store = Store::open(&url).await.unwrap();
        // Token creation records `token_created` (by the command line, token 0).
        let _ = store
            .create_token(Role::Officer, "desk 1", None)
            .await
            .unwrap();
        let officer = store.list_tokens().await.unwrap()[0].id;
        let mut ids = Vec::new();
        for (kind, incident, plan, trip, detail) in [
            ("incident_created", 7, 0, 0, json!({"name": "north"})),
            ("plan_drafted", 7, 9, 0, serde_json::Value::Null),
            ("shelter_changed", 0, 0, 0, json!({"shelter": "bj0"})),
            ("trip_departed", 7, 9, 3, json!({})),
        ] {
            let mut tx = store.begin_write().await.unwrap();
            let id = record_action(&mut tx, officer, kind, incident, plan, trip, &detail, 1_000)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            ids.push(id);
        }
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");

        let all = store.actions(None, 0, 500).await.unwrap();
        let kinds: Vec<&str> = all.iter().map(|a| a.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "token_created",
                "incident_created",
                "plan_drafted",
                "shelter_changed",
                "trip_departed"
            ]
        );
        assert!(all.windows(2).all(|w| w[0].id < w[1].id));
        let created = &all[0];
        assert_eq!((created.token_id, created.role), (0, None));
        assert_eq!(created.token_label, None);
        assert_eq!(created.detail["token_id"], officer);
        assert_eq!(created.detail["label"], "desk 1");
        assert_eq!(created.detail["role"], "officer");
        assert_eq!(created.detail["expires_unix"], serde_json::Value::Null);

        let mine = store.actions(Some(7), 0, 500).await.unwrap();
        assert_eq!(mine.len(), 3);
        assert_eq!(mine[0].id, ids[0]);
        assert_eq!(mine[0].token_label.as_deref(), Some("desk 1"));
        assert_eq!(mine[0].role, Some(Role::Officer));
        assert_eq!(mine[0].at, "1970-01-01T00:16:40Z");
        assert_eq!(mine[0].detail, json!({"name": "north"}));
        assert_eq!(mine[1].detail, serde_json::Value::Null);
        assert_eq!((mine[2].plan_id, mine[2].trip), (9, 3));
        // Paging: after an id, and a limit.
        let page = store.actions(Some(7), ids[0], 1).await.unwrap();
        assert_eq!(page.len(), 1);
        assert_eq!(page[0].id, ids[1]);
        assert!(store.actions(Some(8), 0, 500).await.unwrap().is_empty());
        assert!(store.actions(None, ids[3], 500).await.unwrap().is_empty());
    }
}
