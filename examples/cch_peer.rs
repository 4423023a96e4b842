//! Our half of `benches/peers/compare_cch.sh`: prepares a road graph (a bundled
//! extract, or `city` for the generated 10⁶-node grid city), writes it and the
//! query points as raw little-endian arrays for the RoutingKit side, and prints
//! our phase times as one JSON line.
//!
//! Usage: `cargo run --release --example cch_peer -- SOURCE OUTDIR`

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use reliefflow::network::cch::{self, CchEngine};
use reliefflow::network::{
    load_graph, CacheMode, DijkstraEngine, EdgeWeights, MatrixEngine, Profile, RoadGraph,
};
use reliefflow::progress::Silent;
use solver::gen::SplitMix;

fn write<T: Copy>(dir: &Path, name: &str, v: &[T], bytes: impl Fn(T) -> [u8; 4]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join(name)).unwrap());
    for &x in v {
        f.write_all(&bytes(x)).unwrap();
    }
}

fn one_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(f)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (source, out) = (args.next().expect("SOURCE"), args.next().expect("OUTDIR"));
    let out = Path::new(&out);
    std::fs::create_dir_all(out).unwrap();
    let graph: RoadGraph = if source == "city" {
        reliefflow::network::synthetic::grid_city(1000, 1000, 9).unwrap()
    } else {
        load_graph(
            Path::new(&source),
            &Profile::default(),
            CacheMode::Bypass,
            &Silent,
        )
        .unwrap()
        .graph
    };
    let n = graph.node_count();
    let mut rng = SplitMix::new(17);
    let mut pick =
        |k: usize| -> Vec<u32> { (0..k).map(|_| rng.range(0, n as i64 - 1) as u32).collect() };
    let (from, to) = (pick(100), pick(5000));
    write(out, "tail.u32", &graph.tail, u32::to_le_bytes);
    write(out, "head.u32", &graph.head, u32::to_le_bytes);
    write(out, "weight.u32", &graph.time_ms, u32::to_le_bytes);
    let lat: Vec<f32> = graph.lat.iter().map(|&x| x as f32).collect();
    let lon: Vec<f32> = graph.lon.iter().map(|&x| x as f32).collect();
    write(out, "lat.f32", &lat, f32::to_le_bytes);
    write(out, "lon.f32", &lon, f32::to_le_bytes);
    write(out, "from.u32", &from, u32::to_le_bytes);
    write(out, "to.u32", &to, u32::to_le_bytes);

    let (_, t1) = one_thread(|| cch::prepare(&graph));
    let (topo, t2) = cch::prepare(&graph);
    let arcs = topo.arc_count();
    let _ = graph.routing.set(std::sync::Arc::new(topo));
    let w = EdgeWeights::base(&graph);
    let t = Instant::now();
    let times_only = cch::Metric::customize_times(graph.cch(), &w.time_ms);
    let customize_times_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let engine = CchEngine::new(&graph, &w);
    let customize_s = t.elapsed().as_secs_f64();
    assert_eq!(
        times_only.up.ms,
        engine.metric().up.ms,
        "times-only customization differs"
    );
    let t = Instant::now();
    let m = one_thread(|| engine.matrix(&from, &to, &Silent));
    let query_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let d = one_thread(|| DijkstraEngine::new(&graph, &w).matrix(&from, &to, &Silent));
    let dijkstra_s = t.elapsed().as_secs_f64();
    let sum = |m: &reliefflow::network::TravelMatrix| -> u64 {
        (0..m.sources())
            .flat_map(|i| (0..m.targets()).map(move |j| (i, j)))
            .filter_map(|(i, j)| m.get(i, j))
            .map(|l| (l.seconds * 1000.0).round() as u64)
            .sum()
    };
    assert_eq!(sum(&m), sum(&d), "CCH and Dijkstra disagree");
    println!(
        "{{\"nodes\":{n},\"edges\":{},\"arcs\":{arcs},\"order_1t_s\":{:.4},\"order_2t_s\":{:.4},\"contract_s\":{:.4},\"customize_s\":{customize_s:.4},\"customize_times_s\":{customize_times_s:.4},\"query_1t_s\":{query_s:.4},\"dijkstra_1t_s\":{dijkstra_s:.4},\"sum_ms\":{}}}",
        graph.edge_count(),
        t1.order_s,
        t2.order_s,
        t2.contract_s,
        sum(&m)
    );
}
