//! The planner's one entry: [`plan_with_bounds`]. `reliefflow plan`, the
//! service's drafts and re-plans, the audit's what-ifs and the siting's layouts
//! all call it, so a draft *is* `reliefflow plan` at the same effort by
//! construction; what differs between them is only the [`PlanOptions`] they
//! pass.

use super::keep::{self, Planned};
use super::{binding, bound, demand, kpi, plan_with_effort, Effort, Plan, PlanError, Prepared};
use crate::scenario::Scenario;

/// Which upper bounds ([`bound::bounds`]) a plan gets, and how their
/// multipliers are steered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BoundsBy {
    /// None (what-if sweeps: the audit, the siting), findings unpriced.
    Skip,
    /// Steered by the plan's own delivered kg, computed after it (`reliefflow
    /// plan`, a fresh draft).
    Plan,
    /// Steered by these delivered kg (first batch, relief), computed beside the
    /// plan on a second thread (a re-plan: what the replaced plan delivered).
    Target {
        /// First-batch kg delivered.
        first_kg: f64,
        /// Relief kg delivered.
        relief_kg: f64,
    },
}

/// How [`plan_with_bounds`] plans.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOptions {
    /// How hard the planner searches when trucks are scarce.
    pub effort: Effort,
    /// The upper bounds.
    pub bounds: BoundsBy,
    /// Trips of a replaced plan not yet gone: kept where they still work
    /// ([`keep::keep`]), with their numbers, and the rest planned around them.
    pub keep: Vec<Planned>,
    /// New trips are numbered after this (the highest trip number the incident
    /// has booked; 0 for a plan of its own).
    pub number_after: usize,
}

impl PlanOptions {
    /// What `reliefflow plan` does: full effort, bounds steered by the plan.
    pub fn full() -> PlanOptions {
        PlanOptions {
            effort: Effort::Full,
            bounds: BoundsBy::Plan,
            keep: Vec::new(),
            number_after: 0,
        }
    }

    /// Full effort without the bounds (the audit's base plan; tests of the
    /// plan alone).
    pub fn without_bounds() -> PlanOptions {
        PlanOptions {
            bounds: BoundsBy::Skip,
            ..PlanOptions::full()
        }
    }

    /// One what-if of a sweep (audit, siting): a sixteenth of the search, no
    /// bounds.
    pub fn sweep() -> PlanOptions {
        PlanOptions {
            effort: Effort::Sweep,
            bounds: BoundsBy::Skip,
            keep: Vec::new(),
            number_after: 0,
        }
    }
}

/// Plans `scenario` with matrices `prep` already computed for its sites and
/// roads ([`super::prepare`]), as `options` say: keeps what still works of the
/// trips to keep, plans the rest around them, numbers the new trips after
/// `options.number_after`, and adds the upper bounds with the findings priced
/// by their dual values.
///
/// The first attempt allocates fleet-blind; while its schedule leaves loads
/// without a truck, further attempts cap what each warehouse's fleet is given
/// ([`super::fleet::FleetCaps`]) and chain tours with no detour limit but the
/// deadline. The best attempt ([`super::fleet::Score`]) is the plan.
pub fn plan_with_bounds(
    scenario: &Scenario,
    prep: &Prepared,
    options: &PlanOptions,
) -> Result<Plan, PlanError> {
    let kept = (!options.keep.is_empty())
        .then(|| keep::keep(scenario, prep, options.keep.clone()))
        .filter(|k| !k.trips.is_empty());
    // Kept trips' loads out of stock, their lines as sent, their trucks busy;
    // nothing is kept when stock no longer holds their loads.
    let rest = kept
        .as_ref()
        .and_then(|k| keep::without(scenario, k).map(|sc| (sc, k.clone())));
    let plan_it = || -> Result<Plan, PlanError> {
        let sc = rest.as_ref().map_or(scenario, |(sc, _)| sc);
        let mut p = plan_with_effort(sc, prep, options.effort)?;
        for t in &mut p.trips {
            t.id += options.number_after;
        }
        if let Some((_, k)) = rest {
            keep::merge(&mut p, k);
        }
        Ok(p)
    };
    match options.bounds {
        BoundsBy::Skip => plan_it(),
        BoundsBy::Plan => {
            let mut p = plan_it()?;
            let k = kpi::compute(scenario, &p);
            let b = bound::bounds(scenario, &prep.travel, &p.demand, (k.first_kg, k.relief_kg))
                .map_err(PlanError::Solver)?;
            price(&mut p, b, scenario);
            Ok(p)
        }
        BoundsBy::Target {
            first_kg,
            relief_kg,
        } => {
            let demand = demand::of_scenario(scenario);
            let (p, b) = rayon::join(plan_it, || {
                bound::bounds(scenario, &prep.travel, &demand, (first_kg, relief_kg))
            });
            let mut p = p?;
            price(&mut p, b.map_err(PlanError::Solver)?, scenario);
            Ok(p)
        }
    }
}

/// Gives `plan` its bounds and prices its findings with them.
fn price(plan: &mut Plan, bounds: bound::Bounds, scenario: &Scenario) {
    plan.bounds = bounds;
    plan.findings = binding::findings(plan, &scenario.catalogue);
}

/// Trips of `plan` kept from a replaced plan ([`PlanOptions::keep`]): those
/// numbered at most `number_after`, since new trips are numbered after it.
pub fn kept_count(plan: &Plan, number_after: usize) -> usize {
    plan.trips.iter().filter(|t| t.id <= number_after).count()
}
