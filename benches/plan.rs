//! End-to-end dispatch planning on the bundled scenario (graph already prepared),
//! and its stages: matrix (snapping + both travel matrices), allocation (min-cost
//! flows), trips. The stage split is printed once from the plan's own timings.

use criterion::{criterion_group, criterion_main, Criterion};
use reliefflow::network::{load_graph, CacheMode, Profile};
use reliefflow::plan::plan;
use reliefflow::scenario::Scenario;

fn xicheng(c: &mut Criterion) {
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/xicheng-earthquake");
    let sc = Scenario::load(&dir).unwrap();
    let g = load_graph(&sc.network, &Profile::default(), CacheMode::Bypass)
        .unwrap()
        .graph;
    let t = plan(&sc, &g).unwrap().timings;
    eprintln!(
        "xicheng-earthquake stages: matrix {:.1} ms, solve {:.1} ms, trips {:.1} ms",
        t.matrix_s * 1e3,
        t.solve_s * 1e3,
        t.trips_s * 1e3
    );
    let mut group = c.benchmark_group("plan");
    group.sample_size(20);
    group.bench_function("xicheng-earthquake", |b| b.iter(|| plan(&sc, &g).unwrap()));
    group.finish();
}

criterion_group!(benches, xicheng);
criterion_main!(benches);
