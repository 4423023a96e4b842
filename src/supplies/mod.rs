//! Supplies: the item catalogue with per-person norms, warehouse stock and the
//! stockpile norms.

mod catalogue;
pub mod norms;
mod stock;

pub use catalogue::{Catalogue, Item};
pub use stock::Stock;
