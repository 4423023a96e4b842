//! `reliefflow site <scenario-dir> [--k N] [--candidates f.csv] [-o dir]`: the
//! logistics planner's command.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::load::{scenario_and_graph, Strictness};
use super::progress::TerminalProgress;
use reliefflow::io::candidates::read_candidates;
use reliefflow::report::siting_files::{self, SITING_FILES};
use reliefflow::site::ray::RayOptions;
use reliefflow::site::{default_candidates, run_siting, SiteOptions};

#[derive(Args, Debug)]
pub struct SiteArgs {
    /// Scenario folder (with scenario.toml and candidates.csv).
    scenario: PathBuf,
    /// Candidate sites to open.
    #[arg(long, default_value_t = SiteOptions::default().k)]
    k: usize,
    /// Candidate table (id,name,lon,lat,capacity_persons[,kind]); default: the
    /// scenario's candidates.csv.
    #[arg(long)]
    candidates: Option<PathBuf>,
    /// Output folder (default: out/<scenario name>/site/).
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
    /// Damage scenarios to sample (scenario 0 is the scenario as given).
    #[arg(long, default_value_t = SiteOptions::default().scenarios)]
    scenarios: usize,
    /// Seed of the damage sampler (same inputs and seed → byte-identical siting.csv).
    #[arg(long, default_value_t = SiteOptions::default().seed)]
    seed: u64,
    /// Coverage deadline, hours (default: the scenario's first-batch deadline).
    #[arg(long)]
    deadline_h: Option<f64>,
    /// Damage scenarios the capacitated coverage is evaluated on.
    #[arg(long, default_value_t = SiteOptions::default().capacitated_scenarios)]
    capacitated_scenarios: usize,
    /// Damage scenarios the planner-judged search plans each layout on (the
    /// first ones; 0: leave the dispatch planner out and judge by coverage only).
    #[arg(long, default_value_t = SiteOptions::default().planner_scenarios)]
    planner_scenarios: usize,
    /// Candidates the planner-judged search considers (best surrogate first).
    #[arg(long, default_value_t = SiteOptions::default().shortlist)]
    shortlist: usize,
    /// Plan the planner-judged part on the Ray cluster at this address
    /// (`host:port` of its head) instead of this machine's cores; same results.
    #[arg(long)]
    ray: Option<String>,
    /// Python with `ray` installed, for --ray (default: $RELIEFFLOW_RAY_PYTHON,
    /// else the project's own venv from scripts/ensure-ray, else python3).
    #[arg(long)]
    ray_python: Option<PathBuf>,
    /// Damage scenarios per Ray task, for --ray.
    #[arg(long, default_value_t = 10)]
    ray_batch: usize,
    /// Also solve the exact MCLP and p-median MIPs on scenario 0 (small instances).
    #[arg(long)]
    exact: bool,
    /// Also write scenario 0's numeric instance (cost_minutes.csv, weights.csv,
    /// instance.json) to this folder, for peer solvers (benches/peers/compare_siting.sh).
    #[arg(long)]
    export_instance: Option<PathBuf>,
}

/// The Python of `--ray`: given, else `$RELIEFFLOW_RAY_PYTHON`, else the
/// project's venv (`target/ray-venv`, made by scripts/ensure-ray) when present,
/// else `python3`.
fn ray_python(given: Option<PathBuf>) -> PathBuf {
    given
        .or_else(|| std::env::var_os("RELIEFFLOW_RAY_PYTHON").map(PathBuf::from))
        .or_else(|| {
            let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/ray-venv/bin/python");
            venv.is_file().then_some(venv)
        })
        .unwrap_or_else(|| PathBuf::from("python3"))
}

pub fn run(args: SiteArgs) -> Result<()> {
    let dir = &args.scenario;
    let (sc, loaded) = scenario_and_graph(dir, Strictness::Strict)?;
    let g = loaded.graph;
    let cand_path = args
        .candidates
        .clone()
        .unwrap_or_else(|| default_candidates(dir));
    let candidates = read_candidates(&cand_path)?;
    let opts = SiteOptions {
        k: args.k,
        scenarios: args.scenarios,
        seed: args.seed,
        deadline_h: args.deadline_h,
        penalty_h: None,
        exact: args.exact,
        capacitated_scenarios: args.capacitated_scenarios,
        planner_scenarios: args.planner_scenarios,
        shortlist: args.shortlist,
        ray: match &args.ray {
            Some(address) => Some(RayOptions {
                address: address.clone(),
                python: ray_python(args.ray_python.clone()),
                batch: args.ray_batch,
                candidates_file: cand_path.clone(),
                binary: std::env::current_exe()?,
            }),
            None => None,
        },
    };
    let s = run_siting(&sc, &g, &candidates, &opts, &TerminalProgress::default())?;
    if let Some(dir) = &args.export_instance {
        siting_files::write_instance(dir, &sc, &s)?;
    }
    let out = args
        .output
        .unwrap_or_else(|| PathBuf::from("out").join(&sc.name).join("site"));
    siting_files::write_folder(&out, &sc, &g, &s, &cand_path)?;
    print!("{}", siting_files::summary(&s));
    println!("  wrote {} to {}", SITING_FILES.join(", "), out.display());
    Ok(())
}
