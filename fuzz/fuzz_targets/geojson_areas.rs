//! GeoJSON areas: files of closed and slow areas and district boundaries,
//! and geometries given inline in requests. Accepted areas are in range.
#![no_main]

use libfuzzer_sys::fuzz_target;

use reliefflow::io::areas::{area_from_geojson, read_area, read_named_areas};

#[path = "scratch.rs"]
mod scratch;

fuzz_target!(|data: &[u8]| {
    let path = scratch::path("area.geojson");
    std::fs::write(path, data).expect("scratch file");
    if let Ok(a) = read_area(path) {
        assert!(!a.polygons.is_empty());
        let _ = a.contains([116.4, 39.9]);
    }
    let _ = read_named_areas(path, "district");
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        if let Ok(a) = area_from_geojson(&v) {
            let _ = a.contains([116.4, 39.9]);
        }
    }
});
