//! `reliefflow solve-mcf`: placeholder until the solver crate lands (see below).

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct SolveMcfArgs {
    /// DIMACS min-cost-flow file (`p min`).
    file: PathBuf,
}

pub fn run(args: SolveMcfArgs) -> Result<()> {
    anyhow::bail!(
        "solve-mcf {}: the solver is not built yet",
        args.file.display()
    )
}
