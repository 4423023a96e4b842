//! Response level of an incident from its figures (Beijing relief plan 2024, seed
//! 002 §5.2): any one criterion reaching a level raises the incident to it. Lower
//! bounds inclusive, upper bounds exclusive.

use serde::{Deserialize, Serialize};

use crate::scenario::Incident as IncidentFigures;

/// Response level, I the highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    /// Level IV.
    IV,
    /// Level III.
    III,
    /// Level II.
    II,
    /// Level I.
    I,
}

impl Level {
    /// Roman numeral as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::IV => "IV",
            Level::III => "III",
            Level::II => "II",
            Level::I => "I",
        }
    }
}

/// Lower bounds for IV, III, II, I of each criterion (SPEC §1 table).
const RELOCATED: [u64; 4] = [10_000, 50_000, 100_000, 500_000];
const DEAD_MISSING: [u64; 4] = [5, 10, 20, 50];
const ROOMS: [u64; 4] = [2_000, 5_000, 10_000, 100_000];
const HOUSEHOLDS: [u64; 4] = [700, 1_500, 3_000, 30_000];
const LEVELS: [Level; 4] = [Level::IV, Level::III, Level::II, Level::I];

/// The level an incident reaches and the rule that raised it, or `None` below
/// Level IV.
pub fn response_level(f: &IncidentFigures) -> Option<(Level, String)> {
    let rules: [(&str, u64, [u64; 4]); 4] = [
        ("people relocated / needing relief", f.relocated, RELOCATED),
        ("dead and missing", f.dead_missing, DEAD_MISSING),
        ("collapsed or badly damaged rooms", f.collapsed_rooms, ROOMS),
        (
            "collapsed or badly damaged households",
            f.collapsed_households,
            HOUSEHOLDS,
        ),
    ];
    let mut best: Option<(Level, String)> = None;
    for (what, value, bounds) in rules {
        let Some(k) = bounds.iter().rposition(|&b| value >= b) else {
            continue;
        };
        let level = LEVELS[k];
        if best.as_ref().is_none_or(|(l, _)| level > *l) {
            best = Some((
                level,
                format!(
                    "{what}: {value} ≥ {} (Level {} threshold)",
                    bounds[k],
                    level.as_str()
                ),
            ));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(f: IncidentFigures) -> Option<Level> {
        response_level(&f).map(|x| x.0)
    }

    #[test]
    fn thresholds_follow_the_spec_table_with_inclusive_lower_bounds() {
        let rel = |relocated| IncidentFigures {
            relocated,
            ..Default::default()
        };
        assert_eq!(level(rel(9_999)), None);
        assert_eq!(level(rel(10_000)), Some(Level::IV));
        assert_eq!(level(rel(49_999)), Some(Level::IV));
        assert_eq!(level(rel(50_000)), Some(Level::III));
        assert_eq!(level(rel(100_000)), Some(Level::II));
        assert_eq!(level(rel(499_999)), Some(Level::II));
        assert_eq!(level(rel(500_000)), Some(Level::I));
    }

    #[test]
    fn any_one_criterion_raises_the_level_and_is_named() {
        let f = IncidentFigures {
            relocated: 11_100,
            dead_missing: 20,
            collapsed_rooms: 0,
            collapsed_households: 800,
        };
        let (l, why) = response_level(&f).unwrap();
        assert_eq!(l, Level::II);
        assert!(
            why.contains("dead and missing") && why.contains("20 ≥ 20"),
            "{why}"
        );
        let h = IncidentFigures {
            collapsed_households: 30_000,
            ..Default::default()
        };
        assert_eq!(level(h), Some(Level::I));
    }
}
