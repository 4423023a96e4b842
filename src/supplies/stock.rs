//! Stock on hand: quantity per warehouse and item.

use crate::facility::{ItemIx, WarehouseIx};

/// Quantities (item units) per warehouse × item, dense.
#[derive(Debug, Clone, PartialEq)]
pub struct Stock {
    items: usize,
    quantity: Vec<f64>,
}

impl Stock {
    /// Zero stock for `warehouses × items`.
    pub fn new(warehouses: usize, items: usize) -> Self {
        Self {
            items,
            quantity: vec![0.0; warehouses * items],
        }
    }

    /// Quantity of item `i` at warehouse `w`.
    pub fn get(&self, w: WarehouseIx, i: ItemIx) -> f64 {
        self.quantity[w.0 * self.items + i.0]
    }

    /// Adds to the quantity of item `i` at warehouse `w`.
    pub fn add(&mut self, w: WarehouseIx, i: ItemIx, q: f64) {
        self.quantity[w.0 * self.items + i.0] += q;
    }

    /// Empties warehouse `w` (a what-if: the warehouse is lost).
    pub fn clear_warehouse(&mut self, w: WarehouseIx) {
        self.quantity[w.0 * self.items..(w.0 + 1) * self.items].fill(0.0);
    }

    /// Total quantity of item `i` over all warehouses.
    pub fn total(&self, i: ItemIx) -> f64 {
        self.quantity.iter().skip(i.0).step_by(self.items).sum()
    }
}
