//! `reliefflow plan <scenario-dir> [-o dir]`: the duty officer's command.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use clap::Args;

use super::load::{scenario_and_graph, Strictness};
use reliefflow::plan::{kpi, plan_with_bounds, prepare, PlanOptions};
use reliefflow::report::clock;
use reliefflow::report::plan_files::{self, PLAN_FILES};
use reliefflow::report::staging::Staging;
use reliefflow::report::summary;
use reliefflow::scenario::objective::Mode;

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// Scenario folder (with scenario.toml).
    scenario: PathBuf,
    /// Output folder (default: out/<scenario name>/).
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
    /// Objective, overriding the scenario's `[objective] mode`.
    #[arg(long, value_parser = ["efficient", "fair"])]
    objective: Option<String>,
    /// Plan time (default: the event, for exercises): no truck loads before it;
    /// deadlines stay anchored at the event. A clock time `HH:MM` (the first at
    /// or after the event) or hours after the event, `+2.5` or `+2:30`.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

pub fn run(args: PlanArgs) -> Result<()> {
    let mode = args.objective.as_deref().map(|m| match m {
        "fair" => Mode::Fair,
        _ => Mode::Efficient,
    });
    run_plan(
        &args.scenario,
        args.output.as_deref(),
        mode,
        args.at.as_deref(),
    )
}

/// Loads, plans, writes the plan's files and prints the summary; `mode`
/// overrides the scenario's objective; `at` is the plan time
/// ([`clock::parse_at`]).
pub fn run_plan(
    dir: &Path,
    output: Option<&Path>,
    mode: Option<Mode>,
    at: Option<&str>,
) -> Result<()> {
    let start = Instant::now();
    let (mut scenario, loaded) = scenario_and_graph(dir, Strictness::Strict)?;
    if let Some(m) = mode {
        scenario.objective.mode = m;
    }
    if let Some(at) = at {
        let h = clock::parse_at(&scenario.event_time, at).map_err(anyhow::Error::msg)?;
        scenario.set_plan_time(h);
    }
    tracing::debug!(
        "plan: loaded in {:.1} ms",
        1e3 * start.elapsed().as_secs_f64()
    );
    let prep = prepare(&scenario, &loaded.graph)?;
    let p = plan_with_bounds(&scenario, &prep, &PlanOptions::full())?;
    let out = output.map_or_else(
        || PathBuf::from("out").join(&scenario.name),
        Path::to_path_buf,
    );
    // All files or none.
    let t_write = Instant::now();
    let mut stage = Staging::new(&out)?;
    let paths = PLAN_FILES.map(|name| stage.file(name));
    plan_files::write_tables(&paths, &scenario, &loaded.graph, &p)?;
    let kpis = kpi::compute(&scenario, &p);
    plan_files::write_json(&paths[2], &scenario, &p, &kpis)?;
    stage.commit()?;
    tracing::debug!(
        "plan: files in {:.1} ms",
        1e3 * t_write.elapsed().as_secs_f64()
    );
    print!("{}", summary::render(&scenario, &p, &kpis));
    println!(
        "  wrote {} to {} ({:.2} s in all, graph {})",
        PLAN_FILES.join(", "),
        out.display(),
        start.elapsed().as_secs_f64(),
        if loaded.from_cache {
            "from cache"
        } else {
            "built"
        }
    );
    Ok(())
}
