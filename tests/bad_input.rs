//! The bad-input suite, scenario folders: tables, scenario TOML and GeoJSON
//! areas, each case run through the real binary on a damaged copy of the
//! Xicheng scenario. Every case must end with exit code 1 (never a panic), an
//! error naming the input at fault (file, line, field) and what was expected,
//! and an output folder exactly as it was before the run. The other inputs
//! (road extracts and their cache, DIMACS, arguments, point lists) are in
//! `bad_input_files.rs`.

mod common;

use common::bad::{case, scenario_cases, Edit};

const SHELTER_ROW: &str = "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,19749,196,39,19,1,3,5";

#[test]
fn bad_shelter_tables_are_refused_naming_file_line_and_field() {
    use Edit::*;
    let f = "shelters.csv";
    let cases = [
        case(f, Whole(""), &["empty", "no shelter"]),
        case(f, Whole("id,name,district,lon,lat,area_m2,headcount,elderly,children,pregnant,disabled,injured\n"), &["empty", "no shelter"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,19749,-196,39,19,1,3,5"), &["line 2", "headcount"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,19749,many,39,19,1,3,5"), &["line 2", "headcount"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,19749,1e30,39,19,1,3,5"), &["line 2", "headcount"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,19749,99999999999999999999,39,19,1,3,5"), &["line 2", "headcount"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,19749,2147483647,39,19,1,3,5"), &["line 2", "`headcount`", "[0, 10000000]"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,NaN,39.8791785,19749,196,39,19,1,3,5"), &["line 2", "lon"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,inf,39.8791785,19749,196,39,19,1,3,5"), &["line 2", "lon"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,216.35,39.8791785,19749,196,39,19,1,3,5"), &["line 2", "lon"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,-91,19749,196,39,19,1,3,5"), &["line 2", "lat"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,NaN,19749,196,39,19,1,3,5"), &["line 2", "lat"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,39.8791785,116.3521323,19749,196,39,19,1,3,5"), &["line 2", "lat"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,19749,196,197,19,1,3,5"), &["line 2", "priority"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,19749,196,18446744073709551615,18446744073709551615,1,3,5"), &["line 2"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,19749,196,-1,19,1,3,5"), &["line 2", "elderly"]),
        case(f, Sub(SHELTER_ROW, ",shelter bj0,Xicheng,116.3521323,39.8791785,19749,196,39,19,1,3,5"), &["line 2", "id"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323"), &["line 2"]),
        case(f, Sub("bj1,", "bj0,"), &["line 3", "bj0"]),
        case(f, Sub("headcount", "persons"), &["headcount"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,-5,196,39,19,1,3,5"), &["line 2", "area_m2"]),
        case(f, Sub(SHELTER_ROW, "bj0,shelter bj0,Xicheng,116.3521323,39.8791785,NaN,196,39,19,1,3,5"), &["line 2", "area_m2"]),
        case(f, Append("bj999,late,Xicheng,116.35,39.88,100,10,1,1,0,0,0,extra,columns\n"), &["line 106", "14 fields, expected 12"]),
        case(f, Remove, &[]),
    ];
    scenario_cases("plan", &cases);
}

#[test]
fn bad_warehouse_and_stock_tables_are_refused() {
    use Edit::*;
    let (w, s) = ("warehouses.csv", "stock.csv");
    const XCN: &str = "XC-N,Xicheng north district warehouse (assumed site near Deshengmen),district,116.3760,39.9465,4,5000,30,0.5";
    let xcn = |row: &'static str| Sub(XCN, row);
    let cases = [
        case(w, Whole(""), &["no warehouse"]),
        case(
            w,
            Whole("id,name,tier,lon,lat,trucks,truck_payload_kg,truck_volume_m3,loading_h\n"),
            &["no warehouse"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,-4,5000,30,0.5"),
            &["line 2", "trucks"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,4,0,30,0.5"),
            &["line 2", "truck_payload_kg"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,4,NaN,30,0.5"),
            &["line 2", "truck_payload_kg"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,4,5000,inf,0.5"),
            &["line 2", "truck_volume_m3"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,4,5000,0,0.5"),
            &["line 2", "truck_volume_m3"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,4,5000,30,NaN"),
            &["line 2", "loading_h"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,4,5000,30,-1"),
            &["line 2", "loading_h"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,4,5000,30,inf"),
            &["line 2", "loading_h"],
        ),
        case(
            w,
            xcn("XC-N,n,district,516.3760,39.9465,4,5000,30,0.5"),
            &["line 2", "lon"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,NaN,4,5000,30,0.5"),
            &["line 2", "lat"],
        ),
        case(
            w,
            xcn("XC-N,n,district,116.3760,39.9465,four,5000,30,0.5"),
            &["line 2", "trucks"],
        ),
        case(
            w,
            xcn("XC-C,n,district,116.3760,39.9465,4,5000,30,0.5"),
            &["XC-C"],
        ),
        case(w, Sub("truck_payload_kg", "payload"), &["truck_payload_kg"]),
        case(w, Remove, &[]),
        case(s, Whole(""), &["no stock"]),
        case(s, Whole("warehouse_id,item,quantity\n"), &["no stock"]),
        case(
            s,
            Sub("XC-N,water,25500", "XC-X,water,25500"),
            &["line 2", "XC-X"],
        ),
        case(
            s,
            Sub("XC-N,water,25500", "XC-N,whisky,25500"),
            &["line 2", "whisky"],
        ),
        case(
            s,
            Sub("XC-N,water,25500", "XC-N,water,-25500"),
            &["line 2", "quantity"],
        ),
        case(
            s,
            Sub("XC-N,water,25500", "XC-N,water,lots"),
            &["line 2", "quantity"],
        ),
        case(
            s,
            Sub("XC-N,water,25500", "XC-N,water,NaN"),
            &["line 2", "quantity"],
        ),
        case(
            s,
            Sub("XC-N,water,25500", "XC-N,water,1e40"),
            &["line 2", "quantity"],
        ),
        case(
            s,
            Sub("XC-N,water,25500", "XC-N,water,99999999999999999999999"),
            &["line 2", "quantity"],
        ),
        case(s, Sub("quantity", "qty"), &["quantity"]),
        case(s, Remove, &[]),
    ];
    scenario_cases("plan", &cases);
}

#[test]
fn bad_scenario_toml_and_areas_are_refused() {
    use Edit::*;
    let (t, c, d) = (
        "scenario.toml",
        "collapse-zone.geojson",
        "debris-hutong.geojson",
    );
    let cases = [
        case(t, Whole(""), &["name"]),
        case(t, Whole("this is not toml ["), &[]),
        case(t, Sub("name = \"xicheng-earthquake\"", "name = \"../../escape\""), &["name"]),
        case(t, Sub("name = \"xicheng-earthquake\"", "name = \"\""), &["name"]),
        case(t, Sub("name = \"xicheng-earthquake\"", "name = \"/tmp/x\""), &["name"]),
        case(t, Sub("name = \"xicheng-earthquake\"", "name = \".hidden\""), &["name"]),
        case(t, Sub("first_delivery_h = 6.0", "first_delivery_h = nan"), &["first_delivery_h"]),
        case(t, Sub("first_delivery_h = 6.0", "first_delivery_h = -6.0"), &["first_delivery_h"]),
        case(t, Sub("relief_h = 12.0", "relief_h = inf"), &["relief_h"]),
        case(t, Sub("relief_h = 12.0", "relief_h = 3.0"), &["relief_h"]),
        case(t, Sub("unloading_h = 0.25", "unloading_h = nan"), &["unloading_h"]),
        case(t, Sub("unloading_h = 0.25", "unloading_h = -0.25"), &["unloading_h"]),
        case(t, Sub("unloading_h = 0.25", "unloading_h = inf"), &["unloading_h"]),
        case(t, Sub("unloading_h = 0.25", "unloading_h = \"a quarter\""), &["unloading_h"]),
        case(t, Sub("unloading_h = 0.25", "unloading_hours = 0.25"), &["unloading_hours"]),
        case(t, Sub("closed_ways = [8611,", "closed_ways = [\"x\","), &["closed_ways"]),
        case(t, Sub("closed_areas = [\"collapse-zone.geojson\"]", "closed_areas = [\"missing.geojson\"]"), &["missing.geojson", "no such file"]),
        case(t, Sub("factor = 0.3", "factor = 0.0"), &["factor"]),
        case(t, Sub("factor = 0.3", "factor = -0.3"), &["factor"]),
        case(t, Sub("factor = 0.3", "factor = nan"), &["factor"]),
        case(t, Sub("factor = 0.3", "factor = 3.0"), &["factor"]),
        case(t, Sub("[files]", "[files]\nitems = \"my-items.csv\""), &["my-items.csv"]),
        case(t, Sub("[files]", "[files]\nshelters = \"nowhere.csv\""), &["nowhere.csv"]),
        case(t, Sub("network = \"", "network = \"/nonexistent/"), &["/nonexistent/", "osm.pbf"]),
        case(c, Whole(""), &[]),
        case(c, Whole("{not json"), &[]),
        case(c, Whole("{\"type\":\"FeatureCollection\",\"features\":[]}"), &["no polygon"]),
        case(c, Whole("{\"type\":\"Point\",\"coordinates\":[116.36,39.93]}"), &["polygon"]),
        case(c, Whole("{\"type\":\"Polygon\",\"coordinates\":[[[116.36,39.93],[116.37,39.93],[116.36,39.93]]]}"), &["polygon"]),
        case(c, Whole("{\"type\":\"Polygon\",\"coordinates\":[[[516.36,39.93],[116.37,39.93],[116.37,39.94],[516.36,39.93]]]}"), &["516.36"]),
        case(c, Whole("{\"type\":\"Polygon\",\"coordinates\":[[[39.93,116.36],[39.93,116.37],[39.94,116.37],[39.93,116.36]]]}"), &["116.36"]),
        case(d, Whole("[1, 2, 3]"), &[]),
    ];
    scenario_cases("plan", &cases);
}

#[test]
fn bad_items_population_and_candidates_are_refused() {
    use Edit::*;
    let (i, p) = ("items.csv", "population.csv");
    const H: &str =
        "item,unit,kg_per_unit,m3_per_unit,first_per_person,relief_per_person,priority\n";
    let items = |rows: &'static str| -> Edit {
        // Leaked once per case: the table of cases is built once per test run.
        Whole(Box::leak(format!("{H}{rows}").into_boxed_str()))
    };
    let cases = [
        case(i, Whole(""), &["item"]),
        case(i, items(""), &["item"]),
        case(
            i,
            items("water,L,-1,0.001,3,5,1\n"),
            &["line 2", "kg_per_unit"],
        ),
        case(
            i,
            items("water,L,NaN,0.001,3,5,1\n"),
            &["line 2", "kg_per_unit"],
        ),
        case(
            i,
            items("water,L,1,inf,3,5,1\n"),
            &["line 2", "m3_per_unit"],
        ),
        case(
            i,
            items("water,L,1,0.001,-3,5,1\n"),
            &["line 2", "first_per_person"],
        ),
        case(
            i,
            items("water,L,1,0.001,3,NaN,1\n"),
            &["line 2", "relief_per_person"],
        ),
        case(
            i,
            items("water,L,1,0.001,3,5,1\nwater,L,1,0.001,3,5,1\n"),
            &["line 3", "water"],
        ),
        case(i, Whole("item,unit\nwater,L\n"), &["kg_per_unit"]),
    ];
    scenario_cases("plan", &cases);
    let cases = [
        case(
            p,
            Whole("district,residents\nXicheng,-5\n"),
            &["line 2", "residents"],
        ),
        case(
            p,
            Whole("district,residents\nXicheng,many\n"),
            &["line 2", "residents"],
        ),
        case(
            p,
            Whole("district,residents\nXicheng,5\nXicheng,6\n"),
            &["line 3", "Xicheng"],
        ),
        case(p, Whole("district\nXicheng\n"), &["residents"]),
    ];
    scenario_cases("audit", &cases);
    let c = "candidates.csv";
    const C1: &str =
        "C1-grid,assumed site near road node 5146217985,116.326245,39.878114,5000,assumed";
    let cases = [
        case(c, Whole(""), &["no candidate"]),
        case(
            c,
            Whole("id,name,lon,lat,capacity_persons,kind\n"),
            &["no candidate"],
        ),
        case(
            c,
            Sub(C1, "C1-grid,x,NaN,39.878114,5000,assumed"),
            &["line 2", "lon"],
        ),
        case(
            c,
            Sub(C1, "C1-grid,x,116.326245,95,5000,assumed"),
            &["line 2", "lat"],
        ),
        case(
            c,
            Sub(C1, "C1-grid,x,116.326245,39.878114,-5000,assumed"),
            &["line 2", "capacity_persons"],
        ),
        case(
            c,
            Sub(C1, "C1-grid,x,116.326245,39.878114,lots,assumed"),
            &["line 2", "capacity_persons"],
        ),
        case(c, Sub("C2-grid,", "C1-grid,"), &["line 3", "C1-grid"]),
        case(
            c,
            Sub(C1, ",x,116.326245,39.878114,5000,assumed"),
            &["line 2", "id"],
        ),
    ];
    scenario_cases("site", &cases);
}

#[test]
fn more_bad_scenario_settings_are_refused() {
    use Edit::*;
    let t = "scenario.toml";
    let cases = [
        case(
            t,
            Sub("unloading_h = 0.25", "unloading_h = 0.25\nmax_stops = 0"),
            &["max_stops"],
        ),
        case(t, Sub("[targets]", "[targetz]"), &["targetz"]),
        case(
            t,
            Sub("first_delivery_h = 6.0", "first_delivery_h = \"six\""),
            &["first_delivery_h"],
        ),
        case(
            t,
            Sub(
                "closed_ways = [8611,",
                "closed_ways = [99999999999999999999999,",
            ),
            &[],
        ),
        case(
            t,
            Sub("closed_ways = [8611,", "closed_ways = [999999999,"),
            &["closed way 999999999"],
        ),
        case(
            t,
            Sub("beijing-districts.geojson\"", "no-districts.geojson\""),
            &["no-districts.geojson"],
        ),
        case(
            t,
            Sub("event_time = \"02:10\"", "event_time = 210"),
            &["event_time"],
        ),
        case(
            t,
            Sub(
                "timezone = \"Asia/Shanghai\"",
                "timezone = \"Asia/Beijing\"",
            ),
            &["scenario.toml", "`timezone`", "Asia/Beijing", "IANA name"],
        ),
        case(
            t,
            Sub("timezone = \"Asia/Shanghai\"", "timezone = 8"),
            &["scenario.toml", "timezone"],
        ),
        case(
            t,
            Sub("name = \"xicheng-earthquake\"", "name = \"a/b\""),
            &["name"],
        ),
        case(
            t,
            Sub("name = \"xicheng-earthquake\"", "name = \"..\""),
            &["name"],
        ),
    ];
    scenario_cases("plan", &cases);
}
