//! The duty officer's web console in a real headless Chromium (WebDriver) against
//! a running `reliefflow serve` on 127.0.0.1: the map shows the roads and the
//! incident's shelters, a road closed by clicking it changes the plan, the plan is
//! issued, a driver's run sheet matches the issued trips, a viewer cannot issue,
//! and no request leaves for another host. Screenshots of each view are kept in
//! `target/console-screenshots/` as test artefacts.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::{json, Value};

use common::repo;
use common::server::*;
use common::webdriver::Browser;

fn shots() -> PathBuf {
    let dir = repo("target/console-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Opens the console signed in with `token` and waits until it has drawn.
fn open(b: &Browser, s: &Server, token: &str) {
    b.goto(&format!("{}/console/", s.base));
    b.js(
        "sessionStorage.setItem('rf-token', arguments[0]); localStorage.clear(); location.reload();",
        json!([token]),
    );
    b.wait("return document.body.dataset.ready === '1'", 120);
}

/// Every resource the page loaded came from the server itself.
fn only_loopback(b: &Browser, s: &Server) {
    let urls = b.js(
        "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href])",
        json!([]),
    );
    let urls = urls.as_array().unwrap();
    assert!(urls.len() > 5, "{urls:?}");
    for u in urls {
        let u = u.as_str().unwrap();
        assert!(
            u.starts_with(&s.base),
            "a request left for another host: {u}"
        );
    }
}

/// The trips of the plan now shown: (trip id, shelters in order, arrival hours).
fn shown_trips(s: &Server, tok: &str, plan: i64) -> Vec<(i64, Vec<String>, Vec<i64>)> {
    get(s, tok, &format!("/v1/plans/{plan}"))["plan"]["trips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let stops = t["stops"].as_array().unwrap();
            (
                t["trip_id"].as_i64().unwrap(),
                stops
                    .iter()
                    .map(|x| x["shelter_id"].as_str().unwrap().to_string())
                    .collect(),
                stops
                    .iter()
                    .map(|x| (x["arrive_h"].as_f64().unwrap() * 3600.0).round() as i64)
                    .collect(),
            )
        })
        .collect()
}

/// Clicks *Close a road* and then a road the plan drives (mid-edge, a third of
/// the way along its longest leg); returns the plan drawn after the re-plan.
fn close_a_driven_road(b: &Browser, before: i64) -> i64 {
    let px = b.js(
        "const legs = S.geo.features.filter(f => f.properties.kind === 'route');\
         legs.sort((a, b) => b.properties.metres - a.properties.metres);\
         const c = legs[0].geometry.coordinates;\
         const k = Math.floor(c.length / 3);\
         const p = [(c[k][0] + c[k + 1][0]) / 2, (c[k][1] + c[k + 1][1]) / 2];\
         map.setView([p[1], p[0]], 16, {animate: false});\
         const q = map.latLngToContainerPoint([p[1], p[0]]);\
         return [q.x, q.y];",
        json!([]),
    );
    b.wait("return S.roadZoom === 15", 60);
    b.click("#tool-road");
    assert_eq!(
        b.js(
            "return document.getElementById('tool-road').getAttribute('aria-pressed')",
            json!([])
        ),
        "true"
    );
    b.click_at("#map", px[0].as_f64().unwrap(), px[1].as_f64().unwrap());
    let after = b
        .wait(
            &format!("return S.planId !== {before} && S.timing.edit_to_map_ms && S.planId"),
            120,
        )
        .as_i64()
        .unwrap();
    after
}

#[test]
fn an_incident_run_from_the_page_alone() {
    let Some(b) = Browser::start(1400, 900) else {
        return;
    };
    let at = sqlite();
    let officer = token(&at, "officer");
    let viewer = token(&at, "viewer");
    let s = start(&at);
    let inc = incident(&s, &officer, json!({"name": "browser test"}));
    let first = draft(&s, &officer, inc)["plan_id"].as_i64().unwrap();

    // The page: roads, the 104 shelters, the draft and its trips.
    open(&b, &s, &officer);
    let drawn = b.js(
        "return {lines: S.timing.road_lines, shelters: layers.shelters.getLayers().length, \
         rows: document.querySelectorAll('#trips tbody tr').length, plan: S.planId, \
         status: document.getElementById('plan-status').textContent, timing: S.timing}",
        json!([]),
    );
    eprintln!("console timings (Xicheng): {}", drawn["timing"]);
    assert!(drawn["lines"].as_u64().unwrap() > 10_000, "{drawn}");
    assert_eq!(drawn["shelters"], 104, "{drawn}");
    assert_eq!(drawn["plan"], first, "{drawn}");
    let trips = shown_trips(&s, &officer, first);
    assert_eq!(drawn["rows"].as_u64().unwrap() as usize, trips.len());
    assert!(
        drawn["status"].as_str().unwrap().contains("draft"),
        "{drawn}"
    );
    // The kg column: each trip's load weighed with the scenario's catalogue.
    let cat = reliefflow::supplies::Catalogue::sphere_default();
    let doc = get(&s, &officer, &format!("/v1/plans/{first}"));
    let kg_of = |t: &Value| -> f64 {
        t["stops"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|x| x["load"].as_array().unwrap())
            .map(|l| {
                let i = cat.index_of(l["item"].as_str().unwrap()).unwrap();
                l["quantity"].as_f64().unwrap() * cat.items[i].kg_per_unit
            })
            .sum()
    };
    let page_kg = b.js(
        "return [...document.querySelectorAll('#trips tbody tr')].map(r => \
         [Number(r.dataset.trip), Number(r.children[5].textContent)])",
        json!([]),
    );
    for row in page_kg.as_array().unwrap() {
        let trip = doc["plan"]["trips"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["trip_id"] == row[0])
            .unwrap();
        assert!(
            (kg_of(trip) - row[1].as_f64().unwrap()).abs() < 0.51,
            "trip {row}"
        );
    }
    // Who is left out comes first: the plan's list, most people first, with
    // the reason in words and the count in the title.
    let left = b.js(
        "return {title: document.getElementById('leftout-title').textContent, \
         rows: [...document.querySelectorAll('#leftout tbody tr')].map(r => \
         [r.children[0].title, r.children[4].textContent])}",
        json!([]),
    );
    let listed = doc["plan"]["left_out"].as_array().unwrap();
    let rows = left["rows"].as_array().unwrap();
    assert!(!listed.is_empty() && rows.len() == listed.len(), "{left}");
    for (row, l) in rows.iter().zip(listed) {
        assert_eq!(row[0], l["shelter_id"], "{left}");
        let why = row[1].as_str().unwrap();
        assert!(
            why.contains(' ') && !why.contains('_'),
            "reason in words: {why}"
        );
    }
    let title = left["title"].as_str().unwrap();
    assert!(
        title.starts_with("Not reached in full by ")
            && title.contains(&format!(": {} shelters", doc["plan"]["left_out_count"])),
        "{title}"
    );
    assert!(b.screenshot(&shots().join("1-console.png")) > 50_000);
    only_loopback(&b, &s);

    // Close a road by clicking it: a road the plan drives.
    let second = close_a_driven_road(&b, first);
    eprintln!(
        "console: closure click to re-planned map (Xicheng) {} ms",
        b.js("return S.timing.edit_to_map_ms", json!([]))
    );
    let closed = get(&s, &officer, &format!("/v1/incidents/{inc}"));
    let delta = b.js(
        "return document.getElementById('delta').textContent",
        json!([]),
    );
    assert!(
        delta
            .as_str()
            .unwrap()
            .starts_with("After this change: first batch"),
        "the page says what the closure did: {delta}"
    );
    let points = closed["disruption"]["closed_points"].as_array().unwrap();
    assert_eq!(points.len(), 1, "{closed}");
    assert!(points[0]["distance_m"].as_f64().unwrap() < 5.0, "{closed}");
    let info = b.js(
        "return document.getElementById('closures-info').textContent",
        json!([]),
    );
    assert!(info.as_str().unwrap().contains("1 roads"), "{info}");
    assert_ne!(
        shown_trips(&s, &officer, second),
        trips,
        "closing a road the plan drove changed nothing"
    );
    b.js(
        "map.fitBounds(layers.shelters.getLayers().map(m => m.getLatLng()), {animate: false});",
        json!([]),
    );
    b.wait("return S.roadZoom !== null", 30);
    b.screenshot(&shots().join("2-road-closed.png"));

    // Issue it from the page.
    b.click("#btn-issue");
    b.wait(
        "return S.plan && S.plan.status === 'issued' && document.getElementById('btn-release').disabled === false",
        60,
    );
    let issued_id = b.js("return S.planId", json!([])).as_i64().unwrap();
    let states = b.js(
        "return [...document.querySelectorAll('#trips tbody tr td:last-child')].map(td => td.textContent)",
        json!([]),
    );
    let states = states.as_array().unwrap();
    assert!(!states.is_empty());
    assert!(
        states
            .iter()
            .all(|x| x.as_str().unwrap().starts_with("reserved")),
        "every trip of an issued plan is reserved: {states:?}"
    );
    assert_eq!(
        get(&s, &officer, &format!("/v1/plans/{issued_id}"))["status"],
        "issued"
    );

    // A run sheet: the first truck listed; its trips, stops and order as issued.
    let href = b
        .js(
            "return document.querySelector('#sheets a').getAttribute('href')",
            json!([]),
        )
        .as_str()
        .unwrap()
        .to_string();
    let q: Vec<(String, String)> = href
        .split_once('?')
        .unwrap()
        .1
        .split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect();
    let arg = |k: &str| q.iter().find(|x| x.0 == k).unwrap().1.clone();
    let (warehouse, truck) = (arg("warehouse"), arg("truck").parse::<i64>().unwrap());
    b.goto(&format!("{}/console/{href}", s.base));
    b.wait("return document.body.dataset.ready === '1'", 60);
    let doc = get(&s, &officer, &format!("/v1/plans/{issued_id}"));
    let mut want: Vec<&Value> = doc["plan"]["trips"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["warehouse_id"] == warehouse.as_str() && t["truck"] == truck)
        .collect();
    want.sort_by(|a, b| {
        a["depart_h"]
            .as_f64()
            .unwrap()
            .total_cmp(&b["depart_h"].as_f64().unwrap())
    });
    assert!(!want.is_empty());
    let sheet = b.js(
        "return [...document.querySelectorAll('section.trip')].map(s => ({trip: Number(s.dataset.trip), \
         stops: [...s.querySelectorAll('tr[data-shelter]')].map(r => r.dataset.shelter), \
         route: s.querySelectorAll('ol.route li').length, text: s.textContent}))",
        json!([]),
    );
    let sheet = sheet.as_array().unwrap();
    assert_eq!(sheet.len(), want.len());
    for (got, t) in sheet.iter().zip(&want) {
        assert_eq!(got["trip"], t["trip_id"]);
        let stops: Vec<&str> = t["stops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["shelter_id"].as_str().unwrap())
            .collect();
        let shown: Vec<&str> = got["stops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        assert_eq!(shown, stops, "stops of trip {}", t["trip_id"]);
        assert!(
            got["route"].as_u64().unwrap() >= stops.len() as u64,
            "{got}"
        );
        // Each item loaded appears with its quantity.
        let text = got["text"].as_str().unwrap();
        for stop in t["stops"].as_array().unwrap() {
            for l in stop["load"].as_array().unwrap() {
                let line = format!("{} × {}", l["item"].as_str().unwrap(), l["quantity"]);
                assert!(text.contains(&line), "run sheet lacks {line}");
            }
        }
    }
    assert!(b.screenshot(&shots().join("3-run-sheet.png")) > 20_000);
    only_loopback(&b, &s);

    // A viewer sees the plan but every action is off, and the server refuses.
    open(&b, &s, &viewer);
    let off = b.js(
        "return ['btn-draft','btn-issue','btn-release','btn-replan','tool-road','tool-area']\
         .map(id => document.getElementById(id).disabled)",
        json!([]),
    );
    assert_eq!(off, json!([true, true, true, true, true, true]));
    assert!(b
        .js(
            "return document.getElementById('role').textContent",
            json!([])
        )
        .as_str()
        .unwrap()
        .contains("viewer"));
    let (code, _) = post(&s, &viewer, &format!("/v1/plans/{issued_id}/release"), None);
    assert_eq!(code, 403);
    // Another officer issues a plan for another incident: the page says so
    // (server-sent events) and offers a re-plan.
    let other = incident(
        &s,
        &officer,
        json!({"name": "second incident", "shelters": ["bj0", "bj1"]}),
    );
    let d = draft(&s, &officer, other)["plan_id"].as_i64().unwrap();
    let (code, body) = act(&s, &officer, d, "issue");
    assert_eq!(code, 200, "{body}");
    let text = b.wait(
        "const b = document.getElementById('banner'); return !b.hidden && b.textContent",
        30,
    );
    assert!(
        text.as_str().unwrap().contains("a plan was issued"),
        "{text}"
    );
    assert_eq!(
        b.js(
            "return document.getElementById('banner-replan').disabled",
            json!([])
        ),
        true,
        "a viewer cannot re-plan"
    );
    b.screenshot(&shots().join("4-viewer.png"));

    // A slow area and a lost warehouse reported through the API are drawn.
    let (code, body) = post(
        &s,
        &officer,
        &format!("/v1/incidents/{inc}/disruptions"),
        Some(
            json!({"slow_areas": [{"factor": 0.5, "geometry": {"type": "Polygon",
            "coordinates": [[[116.35, 39.90], [116.37, 39.90], [116.37, 39.92], [116.35, 39.92], [116.35, 39.90]]]}}],
            "lost_warehouses": ["XC-S"]}),
        ),
    );
    assert_eq!(code, 200, "{body}");
    open(&b, &s, &viewer);
    b.js(
        "const sel = document.getElementById('incident-select'); sel.value = String(arguments[0]); \
         sel.dispatchEvent(new Event('change'));",
        json!([inc]),
    );
    let info = b.wait(
        "const t = document.getElementById('closures-info').textContent; return t.includes('slow') && t",
        30,
    );
    let info = info.as_str().unwrap();
    assert!(
        info.contains("1 slow areas") && info.contains("lost: XC-S"),
        "{info}"
    );

    // Chinese labels from the same strings table.
    b.js(
        "document.getElementById('lang').value = 'zh'; document.getElementById('lang').dispatchEvent(new Event('change'));",
        json!([]),
    );
    let label = b.js(
        "return document.getElementById('btn-issue').textContent",
        json!([]),
    );
    assert_eq!(label, "下达方案");
    b.screenshot(&shots().join("5-chinese.png"));
    let trips_shown: BTreeSet<i64> = shown_trips(&s, &officer, issued_id)
        .into_iter()
        .map(|t| t.0)
        .collect();
    assert!(!trips_shown.is_empty());
}

/// The first paint for Level I (604 shelters, ~85 000 road segments), reported
/// (a bench figure, not an assertion on time).
#[test]
fn level1_first_paint_is_measured() {
    let Some(b) = Browser::start(1400, 900) else {
        return;
    };
    let at = sqlite();
    let officer = token(&at, "officer");
    let s = start_on(&at, "scenarios/beijing-level1");
    let inc = incident(&s, &officer, json!({"name": "level I"}));
    draft(&s, &officer, inc);
    open(&b, &s, &officer);
    let timing = b.js("return S.timing", json!([]));
    eprintln!("console timings (beijing-level1): {timing}");
    assert_eq!(
        b.js("return layers.shelters.getLayers().length", json!([])),
        604
    );
    assert!(timing["first_paint_ms"].as_f64().unwrap() > 0.0);
    b.screenshot(&shots().join("6-level1.png"));
    let first = b.js("return S.planId", json!([])).as_i64().unwrap();
    let second = close_a_driven_road(&b, first);
    assert_ne!(first, second);
    eprintln!(
        "console: closure click to re-planned map (beijing-level1) {} ms",
        b.js("return S.timing.edit_to_map_ms", json!([]))
    );

    // Keyboard only: a way id typed into the form and Enter closes that road.
    let t = &trips(&s, &officer, second)[0];
    let (w, sh) = (
        t["warehouse_id"].as_str().unwrap(),
        t["stops"][0].as_str().unwrap(),
    );
    let loc = |list: &str, id: &str| -> Value {
        get(&s, &officer, &format!("/v1/{list}"))[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .unwrap()["location"]
            .clone()
    };
    let (a, c) = (loc("warehouses", w), loc("shelters", sh));
    let r = get(
        &s,
        &officer,
        &format!(
            "/v1/route?coordinates={},{};{},{}&incident={inc}",
            a[0], a[1], c[0], c[1]
        ),
    );
    let ways = r["routes"][0]["legs"][0]["ways"].as_array().unwrap();
    let way = ways[ways.len() / 2].as_i64().unwrap();
    b.type_into("#way-id", &format!("{way}\u{E007}"));
    b.wait(&format!("return S.planId !== {second} && S.planId"), 120);
    let closed = get(&s, &officer, &format!("/v1/incidents/{inc}"))["closed_ways"].clone();
    assert_eq!(closed, json!([way]), "the way typed is closed");
}
