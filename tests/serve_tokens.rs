//! Tokens of `reliefflow serve` over real HTTP, on SQLite and PostgreSQL:
//! `serve token create --expires`, `list` and `revoke`; revoked and expired
//! tokens refused with 401 saying which; the audit trail (`GET /v1/audit`)
//! for officers and above, with the token changes in it.

mod common;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

use common::server::*;

/// `reliefflow serve token ARGS… --db URL`.
fn serve_token(at: &Place, args: &[&str]) -> Output {
    Command::new(bin())
        .args(["serve", "token"])
        .args(args)
        .args(["--db", &at.url])
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A new token of `role` for `label`, with `extra` arguments.
fn create(at: &Place, role: &str, label: &str, extra: &[&str]) -> String {
    let mut args = vec!["create", "--role", role, "--label", label];
    args.extend(extra);
    let out = serve_token(at, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).trim().to_string()
}

/// The line of `serve token list` for `label`, split into its cells.
fn listed(at: &Place, label: &str) -> Vec<String> {
    let out = serve_token(at, &["list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let mut lines = stdout.lines();
    let head: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(
        head,
        ["id", "role", "label", "created", "expires", "state"],
        "{stdout}"
    );
    let line = lines
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("{label} not listed:\n{stdout}"));
    line.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(String::from)
        .collect()
}

on_both_stores!(tokens_revoked_expired_and_audited);

/// Revoked and expired tokens get 401 with the reason; the token commands and
/// the audit trail show what was done.
fn tokens_revoked_expired_and_audited(at: &Place) {
    let officer = create(at, "officer", "desk 1", &[]);
    let viewer = create(at, "viewer", "wall screen", &["--expires", "7d"]);
    let brief = create(at, "officer", "night shift", &["--expires", "1s"]);
    let made = Instant::now();
    let doomed = create(at, "admin", "lost laptop", &[]);

    // A bad --expires is refused, naming the flag and the form expected.
    for bad in [
        "12",
        "0h",
        "-3h",
        "2w",
        "h",
        "1.5h",
        "99999999999999999d",
        "3小",
    ] {
        let flag = format!("--expires={bad}");
        let out = serve_token(at, &["create", "--role", "viewer", &flag]);
        assert_eq!(out.status.code(), Some(1), "--expires {bad}");
        let err = text(&out.stderr);
        assert!(
            err.contains("--expires") && err.contains("12h"),
            "--expires {bad}: {err}"
        );
    }

    let row = listed(at, "desk 1");
    assert_eq!(row[1], "officer");
    assert!(row[3].ends_with(" UTC") && row[3].len() == 20, "{row:?}");
    assert_eq!((row[4].as_str(), row[5].as_str()), ("never", "active"));
    let row = listed(at, "wall screen");
    assert!(row[4].ends_with(" UTC") && row[5] == "active", "{row:?}");
    let doomed_id: i64 = listed(at, "lost laptop")[0].parse().unwrap();

    let s = start(at);
    let url = format!("{}/v1/warehouses", s.base);
    for t in [&officer, &viewer, &doomed] {
        assert_eq!(call("GET", &url, Some(t), None).0, 200);
    }

    // Revoked: refused at once, saying so.
    let out = serve_token(at, &["revoke", &doomed_id.to_string()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("revoked"),
        "{}",
        text(&out.stdout)
    );
    let (st, v) = call("GET", &url, Some(&doomed), None);
    assert_eq!(st, 401, "{v}");
    assert_eq!(v["code"], "unauthorized");
    assert!(
        v["message"].as_str().unwrap().starts_with("token revoked"),
        "{v}"
    );
    // Twice is fine; an unknown id is an error naming it.
    let out = serve_token(at, &["revoke", &doomed_id.to_string()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("already"));
    let out = serve_token(at, &["revoke", "987654"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("987654"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(listed(at, "lost laptop")[5], "revoked");

    // Expired: refused once its second is up, saying when.
    std::thread::sleep(Duration::from_millis(1_200).saturating_sub(made.elapsed()));
    let (st, v) = call("GET", &url, Some(&brief), None);
    assert_eq!(st, 401, "{v}");
    let message = v["message"].as_str().unwrap();
    assert!(
        message.starts_with("token expired at ") && message.ends_with(" UTC"),
        "{v}"
    );
    assert_eq!(listed(at, "night shift")[5], "expired");
    assert_eq!(call("GET", &url, Some(&officer), None).0, 200);

    // The audit trail: officers and above; every token change in it.
    let audit =
        |q: &str, tok: &str| call("GET", &format!("{}/v1/audit{q}", s.base), Some(tok), None);
    let (st, v) = audit("", &viewer);
    assert_eq!(st, 403, "{v}");
    assert_eq!(audit("", &doomed).0, 401);
    let (st, v) = audit("", &officer);
    assert_eq!(st, 200, "{v}");
    let actions = v["actions"].as_array().unwrap();
    let ids: Vec<i64> = actions.iter().map(|a| a["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    let of = |kind: &str| -> Vec<&Value> { actions.iter().filter(|a| a["kind"] == kind).collect() };
    let created = of("token_created");
    let labels: Vec<&str> = created
        .iter()
        .map(|a| a["detail"]["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["desk 1", "wall screen", "night shift", "lost laptop"]
    );
    for a in &created {
        assert_eq!(
            (a["token_id"].as_i64(), a["incident_id"].as_i64()),
            (Some(0), Some(0))
        );
        assert_eq!(
            (&a["token_label"], &a["role"]),
            (&Value::Null, &Value::Null)
        );
        let at_unix = a["at_unix"].as_i64().unwrap();
        let at = a["at"].as_str().unwrap();
        assert!(at.ends_with('Z') && at.len() == 20, "{a}");
        assert!(at_unix > 1_600_000_000, "{a}");
    }
    assert_eq!(created[0]["detail"]["role"], "officer");
    assert_eq!(created[0]["detail"]["expires_unix"], Value::Null);
    let night = created[2]["detail"]["expires_unix"].as_i64().unwrap();
    assert!((1..=2).contains(&(night - created[2]["at_unix"].as_i64().unwrap())));
    let revoked = of("token_revoked");
    assert_eq!(revoked.len(), 1, "revoking twice records one action");
    assert_eq!(revoked[0]["detail"]["token_id"], doomed_id);
    assert_eq!(revoked[0]["detail"]["label"], "lost laptop");
    assert_eq!(created[3]["detail"]["token_id"], doomed_id);

    // Paging, an incident's actions, and bad queries.
    let (st, v) = audit("?limit=2", &officer);
    assert_eq!(st, 200, "{v}");
    let page: Vec<i64> = v["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(page, ids[..2]);
    let (_, v) = audit(&format!("?after={}&limit=1", ids[0]), &officer);
    assert_eq!(v["actions"][0]["id"], ids[1]);
    let (st, v) = audit("?incident=424242", &officer);
    assert_eq!(
        (st, v["actions"].as_array().unwrap().len()),
        (200, 0),
        "{v}"
    );
    for (q, status, field) in [
        ("?limit=5001", 422, Some("limit")),
        ("?limit=0", 422, Some("limit")),
        ("?after=-1", 422, Some("after")),
        ("?limit=ten", 400, None),
        ("?colour=red", 400, None),
    ] {
        let (st, v) = audit(q, &officer);
        assert_eq!(st, status, "{q}: {v}");
        assert!(!v["message"].as_str().unwrap().is_empty(), "{q}: {v}");
        if let Some(f) = field {
            assert_eq!(v["field"], f, "{q}: {v}");
        }
    }
    assert_eq!(audit("?limit=5000", &officer).0, 200);
}
