//! `reliefflow site <scenario-dir> [--k N] [--candidates f.csv] [-o dir]`: the
//! logistics planner's command.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use reliefflow::io::candidates::read_candidates;
use reliefflow::network::osm::bridge_ways;
use reliefflow::network::{load_graph, CacheMode, Profile};
use reliefflow::report::{siting_files, siting_html};
use reliefflow::scenario::Scenario;
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
    /// Also solve the exact MCLP and p-median MIPs on scenario 0 (small instances).
    #[arg(long)]
    exact: bool,
    /// Also write scenario 0's numeric instance (cost_minutes.csv, weights.csv,
    /// instance.json) to this folder, for peer solvers (benches/peers/compare_siting.sh).
    #[arg(long)]
    export_instance: Option<PathBuf>,
}

pub fn run(args: SiteArgs) -> Result<()> {
    let dir = &args.scenario;
    let sc = Scenario::load(dir).with_context(|| format!("loading scenario {}", dir.display()))?;
    let cand_path = args
        .candidates
        .clone()
        .unwrap_or_else(|| default_candidates(dir));
    let candidates = read_candidates(&cand_path)?;
    let g = load_graph(&sc.network, &Profile::default(), CacheMode::Use)
        .with_context(|| format!("road network of scenario {}", dir.display()))?
        .graph;
    let bridges = bridge_ways(&sc.network)?;
    if let Some(d) = args.deadline_h {
        anyhow::ensure!(
            d.is_finite() && d > 0.0,
            "--deadline-h must be a positive number of hours, got {d}"
        );
    }
    anyhow::ensure!(args.scenarios >= 1, "--scenarios must be at least 1");
    let opts = SiteOptions {
        k: args.k,
        scenarios: args.scenarios,
        seed: args.seed,
        deadline_h: args.deadline_h,
        penalty_h: None,
        exact: args.exact,
        capacitated_scenarios: args.capacitated_scenarios,
    };
    let pb = indicatif::ProgressBar::new(opts.scenarios as u64);
    pb.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} damage scenarios ({elapsed}, eta {eta})",
        )
        .expect("valid template"),
    );
    let s = run_siting(&sc, &g, &candidates, &opts, &bridges, &pb)?;
    if let Some(dir) = &args.export_instance {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        siting_files::write_instance(dir, &sc, &s)?;
    }
    let out = args
        .output
        .unwrap_or_else(|| PathBuf::from("out").join(&sc.name).join("site"));
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    siting_files::write_json(&out.join("siting.json"), &sc, &s, &cand_path)?;
    siting_files::write_csv(&out.join("siting.csv"), &s)?;
    siting_files::write_geojson(&out.join("siting.geojson"), &sc, &s)?;
    siting_html::write_html(&out.join("siting.html"), &sc, &g, &s)?;
    print!("{}", siting_files::summary(&s));
    println!(
        "  wrote siting.json, siting.csv, siting.geojson, siting.html to {}",
        out.display()
    );
    Ok(())
}
