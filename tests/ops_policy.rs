//! The operations' rules without HTTP, against a store that refuses on
//! purpose ([`IncidentStore`] over a real SQLite store, its `issue` refusing
//! the first N times as if another officer had just moved the stock): issuing
//! with `on_stale=replan` drafts again and issues the new draft, at most
//! [`AUTO_REPLANS`] times; without it the refusal is the answer; a plan that
//! is not a draft is `wrong_state` before anything is tried.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use reliefflow::ops::lifecycle::{DraftRequest, AUTO_REPLANS};
use reliefflow::ops::store::IncidentStore;
use reliefflow::ops::{Ops, OpsError};
use reliefflow::scenario::Scenario;
use reliefflow::store::dispatch::{BookedTrip, TripState};
use reliefflow::store::incidents::{IncidentRecord, NewIncident};
use reliefflow::store::inventory::{ShelterRecord, WarehouseRecord};
use reliefflow::store::issue::Issued;
use reliefflow::store::records::{Caller, NewDraft, PlanConflict, PlanRecord, PlanStatus, Role};
use reliefflow::store::{Store, StoreError};

const OFFICER: Caller = Caller {
    token_id: 1,
    role: Role::Officer,
};

/// A real store whose `issue` refuses as stale while `refusals` is above 0,
/// counting the calls.
struct Refusing {
    inner: Store,
    refusals: AtomicUsize,
    issues: AtomicUsize,
}

#[async_trait::async_trait]
impl IncidentStore for Refusing {
    async fn incident(&self, id: i64) -> Result<Option<IncidentRecord>, StoreError> {
        self.inner.incident(id).await
    }
    async fn plan(&self, id: i64) -> Result<Option<PlanRecord>, StoreError> {
        self.inner.plan(id).await
    }
    async fn plan_state(&self, id: i64) -> Result<Option<(i64, PlanStatus)>, StoreError> {
        self.inner.plan_state(id).await
    }
    async fn warehouses(&self) -> Result<Vec<WarehouseRecord>, StoreError> {
        self.inner.warehouses().await
    }
    async fn shelters(&self) -> Result<Vec<ShelterRecord>, StoreError> {
        self.inner.shelters().await
    }
    async fn trucks_busy_until(
        &self,
        except: i64,
    ) -> Result<BTreeMap<String, BTreeMap<i64, i64>>, StoreError> {
        self.inner.trucks_busy_until(except).await
    }
    async fn top_trip(&self, id: i64) -> Result<i64, StoreError> {
        self.inner.top_trip(id).await
    }
    async fn trips_of(&self, id: i64) -> Result<Vec<BookedTrip>, StoreError> {
        self.inner.trips_of(id).await
    }
    async fn create_draft(&self, by: Caller, d: NewDraft<'_>) -> Result<i64, StoreError> {
        self.inner.create_draft(by, d).await
    }
    async fn set_plan_geojson(&self, id: i64, text: &str) -> Result<(), StoreError> {
        self.inner.set_plan_geojson(id, text).await
    }
    async fn issue(&self, by: Caller, id: i64) -> Result<Issued, PlanConflict> {
        self.issues.fetch_add(1, Ordering::SeqCst);
        let left = self.refusals.load(Ordering::SeqCst);
        if left > 0 {
            self.refusals.store(left - 1, Ordering::SeqCst);
            return Err(PlanConflict::Stale {
                reason: "another officer moved the stock (on purpose)".into(),
            });
        }
        self.inner.issue(by, id).await
    }
    async fn release(&self, by: Caller, id: i64) -> Result<bool, PlanConflict> {
        self.inner.release(by, id).await
    }
    async fn advance_trip(
        &self,
        by: Caller,
        plan_id: i64,
        trip: i64,
        to: TripState,
    ) -> Result<(), PlanConflict> {
        self.inner.advance_trip(by, plan_id, trip, to).await
    }
}

#[test]
fn stale_issues_are_replanned_at_most_three_times() {
    let base = Scenario::load(&common::repo("scenarios/xicheng-earthquake")).unwrap();
    let graph = common::graph("beijing-core");
    let db = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", db.path().join("store.sqlite").display());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let inner = Store::open(&url).await.unwrap();
        inner.seed(&base).await.unwrap();
        let store = Arc::new(Refusing {
            inner: inner.clone(),
            refusals: AtomicUsize::new(0),
            issues: AtomicUsize::new(0),
        });
        let ops = Arc::new(Ops::new(base.clone(), graph, store.clone()));
        let incident = |name: &'static str| {
            let inner = inner.clone();
            async move {
                let new = NewIncident {
                    name: name.into(),
                    event_time: String::new(),
                    shelters: Vec::new(),
                    closed_ways: Vec::new(),
                    disruption: Default::default(),
                    event_unix: None,
                };
                inner.create_incident(OFFICER, &new).await.unwrap().id
            }
        };
        let set = |refusals: usize| {
            store.refusals.store(refusals, Ordering::SeqCst);
            store.issues.store(0, Ordering::SeqCst);
        };

        // Two refusals: the third draft is issued, the one asked for is not.
        let inc = incident("two refusals").await;
        let d = ops
            .draft(OFFICER, inc, DraftRequest::default())
            .await
            .unwrap();
        set(2);
        let done = ops.issue(OFFICER, d.plan_id, true).await.unwrap();
        assert_eq!(store.issues.load(Ordering::SeqCst), 3);
        assert_eq!(done.replanned_from, Some(d.plan_id));
        assert_ne!(done.plan_id, d.plan_id);
        assert!(done.draft.is_some());
        let live = inner.incident(inc).await.unwrap().unwrap().live_plan;
        assert_eq!(live, Some(done.plan_id));
        let asked = inner.plan_state(d.plan_id).await.unwrap().unwrap().1;
        assert_eq!(asked, PlanStatus::Draft);

        // Refused every time: the first try and AUTO_REPLANS re-plans, then
        // the officer is told, and nothing was issued.
        let inc = incident("always refused").await;
        let d = ops
            .draft(OFFICER, inc, DraftRequest::default())
            .await
            .unwrap();
        set(usize::MAX);
        let e = ops.issue(OFFICER, d.plan_id, true).await.unwrap_err();
        assert!(
            matches!(e, OpsError::StillStale { tries, .. } if tries == AUTO_REPLANS),
            "{e}"
        );
        assert_eq!(store.issues.load(Ordering::SeqCst), 1 + AUTO_REPLANS);
        assert_eq!(inner.incident(inc).await.unwrap().unwrap().live_plan, None);

        // Without on_stale=replan the refusal is the answer, tried once.
        set(1);
        let e = ops.issue(OFFICER, d.plan_id, false).await.unwrap_err();
        assert!(
            matches!(e, OpsError::Conflict(PlanConflict::Stale { .. })),
            "{e}"
        );
        assert_eq!(store.issues.load(Ordering::SeqCst), 1);

        // An issued plan with on_stale=replan: wrong_state, nothing tried.
        set(0);
        let first = ops.issue(OFFICER, d.plan_id, false).await.unwrap();
        assert!(!first.already);
        set(5);
        let e = ops.issue(OFFICER, d.plan_id, true).await.unwrap_err();
        assert!(
            matches!(e, OpsError::Conflict(PlanConflict::State { .. })),
            "{e}"
        );
        assert_eq!(store.issues.load(Ordering::SeqCst), 0);
    });
}
