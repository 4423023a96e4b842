//! `reliefflow scenario generate <dir>`: the planner's scenario generator.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Subcommand;

use super::load::{scenario_and_graph, Strictness};
use super::progress::TerminalProgress;
use reliefflow::scenario::candidates::{pick_candidates, write_candidates};
use reliefflow::scenario::generate::{generate, RECIPE};

#[derive(Subcommand, Debug)]
pub enum ScenarioCommand {
    /// (Re)write shelters.csv and stock.csv of a scenario folder from its generate.toml.
    Generate {
        /// Scenario folder holding scenario.toml, warehouses.csv and generate.toml.
        dir: PathBuf,
    },
    /// Write candidates.csv (candidate stockpile sites: depots, underground car
    /// parks, disused buildings) from the scenario's OSM extract.
    Candidates {
        /// Scenario folder.
        dir: PathBuf,
        /// Sites to keep (largest first).
        #[arg(long, default_value_t = 50)]
        count: usize,
        /// Minimum distance between sites and from existing warehouses, metres.
        #[arg(long, default_value_t = 800.0)]
        spacing_m: f64,
    },
}

pub fn run(cmd: ScenarioCommand) -> Result<()> {
    match cmd {
        ScenarioCommand::Candidates {
            dir,
            count,
            spacing_m,
        } => {
            let (sc, loaded) = scenario_and_graph(&dir, Strictness::Strict)?;
            let g = loaded.graph;
            let (rows, found) = pick_candidates(&sc, &g, count, spacing_m)?;
            let path = dir.join("candidates.csv");
            write_candidates(&path, &rows)
                .with_context(|| format!("writing {}", path.display()))?;
            println!(
                "{}: {} candidate sites ({} from {found} OSM depots, underground car parks and disused buildings near the shelters; the rest assumed grid sites)",
                path.display(),
                rows.len(),
                rows.iter().filter(|r| r.kind != "assumed").count()
            );
            Ok(())
        }
        ScenarioCommand::Generate { dir } => {
            let r = generate(&dir, &TerminalProgress::default())
                .with_context(|| format!("generating {} from its {RECIPE}", dir.display()))?;
            println!(
                "{}: {} shelters from {} candidate sites ({} off the road network, {} in hazard areas, {} nested/small/over the limit)",
                dir.display(),
                r.shelters,
                r.candidates,
                r.off_network,
                r.in_hazard,
                r.other_dropped
            );
            println!(
                "  {} persons in shelters with room for {} (area / 1.5 m²); stock for {} persons of full basic relief",
                r.persons, r.capacity_persons, r.stocked_persons
            );
            println!("  wrote shelters.csv and stock.csv");
            Ok(())
        }
    }
}
