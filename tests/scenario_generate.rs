//! The scenario generator: the bundled generated scenarios are exactly what their
//! recipes produce, and bad recipes are clear errors.

mod common;

use std::path::Path;

use reliefflow::progress::Silent;
use reliefflow::scenario::generate::generate;

use common::{copy_scenario, repo};

fn same_file(a: &Path, b: &Path) {
    let (x, y) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    assert!(x == y, "{} differs from {}", a.display(), b.display());
}

#[test]
fn bundled_generated_scenarios_are_what_their_recipes_produce() {
    for (name, shelters, persons) in [
        ("beijing-level1", 604, 520_000),
        ("valley-flash-flood", 30, 2_400),
    ] {
        let (_tmp, dir) = copy_scenario(name);
        std::fs::remove_file(dir.join("shelters.csv")).unwrap();
        std::fs::remove_file(dir.join("stock.csv")).unwrap();
        let r = generate(&dir, &Silent).unwrap();
        assert_eq!((r.shelters, r.persons), (shelters, persons), "{name}");
        for f in ["shelters.csv", "stock.csv"] {
            same_file(&dir.join(f), &repo(&format!("scenarios/{name}/{f}")));
        }
    }
}

#[test]
fn flood_shelters_are_outside_the_flood() {
    let sc = reliefflow::scenario::Scenario::load(&repo("scenarios/valley-flash-flood")).unwrap();
    assert!(!sc.disruption.closed_areas.is_empty());
    for s in &sc.shelters {
        assert!(
            !sc.disruption
                .closed_areas
                .iter()
                .any(|a| a.contains([s.lon, s.lat])),
            "shelter {} lies in a closed flood area",
            s.id
        );
    }
}

#[test]
fn bad_recipes_name_the_file_and_the_problem() {
    let (_tmp, dir) = copy_scenario("beijing-level1");
    let recipe = std::fs::read_to_string(dir.join("generate.toml")).unwrap();
    let cases = [
        (
            recipe.replace("relocated = 520000", "relocated = \"many\""),
            "relocated",
        ),
        (recipe.replace("area_m2 = [2000, 20000]", ""), "area_m2"),
        (
            recipe.replace(
                "area_m2 = [2000, 20000]",
                "area_m2 = [2000, 20000]\nosm = [\"park\"]",
            ),
            "exactly one of",
        ),
        (
            recipe.replace(
                "area_m2 = [2000, 20000]",
                "area_m2 = [2000, 20000]\nanchors = [{ id = \"nowhere\", area_m2 = 5 }]",
            ),
            "anchor `nowhere`",
        ),
        (
            recipe.replace(
                "persons = 560000",
                "persons = 560000\nby_warehouse = { XX = 3 }",
            ),
            "unknown warehouse `XX`",
        ),
        (
            recipe.replace("[population]", "[population]\ncolour = 1"),
            "colour",
        ),
    ];
    for (text, want) in cases {
        std::fs::write(dir.join("generate.toml"), &text).unwrap();
        let e = generate(&dir, &Silent).unwrap_err().to_string();
        assert!(
            e.contains("generate.toml") && e.contains(want),
            "{want}: {e}"
        );
    }
}
