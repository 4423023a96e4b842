//! `reliefflow solve-mcf FILE`: solve a DIMACS min-cost-flow instance with the
//! solver crate and print the optimal cost, status and timings.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use solver::mcf::{McfSolver, Outcome, StartBasis, SupplyMode};

#[derive(Args, Debug)]
pub struct SolveMcfArgs {
    /// DIMACS min-cost-flow file (`p min`).
    file: PathBuf,
    /// Meet as much demand as possible instead of requiring exact balance.
    #[arg(long)]
    meet_max_demand: bool,
    /// Starting spanning tree of the network simplex.
    #[arg(long, value_enum, default_value_t = Start::ShortestPaths)]
    start: Start,
}

/// `--start` values.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum Start {
    /// Shortest-path forest from the supplies (crash basis).
    ShortestPaths,
    /// All nodes on an artificial root, as LEMON starts.
    Artificial,
}

/// Prints: the optimal cost alone on the first line (or the status word when not
/// optimal), then `status`, `read_s`, `solve_s`, `nodes`, `arcs`, `pivots` lines.
pub fn run(args: SolveMcfArgs) -> Result<()> {
    let start = Instant::now();
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let net = solver::dimacs::parse(&bytes).with_context(|| format!("{}", args.file.display()))?;
    let read_s = start.elapsed().as_secs_f64();
    let mode = if args.meet_max_demand {
        SupplyMode::MeetMaxDemand
    } else {
        SupplyMode::Exact
    };
    let start = Instant::now();
    let (nodes, arcs) = (net.node_count(), net.arcs.len());
    let start_basis = match args.start {
        Start::ShortestPaths => StartBasis::ShortestPaths,
        Start::Artificial => StartBasis::Artificial,
    };
    let mut s = McfSolver::from_network(net, mode)
        .with_context(|| format!("{}", args.file.display()))?
        .with_start(start_basis);
    let outcome = s.solve();
    let solve_s = start.elapsed().as_secs_f64();
    match &outcome {
        Outcome::Optimal(sol) => println!("{}", sol.total_cost),
        other => println!("{}", other.status()),
    }
    println!("status {}", outcome.status());
    if let Outcome::Optimal(sol) = &outcome {
        if args.meet_max_demand {
            println!("unmet_demand {}", sol.total_unmet());
        }
        println!("pivots {}", sol.pivots);
    }
    println!("nodes {nodes}\narcs {arcs}");
    println!("read_s {read_s:.6}\nsolve_s {solve_s:.6}");
    Ok(())
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum Shape {
    /// Road-like grid: ROWS COLS (≈ 4·ROWS·COLS arcs).
    Grid,
    /// Warehouse → shelter transport: WAREHOUSES SHELTERS (product = arcs).
    Transport,
}

#[derive(Args, Debug)]
pub struct GenMcfArgs {
    /// Instance shape.
    #[arg(long, value_enum)]
    shape: Shape,
    /// First size (grid rows, or warehouses).
    a: usize,
    /// Second size (grid columns, or shelters).
    b: usize,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output DIMACS file.
    #[arg(short = 'o', long)]
    output: PathBuf,
}

/// Writes a generated instance.
pub fn generate(args: GenMcfArgs) -> Result<()> {
    // A grid needs two rows and two columns to have a road; a transport
    // instance one warehouse and one shelter. The product bounds the memory.
    let least = match args.shape {
        Shape::Grid => 2,
        Shape::Transport => 1,
    };
    let product = args.a.checked_mul(args.b);
    if args.a < least || args.b < least || product.is_none_or(|p| p > 100_000_000) {
        anyhow::bail!(
            "size: A and B must be at least {least} with A × B at most 10⁸, got {} × {}",
            args.a,
            args.b
        );
    }
    let net = match args.shape {
        Shape::Grid => solver::gen::road_grid(
            args.a,
            args.b,
            (args.a * args.b / 200).max(4),
            args.a * args.b / 20,
            args.seed,
        ),
        Shape::Transport => solver::gen::transport(args.a, args.b, args.seed),
    };
    reliefflow::report::staging::atomically(&args.output, |tmp| {
        let fail = |e: std::io::Error| reliefflow::report::write_error::WriteError {
            path: args.output.display().to_string(),
            message: e.to_string(),
        };
        let mut out = std::io::BufWriter::new(std::fs::File::create(tmp).map_err(fail)?);
        solver::dimacs::write(&net, &mut out).map_err(fail)?;
        std::io::Write::flush(&mut out).map_err(fail)
    })?;
    println!(
        "{} nodes, {} arcs → {}",
        net.node_count(),
        net.arcs.len(),
        args.output.display()
    );
    Ok(())
}
