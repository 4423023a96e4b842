//! The graph cache: raw bytes (header checks), and any body sealed with a
//! valid header and checksum (the decoder and the structural checks behind
//! it). A graph that loads must answer a route query without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reliefflow::network::cache::{decode, seal, CacheState};

const SOURCE: [u8; 32] = [1; 32];
const PROFILE: [u8; 32] = [2; 32];

fuzz_target!(|data: &[u8]| {
    let _ = decode(data, SOURCE, PROFILE);
    if let CacheState::Loaded(g) = decode(&seal(data.to_vec(), SOURCE, PROFILE), SOURCE, PROFILE) {
        let n = g.node_count() as u32;
        let _ = reliefflow::network::route::fastest_route(
            &g,
            &reliefflow::network::EdgeWeights::base(&g),
            0,
            n - 1,
        );
        let _ = reliefflow::network::cch::CchEngine::new(
            &g,
            &reliefflow::network::EdgeWeights::base(&g),
        )
        .route(0, n - 1);
    }
});
