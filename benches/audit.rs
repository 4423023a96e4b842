//! The full coverage audit (every what-if sweep) of each bundled scenario, graph
//! already prepared, on all cores and on one thread for the parallel speed-up.
#![allow(missing_docs)] // `criterion_group!` generates undocumented functions

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use reliefflow::audit::{run_audit, AuditOptions};
use reliefflow::network::{load_graph, CacheMode, Profile};
use reliefflow::progress::Silent;
use reliefflow::scenario::Scenario;

fn audits(c: &mut Criterion) {
    let mut group = c.benchmark_group("audit");
    group.sample_size(10);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    for name in ["xicheng-earthquake", "valley-flash-flood", "beijing-level1"] {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(name);
        let sc = Scenario::load_lenient(&dir).unwrap();
        let g = load_graph(&sc.network, &Profile::default(), CacheMode::Use, &Silent)
            .unwrap()
            .graph;
        let opts = AuditOptions::default();
        let a = run_audit(&sc, &g, &opts, &Silent).unwrap();
        eprintln!("{name}: {} plans per audit", a.plans);
        group.bench_function(name, |b| {
            b.iter(|| run_audit(&sc, &g, &opts, &Silent).unwrap())
        });
        group.bench_function(format!("{name} (1 thread)"), |b| {
            b.iter(|| one.install(|| run_audit(&sc, &g, &opts, &Silent).unwrap()))
        });
    }
    group.finish();
}

criterion_group!(benches, audits);
criterion_main!(benches);
