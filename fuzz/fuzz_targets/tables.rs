//! Every CSV table of a scenario: the first byte picks the table, the rest is
//! the file. Readers may refuse, never panic; what they accept is in range.
#![no_main]

use libfuzzer_sys::fuzz_target;

use reliefflow::io::{candidates, facilities, points};
use reliefflow::supplies::Catalogue;

#[path = "scratch.rs"]
mod scratch;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, text)) = data.split_first() else {
        return;
    };
    let path = scratch::path("table.csv");
    std::fs::write(path, text).expect("scratch file");
    match kind % 8 {
        0 => {
            if let Ok(s) = facilities::read_shelters(path) {
                for x in &s {
                    assert!(x.lon.is_finite() && x.lat.is_finite());
                    assert!(x.priority.total() <= x.headcount);
                }
            }
        }
        1 => {
            if let Ok(w) = facilities::read_warehouses(path) {
                for x in &w {
                    assert!(x.fleet.payload_kg > 0.0 && x.fleet.payload_kg.is_finite());
                }
            }
        }
        2 => {
            let w = std::fs::write(
                path.with_extension("w.csv"),
                "id,name,tier,lon,lat,trucks,truck_payload_kg,truck_volume_m3,loading_h\nW1,a,district,116.3,39.9,2,5000,30,0.5\n",
            );
            w.expect("scratch file");
            let ws = facilities::read_warehouses(&path.with_extension("w.csv")).expect("valid");
            let _ = facilities::read_stock(path, &ws, &Catalogue::sphere_default());
            let mut findings = Vec::new();
            let _ = facilities::read_stock_lenient(
                path,
                &ws,
                &Catalogue::sphere_default(),
                &mut findings,
            );
        }
        3 => {
            let _ = facilities::read_items(path);
        }
        4 => {
            let _ = facilities::read_population(path);
        }
        5 => {
            let _ = points::read_points(path, points::Datum::Wgs84);
            let _ = points::read_points(path, points::Datum::Gcj02);
        }
        _ => {
            if let Ok(c) = candidates::read_candidates(path) {
                for x in &c {
                    assert!(x.capacity_persons >= 1);
                    let f = &x.fleet;
                    for v in [f.payload_kg, f.volume_m3, f.loading_h].into_iter().flatten() {
                        assert!(v.is_finite() && v > 0.0);
                    }
                }
            }
        }
    }
});
