//! Identical drafts computed once. Officers in one command centre often ask
//! for the same plan at once (an incident's re-plan after a closure, several
//! browsers open on it). A draft depends only on what the store holds (the
//! incident, inventories, bookings, the plan it replaces) and the options, and
//! the planner is deterministic, so requests whose inputs are the same share
//! one computation: the first computes, the others wait for it. Each request
//! still stores its own draft.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

use super::draft::Drafted;

/// Drafts kept at most (a Level-I draft with its outputs is a few MB).
const KEPT: usize = 8;

/// The cell of one draft's inputs.
pub type Cell = Arc<OnceCell<Arc<Drafted>>>;

/// SHA-256 (hex) of a draft's inputs `key` (anything that serialises them fully).
pub fn inputs_digest(key: &serde_json::Value) -> String {
    Sha256::digest(key.to_string().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Recent drafts by the digest of their inputs.
#[derive(Default)]
pub struct DraftMemo {
    cells: Mutex<VecDeque<(String, Cell)>>,
}

impl DraftMemo {
    /// The cell for inputs of digest `digest` ([`inputs_digest`]): the same
    /// cell for the same inputs while it is among the last [`KEPT`].
    pub fn cell(&self, digest: &str) -> Cell {
        let mut cells = self.cells.lock().expect("memo lock");
        if let Some((_, c)) = cells.iter().find(|(k, _)| *k == digest) {
            return c.clone();
        }
        if cells.len() >= KEPT {
            cells.pop_front();
        }
        let c: Cell = Arc::new(OnceCell::new());
        cells.push_back((digest.to_string(), c.clone()));
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_inputs_share_a_cell_and_old_ones_are_forgotten() {
        let m = DraftMemo::default();
        let key = |v: serde_json::Value| inputs_digest(&v);
        let a = m.cell(&key(serde_json::json!({"incident": 1})));
        assert!(Arc::ptr_eq(
            &a,
            &m.cell(&key(serde_json::json!({"incident": 1})))
        ));
        assert!(!Arc::ptr_eq(
            &a,
            &m.cell(&key(serde_json::json!({"incident": 2})))
        ));
        for k in 0..KEPT {
            m.cell(&key(serde_json::json!({"other": k})));
        }
        assert!(!Arc::ptr_eq(
            &a,
            &m.cell(&key(serde_json::json!({"incident": 1})))
        ));
    }
}
