//! The ledger's rules without HTTP, on a real SQLite file and a real
//! PostgreSQL: one live plan per incident, issue and release idempotent, a
//! re-plan superseding the live plan, trip numbers never reused, and a trip
//! departing while its plan is released at the same instant applied once, with
//! the running totals equal to what the trips hold after every round.

mod common;

use std::collections::BTreeMap;

use common::server::{postgres, sqlite, Place};
use reliefflow::scenario::Scenario;
use reliefflow::store::dispatch::TripState;
use reliefflow::store::incidents::NewIncident;
use reliefflow::store::plan_content::PlanContent;
use reliefflow::store::records::{
    Assumed, Caller, NewDraft, PlanConflict, Role, TripBooking, TripLine,
};
use reliefflow::store::Store;

const BY: Caller = Caller {
    token_id: 1,
    role: Role::Officer,
};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap()
}

async fn seeded(at: &Place) -> Store {
    let store = Store::open(&at.url).await.unwrap();
    let sc = Scenario::load(&common::repo("scenarios/xicheng-earthquake")).unwrap();
    store.seed(&sc).await.unwrap();
    store
}

/// A trip of `units` water from XC-N on truck `truck`, an hour from now.
fn trip(id: i64, truck: i64, units: i64, hour: f64) -> TripBooking {
    TripBooking {
        trip: id,
        warehouse_id: "XC-N".into(),
        truck,
        phase: "first".into(),
        load_h: hour,
        depart_h: hour + 0.25,
        return_h: Some(hour + 1.0),
        stops: vec!["bj7".into()],
        lines: vec![TripLine {
            shelter_id: "bj7".into(),
            item: "water".into(),
            phase: "first".into(),
            units,
        }],
    }
}

/// Stores a draft of `trips` for `incident` (re-planning `supersedes`).
async fn draft(store: &Store, incident: i64, supersedes: i64, trips: &[TripBooking]) -> i64 {
    let inc = store.incident(incident).await.unwrap().unwrap();
    let assumed = Assumed {
        incident_version: inc.version,
        trips_upto: store.top_trip(incident).await.unwrap(),
        ..Assumed::default()
    };
    let content = PlanContent::new(
        &format!("{incident}/{supersedes}/{}", trips.len()),
        &[],
        &serde_json::json!({}),
        String::new(),
        trips,
    );
    store
        .create_draft(
            BY,
            NewDraft {
                incident_id: incident,
                plan_unix: inc.event_unix,
                assumed: &assumed,
                content: &content,
                supersedes,
            },
        )
        .await
        .unwrap()
}

async fn incident(store: &Store, name: &str) -> i64 {
    let now = reliefflow::store::now_unix();
    store
        .create_incident(
            BY,
            &NewIncident {
                name: name.into(),
                event_time: String::new(),
                shelters: Vec::new(),
                closed_ways: Vec::new(),
                disruption: Default::default(),
                event_unix: Some(now),
            },
        )
        .await
        .unwrap()
        .id
}

/// Units of XC-N water: (reserved, in transit) as the store's running totals
/// say, and as the trips of every plan hold them.
async fn water(store: &Store, plans: &[i64]) -> ((i64, i64), (i64, i64)) {
    let l = store.stock_levels().await.unwrap()["XC-N"]["water"];
    let mut held = (0, 0);
    for &p in plans {
        for t in store.trips_of(p).await.unwrap() {
            let u = t.loads.get("water").copied().unwrap_or(0);
            match t.state {
                TripState::Reserved => held.0 += u,
                TripState::Departed => held.1 += u,
                _ => {}
            }
        }
    }
    ((l.reserved, l.in_transit), held)
}

on_both_stores!(one_live_plan_and_idempotent_transitions);

fn one_live_plan_and_idempotent_transitions(at: &Place) {
    rt().block_on(async {
        let store = seeded(at).await;
        let inc = incident(&store, "one live plan").await;
        let a = draft(&store, inc, 0, &[trip(1, 0, 100, 1.0), trip(2, 1, 50, 1.0)]).await;
        let b = draft(&store, inc, 0, &[trip(1, 2, 70, 1.0)]).await;
        let done = store.issue(BY, a).await.unwrap();
        assert!(!done.already);
        // Issued again: the same plan, nothing booked twice.
        assert!(store.issue(BY, a).await.unwrap().already);
        assert_eq!(water(&store, &[a]).await, ((150, 0), (150, 0)));
        // A second fresh plan of the incident is refused, naming the live one.
        match store.issue(BY, b).await {
            Err(PlanConflict::IncidentHasPlan { live, .. }) => assert_eq!(live, a),
            other => panic!("{other:?}"),
        }
        // A re-plan keeps trip 1 (its number) and adds trip 3 after the top.
        let c = draft(&store, inc, a, &[trip(1, 0, 100, 1.0), trip(3, 3, 20, 1.0)]).await;
        let d = draft(&store, inc, a, &[trip(3, 1, 10, 1.0)]).await;
        assert_eq!(store.issue(BY, c).await.unwrap().superseded, Some(a));
        assert_eq!(water(&store, &[a, c]).await, ((120, 0), (120, 0)));
        assert_eq!(
            store.incident(inc).await.unwrap().unwrap().live_plan,
            Some(c)
        );
        // Another re-plan of the superseded plan cannot be issued.
        match store.issue(BY, d).await {
            Err(PlanConflict::IncidentHasPlan { live, .. }) => assert_eq!(live, c),
            other => panic!("{other:?}"),
        }
        // A draft whose new trip numbers another plan took since is stale.
        store.release(BY, c).await.unwrap();
        let e = {
            let inc_now = store.incident(inc).await.unwrap().unwrap();
            let content = PlanContent::new(
                "e",
                &[],
                &serde_json::json!({}),
                String::new(),
                &[trip(2, 0, 5, 1.0)],
            );
            store
                .create_draft(
                    BY,
                    NewDraft {
                        incident_id: inc,
                        plan_unix: inc_now.event_unix,
                        assumed: &Assumed {
                            incident_version: inc_now.version,
                            trips_upto: 0,
                            ..Assumed::default()
                        },
                        content: &content,
                        supersedes: 0,
                    },
                )
                .await
                .unwrap()
        };
        assert!(matches!(
            store.issue(BY, e).await,
            Err(PlanConflict::Stale { .. })
        ));
        // Released twice: nothing given back twice.
        assert!(!store.release(BY, c).await.unwrap());
        assert_eq!(water(&store, &[a, c]).await, ((0, 0), (0, 0)));
        assert_eq!(store.incident(inc).await.unwrap().unwrap().live_plan, None);
    });
}

on_both_stores!(a_kept_trip_that_left_since_makes_the_replan_stale);

/// A re-plan keeps trip 1 of the live plan; trip 1 leaves before the re-plan
/// is issued: issuing it is stale (draft again), naming the trip, not a busy
/// truck; nothing changes.
fn a_kept_trip_that_left_since_makes_the_replan_stale(at: &Place) {
    rt().block_on(async {
        let store = seeded(at).await;
        let inc = incident(&store, "kept trip left").await;
        let a = draft(&store, inc, 0, &[trip(1, 0, 100, 1.0), trip(2, 1, 50, 1.0)]).await;
        store.issue(BY, a).await.unwrap();
        let b = draft(&store, inc, a, &[trip(1, 0, 100, 1.0), trip(3, 2, 30, 1.0)]).await;
        store
            .advance_trip(BY, a, 1, TripState::Departed)
            .await
            .unwrap();
        let before = water(&store, &[a, b]).await;
        match store.issue(BY, b).await {
            Err(PlanConflict::Stale { reason }) => {
                assert!(
                    reason.contains("trip 1 of plan") && reason.contains("has left"),
                    "{reason}"
                )
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(water(&store, &[a, b]).await, before);
        assert_eq!(
            store.incident(inc).await.unwrap().unwrap().live_plan,
            Some(a)
        );
    });
}

on_both_stores!(shelter_counts_are_checked_in_the_writing_transaction);

/// Two officers' changes, each fine against the counts its caller read (one
/// lowers bj0's headcount, the other raises its elderly), cannot together
/// leave more priority people than people: the second is refused by the
/// store's own transaction, naming the shelter, and writes nothing.
fn shelter_counts_are_checked_in_the_writing_transaction(at: &Place) {
    rt().block_on(async {
        let store = seeded(at).await;
        let bj0 = |list: Vec<reliefflow::store::inventory::ShelterRecord>| {
            list.into_iter().find(|s| s.id == "bj0").unwrap()
        };
        let before = bj0(store.shelters().await.unwrap());
        let priority: i64 = before.priority.iter().sum();
        let elderly = before.priority[0];
        // Officer A: headcount down to the priority people (valid then).
        store
            .set_shelter_count(BY, "bj0", "headcount", priority, "recount")
            .await
            .unwrap();
        // Officer B, who read the old headcount: ten more elderly.
        let e = store
            .set_shelter_count(BY, "bj0", "elderly", elderly + 10, "bus arrived")
            .await
            .unwrap_err();
        let said = e.to_string();
        assert!(
            matches!(e, reliefflow::store::StoreError::Invalid(_)) && said.contains("shelter bj0"),
            "{said}"
        );
        let after = bj0(store.shelters().await.unwrap());
        assert_eq!(
            (after.headcount, after.priority),
            (priority, before.priority)
        );
    });
}

on_both_stores!(depart_and_release_at_once_apply_once);

/// Rounds of a trip departing while its plan is released, fired together:
/// whichever lands first wins, the other is refused or finds nothing left to
/// give back; the totals equal what the trips hold after every round.
fn depart_and_release_at_once_apply_once(at: &Place) {
    rt().block_on(async {
        let store = seeded(at).await;
        let mut plans = Vec::new();
        for round in 0..12 {
            let inc = incident(&store, &format!("race {round}")).await;
            let hour = 1.0 + 2.0 * f64::from(round as u8);
            let p = draft(
                &store,
                inc,
                0,
                &[trip(1, 0, 40, hour), trip(2, 1, 60, hour)],
            )
            .await;
            store.issue(BY, p).await.unwrap();
            plans.push(p);
            let (s1, s2) = (store.clone(), store.clone());
            let depart =
                tokio::spawn(async move { s1.advance_trip(BY, p, 1, TripState::Departed).await });
            let release = tokio::spawn(async move { s2.release(BY, p).await });
            let (d, r) = (depart.await.unwrap(), release.await.unwrap());
            assert!(r.is_ok(), "round {round}: release {r:?}");
            if let Err(e) = &d {
                assert!(
                    matches!(e, PlanConflict::TripState { .. }),
                    "round {round}: {e:?}"
                );
            }
            let (totals, held) = water(&store, &plans).await;
            assert_eq!(totals, held, "round {round}: totals against trips");
            assert!(totals.0 >= 0 && totals.1 >= 0);
            // The departed trip (if it left first) is delivered later.
            if d.is_ok() {
                store
                    .advance_trip(BY, p, 1, TripState::Delivered)
                    .await
                    .unwrap();
            }
        }
        let (totals, held) = water(&store, &plans).await;
        assert_eq!((totals, held), ((0, 0), (0, 0)));
        let levels: BTreeMap<_, _> = store.stock_levels().await.unwrap();
        assert!(levels["XC-N"]["water"].available <= levels["XC-N"]["water"].on_hand);
    });
}
