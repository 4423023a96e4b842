//! `reliefflow scenario generate <dir>`: the planner's scenario generator.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Subcommand;

use reliefflow::scenario::generate::{generate, RECIPE};

#[derive(Subcommand, Debug)]
pub enum ScenarioCommand {
    /// (Re)write shelters.csv and stock.csv of a scenario folder from its generate.toml.
    Generate {
        /// Scenario folder holding scenario.toml, warehouses.csv and generate.toml.
        dir: PathBuf,
    },
}

pub fn run(cmd: ScenarioCommand) -> Result<()> {
    match cmd {
        ScenarioCommand::Generate { dir } => {
            let r = generate(&dir)
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
