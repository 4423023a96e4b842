//! Supplies already on their way: units that trucks which have left carry to a
//! shelter. A re-plan keeps those trips as they are and plans only what is still
//! due (demand net of what was sent).

use serde::Serialize;

use crate::facility::{ItemIx, ShelterIx};

/// Units of one item already sent to one shelter, per phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Sent {
    /// Shelter index in the scenario.
    pub shelter: ShelterIx,
    /// Item index in the catalogue.
    pub item: ItemIx,
    /// Units of the first batch, item units.
    pub first: u64,
    /// Units of the rest of relief, item units.
    pub relief: u64,
}
