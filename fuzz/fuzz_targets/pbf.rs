//! Road extracts: any bytes as a `.osm.pbf`. Reading and building the graph
//! may refuse, never panic, and a built graph passes its own checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

use reliefflow::network::{load_graph, CacheMode, Profile};
use reliefflow::progress::Silent;

#[path = "scratch.rs"]
mod scratch;

fuzz_target!(|data: &[u8]| {
    let path = scratch::path("extract.osm.pbf");
    std::fs::write(path, data).expect("scratch file");
    if let Ok(loaded) = load_graph(path, &Profile::default(), CacheMode::Bypass, &Silent) {
        assert_eq!(loaded.graph.check(), Ok(()));
    }
});
