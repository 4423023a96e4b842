//! The layout rules of the code base, checked on the tree itself: no source file
//! over the size a reader takes in at once, no user-interface crate inside the
//! libraries, and applications that use shared pieces downward only.

use std::path::{Path, PathBuf};

/// Most lines a source file may have (DEVELOPERS.md: "no file over ~600 lines").
const MAX_LINES: usize = 600;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn files(rel: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut v = Vec::new();
    rust_files(&root.join(rel), &mut v);
    v.sort();
    assert!(!v.is_empty(), "no sources under {rel}");
    v.into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.strip_prefix(root).unwrap().display().to_string(), text)
        })
        .collect()
}

#[test]
fn no_source_file_is_over_600_lines() {
    let long: Vec<String> = ["src", "solver/src"]
        .iter()
        .flat_map(|d| files(d))
        .filter(|(_, t)| t.lines().count() > MAX_LINES)
        .map(|(p, t)| format!("{p}: {} lines", t.lines().count()))
        .collect();
    assert!(long.is_empty(), "split these files: {long:?}");
}

#[test]
fn libraries_hold_no_terminal_ui_types() {
    // The CLI (src/cli, src/main.rs) draws progress; the libraries report it
    // through `reliefflow::progress::Progress`.
    let offenders: Vec<String> = files("src")
        .into_iter()
        .chain(files("solver/src"))
        .filter(|(p, _)| !p.starts_with("src/cli") && p != "src/main.rs")
        .filter(|(_, t)| t.contains("indicatif"))
        .map(|(p, _)| p)
        .collect();
    assert!(offenders.is_empty(), "indicatif used in {offenders:?}");
}

#[test]
fn applications_do_not_reach_into_each_other() {
    // plan, audit, site and serve are applications; each may use the shared
    // domain (network, facility, supplies, scenario, io) and plan (the planner
    // every application runs), never another application sideways. serve answers
    // with the reports' documents, as the CLI writes them; the store (I/O of the
    // service) knows no application.
    // ops (the operations of an incident) is the library under serve: it
    // knows no HTTP.
    let rules: [(&str, &[&str]); 6] = [
        (
            "src/plan",
            &["crate::audit", "crate::site", "crate::report"],
        ),
        ("src/audit", &["crate::site", "crate::report"]),
        ("src/site", &["crate::audit", "crate::report"]),
        ("src/serve", &["crate::audit", "crate::site"]),
        (
            "src/ops",
            &["crate::audit", "crate::site", "crate::serve", "axum"],
        ),
        (
            "src/store",
            &[
                "crate::plan",
                "crate::audit",
                "crate::site",
                "crate::report",
                "crate::serve",
                "crate::ops",
            ],
        ),
    ];
    let mut bad = Vec::new();
    for (dir, banned) in rules {
        for (p, t) in files(dir) {
            for b in banned {
                if t.contains(b) {
                    bad.push(format!("{p} uses {b}"));
                }
            }
        }
    }
    // The shared domain uses no application.
    for dir in [
        "src/network",
        "src/facility",
        "src/supplies",
        "src/scenario",
        "src/io",
    ] {
        for (p, t) in files(dir) {
            for b in [
                "crate::plan",
                "crate::audit",
                "crate::site",
                "crate::report",
            ] {
                if t.contains(b) {
                    bad.push(format!("{p} uses {b}"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn the_solver_knows_nothing_of_the_domain() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("solver/Cargo.toml"))
            .unwrap();
    for dep in [
        "osmpbfreader",
        "csv",
        "serde_json",
        "geojson",
        "indicatif",
        "tracing",
    ] {
        assert!(
            !manifest.contains(&format!("\n{dep} ")),
            "solver/Cargo.toml depends on {dep}"
        );
    }
    let bad: Vec<String> = files("solver/src")
        .into_iter()
        .filter(|(_, t)| t.contains("reliefflow::") || t.contains("std::net"))
        .map(|(p, _)| p)
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
}
