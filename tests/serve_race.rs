//! `reliefflow serve` under concurrent officers, over HTTP on 127.0.0.1 with
//! real stores (issue 32): two servers started at the same instant on one
//! PostgreSQL database (their migrations run under a lock), and one server on
//! SQLite, each driven by 16 client threads with tokens of their own.
//!
//! **What runs.** Seven incidents of the Xicheng scenario, each on 5–10
//! shelters of its own (small, so a draft takes a fraction of a second). On
//! four of them every client makes [`OPS_PER_CLIENT`] random operations:
//! draft, issue (plain and `?on_stale=replan`, of a recent plan that may be a
//! draft, issued, superseded or released), re-plan the live plan and issue the
//! re-plan, release, depart a reserved trip of the live plan, deliver a
//! departed trip; the two clients holding an admin token also count stock (on
//! hand set to what it is plus 1–50) and add a truck to a warehouse. On each of
//! the other three a driver fires races on purpose, the two requests of a pair
//! released by one `Barrier` and sent to different servers (to the one server
//! on SQLite): (a) depart of a trip against release of its plan, and every
//! third round against the issue of a re-plan superseding the plan, with
//! another trip of the plan departed twice at once and delivered twice at
//! once; (b) one draft issued twice at once (plain and `on_stale=replan`
//! mixed), again once it is issued, then released twice at once and issued
//! twice again; (c) release of a plan against the issue of a re-plan of it.
//!
//! **What is checked**, every answer being recorded: no 5xx and no request
//! left without an answer; every status and error code within the contract of
//! its endpoint; at most one issued plan per incident and `live_plan` naming
//! it; the ledger as the warehouses show it against the trips as the plans
//! show them (reserved = units of trips reserved, in transit = units of trips
//! departed, available = on hand − reserved, none negative); units on hand
//! conserved (as at the start, moved by each recount as the server answered
//! it, less every load departed or delivered); no plan given back still
//! holding a reserved trip, no issued plan with a released or unbooked trip;
//! every 2xx durable (an issue's plan issued, superseded or released after,
//! the plan it superseded superseded, a release's plan released, a departed or
//! delivered trip in that state or later; no plan issued or released twice by
//! `already: false`); each race ending in one of the orders it can have, and
//! raced in at least half its rounds (else the run tested little); no truck on
//! two overlapping trips ([`check_bookings`]); every server showing the same
//! state.
//!
//! **Repeatable.** Every choice comes from a xorshift generator seeded from
//! [`SEED`] (printed; `RACE_SEED=…` runs another); the interleaving is the
//! machine's. Every answer is written to a JSON-lines log under
//! `target/tmp`, with the servers' own logs, named in the output.
//!
//! Time does not pass in a run: a trip that departs keeps its truck busy to its
//! planned return hours ahead, and a truck is planned again only after its
//! last return, so the hundred-odd departures of a run would book every truck
//! of the scenario up to the deadlines and later drafts would have no trips
//! (nothing left to race); the same goes for stock, all reserved by the live
//! plans or gone. The fleets and the stock are therefore made [`FLEET_FACTOR`]
//! and [`STOCK_FACTOR`] times as large before the run, but for one item
//! ([`SCARCE`]) left too short for every incident, which drafts compete for.
//!
//! Stocktakes and truck changes are made one at a time by the test: a count set
//! while another admin's count is between its read and its write could set on
//! hand below what is reserved (a real recount may do that), and then
//! "available ≥ 0" would not hold for a reason outside the service.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use common::server::*;

/// The seed of every choice (`RACE_SEED` overrides, decimal or 0x-hex).
const SEED: u64 = 0x0032_5eed_da7a_b10c;
/// Client threads (split over the servers).
const CLIENTS: usize = 16;
/// Random operations per client.
const OPS_PER_CLIENT: usize = 60;
/// Incidents the clients work on.
const INCIDENTS: usize = 4;
/// Rounds of depart against release of the same plan.
const DEPART_RELEASE_ROUNDS: usize = 24;
/// Rounds of depart against the issue of a re-plan superseding the plan.
const DEPART_SUPERSEDE_ROUNDS: usize = 12;
const _: () = assert!(DEPART_RELEASE_ROUNDS == 2 * DEPART_SUPERSEDE_ROUNDS);
/// The fleets at the start, times the scenario's (see the top).
const FLEET_FACTOR: i64 = 8;
/// The stock at the start, times the scenario's, but for [`SCARCE`].
const STOCK_FACTOR: i64 = 8;
/// The item left as the scenario has it: too few for every incident, so drafts
/// compete for it.
const SCARCE: &str = "medical_kit";
/// Rounds of one draft issued twice at once.
const DOUBLE_ISSUE_ROUNDS: usize = 20;
/// Rounds of a release against the issue of a re-plan of the same plan.
const RELEASE_SUPERSEDE_ROUNDS: usize = 12;

/// The 409 codes of `POST /v1/plans/{id}/issue`.
const ISSUE_CONFLICTS: [&str; 7] = [
    "incident_has_plan",
    "stale_draft",
    "incident_changed",
    "inventory_changed",
    "stock_short",
    "truck_busy",
    "wrong_state",
];

/// The 409 codes of `POST /v1/plans/{id}/issue?on_stale=replan`: the stale,
/// stock and truck conflicts are drafted again, `stale_draft` only once the
/// re-drafts ran out.
const REPLAN_CONFLICTS: [&str; 3] = ["incident_has_plan", "stale_draft", "wrong_state"];

/// The two tests one after the other: they share two cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

#[test]
fn two_servers_on_one_postgres() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let t0 = Instant::now();
    let at = postgres();
    let logs = [
        log_path("postgres-server-0.log"),
        log_path("postgres-server-1.log"),
    ];
    // Both at the same instant on a fresh database: both must come up.
    let (a, b) = at_once(
        || start_logged(&at, &logs[0]),
        || start_logged(&at, &logs[1]),
    );
    assert_ne!(a.base, b.base);
    drive("postgres", &at, &[a, b], &logs);
    println!(
        "two_servers_on_one_postgres: {:.1} s",
        t0.elapsed().as_secs_f64()
    );
}

#[test]
fn one_server_on_sqlite() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let t0 = Instant::now();
    let at = sqlite();
    let logs = [log_path("sqlite-server-0.log")];
    let s = start_logged(&at, &logs[0]);
    drive("sqlite", &at, &[s], &logs);
    println!("one_server_on_sqlite: {:.1} s", t0.elapsed().as_secs_f64());
}

fn log_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("serve_race-{name}"))
}

fn seed() -> u64 {
    match std::env::var("RACE_SEED") {
        Ok(s) => {
            let s = s.trim();
            match s.strip_prefix("0x") {
                Some(h) => u64::from_str_radix(h, 16),
                None => s.parse(),
            }
            .expect("RACE_SEED: a number, decimal or 0x-hex")
        }
        Err(_) => SEED,
    }
}

/// xorshift64* on a state mixed from (seed, stream) by splitmix64: one stream
/// per thread, each repeatable.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut z =
            (seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03)).wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        ((self.next() >> 11) % n.max(1) as u64) as usize
    }

    fn pick<T: Clone>(&mut self, xs: &[T]) -> Option<T> {
        (!xs.is_empty()).then(|| xs[self.below(xs.len())].clone())
    }

    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            xs.swap(i, self.below(i + 1));
        }
    }
}

/// `a` and `b` on two threads released at the same instant.
fn at_once<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    let go = Barrier::new(2);
    std::thread::scope(|s| {
        let ha = s.spawn(|| {
            go.wait();
            a()
        });
        let hb = s.spawn(|| {
            go.wait();
            b()
        });
        (ha.join().unwrap(), hb.join().unwrap())
    })
}

/// One answer, as recorded.
struct Answer {
    who: String,
    server: usize,
    method: &'static str,
    path: String,
    status: u16,
    /// The body (drafts without their plan document; 200 reads left out).
    body: Value,
    /// Sent and answered, ms after the start of the run.
    sent_ms: u128,
    done_ms: u128,
}

impl std::fmt::Display for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "[{}–{} ms] {} on server {}: {} {} → {} {}",
            self.sent_ms,
            self.done_ms,
            self.who,
            self.server,
            self.method,
            self.path,
            self.status,
            self.body
        )
    }
}

/// What problems are found, by check.
type Problems = BTreeMap<&'static str, Vec<String>>;

const ANSWERED: &str = "no 5xx and every request answered";
const CONTRACT: &str = "every answer within its endpoint's contract";
const ONE_LIVE: &str = "at most one issued plan per incident, named by live_plan";
const LEDGER: &str = "ledger agrees with the trips";
const CONSERVED: &str = "units on hand conserved";
const TRIP_STATES: &str = "trip states agree with their plan's status";
const DURABLE: &str = "every 2xx is durable";
const RACES: &str = "each race ends in one of its possible orders";
const RACED: &str = "each race was run in at least half its rounds";
const BOOKINGS: &str = "no truck on two overlapping trips";
const SAME_VIEW: &str = "every server shows the same state";

/// The checks, in the order they are asserted.
const CHECKS: [&str; 11] = [
    ANSWERED,
    CONTRACT,
    ONE_LIVE,
    LEDGER,
    CONSERVED,
    TRIP_STATES,
    DURABLE,
    RACES,
    RACED,
    BOOKINGS,
    SAME_VIEW,
];

/// One run: the servers, every answer, what the test knows.
struct Run<'a> {
    servers: &'a [Server],
    t0: Instant,
    log: Mutex<Vec<Answer>>,
    /// Stocktakes and fleet changes, one at a time (see the top).
    inventory: Mutex<()>,
    /// Plan ids seen per incident, in the order seen.
    seen: Mutex<BTreeMap<i64, Vec<i64>>>,
    /// Outcomes of the races found impossible.
    races: Mutex<Vec<String>>,
    /// How the races went: outcome → rounds.
    outcomes: Mutex<BTreeMap<String, usize>>,
    /// Rounds of each race: (raced, planned).
    rounds: Mutex<BTreeMap<&'static str, (usize, usize)>>,
}

impl Run<'_> {
    fn call(
        &self,
        who: &str,
        server: usize,
        tok: &str,
        method: &'static str,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let url = format!("{}{path}", self.servers[server].base);
        let sent_ms = self.t0.elapsed().as_millis();
        let req = ureq::request(method, &url)
            .timeout(Duration::from_secs(120))
            .set("Authorization", &format!("Bearer {tok}"));
        let res = match body {
            Some(b) => req
                .set("Content-Type", "application/json")
                .send_string(&b.to_string()),
            None => req.call(),
        };
        let (status, text) = match res {
            Ok(r) | Err(ureq::Error::Status(_, r)) => {
                let st = r.status();
                let text = r
                    .into_string()
                    .unwrap_or_else(|e| format!("(body unreadable: {e})"));
                (st, text)
            }
            Err(e) => (0, format!("(no answer: {e})")),
        };
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        let kept = if method == "GET" && status == 200 {
            Value::Null
        } else {
            let mut k = v.clone();
            if let Some(o) = k.as_object_mut() {
                // A draft's plan document: only how many trips it has.
                if let Some(plan) = o.get_mut("plan") {
                    *plan = json!({"trips": plan["trips"].as_array().map(Vec::len)});
                }
                o.remove("needs");
                if let Some(d) = o.get_mut("draft") {
                    *d = json!({
                        "plan_id": d["plan_id"],
                        "replaces": d["replaces"],
                        "trips": d["plan"]["trips"].as_array().map(Vec::len),
                    });
                }
            }
            k
        };
        self.log.lock().unwrap().push(Answer {
            who: who.to_string(),
            server,
            method,
            path: path.to_string(),
            status,
            body: kept,
            sent_ms,
            done_ms: self.t0.elapsed().as_millis(),
        });
        (status, v)
    }

    fn saw(&self, incident: i64, plan: i64) {
        let mut seen = self.seen.lock().unwrap();
        let list = seen.entry(incident).or_default();
        if !list.contains(&plan) {
            list.push(plan);
        }
    }

    fn race_problem(&self, what: String) {
        self.races.lock().unwrap().push(what);
    }

    fn outcome(&self, what: String) {
        *self.outcomes.lock().unwrap().entry(what).or_default() += 1;
    }

    /// A round of `race` planned, and whether it was raced.
    fn round(&self, race: &'static str, raced: bool) {
        let mut r = self.rounds.lock().unwrap();
        let e = r.entry(race).or_default();
        e.0 += usize::from(raced);
        e.1 += 1;
    }
}

/// A client: a token of its own on one server.
struct Actor<'r, 'a> {
    run: &'r Run<'a>,
    who: String,
    server: usize,
    tok: String,
    admin: Option<String>,
    rng: Rng,
}

impl<'r, 'a> Actor<'r, 'a> {
    /// The same client on another server (for the other side of a race).
    fn on(&self, server: usize) -> Actor<'r, 'a> {
        Actor {
            run: self.run,
            who: self.who.clone(),
            server: server % self.run.servers.len(),
            tok: self.tok.clone(),
            admin: self.admin.clone(),
            rng: Rng::new(self.rng.0, 0),
        }
    }

    fn post(&self, path: &str) -> (u16, Value) {
        self.run
            .call(&self.who, self.server, &self.tok, "POST", path, None)
    }

    fn get(&self, path: &str) -> Option<Value> {
        let (st, v) = self
            .run
            .call(&self.who, self.server, &self.tok, "GET", path, None);
        (st == 200).then_some(v)
    }

    fn admin(&self, method: &'static str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let tok = self.admin.as_deref().expect("an admin token");
        self.run
            .call(&self.who, self.server, tok, method, path, body)
    }

    fn draft(&self, incident: i64) -> Option<i64> {
        let (st, v) = self.post(&format!("/v1/incidents/{incident}/plans"));
        let p = v["plan_id"].as_i64().filter(|_| st == 201)?;
        self.run.saw(incident, p);
        Some(p)
    }

    fn replan(&self, plan: i64) -> Option<i64> {
        let (st, v) = self.post(&format!("/v1/plans/{plan}/replan"));
        let p = v["plan_id"].as_i64().filter(|_| st == 201)?;
        self.run.saw(v["incident_id"].as_i64().unwrap_or(0), p);
        Some(p)
    }

    fn issue(&self, plan: i64, replan: bool) -> (u16, Value) {
        let q = if replan { "?on_stale=replan" } else { "" };
        let (st, v) = self.post(&format!("/v1/plans/{plan}/issue{q}"));
        if let (200, Some(i), Some(p)) = (st, v["incident_id"].as_i64(), v["plan_id"].as_i64()) {
            self.run.saw(i, p);
        }
        (st, v)
    }

    fn release(&self, plan: i64) -> (u16, Value) {
        self.post(&format!("/v1/plans/{plan}/release"))
    }

    fn advance(&self, plan: i64, trip: i64, to: &str) -> (u16, Value) {
        self.post(&format!("/v1/plans/{plan}/trips/{trip}/{to}"))
    }

    fn live(&self, incident: i64) -> Option<i64> {
        self.get(&format!("/v1/incidents/{incident}"))?["live_plan"].as_i64()
    }

    fn trips(&self, plan: i64) -> Vec<Value> {
        self.get(&format!("/v1/plans/{plan}/trips"))
            .and_then(|v| v["trips"].as_array().cloned())
            .unwrap_or_default()
    }

    fn trips_in(&self, plan: i64, state: &str) -> Vec<i64> {
        self.trips(plan)
            .iter()
            .filter(|t| t["state"] == state)
            .filter_map(|t| t["trip"].as_i64())
            .collect()
    }

    /// A draft issued with `on_stale=replan`: the plan issued.
    fn fresh_issue(&self, incident: i64) -> Option<i64> {
        let d = self.draft(incident)?;
        let (st, v) = self.issue(d, true);
        v["plan_id"].as_i64().filter(|_| st == 200)
    }

    /// One of the incident's last plans seen (any status), else a new draft.
    fn recent_plan(&mut self, incident: i64) -> Option<i64> {
        let recent: Vec<i64> = {
            let seen = self.run.seen.lock().unwrap();
            let all = seen.get(&incident).cloned().unwrap_or_default();
            all[all.len().saturating_sub(4)..].to_vec()
        };
        match self.rng.pick(&recent) {
            Some(p) => Some(p),
            None => self.draft(incident),
        }
    }

    /// One random operation on one of `incidents`.
    fn step(&mut self, incidents: &[i64]) {
        let inc = self.rng.pick(incidents).unwrap();
        let admin_ops = if self.admin.is_some() { 3 } else { 0 };
        match self.rng.below(18 + admin_ops) {
            0..=2 => {
                self.draft(inc);
            }
            3..=4 => {
                if let Some(p) = self.recent_plan(inc) {
                    self.issue(p, false);
                }
            }
            5..=6 => {
                if let Some(p) = self.recent_plan(inc) {
                    self.issue(p, true);
                }
            }
            7..=8 => match self.live(inc) {
                Some(live) => {
                    if let Some(r) = self.replan(live) {
                        let replan = self.rng.below(2) == 0;
                        self.issue(r, replan);
                    }
                }
                None => {
                    self.fresh_issue(inc);
                }
            },
            9..=10 => {
                let p = if self.rng.below(3) > 0 {
                    self.live(inc)
                } else {
                    self.recent_plan(inc)
                };
                if let Some(p) = p {
                    self.release(p);
                }
            }
            11..=13 => match self.live(inc) {
                Some(live) => {
                    let reserved = self.trips_in(live, "reserved");
                    if let Some(t) = self.rng.pick(&reserved) {
                        self.advance(live, t, "depart");
                    }
                }
                None => {
                    self.fresh_issue(inc);
                }
            },
            14..=15 => {
                let Some(list) = self.get(&format!("/v1/incidents/{inc}/plans")) else {
                    return;
                };
                let mut given: Vec<i64> = list["plans"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["status"] != "draft")
                    .filter_map(|p| p["plan_id"].as_i64())
                    .collect();
                self.rng.shuffle(&mut given);
                for p in given.into_iter().take(3) {
                    let departed = self.trips_in(p, "departed");
                    if let Some(t) = self.rng.pick(&departed) {
                        self.advance(p, t, "deliver");
                        break;
                    }
                }
            }
            16..=17 => {
                self.fresh_issue(inc);
            }
            18..=19 => {
                let _one = self.run.inventory.lock().unwrap();
                let (st, v) = self.admin("GET", "/v1/warehouses", None);
                if st != 200 {
                    return;
                }
                let stock: Vec<(String, String, i64)> = v["warehouses"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|w| {
                        let id = w["id"].as_str().unwrap_or("").to_string();
                        w["stock"]
                            .as_object()
                            .into_iter()
                            .flatten()
                            .map(move |(item, l)| {
                                (id.clone(), item.clone(), l["on_hand"].as_i64().unwrap_or(0))
                            })
                    })
                    .collect();
                if let Some((w, item, on_hand)) = self.rng.pick(&stock) {
                    let more = 1 + self.rng.below(50) as i64;
                    let body =
                        json!({"item": item, "on_hand": on_hand + more, "note": "race: recount"});
                    self.admin(
                        "POST",
                        &format!("/v1/warehouses/{w}/stocktake"),
                        Some(&body),
                    );
                }
            }
            _ => {
                let _one = self.run.inventory.lock().unwrap();
                let (st, v) = self.admin("GET", "/v1/warehouses", None);
                if st != 200 {
                    return;
                }
                let fleets: Vec<(String, i64)> = v["warehouses"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|w| {
                        (
                            w["id"].as_str().unwrap_or("").to_string(),
                            w["trucks"].as_i64().unwrap_or(0),
                        )
                    })
                    .collect();
                if let Some((w, trucks)) = self.rng.pick(&fleets) {
                    let body = json!({"trucks": trucks + 1, "note": "race: one more truck"});
                    self.admin("PATCH", &format!("/v1/warehouses/{w}"), Some(&body));
                }
            }
        }
    }
}

/// A plan of `incident` issued with reserved trips: (plan, its reserved trips
/// shuffled), after up to eight tries (other officers may take the trucks
/// first, or change a fleet).
fn issued_with_trips(x: &mut Actor, incident: i64) -> Option<(i64, Vec<i64>)> {
    for _ in 0..8 {
        if let Some(live) = x.live(incident) {
            x.release(live);
        }
        let Some(p) = x.fresh_issue(incident) else {
            continue;
        };
        let mut reserved = x.trips_in(p, "reserved");
        if !reserved.is_empty() {
            x.rng.shuffle(&mut reserved);
            return Some((p, reserved));
        }
        x.release(p);
    }
    None
}

/// `what` (depart or deliver) of one trip sent twice at once, from two servers:
/// exactly one is done, the other is `wrong_state`.
fn twice(x: &Actor, y: &Actor, plan: i64, trip: i64, what: &str) {
    let (a, b) = at_once(
        || x.advance(plan, trip, what),
        || y.advance(plan, trip, what),
    );
    let race = if what == "depart" {
        "depart twice"
    } else {
        "deliver twice"
    };
    x.run.round(race, true);
    let done = [&a, &b].iter().filter(|r| r.0 == 200).count();
    let refused = [&a, &b]
        .iter()
        .filter(|r| r.0 == 409 && r.1["code"] == "wrong_state")
        .count();
    x.run
        .outcome(format!("{race}: {done} done, {refused} wrong_state"));
    if (done, refused) != (1, 1) {
        x.run.race_problem(format!(
            "{race}: plan {plan} trip {trip}: {} {} / {} {}: exactly one should be done",
            a.0, a.1, b.0, b.1
        ));
    }
}

/// Race (a): depart of a trip against release of its plan, every third round
/// against the issue of a re-plan that supersedes it (the two requests on two
/// servers); in the release rounds another trip of the plan is first departed
/// twice at once and delivered twice at once.
fn depart_against_release(mut x: Actor, incident: i64) {
    let run = x.run;
    let y = x.on(x.server + 1);
    for round in 0..DEPART_RELEASE_ROUNDS + DEPART_SUPERSEDE_ROUNDS {
        // Every third round against a supersede: spread over the run.
        let supersede = round % 3 == 2;
        let race = if supersede {
            "depart/supersede"
        } else {
            "depart/release"
        };
        let Some((p, trips)) = issued_with_trips(&mut x, incident) else {
            run.outcome(format!(
                "{race}: round not raced (no plan with a reserved trip)"
            ));
            run.round(race, false);
            continue;
        };
        let t = trips[0];
        if let (false, Some(&t2)) = (supersede, trips.get(1)) {
            // Another trip of the plan departs and arrives, each sent twice.
            twice(&x, &y, p, t2, "depart");
            twice(&x, &y, p, t2, "deliver");
        }
        let replan = if supersede {
            match x.replan(p) {
                Some(r) => Some(r),
                None => {
                    run.outcome(format!("{race}: round not raced (re-plan refused)"));
                    run.round(race, false);
                    continue;
                }
            }
        } else {
            None
        };
        run.round(race, true);
        let (dep, other) = at_once(
            || x.advance(p, t, "depart"),
            || match replan {
                Some(r) => y.issue(r, false),
                None => y.release(p),
            },
        );
        let state = x
            .trips(p)
            .iter()
            .find(|v| v["trip"] == t)
            .map(|v| v["state"].as_str().unwrap_or("(none)").to_string())
            .unwrap_or_else(|| "(missing)".into());
        let name = |st: u16, v: &Value| {
            if st == 200 {
                "ok".to_string()
            } else {
                format!("{st} {}", v["code"].as_str().unwrap_or("?"))
            }
        };
        run.outcome(format!(
            "{race}: depart {}, {} {}, trip {state}",
            name(dep.0, &dep.1),
            if supersede { "issue" } else { "release" },
            name(other.0, &other.1)
        ));
        let what = || {
            format!(
                "{race} round {round}: plan {p} trip {t}{}: depart → {} {}; {} → {} {}; trip after: {state}",
                replan.map_or(String::new(), |r| format!(", re-plan {r}")),
                dep.0,
                dep.1,
                if supersede { "issue" } else { "release" },
                other.0,
                other.1
            )
        };
        let departed = dep.0 == 200;
        if !(departed || dep.0 == 409 && dep.1["code"] == "wrong_state") {
            run.race_problem(format!("{}: depart neither done nor wrong_state", what()));
        }
        if supersede {
            // The re-plan may be refused (its trip gone, a truck taken), but
            // the depart is refused only if the supersede released the trip.
            if !departed && other.0 != 200 {
                run.race_problem(format!(
                    "{}: depart refused though nothing released the trip",
                    what()
                ));
            }
            if other.0 != 200
                && !(other.0 == 409
                    && ISSUE_CONFLICTS.contains(&other.1["code"].as_str().unwrap_or("")))
            {
                run.race_problem(format!("{}: issue neither done nor a 409 of issue", what()));
            }
        } else if other.0 != 200 || other.1["already"] != false {
            run.race_problem(format!(
                "{}: the release of an issued plan is not a first release",
                what()
            ));
        }
        let want = if departed { "departed" } else { "released" };
        if state != want {
            run.race_problem(format!("{}: the trip should be {want}", what()));
        }
        if departed && round % 2 == 0 {
            x.advance(p, t, "deliver");
        }
        if let Some(live) = x.live(incident) {
            x.release(live);
        }
    }
}

/// Race (c): the release of a plan against the issue of a re-plan of it (plain
/// and `on_stale=replan` in turn), on two servers: the plan ends released or
/// superseded, never both, and whichever lost says so.
fn release_against_supersede(mut x: Actor, incident: i64) {
    let run = x.run;
    let y = x.on(x.server + 1);
    for round in 0..RELEASE_SUPERSEDE_ROUNDS {
        let auto = round % 2 == 1;
        let race = "release/supersede";
        let pair = issued_with_trips(&mut x, incident).and_then(|(p, _)| Some((p, x.replan(p)?)));
        run.round(race, pair.is_some());
        let Some((p, r)) = pair else {
            run.outcome(format!(
                "{race}: round not raced (no plan, or re-plan refused)"
            ));
            continue;
        };
        let (rel, iss) = at_once(|| x.release(p), || y.issue(r, auto));
        let status = x
            .get(&format!("/v1/plans/{p}"))
            .map_or(Value::Null, |v| v["status"].clone());
        let what = format!(
            "{race} round {round}: plan {p}, re-plan {r}: release → {} {}; issue{} → {} {}; \
             plan {p} after: {status}",
            rel.0,
            rel.1,
            if auto { "?on_stale=replan" } else { "" },
            iss.0,
            iss.1
        );
        let released = rel.0 == 200 && rel.1["already"] == false;
        let superseded = iss.0 == 200 && iss.1["superseded"] == p;
        run.outcome(format!(
            "{race}{}: {}",
            if auto { " (on_stale=replan)" } else { "" },
            match (released, superseded) {
                (true, false) => "released first",
                (false, true) => "superseded first",
                (true, true) => "both",
                (false, false) => "neither",
            }
        ));
        let code = |v: &Value| v["code"].as_str().unwrap_or("").to_string();
        let fine = match (released, superseded) {
            // Released first: the re-plan is stale (it re-plans a plan no
            // longer issued), or was refused before for its stock or trucks;
            // with on_stale=replan a new draft is issued, or the re-drafts ran
            // out.
            (true, false) => {
                status == "released"
                    && if auto {
                        (iss.0 == 200
                            && iss.1["replanned_from"] == r
                            && iss.1["superseded"].is_null())
                            || (iss.0 == 409 && code(&iss.1) == "stale_draft")
                    } else {
                        iss.0 == 409
                            && [
                                "stale_draft",
                                "truck_busy",
                                "stock_short",
                                "inventory_changed",
                                "incident_changed",
                            ]
                            .contains(&code(&iss.1).as_str())
                    }
            }
            // Superseded first: the release finds it superseded.
            (false, true) => {
                status == "superseded" && rel.0 == 409 && code(&rel.1) == "wrong_state"
            }
            _ => false,
        };
        if !fine {
            run.race_problem(format!("{what}: not one of the two orders"));
        }
        if let Some(live) = x.live(incident) {
            x.release(live);
        }
    }
}

/// Race (b): one draft issued twice at once from two servers (plain and
/// `on_stale=replan` mixed), again once issued, and after a release made twice
/// at once.
fn double_issue(x: Actor, incident: i64) {
    let run = x.run;
    let y = x.on(x.server + 1);
    let kinds = [(false, false), (false, true), (true, true), (true, false)];
    for round in 0..DOUBLE_ISSUE_ROUNDS {
        // Other officers may take the trucks first: a few tries, each a pair.
        let w = (0..4).find_map(|k| issue_twice(&x, &y, incident, round, k, kinds[round % 4]));
        run.round("double issue", w.is_some());
        let Some(w) = w else {
            continue;
        };
        let what = |step: &str, a: &(u16, Value), b: &(u16, Value), ka: &str, kb: &str| {
            format!(
                "double issue round {round}, plan {w}, {step}: {ka} → {} {}; {kb} → {} {}",
                a.0, a.1, b.0, b.1
            )
        };
        // Issued: issuing again answers it, or is wrong_state with on_stale.
        let (a, b) = at_once(|| x.issue(w, false), || y.issue(w, true));
        let again = what(
            "again once issued",
            &a,
            &b,
            "issue",
            "issue?on_stale=replan",
        );
        if !(a.0 == 200 && a.1["plan_id"] == w && a.1["already"] == true) {
            run.race_problem(format!(
                "{again}: the plain issue should answer plan {w} with already: true"
            ));
        }
        if !(b.0 == 409 && b.1["code"] == "wrong_state") {
            run.race_problem(format!(
                "{again}: on_stale=replan on an issued plan should be wrong_state"
            ));
        }
        if round % 2 == 1 {
            // Kept live: the next round's draft is a re-plan of it.
            continue;
        }
        let (a, b) = at_once(|| x.release(w), || y.release(w));
        let rel = what("released twice at once", &a, &b, "release", "release");
        let firsts = [&a, &b]
            .iter()
            .filter(|r| r.0 == 200 && r.1["already"] == false)
            .count();
        run.outcome(format!("release twice: {firsts} first release(s)"));
        if a.0 != 200 || b.0 != 200 || firsts != 1 {
            run.race_problem(format!("{rel}: both 200, exactly one with already: false"));
        }
        let (a, b) = at_once(|| x.issue(w, false), || y.issue(w, true));
        let after = what(
            "after the release",
            &a,
            &b,
            "issue",
            "issue?on_stale=replan",
        );
        if !(a.0 == 409
            && a.1["code"] == "wrong_state"
            && b.0 == 409
            && b.1["code"] == "wrong_state")
        {
            run.race_problem(format!("{after}: both should be wrong_state"));
        }
    }
}

/// A new draft of `incident` issued from both servers at once (`kinds`: which
/// side asks `on_stale=replan`); the plan issued, if either issued one.
fn issue_twice(
    x: &Actor,
    y: &Actor,
    incident: i64,
    round: usize,
    attempt: usize,
    (ra, rb): (bool, bool),
) -> Option<i64> {
    let run = x.run;
    let name = |r: bool| if r { "issue?on_stale=replan" } else { "issue" };
    let Some(d) = x.draft(incident) else {
        run.outcome("double issue: draft refused".into());
        return None;
    };
    let (a, b) = at_once(|| x.issue(d, ra), || y.issue(d, rb));
    let first = format!(
        "double issue round {round} try {attempt}, draft {d}: {} → {} {}; {} → {} {}",
        name(ra),
        a.0,
        a.1,
        name(rb),
        b.0,
        b.1
    );
    let issued: Vec<&Value> = [&a, &b]
        .into_iter()
        .filter(|r| r.0 == 200)
        .map(|r| &r.1)
        .collect();
    let firsts_of_d = issued
        .iter()
        .filter(|v| v["plan_id"] == d && v["already"] == false)
        .count();
    let names_d = issued.iter().filter(|v| v["plan_id"] == d).count();
    if names_d > 0 && firsts_of_d != 1 {
        run.race_problem(format!(
            "{first}: {firsts_of_d} answers say they issued the draft (1 expected)"
        ));
    }
    let won: Vec<&&Value> = issued.iter().filter(|v| v["already"] == false).collect();
    // Two plans issued by the pair (a draft stale for one side only, re-drafted
    // on top of the other's) only if one superseded the other.
    let mut winners: BTreeSet<i64> = won.iter().filter_map(|v| v["plan_id"].as_i64()).collect();
    if let [p, q] = won[..] {
        if p["superseded"] == q["plan_id"] {
            winners.remove(&q["plan_id"].as_i64().unwrap_or(0));
        } else if q["superseded"] == p["plan_id"] {
            winners.remove(&p["plan_id"].as_i64().unwrap_or(0));
        }
    }
    if winners.len() > 1 {
        run.race_problem(format!(
            "{first}: two plans issued for one incident at once, neither superseding the other"
        ));
    }
    for (r, v) in [(ra, &a), (rb, &b)] {
        let code = v.1["code"].as_str().unwrap_or("");
        let fine = v.0 == 200
            || (v.0 == 409 && ISSUE_CONFLICTS.contains(&code))
                && (!r || REPLAN_CONFLICTS.contains(&code));
        if !fine {
            run.race_problem(format!("{first}: an answer outside the contract"));
        }
    }
    let short = |v: &(u16, Value)| {
        if v.0 == 200 {
            if v.1["plan_id"] == d {
                if v.1["already"] == true {
                    "already"
                } else {
                    "issued"
                }
            } else {
                "re-planned"
            }
        } else {
            v.1["code"].as_str().unwrap_or("?")
        }
        .to_string()
    };
    run.outcome(format!(
        "double issue ({}, {}): {} / {}",
        name(ra),
        name(rb),
        short(&a),
        short(&b)
    ));
    winners.into_iter().next()
}

/// The whole run on `servers` sharing the store `at`.
fn drive(store: &str, at: &Place, servers: &[Server], server_logs: &[PathBuf]) {
    let seed = seed();
    let t0 = Instant::now();
    println!(
        "serve_race on {store}: seed {seed:#x} (RACE_SEED=… for another), {} server(s), \
         {CLIENTS} clients × {OPS_PER_CLIENT} operations, {INCIDENTS} + 3 incidents",
        servers.len()
    );
    let officers: Vec<String> = (0..CLIENTS + 4).map(|_| token(at, "officer")).collect();
    let admins: Vec<String> = (0..2).map(|_| token(at, "admin")).collect();
    let run = Run {
        servers,
        t0,
        log: Mutex::new(Vec::new()),
        inventory: Mutex::new(()),
        seen: Mutex::new(BTreeMap::new()),
        races: Mutex::new(Vec::new()),
        outcomes: Mutex::new(BTreeMap::new()),
        rounds: Mutex::new(BTreeMap::new()),
    };
    let actor = |who: String, server: usize, k: usize, admin: Option<String>| Actor {
        run: &run,
        who,
        server: server % servers.len(),
        tok: officers[k].clone(),
        admin,
        rng: Rng::new(seed, k as u64 + 1),
    };
    // Incidents on disjoint shelter sets of 5–10 shelters.
    let setup = actor("setup".into(), 0, CLIENTS + 3, None);
    let mut rng = Rng::new(seed, 0);
    let mut shelters: Vec<String> = setup.get("/v1/shelters").expect("GET /v1/shelters")
        ["shelters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    rng.shuffle(&mut shelters);
    let mut incidents = Vec::new();
    for k in 0..INCIDENTS + 3 {
        let n = 5 + rng.below(6);
        let mine: Vec<String> = shelters.drain(..n).collect();
        let body = json!({"name": format!("race {}", k + 1), "shelters": mine});
        let (st, v) = run.call("setup", 0, &setup.tok, "POST", "/v1/incidents", Some(&body));
        assert_eq!(st, 201, "{v}");
        incidents.push(v["id"].as_i64().unwrap());
    }
    let (work, ra, rb, rc) = (
        incidents[..INCIDENTS].to_vec(),
        incidents[INCIDENTS],
        incidents[INCIDENTS + 1],
        incidents[INCIDENTS + 2],
    );
    println!(
        "incidents: {work:?} random, {ra} depart/release, {rb} double issue, \
         {rc} release/supersede"
    );
    let before = setup.get("/v1/warehouses").expect("GET /v1/warehouses");
    for w in before["warehouses"].as_array().unwrap() {
        let id = w["id"].as_str().unwrap();
        let trucks = w["trucks"].as_i64().unwrap() * FLEET_FACTOR;
        let body = json!({"trucks": trucks, "note": "race: time does not pass"});
        let path = format!("/v1/warehouses/{id}");
        let (st, v) = run.call("setup", 0, &admins[0], "PATCH", &path, Some(&body));
        assert_eq!(st, 200, "{v}");
        for (item, l) in w["stock"].as_object().unwrap() {
            if item == SCARCE {
                continue;
            }
            let on_hand = l["on_hand"].as_i64().unwrap() * STOCK_FACTOR;
            let body =
                json!({"item": item, "on_hand": on_hand, "note": "race: time does not pass"});
            let path = format!("/v1/warehouses/{id}/stocktake");
            let (st, v) = run.call("setup", 0, &admins[0], "POST", &path, Some(&body));
            assert_eq!(st, 200, "{v}");
        }
    }
    let initial = setup.get("/v1/warehouses").expect("GET /v1/warehouses");
    std::thread::scope(|s| {
        for c in 0..CLIENTS {
            let admin = admins.get(c).cloned();
            let mut me = actor(format!("client {c}"), c, c, admin);
            let work = &work;
            s.spawn(move || {
                for _ in 0..OPS_PER_CLIENT {
                    me.step(work);
                }
            });
        }
        let x = actor("depart/release".into(), 0, CLIENTS, None);
        s.spawn(move || depart_against_release(x, ra));
        let x = actor("double issue".into(), 0, CLIENTS + 1, None);
        s.spawn(move || double_issue(x, rb));
        let x = actor("release/supersede".into(), 0, CLIENTS + 2, None);
        s.spawn(move || release_against_supersede(x, rc));
    });
    let busy = t0.elapsed();
    let mut problems = settle(&run, &setup, &incidents, &initial);
    problems
        .entry(RACES)
        .or_default()
        .extend(run.races.lock().unwrap().drain(..));
    for (race, &(raced, rounds)) in run.rounds.lock().unwrap().iter() {
        if 2 * raced < rounds {
            problems
                .entry(RACED)
                .or_default()
                .push(format!("{race}: raced in {raced} of {rounds} rounds"));
        }
    }
    report(store, &run, &problems, server_logs, busy);
    for check in CHECKS {
        let found = problems.get(check).map_or(&[][..], |v| &v[..]);
        assert!(
            found.is_empty(),
            "{store}, seed {seed:#x}: {check}: {} problem(s), the first:\n{}",
            found.len(),
            found[0]
        );
    }
}

/// The final state, read once every thread is done, checked against itself and
/// against every answer given.
fn settle(run: &Run, me: &Actor, incidents: &[i64], initial: &Value) -> Problems {
    let mut problems = Problems::new();
    let mut add = |check: &'static str, what: String| problems.entry(check).or_default().push(what);
    // Every answer: a status, no 5xx, within its endpoint's contract.
    for a in run.log.lock().unwrap().iter() {
        if a.status == 0 || a.status >= 500 {
            add(ANSWERED, a.to_string());
        } else if !in_contract(a) {
            add(CONTRACT, a.to_string());
        }
    }
    // Plans by incident; the live plan.
    let mut status: BTreeMap<i64, String> = BTreeMap::new();
    let mut views = Vec::new();
    for &i in incidents {
        let Some(list) = me.get(&format!("/v1/incidents/{i}/plans")) else {
            add(ANSWERED, format!("GET /v1/incidents/{i}/plans failed"));
            continue;
        };
        let live = me
            .get(&format!("/v1/incidents/{i}"))
            .map(|v| v["live_plan"].clone());
        let plans = list["plans"].as_array().cloned().unwrap_or_default();
        let issued: Vec<i64> = plans
            .iter()
            .filter(|p| p["status"] == "issued")
            .filter_map(|p| p["plan_id"].as_i64())
            .collect();
        if issued.len() > 1 {
            add(
                ONE_LIVE,
                format!("incident {i}: plans {issued:?} are all issued"),
            );
        }
        let want = issued.first().map_or(Value::Null, |&p| json!(p));
        if list["live_plan"] != want || live.as_ref() != Some(&want) {
            add(
                ONE_LIVE,
                format!(
                    "incident {i}: issued {issued:?}, live_plan {} in its plans, {:?} in the incident",
                    list["live_plan"], live
                ),
            );
        }
        for p in &plans {
            if p["live"] != json!(p["plan_id"] == want) {
                add(
                    ONE_LIVE,
                    format!("incident {i}: plan {p} says live wrongly (live plan {want})"),
                );
            }
            if let (Some(id), Some(st)) = (p["plan_id"].as_i64(), p["status"].as_str()) {
                status.insert(id, st.to_string());
            }
        }
        views.push((i, list));
    }
    // Trips of every plan not a draft; what they hold.
    let mut trips: BTreeMap<(i64, i64), String> = BTreeMap::new();
    // Units of trips (reserved, departed, departed or delivered).
    let mut held: BTreeMap<(String, String), [i64; 3]> = BTreeMap::new();
    let given: Vec<i64> = status
        .iter()
        .filter(|(_, st)| *st != "draft")
        .map(|(&p, _)| p)
        .collect();
    for &p in &given {
        let st = &status[&p];
        for t in me.trips(p) {
            let trip = t["trip"].as_i64().unwrap_or(-1);
            let Some(state) = t["state"].as_str() else {
                add(
                    TRIP_STATES,
                    format!("plan {p} ({st}): trip {trip} has no booking"),
                );
                continue;
            };
            let wrong = match st.as_str() {
                "issued" => state == "released",
                "superseded" | "released" => state == "reserved",
                _ => true,
            };
            if wrong {
                add(
                    TRIP_STATES,
                    format!("plan {p} ({st}): trip {trip} is {state}"),
                );
            }
            trips.insert((p, trip), state.to_string());
            let slots: &[usize] = match state {
                "reserved" => &[0],
                "departed" => &[1, 2],
                "delivered" => &[2],
                _ => continue,
            };
            let w = t["warehouse_id"].as_str().unwrap_or("").to_string();
            for l in t["lines"].as_array().into_iter().flatten() {
                let item = l["item"].as_str().unwrap_or("").to_string();
                let units = l["units"].as_i64().unwrap_or(0);
                let e = held.entry((w.clone(), item)).or_default();
                for &k in slots {
                    e[k] += units;
                }
            }
        }
    }
    let stock = me.get("/v1/warehouses").expect("GET /v1/warehouses");
    for w in stock["warehouses"].as_array().into_iter().flatten() {
        let l = &w["stock"]["water"];
        println!(
            "at the end, {}: {} trucks; water on hand {}, reserved {}, in transit {}",
            w["id"], w["trucks"], l["on_hand"], l["reserved"], l["in_transit"]
        );
    }
    // Recounts as the server answered them: (on hand before, after).
    let mut recounts: BTreeMap<(String, String), Vec<(i64, i64)>> = BTreeMap::new();
    for a in run.log.lock().unwrap().iter() {
        if a.status == 200 && a.path.ends_with("/stocktake") && a.who != "setup" {
            let b = &a.body;
            recounts
                .entry((
                    b["warehouse_id"].as_str().unwrap_or("").to_string(),
                    b["item"].as_str().unwrap_or("").to_string(),
                ))
                .or_default()
                .push((
                    b["on_hand_before"].as_i64().unwrap_or(0),
                    b["on_hand"].as_i64().unwrap_or(0),
                ));
        }
    }
    // The ledger as the warehouses show it.
    let mut shown = BTreeSet::new();
    for w in stock["warehouses"].as_array().into_iter().flatten() {
        let id = w["id"].as_str().unwrap_or("");
        for (item, l) in w["stock"].as_object().into_iter().flatten() {
            let n = |k: &str| l[k].as_i64().unwrap_or(i64::MIN);
            let (on_hand, reserved, in_transit, available) =
                (n("on_hand"), n("reserved"), n("in_transit"), n("available"));
            let key = (id.to_string(), item.clone());
            let [r, d, gone] = held.get(&key).copied().unwrap_or_default();
            // On hand: as at the start, moved by each recount (the server's
            // own before and after), less every load that left.
            let first = initial["warehouses"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|x| x["id"] == id)
                .map_or(0, |x| {
                    x["stock"][item.as_str()]["on_hand"].as_i64().unwrap_or(0)
                });
            let counted: i64 = recounts
                .get(&key)
                .map_or(0, |v| v.iter().map(|(b, a)| a - b).sum());
            if on_hand != first + counted - gone {
                add(
                    CONSERVED,
                    format!(
                        "{id} {item}: on hand {on_hand}; at the start {first}, recounts {:?} \
                         (before, after), {gone} units departed: {} expected",
                        recounts.get(&key).cloned().unwrap_or_default(),
                        first + counted - gone
                    ),
                );
            }
            shown.insert(key);
            let bad = reserved != r
                || in_transit != d
                || available != on_hand - reserved
                || on_hand < 0
                || reserved < 0
                || in_transit < 0
                || available < 0;
            if bad {
                add(
                    LEDGER,
                    format!(
                        "{id} {item}: on hand {on_hand}, reserved {reserved} (trips reserved: {r}), \
                         in transit {in_transit} (trips departed: {d}), available {available}"
                    ),
                );
            }
        }
    }
    for (k, v) in &held {
        if !shown.contains(k) && v != &[0, 0, 0] {
            add(
                LEDGER,
                format!("{k:?}: trips hold {v:?}, the warehouses show no such stock"),
            );
        }
    }
    // Every 2xx durable.
    let mut firsts: BTreeMap<(&str, i64), usize> = BTreeMap::new();
    let log = run.log.lock().unwrap();
    for a in log.iter().filter(|a| a.method == "POST" && a.status == 200) {
        let parts: Vec<&str> = a.path.split(['/', '?']).collect();
        // ["", "v1", "plans", id, action, …]
        if parts.get(2) != Some(&"plans") {
            continue;
        }
        let id: i64 = parts[3].parse().unwrap_or(0);
        let now = |p: i64| status.get(&p).map_or("(unknown)", String::as_str);
        match parts.get(4).copied() {
            Some("issue") => {
                let p = a.body["plan_id"].as_i64().unwrap_or(0);
                if !["issued", "superseded", "released"].contains(&now(p))
                    || a.body["status"] != "issued"
                {
                    add(DURABLE, format!("{a}: plan {p} is {} now", now(p)));
                }
                if let Some(old) = a.body["superseded"].as_i64() {
                    if now(old) != "superseded" {
                        add(DURABLE, format!("{a}: plan {old} is {} now", now(old)));
                    }
                }
                if a.body["already"] == false {
                    *firsts.entry(("issued", p)).or_default() += 1;
                }
            }
            Some("release") => {
                if now(id) != "released" {
                    add(DURABLE, format!("{a}: plan {id} is {} now", now(id)));
                }
                if a.body["already"] == false {
                    *firsts.entry(("released", id)).or_default() += 1;
                }
            }
            Some("trips") => {
                let trip: i64 = parts.get(5).and_then(|t| t.parse().ok()).unwrap_or(0);
                let state = trips
                    .get(&(id, trip))
                    .map_or("(no booking)", String::as_str);
                let ok: &[&str] = match parts.get(6).copied() {
                    Some("depart") => &["departed", "delivered"],
                    _ => &["delivered"],
                };
                if !ok.contains(&state) {
                    add(DURABLE, format!("{a}: the trip is {state} now"));
                }
            }
            _ => {}
        }
    }
    for ((what, p), n) in firsts {
        if n > 1 {
            let answers: Vec<String> = log
                .iter()
                .filter(|a| a.status == 200 && a.body["plan_id"] == p && a.body["already"] == false)
                .filter(|a| {
                    a.path.contains(if what == "issued" {
                        "/issue"
                    } else {
                        "/release"
                    })
                })
                .map(|a| a.to_string())
                .collect();
            add(
                DURABLE,
                format!(
                    "plan {p} {what} {n} times (already: false):\n  {}",
                    answers.join("\n  ")
                ),
            );
        }
    }
    drop(log);
    // No truck on two overlapping trips.
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        check_bookings(&run.servers[0], &me.tok, &given)
    }));
    if let Err(e) = r {
        let msg = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        add(BOOKINGS, msg);
    }
    // Every server shows the same.
    for k in 1..run.servers.len() {
        let other = me.on(k);
        if other.get("/v1/warehouses") != Some(stock.clone()) {
            add(
                SAME_VIEW,
                format!("server {k} shows other warehouses than server 0"),
            );
        }
        for (i, v) in &views {
            if other.get(&format!("/v1/incidents/{i}/plans")).as_ref() != Some(v) {
                add(
                    SAME_VIEW,
                    format!("server {k} shows other plans of incident {i} than server 0"),
                );
            }
        }
    }
    problems
}

/// True when an answer is one its endpoint may give.
fn in_contract(a: &Answer) -> bool {
    let parts: Vec<&str> = a.path.split(['/', '?']).collect();
    let code = a.body["code"].as_str().unwrap_or("");
    let conflict = |codes: &[&str]| a.status == 409 && codes.contains(&code);
    match (
        a.method,
        parts.get(2).copied(),
        parts.get(4).copied(),
        parts.get(6).copied(),
    ) {
        ("GET", ..) => a.status == 200,
        ("POST", Some("incidents"), None, _) => a.status == 201,
        ("POST", Some("incidents"), Some("plans"), _) => a.status == 201,
        ("POST", Some("plans"), Some("replan"), _) => a.status == 201 || conflict(&["wrong_state"]),
        ("POST", Some("plans"), Some("issue"), _) if a.path.ends_with("?on_stale=replan") => {
            a.status == 200 || conflict(&REPLAN_CONFLICTS)
        }
        ("POST", Some("plans"), Some("issue"), _) => a.status == 200 || conflict(&ISSUE_CONFLICTS),
        ("POST", Some("plans"), Some("release"), _) => {
            a.status == 200 || conflict(&["wrong_state"])
        }
        ("POST", Some("plans"), Some("trips"), Some("depart" | "deliver")) => {
            a.status == 200 || conflict(&["wrong_state"])
        }
        ("POST", Some("warehouses"), Some("stocktake"), _) => a.status == 200,
        ("PATCH", Some("warehouses"), None, _) => a.status == 200,
        _ => false,
    }
}

/// Prints what ran and what was found; writes every answer to a JSON-lines log.
fn report(store: &str, run: &Run, problems: &Problems, server_logs: &[PathBuf], busy: Duration) {
    let log = run.log.lock().unwrap();
    let path = log_path(&format!("{store}-answers.jsonl"));
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    for a in log.iter() {
        let line = json!({
            "sent_ms": a.sent_ms as u64, "done_ms": a.done_ms as u64, "who": a.who,
            "server": a.server, "method": a.method, "path": a.path, "status": a.status, "body": a.body,
        });
        writeln!(f, "{line}").unwrap();
        let parts: Vec<&str> = a.path.split(['/', '?']).collect();
        let what = match (parts.get(2), parts.get(4), parts.get(6)) {
            (Some(&"plans"), Some(&"trips"), Some(t)) => t.to_string(),
            (Some(&"plans"), Some(t), _) if a.method == "POST" => {
                if a.path.contains("on_stale=replan") {
                    format!("{t}?on_stale=replan")
                } else {
                    t.to_string()
                }
            }
            (Some(&"incidents"), Some(&"plans"), _) if a.method == "POST" => "draft".into(),
            (Some(w), Some(t), _) if a.method == "POST" => format!("{w}/{t}"),
            _ => format!("{} {}", a.method, parts.get(2).unwrap_or(&"")),
        };
        let code = a.body["code"]
            .as_str()
            .map_or(String::new(), |c| format!(" {c}"));
        *tally
            .entry(format!("{what}: {}{code}", a.status))
            .or_default() += 1;
    }
    f.flush().unwrap();
    println!(
        "{store}: {} requests in {:.1} s; every answer in {}",
        log.len(),
        busy.as_secs_f64(),
        path.display()
    );
    for (k, n) in &tally {
        println!("  {n:5}  {k}");
    }
    println!("races:");
    for (k, n) in run.outcomes.lock().unwrap().iter() {
        println!("  {n:5}  {k}");
    }
    for check in CHECKS {
        let found = problems.get(check).map_or(&[][..], |v| &v[..]);
        println!(
            "check: {check}: {}",
            if found.is_empty() {
                "ok".to_string()
            } else {
                format!("{} PROBLEM(S)", found.len())
            }
        );
        for p in found.iter().take(20) {
            println!("    {p}");
        }
    }
    if problems.values().any(|v| !v.is_empty()) {
        for l in server_logs {
            let text = std::fs::read_to_string(l).unwrap_or_default();
            let lines: Vec<&str> = text
                .lines()
                .filter(|l| l.contains("ERROR") || l.contains("WARN"))
                .collect();
            println!("{} ({} error/warning lines):", l.display(), lines.len());
            for l in lines.iter().take(30) {
                println!("    {l}");
            }
        }
    }
}
