//! Shared helpers for integration tests: paths to the bundled real data.
#![allow(dead_code)]

pub mod bad;
pub mod server;
pub mod webdriver;

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

/// Scales every warehouse's truck count in `dir/warehouses.csv` to
/// ⌈trucks × `scale`⌉ (the fleets of the dispatch-quality comparisons).
pub fn scale_fleet(dir: &std::path::Path, scale: f64) {
    let path = dir.join("warehouses.csv");
    let text = std::fs::read_to_string(&path).expect("warehouses.csv");
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    let col = header
        .split(',')
        .position(|h| h == "trucks")
        .expect("trucks column");
    let mut out = vec![header.to_string()];
    for l in lines {
        let mut f: Vec<String> = l.split(',').map(str::to_string).collect();
        let n: f64 = f[col].parse().expect("trucks");
        f[col] = ((n * scale).ceil() as u64).to_string();
        out.push(f.join(","));
    }
    std::fs::write(&path, out.join("\n") + "\n").expect("write warehouses.csv");
}

/// The rows of CSV file `path`, each as column → text.
pub fn rows(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            h.iter()
                .zip(rec.unwrap().iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Field `k` of row `r` as a number (panics naming the field).
pub fn num(r: &std::collections::HashMap<String, String>, k: &str) -> f64 {
    r[k].parse()
        .unwrap_or_else(|_| panic!("field {k} = {:?}", r.get(k)))
}
