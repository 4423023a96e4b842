//! Min-cost-flow benches on the two instance shapes reliefflow meets: road-like
//! grids and warehouse → shelter transport. Peers (LEMON, OR-Tools) are compared in
//! `benches/peers/compare_mcf.sh`, which runs them side by side on the same files.
#![allow(missing_docs)] // `criterion_group!` generates undocumented functions

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use solver::gen::{road_grid, transport};
use solver::mcf::{McfSolver, StartBasis, SupplyMode};

fn cold(c: &mut Criterion) {
    let mut g = c.benchmark_group("mcf_cold");
    g.sample_size(10);
    let cases = [
        ("grid_1e5_arcs", road_grid(160, 160, 128, 1280, 1)),
        ("grid_4e5_arcs", road_grid(320, 320, 512, 5120, 1)),
        ("transport_100x1000", transport(100, 1000, 1)),
        ("transport_100x10000", transport(100, 10_000, 1)),
    ];
    for (name, net) in &cases {
        g.throughput(Throughput::Elements(net.arcs.len() as u64));
        for (start_name, start) in [
            ("shortest_paths", StartBasis::ShortestPaths),
            ("artificial", StartBasis::Artificial),
        ] {
            g.bench_with_input(BenchmarkId::new(*name, start_name), net, |b, net| {
                b.iter(|| {
                    McfSolver::new(net, SupplyMode::Exact)
                        .unwrap()
                        .with_start(start)
                        .solve()
                })
            });
        }
    }
    g.finish();
}

/// Re-solve after closing the busiest arc: warm start vs cold start.
fn warm(c: &mut Criterion) {
    let mut g = c.benchmark_group("mcf_warm_vs_cold_after_closure");
    g.sample_size(10);
    let net = road_grid(160, 160, 128, 1280, 2);
    let mut base = McfSolver::new(&net, SupplyMode::MeetMaxDemand).unwrap();
    let first = base.solve().optimal().unwrap().clone();
    let busiest = (0..net.arcs.len()).max_by_key(|&k| first.flow[k]).unwrap();
    g.bench_function("warm", |b| {
        b.iter_batched(
            || base.clone(),
            |mut s| {
                s.set_upper(busiest, 0).unwrap();
                s.solve()
            },
            criterion::BatchSize::LargeInput,
        )
    });
    let mut closed = net.clone();
    closed.arcs[busiest].upper = 0;
    g.bench_function("cold", |b| {
        b.iter(|| {
            McfSolver::new(&closed, SupplyMode::MeetMaxDemand)
                .unwrap()
                .solve()
        })
    });
    g.finish();
}

/// Independent scenarios solved one by one vs `solve_many` (rayon).
fn batch(c: &mut Criterion) {
    let mut g = c.benchmark_group("mcf_batch_16_transport_50x2000");
    g.sample_size(10);
    let nets: Vec<_> = (0..16).map(|k| transport(50, 2000, k)).collect();
    g.bench_function("sequential", |b| {
        b.iter(|| {
            nets.iter()
                .map(|n| solver::mcf::solve(n, SupplyMode::Exact).unwrap())
                .collect::<Vec<_>>()
        })
    });
    g.bench_function("solve_many", |b| {
        b.iter(|| solver::mcf::solve_many(&nets, SupplyMode::Exact))
    });
    g.finish();
}

criterion_group!(benches, cold, warm, batch);
criterion_main!(benches);
