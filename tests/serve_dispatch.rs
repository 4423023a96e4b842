//! `reliefflow serve` dispatching for real, over HTTP on 127.0.0.1 with real
//! stores: trucks booked across incidents (never on two overlapping trips),
//! trips that depart and deliver (stock on hand follows), a re-plan after a new
//! closure that keeps the trips under way and never drives the closed road,
//! fleets and shelters changed between drafts, and the OSRM-style router.

mod common;

use std::collections::BTreeMap;

use serde_json::{json, Value};

use common::server::*;

/// (reserved, on hand, in transit) per (warehouse, item).
fn stock(s: &Server, tok: &str) -> BTreeMap<(String, String), (i64, i64, i64)> {
    let mut out = BTreeMap::new();
    for w in get(s, tok, "/v1/warehouses")["warehouses"]
        .as_array()
        .unwrap()
    {
        for (item, l) in w["stock"].as_object().unwrap() {
            let n = |k: &str| l[k].as_i64().unwrap();
            let key = (w["id"].as_str().unwrap().to_string(), item.clone());
            out.insert(key, (n("reserved"), n("on_hand"), n("in_transit")));
        }
    }
    out
}

fn loads(t: &Value) -> BTreeMap<(String, String), i64> {
    let mut out = BTreeMap::new();
    for l in t["lines"].as_array().unwrap() {
        let k = (
            t["warehouse_id"].as_str().unwrap().to_string(),
            l["item"].as_str().unwrap().to_string(),
        );
        *out.entry(k).or_default() += l["units"].as_i64().unwrap();
    }
    out
}

fn location(v: &Value, id: &str, list: &str) -> [f64; 2] {
    let x = v[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .unwrap_or_else(|| panic!("{list} has no {id}"));
    [
        x["location"][0].as_f64().unwrap(),
        x["location"][1].as_f64().unwrap(),
    ]
}

on_both_stores!(trucks_trips_and_replan);

/// Two incidents on the same trucks, trips departing and delivering, and a
/// re-plan after a new closure.
fn trucks_trips_and_replan(at: &Place) {
    let (officer, admin, viewer) = (
        token(at, "officer"),
        token(at, "admin"),
        token(at, "viewer"),
    );
    let s = start(at);
    // Plenty of stock, so the trucks are what two incidents compete for.
    for w in ["XC-N", "XC-C", "XC-S", "BJ-M1"] {
        for item in ["water", "ready_meal", "quilt"] {
            stocktake(&s, &admin, w, item, 400_000);
        }
    }
    let a = incident(&s, &officer, json!({"name": "a"}));
    let pa = issued(&s, &officer, a);
    let b = incident(
        &s,
        &officer,
        json!({"name": "b", "shelters": ["bj0", "bj1", "bj2", "bj3", "bj4"]}),
    );
    let pb = issued(&s, &officer, b);
    let (ta, tb) = (trips(&s, &officer, pa), trips(&s, &officer, pb));
    assert!(
        ta.len() > 20 && !tb.is_empty(),
        "{} and {} trips",
        ta.len(),
        tb.len()
    );
    // B's trips wait for A's trucks: each loads after A's last trip on its truck.
    for t in &tb {
        let mine = |x: &&Value| x["warehouse_id"] == t["warehouse_id"] && x["truck"] == t["truck"];
        if let Some(last) = ta
            .iter()
            .filter(mine)
            .map(|x| x["return_unix"].as_i64().unwrap())
            .max()
        {
            assert!(t["busy_from_unix"].as_i64().unwrap() >= last, "{t}");
        }
    }
    check_bookings(&s, &officer, &[pa, pb]);

    // A trip departs: its load leaves the units on hand and is in transit.
    let t1 = ta[0]["trip"].as_i64().unwrap();
    let before = stock(&s, &officer);
    let path = |p: i64, t: i64, what: &str| format!("/v1/plans/{p}/trips/{t}/{what}");
    assert_eq!(post(&s, &viewer, &path(pa, t1, "depart"), None).0, 403);
    let (st, v) = post(&s, &officer, &path(pa, t1, "depart"), None);
    assert_eq!((st, v["state"].as_str()), (200, Some("departed")), "{v}");
    let after = stock(&s, &officer);
    for (k, units) in loads(&ta[0]) {
        let (b, a) = (before[&k], after[&k]);
        assert_eq!(
            (a.0, a.1, a.2),
            (b.0 - units, b.1 - units, b.2 + units),
            "{k:?}"
        );
    }
    let (st, v) = post(&s, &officer, &path(pa, t1, "depart"), None);
    assert_eq!((st, v["code"].as_str()), (409, Some("wrong_state")), "{v}");
    assert_eq!(post(&s, &officer, &path(pa, 9999, "depart"), None).0, 404);
    assert_eq!(post(&s, &officer, &path(pa, t1, "deliver"), None).0, 200);
    assert_eq!(stock(&s, &officer), {
        let mut x = after.clone();
        for (k, units) in loads(&ta[0]) {
            x.get_mut(&k).unwrap().2 -= units;
        }
        x
    });

    // A road that a trip not yet gone drives is reported closed.
    let shelters = get(&s, &officer, "/v1/shelters");
    let warehouses = get(&s, &officer, "/v1/warehouses");
    let t2 = &ta[1];
    let from = location(
        &warehouses,
        t2["warehouse_id"].as_str().unwrap(),
        "warehouses",
    );
    let to = location(&shelters, t2["stops"][0].as_str().unwrap(), "shelters");
    let route = |inc: Option<i64>, from: [f64; 2], to: [f64; 2]| {
        let q = format!(
            "/v1/route?coordinates={},{};{},{}",
            from[0], from[1], to[0], to[1]
        );
        get(
            &s,
            &officer,
            &(q + inc
                .map_or(String::new(), |i| format!("&incident={i}"))
                .as_str()),
        )
    };
    let open = route(None, from, to);
    let ways = open["routes"][0]["legs"][0]["ways"]
        .as_array()
        .unwrap()
        .clone();
    let closed = ways[ways.len() / 2].as_i64().unwrap();
    let (st, v) = post(
        &s,
        &officer,
        &format!("/v1/incidents/{a}/disruptions"),
        Some(json!({"closed_ways": [closed]})),
    );
    assert_eq!(st, 200, "{v}");
    let detour = route(Some(a), from, to);
    assert!(detour["routes"][0]["duration"].as_f64() > open["routes"][0]["duration"].as_f64());
    assert!(!detour["routes"][0]["legs"][0]["ways"]
        .as_array()
        .unwrap()
        .contains(&json!(closed)));

    // The re-plan keeps the trip under way and says what changed.
    assert_eq!(
        post(&s, &officer, &format!("/v1/plans/{pb}/replan"), None).0,
        201
    );
    let (st, r) = post(&s, &officer, &format!("/v1/plans/{pa}/replan"), None);
    assert_eq!(st, 201, "{r}");
    let c = &r["changes"];
    assert_eq!(c["under_way"], json!([t1]), "{c}");
    let ids = |v: &Value, key: &str| -> Vec<i64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x[key].as_i64().unwrap())
            .collect()
    };
    let plain = |v: &Value| -> Vec<i64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect()
    };
    let mut old: Vec<i64> = [
        ids(&c["kept"], "old_trip"),
        ids(&c["changed"], "old_trip"),
        plain(&c["cancelled"]),
    ]
    .concat();
    old.sort_unstable();
    let mut want_old: Vec<i64> = ta
        .iter()
        .map(|t| t["trip"].as_i64().unwrap())
        .filter(|&t| t != t1)
        .collect();
    want_old.sort_unstable();
    assert_eq!(
        old, want_old,
        "every old trip not under way is kept, changed or cancelled once"
    );
    // Trips not yet gone that still work are kept as they were.
    let kept = r["plan"]["trips_kept"].as_u64().unwrap();
    assert!(kept > 0, "{}", r["plan"]["trips_kept"]);
    assert!(ids(&c["kept"], "old_trip").len() as u64 >= kept);
    let (st, fresh) = post(
        &s,
        &officer,
        &format!("/v1/plans/{pa}/replan?keep=none&start=cold&effort=full"),
        None,
    );
    assert_eq!(st, 201, "{fresh}");
    assert_eq!(
        (
            fresh["plan"]["trips_kept"].as_u64(),
            fresh["plan"]["matrices"]["start"].as_str()
        ),
        (Some(0), Some("cold"))
    );
    let (st, v) = post(
        &s,
        &officer,
        &format!("/v1/plans/{pa}/replan?keep=some"),
        None,
    );
    assert_eq!((st, v["field"].as_str()), (422, Some("keep")), "{v}");
    let pr = r["plan_id"].as_i64().unwrap();
    let tr = trips(&s, &officer, pr);
    let mut new: Vec<i64> = [
        ids(&c["kept"], "new_trip"),
        ids(&c["changed"], "new_trip"),
        plain(&c["new"]),
    ]
    .concat();
    new.sort_unstable();
    let mut want_new: Vec<i64> = tr.iter().map(|t| t["trip"].as_i64().unwrap()).collect();
    want_new.sort_unstable();
    assert_eq!(new, want_new, "every new trip is kept, changed or new once");
    // No trip of the re-plan drives faster than the roads left open allow.
    for t in &tr {
        let w = location(
            &warehouses,
            t["warehouse_id"].as_str().unwrap(),
            "warehouses",
        );
        let first = location(&shelters, t["stops"][0].as_str().unwrap(), "shelters");
        let need_h = route(Some(a), w, first)["routes"][0]["duration"]
            .as_f64()
            .unwrap()
            / 3600.0;
        let doc = r["plan"]["trips"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["trip_id"] == t["trip"])
            .unwrap();
        let arrive = doc["stops"][0]["arrive_h"].as_f64().unwrap();
        assert!(
            arrive - t["depart_h"].as_f64().unwrap() >= need_h - 2e-3,
            "trip {} reaches its first stop in {} h, the open roads need {need_h} h",
            t["trip"],
            arrive - t["depart_h"].as_f64().unwrap()
        );
    }

    // Issued, the re-plan supersedes the plan: its trips not gone are released,
    // the delivered one stays, and nothing is over-reserved.
    let (st, v) = act(&s, &officer, pr, "issue");
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        get(&s, &officer, &format!("/v1/plans/{pa}"))["status"],
        "superseded"
    );
    assert_eq!(
        get(&s, &officer, &format!("/v1/plans/{pr}"))["supersedes"],
        pa
    );
    for t in trips(&s, &officer, pa) {
        let want = if t["trip"] == t1 {
            "delivered"
        } else {
            "released"
        };
        assert_eq!(t["state"], want, "{t}");
    }
    let mut held: BTreeMap<(String, String), i64> = BTreeMap::new();
    for p in [pr, pb] {
        for t in trips(&s, &officer, p) {
            for (k, u) in loads(&t) {
                *held.entry(k).or_default() += u;
            }
        }
    }
    for (k, (reserved, on_hand, _)) in stock(&s, &officer) {
        assert!(
            reserved <= on_hand,
            "{k:?}: {reserved} reserved of {on_hand}"
        );
        assert_eq!(reserved, held.get(&k).copied().unwrap_or(0), "{k:?}");
    }
    check_bookings(&s, &officer, &[pa, pb, pr]);
    // A superseded plan is not re-planned or released again.
    assert_eq!(
        post(&s, &officer, &format!("/v1/plans/{pa}/replan"), None).0,
        409
    );
    assert_eq!(act(&s, &officer, pa, "release").0, 409);
}

on_both_stores!(inventories_shape_the_next_draft);

/// A shelter closed gets no more trips; a fleet changed makes older drafts
/// stale and the next draft uses it; bad values name their field.
fn inventories_shape_the_next_draft(at: &Place) {
    let (officer, admin) = (token(at, "officer"), token(at, "admin"));
    let s = start(at);
    let inc = incident(&s, &officer, json!({"name": "fleet"}));
    let stale = draft(&s, &officer, inc)["plan_id"].as_i64().unwrap();
    let patch = |tok: &str, path: &str, body: Value| {
        call(
            "PATCH",
            &format!("{}{path}", s.base),
            Some(tok),
            Some(&body.to_string()),
        )
    };
    assert_eq!(
        patch(&officer, "/v1/warehouses/XC-N", json!({"trucks": 0})).0,
        403
    );
    for (body, field) in [
        (json!({"trucks": -1}), "trucks"),
        (json!({"payload_kg": 0}), "payload_kg"),
        (json!({"loading_h": 48}), "loading_h"),
        (json!({}), "trucks"),
    ] {
        let (st, v) = patch(&admin, "/v1/warehouses/XC-N", body.clone());
        assert_eq!((st, v["field"].as_str()), (422, Some(field)), "{body}: {v}");
    }
    assert_eq!(
        patch(&admin, "/v1/warehouses/XX", json!({"trucks": 1})).0,
        404
    );
    let (st, v) = patch(
        &admin,
        "/v1/warehouses/XC-N",
        json!({"trucks": 0, "note": "lent to Fengtai"}),
    );
    assert_eq!((st, v["trucks"].as_i64()), (200, Some(0)), "{v}");
    let (st, v) = patch(&officer, "/v1/shelters/bj0", json!({"open": false}));
    assert_eq!((st, v["open"].as_bool()), (200, Some(false)), "{v}");
    // Counts the shelters sent, as CSV: checked row by row, all or none.
    let upload = |body: &str| upload_counts(&s, &officer, body);
    let before = get(&s, &officer, "/v1/shelters");
    for (body, line, column) in [
        ("id,headcount\nbj1,100\nbj2,x\n", "line 3", "`headcount`"),
        ("id,headcount\nbj1,100\nnowhere,5\n", "line 3", "`id`"),
        ("id,headcount\nbj1,100\nbj1,120\n", "line 3", "`id`"),
        ("id,headcount,elderly\nbj1,10,11\n", "line 2", "`headcount`"),
        ("id,open\nbj1,maybe\n", "line 2", "`open`"),
        ("id,headcount\n", "", "no rows"),
    ] {
        let (st, v) = upload(body);
        let m = v["message"].as_str().unwrap();
        assert_eq!(
            (st, v["field"].as_str()),
            (422, Some("body")),
            "{body}: {v}"
        );
        assert!(m.contains(line) && m.contains(column), "{body}: {m}");
    }
    assert_eq!(get(&s, &officer, "/v1/shelters"), before, "nothing changed");
    let (st, v) = upload("\u{feff}id,headcount,elderly,open\nbj1,400,60,\nbj2,,,no\n");
    assert_eq!(
        (st, v["rows"].as_u64(), v["changes"].as_u64()),
        (200, Some(2), Some(3)),
        "{v}"
    );
    let after = get(&s, &officer, "/v1/shelters")["shelters"]
        .as_array()
        .unwrap()
        .clone();
    let one = |id: &str| after.iter().find(|x| x["id"] == id).unwrap().clone();
    assert_eq!(
        (
            one("bj1")["headcount"].as_i64(),
            one("bj1")["priority"][0].as_i64()
        ),
        (Some(400), Some(60))
    );
    assert_eq!(one("bj2")["open"], false);
    // The draft made before the counts and fleets changed is refused, naming
    // the first change it planned without.
    let (st, v) = act(&s, &officer, stale, "issue");
    assert_eq!(
        (st, v["code"].as_str()),
        (409, Some("inventory_changed")),
        "{v}"
    );
    assert!(v["message"].as_str().unwrap().contains("bj0"), "{v}");
    let d = draft(&s, &officer, inc);
    for t in d["plan"]["trips"].as_array().unwrap() {
        assert_ne!(t["warehouse_id"], "XC-N", "{t}");
        for stop in t["stops"].as_array().unwrap() {
            assert!(
                !["bj0", "bj2"].contains(&stop["shelter_id"].as_str().unwrap()),
                "{t}"
            );
        }
    }
    assert!(!d["plan"]["trips"].as_array().unwrap().is_empty());
    assert_eq!(
        act(&s, &officer, d["plan_id"].as_i64().unwrap(), "issue").0,
        200
    );
    // Its GeoJSON: every leg a line, warehouses and shelters as points.
    let (st, g) = call(
        "GET",
        &format!("{}/v1/plans/{}/plan.geojson", s.base, d["plan_id"]),
        Some(&officer),
        None,
    );
    assert_eq!((st, g["type"].as_str()), (200, Some("FeatureCollection")));
    let kinds: Vec<&str> = g["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "shelter").count(), 102);
    assert!(kinds.contains(&"route"));
}

on_both_stores!(osrm_style_table_and_route);

/// `/v1/table` and `/v1/route` answer as OSRM does, under the incident's
/// closures, and name the parameter at fault.
fn osrm_style_table_and_route(at: &Place) {
    let officer = token(at, "officer");
    let s = start(at);
    let pts = "116.3526,39.8792;116.37,39.91;116.36,39.93";
    let t = get(&s, &officer, &format!("/v1/table?coordinates={pts}"));
    assert_eq!(t["code"], "Ok");
    let d = t["durations"].as_array().unwrap();
    assert_eq!(d.len(), 3);
    for (i, row) in d.iter().enumerate() {
        for (j, x) in row.as_array().unwrap().iter().enumerate() {
            let x = x.as_f64().unwrap();
            assert!(if i == j { x == 0.0 } else { x > 60.0 }, "{i} → {j}: {x} s");
        }
    }
    let one = get(
        &s,
        &officer,
        &format!("/v1/table?coordinates={pts}&sources=0&destinations=1;2"),
    );
    assert_eq!(one["durations"][0], json!([d[0][1], d[0][2]]));
    let r = get(&s, &officer, &format!("/v1/route?coordinates={pts}"));
    let legs = r["routes"][0]["legs"].as_array().unwrap();
    assert_eq!(legs.len(), 2);
    assert_eq!(
        legs[0]["duration"]
            .as_f64()
            .map(|x| (x * 10.0).round() / 10.0),
        d[0][1].as_f64()
    );
    // Closing a way of the route makes it longer and avoids the way.
    let ways = legs[0]["ways"].as_array().unwrap();
    let closed = ways[ways.len() / 2].clone();
    let inc = incident(
        &s,
        &officer,
        json!({"name": "cut", "closed_ways": [closed]}),
    );
    let cut = get(
        &s,
        &officer,
        &format!("/v1/route?coordinates={pts}&incident={inc}"),
    );
    assert!(cut["routes"][0]["duration"].as_f64() > r["routes"][0]["duration"].as_f64());
    assert!(!cut["routes"][0]["legs"][0]["ways"]
        .as_array()
        .unwrap()
        .contains(&closed));
    let url = |q: &str| format!("{}/v1/{q}", s.base);
    for (q, status, field) in [
        ("table?coordinates=116.35,39.87", 422, Some("coordinates")),
        (
            "table?coordinates=116.35,39.87;x,1",
            422,
            Some("coordinates"),
        ),
        (
            "table?coordinates=39.87,116.35;116.36,39.93",
            422,
            Some("coordinates"),
        ),
        (
            "table?coordinates=116.35,39.87;116.36,39.93&sources=7",
            422,
            Some("sources"),
        ),
        (
            "table?coordinates=116.35,39.87;116.36,39.93&incident=424242",
            404,
            None,
        ),
        (
            "route?coordinates=116.35,39.87;116.36,39.93&sources=0",
            422,
            Some("sources"),
        ),
        ("route?points=1", 400, None),
    ] {
        let (st, v) = call("GET", &url(q), Some(&officer), None);
        assert_eq!(st, status, "{q}: {v}");
        assert!(
            v["code"].is_string() && v["message"].is_string(),
            "{q}: {v}"
        );
        assert_eq!(v["field"].as_str(), field, "{q}: {v}");
    }
    assert_eq!(
        call("GET", &url(&format!("table?coordinates={pts}")), None, None).0,
        401
    );
}

on_both_stores!(a_stale_draft_is_replanned_at_issue_when_asked);

/// `on_stale=replan`: a draft made stale by another officer's issue is drafted
/// again and issued in the same request.
fn a_stale_draft_is_replanned_at_issue_when_asked(at: &Place) {
    let officer = token(at, "officer");
    let s = start(at);
    let a = incident(
        &s,
        &officer,
        json!({"name": "north", "shelters": ["bj0", "bj1"]}),
    );
    let b = incident(
        &s,
        &officer,
        json!({"name": "south", "shelters": ["bj2", "bj3"]}),
    );
    let (da, db) = (draft(&s, &officer, a), draft(&s, &officer, b));
    let pb = db["plan_id"].as_i64().unwrap();
    assert_eq!(
        act(&s, &officer, da["plan_id"].as_i64().unwrap(), "issue").0,
        200
    );
    let path = |q: &str| format!("/v1/plans/{pb}/issue{q}");
    let (st, v) = post(&s, &officer, &path("?on_stale=maybe"), None);
    assert_eq!((st, v["field"].as_str()), (422, Some("on_stale")), "{v}");
    // b's draft booked a truck a's plan took since: refused, naming it.
    let (st, v) = post(&s, &officer, &path(""), None);
    assert_eq!((st, v["code"].as_str()), (409, Some("truck_busy")), "{v}");
    let (st, v) = post(&s, &officer, &path("?on_stale=replan"), None);
    assert_eq!(st, 200, "{v}");
    let issued = v["plan_id"].as_i64().unwrap();
    assert_ne!(issued, pb);
    assert_eq!(v["replanned_from"], pb);
    assert_eq!(v["draft"]["incident_id"], b);
    assert_eq!(
        get(&s, &officer, &format!("/v1/plans/{issued}"))["status"],
        "issued"
    );
    assert_eq!(
        get(&s, &officer, &format!("/v1/plans/{pb}"))["status"],
        "draft"
    );
    check_bookings(&s, &officer, &[da["plan_id"].as_i64().unwrap(), issued]);
    for (k, (reserved, on_hand)) in levels(&s, &officer) {
        assert!(reserved <= on_hand, "{k:?}");
    }
}
