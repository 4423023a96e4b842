//! Provenance recorded in reports: the SHA-256 of every input file and of the
//! binary that wrote them, so an auditor can tell which data a figure came from.

use std::path::Path;

use serde_json::{json, Value};

use super::write_error::WriteError;
use crate::digest::{file_sha256, hex};

/// `[{"file": …, "sha256": …}]` for `inputs`; `e` names the report being written.
pub fn input_hashes<'a>(
    inputs: impl IntoIterator<Item = &'a Path>,
    e: impl Fn(String) -> WriteError,
) -> Result<Vec<Value>, WriteError> {
    inputs
        .into_iter()
        .map(|p| {
            let sha = file_sha256(p).map_err(|x| e(format!("hashing {}: {x}", p.display())))?;
            Ok(json!({"file": p.display().to_string(), "sha256": hex(&sha)}))
        })
        .collect()
}

/// SHA-256 of the running binary, when it can be read.
pub fn binary_sha256() -> Option<String> {
    std::env::current_exe()
        .ok()
        .and_then(|p| file_sha256(&p).ok())
        .map(|h| hex(&h))
}
