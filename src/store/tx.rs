//! How every write transaction of the store holds under any interleaving, on
//! one server or several sharing a PostgreSQL database.
//!
//! **One lock order.** A transaction takes the row locks it needs in this
//! order, and only in this order:
//!
//! 1. the incident row ([`lock_incident`]),
//! 2. plan rows, by ascending id ([`lock_plans`]),
//! 3. warehouse rows, by ascending id ([`lock_warehouses`]): every change to a
//!    warehouse's stock on hand, its running totals (`holds`), its fleet or the
//!    trucks booked at it happens under its row lock,
//! 4. shelter rows (their counts),
//! 5. last, the id counter `meta.next_id` ([`ids`]), held to commit: ids of
//!    ledger events and actions are therefore in commit order, which is what
//!    lets every server follow the `actions` table as its event stream.
//!
//! A lock is taken by a no-op `UPDATE` of the row (SQLite has no `SELECT … FOR
//! UPDATE`; on SQLite the single writer connection serialises writers anyway).
//! Reads made after the locks see the latest committed rows (PostgreSQL's READ
//! COMMITTED takes a fresh snapshot per statement), so a check and the write it
//! guards cannot be split by another transaction. State changes are also
//! conditional (`… WHERE state = 'reserved'`, counting the rows changed), so a
//! transition applies once even if the locks were ever missed.
//!
//! **Retried inside the store.** A deadlock or serialisation failure
//! (PostgreSQL 40P01, 40001) or a busy SQLite database is retried with a short
//! random back-off ([`retrying`]); callers never see them.

use std::collections::BTreeSet;
use std::future::Future;
use std::time::Duration;

use sqlx::Row;

use super::StoreError;

/// A write transaction.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Attempts of a transaction that hits a deadlock, a serialisation failure or
/// a busy database before its error is given back.
pub const ATTEMPTS: usize = 8;

/// True for a database error that a fresh attempt of the same transaction
/// may not meet again: PostgreSQL's deadlock (40P01), serialisation failure
/// (40001) and lock timeout (55P03); SQLite's busy and locked (5, 6).
pub fn is_transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            let code = d.code();
            matches!(
                code.as_deref(),
                Some("40P01" | "40001" | "55P03" | "5" | "6" | "517" | "261" | "262")
            ) || d.message().contains("database is locked")
        }
        sqlx::Error::PoolTimedOut => true,
        _ => false,
    }
}

/// Something an error of a transaction can say about itself: whether it is
/// worth another attempt.
pub trait Transient {
    /// True when the same transaction may succeed if run again.
    fn transient(&self) -> bool;
}

impl Transient for StoreError {
    fn transient(&self) -> bool {
        matches!(self, StoreError::Database(e) if is_transient(e))
    }
}

/// Runs `attempt` (one whole transaction) until it succeeds, fails for a
/// reason that is not transient, or [`ATTEMPTS`] attempts were made; waits
/// 5–40 ms (random, growing) between attempts.
pub async fn retrying<T, E, F, Fut>(mut attempt: F) -> Result<T, E>
where
    E: Transient + std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut k = 0;
    loop {
        match attempt().await {
            Err(e) if e.transient() && k + 1 < ATTEMPTS => {
                k += 1;
                let ms = rand::random::<u64>() % (5 * (1 << k.min(3))) + 5;
                tracing::debug!(attempt = k, "transaction retried after: {e}");
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            other => return other,
        }
    }
}

/// Locks incident `id`'s row; its live plan and version, `None` if there is
/// no such incident.
pub async fn lock_incident(tx: &mut Tx, id: i64) -> Result<Option<(i64, i64)>, sqlx::Error> {
    let n = sqlx::query("UPDATE incidents SET live_plan = live_plan WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Ok(None);
    }
    let r = sqlx::query("SELECT live_plan, version FROM incidents WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(Some((r.try_get("live_plan")?, r.try_get("version")?)))
}

/// Locks the rows of plans `ids` (0 left out), by ascending id.
pub async fn lock_plans(tx: &mut Tx, ids: &[i64]) -> Result<(), sqlx::Error> {
    let ids: BTreeSet<i64> = ids.iter().copied().filter(|&i| i != 0).collect();
    for id in ids {
        sqlx::query("UPDATE plans SET changed_unix = changed_unix WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Locks the rows of warehouses `ids`, by ascending id.
pub async fn lock_warehouses<'a>(
    tx: &mut Tx,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<(), sqlx::Error> {
    let ids: BTreeSet<&str> = ids.into_iter().filter(|w| !w.is_empty()).collect();
    for id in ids {
        sqlx::query("UPDATE warehouses SET version = version WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// `n` fresh ids from `meta.next_id`, the first returned (nothing taken for
/// `n == 0`). The counter's row stays locked to commit: take ids last.
pub async fn ids(tx: &mut sqlx::Transaction<'_, sqlx::Any>, n: usize) -> Result<i64, sqlx::Error> {
    if n == 0 {
        return Ok(0);
    }
    sqlx::query("UPDATE meta SET value = value + $1 WHERE key = 'next_id'")
        .bind(n as i64)
        .execute(&mut **tx)
        .await?;
    let last: i64 = sqlx::query("SELECT value FROM meta WHERE key = 'next_id'")
        .fetch_one(&mut **tx)
        .await?
        .try_get("value")?;
    Ok(last - n as i64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Debug)]
    struct Flaky(bool);
    impl std::fmt::Display for Flaky {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "flaky {}", self.0)
        }
    }
    impl Transient for Flaky {
        fn transient(&self) -> bool {
            self.0
        }
    }

    #[tokio::test]
    async fn transient_failures_are_retried_and_others_are_not() {
        let n = AtomicUsize::new(0);
        let r: Result<usize, Flaky> = retrying(|| async {
            let k = n.fetch_add(1, Ordering::SeqCst);
            if k < 3 {
                Err(Flaky(true))
            } else {
                Ok(k)
            }
        })
        .await;
        assert_eq!(r.unwrap(), 3);
        let n = AtomicUsize::new(0);
        let r: Result<(), Flaky> = retrying(|| async {
            n.fetch_add(1, Ordering::SeqCst);
            Err(Flaky(false))
        })
        .await;
        assert!(r.is_err());
        assert_eq!(n.load(Ordering::SeqCst), 1, "a real error is not retried");
        let n = AtomicUsize::new(0);
        let r: Result<(), Flaky> = retrying(|| async {
            n.fetch_add(1, Ordering::SeqCst);
            Err(Flaky(true))
        })
        .await;
        assert!(r.is_err());
        assert_eq!(
            n.load(Ordering::SeqCst),
            ATTEMPTS,
            "gives up after ATTEMPTS"
        );
    }
}
