//! Supplies: the item catalogue with per-person norms, and warehouse stock.

mod catalogue;
mod stock;

pub use catalogue::{Catalogue, Item};
pub use stock::Stock;
