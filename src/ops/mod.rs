//! The operations of an incident as it runs: drafting a plan from the store's
//! inventories and the incident's disruption, re-planning the live plan,
//! issuing (one live plan per incident), releasing, trips leaving and
//! arriving. The service's handlers only translate HTTP to these; the rules
//! live here and in the store's transactions ([`crate::store::tx`]), and are
//! tested without HTTP.
//!
//! Reading order:
//! 1. [`draft`]: the scenario a draft plans (the bundled scenario with the
//!    store's stock, fleets, headcounts, the incident's closures, trucks busy
//!    until back, nothing loading before the plan time) and the computation.
//! 2. [`replan`]: keeping the live plan's trips that still work, the rest
//!    planned around them; kept trips keep their numbers.
//! 3. [`diff`]: what a re-plan changes, trip by trip.
//! 4. [`lifecycle`]: the state machine draft → issued → superseded or
//!    released, the clock, and the re-plan-at-issue policy.
//! 5. [`memo`], [`prep_cache`], [`lazy_geojson`]: identical drafts computed
//!    once, matrices kept between drafts, maps routed after the answer.
//! 6. [`store`]: what the operations need of a store, as a trait
//!    ([`store::IncidentStore`], implemented by [`crate::store::Store`]).

pub mod diff;
pub mod draft;
pub mod lazy_geojson;
pub mod lifecycle;
pub mod memo;
pub mod prep_cache;
pub mod replan;
pub mod store;

use crate::network::RoadGraph;
use crate::plan::PlanError;
use crate::scenario::clock::Clock;
use crate::scenario::Scenario;
use crate::store::records::PlanConflict;
use crate::store::StoreError;
use std::sync::Arc;
use store::IncidentStore;

/// Why an operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// No such incident, plan or trip.
    #[error("{0}")]
    NotFound(String),
    /// The ledger refused (state, stock, trucks, another live plan, stale).
    #[error(transparent)]
    Conflict(#[from] PlanConflict),
    /// The planner could not plan the scenario.
    #[error("plan: {0}")]
    Planner(#[from] PlanError),
    /// Still stale after re-planning at issue as many times as allowed.
    #[error("plan {plan}: still stale after {tries} re-plans (other officers keep issuing on the same stock): try again")]
    StillStale {
        /// The plan asked for.
        plan: i64,
        /// Re-plans made.
        tries: usize,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something that should not happen (a stored value the code cannot read).
    #[error("{0}")]
    Internal(String),
}

/// What the operations share: the scenario and graph the service runs on, the
/// store, and the caches that make drafts fast.
pub struct Ops {
    /// The scenario the service was started on (sites, items, targets, the
    /// scenario's own disruption).
    pub base: Scenario,
    /// The scenario's clock (its time zone).
    pub clock: Clock,
    /// Its road graph.
    pub graph: RoadGraph,
    /// The store: records, drafts and the ledger's transitions.
    pub store: Arc<dyn IncidentStore>,
    /// Matrices of recent drafts and trees for warm starts.
    pub prepared: prep_cache::PrepCache,
    /// Recent drafts by their inputs.
    pub drafts: memo::DraftMemo,
    /// Permits for CPU work (plans, tables): one per core, handed out in the
    /// order asked, so a burst of drafts queues fairly instead of every draft
    /// crawling on a share of the cores.
    pub planners: tokio::sync::Semaphore,
    /// Drafts' GeoJSON still being routed or stored.
    pub geojson: lazy_geojson::Pending,
}

impl Ops {
    /// The operations on `base`, its `graph` and `store`.
    pub fn new(base: Scenario, graph: RoadGraph, store: Arc<dyn IncidentStore>) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Ops {
            clock: base.clock(),
            base,
            graph,
            store,
            prepared: Default::default(),
            drafts: Default::default(),
            planners: tokio::sync::Semaphore::new(cores),
            geojson: Default::default(),
        }
    }

    /// A permit for CPU work ([`Ops::planners`]), waiting in line for it.
    pub async fn cpu_permit(&self) -> Result<tokio::sync::SemaphorePermit<'_>, OpsError> {
        self.planners
            .acquire()
            .await
            .map_err(|e| OpsError::Internal(format!("planner permits: {e}")))
    }
}
