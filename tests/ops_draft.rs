//! A draft *is* `reliefflow plan` at the same effort: the service's drafting
//! ([`reliefflow::ops`], without HTTP, on a real SQLite store) and
//! [`plan_with_bounds`] on the scenario's files give the same trips, in the
//! same `trips.csv`, and the same KPIs — with the bundled fleets and with a
//! quarter of the trucks (where the fleet binds and the planner searches), and
//! from a plan time after the event.

mod common;

use std::sync::Arc;

use reliefflow::ops::draft::DraftOptions;
use reliefflow::ops::lifecycle::DraftRequest;
use reliefflow::ops::Ops;
use reliefflow::plan::{kpi, plan_with_bounds, prepare, Effort, PlanOptions};
use reliefflow::report::plan_files::write_trips_to;
use reliefflow::scenario::Scenario;
use reliefflow::store::incidents::NewIncident;
use reliefflow::store::records::{Caller, Role};
use reliefflow::store::Store;

const OFFICER: Caller = Caller {
    token_id: 1,
    role: Role::Officer,
};
const ADMIN: Caller = Caller {
    token_id: 2,
    role: Role::Admin,
};

/// The draft of a fresh incident on a store whose fleets are the scenario's
/// scaled by `scale` (⌈trucks × scale⌉, set as an admin would), planned
/// `after_h` hours after the event, against `reliefflow plan --at +after_h`
/// on a copy of the scenario with `warehouses.csv` scaled the same way.
fn draft_equals_plan(scale: f64, after_h: f64) {
    let (_tmp, dir) = common::copy_scenario("xicheng-earthquake");
    common::scale_fleet(&dir, scale);
    let mut files = Scenario::load(&dir).unwrap();
    files.set_plan_time(after_h);
    let graph = common::graph("beijing-core");
    let prep = prepare(&files, &graph).unwrap();
    let p = plan_with_bounds(&files, &prep, &PlanOptions::full()).unwrap();
    let mut cli_csv = Vec::new();
    write_trips_to(&mut cli_csv, &files, &p).unwrap();
    let cli_kpis = serde_json::to_value(kpi::compute(&files, &p)).unwrap();

    let base = Scenario::load(&common::repo("scenarios/xicheng-earthquake")).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let db = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", db.path().join("store.sqlite").display());
    let (answer, csv) = rt.block_on(async {
        let store = Store::open(&url).await.unwrap();
        store.seed(&base).await.unwrap();
        for w in &files.warehouses {
            let trucks = f64::from(w.fleet.trucks);
            store
                .set_fleet(ADMIN, &w.id, &[("trucks", trucks)], "quarter fleet")
                .await
                .unwrap();
        }
        let event = 1_765_000_000;
        let inc = store
            .create_incident(
                OFFICER,
                &NewIncident {
                    name: "as bundled".into(),
                    event_time: String::new(),
                    shelters: Vec::new(),
                    closed_ways: Vec::new(),
                    disruption: Default::default(),
                    event_unix: Some(event),
                },
            )
            .await
            .unwrap();
        let ops = Arc::new(Ops::new(base.clone(), graph, Arc::new(store.clone())));
        let req = DraftRequest {
            opts: DraftOptions {
                cold: false,
                effort: Effort::Full,
            },
            keep: true,
            at: Some(event + (after_h * 3600.0).round() as i64),
        };
        let d = ops.draft(OFFICER, inc.id, req).await.unwrap();
        let csv = store.plan_trips_csv(d.plan_id).await.unwrap().unwrap();
        (d.answer, csv)
    });
    let cli_csv = String::from_utf8(cli_csv).unwrap();
    assert!(cli_csv.lines().count() > 20, "{cli_csv}");
    assert_eq!(
        csv, cli_csv,
        "trips.csv at {scale} of the fleet, +{after_h} h"
    );
    assert_eq!(answer["plan"]["kpis"], cli_kpis);
}

#[test]
fn a_draft_is_the_command_line_plan_with_the_bundled_fleets() {
    draft_equals_plan(1.0, 0.0);
}

#[test]
fn a_draft_is_the_command_line_plan_with_a_quarter_of_the_trucks() {
    draft_equals_plan(0.25, 0.0);
}

#[test]
fn a_draft_is_the_command_line_plan_from_a_later_plan_time() {
    draft_equals_plan(0.25, 2.5);
}
