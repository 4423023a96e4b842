//! Inventory changes: shelters' headcounts and priority counts (officer), and
//! stocktake corrections (admin); each recorded with when and who.

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::require;
use super::error::ErrorBody;
use super::error::{ApiError, Body, PathParam};
use super::AppState;
use crate::io::table::{check_unique, read_table_from, Row, TableError};
use crate::io::validate::{check_name, check_note, check_shelter_counts};
use crate::store::inventory_edits::{Edit, SHELTER_FIELDS};
use crate::store::records::Role;

/// Body of `PATCH /v1/shelters/{id}`: open or closed, the counts to set
/// (persons), and a note. The counts, as they will be after the change, pass
/// the rules of `shelters.csv` and of the counts upload
/// ([`check_shelter_counts`]).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShelterPatch {
    /// Open (false: closed, planned for no more).
    pub open: Option<bool>,
    /// People sheltered (at most 10 000 000).
    pub headcount: Option<u32>,
    /// Elderly.
    pub elderly: Option<u32>,
    /// Children.
    pub children: Option<u32>,
    /// Pregnant women.
    pub pregnant: Option<u32>,
    /// People with disabilities.
    pub disabled: Option<u32>,
    /// Injured.
    pub injured: Option<u32>,
    /// Why (recorded): at most 2 000 characters, no control character but
    /// line feeds and tabs.
    #[serde(default)]
    pub note: String,
}

/// `PATCH /v1/shelters/{id}`: 200 with the shelter as stored now; 404 for an
/// unknown shelter; 422 naming the field for a count that is not a whole
/// number ≥ 0, a headcount over 10 000 000, priority people above the
/// headcount they will have, or a note too long or with control characters.
/// Every change is made in one transaction, or none.
#[utoipa::path(patch, path = "/v1/shelters/{id}", tag = "inventory", params(("id" = String, Path, description = "shelter id")), request_body = ShelterPatch, responses((status = 200, description = "the shelter as stored now"), (status = 404, description = "no such shelter", body = ErrorBody), (status = 422, description = "a count out of range or priority people above the headcount (`field` says which)", body = ErrorBody)))]
pub async fn patch_shelter(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    PathParam(id): PathParam<String>,
    Body(body): Body<ShelterPatch>,
) -> Result<Json<Value>, ApiError> {
    let caller = require(&st.store, &headers, Role::Officer).await?;
    let counts = [
        body.elderly,
        body.children,
        body.pregnant,
        body.disabled,
        body.injured,
    ];
    if body.open.is_none() && body.headcount.is_none() && counts.iter().all(Option::is_none) {
        return Err(ApiError::field(
            "headcount",
            "nothing to change: give open, headcount or a priority count",
        ));
    }
    check_note("note", &body.note)?;
    let stored = st
        .store
        .shelters()
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| ApiError::not_found(format!("no shelter `{id}`")))?;
    // The counts as they will be: the ones given, the others as stored.
    let mut priority = stored.priority;
    for (p, new) in priority.iter_mut().zip(counts) {
        *p = new.map_or(*p, i64::from);
    }
    let headcount = body.headcount.map_or(stored.headcount, i64::from);
    check_shelter_counts(headcount, priority)?;
    let changes: Vec<(String, &str, i64)> = SHELTER_FIELDS
        .iter()
        .zip(
            [body.open.map(u32::from), body.headcount]
                .into_iter()
                .chain(counts),
        )
        .filter_map(|(&field, v)| Some((id.clone(), field, i64::from(v?))))
        .collect();
    if st
        .store
        .set_shelter_counts(caller, &changes, &body.note)
        .await?
        == Edit::Missing
    {
        return Err(ApiError::not_found(format!("no shelter `{id}`")));
    }
    let rec = st.store.shelters().await?.into_iter().find(|s| s.id == id);
    Ok(Json(json!(rec)))
}

/// One row of a shelter-counts upload: a shelter's id and what to set (empty
/// or missing cells change nothing).
#[derive(Debug, Deserialize)]
struct CountRow {
    id: String,
    #[serde(default)]
    open: Option<String>,
    #[serde(default)]
    headcount: Option<u32>,
    #[serde(default)]
    elderly: Option<u32>,
    #[serde(default)]
    children: Option<u32>,
    #[serde(default)]
    pregnant: Option<u32>,
    #[serde(default)]
    disabled: Option<u32>,
    #[serde(default)]
    injured: Option<u32>,
}

/// What names the upload in errors, as a file would be named.
const UPLOAD: &str = "shelter counts (request body)";

/// `POST /v1/shelters/counts` (officer): the counts the shelters sent, as CSV
/// (`id,headcount,elderly,children,pregnant,disabled,injured,open`; any subset
/// of the columns after `id`, empty cells change nothing; UTF-8, a BOM
/// tolerated). Checked row by row with the errors of the command line (line,
/// column, what was expected; a shelter id unknown or repeated, a headcount
/// over 10 000 000, priority people above the headcount: the rules of
/// `shelters.csv` and of `PATCH /v1/shelters/{id}`, [`check_shelter_counts`])
/// and applied all or none, each change recorded. 200 with the shelters
/// changed.
#[utoipa::path(post, path = "/v1/shelters/counts", tag = "inventory", request_body(content = String, content_type = "text/csv", description = "`id,headcount,elderly,children,pregnant,disabled,injured,open` (any subset after `id`)"), responses((status = 200, description = "the shelters changed"), (status = 422, description = "a row refused: line, column and what was expected", body = ErrorBody)))]
pub async fn upload_counts(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: String,
) -> Result<Json<Value>, ApiError> {
    let caller = require(&st.store, &headers, Role::Officer).await?;
    let bad = |e: TableError| ApiError::field("body", e.to_string());
    let rows: Vec<Row<CountRow>> = read_table_from(body.as_bytes(), UPLOAD).map_err(bad)?;
    if rows.is_empty() {
        return Err(ApiError::field(
            "body",
            format!(
                "{UPLOAD}: no rows (a header `id,headcount,…` and one row per shelter expected)"
            ),
        ));
    }
    let known = st.store.shelters().await?;
    let path = std::path::Path::new(UPLOAD);
    let mut seen = std::collections::HashMap::new();
    let mut changes: Vec<(String, &str, i64)> = Vec::new();
    for Row { line, value: r } in &rows {
        check_unique(path, &mut seen, &r.id, *line).map_err(bad)?;
        let stored = known.iter().find(|s| s.id == r.id).ok_or_else(|| {
            bad(TableError::at(
                path,
                *line,
                "id",
                format!("no shelter `{}`", r.id),
            ))
        })?;
        let counts = [r.elderly, r.children, r.pregnant, r.disabled, r.injured];
        // The counts as they will be: the cells given, the others as stored.
        let mut priority = stored.priority;
        for (p, new) in priority.iter_mut().zip(counts) {
            *p = new.map_or(*p, i64::from);
        }
        let headcount = r.headcount.map_or(stored.headcount, i64::from);
        check_shelter_counts(headcount, priority)
            .map_err(|e| bad(TableError::at(path, *line, &e.field, e.message)))?;
        if let Some(o) = &r.open {
            let open = match o.to_ascii_lowercase().as_str() {
                "1" | "yes" | "true" | "open" => 1,
                "0" | "no" | "false" | "closed" => 0,
                other => {
                    return Err(bad(TableError::at(
                        path,
                        *line,
                        "open",
                        format!("expected yes or no (1/0, true/false, open/closed), got `{other}`"),
                    )))
                }
            };
            changes.push((r.id.clone(), "open", open));
        }
        // The count fields, after `open`.
        let fields = &SHELTER_FIELDS[1..];
        for (&field, v) in fields.iter().zip([r.headcount].into_iter().chain(counts)) {
            if let Some(v) = v {
                changes.push((r.id.clone(), field, i64::from(v)));
            }
        }
    }
    let note = format!("upload of {} row(s)", rows.len());
    if st.store.set_shelter_counts(caller, &changes, &note).await? == Edit::Missing {
        return Err(ApiError::field(
            "body",
            format!("{UPLOAD}: a shelter was removed meanwhile"),
        ));
    }
    let ids: std::collections::HashSet<&str> = rows.iter().map(|r| r.value.id.as_str()).collect();
    let now: Vec<_> = st
        .store
        .shelters()
        .await?
        .into_iter()
        .filter(|s| ids.contains(s.id.as_str()))
        .collect();
    Ok(Json(
        json!({"rows": rows.len(), "changes": changes.len(), "shelters": now}),
    ))
}

/// Body of `PATCH /v1/warehouses/{id}`: the fleet as it is now, and a note.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FleetPatch {
    /// Trucks in service (0 – 10 000).
    pub trucks: Option<u32>,
    /// Payload per truck, kg (0 – 100 000].
    pub payload_kg: Option<f64>,
    /// Cargo volume per truck, m³ (0 – 1 000].
    pub volume_m3: Option<f64>,
    /// Time to load one truck, hours [0, 48).
    pub loading_h: Option<f64>,
    /// Why (recorded): at most 2 000 characters, no control character but
    /// line feeds and tabs.
    #[serde(default)]
    pub note: String,
}

/// `PATCH /v1/warehouses/{id}` (admin): changes the fleet; drafts made before
/// are refused at issue. 200 with the warehouse as stored now; 404 for an
/// unknown warehouse; 422 naming a value out of range.
#[utoipa::path(patch, path = "/v1/warehouses/{id}", tag = "inventory", params(("id" = String, Path, description = "warehouse id")), request_body = FleetPatch, responses((status = 200, description = "the warehouse as stored now"), (status = 404, description = "no such warehouse", body = ErrorBody)))]
pub async fn patch_warehouse(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    PathParam(id): PathParam<String>,
    Body(body): Body<FleetPatch>,
) -> Result<Json<Value>, ApiError> {
    let caller = require(&st.store, &headers, Role::Admin).await?;
    check_note("note", &body.note)?;
    let fields = [
        ("trucks", body.trucks.map(f64::from), 0.0, 10_000.0, true),
        ("payload_kg", body.payload_kg, 0.0, 100_000.0, false),
        ("volume_m3", body.volume_m3, 0.0, 1_000.0, false),
        ("loading_h", body.loading_h, 0.0, 48.0, true),
    ];
    if fields.iter().all(|f| f.1.is_none()) {
        return Err(ApiError::field(
            "trucks",
            "nothing to change: give trucks, payload_kg, volume_m3 or loading_h",
        ));
    }
    for &(field, value, lo, hi, lo_inclusive) in &fields {
        let Some(v) = value else { continue };
        let above = if lo_inclusive { v >= lo } else { v > lo };
        let below = if field == "loading_h" {
            v < hi
        } else {
            v <= hi
        };
        if !(v.is_finite() && above && below) {
            let open = if lo_inclusive { '[' } else { '(' };
            let close = if field == "loading_h" { ')' } else { ']' };
            return Err(ApiError::field(
                field,
                format!("{field}: expected a number in {open}{lo}, {hi}{close}, got {v}"),
            ));
        }
    }
    let changes: Vec<(&str, f64)> = fields
        .iter()
        .filter_map(|&(field, value, ..)| Some((field, value?)))
        .collect();
    if st
        .store
        .set_fleet(caller, &id, &changes, &body.note)
        .await?
        == Edit::Missing
    {
        return Err(ApiError::not_found(format!("no warehouse `{id}`")));
    }
    let rec = st
        .store
        .warehouses()
        .await?
        .into_iter()
        .find(|w| w.id == id);
    Ok(Json(json!(rec)))
}

/// Body of `POST /v1/warehouses/{id}/stocktake`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Stocktake {
    /// Item name (1 to 200 characters, no control character).
    pub item: String,
    /// Units counted on hand.
    pub on_hand: u32,
    /// Why (recorded): at most 2 000 characters, no control character but
    /// line feeds and tabs.
    #[serde(default)]
    pub note: String,
}

/// `POST /v1/warehouses/{id}/stocktake` (admin): sets the units on hand; drafts
/// made before are refused at issue. 404 for an unknown warehouse or item.
#[utoipa::path(post, path = "/v1/warehouses/{id}/stocktake", tag = "inventory", params(("id" = String, Path, description = "warehouse id")), request_body = Stocktake, responses((status = 200, description = "`{warehouse_id, item, on_hand_before, on_hand, reserved, available, warning}`: a count below what issued plans reserve is recorded, with a warning"), (status = 404, description = "no such item at the warehouse", body = ErrorBody)))]
pub async fn stocktake(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    PathParam(id): PathParam<String>,
    Body(body): Body<Stocktake>,
) -> Result<Json<Value>, ApiError> {
    let caller = require(&st.store, &headers, Role::Admin).await?;
    check_name("item", &body.item)?;
    check_note("note", &body.note)?;
    let on_hand = i64::from(body.on_hand);
    match st
        .store
        .stocktake(caller, &id, &body.item, on_hand, &body.note)
        .await?
    {
        None => Err(ApiError::not_found(format!(
            "no item `{}` at warehouse `{id}`",
            body.item
        ))),
        Some(done) => {
            let available = on_hand - done.reserved;
            let warning = (available < 0).then(|| {
                format!(
                    "{on_hand} on hand is {} below the {} units issued plans reserve here: they cannot all load; re-plan or release them",
                    -available, done.reserved
                )
            });
            Ok(Json(json!({
                "warehouse_id": id,
                "item": body.item,
                "on_hand_before": done.before,
                "on_hand": on_hand,
                "reserved": done.reserved,
                "available": available,
                "warning": warning,
            })))
        }
    }
}
