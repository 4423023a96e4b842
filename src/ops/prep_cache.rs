//! Matrices kept between drafts. Drafts and re-drafts of an incident whose
//! roads did not change reuse the matrices of the last few drafts (keyed by the
//! shelters planned, the warehouses, closures and slow areas: not stock, fleets
//! or headcounts). A draft after more roads closed starts warm: the
//! shortest-path trees of an earlier preparation with the same sites are
//! repaired ([`crate::plan::warm`]). Trees are built on a background thread
//! after a cold preparation, so the first draft does not wait for them.

use std::sync::{Arc, Mutex, OnceLock};

use serde::Serialize;

use super::Ops;
use crate::plan::warm::{repaired, Trees};
use crate::plan::{prepare, PlanError, Prepared};
use crate::scenario::Scenario;

/// Matrices kept at most: enough for every incident a command centre runs at
/// once to find its own (each entry under 1 MB at Level I: 84 622 edge
/// weights, 2 × 23 × 604 travel hours, the hops). With 8, twenty officers on twenty incidents went round the cache
/// and 945 of 952 loaded drafts computed their matrices afresh
/// (`benches/README.md`, serve_load).
const KEPT: usize = 32;
/// Tree sets kept at most (about 80 MB each for Level I).
const WARM_BASES: usize = 2;

/// How a draft's matrices were had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Start {
    /// From the cache (same sites and roads as a recent draft).
    Cached,
    /// Repaired from an earlier preparation's trees (more roads closed).
    Warm,
    /// Computed afresh.
    Cold,
}

struct WarmBase {
    sites: String,
    prep: Arc<Prepared>,
    trees: Arc<OnceLock<Trees>>,
}

/// The cache ([`Ops::prepared`]).
#[derive(Default)]
pub struct PrepCache {
    entries: Mutex<Vec<(String, Arc<Prepared>)>>,
    warm: Mutex<Vec<WarmBase>>,
    /// Held while matrices are computed, so a second request for the same
    /// matrices (the start-up warm-up and the first draft) waits for the first
    /// instead of computing them again.
    computing: Mutex<()>,
}

fn sites_key(sc: &Scenario) -> String {
    format!(
        "{:?}|{:?}",
        sc.shelters.iter().map(|s| &s.id).collect::<Vec<_>>(),
        sc.warehouses.iter().map(|w| &w.id).collect::<Vec<_>>(),
    )
}

impl PrepCache {
    /// The matrices of `sc` on the service's graph: cached, repaired from an
    /// earlier preparation with the same sites, or computed (`cold`: always
    /// computed, and not kept for warm starts).
    pub fn get(
        &self,
        sc: &Scenario,
        state: &Arc<Ops>,
        cold: bool,
    ) -> Result<(Arc<Prepared>, Start), PlanError> {
        let graph = &state.graph;
        let sites = sites_key(sc);
        let key = format!("{sites}|{:?}", sc.disruption);
        if cold {
            return Ok((Arc::new(prepare(sc, graph)?), Start::Cold));
        }
        if let Some(p) = self.cached(&key) {
            return Ok((p, Start::Cached));
        }
        let _computing = self.computing.lock().expect("cache lock");
        if let Some(p) = self.cached(&key) {
            return Ok((p, Start::Cached));
        }
        let bases: Vec<(Arc<Prepared>, Arc<OnceLock<Trees>>)> = self
            .warm
            .lock()
            .expect("cache lock")
            .iter()
            .rev()
            .filter(|b| b.sites == sites)
            .map(|b| (b.prep.clone(), b.trees.clone()))
            .collect();
        for (base, trees) in bases {
            let Some(trees) = trees.get() else { continue };
            if let Some(p) = repaired(sc, graph, &base, trees)? {
                let p = Arc::new(p);
                self.keep(key, p.clone());
                return Ok((p, Start::Warm));
            }
        }
        let p = Arc::new(prepare(sc, graph)?);
        self.keep(key, p.clone());
        let trees = Arc::new(OnceLock::new());
        {
            let mut warm = self.warm.lock().expect("cache lock");
            if warm.len() >= WARM_BASES {
                warm.remove(0);
            }
            warm.push(WarmBase {
                sites,
                prep: p.clone(),
                trees: trees.clone(),
            });
        }
        let (state, prep) = (state.clone(), p.clone());
        std::thread::spawn(move || {
            let t = std::time::Instant::now();
            let built = Trees::build(&state.graph, &prep);
            tracing::debug!(
                seconds = t.elapsed().as_secs_f64(),
                mb = built.heap_bytes() / 1_000_000,
                "trees for warm starts"
            );
            let _ = trees.set(built);
        });
        Ok((p, Start::Cold))
    }

    fn cached(&self, key: &str) -> Option<Arc<Prepared>> {
        self.entries
            .lock()
            .expect("cache lock")
            .iter()
            .find(|e| e.0 == key)
            .map(|e| e.1.clone())
    }

    fn keep(&self, key: String, p: Arc<Prepared>) {
        let mut entries = self.entries.lock().expect("cache lock");
        if entries.len() >= KEPT {
            entries.remove(0);
        }
        entries.push((key, p));
    }

    /// True once the trees of the latest cold preparation are built (for
    /// benches and tests that want a warm re-plan).
    pub fn warm_ready(&self) -> bool {
        self.warm
            .lock()
            .expect("cache lock")
            .last()
            .is_some_and(|b| b.trees.get().is_some())
    }
}
