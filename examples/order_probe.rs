#![allow(missing_docs)]
fn main() {
    let k: usize = std::env::args().nth(1).unwrap().parse().unwrap();
    let g = reliefflow::network::synthetic::grid_city(k, k, 9).unwrap();
    let t = std::time::Instant::now();
    let (topo, times) = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| reliefflow::network::cch::prepare(&g));
    println!(
        "{k}x{k}: order {:.2}s arcs {} ({:.2}s)",
        times.order_s,
        topo.arc_count(),
        t.elapsed().as_secs_f64()
    );
}
