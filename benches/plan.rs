//! End-to-end dispatch planning on every bundled scenario (graph already prepared),
//! and the output files. The stage split (matrix = snapping + travel matrices + tour
//! hops, solve = min-cost flows, trips, output) is printed once per scenario from
//! the plan's own timings; criterion times the whole plan, and the Level-I plan
//! again on one thread for the parallel speed-up.
#![allow(missing_docs)] // `criterion_group!` generates undocumented functions

use std::path::PathBuf;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use reliefflow::network::{load_graph, CacheMode, Profile, RoadGraph};
use reliefflow::plan::{kpi, plan, Plan};
use reliefflow::progress::Silent;
use reliefflow::report::plan_files;
use reliefflow::scenario::Scenario;

const SCENARIOS: [&str; 3] = ["xicheng-earthquake", "valley-flash-flood", "beijing-level1"];

fn write_all(sc: &Scenario, g: &RoadGraph, p: &Plan, out: &std::path::Path) {
    let k = kpi::compute(sc, p);
    plan_files::write_folder(out, sc, g, p, &k).unwrap();
}

fn scenarios(c: &mut Criterion) {
    let out = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("plan");
    group.sample_size(20);
    for name in SCENARIOS {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(name);
        let sc = Scenario::load(&dir).unwrap();
        let g = load_graph(&sc.network, &Profile::default(), CacheMode::Use, &Silent)
            .unwrap()
            .graph;
        let p = plan(&sc, &g).unwrap();
        let t0 = Instant::now();
        write_all(&sc, &g, &p, out.path());
        let t = p.timings;
        eprintln!(
            "{name}: {} shelters, {} trips; matrix {:.1} ms, solve {:.1} ms, trips {:.1} ms, output {:.1} ms",
            sc.shelters.len(),
            p.trips.len(),
            t.matrix_s * 1e3,
            t.solve_s * 1e3,
            t.trips_s * 1e3,
            t0.elapsed().as_secs_f64() * 1e3
        );
        group.bench_function(name, |b| b.iter(|| plan(&sc, &g).unwrap()));
        if name == "beijing-level1" {
            group.bench_function("beijing-level1 + output files", |b| {
                b.iter(|| write_all(&sc, &g, &plan(&sc, &g).unwrap(), out.path()))
            });
            let one = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build()
                .unwrap();
            group.bench_function("beijing-level1 (1 thread)", |b| {
                b.iter(|| one.install(|| plan(&sc, &g).unwrap()))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, scenarios);
criterion_main!(benches);
