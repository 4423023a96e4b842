//! Facility location on plain numbers: which candidate sites to open, given travel
//! times from every site to every demand point in many (equally likely) disruption
//! scenarios.
//!
//! Sites `0..fixed` are already open (today's warehouses); the rest are candidates.
//! Times are stored as `u16` tenths of a minute ([`TimeMatrix`]) so a thousand
//! scenarios of 75 sites × 600 shelters fit in 90 MB.
//!
//! - [`Objective`]: maximal covering (MCLP, as "uncovered persons" to minimise) and
//!   p-median (persons × minutes, unreachable points charged a penalty time).
//! - [`heuristic`]: greedy + swap local search over the expected loss, parallel.
//! - [`bound`]: Lagrangian bounds, so every heuristic answer carries its gap.
//! - [`mip`]: the exact MIP models (MCLP, LSCP, p-median, capacitated MCLP) through
//!   [`crate::lp::LinearModel`], for small instances and cross-checks.
//! - [`capacitated`]: coverage when each site can supply a limited number of
//!   persons, evaluated as a min-cost flow with our network simplex.

pub mod bound;
pub mod capacitated;
pub mod heuristic;
pub mod mip;

use rayon::prelude::*;

/// Time cell meaning "no route" (the site cannot reach the point in this scenario).
pub const UNREACHABLE: u16 = u16::MAX;

/// Converts hours to the matrix unit (tenths of a minute), saturating below
/// [`UNREACHABLE`]; `None` (no route) becomes [`UNREACHABLE`].
pub fn to_units(hours: Option<f64>) -> u16 {
    match hours {
        Some(h) if h.is_finite() && h >= 0.0 => {
            (h * 600.0).round().min(f64::from(UNREACHABLE - 1)) as u16
        }
        _ => UNREACHABLE,
    }
}

/// Converts matrix units (tenths of a minute) to hours.
pub fn to_hours(units: u16) -> f64 {
    f64::from(units) / 600.0
}

/// Travel times from every site to every demand point in one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeMatrix {
    /// Number of demand points (row length).
    pub points: usize,
    /// `[site * points + point]`, tenths of a minute; [`UNREACHABLE`] = no route.
    pub times: Vec<u16>,
}

impl TimeMatrix {
    /// The times from `site` to every point.
    #[inline]
    pub fn row(&self, site: usize) -> &[u16] {
        &self.times[site * self.points..(site + 1) * self.points]
    }

    /// Number of sites (rows).
    pub fn sites(&self) -> usize {
        self.times.len().checked_div(self.points).unwrap_or(0)
    }
}

/// A siting instance.
#[derive(Debug, Clone, PartialEq)]
pub struct SitingInstance {
    /// Persons at each demand point.
    pub weights: Vec<f64>,
    /// Sites `0..fixed` are open whatever the layout (existing warehouses).
    pub fixed: usize,
    /// Persons each site can supply by the deadline (capacitated variant only).
    pub capacity: Vec<f64>,
    /// One matrix per disruption scenario; all equally likely.
    pub scenarios: Vec<TimeMatrix>,
}

/// Invalid instance data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SitingError {
    /// A matrix does not have `sites × points` cells.
    #[error(
        "scenario {scenario}: matrix has {cells} cells, expected {sites} sites × {points} points"
    )]
    Shape {
        /// Scenario index.
        scenario: usize,
        /// Cells found.
        cells: usize,
        /// Sites expected.
        sites: usize,
        /// Points expected.
        points: usize,
    },
    /// No scenario was given.
    #[error("no scenario: give at least the undisrupted matrix")]
    NoScenario,
    /// A weight or capacity is negative or not finite.
    #[error("{what} {index} is {value}; expected a finite number ≥ 0")]
    BadNumber {
        /// "weight" or "capacity".
        what: &'static str,
        /// Index.
        index: usize,
        /// Value.
        value: f64,
    },
    /// More sites asked for than there are candidates.
    #[error("asked to open {k} sites but there are only {candidates} candidates")]
    TooMany {
        /// Sites asked for.
        k: usize,
        /// Candidates available.
        candidates: usize,
    },
}

impl SitingInstance {
    /// Number of sites (fixed + candidates).
    pub fn sites(&self) -> usize {
        self.capacity.len()
    }

    /// Number of demand points.
    pub fn points(&self) -> usize {
        self.weights.len()
    }

    /// Candidate site indices.
    pub fn candidates(&self) -> std::ops::Range<usize> {
        self.fixed..self.sites()
    }

    /// Checks shapes and numbers, and that `k` candidates exist.
    pub fn validate(&self, k: usize) -> Result<(), SitingError> {
        if self.scenarios.is_empty() {
            return Err(SitingError::NoScenario);
        }
        for (what, xs) in [("weight", &self.weights), ("capacity", &self.capacity)] {
            if let Some((index, &value)) = xs
                .iter()
                .enumerate()
                .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
            {
                return Err(SitingError::BadNumber { what, index, value });
            }
        }
        for (scenario, m) in self.scenarios.iter().enumerate() {
            if m.points != self.points() || m.times.len() != self.sites() * self.points() {
                return Err(SitingError::Shape {
                    scenario,
                    cells: m.times.len(),
                    sites: self.sites(),
                    points: self.points(),
                });
            }
        }
        let candidates = self.candidates().len();
        if k > candidates {
            return Err(SitingError::TooMany { k, candidates });
        }
        Ok(())
    }

    /// Total persons.
    pub fn total_weight(&self) -> f64 {
        self.weights.iter().sum()
    }

    /// Best time to each point from `open` sites (fixed sites always included).
    pub fn best_times(&self, scenario: usize, open: &[usize]) -> Vec<u16> {
        let m = &self.scenarios[scenario];
        let mut best = vec![UNREACHABLE; self.points()];
        for s in (0..self.fixed).chain(open.iter().copied()) {
            for (b, &t) in best.iter_mut().zip(m.row(s)) {
                *b = (*b).min(t);
            }
        }
        best
    }

    /// Loss of a layout in each scenario (same order as `scenarios`), in parallel.
    pub fn evaluate(&self, objective: Objective, open: &[usize]) -> Vec<f64> {
        (0..self.scenarios.len())
            .into_par_iter()
            .map(|s| objective.total_loss(&self.weights, &self.best_times(s, open)))
            .collect()
    }
}

/// What a layout is judged by, as a loss to minimise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Objective {
    /// Maximal covering: loss = persons whose best time exceeds `deadline`
    /// (tenths of a minute). Also the set-covering test.
    Coverage {
        /// Deadline, tenths of a minute.
        deadline: u16,
    },
    /// p-median: loss = persons × tenths of a minute to the nearest open site; a
    /// point no open site reaches (or reaches later than `penalty`) costs `penalty`.
    Median {
        /// Time charged for an unreachable point, tenths of a minute.
        penalty: u16,
    },
}

impl Objective {
    /// Loss of one point of `weight` persons whose best time is `t`.
    #[inline]
    pub fn loss(self, weight: f64, t: u16) -> f64 {
        match self {
            Self::Coverage { deadline } => {
                if t <= deadline {
                    0.0
                } else {
                    weight
                }
            }
            Self::Median { penalty } => weight * f64::from(t.min(penalty)),
        }
    }

    /// Sum of [`Self::loss`] over points.
    pub fn total_loss(self, weights: &[f64], best: &[u16]) -> f64 {
        weights
            .iter()
            .zip(best)
            .map(|(&w, &t)| self.loss(w, t))
            .sum()
    }
}

/// A set of opened candidates and its expected loss.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Opened candidate site indices, in the order the heuristic chose them.
    pub open: Vec<usize>,
    /// Mean loss over scenarios.
    pub loss: f64,
}

/// Mean of a slice (0 for empty).
pub(crate) fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

#[cfg(test)]
pub(crate) mod testkit {
    use super::*;

    /// A random instance: `sites` sites of which `fixed` open, `points` points, `scen`
    /// scenarios; some cells unreachable.
    pub fn random(
        seed: u64,
        fixed: usize,
        sites: usize,
        points: usize,
        scen: usize,
    ) -> SitingInstance {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let weights = (0..points).map(|_| (next() % 50 + 1) as f64).collect();
        let capacity = (0..sites).map(|_| (next() % 200 + 20) as f64).collect();
        let scenarios = (0..scen)
            .map(|_| TimeMatrix {
                points,
                times: (0..sites * points)
                    .map(|_| {
                        if next() % 10 == 0 {
                            UNREACHABLE
                        } else {
                            (next() % 600) as u16
                        }
                    })
                    .collect(),
            })
            .collect();
        SitingInstance {
            weights,
            fixed,
            capacity,
            scenarios,
        }
    }
}
