//! A draft's `plan.geojson`, routed after the draft is answered: routing every
//! leg (and the way back) is a tenth of a second on Level I that an officer
//! waiting for a re-plan need not wait for. The first reader (the background
//! task that stores it, or a `GET /v1/plans/{id}/plan.geojson` that comes
//! earlier) routes it; every other waits for that one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use super::Ops;
use crate::plan::Plan;
use crate::scenario::Scenario;

/// The GeoJSON of one computed draft.
pub struct LazyGeojson {
    cell: OnceCell<Arc<String>>,
    input: Mutex<Option<(Scenario, Plan)>>,
    /// Stored with the draft's content (drafts sharing a content share it).
    stored: AtomicBool,
}

impl LazyGeojson {
    /// The GeoJSON of plan `p` of scenario `sc`, not routed yet.
    pub fn new(sc: Scenario, p: Plan) -> Self {
        LazyGeojson {
            cell: OnceCell::new(),
            input: Mutex::new(Some((sc, p))),
            stored: AtomicBool::new(false),
        }
    }

    /// The GeoJSON text, routed on a blocking thread by the first caller.
    pub async fn get(&self, state: &Arc<Ops>) -> Arc<String> {
        self.cell
            .get_or_init(|| async {
                let input = self.input.lock().expect("geojson input").take();
                let state = state.clone();
                let Some((sc, p)) = input else {
                    return Arc::new(String::new());
                };
                tokio::task::spawn_blocking(move || {
                    crate::report::plan_files::plan_geojson(&sc, &state.graph, &p).to_string()
                })
                .await
                .map(Arc::new)
                .unwrap_or_else(|e| {
                    tracing::error!("routing plan.geojson: {e}");
                    Arc::new(String::new())
                })
            })
            .await
            .clone()
    }
}

/// GeoJSON of stored drafts still being routed, by plan id.
#[derive(Default)]
pub struct Pending(Mutex<HashMap<i64, Arc<LazyGeojson>>>);

impl Pending {
    /// Routes plan `plan_id`'s GeoJSON in the background and stores it; until it
    /// is stored, [`Pending::get`] answers from memory.
    pub fn store_later(&self, state: &Arc<Ops>, plan_id: i64, lazy: Arc<LazyGeojson>) {
        self.0
            .lock()
            .expect("pending geojson")
            .insert(plan_id, lazy.clone());
        let state = state.clone();
        tokio::spawn(async move {
            let text = lazy.get(&state).await;
            if !lazy.stored.load(Ordering::Acquire) {
                if let Err(e) = state.store.set_plan_geojson(plan_id, &text).await {
                    tracing::error!(plan_id, "storing plan.geojson: {e}");
                    return; // kept in memory: readers still get it
                }
                lazy.stored.store(true, Ordering::Release);
            }
            state
                .geojson
                .0
                .lock()
                .expect("pending geojson")
                .remove(&plan_id);
        });
    }

    /// Plan `plan_id`'s GeoJSON if it is still being routed or stored.
    pub async fn get(&self, state: &Arc<Ops>, plan_id: i64) -> Option<Arc<String>> {
        let lazy = self
            .0
            .lock()
            .expect("pending geojson")
            .get(&plan_id)
            .cloned()?;
        Some(lazy.get(state).await)
    }
}
