//! What the operations need of a store, as a trait: the records they read
//! (incidents, plans, inventories, trips), drafts they write, and the ledger's
//! transitions (issue, release, a trip leaving or arriving), each one
//! transaction that holds under any interleaving ([`crate::store::tx`]).
//! [`crate::store::Store`] (SQLite or PostgreSQL) implements it; the
//! operations hold it as `Arc<dyn IncidentStore>`, so their rules can be
//! tested against another implementation, and the store knows nothing of them.

use std::collections::BTreeMap;

use crate::store::dispatch::{BookedTrip, TripState};
use crate::store::incidents::IncidentRecord;
use crate::store::inventory::{ShelterRecord, WarehouseRecord};
use crate::store::issue::Issued;
use crate::store::records::{Caller, NewDraft, PlanConflict, PlanRecord, PlanStatus};
use crate::store::{Store, StoreError};

/// The store as the operations use it. Every method is one transaction or one
/// consistent read; times are seconds since 1970 UTC.
#[async_trait::async_trait]
pub trait IncidentStore: Send + Sync {
    /// Incident `id`, if any.
    async fn incident(&self, id: i64) -> Result<Option<IncidentRecord>, StoreError>;
    /// Plan `id` with its document, if any.
    async fn plan(&self, id: i64) -> Result<Option<PlanRecord>, StoreError>;
    /// Plan `id`'s incident and status, if it exists.
    async fn plan_state(&self, id: i64) -> Result<Option<(i64, PlanStatus)>, StoreError>;
    /// Warehouses with fleets and stock levels (units available, reserved, in
    /// transit per item).
    async fn warehouses(&self) -> Result<Vec<WarehouseRecord>, StoreError>;
    /// Shelters with headcounts and priority people.
    async fn shelters(&self) -> Result<Vec<ShelterRecord>, StoreError>;
    /// When each booked truck is back, per warehouse id and truck number,
    /// leaving out the trips of plan `except` not yet gone (a re-plan's own).
    async fn trucks_busy_until(
        &self,
        except: i64,
    ) -> Result<BTreeMap<String, BTreeMap<i64, i64>>, StoreError>;
    /// The highest trip number incident `id` has booked or drafted.
    async fn top_trip(&self, id: i64) -> Result<i64, StoreError>;
    /// The booked trips of plan `id`, in trip order.
    async fn trips_of(&self, id: i64) -> Result<Vec<BookedTrip>, StoreError>;
    /// Stores a draft; its id.
    async fn create_draft(&self, by: Caller, d: NewDraft<'_>) -> Result<i64, StoreError>;
    /// Stores plan `id`'s map (`plan.geojson`), routed after the answer.
    async fn set_plan_geojson(&self, id: i64, text: &str) -> Result<(), StoreError>;
    /// Issues draft `id` ([`crate::store::issue`]).
    async fn issue(&self, by: Caller, id: i64) -> Result<Issued, PlanConflict>;
    /// Releases issued plan `id`; `false` when it was released already.
    async fn release(&self, by: Caller, id: i64) -> Result<bool, PlanConflict>;
    /// Trip `trip` of plan `plan_id` has left or arrived.
    async fn advance_trip(
        &self,
        by: Caller,
        plan_id: i64,
        trip: i64,
        to: TripState,
    ) -> Result<(), PlanConflict>;
}

#[async_trait::async_trait]
impl IncidentStore for Store {
    async fn incident(&self, id: i64) -> Result<Option<IncidentRecord>, StoreError> {
        Store::incident(self, id).await
    }
    async fn plan(&self, id: i64) -> Result<Option<PlanRecord>, StoreError> {
        Store::plan(self, id).await
    }
    async fn plan_state(&self, id: i64) -> Result<Option<(i64, PlanStatus)>, StoreError> {
        Store::plan_state(self, id).await
    }
    async fn warehouses(&self) -> Result<Vec<WarehouseRecord>, StoreError> {
        Store::warehouses(self).await
    }
    async fn shelters(&self) -> Result<Vec<ShelterRecord>, StoreError> {
        Store::shelters(self).await
    }
    async fn trucks_busy_until(
        &self,
        except: i64,
    ) -> Result<BTreeMap<String, BTreeMap<i64, i64>>, StoreError> {
        Store::trucks_busy_until(self, except).await
    }
    async fn top_trip(&self, id: i64) -> Result<i64, StoreError> {
        Store::top_trip(self, id).await
    }
    async fn trips_of(&self, id: i64) -> Result<Vec<BookedTrip>, StoreError> {
        Store::trips_of(self, id).await
    }
    async fn create_draft(&self, by: Caller, d: NewDraft<'_>) -> Result<i64, StoreError> {
        Store::create_draft(self, by, d).await
    }
    async fn set_plan_geojson(&self, id: i64, text: &str) -> Result<(), StoreError> {
        Store::set_plan_geojson(self, id, text).await
    }
    async fn issue(&self, by: Caller, id: i64) -> Result<Issued, PlanConflict> {
        Store::issue(self, by, id).await
    }
    async fn release(&self, by: Caller, id: i64) -> Result<bool, PlanConflict> {
        Store::release(self, by, id).await
    }
    async fn advance_trip(
        &self,
        by: Caller,
        plan_id: i64,
        trip: i64,
        to: TripState,
    ) -> Result<(), PlanConflict> {
        Store::advance_trip(self, by, plan_id, trip, to).await
    }
}
