//! Command-line definitions and dispatch.

mod audit;
mod load;
mod network;
mod plan;
mod progress;
mod scenario;
mod serve;
mod site;
mod site_worker;
mod solve;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// The scenario the default job runs on, relative to the data folder.
pub const DEFAULT_SCENARIO: &str = "scenarios/xicheng-earthquake";

/// Environment variable naming the data folder (the one holding `scenarios/` and
/// `network-data/`, i.e. the repository root).
pub const DATA_ENV: &str = "RELIEFFLOW_DATA";

/// reliefflow: plan emergency relief dispatch on real road networks.
///
/// With no arguments, runs the default job on the bundled Xicheng data.
#[derive(Parser, Debug)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Folder holding the bundled `scenarios/` and `network-data/` (default:
    /// $RELIEFFLOW_DATA, else the current folder, else the source tree the binary
    /// was built from). Used by the default job.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Shortest-path engine: auto (the CCH when the graph's structure is cached
    /// and the work is more than a few searches), dijkstra or cch. Default:
    /// $RELIEFFLOW_ENGINE, else auto.
    #[arg(long, global = true)]
    engine: Option<reliefflow::network::Engine>,
}

impl Cli {
    /// True when the command writes its answer to standard output and may be
    /// piped into `head` and the like (every command but the server itself:
    /// `serve token …` prints).
    pub fn prints(&self) -> bool {
        match &self.command {
            Some(Command::Serve(s)) => !s.runs_server(),
            _ => true,
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Plan dispatch for a scenario folder: trips, shortfalls, KPIs.
    Plan(plan::PlanArgs),
    /// Coverage audit of a scenario: audit.json, audit.csv, audit.html.
    Audit(audit::AuditArgs),
    /// Stockpile siting: which candidate sites to open, robust to damage scenarios.
    Site(site::SiteArgs),
    /// Road-network tools: build, matrix, route, export.
    #[command(subcommand)]
    Network(network::NetworkCommand),
    /// Scenario tools: generate shelters and stock from a recipe.
    #[command(subcommand)]
    Scenario(scenario::ScenarioCommand),
    /// The duty officers' service: incidents, plans and the stock ledger over HTTP.
    Serve(serve::ServeArgs),
    /// Solve a DIMACS min-cost-flow file and print the optimal cost and timings.
    SolveMcf(solve::SolveMcfArgs),
    /// Write a generated benchmark min-cost-flow instance in DIMACS format.
    GenMcf(solve::GenMcfArgs),
    /// One Ray task of `site --ray`: a JSON request on standard input, JSON
    /// outcomes on standard output (run by tools/ray_site.py).
    #[command(hide = true)]
    SiteWorker,
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(e) = cli.engine {
        reliefflow::network::engine::set_default(e);
    }
    match cli.command {
        Some(Command::Plan(args)) => plan::run(args),
        Some(Command::Audit(args)) => audit::run(args),
        Some(Command::Site(args)) => site::run(args),
        Some(Command::Network(cmd)) => network::run(cmd),
        Some(Command::Scenario(cmd)) => scenario::run(cmd),
        Some(Command::Serve(args)) => serve::run(args, || default_scenario(cli.data_dir)),
        Some(Command::SolveMcf(args)) => solve::run(args),
        Some(Command::GenMcf(args)) => solve::generate(args),
        Some(Command::SiteWorker) => site_worker::run(),
        None => plan::run_plan(&default_scenario(cli.data_dir)?, None, None, None),
    }
}

/// The bundled default scenario: under `--data-dir`, else `$RELIEFFLOW_DATA`,
/// else the current folder, else the source tree the binary was built from.
fn default_scenario(data_dir: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let explicit = data_dir.or_else(|| std::env::var_os(DATA_ENV).map(PathBuf::from));
    if let Some(d) = explicit {
        let s = d.join(DEFAULT_SCENARIO);
        anyhow::ensure!(
            s.join("scenario.toml").is_file(),
            "no bundled scenario at {} (the data folder must hold {DEFAULT_SCENARIO}/scenario.toml)",
            s.display()
        );
        return Ok(s);
    }
    let candidates = [
        PathBuf::from(DEFAULT_SCENARIO),
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_SCENARIO),
    ];
    candidates
        .into_iter()
        .find(|s| s.join("scenario.toml").is_file())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "the bundled scenario {DEFAULT_SCENARIO} is not here: run from the repository \
                 root, pass --data-dir <repository>, or set {DATA_ENV}=<repository>"
            )
        })
}
