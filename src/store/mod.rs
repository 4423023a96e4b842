//! The service's store: inventories, incidents, plans and the stock ledger, in an
//! embedded SQLite file or a PostgreSQL server, with one schema and one set of
//! queries for both (sqlx's `Any` driver, `$n` placeholders).
//!
//! SQLite runs in WAL mode with `synchronous = FULL` (a change acknowledged is on
//! disk) and a busy timeout; every write transaction starts with an `UPDATE` of a
//! counter row in `meta`, so concurrent writers queue on that row (PostgreSQL) or
//! on the database lock (SQLite) instead of failing half-way.

pub mod actions;
pub mod booking;
pub mod caller;
pub mod dispatch;
pub mod incidents;
pub mod inventory;
pub mod inventory_edits;
pub mod issue;
pub mod plan_content;
pub mod records;
pub mod tokens;
pub mod tx;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor, Row};

/// Migrations in order: (version, SQL). Applied once each, recorded in
/// `schema_version`.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("migrations/0001_init.sql")),
    (2, include_str!("migrations/0002_plan_trips_csv.sql")),
    (3, include_str!("migrations/0003_inventory_events.sql")),
    (4, include_str!("migrations/0004_incident_disruption.sql")),
    (5, include_str!("migrations/0005_trips.sql")),
    (6, include_str!("migrations/0006_holds.sql")),
    (7, include_str!("migrations/0007_plan_contents.sql")),
    (8, include_str!("migrations/0008_live_plans.sql")),
];

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed a statement.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A URL the store does not know.
    #[error("database URL `{0}`: expected sqlite://PATH or postgres://…")]
    Url(String),
    /// A stored value is not what the schema says.
    #[error("stored data: {0}")]
    Corrupt(String),
    /// A change refused by the rules checked inside its transaction (a
    /// shelter's priority people above its headcount once a concurrent change
    /// is counted); nothing was written.
    #[error(transparent)]
    Invalid(#[from] crate::io::validate::InvalidField),
}

/// A connection pool to the store.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    /// Where write transactions run: for SQLite a pool of one connection, so
    /// writers queue here in order, holding nothing, instead of holding a
    /// reader's connection while SQLite's busy handler sleeps and retries
    /// (readers never wait for a writer in WAL mode); for PostgreSQL the same
    /// pool as reads.
    writer: AnyPool,
    sqlite: bool,
}

impl Store {
    /// Opens (creating an SQLite file if needed) and migrates the store at `url`
    /// (`sqlite://PATH` or `postgres://USER@HOST:PORT/DB`).
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let sqlite = url.starts_with("sqlite:");
        if !sqlite && !url.starts_with("postgres:") && !url.starts_with("postgresql:") {
            return Err(StoreError::Url(url.to_string()));
        }
        let url = if sqlite && !url.contains('?') {
            format!("{url}?mode=rwc")
        } else {
            url.to_string()
        };
        #[cfg(unix)]
        let owner_only = sqlite_file(&url).map(|db| (db, url.contains("mode=rwc")));
        #[cfg(unix)]
        if let Some((db, create)) = &owner_only {
            owner_only_files(db, *create)?;
        }
        let opts = AnyConnectOptions::from_str(&url)?;
        let connect = |connections: u32| {
            AnyPoolOptions::new()
                .max_connections(connections)
                .acquire_timeout(Duration::from_secs(30))
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        if sqlite {
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = FULL").await?;
                            conn.execute("PRAGMA busy_timeout = 30000").await?;
                        }
                        Ok(())
                    })
                })
                .connect_with(opts.clone())
        };
        let (pool, writer) = if sqlite {
            // The writer first: it creates the file and switches it to WAL.
            let writer = connect(1).await?;
            (connect(4).await?, writer)
        } else {
            let pool = connect(8).await?;
            (pool.clone(), pool)
        };
        // SQLite gives the `-wal` and `-shm` files it creates the database's
        // mode; this catches ones left from before with wider modes.
        #[cfg(unix)]
        if let Some((db, _)) = &owner_only {
            owner_only_files(db, false)?;
        }
        let store = Store {
            pool,
            writer,
            sqlite,
        };
        store.migrate().await?;
        Ok(store)
    }

    /// True for an SQLite store.
    pub fn is_sqlite(&self) -> bool {
        self.sqlite
    }

    /// The pool for reads (the record and inventory queries).
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a write transaction (see [`Store`]'s `writer`).
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        self.writer.begin().await
    }

    /// The pool for writes outside a transaction.
    pub(crate) fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// Applies the migrations not yet applied. On PostgreSQL under a
    /// session-level advisory lock, so servers started together on an empty
    /// database migrate one after the other (the second finds the work done)
    /// instead of one failing on a duplicate key.
    async fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.writer.acquire().await?;
        if !self.sqlite {
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(MIGRATION_LOCK)
                .execute(&mut *conn)
                .await?;
        }
        let result = migrate_on(&mut conn).await;
        if !self.sqlite {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(MIGRATION_LOCK)
                .execute(&mut *conn)
                .await?;
        }
        result
    }

    /// The id of the last action recorded (0: none): an event stream that
    /// starts now follows the actions after it.
    pub async fn last_action_id(&self) -> Result<i64, StoreError> {
        let top: Option<i64> = sqlx::query("SELECT MAX(id) AS top FROM actions")
            .fetch_one(&self.pool)
            .await?
            .try_get("top")?;
        Ok(top.unwrap_or(0))
    }
}

/// The advisory lock key migrations run under on PostgreSQL.
const MIGRATION_LOCK: i64 = 0x7265_6c69_6566;

/// Applies the migrations not yet applied, on one connection.
async fn migrate_on(conn: &mut sqlx::pool::PoolConnection<sqlx::Any>) -> Result<(), StoreError> {
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY)")
        .await?;
    for &(version, sql) in MIGRATIONS {
        let mut tx = sqlx::Connection::begin(&mut **conn).await?;
        let done = sqlx::query("SELECT version FROM schema_version WHERE version = $1")
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?;
        if done.is_some() {
            continue;
        }
        for stmt in statements(sql) {
            sqlx::query(&stmt).execute(&mut *tx).await?;
        }
        sqlx::query("INSERT INTO schema_version (version) VALUES ($1)")
            .bind(version)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The database file of an SQLite URL (`sqlite://PATH?…` or `sqlite:PATH`),
/// unless the database is in memory.
#[cfg(unix)]
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path.starts_with(':') || url.contains("mode=memory") {
        return None;
    }
    Some(path.into())
}

/// Keeps an SQLite store's files (`db` and its `-wal`, `-shm` and `-journal`
/// files) readable and writable by their owner only (mode 0600): creates `db`
/// so when `create` and it is missing, and tightens any that exist with a wider
/// mode, with a warning.
#[cfg(unix)]
fn owner_only_files(db: &std::path::Path, create: bool) -> Result<(), StoreError> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let io = |path: &std::path::Path, e: std::io::Error| {
        StoreError::Database(sqlx::Error::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        )))
    };
    if create && !db.exists() {
        // Created empty (an empty file is an empty SQLite database); a missing
        // folder is left for SQLite to report.
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(db);
    }
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        let path = std::path::Path::new(&name);
        let Ok(meta) = std::fs::metadata(path) else {
            continue;
        };
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| io(path, e))?;
            tracing::warn!(
                "store file {} was mode {mode:o} (readable by others): now 0600",
                path.display()
            );
        }
    }
    Ok(())
}

/// The statements of a migration file (split on `;` at line ends, comments
/// dropped).
fn statements(sql: &str) -> Vec<String> {
    let text: String = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    text.split(";\n")
        .map(|s| s.trim().trim_end_matches(';').trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A counter of `meta`.
async fn meta<'e, E>(exec: E, key: &str) -> Result<i64, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query("SELECT value FROM meta WHERE key = $1")
        .bind(key)
        .fetch_one(exec)
        .await?;
    Ok(row.try_get::<i64, _>("value")?)
}

/// A fresh id (from `meta.next_id`), inside a write transaction.
async fn next_id(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> Result<i64, StoreError> {
    sqlx::query("UPDATE meta SET value = value + 1 WHERE key = 'next_id'")
        .execute(&mut **tx)
        .await?;
    meta(&mut **tx, "next_id").await
}

/// Seconds since 1970 (UTC) now.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn version_6_starts_the_running_totals_from_the_trips_booked() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("s.sqlite").display());
        let store = Store::open(&url).await.unwrap();
        // A store as version 5 left it: trips booked, no running totals.
        for sql in [
            "INSERT INTO stock (warehouse_id, item, on_hand) VALUES ('W', 'water', 100), ('W', 'quilt', 9)",
            "INSERT INTO trips (plan_id, trip, warehouse_id, truck, phase, busy_from_unix, depart_unix, \
             return_unix, state, changed_unix) VALUES (1, 1, 'W', 0, 'first', 0, 0, 9, 'reserved', 0), \
             (1, 2, 'W', 1, 'first', 0, 0, 9, 'departed', 0), (1, 3, 'W', 2, 'first', 0, 0, 9, 'released', 0), \
             (2, 1, 'W', 0, 'relief', 9, 9, 20, 'reserved', 0)",
            "INSERT INTO trip_loads (plan_id, trip, warehouse_id, item, units) VALUES \
             (1, 1, 'W', 'water', 5), (1, 1, 'W', 'quilt', 2), (1, 2, 'W', 'water', 7), \
             (1, 3, 'W', 'water', 11), (2, 1, 'W', 'water', 13)",
            "DROP INDEX trips_held",
            "DROP TABLE holds",
            "DELETE FROM schema_version WHERE version = 6",
        ] {
            sqlx::query(sql).execute(store.pool()).await.unwrap();
        }
        store.pool.close().await;
        store.writer.close().await;
        let store = Store::open(&url).await.unwrap();
        let levels = store.stock_levels().await.unwrap();
        let water = &levels["W"]["water"];
        assert_eq!((water.reserved, water.in_transit), (18, 7));
        assert_eq!(water.available, 100 - 18);
        let quilt = &levels["W"]["quilt"];
        assert_eq!(
            (quilt.reserved, quilt.in_transit, quilt.available),
            (2, 0, 7)
        );
    }

    #[test]
    fn migrations_split_into_statements_without_comments() {
        let s = statements(MIGRATIONS[0].1);
        assert!(s.iter().all(|x| !x.contains("--") && !x.ends_with(';')));
        assert!(s
            .iter()
            .any(|x| x.starts_with("CREATE TABLE ledger_events")));
        assert_eq!(
            s.iter()
                .filter(|x| x.starts_with("INSERT INTO meta"))
                .count(),
            3
        );
    }
}
