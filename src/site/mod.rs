//! Stockpile siting: the logistics planner's question "which k candidate sites
//! should we open, and what should each hold, so that every shelter gets its first
//! batch by the deadline even when roads fail?"
//!
//! Data flow: candidates snapped → trees from every site on the scenario's roads →
//! [`damage`] scenarios swept with tree repair ([`matrices`]) → a numeric
//! [`solver::siting::SitingInstance`] → models (MCLP, p-median, LSCP, capacitated;
//! heuristic + bound, exact MIP on request) → layouts compared over every damage
//! scenario ([`robustness`]) → the stock mix of the chosen layout ([`stock_mix`]).

pub mod by_planner;
pub mod damage;
pub mod fanout;
pub mod judge;
pub mod matrices;
pub mod models;
pub mod ray;
pub mod robustness;
pub mod stock_mix;
pub mod throughput;

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use crate::facility::{ItemIx, WarehouseIx};
use crate::progress::Progress;
use serde::Serialize;
use solver::siting::{to_units, SitingInstance};

use crate::facility::Candidate;
use crate::network::{NodeId, RoadGraph};
use crate::plan::{PlanError, Prepared};
use crate::scenario::events::candidate_epicentres;
use crate::scenario::Scenario;
use damage::{draw, DamageModel};
use models::ModelResult;
use robustness::LayoutResult;
use stock_mix::StockMix;

/// Options of a siting run.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteOptions {
    /// Candidate sites to open.
    pub k: usize,
    /// Damage scenarios (including scenario 0, the scenario as given).
    pub scenarios: usize,
    /// Seed of the damage sampler.
    pub seed: u64,
    /// Coverage deadline, hours (default: the scenario's first-batch deadline).
    pub deadline_h: Option<f64>,
    /// Time charged to an unreachable shelter in the p-median, hours (default: the
    /// scenario's relief deadline).
    pub penalty_h: Option<f64>,
    /// Also solve the exact MIPs (MCLP, p-median) on scenario 0; small instances only.
    pub exact: bool,
    /// Damage scenarios the capacitated layouts are evaluated on (min-cost flows).
    pub capacitated_scenarios: usize,
    /// Damage scenarios the planner-judged search plans each layout on (the
    /// first ones); 0 leaves the planner out ([`by_planner`]).
    pub planner_scenarios: usize,
    /// Candidates the planner-judged search considers (best surrogate first,
    /// plus the covering layout's).
    pub shortlist: usize,
    /// Plan the planner-judged search and judgement on a Ray cluster instead
    /// of this machine's cores.
    pub ray: Option<ray::RayOptions>,
}

impl Default for SiteOptions {
    fn default() -> Self {
        Self {
            k: 3,
            scenarios: 200,
            seed: 1,
            deadline_h: None,
            penalty_h: None,
            exact: false,
            capacitated_scenarios: 50,
            planner_scenarios: 25,
            shortlist: 8,
            ray: None,
        }
    }
}

impl SiteOptions {
    /// Checks the options: at least one damage scenario, and deadlines that are
    /// positive finite hours. Errors name the option.
    pub fn validate(&self) -> Result<(), SiteError> {
        let bad = |option: &'static str, message: String| SiteError::Option { option, message };
        if self.scenarios == 0 {
            return Err(bad("scenarios", "must be at least 1".into()));
        }
        for (option, v) in [
            ("deadline_h", self.deadline_h),
            ("penalty_h", self.penalty_h),
        ] {
            if let Some(h) = v.filter(|h| !(h.is_finite() && *h > 0.0)) {
                return Err(bad(
                    option,
                    format!("must be a positive number of hours, got {h}"),
                ));
            }
        }
        Ok(())
    }
}

/// Hours a candidate site needs to load a truck (assumption: the scenario's
/// median warehouse loading time; 0.75 h if it has none).
pub fn candidate_loading_h(sc: &Scenario) -> f64 {
    let mut l: Vec<f64> = sc.warehouses.iter().map(|w| w.fleet.loading_h).collect();
    l.sort_by(f64::total_cmp);
    l.get(l.len() / 2).copied().unwrap_or(0.75)
}

/// Persons whose first batch a warehouse's stock covers (the scarcest item decides).
pub fn first_batch_persons(sc: &Scenario, w: usize) -> f64 {
    sc.catalogue
        .items
        .iter()
        .enumerate()
        .filter(|(_, it)| it.first_per_person > 0.0)
        .map(|(i, it)| sc.stock.get(WarehouseIx(w), ItemIx(i)) / it.first_per_person)
        .fold(f64::INFINITY, f64::min)
        .min(1e9)
        .floor()
}

/// A candidate the run could not use, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unusable {
    /// Candidate id.
    pub id: String,
    /// Why.
    pub reason: String,
}

/// What one candidate brings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateResult {
    /// Candidate id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind (free text).
    pub kind: String,
    /// Longitude, degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Capacity, persons.
    pub capacity_persons: u32,
    /// Models whose layout opens it.
    pub chosen_by: Vec<String>,
    /// Expected persons newly reached by the deadline if it alone joined today's sites.
    pub alone_gain_persons: f64,
    /// Expected drop of the persons-weighted mean time if it alone joined, hours.
    pub alone_time_saving_h: f64,
}

/// Timings, seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct SiteTimings {
    /// Snapping and shortest-path trees.
    pub trees_s: f64,
    /// Damage sweep (all matrices).
    pub sweep_s: f64,
    /// Models (heuristics, bounds, MIPs).
    pub models_s: f64,
    /// Robustness evaluation and stock mix.
    pub evaluate_s: f64,
}

/// The result of a siting run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Siting {
    /// Scenario name.
    pub scenario: String,
    /// Sites asked for.
    pub k: usize,
    /// Coverage deadline, hours.
    pub deadline_h: f64,
    /// p-median penalty for an unreachable shelter, hours.
    pub penalty_h: f64,
    /// Damage scenarios (scenario 0 = as given).
    pub scenarios: usize,
    /// Sampler seed.
    pub seed: u64,
    /// Persons in shelters.
    pub persons: f64,
    /// Existing warehouses (always open).
    pub existing: Vec<String>,
    /// Every usable candidate.
    pub candidates: Vec<CandidateResult>,
    /// Candidates left out, with the reason.
    pub unusable: Vec<Unusable>,
    /// One entry per model.
    pub models: Vec<ModelResult>,
    /// Today's layout and each model's, over all damage scenarios.
    pub layouts: Vec<LayoutResult>,
    /// Stock mix of the MCLP layout.
    pub stock_mix: StockMix,
    /// Layouts judged by the dispatch planner (None when asked to leave it out).
    pub planner: Option<by_planner::PlannerSiting>,
    /// The damage scenarios.
    pub damage: Vec<damage::DamageScenario>,
    /// OSM bridge edges in the graph.
    pub bridge_edges: usize,
    /// Mean share of nodes re-settled per (scenario, site) by tree repair.
    pub repaired_share: f64,
    /// Timings.
    pub timings: SiteTimings,
    /// Per shelter, best first-batch time in scenario 0 today and with the MCLP
    /// layout, hours (None: unreachable); for the map.
    #[serde(skip)]
    pub shelter_times_h: Vec<(Option<f64>, Option<f64>)>,
    /// Scenario 0's matrix, `[site][shelter]` hours (None: unreachable), sites =
    /// warehouses then usable candidates; for the instance export.
    #[serde(skip)]
    pub base_times_h: Vec<Vec<Option<f64>>>,
}

/// Epicentres of the damage scenarios: `[0]` unused, then a farthest-point sweep
/// over the shelters (up to 25), then uniform draws in their bounding box.
pub fn epicentres(sc: &Scenario, count: usize, seed: u64) -> Vec<[f64; 2]> {
    let all: Vec<usize> = (0..sc.shelters.len()).collect();
    let sweep = candidate_epicentres(sc, &all, 25.min(count.saturating_sub(1)));
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for s in &sc.shelters {
        lo = [lo[0].min(s.lon), lo[1].min(s.lat)];
        hi = [hi[0].max(s.lon), hi[1].max(s.lat)];
    }
    (0..count)
        .map(|i| match i {
            0 => [0.0, 0.0],
            _ if i <= sweep.len() => {
                let s = &sc.shelters[sweep[i - 1]];
                [s.lon, s.lat]
            }
            _ => [
                lo[0] + (hi[0] - lo[0]) * draw(seed, i as u64, 1 << 40),
                lo[1] + (hi[1] - lo[1]) * draw(seed, i as u64, 1 << 41),
            ],
        })
        .collect()
}

/// Everything the models need, built from the scenario, candidates and roads.
pub struct SiteInputs {
    /// The numeric instance (sites: warehouses then usable candidates).
    pub instance: SitingInstance,
    /// Usable candidates, in instance order after the warehouses.
    pub candidates: Vec<Candidate>,
    /// Left-out candidates.
    pub unusable: Vec<Unusable>,
    /// The sweep's damage and timings (its matrices moved into `instance`).
    pub sweep: matrices::ScenarioMatrices,
    /// Bridge edges.
    pub bridge_edges: usize,
    /// Plan preparation of the scenario (shared with the stock mix).
    pub prepared: Prepared,
    /// Nodes of today's warehouses, then of every usable candidate.
    pub site_nodes: Vec<NodeId>,
    /// Epicentre of each damage scenario (`[0]` unused).
    pub epicentres: Vec<[f64; 2]>,
}

/// Snaps, samples and sweeps: builds the instance.
pub fn build_inputs(
    sc: &Scenario,
    graph: &RoadGraph,
    candidates: &[Candidate],
    opts: &SiteOptions,
    progress: &dyn Progress,
) -> Result<SiteInputs, PlanError> {
    let prepared = crate::plan::prepare(sc, graph)?;
    let (usable, candidate_nodes, unusable) = fanout::usable_candidates(graph, candidates);
    let mut nodes: Vec<NodeId> = prepared.warehouse_nodes.clone();
    nodes.extend(candidate_nodes);
    let unloading = sc.targets.unloading_h;
    let cand_load = candidate_loading_h(sc);
    let handling: Vec<f64> = sc
        .warehouses
        .iter()
        .map(|w| w.fleet.loading_h + unloading)
        .chain(usable.iter().map(|_| cand_load + unloading))
        .collect();
    let model = DamageModel::new(
        graph,
        &prepared.weights,
        &sc.disruption.slow_areas,
        &graph.bridge_ways,
        opts.seed,
    );
    let epi = epicentres(sc, opts.scenarios.max(1), opts.seed);
    let inp = matrices::SweepInput {
        graph,
        base: &prepared.weights,
        model: &model,
        sources: &nodes,
        handling_h: &handling,
        targets: &prepared.shelter_nodes,
        epicentres: &epi,
    };
    let mut sweep = matrices::sweep(&inp, progress);
    let capacity = (0..sc.warehouses.len())
        .map(|w| first_batch_persons(sc, w))
        .chain(usable.iter().map(|c| f64::from(c.capacity_persons)))
        .collect();
    let instance = SitingInstance {
        weights: sc.shelters.iter().map(|s| f64::from(s.headcount)).collect(),
        fixed: sc.warehouses.len(),
        capacity,
        // Moved, not copied: 1 000 scenarios of Level I are ~90 MB.
        scenarios: std::mem::take(&mut sweep.matrices),
    };
    Ok(SiteInputs {
        instance,
        candidates: usable,
        unusable,
        bridge_edges: model.bridge_edges(),
        sweep,
        prepared,
        site_nodes: nodes,
        epicentres: epi,
    })
}

/// Runs the whole siting study.
pub fn run_siting(
    sc: &Scenario,
    graph: &RoadGraph,
    candidates: &[Candidate],
    opts: &SiteOptions,
    progress: &dyn Progress,
) -> Result<Siting, SiteError> {
    opts.validate()?;
    let inp = build_inputs(sc, graph, candidates, opts, progress)?;
    let k = opts.k.min(inp.candidates.len());
    let deadline_h = opts.deadline_h.unwrap_or(sc.targets.first_delivery_h);
    let penalty_h = opts.penalty_h.unwrap_or(sc.targets.relief_h);
    let (deadline, penalty) = (to_units(Some(deadline_h)), to_units(Some(penalty_h)));
    let t_models = Instant::now();
    let models = models::run_models(&inp.instance, k, deadline, penalty, opts)?;
    let models_s = t_models.elapsed().as_secs_f64();
    let t_eval = Instant::now();
    let layouts = robustness::compare(
        &inp.instance,
        &models,
        deadline,
        penalty,
        opts.capacitated_scenarios,
    );
    let ids = |open: &[usize]| -> Vec<String> {
        open.iter()
            .map(|&j| inp.candidates[j - inp.instance.fixed].id.clone())
            .collect()
    };
    let alone = robustness::alone_gains(&inp.instance, deadline, penalty);
    let candidates_out = inp
        .candidates
        .iter()
        .enumerate()
        .map(|(c, cand)| CandidateResult {
            id: cand.id.clone(),
            name: cand.name.clone(),
            kind: cand.kind.clone(),
            lon: cand.lon,
            lat: cand.lat,
            capacity_persons: cand.capacity_persons,
            chosen_by: models
                .iter()
                .filter(|m| m.open.contains(&(inp.instance.fixed + c)))
                .map(|m| m.model.clone())
                .collect(),
            alone_gain_persons: alone[c].0,
            alone_time_saving_h: alone[c].1,
        })
        .collect();
    let mclp_open = models
        .iter()
        .find(|m| m.model == "mclp")
        .map(|m| m.open.clone())
        .unwrap_or_default();
    let stock_mix = stock_mix::compute(sc, &inp, &mclp_open)?;
    let hours = |t: u16| (t != solver::siting::UNREACHABLE).then(|| solver::siting::to_hours(t));
    let shelter_times_h = inp
        .instance
        .best_times(0, &[])
        .into_iter()
        .zip(inp.instance.best_times(0, &mclp_open))
        .map(|(a, b)| (hours(a), hours(b)))
        .collect();
    let evaluate_s = t_eval.elapsed().as_secs_f64();
    let planner = if opts.planner_scenarios > 0 && k > 0 {
        let model = DamageModel::new(
            graph,
            &inp.prepared.weights,
            &sc.disruption.slow_areas,
            &graph.bridge_ways,
            opts.seed,
        );
        let worker = fanout::Worker {
            sc,
            graph,
            base: &inp.prepared,
            candidates: &inp.candidates,
            site_nodes: &inp.site_nodes,
            model: &model,
            epicentres: &inp.epicentres,
        };
        let screen = opts.planner_scenarios.min(inp.epicentres.len());
        progress.begin("screening roads", screen as u64);
        let screening: Vec<judge::DamagePrep> = (0..screen)
            .into_par_iter()
            .map(|s| {
                let d = worker.prepare(s);
                progress.step(1);
                d
            })
            .collect();
        progress.end();
        let pin = by_planner::PlannerInput {
            candidates: &inp.candidates,
            scenarios: inp.epicentres.len(),
            k,
            screening: &screening,
            shortlist: opts.shortlist,
            covering: mclp_open.iter().map(|&j| j - inp.instance.fixed).collect(),
        };
        let local = fanout::Local {
            worker: &worker,
            prepared: &screening,
        };
        let on_ray = match &opts.ray {
            Some(r) => Some(ray::RayFanout::start(r, sc, opts)?),
            None => None,
        };
        let fan: &dyn fanout::Fanout = match &on_ray {
            Some(r) => r,
            None => &local,
        };
        Some(by_planner::run(sc, &pin, fan, progress)?)
    } else {
        None
    };
    let layouts = layouts
        .into_iter()
        .map(|mut l| {
            l.open_ids = ids(&l.open);
            l
        })
        .collect();
    Ok(Siting {
        scenario: sc.name.clone(),
        k,
        deadline_h,
        penalty_h,
        scenarios: inp.instance.scenarios.len(),
        seed: opts.seed,
        persons: inp.instance.total_weight(),
        existing: sc.warehouses.iter().map(|w| w.id.clone()).collect(),
        candidates: candidates_out,
        unusable: inp.unusable.clone(),
        models: models
            .into_iter()
            .map(|mut m| {
                m.open_ids = ids(&m.open);
                m
            })
            .collect(),
        layouts,
        stock_mix,
        planner,
        damage: inp.sweep.damage.clone(),
        bridge_edges: inp.bridge_edges,
        repaired_share: inp.sweep.repaired_share,
        timings: SiteTimings {
            trees_s: inp.sweep.trees_s,
            sweep_s: inp.sweep.sweep_s,
            models_s,
            evaluate_s,
        },
        shelter_times_h,
        base_times_h: (0..inp.instance.sites())
            .map(|j| {
                inp.instance.scenarios[0]
                    .row(j)
                    .iter()
                    .map(|&t| hours(t))
                    .collect()
            })
            .collect(),
    })
}

/// Errors of a siting run (bad input; infeasibility is a result).
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// An option is out of range.
    #[error("siting option {option}: {message}")]
    Option {
        /// The option's name.
        option: &'static str,
        /// What is wrong and what was expected.
        message: String,
    },
    /// Planning preparation failed (snapping, disruption).
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The numeric instance is invalid.
    #[error("siting instance: {0}")]
    Instance(#[from] solver::siting::SitingError),
    /// An exact model failed.
    #[error("exact model: {0}")]
    Mip(#[from] solver::siting::mip::MipError),
    /// Planner evaluations failed where they ran (a plan, the cluster).
    #[error(transparent)]
    Fanout(#[from] fanout::FanoutError),
}

/// Default candidates file of a scenario folder.
pub fn default_candidates(dir: &Path) -> std::path::PathBuf {
    dir.join("candidates.csv")
}
