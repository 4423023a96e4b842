//! How planner evaluations are spread: (layout × damage scenario) work goes to a
//! [`Fanout`], here on this machine's cores ([`Local`]) or over a Ray cluster
//! ([`super::ray::RayFanout`], each task running this binary's
//! `site-worker`). Both compute every damage scenario with the same function
//! ([`Worker::outcome`]), so a cluster run gives the local run's bytes.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::damage::{DamageModel, DamageScenario};
use super::judge::{judge, prepare_damage, share, shelter_kg, DamagePrep, Judged, RELIEF_EARLY_H};
use super::Unusable;
use crate::facility::Candidate;
use crate::network::snap::DEFAULT_MAX_SNAP_M;
use crate::network::{NodeId, RoadGraph, Snapper};
use crate::plan::{PlanError, Prepared};
use crate::scenario::Scenario;

/// One damage scenario judged for each of several layouts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioOutcome {
    /// What the damage was.
    pub damage: DamageScenario,
    /// Per layout, in the order asked.
    pub judged: Vec<Judged>,
    /// Per layout, per shelter: (first-batch share, relief share by 10 h);
    /// empty unless details were asked for.
    pub shelters: Vec<Vec<(f64, f64)>>,
    /// Per layout, per opened candidate, per item: units shipped; empty unless
    /// details were asked for.
    pub shipped: Vec<Vec<Vec<f64>>>,
}

/// Errors of a fan-out.
#[derive(Debug, thiserror::Error)]
pub enum FanoutError {
    /// Planning failed.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The cluster or a worker failed (what failed and why).
    #[error("cluster: {0}")]
    Cluster(String),
}

/// Judges layouts on damage scenarios, somewhere.
pub trait Fanout: Sync {
    /// Each of `layouts` (candidate indices) on each of the damage scenarios
    /// `damage`, in that order; with per-shelter shares and shipped units when
    /// `detail`.
    fn judge(
        &self,
        layouts: &[Vec<usize>],
        damage: &[usize],
        detail: bool,
    ) -> Result<Vec<ScenarioOutcome>, FanoutError>;
}

/// The usable candidates of `candidates` on `graph` (those that snap to a road)
/// with their nodes, and the others with the reason.
pub fn usable_candidates(
    graph: &RoadGraph,
    candidates: &[Candidate],
) -> (Vec<Candidate>, Vec<NodeId>, Vec<Unusable>) {
    let snapper = Snapper::new(graph);
    let (mut usable, mut nodes, mut unusable) = (Vec::new(), Vec::new(), Vec::new());
    for c in candidates {
        match snapper.snap(&c.id, [c.lon, c.lat], DEFAULT_MAX_SNAP_M) {
            Ok(s) => {
                nodes.push(s.node);
                usable.push(c.clone());
            }
            Err(e) => unusable.push(Unusable {
                id: c.id.clone(),
                reason: e.to_string(),
            }),
        }
    }
    (usable, nodes, unusable)
}

/// Everything one damage scenario's judgement needs.
pub struct Worker<'a> {
    /// The scenario.
    pub sc: &'a Scenario,
    /// Its road graph.
    pub graph: &'a RoadGraph,
    /// The scenario prepared as given.
    pub base: &'a Prepared,
    /// Usable candidates.
    pub candidates: &'a [Candidate],
    /// Nodes of today's warehouses, then of every usable candidate.
    pub site_nodes: &'a [NodeId],
    /// The damage sampler.
    pub model: &'a DamageModel<'a>,
    /// Epicentre of each damage scenario (`[0]` unused).
    pub epicentres: &'a [[f64; 2]],
}

impl Worker<'_> {
    /// Damage scenario `s` prepared for every site.
    pub fn prepare(&self, s: usize) -> DamagePrep {
        prepare_damage(
            self.sc,
            self.graph,
            self.base,
            self.site_nodes,
            self.model,
            s,
            self.epicentres[s],
        )
    }

    /// `layouts` judged on prepared damage scenario `d`.
    pub fn outcome(
        &self,
        layouts: &[Vec<usize>],
        d: &DamagePrep,
        detail: bool,
    ) -> Result<ScenarioOutcome, PlanError> {
        let nw = self.sc.warehouses.len();
        let ni = self.sc.catalogue.items.len();
        let mut out = ScenarioOutcome {
            damage: d.damage.clone(),
            judged: Vec::new(),
            shelters: Vec::new(),
            shipped: Vec::new(),
        };
        for open in layouts {
            let (j, plan, layout) = judge(self.sc, self.candidates, open, d)?;
            out.judged.push(j);
            if !detail {
                continue;
            }
            let kg = shelter_kg(&layout, &plan, RELIEF_EARLY_H);
            out.shelters.push(
                (0..self.sc.shelters.len())
                    .map(|s| {
                        (
                            share(kg.first_got[s], kg.first_need[s]),
                            share(kg.all_got[s], kg.all_need[s]),
                        )
                    })
                    .collect(),
            );
            let mut shipped = vec![vec![0.0; ni]; open.len()];
            for t in plan.trips.iter().filter(|t| t.warehouse >= nw) {
                for (_, l) in t.lines() {
                    shipped[t.warehouse - nw][l.item] += l.quantity as f64;
                }
            }
            out.shipped.push(shipped);
        }
        Ok(out)
    }

    /// `layouts` on each of `damage`, in parallel over the damage scenarios.
    pub fn outcomes(
        &self,
        layouts: &[Vec<usize>],
        damage: &[usize],
        detail: bool,
    ) -> Result<Vec<ScenarioOutcome>, PlanError> {
        damage
            .par_iter()
            .map(|&s| self.outcome(layouts, &self.prepare(s), detail))
            .collect()
    }
}

/// This machine's cores, with the screening scenarios prepared once.
pub struct Local<'a> {
    /// The computation.
    pub worker: &'a Worker<'a>,
    /// Damage scenarios `0..prepared.len()`, prepared.
    pub prepared: &'a [DamagePrep],
}

impl Fanout for Local<'_> {
    fn judge(
        &self,
        layouts: &[Vec<usize>],
        damage: &[usize],
        detail: bool,
    ) -> Result<Vec<ScenarioOutcome>, FanoutError> {
        Ok(damage
            .par_iter()
            .map(|&s| match self.prepared.get(s) {
                Some(d) => self.worker.outcome(layouts, d, detail),
                None => self
                    .worker
                    .outcome(layouts, &self.worker.prepare(s), detail),
            })
            .collect::<Result<Vec<_>, _>>()?)
    }
}

/// What a `site-worker` process is asked (one Ray task's work), as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerRequest {
    /// Scenario folder.
    pub scenario: std::path::PathBuf,
    /// Candidate table.
    pub candidates: std::path::PathBuf,
    /// Seed of the damage sampler.
    pub seed: u64,
    /// Damage scenarios of the study (for the epicentres).
    pub scenarios: usize,
    /// Layouts, candidate indices among the usable ones.
    pub layouts: Vec<Vec<usize>>,
    /// Damage scenarios to judge them on.
    pub damage: Vec<usize>,
    /// Per-shelter shares and shipped units too.
    pub detail: bool,
    /// The road graph's cache file to load (shared through the cluster's object
    /// store), with the SHA-256 (hex) of the OSM extract it was built from;
    /// `None`: the scenario's own cache.
    pub graph: Option<(std::path::PathBuf, String)>,
}
