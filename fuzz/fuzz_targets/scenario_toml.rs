//! Scenario TOML: any bytes as `scenario.toml` in a copy of the Xicheng
//! scenario (its tables and area files beside it, the district boundaries
//! where `../data/` points), loaded strictly and leniently, and as a what-if
//! disruption file. Refusals name the file; nothing panics.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use reliefflow::io::disruption_file::read_disruption;
use reliefflow::scenario::Scenario;

fn folder() -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let d = tempfile::tempdir().expect("temporary folder");
        let data = d.path().join("data");
        std::fs::create_dir(&data).expect("data folder");
        std::fs::copy(
            repo.join("scenarios/data/beijing-districts.geojson"),
            data.join("beijing-districts.geojson"),
        )
        .expect("districts");
        let dir = d.path().join("x");
        std::fs::create_dir(&dir).expect("scenario folder");
        for e in std::fs::read_dir(repo.join("scenarios/xicheng-earthquake")).expect("scenario") {
            let p = e.expect("entry").path();
            std::fs::copy(&p, dir.join(p.file_name().expect("name"))).expect("copy");
        }
        (d, dir)
    })
    .1
}

fuzz_target!(|data: &[u8]| {
    let dir = folder();
    let toml = dir.join("scenario.toml");
    std::fs::write(&toml, data).expect("scratch file");
    if let Ok(s) = Scenario::load(dir) {
        assert!(reliefflow::scenario::is_folder_name(&s.name));
        assert!(s.targets.relief_h.is_finite() && s.targets.first_delivery_h > 0.0);
    }
    let _ = Scenario::load_lenient(dir);
    let _ = read_disruption(&toml);
});
