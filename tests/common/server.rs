//! A running `reliefflow serve` for tests: a store (a real SQLite file or a
//! private PostgreSQL cluster on 127.0.0.1), the server process on 127.0.0.1
//! with a port of its own, and small HTTP helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use super::repo;

/// A private PostgreSQL cluster on 127.0.0.1 for one test (Debian's server
/// binaries, installed by `scripts/ensure-postgres` when missing); stopped and
/// removed when dropped.
pub struct Postgres {
    pub bin: std::path::PathBuf,
    pub dir: tempfile::TempDir,
    pub root: bool,
    pub url: String,
}

impl Postgres {
    fn start() -> Postgres {
        let find = || {
            std::fs::read_dir("/usr/lib/postgresql")
                .ok()?
                .filter_map(Result::ok)
                .map(|e| e.path().join("bin"))
                .find(|b| b.join("initdb").is_file())
        };
        let bin = find().unwrap_or_else(|| {
            let ok = Command::new(repo("scripts/ensure-postgres"))
                .status()
                .unwrap();
            assert!(ok.success(), "scripts/ensure-postgres failed");
            find().expect("PostgreSQL server binaries after scripts/ensure-postgres")
        });
        let root = String::from_utf8(Command::new("id").arg("-u").output().unwrap().stdout)
            .unwrap()
            .trim()
            == "0";
        let dir = tempfile::tempdir().unwrap();
        if root {
            // initdb and postgres refuse to run as root: the cluster is postgres's.
            let ok = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(dir.path())
                .status();
            assert!(ok.unwrap().success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let pg = Postgres {
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            bin,
            dir,
            root,
        };
        let data = pg.dir.path().join("data");
        let data = data.to_str().unwrap();
        pg.run(
            "initdb",
            &["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"],
        );
        let opts = format!("-h 127.0.0.1 -p {port} -k {data} -c fsync=on");
        let log = format!("{data}.log");
        pg.run(
            "pg_ctl",
            &["-D", data, "-l", &log, "-o", &opts, "-w", "start"],
        );
        pg
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let mut cmd = if self.root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{tool} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.run(
                "pg_ctl",
                &["-D", data.to_str().unwrap(), "-m", "immediate", "stop"],
            );
        }));
    }
}

/// Where a test keeps its store: a scratch folder and the store's URL.
pub struct Place {
    pub _dir: tempfile::TempDir,
    pub url: String,
    pub _pg: Option<Postgres>,
}

pub fn sqlite() -> Place {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("store.sqlite").display());
    Place {
        _dir: dir,
        url,
        _pg: None,
    }
}

pub fn postgres() -> Place {
    let pg = Postgres::start();
    Place {
        _dir: tempfile::tempdir().unwrap(),
        url: pg.url.clone(),
        _pg: Some(pg),
    }
}

/// `name::sqlite` and `name::postgres`: the test `name` on each store.
#[macro_export]
macro_rules! on_both_stores {
    ($name:ident) => {
        mod $name {
            #[test]
            fn sqlite() {
                super::$name(&super::sqlite());
            }

            #[test]
            fn postgres() {
                super::$name(&super::postgres());
            }
        }
    };
}

/// A running server; killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_reliefflow")
}

pub fn token(at: &Place, role: &str) -> String {
    let out = Command::new(bin())
        .args(["serve", "token", "create", "--role", role, "--db", &at.url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

pub fn start(at: &Place) -> Server {
    start_on(at, "scenarios/xicheng-earthquake")
}

/// A server on `scenario` (a folder under the repository).
pub fn start_on(at: &Place, scenario: &str) -> Server {
    launch(at, scenario, None)
}

/// Starts `reliefflow serve` on `scenario` and store `at`, its stderr to
/// `log` (or nowhere), and waits until it says where it listens.
fn launch(at: &Place, scenario: &str, log: Option<&std::path::Path>) -> Server {
    let stderr = match log {
        Some(p) => Stdio::from(std::fs::File::create(p).unwrap()),
        None => Stdio::null(),
    };
    let mut child = Command::new(bin())
        .current_dir(repo(""))
        .args(["serve", "--scenario", scenario, "--listen", "127.0.0.1:0"])
        .args(["--db", &at.url])
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(a) = line.strip_prefix("listening on ") {
                let _ = tx.send(a.to_string());
            }
        }
    });
    let base = rx
        .recv_timeout(Duration::from_secs(120))
        .unwrap_or_else(|_| {
            let said = log.map(|p| std::fs::read_to_string(p).unwrap_or_default());
            panic!(
                "the server says where it listens; its log:\n{}",
                said.unwrap_or_default()
            )
        });
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    Server { child, base }
}

/// (status, JSON body) of `POST /v1/shelters/counts` with CSV `body`.
pub fn upload_counts(s: &Server, tok: &str, body: &str) -> (u16, Value) {
    let r = ureq::post(&format!("{}/v1/shelters/counts", s.base))
        .set("Authorization", &format!("Bearer {tok}"))
        .set("Content-Type", "text/csv")
        .send_string(body);
    let r = match r {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    (r.status(), r.into_json::<Value>().unwrap())
}

/// (status, JSON body) of a request.
pub fn call(method: &str, url: &str, token: Option<&str>, body: Option<&str>) -> (u16, Value) {
    let mut req = ureq::request(method, url).timeout(Duration::from_secs(120));
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    let res = match body {
        Some(b) => req.set("Content-Type", "application/json").send_string(b),
        None => req.call(),
    };
    let r = match res {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {url}: {e}"),
    };
    let status = r.status();
    let text = r.into_string().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Status of a `POST /v1/incidents` that declares a 2 MiB body and sends none
/// (raw HTTP/1.1, so the client does not race the server's early answer).
pub fn oversize(s: &Server, tok: &str) -> u16 {
    use std::io::{Read, Write};
    let addr = s.base.trim_start_matches("http://");
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        c,
        "POST /v1/incidents HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {tok}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        2 << 20
    )
    .unwrap();
    let mut head = [0u8; 12];
    c.read_exact(&mut head).unwrap();
    std::str::from_utf8(&head[9..12]).unwrap().parse().unwrap()
}

/// `POST /v1/plans/{plan}/{action}` (issue, release).
pub fn act(s: &Server, tok: &str, plan: i64, action: &str) -> (u16, Value) {
    let url = format!("{}/v1/plans/{plan}/{action}", s.base);
    call("POST", &url, Some(tok), None)
}

/// Units reserved and on hand per (warehouse, item), from `GET /v1/warehouses`.
pub fn levels(s: &Server, tok: &str) -> BTreeMap<(String, String), (i64, i64)> {
    let (st, v) = call("GET", &format!("{}/v1/warehouses", s.base), Some(tok), None);
    assert_eq!(st, 200);
    let mut out = BTreeMap::new();
    for w in v["warehouses"].as_array().unwrap() {
        for (item, l) in w["stock"].as_object().unwrap() {
            let k = (w["id"].as_str().unwrap().to_string(), item.clone());
            out.insert(
                k,
                (
                    l["reserved"].as_i64().unwrap(),
                    l["on_hand"].as_i64().unwrap(),
                ),
            );
        }
    }
    out
}

pub fn incident(s: &Server, tok: &str, body: Value) -> i64 {
    let (st, v) = call(
        "POST",
        &format!("{}/v1/incidents", s.base),
        Some(tok),
        Some(&body.to_string()),
    );
    assert_eq!(st, 201, "{v}");
    v["id"].as_i64().unwrap()
}

pub fn draft(s: &Server, tok: &str, incident: i64) -> Value {
    let (st, v) = call(
        "POST",
        &format!("{}/v1/incidents/{incident}/plans", s.base),
        Some(tok),
        None,
    );
    assert_eq!(st, 201, "{v}");
    v
}

pub fn post(s: &Server, tok: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let b = body.map(|b| b.to_string());
    call(
        "POST",
        &format!("{}{path}", s.base),
        Some(tok),
        b.as_deref(),
    )
}

pub fn get(s: &Server, tok: &str, path: &str) -> Value {
    let (st, v) = call("GET", &format!("{}{path}", s.base), Some(tok), None);
    assert_eq!(st, 200, "GET {path}: {v}");
    v
}

/// Drafts a plan for `incident` and issues it; the plan's id.
pub fn issued(s: &Server, tok: &str, incident: i64) -> i64 {
    let d = draft(s, tok, incident);
    let p = d["plan_id"].as_i64().unwrap();
    let (st, v) = act(s, tok, p, "issue");
    assert_eq!(st, 200, "{v}");
    p
}

pub fn trips(s: &Server, tok: &str, plan: i64) -> Vec<Value> {
    get(s, tok, &format!("/v1/plans/{plan}/trips"))["trips"]
        .as_array()
        .unwrap()
        .clone()
}

pub fn stocktake(s: &Server, admin: &str, warehouse: &str, item: &str, units: i64) {
    let (st, v) = post(
        s,
        admin,
        &format!("/v1/warehouses/{warehouse}/stocktake"),
        Some(json!({"item": item, "on_hand": units, "note": "test"})),
    );
    assert_eq!(st, 200, "{v}");
}

/// Every booked trip of `plans` (state reserved, departed or delivered), with
/// the service's own figures left aside: no truck on two overlapping trips; the
/// load within the truck's payload and volume (this checker's own copy of the
/// default norms); every stop reached by the deadline of the trip's phase; the
/// truck loaded before it leaves and back after it gets to its stops.
pub fn check_bookings(s: &Server, tok: &str, plans: &[i64]) {
    let fleets: BTreeMap<String, (f64, f64)> = get(s, tok, "/v1/warehouses")["warehouses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["id"].as_str().unwrap().to_string(),
                (
                    w["payload_kg"].as_f64().unwrap(),
                    w["volume_m3"].as_f64().unwrap(),
                ),
            )
        })
        .collect();
    // (kg, m³) per unit.
    let unit = BTreeMap::from([
        ("water", (1.0, 0.001)),
        ("ready_meal", (0.35, 0.0008)),
        ("quilt", (2.0, 0.02)),
        ("family_tent", (25.0, 0.12)),
        ("clothing_kit", (1.5, 0.006)),
        ("hygiene_kit", (2.0, 0.008)),
        ("medical_kit", (10.0, 0.04)),
    ]);
    // (loading starts, back, plan, trip) per (warehouse, truck).
    type Runs = Vec<(i64, i64, i64, i64)>;
    let mut by_truck: BTreeMap<(String, i64), Runs> = BTreeMap::new();
    for &p in plans {
        let doc = get(s, tok, &format!("/v1/plans/{p}"))["plan"].clone();
        for t in trips(s, tok, p) {
            let state = t["state"].as_str().unwrap_or("draft");
            if !["reserved", "departed", "delivered"].contains(&state) {
                continue;
            }
            let w = t["warehouse_id"].as_str().unwrap().to_string();
            let (mut kg, mut m3) = (0.0, 0.0);
            for l in t["lines"].as_array().unwrap() {
                let (ukg, um3) = unit[l["item"].as_str().unwrap()];
                kg += l["units"].as_f64().unwrap() * ukg;
                m3 += l["units"].as_f64().unwrap() * um3;
            }
            assert!(kg <= fleets[&w].0 + 1e-6, "plan {p} trip {t}: {kg} kg");
            assert!(m3 <= fleets[&w].1 + 1e-6, "plan {p} trip {t}: {m3} m³");
            let deadline = doc["targets"][if t["phase"] == "first" {
                "first_delivery_h"
            } else {
                "relief_h"
            }]
            .as_f64()
            .unwrap();
            let planned = doc["trips"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["trip_id"] == t["trip"])
                .unwrap_or_else(|| panic!("plan {p} trip {} not in plan.json", t["trip"]));
            let depart = t["depart_h"].as_f64().unwrap();
            let mut last = depart;
            for stop in planned["stops"].as_array().unwrap() {
                let at = stop["arrive_h"].as_f64().unwrap();
                assert!(
                    at >= last && at <= deadline + 1e-3,
                    "plan {p} trip {t}: arrives {at} h"
                );
                last = at;
            }
            assert!(t["load_h"].as_f64().unwrap() <= depart);
            assert!(
                t["return_h"].as_f64().is_none_or(|r| r >= last),
                "plan {p} trip {t}"
            );
            let (from, back) = (
                t["busy_from_unix"].as_i64().unwrap(),
                t["return_unix"].as_i64().unwrap(),
            );
            assert!(from <= t["depart_unix"].as_i64().unwrap() && from <= back);
            by_truck
                .entry((w, t["truck"].as_i64().unwrap()))
                .or_default()
                .push((from, back, p, t["trip"].as_i64().unwrap()));
        }
    }
    for (truck, mut runs) in by_truck {
        runs.sort();
        for r in runs.windows(2) {
            assert!(
                r[1].0 >= r[0].1,
                "truck {truck:?}: plan {} trip {} is back at {}, plan {} trip {} loads at {}",
                r[0].2,
                r[0].3,
                r[0].1,
                r[1].2,
                r[1].3,
                r[1].0
            );
        }
    }
}

/// [`start`], with the server's log (stderr, errors and warnings) written to
/// `log`: a test that finds a 5xx can show what the server said about it.
pub fn start_logged(at: &Place, log: &std::path::Path) -> Server {
    launch(at, "scenarios/xicheng-earthquake", Some(log))
}
