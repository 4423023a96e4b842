//! The stock ledger a plan draws on: whole units per warehouse × item, taken by
//! allocation and given back when a load finds no truck. Never negative.

use crate::facility::{ItemIx, WarehouseIx};
use crate::supplies::Stock;

/// Whole units per warehouse and item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockLedger {
    items: usize,
    units: Vec<u64>,
}

impl StockLedger {
    /// The whole units of `stock` (fractions are not shippable and are dropped).
    pub fn from_stock(stock: &Stock, warehouses: usize, items: usize) -> Self {
        let units = (0..warehouses)
            .flat_map(|w| (0..items).map(move |i| (w, i)))
            .map(|(w, i)| stock.get(WarehouseIx(w), ItemIx(i)).floor() as u64)
            .collect();
        Self { items, units }
    }

    /// Number of warehouses.
    pub fn warehouses(&self) -> usize {
        self.units.len().checked_div(self.items).unwrap_or(0)
    }

    /// Units of item `i` held at warehouse `w`.
    pub fn get(&self, w: WarehouseIx, i: ItemIx) -> u64 {
        self.units[w.0 * self.items + i.0]
    }

    /// Takes `q` units of item `i` from warehouse `w`.
    ///
    /// # Panics
    /// When fewer than `q` units are held: callers only take what they were
    /// allocated, so this is a bug, not an input error.
    pub fn take(&mut self, w: WarehouseIx, i: ItemIx, q: u64) {
        let held = &mut self.units[w.0 * self.items + i.0];
        *held = held.checked_sub(q).unwrap_or_else(|| {
            panic!(
                "ledger: taking {q} of item {} from warehouse {} which holds {held}",
                i.0, w.0
            )
        });
    }

    /// Makes this ledger a copy of `other`, reusing its memory.
    pub fn copy_from(&mut self, other: &StockLedger) {
        self.items = other.items;
        self.units.clone_from(&other.units);
    }

    /// Gives `q` units of item `i` back to warehouse `w`.
    pub fn put(&mut self, w: WarehouseIx, i: ItemIx, q: u64) {
        self.units[w.0 * self.items + i.0] += q;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_and_put_keep_units_per_cell() {
        let mut s = Stock::new(2, 3);
        s.add(WarehouseIx(1), ItemIx(2), 7.9);
        s.add(WarehouseIx(0), ItemIx(1), 3.0);
        let mut l = StockLedger::from_stock(&s, 2, 3);
        assert_eq!(l.warehouses(), 2);
        assert_eq!(l.get(WarehouseIx(1), ItemIx(2)), 7);
        l.take(WarehouseIx(1), ItemIx(2), 7);
        l.put(WarehouseIx(0), ItemIx(1), 2);
        assert_eq!(l.get(WarehouseIx(1), ItemIx(2)), 0);
        assert_eq!(l.get(WarehouseIx(0), ItemIx(1)), 5);
        assert_eq!(l.get(WarehouseIx(1), ItemIx(1)), 0);
    }

    #[test]
    #[should_panic(expected = "ledger")]
    fn taking_more_than_held_is_a_bug() {
        let mut l = StockLedger::from_stock(&Stock::new(1, 1), 1, 1);
        l.take(WarehouseIx(0), ItemIx(0), 1);
    }
}
