//! The `reliefflow network` commands as a user runs them.

mod common;

use std::path::Path;
use std::process::Command;

use common::repo;

fn reliefflow(args: &[&str]) -> std::process::Output {
    reliefflow_in(&repo(""), args, &[])
}

/// Runs the binary in `dir` with extra environment variables.
fn reliefflow_in(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_reliefflow"));
    c.args(args).current_dir(dir).env_remove("RELIEFFLOW_DATA");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn matrix_command_writes_one_row_per_pair_with_empty_cells_when_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.csv");
    // Shelter bj0 (116.3521, 39.8792) cut off: every road within ~300 m closed.
    let (lon, lat, d) = (116.352_132_3, 39.879_178_5, 0.003);
    std::fs::write(
        dir.path().join("cut.geojson"),
        format!(
            r#"{{"type":"Polygon","coordinates":[[[{a},{b}],[{c},{b}],[{c},{e}],[{a},{e}],[{a},{b}]]]}}"#,
            a = lon - d,
            b = lat - d,
            c = lon + d,
            e = lat + d
        ),
    )
    .unwrap();
    let toml = dir.path().join("cut.toml");
    std::fs::write(&toml, "[disruption]\nclosed_areas = [\"cut.geojson\"]\n").unwrap();
    let o = reliefflow(&[
        "network",
        "matrix",
        "network-data/beijing-core.osm.pbf",
        "--no-cache",
        "--from",
        "scenarios/xicheng-earthquake/warehouses.csv",
        "--to",
        "scenarios/xicheng-earthquake/shelters.csv",
        "--scenario",
        toml.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let mut rdr = csv::Reader::from_path(&out).unwrap();
    assert_eq!(
        rdr.headers().unwrap(),
        vec!["from_id", "to_id", "seconds", "metres"]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4 * 104);
    let mut empty = 0;
    for r in &rows {
        if &r[1] == "bj0" {
            assert!(r[2].is_empty() && r[3].is_empty(), "bj0 is cut off: {r:?}");
        }
        if r[2].is_empty() {
            assert!(r[3].is_empty(), "{r:?}");
            empty += 1;
            continue;
        }
        let secs: f64 = r[2].parse().unwrap();
        let metres: f64 = r[3].parse().unwrap();
        assert!((0.0..3.0 * 3600.0).contains(&secs) && (0.0..30_000.0).contains(&metres));
    }
    assert!(empty >= 4 && empty < rows.len() / 2, "{empty} empty rows");
    assert!(
        stdout.contains(&format!("({empty} unreachable pairs)")),
        "{stdout}"
    );
}

#[test]
fn bad_inputs_fail_with_a_message_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "id,lon,lat\nS1,116.37,39.91\nS2,116.37,not-a-number\n",
    )
    .unwrap();
    let o = reliefflow(&[
        "network",
        "matrix",
        "network-data/beijing-core.osm.pbf",
        "--from",
        bad.to_str().unwrap(),
        "--to",
        "scenarios/xicheng-earthquake/shelters.csv",
        "-o",
        dir.path().join("m.csv").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.csv") && err.contains("line 3") && err.contains("lat"),
        "{err}"
    );

    let toml = dir.path().join("s.toml");
    std::fs::write(&toml, "[disruption]\nclosed_ways = [999999999]\n").unwrap();
    let o = reliefflow(&[
        "network",
        "route",
        "network-data/beijing-core.osm.pbf",
        "--from",
        "116.356,39.915",
        "--to",
        "116.379,39.947",
        "--scenario",
        toml.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("999999999") && err.contains("s.toml"), "{err}");

    let o = reliefflow(&["network", "build", "network-data/does-not-exist.osm.pbf"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("does-not-exist.osm.pbf"));
}

#[test]
fn default_job_runs_with_no_arguments_from_any_folder() {
    // From an empty folder: the bundled data is found (the build's source tree),
    // the outputs go under that folder's out/.
    let cwd = tempfile::tempdir().unwrap();
    let o = reliefflow_in(cwd.path(), &[], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("104 shelters") && text.contains("first batch by 6 h"),
        "{text}"
    );
    for f in ["trips.csv", "shortfalls.csv", "plan.json", "plan.geojson"] {
        assert!(
            cwd.path().join("out/xicheng-earthquake").join(f).exists(),
            "{f} missing"
        );
    }
    // A data folder without the scenario is named with a hint, not a stack of
    // file errors.
    let empty = tempfile::tempdir().unwrap();
    let o = reliefflow_in(cwd.path(), &[], &[("RELIEFFLOW_DATA", empty.path())]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no bundled scenario") && err.contains(&empty.path().display().to_string()),
        "{err}"
    );
    let o = reliefflow_in(cwd.path(), &["--data-dir", repo("").to_str().unwrap()], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// `--engine cch` and `--engine dijkstra` write the same matrix (the same
/// times; lengths summed in another order may differ in the last printed
/// decimal), and `network build` reports the contraction hierarchy it prepared.
#[test]
fn both_engines_write_the_same_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for engine in ["cch", "dijkstra"] {
        let out = dir.path().join(format!("{engine}.csv"));
        let o = reliefflow(&[
            "network",
            "matrix",
            "network-data/beijing-core.osm.pbf",
            "--no-cache",
            "--engine",
            engine,
            "--from",
            "scenarios/xicheng-earthquake/shelters.csv",
            "--to",
            "scenarios/beijing-level1/shelters.csv",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(stdout.contains(&format!("({engine}")), "{stdout}");
        let rows: Vec<csv::StringRecord> = csv::Reader::from_path(&out)
            .unwrap()
            .records()
            .map(Result::unwrap)
            .collect();
        files.push(rows);
    }
    assert_eq!(files[0].len(), 104 * 604);
    for (a, b) in files[0].iter().zip(&files[1]) {
        assert_eq!((&a[0], &a[1], &a[2]), (&b[0], &b[1], &b[2]));
        let (ma, mb): (f64, f64) = (a[3].parse().unwrap(), b[3].parse().unwrap());
        assert!((ma - mb).abs() <= 0.2, "{a:?} against {b:?}");
    }
    let o = reliefflow(&[
        "network",
        "build",
        "network-data/beijing-core.osm.pbf",
        "--no-cache",
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("contraction hierarchy:") && stdout.contains("prepared in"),
        "{stdout}"
    );
    let o = reliefflow(&["--engine", "fastest", "network", "build", "x.pbf"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("expected auto, dijkstra or cch"));
}
