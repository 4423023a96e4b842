//! Input at the edge of `reliefflow serve`, on both stores: text with control
//! characters or over its length, counts the CSV upload would refuse, event
//! times that are no time, malformed JSON and bad path parameters are each
//! answered 4xx in JSON naming the field, and change nothing.

mod common;

use reliefflow::scenario::clock::Clock;
use serde_json::{json, Value};

use common::server::*;

/// What a refused request must not have changed: incidents, shelters,
/// warehouses (fleets and stock).
fn snapshot(s: &Server, tok: &str) -> Value {
    json!({
        "incidents": get(s, tok, "/v1/incidents"),
        "shelters": get(s, tok, "/v1/shelters"),
        "warehouses": get(s, tok, "/v1/warehouses"),
    })
}

/// `(status, field)` of an answer, after checking it is a JSON error body.
fn refused(what: &str, (st, v): (u16, Value)) -> (u16, Option<String>) {
    assert!(
        (400..500).contains(&st),
        "{what}: {st} {}",
        v.to_string().chars().take(300).collect::<String>()
    );
    assert!(
        v["code"].is_string() && v["message"].is_string(),
        "{what}: not a JSON error: {v}"
    );
    (st, v["field"].as_str().map(str::to_string))
}

on_both_stores!(bad_input_changes_nothing);

/// Each bad request is 4xx JSON naming the field, and nothing changes.
fn bad_input_changes_nothing(at: &Place) {
    let (officer, admin) = (token(at, "officer"), token(at, "admin"));
    let (officer, admin) = (officer.as_str(), admin.as_str());
    let s = start(at);
    let url = |p: &str| format!("{}{p}", s.base);
    let send = |method: &str, tok: &str, path: &str, body: &str| {
        call(method, &url(path), Some(tok), Some(body))
    };
    let before = snapshot(&s, officer);
    let big_name = "a".repeat(1_000_000);
    let long_note = "n".repeat(5_000);
    let cases: Vec<(&str, &str, &str, &str, String, u16, &str)> = vec![
        // (what, method, token, path, body, status, field)
        (
            "NUL in a name",
            "POST",
            officer,
            "/v1/incidents",
            json!({"name": "after\u{0}shock"}).to_string(),
            422,
            "name",
        ),
        (
            "1 000 000-character name",
            "POST",
            officer,
            "/v1/incidents",
            json!({ "name": big_name }).to_string(),
            422,
            "name",
        ),
        (
            "line break in a name",
            "POST",
            officer,
            "/v1/incidents",
            json!({"name": "a\nb"}).to_string(),
            422,
            "name",
        ),
        (
            "NUL in a slow area's label",
            "POST",
            officer,
            "/v1/incidents",
            json!({"name": "x", "slow_areas": [{"geometry": {"type": "Polygon", "coordinates":
                [[[116.35, 39.87], [116.36, 39.87], [116.36, 39.88], [116.35, 39.87]]]},
                "factor": 0.5, "label": "rub\u{0}ble"}]})
            .to_string(),
            422,
            "slow_areas[0].label",
        ),
        (
            "event time in words",
            "POST",
            officer,
            "/v1/incidents",
            json!({"name": "x", "event_time": "tomorrow morning"}).to_string(),
            422,
            "event_time",
        ),
        (
            "event time without a date",
            "POST",
            officer,
            "/v1/incidents",
            json!({"name": "x", "event_time": "02:10"}).to_string(),
            422,
            "event_time",
        ),
        (
            "malformed JSON",
            "POST",
            officer,
            "/v1/incidents",
            "{\"name\": \"x\", ".to_string(),
            400,
            "body",
        ),
        (
            "a 5 000-character note",
            "PATCH",
            officer,
            "/v1/shelters/bj0",
            json!({"headcount": 640, "note": long_note}).to_string(),
            422,
            "note",
        ),
        (
            "a carriage return in a note",
            "PATCH",
            officer,
            "/v1/shelters/bj0",
            json!({"headcount": 640, "note": "a\r\nb"}).to_string(),
            422,
            "note",
        ),
        (
            "headcount 2147483647",
            "PATCH",
            officer,
            "/v1/shelters/bj0",
            json!({"headcount": 2_147_483_647u32}).to_string(),
            422,
            "headcount",
        ),
        (
            "elderly 500 with headcount 10",
            "PATCH",
            officer,
            "/v1/shelters/bj0",
            json!({"headcount": 10, "elderly": 500}).to_string(),
            422,
            "headcount",
        ),
        (
            "headcount below the priority people stored",
            "PATCH",
            officer,
            "/v1/shelters/bj0",
            json!({"headcount": 1}).to_string(),
            422,
            "headcount",
        ),
        (
            "unknown field",
            "PATCH",
            officer,
            "/v1/shelters/bj0",
            json!({"headcout": 5}).to_string(),
            422,
            "headcout",
        ),
        (
            "NUL in a shelter id",
            "PATCH",
            officer,
            "/v1/shelters/bj%000",
            json!({"headcount": 5}).to_string(),
            400,
            "id",
        ),
        (
            "NUL in a stocktake's item",
            "POST",
            admin,
            "/v1/warehouses/XC-N/stocktake",
            json!({"item": "wa\u{0}ter", "on_hand": 1}).to_string(),
            422,
            "item",
        ),
        (
            "NUL in a stocktake's note",
            "POST",
            admin,
            "/v1/warehouses/XC-N/stocktake",
            json!({"item": "water", "on_hand": 1, "note": "\u{0}"}).to_string(),
            422,
            "note",
        ),
        (
            "a 5 000-character fleet note",
            "PATCH",
            admin,
            "/v1/warehouses/XC-N",
            json!({"trucks": 1, "note": "n".repeat(5_000)}).to_string(),
            422,
            "note",
        ),
    ];
    for (what, method, tok, path, body, status, field) in &cases {
        let got = refused(what, send(method, tok, path, body));
        assert_eq!(got, (*status, Some(field.to_string())), "{what}");
    }
    // Bad path parameters of the incidents' routes.
    for path in ["/v1/incidents/abc", "/v1/incidents/99999999999999999999"] {
        let got = refused(path, call("GET", &url(path), Some(officer), None));
        assert_eq!(got, (400, Some("id".to_string())), "{path}");
    }
    let (_, v) = call("GET", &url("/v1/incidents/abc"), Some(officer), None);
    let m = v["message"].as_str().unwrap();
    assert!(
        m.starts_with("path parameter: ") && m.contains("abc"),
        "{m}"
    );
    // The counts upload refuses what the PATCH refuses, with the same words.
    let upload = |body: &str| upload_counts(&s, officer, body);
    let (st, v) = upload("id,headcount\nbj0,2147483647\n");
    let m = v["message"].as_str().unwrap();
    assert_eq!(st, 422, "{v}");
    assert!(m.contains("line 2") && m.contains("[0, 10000000]"), "{m}");
    let (_, p) = send(
        "PATCH",
        officer,
        "/v1/shelters/bj0",
        &json!({"headcount": 2_147_483_647u32}).to_string(),
    );
    assert!(
        p["message"].as_str().unwrap().contains("[0, 10000000]"),
        "{p}"
    );
    // bj0 keeps its other priority people: the same sum in both answers.
    let (st, v) = upload("id,headcount,elderly\nbj0,10,500\n");
    assert_eq!(st, 422, "{v}");
    let (_, p) = send(
        "PATCH",
        officer,
        "/v1/shelters/bj0",
        &json!({"headcount": 10, "elderly": 500}).to_string(),
    );
    let said = p["message"].as_str().unwrap();
    let said = said.strip_prefix("headcount: ").unwrap_or(said);
    assert!(
        said.contains("priority persons but a headcount of 10"),
        "{p}"
    );
    assert!(v["message"].as_str().unwrap().ends_with(said), "{v} / {p}");
    assert_eq!(
        snapshot(&s, officer),
        before,
        "a refused request changed something"
    );

    // What passes: a note with line breaks and tabs, counts that fit.
    let (st, v) = send(
        "PATCH",
        officer,
        "/v1/shelters/bj0",
        &json!({"headcount": 640, "elderly": 90, "note": "bus from Deshengmen\n\t40 more"})
            .to_string(),
    );
    assert_eq!((st, v["headcount"].as_i64()), (200, Some(640)), "{v}");
    assert_eq!(v["priority"][0], 90, "{v}");
}

on_both_stores!(event_times);

/// `event_time` sets the event instant on the scenario's clock (Asia/Shanghai
/// for the Xicheng scenario) and is answered as local text.
fn event_times(at: &Place) {
    let officer = token(at, "officer");
    let s = start(at);
    let clock = Clock::new("Asia/Shanghai").unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // Two hours ago, to the minute.
    let t = (now - 7_200) / 60 * 60;
    let local = clock.local(t); // "YYYY-MM-DD HH:MM +08:00"
    let bare = &local[..16];
    let utc = Clock::new("UTC").unwrap().local(t);
    let rfc3339_z = format!("{}T{}:00Z", &utc[..10], &utc[11..16]);
    for given in [bare.to_string(), local.clone(), rfc3339_z] {
        let (st, v) = post(
            &s,
            &officer,
            "/v1/incidents",
            Some(json!({"name": "timed", "event_time": given})),
        );
        assert_eq!(st, 201, "{given}: {v}");
        assert_eq!(v["event_unix"], t, "{given}: {v}");
        assert_eq!(v["event_time"], local, "{given}: {v}");
    }
    // event_unix alone, and with an event_time naming the same minute.
    let inc = incident(&s, &officer, json!({"name": "u", "event_unix": t + 30}));
    let v = get(&s, &officer, &format!("/v1/incidents/{inc}"));
    assert_eq!(v["event_time"], local, "{v}");
    let inc = incident(
        &s,
        &officer,
        json!({"name": "both", "event_time": bare, "event_unix": t + 30}),
    );
    assert_eq!(
        get(&s, &officer, &format!("/v1/incidents/{inc}"))["event_unix"],
        t + 30
    );
    // Neither: now, written on the clock.
    let inc = incident(&s, &officer, json!({"name": "now"}));
    let v = get(&s, &officer, &format!("/v1/incidents/{inc}"));
    let e = v["event_unix"].as_i64().unwrap();
    assert!((e - now).abs() < 600, "{v}");
    assert_eq!(v["event_time"], clock.local(e), "{v}");
    let count = get(&s, &officer, "/v1/incidents")["incidents"]
        .as_array()
        .unwrap()
        .len();
    // Refused: disagreeing, out of the window, a day the calendar lacks.
    let year_ago = clock.local(now - 400 * 86_400);
    for (body, field) in [
        (
            json!({"name": "x", "event_time": bare, "event_unix": t + 3_600}),
            "event_time",
        ),
        (
            json!({"name": "x", "event_time": &year_ago[..16]}),
            "event_time",
        ),
        (
            json!({"name": "x", "event_time": "2026-02-30 10:00"}),
            "event_time",
        ),
        (
            json!({"name": "x", "event_unix": now + 10 * 86_400}),
            "event_unix",
        ),
    ] {
        let got = refused(
            &body.to_string(),
            post(&s, &officer, "/v1/incidents", Some(body.clone())),
        );
        assert_eq!(got, (422, Some(field.to_string())), "{body}");
    }
    let (_, v) = post(
        &s,
        &officer,
        "/v1/incidents",
        Some(json!({"name": "x", "event_time": "tomorrow morning"})),
    );
    let m = v["message"].as_str().unwrap();
    assert!(
        m.contains("expected RFC 3339 (2026-12-08T01:10:00+08:00) or local YYYY-MM-DD HH:MM"),
        "{m}"
    );
    let n = get(&s, &officer, "/v1/incidents")["incidents"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(n, count, "a refused incident was stored");
}

on_both_stores!(plan_path_params);

/// A plan id that is not a number is 400 JSON naming `id` (needs the plans'
/// handlers on `PathParam`).
fn plan_path_params(at: &Place) {
    let viewer = token(at, "viewer");
    let s = start(at);
    for path in [
        "/v1/plans/abc",
        "/v1/plans/abc/trips",
        "/v1/plans/1/trips/x/depart",
    ] {
        let method = if path.ends_with("depart") {
            "POST"
        } else {
            "GET"
        };
        let got = refused(
            path,
            call(method, &format!("{}{path}", s.base), Some(&viewer), None),
        );
        let field = if path.ends_with("depart") {
            "trip"
        } else {
            "id"
        };
        assert_eq!(got, (400, Some(field.to_string())), "{path}");
    }
}

on_both_stores!(draft_bodies);

/// `POST /v1/incidents/{id}/plans` takes its options as a JSON body as well
/// as a query: a malformed body is 400 naming `body` and stores no draft, an
/// unknown field 422, a good one is obeyed, no body at all is a draft from now.
fn draft_bodies(at: &Place) {
    let officer = token(at, "officer");
    let s = start(at);
    let url = |p: &str| format!("{}{p}", s.base);
    let (st, inc) = call(
        "POST",
        &url("/v1/incidents"),
        Some(&officer),
        Some(&json!({"name": "bodies", "event_time": "2026-12-01 01:10"}).to_string()),
    );
    assert_eq!(st, 201, "{inc}");
    let id = inc["id"].as_i64().unwrap();
    let event = inc["event_unix"].as_i64().unwrap();
    let plans = url(&format!("/v1/incidents/{id}/plans"));
    let drafts = || {
        let (_, v) = call("GET", &plans, Some(&officer), None);
        v["plans"].as_array().map_or(0, Vec::len)
    };
    let got = refused(
        "malformed",
        call("POST", &plans, Some(&officer), Some("{\"at\": ")),
    );
    assert_eq!(got, (400, Some("body".to_string())));
    let got = refused(
        "unknown field",
        call("POST", &plans, Some(&officer), Some("{\"when\": \"now\"}")),
    );
    assert_eq!(got.0, 422, "{got:?}");
    assert_eq!(drafts(), 0, "a refused body stored a draft");
    let body = json!({"at": format!("@{}", event + 1800)}).to_string();
    let (st, d) = call("POST", &plans, Some(&officer), Some(&body));
    assert_eq!(st, 201, "{d}");
    assert_eq!(d["plan_unix"].as_i64(), Some(event + 1800), "{d}");
    assert_eq!(d["plan"]["clock"]["plan_hours_after_event"], 0.5, "{d}");
    let (st, d) = call("POST", &plans, Some(&officer), None);
    assert_eq!(st, 201, "{d}");
    assert!(d["plan_unix"].as_i64().unwrap() > event + 1800, "{d}");
    assert_eq!(drafts(), 2);
}
