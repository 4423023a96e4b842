//! Load on `reliefflow serve` from many clients at once, on loopback.
//!
//! `cargo bench --bench serve_load -- [SCENARIO_DIR] [CLIENTS] [SECONDS]`
//! (default `scenarios/beijing-level1 50 60`): starts the server on
//! 127.0.0.1 with a fresh SQLite store, opens three incidents on shared
//! warehouses (all shelters; the first half; the second half), then CLIENTS
//! threads, for SECONDS, each in a loop: draft a plan for an incident; one
//! draft in four is issued (409 when another officer moved the stock first);
//! an issued plan is released on the client's next turn half the time; one
//! turn in ten also reads the warehouses. Prints per request kind the count
//! and p50 / p99 / max latency, throughput, errors (any status but 2xx and the
//! 409 of a stale draft), and checks after the run that no unit is reserved
//! beyond what is on hand and no truck is booked on two overlapping trips.
//! Bounded in time and count: nothing leaves 127.0.0.1.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Where the server's log goes: the file named by `SERVE_LOAD_LOG` (with
/// `RELIEFFLOW_LOG` set, e.g. `reliefflow=debug`, for each draft's stage
/// times), else nowhere.
fn server_log() -> Stdio {
    match std::env::var_os("SERVE_LOAD_LOG") {
        Some(path) => std::fs::File::create(path)
            .expect("SERVE_LOAD_LOG file")
            .into(),
        None => Stdio::null(),
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let scenario = args
        .first()
        .cloned()
        .unwrap_or_else(|| "scenarios/beijing-level1".into());
    let clients: usize = args.get(1).map_or(50, |a| a.parse().expect("CLIENTS"));
    let seconds: u64 = args.get(2).map_or(60, |a| a.parse().expect("SECONDS"));
    let root = env!("CARGO_MANIFEST_DIR");
    let bin = env!("CARGO_BIN_EXE_reliefflow");
    let dir = tempfile::tempdir().expect("scratch folder");
    let db = format!("sqlite://{}", dir.path().join("store.sqlite").display());
    let tok = String::from_utf8(
        Command::new(bin)
            .args(["serve", "token", "create", "--role", "officer", "--db", &db])
            .output()
            .expect("token")
            .stdout,
    )
    .expect("token text")
    .trim()
    .to_string();
    let mut child = Command::new(bin)
        .current_dir(root)
        .args([
            "serve",
            "--scenario",
            &scenario,
            "--listen",
            "127.0.0.1:0",
            "--db",
            &db,
        ])
        .stdout(Stdio::piped())
        .stderr(server_log())
        .spawn()
        .expect("server");
    let out = child.stdout.take().expect("stdout");
    let base = BufReader::new(out)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("listening on ").map(str::to_string))
        .expect("the server says where it listens");
    assert!(base.starts_with("http://127.0.0.1:"));
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(120))
        .max_idle_connections_per_host(clients + 4)
        .build();
    let call = |method: &str, path: &str, body: Option<Value>| -> (u16, Value, f64) {
        let req = agent
            .request(method, &format!("{base}{path}"))
            .set("Authorization", &format!("Bearer {tok}"));
        let t = Instant::now();
        let res = match body {
            Some(b) => req.send_json(b),
            None => req.call(),
        };
        let r = match res {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => return (0, json!(e.to_string()), t.elapsed().as_secs_f64()),
        };
        let status = r.status();
        let v = r.into_json().unwrap_or(Value::Null);
        (status, v, t.elapsed().as_secs_f64())
    };
    let shelters: Vec<String> = call("GET", "/v1/shelters", None).1["shelters"]
        .as_array()
        .expect("shelters")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_string())
        .collect();
    let half = shelters.len() / 2;
    let incidents: Vec<i64> = [
        json!({"name": "load: all"}),
        json!({"name": "load: first half", "shelters": shelters[..half]}),
        json!({"name": "load: second half", "shelters": shelters[half..]}),
    ]
    .into_iter()
    .map(|b| {
        call("POST", "/v1/incidents", Some(b)).1["id"]
            .as_i64()
            .expect("incident")
    })
    .collect();
    // Warm the matrices of each incident once, as a command centre would have.
    for &i in &incidents {
        call("POST", &format!("/v1/incidents/{i}/plans"), None);
    }

    let lat: Mutex<BTreeMap<&str, Vec<f64>>> = Mutex::default();
    let errors: Mutex<Vec<String>> = Mutex::default();
    let plans: Mutex<Vec<i64>> = Mutex::default();
    let (mut stale, t0) = (0usize, Instant::now());
    let stale_count = Mutex::new(0usize);
    let end = t0 + Duration::from_secs(seconds);
    std::thread::scope(|scope| {
        for c in 0..clients {
            let (call, lat, errors, plans, incidents, stale_count) =
                (&call, &lat, &errors, &plans, &incidents, &stale_count);
            scope.spawn(move || {
                // A small deterministic generator per client (xorshift).
                let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ (c as u64 + 1);
                let mut rnd = move |n: u64| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x % n
                };
                let mut issued: Option<i64> = None;
                let record = |kind: &'static str, (st, v, s): (u16, Value, f64), ok409: bool| {
                    lat.lock().unwrap().entry(kind).or_default().push(s);
                    if st == 409 && ok409 {
                        *stale_count.lock().unwrap() += 1;
                    } else if !(200..300).contains(&st) {
                        errors.lock().unwrap().push(format!("{kind}: {st} {v}"));
                    }
                    v
                };
                while Instant::now() < end {
                    if let Some(p) = issued.take() {
                        if rnd(2) == 0 {
                            record(
                                "release",
                                call("POST", &format!("/v1/plans/{p}/release"), None),
                                false,
                            );
                        } else {
                            issued = Some(p);
                        }
                    }
                    let inc = incidents[rnd(incidents.len() as u64) as usize];
                    let d = record(
                        "draft",
                        call("POST", &format!("/v1/incidents/{inc}/plans"), None),
                        false,
                    );
                    if issued.is_none() && rnd(4) == 0 {
                        if let Some(p) = d["plan_id"].as_i64() {
                            let r = call("POST", &format!("/v1/plans/{p}/issue"), None);
                            let ok = r.0 == 200;
                            record("issue", r, true);
                            if ok {
                                issued = Some(p);
                                plans.lock().unwrap().push(p);
                            }
                        }
                    }
                    if rnd(10) == 0 {
                        record("warehouses", call("GET", "/v1/warehouses", None), false);
                    }
                }
            });
        }
    });
    let wall = t0.elapsed().as_secs_f64();
    stale += *stale_count.lock().unwrap();
    let lat = lat.into_inner().unwrap();
    let errors = errors.into_inner().unwrap();
    println!("{scenario}: {clients} clients for {wall:.1} s on 127.0.0.1");
    println!("| request | count | per s | p50 | p99 | max |");
    println!("| --- | --- | --- | --- | --- | --- |");
    let mut total = 0;
    for (kind, mut v) in lat {
        v.sort_by(f64::total_cmp);
        let q = |p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize];
        total += v.len();
        println!(
            "| {kind} | {} | {:.1} | {:.3} s | {:.3} s | {:.3} s |",
            v.len(),
            v.len() as f64 / wall,
            q(0.5),
            q(0.99),
            q(1.0)
        );
    }
    println!(
        "{total} requests ({:.1}/s), {stale} stale issues refused (409), {} errors",
        total as f64 / wall,
        errors.len()
    );
    for e in errors.iter().take(5) {
        println!("  error: {e}");
    }

    // Invariants after the run.
    let ws = call("GET", "/v1/warehouses", None).1;
    let mut over = 0;
    for w in ws["warehouses"].as_array().expect("warehouses") {
        for (item, l) in w["stock"].as_object().expect("stock") {
            if l["reserved"].as_i64() > l["on_hand"].as_i64() {
                over += 1;
                println!("  over-reserved: {} {item}: {l}", w["id"]);
            }
        }
    }
    let mut runs: BTreeMap<(String, i64), Vec<(i64, i64)>> = BTreeMap::new();
    for p in plans.into_inner().unwrap() {
        for t in call("GET", &format!("/v1/plans/{p}/trips"), None).1["trips"]
            .as_array()
            .expect("trips")
        {
            if ["reserved", "departed", "delivered"].contains(&t["state"].as_str().unwrap_or("")) {
                runs.entry((
                    t["warehouse_id"].as_str().unwrap().to_string(),
                    t["truck"].as_i64().unwrap(),
                ))
                .or_default()
                .push((
                    t["busy_from_unix"].as_i64().unwrap(),
                    t["return_unix"].as_i64().unwrap(),
                ));
            }
        }
    }
    let overlaps: usize = runs
        .values_mut()
        .map(|r| {
            r.sort();
            r.windows(2).filter(|w| w[1].0 < w[0].1).count()
        })
        .sum();
    println!(
        "after the run: {over} (warehouse, item) over-reserved, {overlaps} overlapping truck bookings over {} trucks booked",
        runs.len()
    );
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        errors.is_empty() && over == 0 && overlaps == 0,
        "the run broke a promise"
    );
}
