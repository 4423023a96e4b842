//! Load on `reliefflow serve` from many officers at once, on loopback, with
//! distinct incidents and drafts (issue 32, "Measure").
//!
//! `cargo bench --bench serve_load -- [SCENARIO_DIR] [CLIENTS] [SECONDS]
//! [--setup pg1|pg2|sqlite|all] [--mode disjoint|shared|all]`
//! (default `scenarios/beijing-level1 20 60`, every set-up and mode; `--setup`
//! and `--mode` may be given more than once, or as a comma list).
//!
//! **Set-ups**, each on a fresh store: `pg1` one server on a private
//! PostgreSQL cluster (Debian's server binaries, installed by
//! `scripts/ensure-postgres` when missing, as the tests do); `pg2` two servers
//! on that one database, the clients split between them (even clients on the
//! first, odd on the second); `sqlite` one server on an SQLite file.
//!
//! **Incidents.** The warehouses other than the municipal reserves
//! [`SHARED`] (21 at Level I) are the officers' own: client `c` gets the
//! `c`-th of them (in the order of `GET /v1/warehouses`), and its incident's
//! shelters are those nearer its warehouse than any other in use (straight
//! line). Every other warehouse is lost to the incident
//! (`lost_warehouses`) but, in mode `shared`, the reserves [`SHARED`]: in
//! mode `disjoint` no two incidents can take stock or trucks from the same
//! warehouse, in `shared` all of them can take from the reserves.
//!
//! **Each client**, until SECONDS are up (and at most [`MAX_ROUNDS`] rounds):
//! when its incident has a live plan, one round in six releases it and two in
//! six deliver the oldest trip it departed (of whichever plan) and depart the
//! live plan's first reserved trip; then it
//! drafts (a re-plan when a plan is live) at a plan time of its own
//! (`?at=@SECONDS`: at least a minute from now and a second after its last
//! draft's, so no two drafts share the inputs the service's draft memo is
//! keyed by) and issues that draft once, without `on_stale=replan`. Every
//! issue is a first try: the share of them answered 2xx is the first-time
//! success; a 409 is counted by its `code`.
//!
//! **Before the clock**, each incident is drafted once on its server (matrices
//! warm, as a command centre would have them; not counted, not issued).
//! **After the run**, checked on the store: no (warehouse, item) reserved
//! beyond what is on hand, no truck booked on two overlapping trips, no
//! incident with two issued plans (and `live_plan` naming the one), in
//! `disjoint` no booked trip from a warehouse lost to its incident; no 5xx,
//! no request unanswered. Each server's log (`warn` and the planner's
//! `draft computed` lines) is read for how many drafts were computed rather
//! than answered from the memo. One table row per set-up and mode.
//! `SERVE_LOAD_KEEP=1` keeps each run's scratch folder (the servers' logs,
//! with each computed draft's stage times, and the SQLite store) and names it.
//! Nothing leaves 127.0.0.1.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

#[path = "../tests/common/mod.rs"]
mod common;

/// The warehouses every incident may share in mode `shared` (Level I's
/// municipal reserves south-west and east).
const SHARED: [&str; 2] = ["BJ-M1", "BJ-M2"];
/// Rounds per client at most (the run is bounded by SECONDS first).
const MAX_ROUNDS: usize = 5_000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Setup {
    Pg1,
    Pg2,
    Sqlite,
}

impl Setup {
    fn name(self) -> &'static str {
        match self {
            Setup::Pg1 => "pg1: 1 server, PostgreSQL",
            Setup::Pg2 => "pg2: 2 servers, one PostgreSQL",
            Setup::Sqlite => "sqlite: 1 server, SQLite",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Disjoint,
    Shared,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Disjoint => "disjoint",
            Mode::Shared => "shared",
        }
    }
}

struct Args {
    scenario: String,
    clients: usize,
    seconds: u64,
    setups: Vec<Setup>,
    modes: Vec<Mode>,
}

fn args() -> Args {
    let mut pos = Vec::new();
    let (mut setups, mut modes) = (Vec::new(), Vec::new());
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let (flag, value) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        match flag.as_str() {
            "--setup" | "--mode" => {
                let v = value.or_else(|| it.next()).expect("a value after the flag");
                for w in v.split(',') {
                    match (flag.as_str(), w) {
                        ("--setup", "pg1") => setups.push(Setup::Pg1),
                        ("--setup", "pg2") => setups.push(Setup::Pg2),
                        ("--setup", "sqlite") => setups.push(Setup::Sqlite),
                        ("--setup", "all") => {
                            setups.extend([Setup::Pg1, Setup::Pg2, Setup::Sqlite])
                        }
                        ("--mode", "disjoint") => modes.push(Mode::Disjoint),
                        ("--mode", "shared") => modes.push(Mode::Shared),
                        ("--mode", "all") => modes.extend([Mode::Disjoint, Mode::Shared]),
                        _ => {
                            panic!("{flag} {w}: expected pg1|pg2|sqlite|all or disjoint|shared|all")
                        }
                    }
                }
            }
            // cargo bench passes `--bench`; other flags are not ours.
            f if f.starts_with("--") => {}
            _ => pos.push(a),
        }
    }
    if setups.is_empty() {
        setups = vec![Setup::Pg1, Setup::Pg2, Setup::Sqlite];
    }
    if modes.is_empty() {
        modes = vec![Mode::Disjoint, Mode::Shared];
    }
    Args {
        scenario: pos
            .first()
            .cloned()
            .unwrap_or_else(|| "scenarios/beijing-level1".into()),
        clients: pos.get(1).map_or(20, |a| a.parse().expect("CLIENTS")),
        seconds: pos.get(2).map_or(60, |a| a.parse().expect("SECONDS")),
        setups,
        modes,
    }
}

fn root() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_reliefflow")
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64
}

/// A running `reliefflow serve`; killed when dropped.
struct Server {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `reliefflow serve` on `scenario` and store `db`, its log (warnings,
/// and the planner's `draft computed` lines) to `log`.
fn launch(scenario: &str, db: &str, log: PathBuf) -> Server {
    let mut child = Command::new(bin())
        .current_dir(root())
        .args(["serve", "--scenario", scenario, "--listen", "127.0.0.1:0"])
        .args(["--db", db])
        .env("RELIEFFLOW_LOG", "warn,reliefflow::ops::draft=debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::from(
            std::fs::File::create(&log).expect("server log"),
        ))
        .spawn()
        .expect("server");
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Some(a) = line.strip_prefix("listening on ") {
                let _ = tx.send(a.to_string());
            }
        }
    });
    let base = rx
        .recv_timeout(Duration::from_secs(300))
        .unwrap_or_else(|_| {
            panic!(
                "the server says where it listens; its log:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            )
        });
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    Server { child, base, log }
}

fn token(db: &str) -> String {
    let out = Command::new(bin())
        .current_dir(root())
        .args(["serve", "token", "create", "--role", "officer", "--db", db])
        .output()
        .expect("token");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("token text")
        .trim()
        .to_string()
}

/// (status, body, seconds) of one request; status 0 when no answer came.
type Answer = (u16, Value, f64);

struct Client<'a> {
    agent: &'a ureq::Agent,
    tok: &'a str,
}

impl Client<'_> {
    fn call(&self, base: &str, method: &str, path: &str, body: Option<Value>) -> Answer {
        let req = self
            .agent
            .request(method, &format!("{base}{path}"))
            .set("Authorization", &format!("Bearer {}", self.tok));
        let t = Instant::now();
        let res = match body {
            Some(b) => req.send_json(b),
            None => req.call(),
        };
        let r = match res {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => return (0, json!(e.to_string()), t.elapsed().as_secs_f64()),
        };
        let status = r.status();
        let v = r.into_json().unwrap_or(Value::Null);
        (status, v, t.elapsed().as_secs_f64())
    }

    fn get(&self, base: &str, path: &str) -> Value {
        let (st, v, _) = self.call(base, "GET", path, None);
        assert_eq!(st, 200, "GET {path}: {v}");
        v
    }
}

/// What the clients of one run saw.
#[derive(Default)]
struct Tally {
    lat: BTreeMap<&'static str, Vec<f64>>,
    /// First-try issues: (answered 2xx, all).
    issues_ok: usize,
    issues: usize,
    /// 409 codes of first-try issues, and three of their messages (the
    /// first two and the last, with the plan and whether it was a re-plan).
    codes: BTreeMap<String, (usize, Vec<String>)>,
    /// Answers outside 2xx but first-try issues' 409s (5xx / none among
    /// them), and the first few of them.
    errors: usize,
    first_errors: Vec<String>,
    server_errors: usize,
    replans: usize,
    /// `plan.matrices.start` of each draft.
    starts: BTreeMap<String, usize>,
    releases: usize,
    departs: usize,
    delivers: usize,
}

impl Tally {
    fn note(&mut self, kind: &'static str, a: &Answer) {
        self.lat.entry(kind).or_default().push(a.2);
        if a.0 == 0 || a.0 >= 500 {
            self.server_errors += 1;
        }
    }

    fn error(&mut self, kind: &str, a: &Answer) {
        self.errors += 1;
        if self.first_errors.len() < 10 {
            self.first_errors.push(format!("{kind}: {} {}", a.0, a.1));
        }
    }
}

/// (p50, p99) of `v` (sorted here), seconds.
fn quantiles(v: &mut [f64]) -> (f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    v.sort_by(f64::total_cmp);
    let q = |p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize];
    (q(0.5), q(0.99))
}

/// Squared straight-line distance (equirectangular, Beijing's latitude is
/// near enough for ranking).
fn dist2(a: [f64; 2], b: [f64; 2]) -> f64 {
    let k = (a[1].to_radians()).cos();
    let dx = (a[0] - b[0]) * k;
    let dy = a[1] - b[1];
    dx * dx + dy * dy
}

fn location(v: &Value) -> [f64; 2] {
    let l = &v["location"];
    [l[0].as_f64().expect("lon"), l[1].as_f64().expect("lat")]
}

/// The incidents of a run: (own warehouse, shelters, lost warehouses) per
/// client.
fn incidents(
    warehouses: &Value,
    shelters: &Value,
    clients: usize,
    mode: Mode,
) -> Vec<(String, Vec<String>, Vec<String>)> {
    let ws: Vec<(String, [f64; 2])> = warehouses["warehouses"]
        .as_array()
        .expect("warehouses")
        .iter()
        .map(|w| (w["id"].as_str().expect("id").to_string(), location(w)))
        .collect();
    let own: Vec<&(String, [f64; 2])> = ws
        .iter()
        .filter(|(id, _)| !SHARED.contains(&id.as_str()))
        .collect();
    let used = &own[..clients.min(own.len())];
    let ss: Vec<(String, [f64; 2])> = shelters["shelters"]
        .as_array()
        .expect("shelters")
        .iter()
        .map(|s| (s["id"].as_str().expect("id").to_string(), location(s)))
        .collect();
    let mut parts: Vec<Vec<String>> = vec![Vec::new(); used.len()];
    for (id, at) in &ss {
        let w = (0..used.len())
            .min_by(|&a, &b| dist2(*at, used[a].1).total_cmp(&dist2(*at, used[b].1)))
            .expect("a warehouse in use");
        parts[w].push(id.clone());
    }
    // An incident with no shelter would plan for all of them: give it its
    // nearest shelter.
    for w in 0..used.len() {
        if parts[w].is_empty() {
            let (id, _) = ss
                .iter()
                .min_by(|a, b| dist2(a.1, used[w].1).total_cmp(&dist2(b.1, used[w].1)))
                .expect("a shelter");
            for p in parts.iter_mut() {
                p.retain(|s| s != id);
            }
            parts[w].push(id.clone());
        }
    }
    (0..clients)
        .map(|c| {
            let w = c % used.len();
            let mine = &used[w].0;
            let lost = ws
                .iter()
                .map(|(id, _)| id)
                .filter(|id| {
                    *id != mine && !(mode == Mode::Shared && SHARED.contains(&id.as_str()))
                })
                .cloned()
                .collect();
            (mine.clone(), parts[w].clone(), lost)
        })
        .collect()
}

/// One row of the table, and what the run broke.
struct Row {
    setup: Setup,
    mode: Mode,
    wall: f64,
    tally: Tally,
    computed: usize,
    drafts: usize,
    broken: Vec<String>,
    checked: String,
}

fn run(a: &Args, setup: Setup, mode: Mode) -> Row {
    let scratch = tempfile::tempdir().expect("scratch folder");
    // The store: a private PostgreSQL cluster on 127.0.0.1 as the tests
    // start one, or an SQLite file in the scratch folder (kept with it).
    let pg = (setup != Setup::Sqlite).then(common::server::postgres);
    let db = match &pg {
        Some(place) => place.url.clone(),
        None => format!("sqlite://{}", scratch.path().join("store.sqlite").display()),
    };
    let mut servers = vec![launch(&a.scenario, &db, scratch.path().join("server0.log"))];
    if setup == Setup::Pg2 {
        servers.push(launch(&a.scenario, &db, scratch.path().join("server1.log")));
    }
    let tok = token(&db);
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(120))
        .max_idle_connections_per_host(a.clients + 4)
        .build();
    let cl = Client {
        agent: &agent,
        tok: &tok,
    };
    let base0 = servers[0].base.clone();
    let plan = incidents(
        &cl.get(&base0, "/v1/warehouses"),
        &cl.get(&base0, "/v1/shelters"),
        a.clients,
        mode,
    );
    let server_of = |c: usize| servers[c % servers.len()].base.clone();
    let ids: Vec<i64> = plan
        .iter()
        .enumerate()
        .map(|(c, (w, shelters, lost))| {
            let (st, v, _) = cl.call(
                &server_of(c),
                "POST",
                "/v1/incidents",
                Some(json!({
                    "name": format!("load {c}: {w}"),
                    "shelters": shelters,
                    "lost_warehouses": lost,
                })),
            );
            assert_eq!(st, 201, "incident: {v}");
            v["id"].as_i64().expect("incident id")
        })
        .collect();
    // Matrices warm, as a command centre would have them (not counted).
    for (c, &i) in ids.iter().enumerate() {
        let (st, v, _) = cl.call(
            &server_of(c),
            "POST",
            &format!("/v1/incidents/{i}/plans"),
            None,
        );
        assert_eq!(st, 201, "warm-up draft: {v}");
    }

    let tally: Mutex<Tally> = Mutex::default();
    let t0 = Instant::now();
    let end = t0 + Duration::from_secs(a.seconds);
    std::thread::scope(|scope| {
        for (c, &inc) in ids.iter().enumerate() {
            let (cl, tally, base) = (&cl, &tally, server_of(c));
            scope.spawn(move || client(cl, &base, inc, c, end, tally));
        }
    });
    let wall = t0.elapsed().as_secs_f64();
    let tally = tally.into_inner().expect("tally");

    // Invariants after the run.
    let mut broken = Vec::new();
    let ws = cl.get(&base0, "/v1/warehouses");
    let mut over = 0;
    for w in ws["warehouses"].as_array().expect("warehouses") {
        for (item, l) in w["stock"].as_object().expect("stock") {
            if l["reserved"].as_i64() > l["on_hand"].as_i64() || l["available"].as_i64() < Some(0) {
                over += 1;
                broken.push(format!("over-reserved: {} {item}: {l}", w["id"]));
            }
        }
    }
    if let Some(other) = servers.get(1) {
        if cl.get(&other.base, "/v1/warehouses") != ws {
            broken.push("the two servers show different warehouses".into());
        }
    }
    // (loading starts, back, plan) per (warehouse, truck).
    type Runs = Vec<(i64, i64, i64)>;
    let mut runs: BTreeMap<(String, i64), Runs> = BTreeMap::new();
    let (mut two_issued, mut foreign, mut booked_plans) = (0, 0, 0);
    for (c, &i) in ids.iter().enumerate() {
        let ps = cl.get(&base0, &format!("/v1/incidents/{i}/plans"));
        let issued: Vec<i64> = ps["plans"]
            .as_array()
            .expect("plans")
            .iter()
            .filter(|p| p["status"] == "issued")
            .map(|p| p["plan_id"].as_i64().expect("plan id"))
            .collect();
        let live = ps["live_plan"].as_i64().unwrap_or(0);
        if issued.len() > 1 || issued.first().copied().unwrap_or(0) != live {
            two_issued += 1;
            broken.push(format!("incident {i}: issued {issued:?}, live_plan {live}"));
        }
        for p in ps["plans"].as_array().expect("plans") {
            if p["status"] == "draft" {
                continue;
            }
            let id = p["plan_id"].as_i64().expect("plan id");
            booked_plans += 1;
            for t in cl.get(&base0, &format!("/v1/plans/{id}/trips"))["trips"]
                .as_array()
                .expect("trips")
            {
                let state = t["state"].as_str().unwrap_or("");
                if !["reserved", "departed", "delivered"].contains(&state) {
                    continue;
                }
                let w = t["warehouse_id"].as_str().expect("warehouse").to_string();
                if plan[c].2.contains(&w) {
                    foreign += 1;
                    broken.push(format!("plan {id} books trip {} from lost {w}", t["trip"]));
                }
                runs.entry((w, t["truck"].as_i64().expect("truck")))
                    .or_default()
                    .push((
                        t["busy_from_unix"].as_i64().expect("busy from"),
                        t["return_unix"].as_i64().expect("return"),
                        id,
                    ));
            }
        }
    }
    let mut overlaps = 0;
    for (truck, r) in runs.iter_mut() {
        r.sort();
        for w in r.windows(2) {
            if w[1].0 < w[0].1 {
                overlaps += 1;
                broken.push(format!(
                    "truck {truck:?}: plans {} and {} overlap",
                    w[0].2, w[1].2
                ));
            }
        }
    }
    if tally.server_errors > 0 {
        broken.push(format!("{} answers 5xx or none", tally.server_errors));
    }
    let checked = format!(
        "{over} over-reserved, {overlaps} overlapping bookings ({} trucks in {booked_plans} issued plans), {two_issued} incidents with two issued plans, {foreign} trips from a lost warehouse",
        runs.len()
    );
    // Drafts computed (not memo hits): the planner's lines in the logs.
    let computed = servers
        .iter()
        .map(|s| {
            std::fs::read_to_string(&s.log)
                .unwrap_or_default()
                .lines()
                .filter(|l| l.contains("draft computed"))
                .count()
        })
        .sum::<usize>();
    let drafts = tally.lat.get("draft").map_or(0, Vec::len) + ids.len();
    for s in &servers {
        let log = std::fs::read_to_string(&s.log).unwrap_or_default();
        for l in log.lines().filter(|l| l.contains("ERROR")).take(3) {
            println!("  server log: {l}");
        }
    }
    if std::env::var_os("SERVE_LOAD_KEEP").is_some() {
        let keep = scratch.keep();
        println!("  kept {}", keep.display());
    }
    drop(servers);
    drop(pg);
    Row {
        setup,
        mode,
        wall,
        tally,
        computed,
        drafts,
        broken,
        checked,
    }
}

/// One officer's loop on incident `inc` through server `base`.
fn client(cl: &Client, base: &str, inc: i64, c: usize, end: Instant, tally: &Mutex<Tally>) {
    // A small deterministic generator per client (xorshift).
    let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ (c as u64 + 1);
    let mut rnd = move |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    let mut live: Option<i64> = None;
    let mut departed: VecDeque<(i64, i64)> = VecDeque::new();
    let mut last_at = 0i64;
    for _ in 0..MAX_ROUNDS {
        if Instant::now() >= end {
            break;
        }
        if let Some(p) = live {
            match rnd(6) {
                0 => {
                    let r = cl.call(base, "POST", &format!("/v1/plans/{p}/release"), None);
                    let mut t = tally.lock().unwrap();
                    t.note("release", &r);
                    if r.0 == 200 {
                        t.releases += 1;
                        live = None;
                    } else {
                        t.error("release", &r);
                    }
                }
                1 | 2 => {
                    // Deliver the oldest trip under way (its plan may have been
                    // superseded since: a departed trip stays with it), then
                    // depart the live plan's first reserved trip.
                    if let Some((q, trip)) = departed.pop_front() {
                        let r = cl.call(
                            base,
                            "POST",
                            &format!("/v1/plans/{q}/trips/{trip}/deliver"),
                            None,
                        );
                        let mut t = tally.lock().unwrap();
                        t.note("deliver", &r);
                        if r.0 == 200 {
                            t.delivers += 1;
                        } else {
                            t.error("deliver", &r);
                        }
                    }
                    let r = cl.call(base, "GET", &format!("/v1/plans/{p}/trips"), None);
                    tally.lock().unwrap().note("trips", &r);
                    let first = r.1["trips"].as_array().and_then(|ts| {
                        ts.iter()
                            .filter(|t| t["state"] == "reserved")
                            .min_by_key(|t| t["depart_unix"].as_i64())
                            .and_then(|t| t["trip"].as_i64())
                    });
                    if let Some(trip) = first {
                        let r = cl.call(
                            base,
                            "POST",
                            &format!("/v1/plans/{p}/trips/{trip}/depart"),
                            None,
                        );
                        let mut t = tally.lock().unwrap();
                        t.note("depart", &r);
                        if r.0 == 200 {
                            t.departs += 1;
                            departed.push_back((p, trip));
                        } else {
                            t.error("depart", &r);
                        }
                    }
                }
                _ => {}
            }
        }
        // A plan time of this draft's own: no two drafts share their inputs.
        let at = (now_unix() + 60).max(last_at + 1);
        last_at = at;
        let d = cl.call(
            base,
            "POST",
            &format!("/v1/incidents/{inc}/plans?at=@{at}"),
            None,
        );
        {
            let mut t = tally.lock().unwrap();
            t.note("draft", &d);
            if d.0 != 201 {
                t.error("draft", &d);
                continue;
            }
            if d.1.get("replaces").is_some() {
                t.replans += 1;
            }
            let start = d.1["plan"]["matrices"]["start"]
                .as_str()
                .unwrap_or("?")
                .to_string();
            *t.starts.entry(start).or_default() += 1;
        }
        let replan = d.1.get("replaces").is_some();
        let Some(p) = d.1["plan_id"].as_i64() else {
            continue;
        };
        let r = cl.call(base, "POST", &format!("/v1/plans/{p}/issue"), None);
        let mut t = tally.lock().unwrap();
        t.note("issue", &r);
        t.issues += 1;
        if (200..300).contains(&r.0) {
            t.issues_ok += 1;
            live = Some(p);
        } else if r.0 == 409 {
            let code = r.1["code"].as_str().unwrap_or("?").to_string();
            let msg = r.1["message"].as_str().unwrap_or("").to_string();
            let e = t.codes.entry(code).or_default();
            e.0 += 1;
            // The first two and the last (the first are often the clients'
            // first drafts, all made at once).
            let what = if replan { "re-plan" } else { "draft" };
            if e.1.len() == 3 {
                e.1.pop();
            }
            e.1.push(format!("{what} {p}: {msg}"));
        } else {
            t.error("issue", &r);
        }
    }
}

fn main() {
    let a = args();
    let commit = Command::new("git")
        .args(["-C", root(), "rev-parse", "--short", "HEAD"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    // Files under src/ that differ from the commit (read only).
    let dirty = Command::new("git")
        .args(["-C", root(), "status", "--porcelain", "--", "src"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().count())
        .unwrap_or(0);
    println!(
        "{}: {} clients, {} s per set-up and mode, on 127.0.0.1 (commit {commit}, {dirty} files under src/ changed since)",
        a.scenario, a.clients, a.seconds
    );
    let mut rows = Vec::new();
    for &setup in &a.setups {
        for &mode in &a.modes {
            let row = run(&a, setup, mode);
            report(&row);
            rows.push(row);
        }
    }
    println!();
    println!("| set-up | mode | drafts (per s) | draft p50 / p99 | issues | issue p50 / p99 | first-time success | 409 codes | 5xx | after the run |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for r in &mut rows {
        let t = &mut r.tally;
        let nd = t.lat.get("draft").map_or(0, Vec::len);
        let (d50, d99) = quantiles(t.lat.entry("draft").or_default());
        let (i50, i99) = quantiles(t.lat.entry("issue").or_default());
        let codes = if t.codes.is_empty() {
            "none".to_string()
        } else {
            t.codes
                .iter()
                .map(|(k, (n, _))| format!("{k} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!(
            "| {} | {} | {nd} ({:.1}/s) | {d50:.3} / {d99:.3} s | {} | {i50:.3} / {i99:.3} s | {:.1} % ({} / {}) | {codes} | {} | {} |",
            r.setup.name(),
            r.mode.name(),
            nd as f64 / r.wall,
            t.issues,
            100.0 * t.issues_ok as f64 / t.issues.max(1) as f64,
            t.issues_ok,
            t.issues,
            t.server_errors,
            if r.broken.is_empty() { "all hold" } else { "BROKEN" },
        );
    }
    let broken: usize = rows.iter().map(|r| r.broken.len() + r.tally.errors).sum();
    assert!(
        broken == 0,
        "a run broke a promise or got an unexpected answer"
    );
}

fn report(r: &Row) {
    let t = &r.tally;
    println!();
    println!(
        "== {} / {}: {:.1} s (load average after: {}), {} issues, {} first time ({:.1} %)",
        r.setup.name(),
        r.mode.name(),
        r.wall,
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim(),
        t.issues,
        t.issues_ok,
        100.0 * t.issues_ok as f64 / t.issues.max(1) as f64
    );
    for (kind, v) in &t.lat {
        let mut v = v.clone();
        let n = v.len();
        let (p50, p99) = quantiles(&mut v);
        let max = v.last().copied().unwrap_or(f64::NAN);
        println!(
            "  {kind:8} {n:6}  {:6.1}/s  p50 {p50:.3} s  p99 {p99:.3} s  max {max:.3} s",
            n as f64 / r.wall
        );
    }
    for (code, (n, msgs)) in &t.codes {
        println!("  409 {code}: {n}");
        for m in msgs {
            println!("    e.g. {m}");
        }
    }
    println!(
        "  {} re-plans among the drafts; matrices {:?}; {} of {} drafts computed (the rest memo hits, warm-up included); {} releases, {} departs, {} delivers",
        t.replans, t.starts, r.computed, r.drafts, t.releases, t.departs, t.delivers
    );
    println!("  after the run: {}", r.checked);
    println!(
        "  {} unexpected answers, {} 5xx or unanswered",
        t.errors, t.server_errors
    );
    for e in t.first_errors.iter().take(5) {
        println!("    {e}");
    }
    for b in r.broken.iter().take(10) {
        println!("  BROKEN: {b}");
    }
}
