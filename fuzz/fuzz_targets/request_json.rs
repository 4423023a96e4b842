//! The service's request bodies and query fields: any bytes as the JSON body
//! of each write request (through the same extractor the server uses, whose
//! rejections name the field), and as the OSRM-style `coordinates`,
//! `sources` and `destinations` fields. Refusals are 4xx, never a panic. Also
//! the siting fan-out's worker request.
#![no_main]

use std::sync::OnceLock;

use axum::extract::{FromRequest, Request};
use libfuzzer_sys::fuzz_target;
use reliefflow::serve::error::Body;
use reliefflow::serve::incidents::{DisruptionBody, IncidentBody};
use reliefflow::serve::inventory::{FleetPatch, ShelterPatch, Stocktake};
use reliefflow::serve::routing::{parse_coordinates, parse_indices};
use serde::de::DeserializeOwned;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
    })
}

fn extract<T: DeserializeOwned>(data: &[u8]) {
    let req = Request::builder()
        .header("content-type", "application/json")
        .body(axum::body::Body::from(data.to_vec()))
        .expect("request");
    if let Err(e) = runtime().block_on(Body::<T>::from_request(req, &())) {
        let status = e.status.as_u16();
        assert!((400..500).contains(&status), "status {status}");
    }
}

fuzz_target!(|data: &[u8]| {
    extract::<IncidentBody>(data);
    extract::<DisruptionBody>(data);
    extract::<ShelterPatch>(data);
    extract::<FleetPatch>(data);
    extract::<Stocktake>(data);
    // The siting fan-out's worker request (`reliefflow site-worker`).
    let _ = serde_json::from_slice::<reliefflow::site::fanout::WorkerRequest>(data);
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(points) = parse_coordinates(text) {
            assert!(points
                .iter()
                .all(|p| p[0].abs() <= 180.0 && p[1].abs() <= 90.0));
        }
        if let Ok(ix) = parse_indices(Some(text), 7, "sources") {
            assert!(ix.iter().all(|&i| i < 7));
        }
    }
});
