//! The bad-input suites' harness: damaged copies of a bundled scenario run
//! through the real binary, and the checks every failed run must pass.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use super::copy_scenario;

/// How a case damages one file of a copy of the Xicheng scenario.
#[derive(Clone, Copy)]
pub enum Edit {
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
pub struct Case {
    file: &'static str,
    edit: Edit,
    says: &'static [&'static str],
}

pub const fn case(file: &'static str, edit: Edit, says: &'static [&'static str]) -> Case {
    Case { file, edit, says }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_reliefflow")
}

pub fn run(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .env("RELIEFFLOW_LOG", "warn")
        .output()
        .expect("the binary runs")
}

/// Checks a failed run: exit code 1, no panic, every fragment in stderr.
pub fn failed(what: &str, out: &Output, fragments: &[&str]) -> Result<(), String> {
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

pub fn apply(path: &Path, edit: Edit) {
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
pub fn previous_outputs(dir: &Path, names: &[&str]) {
    std::fs::create_dir_all(dir).unwrap();
    for n in names {
        std::fs::write(dir.join(n), "previous\n").unwrap();
    }
}

pub fn untouched(dir: &Path, names: &[&str]) -> Result<(), String> {
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

pub const PLAN_FILES: [&str; 4] = ["trips.csv", "shortfalls.csv", "plan.json", "plan.geojson"];

/// Runs `command` (plan or audit) on a damaged copy of Xicheng for every case;
/// all failures are reported together.
pub fn scenario_cases(command: &str, cases: &[Case]) {
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

pub fn describe(e: Edit) -> String {
    match e {
        Edit::Whole(t) => format!("whole file {:?}", t.chars().take(60).collect::<String>()),
        Edit::Sub(a, b) => format!("{a:?} -> {b:?}"),
        Edit::Append(t) => format!("append {t:?}"),
        Edit::Remove => "removed".into(),
    }
}
