//! `reliefflow plan <scenario-dir> [-o dir]`: the duty officer's command.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;

use reliefflow::network::{load_graph, CacheMode, Profile};
use reliefflow::plan::{kpi, plan};
use reliefflow::report::{plan_files, summary};
use reliefflow::scenario::Scenario;

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// Scenario folder (with scenario.toml).
    scenario: PathBuf,
    /// Output folder (default: out/<scenario name>/).
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
}

pub fn run(args: PlanArgs) -> Result<()> {
    run_plan(&args.scenario, args.output.as_deref())
}

/// Loads, plans, writes the four output files and prints the summary.
pub fn run_plan(dir: &Path, output: Option<&Path>) -> Result<()> {
    let start = Instant::now();
    let scenario =
        Scenario::load(dir).with_context(|| format!("loading scenario {}", dir.display()))?;
    let loaded = load_graph(&scenario.network, &Profile::default(), CacheMode::Use)
        .with_context(|| format!("road network of scenario {}", dir.display()))?;
    let p = plan(&scenario, &loaded.graph)?;
    let kpis = kpi::compute(&scenario, &p);
    let hints = summary::bottleneck_hints(&scenario, &p);
    let out = output.map_or_else(
        || PathBuf::from("out").join(&scenario.name),
        Path::to_path_buf,
    );
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    plan_files::write_trips(&out.join("trips.csv"), &scenario, &p)?;
    plan_files::write_shortfalls(&out.join("shortfalls.csv"), &scenario, &p)?;
    plan_files::write_json(&out.join("plan.json"), &scenario, &p, &kpis, &hints)?;
    plan_files::write_geojson(&out.join("plan.geojson"), &scenario, &loaded.graph, &p)?;
    print!("{}", summary::render(&scenario, &p, &kpis, &hints));
    println!(
        "  wrote trips.csv, shortfalls.csv, plan.json, plan.geojson to {} ({:.2} s in all, graph {})",
        out.display(),
        start.elapsed().as_secs_f64(),
        if loaded.from_cache { "from cache" } else { "built" }
    );
    Ok(())
}
