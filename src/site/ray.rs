//! Planner evaluations on a Ray cluster (PyPI `ray`): the siting run stays
//! here and hands each batch of (layout × damage scenario) work to a small
//! Python driver (`tools/ray_site.py`, embedded), which fans it out as Ray tasks.
//! Each task runs this binary's `site-worker` on a few damage scenarios; the
//! road graph's cache file goes into Ray's object store once and is written to
//! each node's disk by the first task there. Tasks whose worker dies are retried
//! by Ray. Every damage scenario is computed by the same function as locally
//! ([`super::fanout::Worker::outcome`]) and numbers travel as JSON with exact
//! round trips, so the result is the local run's.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;

use serde_json::json;

use super::fanout::{Fanout, FanoutError, ScenarioOutcome, WorkerRequest};
use super::SiteOptions;
use crate::scenario::Scenario;

/// The Python driver, run with the cluster's interpreter.
const DRIVER: &str = include_str!("../../tools/ray_site.py");

/// Where and how to reach the cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct RayOptions {
    /// The head's address, `host:port` (e.g. `127.0.0.1:6379`).
    pub address: String,
    /// A Python interpreter with `ray` installed (`scripts/ensure-ray` prints
    /// the project's own).
    pub python: PathBuf,
    /// Damage scenarios per Ray task.
    pub batch: usize,
    /// The candidate table the run read (workers read it again).
    pub candidates_file: PathBuf,
    /// The `reliefflow` binary the workers run (this one).
    pub binary: PathBuf,
}

/// A running driver connected to the cluster.
pub struct RayFanout {
    io: Mutex<(Child, Option<ChildStdin>, BufReader<ChildStdout>)>,
}

fn cluster(what: impl std::fmt::Display) -> FanoutError {
    FanoutError::Cluster(what.to_string())
}

impl RayFanout {
    /// Starts the driver for scenario `sc` (its folder and graph) with the
    /// siting options `site` (seed, damage scenarios) and connects it.
    pub fn start(
        opts: &RayOptions,
        sc: &Scenario,
        site: &SiteOptions,
    ) -> Result<Self, FanoutError> {
        let graph = crate::network::cache::cache_path(&sc.network);
        let sha = crate::digest::file_sha256(&sc.network)
            .map_err(|e| cluster(format!("{}: {e}", sc.network.display())))?;
        let abs =
            |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let base = WorkerRequest {
            scenario: abs(&sc.dir),
            candidates: abs(&opts.candidates_file),
            seed: site.seed,
            scenarios: site.scenarios.max(1),
            layouts: Vec::new(),
            damage: Vec::new(),
            detail: false,
            graph: Some((abs(&graph), crate::digest::hex(&sha))),
        };
        let mut child = Command::new(&opts.python)
            .arg("-c")
            .arg(DRIVER)
            .args(["--address", &opts.address, "--batch"])
            .arg(opts.batch.max(1).to_string())
            .arg("--binary")
            .arg(abs(&opts.binary))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| cluster(format!("starting {}: {e}", opts.python.display())))?;
        let mut stdin = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        writeln!(stdin, "{}", json!({ "base": base }))
            .map_err(|e| cluster(format!("driver: {e}")))?;
        let fan = RayFanout {
            io: Mutex::new((child, Some(stdin), stdout)),
        };
        let ready = fan.read()?;
        if let Some(e) = ready["error"].as_str() {
            return Err(cluster(e));
        }
        if ready["ready"] != true {
            return Err(cluster(format!("driver did not start: {ready}")));
        }
        tracing::info!(nodes = %ready["nodes"], address = %opts.address, "connected to the Ray cluster");
        Ok(fan)
    }

    fn read(&self) -> Result<serde_json::Value, FanoutError> {
        let mut io = self.io.lock().expect("driver lock");
        let mut line = String::new();
        let n =
            io.2.read_line(&mut line)
                .map_err(|e| cluster(format!("driver: {e}")))?;
        if n == 0 {
            let status = io.0.wait().map_err(|e| cluster(format!("driver: {e}")))?;
            return Err(cluster(format!("the driver stopped ({status})")));
        }
        serde_json::from_str(&line).map_err(|e| cluster(format!("driver said {line:?}: {e}")))
    }
}

impl Fanout for RayFanout {
    fn judge(
        &self,
        layouts: &[Vec<usize>],
        damage: &[usize],
        detail: bool,
    ) -> Result<Vec<ScenarioOutcome>, FanoutError> {
        {
            let mut io = self.io.lock().expect("driver lock");
            let stdin = io.1.as_mut().ok_or_else(|| cluster("driver closed"))?;
            writeln!(
                stdin,
                "{}",
                json!({"layouts": layouts, "damage": damage, "detail": detail})
            )
            .and_then(|()| stdin.flush())
            .map_err(|e| cluster(format!("driver: {e}")))?;
        }
        let mut answer = self.read()?;
        if let Some(e) = answer.get("error") {
            return Err(cluster(e.as_str().unwrap_or("unknown error").to_string()));
        }
        let out: Vec<ScenarioOutcome> = serde_json::from_value(answer["ok"].take())
            .map_err(|e| cluster(format!("driver's answer: {e}")))?;
        if out.len() != damage.len() || out.iter().zip(damage).any(|(o, &d)| o.damage.index != d) {
            return Err(cluster(
                "the driver's answer does not match the damage scenarios asked",
            ));
        }
        Ok(out)
    }
}

impl Drop for RayFanout {
    fn drop(&mut self) {
        if let Ok(mut io) = self.io.lock() {
            io.1 = None; // end of input: the driver disconnects and exits
            let t = std::time::Instant::now();
            while t.elapsed() < std::time::Duration::from_secs(10) {
                if let Ok(Some(_)) = io.0.try_wait() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            let _ = io.0.kill();
            let _ = io.0.wait();
        }
    }
}
