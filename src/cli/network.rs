//! `reliefflow network …`: build, matrix, route, export.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};

use super::progress::TerminalProgress;
use reliefflow::io::disruption_file::read_disruption;
use reliefflow::io::points::{read_points, Datum, Point};
use reliefflow::network::snap::DEFAULT_MAX_SNAP_M;
use reliefflow::network::{
    load_graph, CacheMode, Disruption, EdgeWeights, MatrixEngine, NodeId, Profile, RoadGraph,
    Router, Snapper,
};
use reliefflow::report::network_files;

#[derive(Subcommand, Debug)]
pub enum NetworkCommand {
    /// Parse a PBF into the truck graph (cached next to the PBF) and print its figures.
    Build(GraphArgs),
    /// Travel-time matrix between two point files (CSV id,lon,lat).
    Matrix(MatrixArgs),
    /// Fastest route between two coordinates, as GeoJSON.
    Route(RouteArgs),
    /// Export the graph as GeoJSON line features (for QGIS).
    Export(ExportArgs),
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    /// The `.osm.pbf` road extract.
    pbf: PathBuf,
    /// Road profile TOML (default: the bundled relief-truck profile).
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Parse the PBF even if a valid cache exists, and do not write one.
    #[arg(long)]
    no_cache: bool,
}

#[derive(Args, Debug)]
pub struct MatrixArgs {
    #[command(flatten)]
    graph: GraphArgs,
    /// Origins: CSV with columns id,lon,lat.
    #[arg(long)]
    from: PathBuf,
    /// Destinations: CSV with columns id,lon,lat.
    #[arg(long)]
    to: PathBuf,
    /// Scenario TOML whose [disruption] table closes or slows roads.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Output CSV (from_id,to_id,seconds,metres).
    #[arg(short = 'o', long)]
    output: PathBuf,
    /// Coordinates are GCJ-02 (Chinese map providers); convert to WGS84.
    #[arg(long)]
    gcj02: bool,
    /// Largest accepted facility-to-road distance, metres.
    #[arg(long, default_value_t = DEFAULT_MAX_SNAP_M)]
    max_snap_m: f64,
}

#[derive(Args, Debug)]
pub struct RouteArgs {
    #[command(flatten)]
    graph: GraphArgs,
    /// Origin as `lon,lat`.
    #[arg(long, allow_hyphen_values = true)]
    from: String,
    /// Destination as `lon,lat`.
    #[arg(long, allow_hyphen_values = true)]
    to: String,
    /// Scenario TOML whose [disruption] table closes or slows roads.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Write the route as GeoJSON here (default: print a summary only).
    #[arg(long)]
    geojson: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    graph: GraphArgs,
    /// Output GeoJSON file.
    #[arg(long)]
    geojson: PathBuf,
    /// Scenario TOML: closed edges are exported with `closed: true`.
    #[arg(long)]
    scenario: Option<PathBuf>,
}

pub fn run(cmd: NetworkCommand) -> Result<()> {
    match cmd {
        NetworkCommand::Build(a) => {
            let g = load(&a)?;
            print_stats(&a.pbf, &g.0, g.1, g.2);
            Ok(())
        }
        NetworkCommand::Matrix(a) => matrix(&a),
        NetworkCommand::Route(a) => route(&a),
        NetworkCommand::Export(a) => {
            let (graph, ..) = load(&a.graph)?;
            let weights = weights_for(&graph, a.scenario.as_deref())?;
            network_files::write_edges_geojson(&a.geojson, &graph, &weights)?;
            println!(
                "wrote {} edges to {}",
                graph.edge_count(),
                a.geojson.display()
            );
            Ok(())
        }
    }
}

fn load(a: &GraphArgs) -> Result<(RoadGraph, bool, f64)> {
    let profile = match &a.profile {
        Some(p) => Profile::load(p)?,
        None => Profile::default(),
    };
    let mode = if a.no_cache {
        CacheMode::Bypass
    } else {
        CacheMode::Use
    };
    let g = load_graph(&a.pbf, &profile, mode, &TerminalProgress::default())?;
    Ok((g.graph, g.from_cache, g.seconds))
}

fn print_stats(pbf: &Path, g: &RoadGraph, from_cache: bool, seconds: f64) {
    let s = &g.stats;
    println!("road graph of {}", pbf.display());
    println!(
        "  highway ways {:>9}   routable for trucks {:>9}   blocking barriers {}",
        s.ingest.highway_ways, s.ingest.routable_ways, s.ingest.blocking_nodes
    );
    println!(
        "  nodes        {:>9}   directed edges      {:>9}",
        s.nodes, s.edges
    );
    println!("  road length  {:>9.1} km", s.road_km);
    println!(
        "  largest strongly connected component keeps {:.1} % of nodes ({} of {} dropped)",
        100.0 * (1.0 - s.dropped_node_share),
        s.nodes_before_scc - s.nodes,
        s.nodes_before_scc
    );
    if s.ingest.segments_missing_node > 0 {
        println!(
            "  segments dropped (node outside the extract): {}",
            s.ingest.segments_missing_node
        );
    }
    println!(
        "  {} in {:.2} s",
        if from_cache {
            "loaded from cache"
        } else {
            "parsed and built"
        },
        seconds
    );
    let ready = g.routing.get().is_some();
    let start = Instant::now();
    let t = g.cch();
    println!(
        "  contraction hierarchy: {} arcs ({:.1} per node), elimination tree height {}{}",
        t.arc_count(),
        t.arc_count() as f64 / t.node_count().max(1) as f64,
        t.height(),
        if ready {
            String::new()
        } else {
            format!(", prepared in {:.2} s", start.elapsed().as_secs_f64())
        }
    );
}

fn weights_for(graph: &RoadGraph, scenario: Option<&Path>) -> Result<EdgeWeights> {
    let disruption = match scenario {
        Some(p) => read_disruption(p)?,
        None => Disruption::default(),
    };
    let (w, r) = disruption.apply(graph).with_context(|| {
        format!(
            "applying the disruption of {}",
            scenario.map_or("-".into(), |p| p.display().to_string())
        )
    })?;
    if !disruption.is_empty() {
        println!(
            "  disruption: {} edges closed by way id, {} by area, {} slowed",
            r.closed_by_way, r.closed_by_area, r.slowed
        );
    }
    Ok(w)
}

fn snap_points(snapper: &Snapper, pts: &[Point], max_m: f64, file: &Path) -> Result<Vec<NodeId>> {
    pts.iter()
        .map(|p| {
            snapper
                .snap(&p.id, [p.lon, p.lat], max_m)
                .map(|s| s.node)
                .with_context(|| format!("snapping {}", file.display()))
        })
        .collect()
}

fn matrix(a: &MatrixArgs) -> Result<()> {
    let (graph, ..) = load(&a.graph)?;
    let weights = weights_for(&graph, a.scenario.as_deref())?;
    let datum = if a.gcj02 { Datum::Gcj02 } else { Datum::Wgs84 };
    let from = read_points(&a.from, datum)?;
    let to = read_points(&a.to, datum)?;
    let snapper = Snapper::new(&graph);
    let from_nodes = snap_points(&snapper, &from, a.max_snap_m, &a.from)?;
    let to_nodes = snap_points(&snapper, &to, a.max_snap_m, &a.to)?;
    let start = Instant::now();
    let router = Router::auto(&graph, &weights, from_nodes.len().min(to_nodes.len()));
    let m = router.matrix(&from_nodes, &to_nodes, &TerminalProgress::default());
    let secs = start.elapsed().as_secs_f64();
    let from_ids: Vec<&str> = from.iter().map(|p| p.id.as_str()).collect();
    let to_ids: Vec<&str> = to.iter().map(|p| p.id.as_str()).collect();
    network_files::write_matrix_csv(&a.output, &from_ids, &to_ids, &m)?;
    println!(
        "{}×{} matrix ({} unreachable pairs) in {:.3} s on {} threads ({}) → {}",
        from.len(),
        to.len(),
        m.unreachable_count(),
        secs,
        rayon::current_num_threads(),
        router.name(),
        a.output.display()
    );
    Ok(())
}

fn parse_lonlat(s: &str, what: &str) -> Result<[f64; 2]> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let [lon, lat] = parts.as_slice() else {
        bail!("--{what} must be `lon,lat`, got `{s}`")
    };
    let lon: f64 = lon
        .parse()
        .with_context(|| format!("--{what}: longitude `{lon}` is not a number"))?;
    let lat: f64 = lat
        .parse()
        .with_context(|| format!("--{what}: latitude `{lat}` is not a number"))?;
    if lon.abs() > 180.0 || lat.abs() > 90.0 {
        bail!("--{what}: ({lon}, {lat}) is out of range");
    }
    Ok([lon, lat])
}

fn route(a: &RouteArgs) -> Result<()> {
    let (graph, ..) = load(&a.graph)?;
    let weights = weights_for(&graph, a.scenario.as_deref())?;
    let snapper = Snapper::new(&graph);
    let from = snapper.snap("--from", parse_lonlat(&a.from, "from")?, DEFAULT_MAX_SNAP_M)?;
    let to = snapper.snap("--to", parse_lonlat(&a.to, "to")?, DEFAULT_MAX_SNAP_M)?;
    let router = Router::auto(&graph, &weights, 1);
    let Some(r) = router.route(&graph, from.node, to.node) else {
        println!("no route: the destination cannot be reached under this scenario");
        return Ok(());
    };
    println!(
        "{:.1} min, {:.2} km, {} edges (snapped {:.0} m and {:.0} m from the road)",
        r.seconds / 60.0,
        r.metres / 1000.0,
        r.ways.len(),
        from.distance_m,
        to.distance_m
    );
    if let Some(path) = &a.geojson {
        network_files::write_route_geojson(path, &graph, &r)?;
        println!("route written to {}", path.display());
    }
    Ok(())
}
