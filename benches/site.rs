//! `reliefflow site` on the largest bundled shelter set (beijing-level1: 604
//! shelters, 23 warehouses, 50 candidates), graph prepared.
//!
//! - criterion: 100 damage scenarios, on all cores and on one thread;
//! - the target, timed once each way (criterion needs ≥ 10 samples of a
//!   ~30 s run otherwise): 1 000 damage scenarios × 50 candidates × 604
//!   shelters < 60 s on 2 cores, with ≥ 1.8× from 1 to 2 threads.
//!
//! `SITE_BENCH=full` runs only the target; `SITE_BENCH=criterion` only criterion.
#![allow(missing_docs)] // `criterion_group!` generates undocumented functions

use std::path::PathBuf;
use std::time::Instant;

use criterion::Criterion;
use reliefflow::io::candidates::read_candidates;
use reliefflow::network::{load_graph, CacheMode, Profile};
use reliefflow::progress::Silent;
use reliefflow::scenario::Scenario;
use reliefflow::site::{run_siting, SiteOptions};

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/beijing-level1");
    let sc = Scenario::load(&dir).unwrap();
    let cands = read_candidates(&dir.join("candidates.csv")).unwrap();
    let g = load_graph(&sc.network, &Profile::default(), CacheMode::Use, &Silent)
        .unwrap()
        .graph;
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    // The covering models and their sweep; the planner-judged part is timed by
    // `reliefflow site` itself (its summary) and benches/site_ray.sh.
    let opts = |scenarios| SiteOptions {
        scenarios,
        planner_scenarios: 0,
        ..SiteOptions::default()
    };
    let run = |o: &SiteOptions| run_siting(&sc, &g, &cands, o, &Silent).unwrap();

    let only = std::env::var("SITE_BENCH").unwrap_or_default();
    if only != "full" {
        let mut c = Criterion::default().configure_from_args().sample_size(10);
        let small = opts(100);
        c.bench_function("site beijing-level1 100 scenarios", |b| {
            b.iter(|| run(&small))
        });
        c.bench_function("site beijing-level1 100 scenarios (1 thread)", |b| {
            b.iter(|| one.install(|| run(&small)))
        });
        c.final_summary();
    }
    if only == "criterion" {
        return;
    }
    let full = opts(1000);
    let t = Instant::now();
    let s2 = run(&full);
    let two = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let s1 = one.install(|| run(&full));
    let single = t.elapsed().as_secs_f64();
    let key = |s: &reliefflow::site::Siting| -> Vec<(String, Vec<usize>, String)> {
        s.models
            .iter()
            .map(|m| (m.model.clone(), m.open.clone(), format!("{:.6}", m.value)))
            .collect()
    };
    assert_eq!(key(&s1), key(&s2), "thread count changed the answer");
    let st = &s2.timings;
    println!(
        "site beijing-level1, 1000 scenarios × {} candidates × 604 shelters: {two:.1} s on all cores (trees {:.1}, sweep {:.1}, models {:.1}, evaluation {:.1}), {single:.1} s on 1 thread: {:.2}× speed-up; {:.1} % of nodes re-settled",
        s2.candidates.len(),
        st.trees_s,
        st.sweep_s,
        st.models_s,
        st.evaluate_s,
        single / two,
        100.0 * s2.repaired_share
    );
}
