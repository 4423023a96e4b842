//! The bad-input suite, other inputs: road extracts and their cache, DIMACS
//! files, command-line arguments and point lists, plus the inputs that are no
//! error but must be said (an area touching no road, a population table of
//! another place). Run through the real binary; see `bad_input.rs`.

mod common;

use std::path::PathBuf;
use std::process::Output;

use common::bad::{failed, run};
use common::copy_scenario;

#[test]
fn bad_point_lists_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good.csv");
    std::fs::write(&good, "id,lon,lat\na,116.36,39.93\nb,116.40,39.90\n").unwrap();
    let pbf = common::repo("network-data/beijing-core.osm.pbf");
    let cases: &[(&str, &[&str])] = &[
        ("", &["bad.csv"]),
        ("id,lon,lat\n", &["bad.csv"]),
        ("id,lon,lat\na,NaN,39.9\n", &["bad.csv", "line 2", "lon"]),
        ("id,lon,lat\na,116.4,-100\n", &["bad.csv", "line 2", "lat"]),
        (
            "id,lon,lat\na,116.4,39.9\na,116.5,39.9\n",
            &["bad.csv", "line 3", "duplicate"],
        ),
        ("id,lat\na,39.9\n", &["bad.csv", "lon"]),
        ("id,lon,lat\na,2.35,48.85\n", &["bad.csv"]),
    ];
    let mut failures = Vec::new();
    for (i, (text, says)) in cases.iter().enumerate() {
        let bad = tmp.path().join("bad.csv");
        std::fs::write(&bad, text).unwrap();
        let out = tmp.path().join("m.csv");
        std::fs::write(&out, "previous\n").unwrap();
        let r = run(&[
            "network",
            "matrix",
            pbf.to_str().unwrap(),
            "--from",
            bad.to_str().unwrap(),
            "--to",
            good.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        if let Err(e) = failed(&format!("points case {i} {text:?}"), &r, says) {
            failures.push(e);
        }
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous\n");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// An area in the wrong place (Paris, on the Beijing extract) is no error, but
/// it is said: it closes nothing.
#[test]
fn an_area_that_touches_no_road_is_said() {
    let (_tmp, dir) = copy_scenario("xicheng-earthquake");
    std::fs::write(
        dir.join("collapse-zone.geojson"),
        r#"{"type":"Polygon","coordinates":[[[2.35,48.85],[2.36,48.85],[2.36,48.86],[2.35,48.85]]]}"#,
    )
    .unwrap();
    let out = dir.join("out");
    let r = run(&["plan", dir.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(0), "{err}");
    assert!(err.contains("closed area 1 touches no road"), "{err}");
    assert!(
        !err.contains("debris"),
        "the slow area does touch roads: {err}"
    );
}

/// A population table of another place leaves the stock norms unknown (never
/// met by default) and says why.
#[test]
fn a_population_table_matching_no_district_makes_the_norms_unknown() {
    let (_tmp, dir) = copy_scenario("xicheng-earthquake");
    std::fs::write(
        dir.join("population.csv"),
        "district,residents,source\nNowhere,10,made up\n",
    )
    .unwrap();
    let out = dir.join("out");
    let r = run(&["audit", dir.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("audit.json")).unwrap()).unwrap();
    let text = doc.to_string();
    assert!(
        text.contains("names no district of the shelters"),
        "no finding"
    );
    let norms = doc
        .pointer("/audit/stock_norms")
        .or_else(|| doc.pointer("/stock_norms"))
        .expect("stock_norms in audit.json");
    assert!(norms["meets_life_support"].is_null(), "{norms}");
    assert!(norms["meets_relocation"].is_null(), "{norms}");
}

/// A scratch folder with a file of the given bytes.
fn scratch_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    (tmp, p)
}

#[test]
fn bad_dimacs_files_are_refused_without_allocating_what_they_claim() {
    let cases: &[(&str, &[&str])] = &[
        ("", &["problem line"]),
        ("p min 4294967295 4294967295\n", &["line 1"]),
        ("p min 99999999999999 1\n", &["line 1"]),
        ("p min 3 1000000000000\n", &["line 1"]),
        ("p min -3 2\n", &["line 1"]),
        ("p max 3 2\n", &["line 1"]),
        (
            "p min 3 2\nn 1 5\nn 3 -5\na 1 2 0 10 1\na 2 9 0 10 1\n",
            &["line 5"],
        ),
        (
            "p min 3 2\nn 1 5\nn 3 -5\na 1 2 0 10 1\na 2 3 0 ten 1\n",
            &["line 5"],
        ),
        (
            "p min 3 2\nn 1 5\nn 3 -5\na 1 2 20 10 1\na 2 3 0 10 1\n",
            &["line 4"],
        ),
        (
            "p min 3 1\nn 1 5\nn 3 -5\na 1 2 0 10 1\na 2 3 0 10 1\n",
            &["line 5"],
        ),
        (
            "p min 3 2\nn 1 9223372036854775807\nn 3 -5\na 1 2 0 10 1\na 2 3 0 10 1\n",
            &["line 2"],
        ),
        (
            "p min 3 2\nn 1 5\nn 3 -5\na 1 2 0 10 9223372036854775807\na 2 3 0 10 1\n",
            &["line 4"],
        ),
        ("x nonsense\n", &["line 1"]),
        ("p min 3 1\nn 0 5\na 1 2 0 1 1\n", &["line 2"]),
        ("p min 3 1\np min 3 1\na 1 2 0 1 1\n", &["line 2"]),
        ("a 1 2 0 1 1\np min 3 1\n", &["line 1"]),
        ("p min 3 1\na 1 2 0 1\n", &["line 2"]),
        ("p min 3 1\na 1 2 0 1 1 1\n", &["line 2"]),
    ];
    let mut failures = Vec::new();
    for (i, (text, says)) in cases.iter().enumerate() {
        let (_tmp, p) = scratch_file("bad.min", text.as_bytes());
        let out = run(&["solve-mcf", p.to_str().unwrap()]);
        let mut want = vec!["bad.min"];
        want.extend(*says);
        if let Err(e) = failed(&format!("dimacs case {i} {text:?}"), &out, &want) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn bad_arguments_are_refused() {
    let (tmp, dir) = copy_scenario("xicheng-earthquake");
    let d = dir.to_str().unwrap();
    let out = tmp.path().join("x.min");
    let o = out.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (
            vec!["gen-mcf", "--shape", "grid", "0", "0", "-o", o],
            &["size"],
        ),
        (
            vec!["gen-mcf", "--shape", "transport", "0", "5", "-o", o],
            &["size"],
        ),
        (
            vec!["site", d, "--scenarios", "0"],
            &["scenarios", "at least 1"],
        ),
        (
            vec!["plan", "/nonexistent/scenario"],
            &["/nonexistent/scenario"],
        ),
        (
            vec!["audit", "/nonexistent/scenario"],
            &["/nonexistent/scenario"],
        ),
        (
            vec!["network", "build", "/nonexistent.osm.pbf"],
            &["/nonexistent.osm.pbf"],
        ),
    ];
    let mut failures = Vec::new();
    for (args, says) in &cases {
        let r = run(args);
        let code = r.status.code();
        let err = String::from_utf8_lossy(&r.stderr).to_string();
        // clap's own usage errors exit with 2; ours with 1.
        let ok = matches!(code, Some(1) | Some(2))
            && !err.contains("panicked")
            && says.iter().all(|s| err.contains(s));
        if !ok {
            failures.push(format!("{args:?}: exit {code:?}\n{err}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(!out.exists(), "no output file from a refused run");
}

/// One `OSMHeader` frame whose blob declares it inflates to `raw` bytes.
fn frame_claiming_raw_size(raw: u64) -> Vec<u8> {
    let varint = |mut v: u64| {
        let mut out = Vec::new();
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return out;
            }
            out.push(b | 0x80);
        }
    };
    let mut blob = vec![0x10];
    blob.extend(varint(raw));
    blob.extend([0x1a, 2, 0x78, 0x9c]);
    let mut header = vec![0x0a, 9];
    header.extend(b"OSMHeader");
    header.push(0x18);
    header.extend(varint(blob.len() as u64));
    let mut out = (header.len() as u32).to_be_bytes().to_vec();
    out.extend(header);
    out.extend(blob);
    out
}

#[test]
fn damaged_road_extracts_are_refused() {
    let real = std::fs::read(common::repo("network-data/beijing-core.osm.pbf")).unwrap();
    let mut flipped_type = real.clone();
    // The first blob header's type string "OSMHeader" made unknown.
    let at = real.windows(9).position(|w| w == b"OSMHeader").unwrap();
    flipped_type[at..at + 9].copy_from_slice(b"OSMHeadex");
    let mut data_type = real.clone();
    let at = real.windows(7).position(|w| w == b"OSMData").unwrap();
    data_type[at..at + 7].copy_from_slice(b"OSMDatx");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("text", b"this is not a protocol buffer".to_vec()),
        ("truncated", real[..real.len() / 2].to_vec()),
        ("header-type", flipped_type),
        ("data-type", data_type),
        ("zeros", vec![0u8; 4096]),
        ("huge-length", vec![0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]),
        ("inflates-to-2-GiB", frame_claiming_raw_size(1 << 31)),
    ];
    let mut failures = Vec::new();
    for (name, bytes) in cases {
        let (_tmp, p) = scratch_file("damaged.osm.pbf", &bytes);
        let out = run(&["network", "build", p.to_str().unwrap()]);
        if let Err(e) = failed(name, &out, &["damaged.osm.pbf"]) {
            failures.push(e);
        }
        assert!(!common::repo("network-data")
            .join("damaged.osm.pbf.rfgraph")
            .exists());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_damaged_graph_cache_is_rebuilt_with_a_warning_never_used() {
    let tmp = tempfile::tempdir().unwrap();
    let pbf = tmp.path().join("malta.osm.pbf");
    std::fs::copy(common::repo("network-data/malta-latest.osm.pbf"), &pbf).unwrap();
    let p = pbf.to_str().unwrap();
    let first = run(&["network", "build", p]);
    assert_eq!(first.status.code(), Some(0));
    let cache = tmp.path().join("malta.osm.pbf.rfgraph");
    let good = std::fs::read(&cache).unwrap();
    let summary = |o: &Output| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| l.contains("nodes"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    for (name, bytes) in [
        ("flipped byte", {
            let mut b = good.clone();
            let i = b.len() / 2;
            b[i] ^= 0x10;
            b
        }),
        ("truncated", good[..good.len() - 1000].to_vec()),
        ("empty", Vec::new()),
        ("garbage", vec![7u8; 5000]),
    ] {
        std::fs::write(&cache, &bytes).unwrap();
        let out = run(&["network", "build", p]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{name}: {err}");
        assert!(err.contains("damaged"), "{name}: no warning in {err}");
        assert_eq!(summary(&out), summary(&first), "{name}: a different graph");
        assert_eq!(
            std::fs::read(&cache).unwrap(),
            good,
            "{name}: cache rewritten"
        );
    }
}
