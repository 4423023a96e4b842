//! `reliefflow site-worker`: one Ray task's work for `reliefflow site --ray`
//! (hidden; run by `tools/ray_site.py`). Reads a [`WorkerRequest`] as JSON on
//! standard input, judges its layouts on its damage scenarios with the same
//! code as a local run, and prints the outcomes as JSON.

use std::io::Read;

use anyhow::{bail, Context, Result};
use reliefflow::io::candidates::read_candidates;
use reliefflow::network::cache::{self, CacheState};
use reliefflow::network::{load_graph, CacheMode, Profile, RoadGraph};
use reliefflow::progress::Silent;
use reliefflow::scenario::Scenario;
use reliefflow::site::damage::DamageModel;
use reliefflow::site::epicentres;
use reliefflow::site::fanout::{usable_candidates, Worker, WorkerRequest};

/// `hex` (64 digits) as 32 bytes.
fn sha(hex: &str) -> Result<[u8; 32]> {
    let mut out = [0u8; 32];
    if hex.len() != 64 {
        bail!("graph digest: expected 64 hex digits, got {}", hex.len());
    }
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
            .with_context(|| format!("graph digest: not hex at {}", 2 * i))?;
    }
    Ok(out)
}

fn graph(req: &WorkerRequest, sc: &Scenario) -> Result<RoadGraph> {
    let Some((file, digest)) = &req.graph else {
        return Ok(load_graph(&sc.network, &Profile::default(), CacheMode::Use, &Silent)?.graph);
    };
    match cache::load(file, sha(digest)?, Profile::default().fingerprint()) {
        CacheState::Loaded(g) => Ok(*g),
        CacheState::Stale => bail!("{}: not the graph of {digest}", file.display()),
        CacheState::Damaged(why) => bail!("{}: {why}", file.display()),
    }
}

pub fn run() -> Result<()> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let req: WorkerRequest = serde_json::from_str(&text).context("site-worker request")?;
    let sc = Scenario::load(&req.scenario)
        .with_context(|| format!("loading scenario {}", req.scenario.display()))?;
    let g = graph(&req, &sc)?;
    let candidates = read_candidates(&req.candidates)?;
    let (usable, nodes, _) = usable_candidates(&g, &candidates);
    let base = reliefflow::plan::prepare(&sc, &g)?;
    let mut site_nodes = base.warehouse_nodes.clone();
    site_nodes.extend(nodes);
    let model = DamageModel::new(
        &g,
        &base.weights,
        &sc.disruption.slow_areas,
        &g.bridge_ways,
        req.seed,
    );
    let epi = epicentres(&sc, req.scenarios.max(1), req.seed);
    if let Some(&bad) = req.damage.iter().find(|&&d| d >= epi.len()) {
        bail!("damage scenario {bad} asked of {}", epi.len());
    }
    if let Some(bad) = req.layouts.iter().flatten().find(|&&c| c >= usable.len()) {
        bail!("candidate {bad} asked of {} usable", usable.len());
    }
    let worker = Worker {
        sc: &sc,
        graph: &g,
        base: &base,
        candidates: &usable,
        site_nodes: &site_nodes,
        model: &model,
        epicentres: &epi,
    };
    let out = worker.outcomes(&req.layouts, &req.damage, req.detail)?;
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}
