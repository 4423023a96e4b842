//! The coverage audit: hand-computed figures on a two-shelter case, reproducible
//! CSV, and the HTML report rendered by headless Chromium.

mod common;

use std::path::Path;
use std::process::Command;

use reliefflow::audit::level::Level;
use reliefflow::audit::{run_audit, AuditOptions};
use reliefflow::progress::Silent;
use reliefflow::scenario::Scenario;

use common::{graph, repo};

/// One warehouse (1 truck of 10 t) and two shelters of 100 persons and 300 m² on the
/// real Helsinki extract; one item, water: 3 L first, 15 L in all per person; 2 000 L
/// in stock. Shelter A is in district D (10 000 residents), B in district E (no
/// population row). The stock table also names an unknown item.
fn tiny(dir: &Path) {
    let g = graph("helsinki-region-small");
    let n = g.node_count() as u32;
    let [w, a, b] = [0, n / 3, 2 * n / 3].map(|u| g.coord(u));
    let pbf = repo("network-data/helsinki-region-small.osm.pbf");
    let files = [
        (
            "scenario.toml",
            format!(
                "name = \"tiny\"\nnetwork = \"{}\"\n[files]\ndistricts = \"districts.geojson\"\n[incident]\ndead_missing = 12\n",
                pbf.display()
            ),
        ),
        (
            "warehouses.csv",
            format!("id,name,tier,lon,lat,trucks,truck_payload_kg,truck_volume_m3,loading_h\nW,Depot,district,{},{},1,10000,50,0.5\n", w[0], w[1]),
        ),
        (
            "shelters.csv",
            format!("id,name,district,lon,lat,area_m2,headcount\nA,A,D,{},{},300,100\nB,B,E,{},{},300,100\n", a[0], a[1], b[0], b[1]),
        ),
        (
            "items.csv",
            "item,unit,kg_per_unit,m3_per_unit,first_per_person,relief_per_person,priority\nwater,L,1,0.001,3,15,10\n".to_string(),
        ),
        ("stock.csv", "warehouse_id,item,quantity\nW,water,2000\nW,caviar,5\n".to_string()),
        ("population.csv", "district,residents\nD,10000\n".to_string()),
        // One boundary, `D`, around the whole extract: B (listed in E) lies in it.
        (
            "districts.geojson",
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"district":"D"},"geometry":{"type":"Polygon","coordinates":[[[-180,-89],[180,-89],[180,89],[-180,89],[-180,-89]]]}}]}"#.to_string(),
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn hand_computed_two_shelter_audit() {
    let dir = tempfile::tempdir().unwrap();
    tiny(dir.path());
    // The strict load refuses the unknown item; the audit's lenient load reports it.
    assert!(Scenario::load(dir.path())
        .unwrap_err()
        .to_string()
        .contains("caviar"));
    let sc = Scenario::load_lenient(dir.path()).unwrap();
    let g = graph("helsinki-region-small");
    let a = run_audit(&sc, &g, &AuditOptions::default(), &Silent).unwrap();

    // Coverage: both first batches (2 × 300 L) arrive; of 3 000 L of relief in all,
    // the 2 000 L in stock do: 2/3 of people and places covered by 10 h and 12 h.
    let city = &a.coverage[0];
    assert_eq!(
        (city.name.as_str(), city.persons, city.places),
        ("city", 200, 400)
    );
    assert!(close(city.persons_first, 1.0), "{city:?}");
    assert!(close(city.persons_relief_12h, 2.0 / 3.0), "{city:?}");
    assert!(close(city.persons_relief_10h, 2.0 / 3.0), "{city:?}");
    assert!(close(city.places_relief_12h, 2.0 / 3.0), "{city:?}");
    let names: Vec<&str> = a.coverage.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["city", "D", "E"]);
    let last = a.curve.last().unwrap();
    assert!(
        close(last.deadline_h, 24.0) && close(last.first, 1.0) && close(last.relief, 2.0 / 3.0)
    );

    // Stock: 2 000 L / 15 L = 133.3 persons of full relief; residents 10 000, so the
    // 1.2 % norm asks 120 and the 1 % norm 100: both met.
    let n = &a.stock_norms;
    assert!(close(n.persons_covered, 2000.0 / 15.0) && n.scarcest_item == "water");
    assert_eq!(n.residents, Some(10_000));
    assert!(close(n.life_support_needed.unwrap(), 120.0) && n.meets_life_support == Some(true));
    assert!(close(n.relocation_needed.unwrap(), 100.0) && n.meets_relocation == Some(true));
    assert_eq!(a.stock_tiers.len(), 1);
    assert!(close(a.stock_tiers[0].person_days, 2000.0 / 15.0));

    // Two Level-I events (1 000 000 people) and a Level-II in either district cannot
    // be met from 2 000 L.
    assert!(!a.two_level_one.passes && a.two_level_one.placements == 1);
    assert_eq!(
        a.two_level_one.worst.first_item_out.as_deref(),
        Some("water")
    );
    assert_eq!(a.two_level_one.worst.persons, 1_000_000);
    assert_eq!(a.district_level_two.len(), 2);
    assert!(a.district_level_two.iter().all(|s| !s.passes));

    // Shelter space: D has 300 m² for 10 000 residents = 0.03 m² each (target 1.5).
    let d = a.shelter_space.iter().find(|s| s.district == "D").unwrap();
    assert!(close(d.m2_per_resident.unwrap(), 0.03) && d.meets_target == Some(false));
    let e = a.shelter_space.iter().find(|s| s.district == "E").unwrap();
    assert_eq!((e.residents, e.m2_per_resident), (None, None));

    // 200 relocated is below Level IV; 12 dead and missing raise it to Level III.
    let (level, why) = a.response_level.clone().unwrap();
    assert_eq!(level, Level::III);
    assert!(why.contains("dead and missing"), "{why}");

    // Losing the only warehouse loses everything.
    assert_eq!(a.warehouse_lost.len(), 1);
    assert!(close(a.warehouse_lost[0].first_share, 0.0));
    assert!(!a.road_closed.is_empty());

    // Data quality: the unknown item and the missing population are findings.
    let f = a.findings.join("\n");
    assert!(f.contains("caviar") && f.contains("row skipped"), "{f}");
    assert!(f.contains("population missing for district `E`"), "{f}");
    assert!(
        f.contains("shelter B is listed in `E` but lies inside the `D` boundary"),
        "{f}"
    );
    assert!(!f.contains("shelter A is listed"), "{f}");
}

fn audit_cli(out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_reliefflow"))
        .args([
            "audit",
            "scenarios/xicheng-earthquake",
            "-o",
            out.to_str().unwrap(),
        ])
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn two_audits_of_the_same_inputs_give_identical_csv_and_hashes() {
    let (x, y) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    audit_cli(x.path());
    audit_cli(y.path());
    let a = std::fs::read(x.path().join("audit.csv")).unwrap();
    assert_eq!(a, std::fs::read(y.path().join("audit.csv")).unwrap());
    assert!(String::from_utf8(a)
        .unwrap()
        .starts_with("area,name,shelters"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(x.path().join("audit.json")).unwrap()).unwrap();
    let inputs = json["inputs"].as_array().unwrap();
    assert!(inputs.iter().any(|i| i["file"]
        .as_str()
        .unwrap()
        .ends_with("beijing-core.osm.pbf")));
    assert!(inputs
        .iter()
        .all(|i| i["sha256"].as_str().unwrap().len() == 64));
    assert_eq!(json["binary_sha256"].as_str().unwrap().len(), 64);
}

/// Renders audit.html in headless Chromium: the page's text must hold the figures
/// and the screenshot must not be blank. Chromium is installed by `.ci/run`; outside
/// CI the test is skipped when it is missing.
#[test]
fn audit_html_renders_in_headless_chromium() {
    let Some(chromium) = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium (see .ci/run)"
        );
        eprintln!("chromium not installed: skipping the rendering check");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    audit_cli(out.path());
    let url = format!("file://{}", out.path().join("audit.html").display());
    let profile = tempfile::tempdir().unwrap();
    let shot = out.path().join("audit.png");
    let run = |extra: &[String]| {
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1200,2400",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.extend_from_slice(extra);
        args.push(url.clone());
        let o = Command::new(chromium).args(&args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let dom = run(&["--dump-dom".to_string()]);
    for want in [
        "Coverage audit — xicheng-earthquake",
        "Time coverage",
        "Map: time to first batch",
        "Single points of failure",
        "<svg",
        "<circle",
    ] {
        assert!(dom.contains(want), "rendered page lacks {want:?}");
    }
    run(&[format!("--screenshot={}", shot.display())]);
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    // A blank 1200 × 2400 page compresses to a few kB; charts and a map do not.
    assert!(png.len() > 50_000, "screenshot is only {} bytes", png.len());
}
