//! Inputs the fuzz targets once crashed on (`fuzz/regressions/`), replayed
//! through the same code as the targets on every `cargo test`: each must be
//! refused with an error or give a graph that passes its own checks.

mod common;

use reliefflow::network::{load_graph, CacheMode, Profile};
use reliefflow::progress::Silent;

#[test]
fn pbf_inputs_that_once_crashed_are_refused_or_build_a_sound_graph() {
    let dir = common::repo("fuzz/regressions/pbf");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("regressions folder") {
        let path = entry.expect("entry").path();
        let tmp = tempfile::tempdir().unwrap();
        let copy = tmp.path().join("input.osm.pbf");
        std::fs::copy(&path, &copy).unwrap();
        match load_graph(&copy, &Profile::default(), CacheMode::Bypass, &Silent) {
            Ok(loaded) => assert_eq!(loaded.graph.check(), Ok(()), "{}", path.display()),
            Err(e) => assert!(e.to_string().contains("input.osm.pbf"), "{e}"),
        }
        seen += 1;
    }
    assert!(seen >= 3, "the regression inputs are there");
}
