//! The bad-input suite: scenario tables, scenario TOML, GeoJSON areas, road
//! extracts and their cache, DIMACS files and command-line arguments, each case
//! run through the real binary. Every case must end with exit code 1 (never a
//! panic), an error naming the input at fault and what was expected, and an
//! output folder exactly as it was before the run.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::copy_scenario;

/// How a case damages one file of a copy of the Xicheng scenario.
#[derive(Clone, Copy)]
enum Edit {
    /// The whole file replaced.
    Whole(&'static str),
    /// The first occurrence of a text replaced.
    Sub(&'static str, &'static str),
    /// A text appended.
    Append(&'static str),
    /// The file removed.
    Remove,
}

/// One case: the file, the damage, and what the error must say besides the
/// file's name.
struct Case {
    file: &'static str,
    edit: Edit,
    says: &'static [&'static str],
}

const fn case(file: &'static str, edit: Edit, says: &'static [&'static str]) -> Case {
    Case { file, edit, says }
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_reliefflow")
}

fn run(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .env("RELIEFFLOW_LOG", "warn")
        .output()
        .expect("the binary runs")
}

/// Checks a failed run: exit code 1, no panic, every fragment in stderr.
fn failed(what: &str, out: &Output, fragments: &[&str]) -> Result<(), String> {
    let err = String::from_utf8_lossy(&out.stderr);
    if out.status.code() != Some(1) {
        return Err(format!(
            "{what}: exit {:?}, expected 1\nstderr: {err}",
            out.status.code()
        ));
    }
    if err.contains("panicked") {
        return Err(format!("{what}: panicked\n{err}"));
    }
    for f in fragments {
        if !err.to_lowercase().contains(&f.to_lowercase()) {
            return Err(format!("{what}: stderr lacks {f:?}\nstderr: {err}"));
        }
    }
    Ok(())
}

fn apply(path: &Path, edit: Edit) {
    match edit {
        Edit::Whole(text) => std::fs::write(path, text).unwrap(),
        Edit::Sub(from, to) => {
            let text = std::fs::read_to_string(path).unwrap();
            assert!(text.contains(from), "{} has no {from:?}", path.display());
            std::fs::write(path, text.replacen(from, to, 1)).unwrap();
        }
        Edit::Append(more) => {
            let text = std::fs::read_to_string(path).unwrap();
            std::fs::write(path, text + more).unwrap();
        }
        Edit::Remove => std::fs::remove_file(path).unwrap(),
    }
}

/// A folder holding the previous run's files (`previous` in each).
fn previous_outputs(dir: &Path, names: &[&str]) {
    std::fs::create_dir_all(dir).unwrap();
    for n in names {
        std::fs::write(dir.join(n), "previous\n").unwrap();
    }
}

fn untouched(dir: &Path, names: &[&str]) -> Result<(), String> {
    let mut entries: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    let mut want: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    want.sort();
    if entries != want {
        return Err(format!("output folder now holds {entries:?}"));
    }
    for n in names {
        if std::fs::read_to_string(dir.join(n)).unwrap() != "previous\n" {
            return Err(format!("{n} was overwritten"));
        }
    }
    Ok(())
}

const PLAN_FILES: [&str; 4] = ["trips.csv", "shortfalls.csv", "plan.json", "plan.geojson"];

/// Runs `command` (plan or audit) on a damaged copy of Xicheng for every case;
/// all failures are reported together.
fn scenario_cases(command: &str, cases: &[Case]) {
    let mut failures = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let (_tmp, dir) = copy_scenario("xicheng-earthquake");
        apply(&dir.join(c.file), c.edit);
        let out_dir = dir.join("out");
        previous_outputs(&out_dir, &PLAN_FILES);
        let out = run(&[
            command,
            dir.to_str().unwrap(),
            "-o",
            out_dir.to_str().unwrap(),
        ]);
        let what = format!("case {i} ({}: {})", c.file, describe(c.edit));
        // The damaged file is named, unless the case names another file (one
        // the damaged file points at) instead.
        let mut says: Vec<&str> = c.says.to_vec();
        if !c.says.iter().any(|s| s.contains('.')) {
            says.push(c.file);
        }
        if let Err(e) = failed(&what, &out, &says).and_then(|()| untouched(&out_dir, &PLAN_FILES)) {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

fn describe(e: Edit) -> String {
    match e {
        Edit::Whole(t) => format!("whole file {:?}", t.chars().take(60).collect::<String>()),
        Edit::Sub(a, b) => format!("{a:?} -> {b:?}"),
        Edit::Append(t) => format!("append {t:?}"),
        Edit::Remove => "removed".into(),
    }
}

const SHELTER_ROW: &str = "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,19749,196,39,19,1,3,5";

#[test]
fn bad_shelter_tables_are_refused_naming_file_line_and_field() {
    use Edit::*;
    let f = "shelters.csv";
    let cases = [
        case(f, Whole(""), &["empty", "no shelter"]),
        case(f, Whole("id,name,district,lon,lat,area_m2,headcount,elderly,children,pregnant,disabled,injured\n"), &["empty", "no shelter"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,19749,-196,39,19,1,3,5"), &["line 2", "headcount"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,19749,many,39,19,1,3,5"), &["line 2", "headcount"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,19749,1e30,39,19,1,3,5"), &["line 2", "headcount"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,19749,99999999999999999999,39,19,1,3,5"), &["line 2", "headcount"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,NaN,39.8791785,19749,196,39,19,1,3,5"), &["line 2", "lon"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,inf,39.8791785,19749,196,39,19,1,3,5"), &["line 2", "lon"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,216.35,39.8791785,19749,196,39,19,1,3,5"), &["line 2", "lon"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,-91,19749,196,39,19,1,3,5"), &["line 2", "lat"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,NaN,19749,196,39,19,1,3,5"), &["line 2", "lat"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,39.8791785,116.3521323,19749,196,39,19,1,3,5"), &["line 2", "lat"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,19749,196,197,19,1,3,5"), &["line 2", "priority"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,19749,196,18446744073709551615,18446744073709551615,1,3,5"), &["line 2"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,19749,196,-1,19,1,3,5"), &["line 2", "elderly"]),
        case(f, Sub(SHELTER_ROW, ",shelter bj0,Xicheng,116.3521323,39.8791785,19749,196,39,19,1,3,5"), &["line 2", "id"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323"), &["line 2"]),
        case(f, Sub("bj1,", "bj0,"), &["line 3", "bj0"]),
        case(f, Sub("headcount", "persons"), &["headcount"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,-5,196,39,19,1,3,5"), &["line 2", "area_m2"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,NaN,196,39,19,1,3,5"), &["line 2", "area_m2"]),
        case(f, Append("bj999,late,Xicheng,116.35,39.88,100,10,1,1,0,0,0,extra,columns\n"), &["line 106", "14 fields, expected 12"]),
        case(f, Remove, &[]),
    ];
    scenario_cases("plan", &cases);
}

#[test]
fn bad_warehouse_and_stock_tables_are_refused() {
    use Edit::*;
    let (w, s) = ("warehouses.csv", "stock.csv");
    const XCN: &str = "XC-N,Xicheng north district warehouse (assumed site near Deshengmen),district,116.3760,39.9465,4,5000,30,0.5";
    let xcn = |row: &'static str| Sub(XCN, row);
    let cases = [
        case(w, Whole(""), &["no warehouse"]),
        case(
            w,
            Whole("id,name,tier,lon,lat,trucks,truck_payload_kg,truck_volume_m3,loading_h\n"),
            &["no warehouse"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,-4,5000,30,0.5"),
            &["line 2", "trucks"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,4,0,30,0.5"),
            &["line 2", "truck_payload_kg"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,4,NaN,30,0.5"),
            &["line 2", "truck_payload_kg"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,4,5000,inf,0.5"),
            &["line 2", "truck_volume_m3"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,4,5000,0,0.5"),
            &["line 2", "truck_volume_m3"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,4,5000,30,NaN"),
            &["line 2", "loading_h"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,4,5000,30,-1"),
            &["line 2", "loading_h"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,4,5000,30,inf"),
            &["line 2", "loading_h"],
        ),
        case(
            w,
            xcn("XC-N,n,district,516.3760,39.9465,4,5000,30,0.5"),
            &["line 2", "lon"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,NaN,4,5000,30,0.5"),
            &["line 2", "lat"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,four,5000,30,0.5"),
            &["line 2", "trucks"],
        ),
        case(
            w,
            xcn("XC-C,n,district,116.3760,39.9465,4,5000,30,0.5"),
            &["XC-C"],
        ),
        case(w, Sub("truck_payload_kg", "payload"), &["truck_payload_kg"]),
        case(w, Remove, &[]),
        case(s, Whole(""), &["no stock"]),
        case(s, Whole("warehouse_id,item,quantity\n"), &["no stock"]),
        case(
            s,
            Sub("XC-N,water,25500", "XC-X,water,25500"),
            &["line 2", "XC-X"],
        ),
        case(
            s,
            Sub("XC-N,water,25500", "XC-N,whisky,25500"),
            &["line 2", "whisky"],
        ),
        case(
            s,
            Sub("XC-N,water,25500", "XC-N,water,-25500"),
            &["line 2", "quantity"],
        ),
        case(
            s,
            Sub("XC-N,water,25500", "XC-N,water,lots"),
            &["line 2", "quantity"],
        ),
        case(
            s,
            Sub("XC-N,water,25500", "XC-N,water,NaN"),
            &["line 2", "quantity"],
        ),
        case(
            s,
            Sub("XC-N,water,25500", "XC-N,water,1e40"),
            &["line 2", "quantity"],
        ),
        case(
            s,
            Sub("XC-N,water,25500", "XC-N,water,99999999999999999999999"),
            &["line 2", "quantity"],
        ),
        case(s, Sub("quantity", "qty"), &["quantity"]),
        case(s, Remove, &[]),
    ];
    scenario_cases("plan", &cases);
}

#[test]
fn bad_scenario_toml_and_areas_are_refused() {
    use Edit::*;
    let (t, c, d) = (
        "scenario.toml",
        "collapse-zone.geojson",
        "debris-hutong.geojson",
    );
    let cases = [
        case(t, Whole(""), &["name"]),
        case(t, Whole("this is not toml ["), &[]),
        case(t, Sub("name = \"xicheng-earthquake\"", "name = \"../../escape\""), &["name"]),
        case(t, Sub("name = \"xicheng-earthquake\"", "name = \"\""), &["name"]),
        case(t, Sub("name = \"xicheng-earthquake\"", "name = \"/tmp/x\""), &["name"]),
        case(t, Sub("name = \"xicheng-earthquake\"", "name = \".hidden\""), &["name"]),
        case(t, Sub("first_delivery_h = 6.0", "first_delivery_h = nan"), &["first_delivery_h"]),
        case(t, Sub("first_delivery_h = 6.0", "first_delivery_h = -6.0"), &["first_delivery_h"]),
        case(t, Sub("relief_h = 12.0", "relief_h = inf"), &["relief_h"]),
        case(t, Sub("relief_h = 12.0", "relief_h = 3.0"), &["relief_h"]),
        case(t, Sub("unloading_h = 0.25", "unloading_h = nan"), &["unloading_h"]),
        case(t, Sub("unloading_h = 0.25", "unloading_h = -0.25"), &["unloading_h"]),
        case(t, Sub("unloading_h = 0.25", "unloading_h = inf"), &["unloading_h"]),
        case(t, Sub("unloading_h = 0.25", "unloading_h = \"a quarter\""), &["unloading_h"]),
        case(t, Sub("unloading_h = 0.25", "unloading_hours = 0.25"), &["unloading_hours"]),
        case(t, Sub("closed_ways = [8611,", "closed_ways = [\"x\","), &["closed_ways"]),
        case(t, Sub("closed_areas = [\"collapse-zone.geojson\"]", "closed_areas = [\"missing.geojson\"]"), &["missing.geojson", "no such file"]),
        case(t, Sub("factor = 0.3", "factor = 0.0"), &["factor"]),
        case(t, Sub("factor = 0.3", "factor = -0.3"), &["factor"]),
        case(t, Sub("factor = 0.3", "factor = nan"), &["factor"]),
        case(t, Sub("factor = 0.3", "factor = 3.0"), &["factor"]),
        case(t, Sub("[files]", "[files]\nitems = \"my-items.csv\""), &["my-items.csv"]),
        case(t, Sub("[files]", "[files]\nshelters = \"nowhere.csv\""), &["nowhere.csv"]),
        case(t, Sub("network = \"", "network = \"/nonexistent/"), &["/nonexistent/", "osm.pbf"]),
        case(c, Whole(""), &[]),
        case(c, Whole("{not json"), &[]),
        case(c, Whole("{\"type\":\"FeatureCollection\",\"features\":[]}"), &["no polygon"]),
        case(c, Whole("{\"type\":\"Point\",\"coordinates\":[116.36,39.93]}"), &["polygon"]),
        case(c, Whole("{\"type\":\"Polygon\",\"coordinates\":[[[116.36,39.93],[116.37,39.93],[116.36,39.93]]]}"), &["polygon"]),
        case(c, Whole("{\"type\":\"Polygon\",\"coordinates\":[[[516.36,39.93],[116.37,39.93],[116.37,39.94],[516.36,39.93]]]}"), &["516.36"]),
        case(c, Whole("{\"type\":\"Polygon\",\"coordinates\":[[[39.93,116.36],[39.93,116.37],[39.94,116.37],[39.93,116.36]]]}"), &["116.36"]),
        case(d, Whole("[1, 2, 3]"), &[]),
    ];
    scenario_cases("plan", &cases);
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
