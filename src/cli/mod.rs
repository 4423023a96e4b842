//! Command-line definitions and dispatch.

mod audit;
mod load;
mod network;
mod plan;
mod progress;
mod scenario;
mod site;
mod solve;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// The scenario the default job runs on.
pub const DEFAULT_SCENARIO: &str = "scenarios/xicheng-earthquake";

/// reliefflow: plan emergency relief dispatch on real road networks.
///
/// With no arguments, runs the default job on the bundled Xicheng data.
#[derive(Parser, Debug)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
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
    /// Solve a DIMACS min-cost-flow file and print the optimal cost and timings.
    SolveMcf(solve::SolveMcfArgs),
    /// Write a generated benchmark min-cost-flow instance in DIMACS format.
    GenMcf(solve::GenMcfArgs),
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Some(Command::Plan(args)) => plan::run(args),
        Some(Command::Audit(args)) => audit::run(args),
        Some(Command::Site(args)) => site::run(args),
        Some(Command::Network(cmd)) => network::run(cmd),
        Some(Command::Scenario(cmd)) => scenario::run(cmd),
        Some(Command::SolveMcf(args)) => solve::run(args),
        Some(Command::GenMcf(args)) => solve::generate(args),
        None => plan::run_plan(&PathBuf::from(DEFAULT_SCENARIO), None),
    }
}
