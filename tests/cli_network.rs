//! The `reliefflow network` commands as a user runs them.

mod common;

use std::process::Command;

use common::repo;

fn reliefflow(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_reliefflow"))
        .args(args)
        .current_dir(repo(""))
        .output()
        .unwrap()
}

#[test]
fn matrix_command_writes_one_row_per_pair_with_empty_cells_when_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.csv");
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
        "scenarios/xicheng-earthquake/scenario.toml",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut rdr = csv::Reader::from_path(&out).unwrap();
    assert_eq!(
        rdr.headers().unwrap(),
        vec!["from_id", "to_id", "seconds", "metres"]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4 * 104);
    for r in &rows {
        let secs: f64 = r[2].parse().unwrap();
        let metres: f64 = r[3].parse().unwrap();
        assert!((0.0..3.0 * 3600.0).contains(&secs) && (0.0..30_000.0).contains(&metres));
    }
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
fn default_job_runs_with_no_arguments() {
    let o = reliefflow(&[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("104 shelters") && text.contains("first batch by 6 h"),
        "{text}"
    );
    for f in ["trips.csv", "shortfalls.csv", "plan.json", "plan.geojson"] {
        assert!(
            common::repo("out/xicheng-earthquake").join(f).exists(),
            "{f} missing"
        );
    }
}
