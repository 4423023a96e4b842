//! `reliefflow audit <scenario-dir> [-o dir]`: the auditor's command.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::load::{scenario_and_graph, Strictness};
use super::progress::TerminalProgress;
use reliefflow::audit::{run_audit, AuditOptions};
use reliefflow::report::audit_files::{self, AUDIT_FILES};
use reliefflow::report::audit_summary;

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// Scenario folder (with scenario.toml; population.csv for per-resident figures).
    scenario: PathBuf,
    /// Output folder (default: out/<scenario name>/audit/).
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
    /// Candidate epicentres for the two-Level-I sweep (every pair is planned).
    #[arg(long, default_value_t = AuditOptions::default().epicentres)]
    epicentres: usize,
    /// Busiest roads closed one at a time.
    #[arg(long, default_value_t = AuditOptions::default().top_roads)]
    top_roads: usize,
}

pub fn run(args: AuditArgs) -> Result<()> {
    let dir = &args.scenario;
    let (sc, loaded) = scenario_and_graph(dir, Strictness::Lenient)?;
    let g = loaded.graph;
    let opts = AuditOptions {
        epicentres: args.epicentres,
        top_roads: args.top_roads,
        ..AuditOptions::default()
    };
    let a = run_audit(&sc, &g, &opts, &TerminalProgress::default())?;
    let out = args
        .output
        .unwrap_or_else(|| PathBuf::from("out").join(&sc.name).join("audit"));
    audit_files::write_folder(&out, &sc, &g, &a)?;
    print!("{}", audit_summary::render(&a));
    println!(
        "  wrote {} to {} ({} plans, {:.1} s)",
        AUDIT_FILES.join(", "),
        out.display(),
        a.plans,
        a.seconds
    );
    Ok(())
}
