//! Road extracts: any bytes as a `.osm.pbf`. Reading and building the graph
//! may refuse, never panic, and a built graph passes its own checks.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use reliefflow::network::{load_graph, CacheMode, Profile};
use reliefflow::progress::Silent;

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let d = tempfile::tempdir().expect("temporary folder");
        let p = d.path().join("extract.osm.pbf");
        (d, p)
    })
    .1
}

fuzz_target!(|data: &[u8]| {
    let path = scratch();
    std::fs::write(path, data).expect("scratch file");
    if let Ok(loaded) = load_graph(path, &Profile::default(), CacheMode::Bypass, &Silent) {
        assert_eq!(loaded.graph.check(), Ok(()));
    }
});
