//! What a re-plan changes against the plan it replaces, trip by trip: trips
//! under way (untouched), kept, changed, cancelled and new.
//!
//! Matching, in order, among the old plan's trips that have not left: the same
//! trip number, warehouse, truck, stops and load (a trip the re-plan kept,
//! perhaps re-timed), then the same warehouse, truck and stops with the same
//! load and a departure within a minute, is *kept*; the same warehouse and stops (another truck, time or load),
//! then the same warehouse and first stop, is *changed*; an old trip left
//! unmatched is *cancelled*, a new one *new*. O(n²) in trips.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::store::records::TripBooking;

/// An old trip and the new trip it became.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Pair {
    /// Trip id in the replaced plan.
    pub old_trip: i64,
    /// Trip id in the re-plan.
    pub new_trip: i64,
}

/// The changes, by trip id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TripChanges {
    /// Old trips already under way (departed or delivered): kept as they are.
    pub under_way: Vec<i64>,
    /// Trips the re-plan keeps (same truck, stops, load and time).
    pub kept: Vec<Pair>,
    /// Trips to the same stops (or first stop) from the same warehouse, with
    /// another truck, time or load.
    pub changed: Vec<Pair>,
    /// Old trips the re-plan drops.
    pub cancelled: Vec<i64>,
    /// Trips only the re-plan has.
    pub new: Vec<i64>,
}

/// Departures closer than this are the same time, hours.
const SAME_TIME_H: f64 = 1.0 / 60.0;

fn same_load(a: &TripBooking, b: &TripBooking) -> bool {
    let key = |t: &TripBooking| {
        let mut l: Vec<_> = t
            .lines
            .iter()
            .map(|l| {
                (
                    l.shelter_id.clone(),
                    l.item.clone(),
                    l.phase.clone(),
                    l.units,
                )
            })
            .collect();
        l.sort();
        l
    };
    key(a) == key(b)
}

/// The changes from `old` (with `under_way` the ids of its trips that have
/// left) to `new`.
pub fn diff(old: &[TripBooking], under_way: &BTreeSet<i64>, new: &[TripBooking]) -> TripChanges {
    let mut out = TripChanges {
        under_way: old
            .iter()
            .filter(|t| under_way.contains(&t.trip))
            .map(|t| t.trip)
            .collect(),
        ..TripChanges::default()
    };
    let mut open_old: Vec<&TripBooking> = old
        .iter()
        .filter(|t| !under_way.contains(&t.trip))
        .collect();
    let mut open_new: Vec<&TripBooking> = new.iter().collect();
    type Rule = fn(&TripBooking, &TripBooking) -> bool;
    let rules: [(Rule, bool); 4] = [
        // The same trip number: a trip the re-plan kept, perhaps re-timed to
        // leave when its truck is free.
        (
            |a, b| {
                a.trip == b.trip
                    && a.warehouse_id == b.warehouse_id
                    && a.truck == b.truck
                    && a.stops == b.stops
                    && same_load(a, b)
            },
            true,
        ),
        (
            |a, b| {
                a.warehouse_id == b.warehouse_id
                    && a.truck == b.truck
                    && a.stops == b.stops
                    && (a.depart_h - b.depart_h).abs() <= SAME_TIME_H
                    && same_load(a, b)
            },
            true,
        ),
        (
            |a, b| a.warehouse_id == b.warehouse_id && a.stops == b.stops,
            false,
        ),
        (
            |a, b| a.warehouse_id == b.warehouse_id && a.stops.first() == b.stops.first(),
            false,
        ),
    ];
    for (rule, kept) in rules {
        let mut k = 0;
        while k < open_old.len() {
            match open_new.iter().position(|n| rule(open_old[k], n)) {
                Some(j) => {
                    let pair = Pair {
                        old_trip: open_old[k].trip,
                        new_trip: open_new[j].trip,
                    };
                    if kept {
                        out.kept.push(pair);
                    } else {
                        out.changed.push(pair);
                    }
                    open_old.remove(k);
                    open_new.remove(j);
                }
                None => k += 1,
            }
        }
    }
    out.cancelled = open_old.iter().map(|t| t.trip).collect();
    out.new = open_new.iter().map(|t| t.trip).collect();
    out.kept.sort_by_key(|p| p.old_trip);
    out.changed.sort_by_key(|p| p.old_trip);
    out.cancelled.sort_unstable();
    out.new.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::records::TripLine;

    fn trip(
        id: i64,
        w: &str,
        truck: i64,
        depart_h: f64,
        stops: &[&str],
        units: i64,
    ) -> TripBooking {
        TripBooking {
            trip: id,
            warehouse_id: w.into(),
            truck,
            phase: "first".into(),
            load_h: depart_h - 0.5,
            depart_h,
            return_h: Some(depart_h + 1.0),
            stops: stops.iter().map(|s| s.to_string()).collect(),
            lines: stops
                .iter()
                .map(|s| TripLine {
                    shelter_id: s.to_string(),
                    item: "water".into(),
                    phase: "first".into(),
                    units,
                })
                .collect(),
        }
    }

    #[test]
    fn kept_changed_cancelled_new_and_under_way() {
        let old = vec![
            trip(1, "A", 0, 0.5, &["s1", "s2"], 100),
            trip(2, "A", 1, 0.5, &["s3"], 100),
            trip(3, "B", 0, 0.5, &["s4", "s5"], 100),
            trip(4, "B", 1, 0.5, &["s6"], 100),
            trip(5, "A", 0, 2.0, &["s7"], 100),
        ];
        let new = vec![
            trip(1, "A", 0, 0.5, &["s1", "s2"], 100), // kept
            trip(2, "A", 0, 1.5, &["s3"], 100),       // changed: other truck and time
            trip(3, "B", 0, 0.5, &["s4", "s9"], 100), // changed: same first stop
            trip(4, "C", 0, 0.5, &["s6"], 100),       // new (another warehouse)
            trip(5, "A", 1, 0.5, &["s1", "s2"], 90),  // new: the old one matched already
        ];
        let under_way: BTreeSet<i64> = [5].into();
        let d = diff(&old, &under_way, &new);
        assert_eq!(d.under_way, vec![5]);
        assert_eq!(
            d.kept,
            vec![Pair {
                old_trip: 1,
                new_trip: 1
            }]
        );
        assert_eq!(
            d.changed,
            vec![
                Pair {
                    old_trip: 2,
                    new_trip: 2
                },
                Pair {
                    old_trip: 3,
                    new_trip: 3
                }
            ]
        );
        assert_eq!(d.cancelled, vec![4]);
        assert_eq!(d.new, vec![4, 5]);
    }

    #[test]
    fn a_different_load_is_a_change_not_a_keep() {
        let old = vec![trip(1, "A", 0, 0.5, &["s1"], 100)];
        let new = vec![trip(7, "A", 0, 0.5, &["s1"], 120)];
        let d = diff(&old, &BTreeSet::new(), &new);
        assert!(d.kept.is_empty());
        assert_eq!(
            d.changed,
            vec![Pair {
                old_trip: 1,
                new_trip: 7
            }]
        );
    }
}
