//! Stock on hand: quantity per warehouse and item.

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
    pub fn get(&self, w: usize, i: usize) -> f64 {
        self.quantity[w * self.items + i]
    }

    /// Adds to the quantity of item `i` at warehouse `w`.
    pub fn add(&mut self, w: usize, i: usize, q: f64) {
        self.quantity[w * self.items + i] += q;
    }

    /// Empties warehouse `w` (a what-if: the warehouse is lost).
    pub fn clear_warehouse(&mut self, w: usize) {
        self.quantity[w * self.items..(w + 1) * self.items].fill(0.0);
    }

    /// Total quantity of item `i` over all warehouses.
    pub fn total(&self, i: usize) -> f64 {
        self.quantity.iter().skip(i).step_by(self.items).sum()
    }
}
