//! What a draft contains, stored once per distinct content. Officers in one
//! command centre often ask for the same plan at once; the service computes it
//! once (the service's draft memo) and the store keeps one copy of it
//! (`plan_contents`, by SHA-256), each plan row referring to it. A Level-I draft
//! is a few MB: without this, SQLite's single writer spent the service's time
//! writing the same bytes again for every officer.

use sha2::{Digest, Sha256};
use sqlx::Row;

use serde::Serialize;

/// Units of one item a plan takes from one warehouse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Need {
    /// Warehouse id.
    pub warehouse_id: String,
    /// Item name.
    pub item: String,
    /// Units.
    pub units: i64,
}

/// One line of a trip: units of an item for a shelter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct TripLine {
    /// Shelter id.
    pub shelter_id: String,
    /// Item name.
    pub item: String,
    /// `first` or `relief`.
    pub phase: String,
    /// Units.
    pub units: i64,
}

/// A trip of a plan as the store books it: its truck from the start of loading
/// to its return, and its load.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct TripBooking {
    /// The plan's trip id (from 1).
    pub trip: i64,
    /// Warehouse id.
    pub warehouse_id: String,
    /// Truck number within the warehouse (0-based).
    pub truck: i64,
    /// Phase the trip was scheduled in: `first` or `relief`.
    pub phase: String,
    /// Loading starts, hours after the event.
    pub load_h: f64,
    /// Departure (loaded), hours after the event.
    pub depart_h: f64,
    /// Back at the warehouse, hours after the event (`None`: no road back).
    pub return_h: Option<f64>,
    /// Shelter ids in visiting order.
    pub stops: Vec<String>,
    /// What it carries, per shelter, item and phase.
    pub lines: Vec<TripLine>,
}

impl TripBooking {
    /// Units per item the trip takes from its warehouse, by item name.
    pub fn units_by_item(&self) -> std::collections::BTreeMap<&str, i64> {
        let mut out = std::collections::BTreeMap::new();
        for l in &self.lines {
            *out.entry(l.item.as_str()).or_default() += l.units;
        }
        out
    }
}

/// A draft's content, serialised once, with its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanContent {
    /// SHA-256 of the parts below, hex.
    pub digest: String,
    /// The stock it takes, JSON ([`Need`]s).
    pub needs: String,
    /// `plan.json`'s content, JSON.
    pub document: String,
    /// `trips.csv`.
    pub trips_csv: String,
    /// The trips issuing books, JSON ([`TripBooking`]s).
    pub trip_rows: String,
}

impl PlanContent {
    /// The content of a draft computed from inputs of digest `inputs` (what it
    /// was planned from: drafts with the same parts from other inputs, say other
    /// closures, may differ in what is not stored yet, their routed map),
    /// taking `needs`, described by `document`, with `trips_csv` and `trips`.
    pub fn new(
        inputs: &str,
        needs: &[Need],
        document: &serde_json::Value,
        trips_csv: String,
        trips: &[TripBooking],
    ) -> Self {
        let needs = serde_json::to_string(needs).expect("needs serialise");
        let document = document.to_string();
        let trip_rows = serde_json::to_string(trips).expect("trips serialise");
        let mut h = Sha256::new();
        // Each part with its length first, so no two contents share a digest
        // by moving bytes from one part to the next.
        for part in [inputs, &needs, &document, &trips_csv, &trip_rows] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        let digest = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        PlanContent {
            digest,
            needs,
            document,
            trips_csv,
            trip_rows,
        }
    }
}

/// Stores `c` inside `tx` unless it is there already (the common case when
/// several officers draft the same plan: then only its digest is looked up).
pub(super) async fn put(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    c: &PlanContent,
) -> Result<(), sqlx::Error> {
    let there = sqlx::query("SELECT 1 AS one FROM plan_contents WHERE digest = $1")
        .bind(&c.digest)
        .fetch_optional(&mut **tx)
        .await?
        .is_some();
    if !there {
        sqlx::query(
            "INSERT INTO plan_contents (digest, needs, document, trips_csv, trip_rows) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (digest) DO NOTHING",
        )
        .bind(&c.digest)
        .bind(&c.needs)
        .bind(&c.document)
        .bind(&c.trips_csv)
        .bind(&c.trip_rows)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Columns of a plan's content: in `plan_contents` for plans stored since
/// version 7, in the plan's own row before.
pub(super) const COLUMNS: [&str; 5] = ["needs", "document", "trips_csv", "trip_rows", "geojson"];

/// `SELECT` list and `FROM` clause reading `columns` of a plan's content,
/// wherever it is stored (`p` is the plan row).
pub(super) fn select(columns: &[&str]) -> String {
    debug_assert!(columns.iter().all(|c| COLUMNS.contains(c)));
    let list: Vec<String> = columns
        .iter()
        .map(|c| format!("COALESCE(c.{c}, p.{c}) AS {c}"))
        .collect();
    format!(
        "{} FROM plans p LEFT JOIN plan_contents c ON c.digest = p.content",
        list.join(", ")
    )
}

/// Sets plan `id`'s `plan.geojson` where its content is stored, unless it is
/// set already (every plan sharing a content shares its map).
pub(super) async fn set_geojson(
    pool: &sqlx::AnyPool,
    id: i64,
    text: &str,
) -> Result<(), sqlx::Error> {
    let content: Option<String> = sqlx::query("SELECT content FROM plans WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?
        .map(|r| r.try_get("content"))
        .transpose()?;
    match content.as_deref() {
        None => {}
        Some("") => {
            sqlx::query("UPDATE plans SET geojson = $1 WHERE id = $2")
                .bind(text)
                .bind(id)
                .execute(pool)
                .await?;
        }
        Some(digest) => {
            sqlx::query("UPDATE plan_contents SET geojson = $1 WHERE digest = $2 AND geojson = ''")
                .bind(text)
                .bind(digest)
                .execute(pool)
                .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_tells_contents_apart() {
        let doc = serde_json::json!({"kpis": {"first_kg": 1.0}});
        let a = PlanContent::new("in", &[], &doc, "ab".into(), &[]);
        assert_eq!(a, PlanContent::new("in", &[], &doc, "ab".into(), &[]));
        assert_eq!(a.digest.len(), 64);
        let b = PlanContent::new("in", &[], &doc, "abc".into(), &[]);
        assert_ne!(a.digest, b.digest);
        let other = serde_json::json!({"kpis": {"first_kg": 2.0}});
        assert_ne!(
            a.digest,
            PlanContent::new("in", &[], &other, "ab".into(), &[]).digest
        );
        assert_ne!(
            a.digest,
            PlanContent::new("in2", &[], &doc, "ab".into(), &[]).digest
        );
    }

    #[test]
    fn select_reads_either_place() {
        let q = select(&["document", "trip_rows"]);
        assert!(q.starts_with("COALESCE(c.document, p.document) AS document, "));
        assert!(q.ends_with("LEFT JOIN plan_contents c ON c.digest = p.content"));
    }

    #[tokio::test]
    async fn drafts_with_one_content_share_one_copy_and_old_rows_still_read() {
        use crate::store::records::{Caller, NewDraft, Role};
        use crate::store::Store;
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("s.sqlite").display());
        let store = Store::open(&url).await.unwrap();
        let by = Caller {
            token_id: 1,
            role: Role::Officer,
        };
        let need = Need {
            warehouse_id: "W".into(),
            item: "water".into(),
            units: 5,
        };
        let doc = serde_json::json!({"kpis": {"first_kg": 5.0}});
        let c = PlanContent::new(
            "in",
            std::slice::from_ref(&need),
            &doc,
            "trip_id\n".into(),
            &[],
        );
        let assumed = crate::store::records::Assumed::default();
        let draft = |content| NewDraft {
            incident_id: 7,
            plan_unix: 0,
            assumed: &assumed,
            content,
            supersedes: 0,
        };
        let a = store.create_draft(by, draft(&c)).await.unwrap();
        let b = store.create_draft(by, draft(&c)).await.unwrap();
        let other = PlanContent::new("in2", &[], &doc, String::new(), &[]);
        let d = store.create_draft(by, draft(&other)).await.unwrap();
        let count = |sql: &'static str| {
            let pool = store.pool().clone();
            async move {
                sqlx::query(sql)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
                    .try_get::<i64, _>("n")
                    .unwrap()
            }
        };
        assert_eq!(count("SELECT COUNT(*) AS n FROM plan_contents").await, 2);
        for id in [a, b] {
            let p = store.plan(id).await.unwrap().unwrap();
            assert_eq!(
                (p.needs.clone(), p.document.clone()),
                (vec![need.clone()], doc.clone())
            );
            assert_eq!(
                store.plan_trips_csv(id).await.unwrap().unwrap(),
                "trip_id\n"
            );
        }
        assert!(store.plan(d).await.unwrap().unwrap().needs.is_empty());
        // The map is stored once, for every plan of that content.
        store.set_plan_geojson(a, "{\"a\":1}").await.unwrap();
        store.set_plan_geojson(b, "{\"b\":2}").await.unwrap();
        assert_eq!(store.plan_geojson(b).await.unwrap().unwrap(), "{\"a\":1}");
        assert_eq!(store.plan_geojson(d).await.unwrap().unwrap(), "");
        // A plan stored before version 7 keeps its content in its own row.
        sqlx::query(
            "INSERT INTO plans (id, incident_id, status, ledger_version, needs, document, trips_csv, \
             geojson, trip_rows, supersedes, created_by, created_unix, changed_unix) VALUES \
             (99, 7, 'draft', 1, '[]', '{\"old\":true}', 'csv', 'map', '[]', 0, 1, 0, 0)",
        )
        .execute(store.pool())
        .await
        .unwrap();
        let old = store.plan(99).await.unwrap().unwrap();
        assert_eq!(old.document, serde_json::json!({"old": true}));
        assert_eq!(store.plan_trips_csv(99).await.unwrap().unwrap(), "csv");
        store.set_plan_geojson(99, "new map").await.unwrap();
        assert_eq!(store.plan_geojson(99).await.unwrap().unwrap(), "new map");
        assert_eq!(store.plan(12345).await.unwrap(), None);
    }
}
