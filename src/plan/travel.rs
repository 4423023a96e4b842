//! Travel hours between warehouses and shelters in both directions, the one unit
//! of the plan layer (hours; `None` when a road is cut). Looked up by typed
//! indices, so asking for a shelter → warehouse time with the arguments of the
//! outbound table does not compile.

use crate::facility::{ShelterIx, WarehouseIx};
use crate::network::TravelMatrix;

/// Travel hours warehouse → shelter and shelter → warehouse.
#[derive(Debug, Clone, PartialEq)]
pub struct TravelHours {
    warehouses: usize,
    shelters: usize,
    /// Row-major, one row per warehouse.
    out: Vec<Option<f64>>,
    /// Row-major, one row per shelter.
    back: Vec<Option<f64>>,
}

fn hours(m: &TravelMatrix) -> Vec<Option<f64>> {
    (0..m.sources())
        .flat_map(|i| (0..m.targets()).map(move |j| m.get(i, j).map(|l| l.seconds / 3600.0)))
        .collect()
}

impl TravelHours {
    /// From the network's matrices: `out` warehouses × shelters, `back` shelters ×
    /// warehouses (seconds in, hours kept).
    ///
    /// # Panics
    /// When the two matrices' shapes do not transpose into each other.
    pub fn from_matrices(out: &TravelMatrix, back: &TravelMatrix) -> Self {
        assert_eq!(
            (out.sources(), out.targets()),
            (back.targets(), back.sources()),
            "outbound and return matrices must have transposed shapes"
        );
        Self {
            warehouses: out.sources(),
            shelters: out.targets(),
            out: hours(out),
            back: hours(back),
        }
    }

    /// From hours given per warehouse row: `out[w][s]` there, `back[w][s]` back
    /// (both rows per warehouse, for small hand-made cases and tests).
    ///
    /// # Panics
    /// When rows have different lengths.
    pub fn from_rows(out: &[Vec<Option<f64>>], back: &[Vec<Option<f64>>]) -> Self {
        let shelters = out.first().map_or(0, Vec::len);
        assert!(out.iter().chain(back).all(|r| r.len() == shelters) && back.len() == out.len());
        let warehouses = out.len();
        Self {
            warehouses,
            shelters,
            out: out.iter().flatten().copied().collect(),
            back: (0..shelters)
                .flat_map(|s| back.iter().map(move |r| r[s]))
                .collect(),
        }
    }

    /// The rows of warehouses `rows` only, in that order (a layout's sites out
    /// of a table over every candidate site).
    ///
    /// # Panics
    /// When a row is out of range.
    pub fn select_warehouses(&self, rows: &[usize]) -> Self {
        let ns = self.shelters;
        let nw = self.warehouses;
        Self {
            warehouses: rows.len(),
            shelters: ns,
            out: rows
                .iter()
                .flat_map(|&w| self.out[w * ns..(w + 1) * ns].iter().copied())
                .collect(),
            back: (0..ns)
                .flat_map(|s| rows.iter().map(move |&w| self.back[s * nw + w]))
                .collect(),
        }
    }

    /// Number of warehouses.
    pub fn warehouses(&self) -> usize {
        self.warehouses
    }

    /// Number of shelters.
    pub fn shelters(&self) -> usize {
        self.shelters
    }

    /// Hours from warehouse `w` to shelter `s` (`None`: no road).
    pub fn outbound(&self, w: WarehouseIx, s: ShelterIx) -> Option<f64> {
        self.out[w.0 * self.shelters + s.0]
    }

    /// Hours from shelter `s` back to warehouse `w` (`None`: no road).
    pub fn inbound(&self, s: ShelterIx, w: WarehouseIx) -> Option<f64> {
        self.back[s.0 * self.warehouses + w.0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_directions_keep_their_orientation() {
        let out = vec![
            vec![Some(1.0), None, Some(3.0)],
            vec![Some(4.0), Some(5.0), None],
        ];
        let back = vec![
            vec![Some(1.5), Some(2.5), None],
            vec![None, Some(5.5), Some(6.5)],
        ];
        let t = TravelHours::from_rows(&out, &back);
        assert_eq!((t.warehouses(), t.shelters()), (2, 3));
        for w in 0..2 {
            for s in 0..3 {
                assert_eq!(t.outbound(WarehouseIx(w), ShelterIx(s)), out[w][s]);
                assert_eq!(t.inbound(ShelterIx(s), WarehouseIx(w)), back[w][s]);
            }
        }
    }
}
