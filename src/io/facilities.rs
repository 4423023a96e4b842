//! Scenario tables: `warehouses.csv`, `shelters.csv`, `stock.csv`, `items.csv`.
//! Each reader checks ranges, duplicates and references, and names the file, line
//! and field of the first problem.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::table::{check_lonlat, check_unique, read_table, require_rows, TableError};
use super::validate::check_shelter_counts;

/// Most units of one item one warehouse may hold (10¹²): far above any real
/// stockpile, low enough that sums over a city stay exact in the solver.
pub const MAX_UNITS: f64 = 1e12;
use crate::facility::{Fleet, PriorityPeople, Shelter, Tier, Warehouse};
use crate::facility::{ItemIx, WarehouseIx};
use crate::supplies::{Catalogue, Item, Stock};

fn positive(path: &Path, line: u64, field: &str, v: f64) -> Result<(), TableError> {
    if v > 0.0 && v.is_finite() {
        Ok(())
    } else {
        Err(TableError::at(
            path,
            line,
            field,
            format!("expected a number > 0, got {v}"),
        ))
    }
}

#[derive(Deserialize)]
struct WarehouseRow {
    id: String,
    name: String,
    tier: String,
    lon: f64,
    lat: f64,
    trucks: u32,
    truck_payload_kg: f64,
    truck_volume_m3: f64,
    loading_h: f64,
}

/// Reads `warehouses.csv`:
/// `id,name,tier,lon,lat,trucks,truck_payload_kg,truck_volume_m3,loading_h`.
pub fn read_warehouses(path: &Path) -> Result<Vec<Warehouse>, TableError> {
    let rows = read_table::<WarehouseRow>(path)?;
    require_rows(path, &rows, "warehouse")?;
    let mut seen = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let (l, w) = (r.line, &r.value);
        check_unique(path, &mut seen, &w.id, l)?;
        check_lonlat(path, l, w.lon, w.lat)?;
        let tier = Tier::parse(&w.tier).ok_or_else(|| {
            TableError::at(
                path,
                l,
                "tier",
                format!(
                    "`{}` is not one of municipal, district, subdistrict, contract",
                    w.tier
                ),
            )
        })?;
        positive(path, l, "truck_payload_kg", w.truck_payload_kg)?;
        positive(path, l, "truck_volume_m3", w.truck_volume_m3)?;
        if !(w.loading_h >= 0.0 && w.loading_h < 48.0) {
            return Err(TableError::at(
                path,
                l,
                "loading_h",
                format!("expected hours in [0, 48), got {}", w.loading_h),
            ));
        }
        out.push(Warehouse {
            id: w.id.clone(),
            name: w.name.clone(),
            tier,
            lon: w.lon,
            lat: w.lat,
            fleet: Fleet {
                trucks: w.trucks,
                payload_kg: w.truck_payload_kg,
                volume_m3: w.truck_volume_m3,
                loading_h: w.loading_h,
            },
            busy_until_h: Vec::new(),
        });
    }
    Ok(out)
}

#[derive(Deserialize)]
struct ShelterRow {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    district: String,
    lon: f64,
    lat: f64,
    area_m2: f64,
    headcount: u32,
    #[serde(default)]
    elderly: u32,
    #[serde(default)]
    children: u32,
    #[serde(default)]
    pregnant: u32,
    #[serde(default)]
    disabled: u32,
    #[serde(default)]
    injured: u32,
}

/// Reads `shelters.csv`: `id,name,district,lon,lat,area_m2,headcount` plus optional
/// `elderly,children,pregnant,disabled,injured`, persons. The counts pass
/// [`check_shelter_counts`] (as the service's changes do): a headcount of at most
/// [`super::validate::MAX_HEADCOUNT`], priority counts no more than the headcount.
pub fn read_shelters(path: &Path) -> Result<Vec<Shelter>, TableError> {
    let rows = read_table::<ShelterRow>(path)?;
    require_rows(path, &rows, "shelter")?;
    let mut seen = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let (l, s) = (r.line, &r.value);
        check_unique(path, &mut seen, &s.id, l)?;
        check_lonlat(path, l, s.lon, s.lat)?;
        positive(path, l, "area_m2", s.area_m2)?;
        let priority = PriorityPeople {
            elderly: s.elderly,
            children: s.children,
            pregnant: s.pregnant,
            disabled: s.disabled,
            injured: s.injured,
        };
        let counts = [
            priority.elderly,
            priority.children,
            priority.pregnant,
            priority.disabled,
            priority.injured,
        ];
        check_shelter_counts(i64::from(s.headcount), counts.map(i64::from))
            .map_err(|e| TableError::at(path, l, &e.field, e.message))?;
        out.push(Shelter {
            id: s.id.clone(),
            name: if s.name.is_empty() {
                s.id.clone()
            } else {
                s.name.clone()
            },
            district: s.district.clone(),
            lon: s.lon,
            lat: s.lat,
            area_m2: s.area_m2,
            headcount: s.headcount,
            priority,
        });
    }
    Ok(out)
}

/// Reads `items.csv`: `item,unit,kg_per_unit,m3_per_unit,first_per_person,relief_per_person,priority`.
pub fn read_items(path: &Path) -> Result<Catalogue, TableError> {
    let rows = read_table::<Item>(path)?;
    require_rows(path, &rows, "item")?;
    let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
    let catalogue = Catalogue {
        items: rows.into_iter().map(|r| r.value).collect(),
    };
    catalogue.check().map_err(|(item, message)| {
        let k = catalogue.index_of(&item).map_or(0, |k| k);
        // Report the last line with that name (the duplicate) or the item's line.
        let line = catalogue
            .items
            .iter()
            .rposition(|i| i.item == item)
            .map_or(lines[k], |j| lines[j]);
        TableError::at(path, line, "item", format!("`{item}`: {message}"))
    })?;
    Ok(catalogue)
}

#[derive(Deserialize)]
struct StockRow {
    warehouse_id: String,
    item: String,
    quantity: f64,
}

/// Reads `stock.csv` (`warehouse_id,item,quantity`, long format; repeated pairs add
/// up). Unknown warehouses or items and negative quantities are errors.
pub fn read_stock(
    path: &Path,
    warehouses: &[Warehouse],
    catalogue: &Catalogue,
) -> Result<Stock, TableError> {
    read_stock_with(path, warehouses, catalogue, None)
}

/// As [`read_stock`], but rows with an unknown warehouse or item or a bad quantity
/// are skipped and described in `findings` (for audits, which report data quality
/// rather than stop).
pub fn read_stock_lenient(
    path: &Path,
    warehouses: &[Warehouse],
    catalogue: &Catalogue,
    findings: &mut Vec<String>,
) -> Result<Stock, TableError> {
    read_stock_with(path, warehouses, catalogue, Some(findings))
}

fn read_stock_with(
    path: &Path,
    warehouses: &[Warehouse],
    catalogue: &Catalogue,
    mut findings: Option<&mut Vec<String>>,
) -> Result<Stock, TableError> {
    let rows = read_table::<StockRow>(path)?;
    require_rows(path, &rows, "stock")?;
    let index: HashMap<&str, usize> = warehouses
        .iter()
        .enumerate()
        .map(|(k, w)| (w.id.as_str(), k))
        .collect();
    let mut stock = Stock::new(warehouses.len(), catalogue.items.len());
    for r in &rows {
        let (l, s) = (r.line, &r.value);
        let w = index.get(s.warehouse_id.as_str()).copied();
        let i = catalogue.index_of(&s.item);
        let problem = match (w, i) {
            (None, _) => Some(TableError::at(
                path,
                l,
                "warehouse_id",
                format!("unknown warehouse `{}`", s.warehouse_id),
            )),
            (_, None) => Some(TableError::at(
                path,
                l,
                "item",
                format!("unknown item `{}` (not in the item catalogue)", s.item),
            )),
            _ if !(s.quantity >= 0.0 && s.quantity <= MAX_UNITS) => Some(TableError::at(
                path,
                l,
                "quantity",
                format!(
                    "expected a quantity in [0, {MAX_UNITS:e}] units, got {}",
                    s.quantity
                ),
            )),
            _ => None,
        };
        match (problem, w, i, findings.as_deref_mut()) {
            (None, Some(w), Some(i), _) => stock.add(WarehouseIx(w), ItemIx(i), s.quantity),
            (Some(e), _, _, Some(f)) => f.push(format!("{e} — row skipped")),
            (Some(e), ..) => return Err(e),
            (None, ..) => unreachable!("no problem means both indices resolved"),
        }
    }
    Ok(stock)
}

#[derive(Deserialize)]
struct PopulationRow {
    district: String,
    residents: u64,
}

/// Reads `population.csv` (`district,residents`, rounded census figures; extra
/// columns such as `source` are kept out of the figures). Districts must be unique.
pub fn read_population(path: &Path) -> Result<std::collections::BTreeMap<String, u64>, TableError> {
    let rows = read_table::<PopulationRow>(path)?;
    let mut seen = HashMap::new();
    let mut out = std::collections::BTreeMap::new();
    for r in &rows {
        check_unique(path, &mut seen, &r.value.district, r.line)?;
        out.insert(r.value.district.clone(), r.value.residents);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    const WH: &str = "id,name,tier,lon,lat,trucks,truck_payload_kg,truck_volume_m3,loading_h\n\
        W1,North,district,116.37,39.94,6,8000,40,0.5\n\
        W2,South,municipal,116.37,39.88,10,12000,55,0.75\n";

    #[test]
    fn reads_valid_tables() {
        let w = read_warehouses(file(WH).path()).unwrap();
        assert_eq!(w[1].tier, Tier::Municipal);
        assert_eq!(w[0].fleet.trucks, 6);
        let s = read_shelters(file("id,name,district,lon,lat,area_m2,headcount,elderly\nS1,Park,Xicheng,116.36,39.91,1500,900,120\n").path()).unwrap();
        assert_eq!(
            (s[0].capacity_persons(), s[0].priority.elderly),
            (1000, 120)
        );
        let c = Catalogue::sphere_default();
        let st = read_stock(
            file("warehouse_id,item,quantity\nW1,water,1000\nW1,water,500\nW2,quilt,30\n").path(),
            &w,
            &c,
        )
        .unwrap();
        assert_eq!(
            st.get(WarehouseIx(0), ItemIx(c.index_of("water").unwrap())),
            1500.0
        );
        assert_eq!(st.total(ItemIx(c.index_of("quilt").unwrap())), 30.0);
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let bad_tier = WH.replace("municipal", "national");
        let e = read_warehouses(file(&bad_tier).path())
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("`tier`"), "{e}");
        let dup = format!("{WH}W1,Again,district,116.3,39.9,1,1000,10,0.5\n");
        let e = read_warehouses(file(&dup).path()).unwrap_err().to_string();
        assert!(
            e.contains("line 4") && e.contains("duplicate id `W1`"),
            "{e}"
        );
        let w = read_warehouses(file(WH).path()).unwrap();
        let c = Catalogue::sphere_default();
        let e = read_stock(
            file("warehouse_id,item,quantity\nW9,water,1\n").path(),
            &w,
            &c,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("line 2") && e.contains("`warehouse_id`") && e.contains("W9"),
            "{e}"
        );
        let e = read_stock(
            file("warehouse_id,item,quantity\nW1,caviar,1\n").path(),
            &w,
            &c,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("`item`") && e.contains("caviar"), "{e}");
        let e = read_stock(
            file("warehouse_id,item,quantity\nW1,water,-5\n").path(),
            &w,
            &c,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("`quantity`") && e.contains("-5"), "{e}");
        let e = read_shelters(file("id,lon,lat,area_m2\nS1,116.3,39.9,100\n").path())
            .unwrap_err()
            .to_string();
        assert!(e.contains("headcount"), "{e}");
        let e = read_shelters(
            file("id,lon,lat,area_m2,headcount,injured\nS1,116.3,39.9,100,5,9\n").path(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("line 2") && e.contains("9 priority persons"),
            "{e}"
        );
        let e = read_items(file("item,unit,kg_per_unit,m3_per_unit,first_per_person,relief_per_person,priority\nwater,L,1,0.001,5,3,1\n").path()).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("water"), "{e}");
    }
}
