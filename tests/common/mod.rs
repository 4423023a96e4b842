//! Shared helpers for integration tests: paths to the bundled real data.
#![allow(dead_code)]

use std::path::PathBuf;

use reliefflow::network::{load_graph, CacheMode, Profile, RoadGraph};
use reliefflow::progress::Silent;

/// Absolute path of a file under the repository root.
pub fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Builds (without cache) the graph of a bundled extract.
pub fn graph(name: &str) -> RoadGraph {
    load_graph(
        &repo(&format!("network-data/{name}.osm.pbf")),
        &Profile::default(),
        CacheMode::Bypass,
        &Silent,
    )
    .expect("bundled extract builds")
    .graph
}

/// Copies `scenarios/<name>` into a temporary folder (returned with the copy's
/// path), rewriting the relative paths of its TOML files (`../../network-data/`,
/// `../data/`) to absolute ones so the copy runs anywhere.
pub fn copy_scenario(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let dir = tmp.path().join(name);
    std::fs::create_dir(&dir).expect("scenario folder");
    let from = repo(&format!("scenarios/{name}"));
    let network = format!("{}/", repo("network-data").display());
    let data = format!("{}/", repo("scenarios/data").display());
    for e in std::fs::read_dir(&from).expect("bundled scenario") {
        let p = e.expect("entry").path();
        let to = dir.join(p.file_name().expect("file name"));
        if p.extension().is_some_and(|x| x == "toml") {
            let text = std::fs::read_to_string(&p).expect("toml");
            let text = text
                .replace("../../network-data/", &network)
                .replace("../data/", &data);
            std::fs::write(&to, text).expect("write toml");
        } else {
            std::fs::copy(&p, &to).expect("copy");
        }
    }
    (tmp, dir)
}
