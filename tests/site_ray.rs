//! `reliefflow site --ray` on a real local Ray cluster of two nodes, every Ray
//! process on 127.0.0.1 (asserted: nothing of the cluster listens on another
//! address): the cluster's files are the local run's, byte for byte, also when
//! a worker is killed in the middle of the sweep (Ray retries its task).
//! Ray comes from the project's own venv (`scripts/ensure-ray`).

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::repo;

const FILES: [&str; 5] = [
    "siting.csv",
    "siting_layouts.csv",
    "siting_planner.csv",
    "siting_planner_districts.csv",
    "siting_planner_stock.csv",
];

/// The project's Ray venv's python (installed by scripts/ensure-ray if missing).
fn ray_python() -> PathBuf {
    let o = Command::new(repo("scripts/ensure-ray"))
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(o.status.success(), "scripts/ensure-ray failed");
    PathBuf::from(String::from_utf8(o.stdout).unwrap().trim())
}

/// A running local cluster; shut down when dropped (its standard input closes).
struct Cluster {
    child: Child,
    address: String,
    root: u32,
    /// Kept open: the cluster's script writes to it.
    _out: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl Cluster {
    fn start(python: &Path) -> Cluster {
        let mut child = Command::new(python)
            .arg(repo("tools/ray_local_cluster.py"))
            .args(["2", "1"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let address = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| l.strip_prefix("address ").map(str::to_string))
            .expect("the cluster prints its address");
        assert!(address.starts_with("127.0.0.1:"), "{address}");
        let pids = lines.next().and_then(Result::ok).unwrap_or_default();
        assert!(pids.starts_with("pids "), "{pids}");
        let root = child.id();
        Cluster {
            child,
            address,
            root,
            _out: lines,
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(30) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `pid` and every process under it.
fn tree(pid: u32) -> Vec<u32> {
    let (mut out, mut todo) = (vec![pid], vec![pid]);
    while let Some(p) = todo.pop() {
        let kids =
            std::fs::read_to_string(format!("/proc/{p}/task/{p}/children")).unwrap_or_default();
        for k in kids.split_whitespace().filter_map(|k| k.parse().ok()) {
            out.push(k);
            todo.push(k);
        }
    }
    out
}

/// Listening TCP sockets of processes `pids` that are not on loopback.
fn outside_listeners(pids: &[u32]) -> Vec<String> {
    let o = Command::new("ss")
        .args(["-ltnpH"])
        .output()
        .expect("ss (iproute2)");
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| pids.iter().any(|p| l.contains(&format!("pid={p},"))))
        .filter(|l| {
            let local = l.split_whitespace().nth(3).unwrap_or("");
            !(local.starts_with("127.")
                || local.starts_with("[::1]")
                || local.starts_with("[::ffff:127."))
        })
        .map(str::to_string)
        .collect()
}

fn site(out: &Path, ray: Option<(&str, &Path)>) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_reliefflow"));
    cmd.args([
        "site",
        "scenarios/xicheng-earthquake",
        "--scenarios",
        "16",
        "--planner-scenarios",
        "4",
        "--shortlist",
        "5",
        "-o",
        out.to_str().unwrap(),
    ])
    .current_dir(repo(""))
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    if let Some((address, python)) = ray {
        cmd.args(["--ray", address, "--ray-batch", "2", "--ray-python"])
            .arg(python);
    }
    cmd.spawn().unwrap()
}

fn finish(child: Child) {
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn same_files(a: &Path, b: &Path, what: &str) {
    for f in FILES {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}: {what} differs from the local run"
        );
    }
}

#[test]
fn a_two_node_cluster_on_loopback_gives_the_local_result_even_when_a_worker_dies() {
    let python = ray_python();
    let cluster = Cluster::start(&python);
    let tmp = tempfile::tempdir().unwrap();
    let local = tmp.path().join("local");
    finish(site(&local, None));

    // A clean run on the cluster, watching what listens while it runs.
    let on_ray = tmp.path().join("ray");
    let run = site(&on_ray, Some((&cluster.address, &python)));
    let bad = std::thread::scope(|s| {
        let watch = s.spawn(|| {
            let mut bad = outside_listeners(&tree(cluster.root));
            for _ in 0..20 {
                std::thread::sleep(Duration::from_millis(100));
                let mut pids = tree(cluster.root);
                pids.extend(tree(std::process::id()));
                bad.extend(outside_listeners(&pids));
            }
            bad
        });
        finish(run);
        watch.join().unwrap()
    });
    assert!(bad.is_empty(), "Ray listens off loopback: {bad:#?}");
    same_files(&local, &on_ray, "the cluster's run");

    // Again, killing a worker while it runs a task.
    let faulty = tmp.path().join("faulty");
    let run = site(&faulty, Some((&cluster.address, &python)));
    let (done, kills) = (AtomicBool::new(false), AtomicUsize::new(0));
    std::thread::scope(|s| {
        s.spawn(|| {
            while !done.load(Ordering::Relaxed) && kills.load(Ordering::Relaxed) == 0 {
                let o = Command::new("pgrep")
                    .args(["-f", "ray::judge_batch"])
                    .output()
                    .unwrap();
                let text = String::from_utf8_lossy(&o.stdout);
                if let Some(pid) = text.split_whitespace().next() {
                    let k = Command::new("kill").args(["-9", pid]).status().unwrap();
                    if k.success() {
                        kills.fetch_add(1, Ordering::Relaxed);
                    }
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        finish(run);
        done.store(true, Ordering::Relaxed);
    });
    assert_eq!(
        kills.load(Ordering::Relaxed),
        1,
        "no worker was caught running a task"
    );
    same_files(&local, &faulty, "the run with a killed worker");
    drop(cluster);
}

#[test]
fn a_wrong_cluster_address_is_a_prompt_clear_error_and_writes_nothing() {
    let python = ray_python();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let t = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_reliefflow"))
        .args([
            "site",
            "scenarios/valley-flash-flood",
            "--scenarios",
            "4",
            "--planner-scenarios",
            "2",
            "-o",
            out.to_str().unwrap(),
            "--ray",
            "127.0.0.1:1",
            "--ray-python",
        ])
        .arg(&python)
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no Ray cluster answers at 127.0.0.1:1"),
        "{err}"
    );
    assert!(t.elapsed() < Duration::from_secs(60), "{:?}", t.elapsed());
    assert!(!out.exists(), "an output folder was written");
}
