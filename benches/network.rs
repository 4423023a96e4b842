//! Road-network benches: graph build per bundled extract, travel matrices on the
//! largest real graph with 1 and 2 threads, a contraction-hierarchy peer
//! (`fast_paths`) on the same graph, the CCH engine (customization and matrix),
//! and a generated 10⁶-node road-like graph.
#![allow(missing_docs)] // `criterion_group!` generates undocumented functions

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use reliefflow::network::cch::CchEngine;
use reliefflow::network::{
    load_graph, CacheMode, DijkstraEngine, EdgeWeights, MatrixEngine, Profile, RoadGraph,
};
use reliefflow::progress::Silent;
use solver::gen::SplitMix;

fn pbf(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("network-data/{name}.osm.pbf"))
}

fn build(c: &mut Criterion) {
    let mut g = c.benchmark_group("network_build_no_cache");
    g.sample_size(10);
    for name in [
        "helsinki-region-small",
        "liechtenstein-latest",
        "beijing-core",
        "malta-latest",
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                load_graph(&pbf(name), &Profile::default(), CacheMode::Bypass, &Silent).unwrap()
            })
        });
    }
    g.finish();
}

fn spread(g: &RoadGraph, k: usize, seed: u64) -> Vec<u32> {
    let mut rng = SplitMix::new(seed);
    (0..k)
        .map(|_| rng.range(0, g.node_count() as i64 - 1) as u32)
        .collect()
}

fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

fn matrix(c: &mut Criterion) {
    let graph = load_graph(
        &pbf("malta-latest"),
        &Profile::default(),
        CacheMode::Bypass,
        &Silent,
    )
    .unwrap()
    .graph;
    let w = EdgeWeights::base(&graph);
    let engine = DijkstraEngine::new(&graph, &w);
    let mut g = c.benchmark_group("matrix_malta");
    g.sample_size(10);
    for (from_n, to_n) in [(50, 1000), (100, 5000)] {
        let (from, to) = (spread(&graph, from_n, 1), spread(&graph, to_n, 2));
        g.throughput(Throughput::Elements((from_n * to_n) as u64));
        for threads in [1, 2] {
            g.bench_function(
                BenchmarkId::new(format!("{from_n}x{to_n}"), format!("{threads}_threads")),
                |b| b.iter(|| with_threads(threads, || engine.matrix(&from, &to, &Silent))),
            );
        }
    }
    // Contraction hierarchies (fast_paths): preparation once, then one query per pair.
    let mut input = fast_paths::InputGraph::new();
    for e in 0..graph.edge_count() {
        input.add_edge(
            graph.tail[e] as usize,
            graph.head[e] as usize,
            graph.time_ms[e] as usize,
        );
    }
    input.freeze();
    let ch = fast_paths::prepare(&input);
    let (from, to) = (spread(&graph, 10, 1), spread(&graph, 1000, 2));
    g.throughput(Throughput::Elements((from.len() * to.len()) as u64));
    g.bench_function(BenchmarkId::new("10x1000", "fast_paths_ch_1_thread"), |b| {
        let mut calc = fast_paths::create_calculator(&ch);
        b.iter(|| {
            let mut sum = 0usize;
            for &s in &from {
                for &t in &to {
                    sum += calc
                        .calc_path(&ch, s as usize, t as usize)
                        .map_or(0, |p| p.get_weight());
                }
            }
            sum
        })
    });
    g.bench_function(BenchmarkId::new("10x1000", "dijkstra_1_thread"), |b| {
        b.iter(|| with_threads(1, || engine.matrix(&from, &to, &Silent)))
    });
    g.finish();
}

/// The generated 10⁶-node city ([`reliefflow::network::synthetic::grid_city`]).
fn city_graph() -> RoadGraph {
    reliefflow::network::synthetic::grid_city(1000, 1000, 9).unwrap()
}

/// The CCH on Malta: customization, and the 100 × 5 000 matrix on one thread
/// against the Dijkstra engine on the same points (preparation excluded: it is
/// cached with the graph).
fn cch(c: &mut Criterion) {
    let graph = load_graph(
        &pbf("malta-latest"),
        &Profile::default(),
        CacheMode::Bypass,
        &Silent,
    )
    .unwrap()
    .graph;
    graph.cch();
    let w = EdgeWeights::base(&graph);
    let (from, to) = (spread(&graph, 100, 1), spread(&graph, 5000, 2));
    let mut g = c.benchmark_group("cch_malta");
    g.sample_size(10);
    g.bench_function("customize", |b| b.iter(|| CchEngine::new(&graph, &w)));
    let engine = CchEngine::new(&graph, &w);
    g.bench_function(BenchmarkId::new("100x5000", "cch_1_thread"), |b| {
        b.iter(|| with_threads(1, || engine.matrix(&from, &to, &Silent)))
    });
    g.bench_function(BenchmarkId::new("100x5000", "cch_2_threads"), |b| {
        b.iter(|| with_threads(2, || engine.matrix(&from, &to, &Silent)))
    });
    g.finish();
}

fn big_city(c: &mut Criterion) {
    let graph = city_graph();
    let w = EdgeWeights::base(&graph);
    let engine = DijkstraEngine::new(&graph, &w);
    let (from, to) = (spread(&graph, 20, 3), spread(&graph, 1000, 4));
    let mut g = c.benchmark_group("matrix_generated_1e6_nodes");
    g.sample_size(10);
    g.throughput(Throughput::Elements((from.len() * to.len()) as u64));
    for threads in [1, 2] {
        g.bench_function(
            BenchmarkId::new("20x1000", format!("{threads}_threads")),
            |b| b.iter(|| with_threads(threads, || engine.matrix(&from, &to, &Silent))),
        );
    }
    g.finish();
}

criterion_group!(benches, build, matrix, cch, big_city);
criterion_main!(benches);
