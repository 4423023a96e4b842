//! Typed indices into a scenario's tables. A warehouse index and a shelter index
//! are both positions in a list; wrapping them makes a swapped lookup in a
//! warehouse × shelter table a compile error instead of a wrong answer.

use serde::Serialize;

/// Position of a warehouse in [`crate::scenario::Scenario::warehouses`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct WarehouseIx(pub usize);

/// Position of a shelter in [`crate::scenario::Scenario::shelters`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ShelterIx(pub usize);

/// Position of an item in the scenario's catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ItemIx(pub usize);
