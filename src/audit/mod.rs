//! The coverage audit: the figures an auditor signs, computed by planning.
//!
//! From one scenario (today's stock, fleet, roads and shelters) it computes time
//! coverage per city and district (first batch by the first deadline, full relief by
//! 10 h and 12 h) and the coverage-vs-deadline curve; stock against the 1.2 % / 1 %
//! norms and two synthetic concurrent Level-I events and one Level-II per district
//! (worst placement of a sweep); shelter space per resident; the incident's
//! response level; and single points of failure (each warehouse lost, each of the
//! busiest roads closed). Every plan behind a figure is a real plan; the what-ifs
//! run in parallel.

pub mod coverage;
pub mod level;
pub mod space;
pub mod spof;
pub mod stockpile;
pub mod whatif;

use std::collections::BTreeMap;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::network::RoadGraph;
use crate::plan::{plan_with_bounds, prepare, PlanError, PlanOptions};
use crate::progress::Progress;
use crate::scenario::events;
use crate::scenario::whatif::WhatIf;
use crate::scenario::{Scenario, Targets};
use coverage::{group_coverage, CoverageInput, CurvePoint, GroupCoverage};
use space::DistrictSpace;
use stockpile::{ItemStock, StockNorms, TierHolding};
use whatif::{evaluate, WhatIfResult};

/// Relief deadlines audited, hours (seeds 000/004: 10 h; seed 001: 12 h).
pub const RELIEF_DEADLINES_H: [f64; 2] = [10.0, 12.0];

/// How much the audit sweeps.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditOptions {
    /// Candidate epicentres for the two-Level-I sweep (all pairs are planned).
    pub epicentres: usize,
    /// Candidate epicentres per district for the Level-II sweep.
    pub district_epicentres: usize,
    /// Busiest roads closed one at a time.
    pub top_roads: usize,
    /// Deadlines of the coverage curve, hours.
    pub curve_h: Vec<f64>,
}

impl Default for AuditOptions {
    fn default() -> Self {
        Self {
            epicentres: 6,
            district_epicentres: 3,
            top_roads: 5,
            curve_h: (1..=24).map(f64::from).collect(),
        }
    }
}

/// The worst of a sweep of synthetic events.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepResult {
    /// What was swept.
    pub test: String,
    /// Placements planned.
    pub placements: usize,
    /// The worst placement (lowest relief share).
    pub worst: WhatIfResult,
    /// True when every placement was met from stock (no `no_stock` shortfall).
    pub passes: bool,
}

/// A road closed in a what-if, with the relief it carried in the base plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoadWhatIf {
    /// OSM way id.
    pub way_id: i64,
    /// Relief carried over it in the base plan, kg.
    pub carried_kg: f64,
    /// The plan without it.
    pub result: WhatIfResult,
}

/// Every figure of an audit.
#[derive(Debug, Clone, Serialize)]
pub struct Audit {
    /// Scenario name.
    pub scenario: String,
    /// First-batch deadline audited, hours.
    pub first_deadline_h: f64,
    /// Coverage: the city first, then each district.
    pub coverage: Vec<GroupCoverage>,
    /// Coverage against a common deadline for both phases.
    pub curve: Vec<CurvePoint>,
    /// Stock per item.
    pub stock_items: Vec<ItemStock>,
    /// Stock per warehouse tier.
    pub stock_tiers: Vec<TierHolding>,
    /// Stock against the 1.2 % and 1 % norms.
    pub stock_norms: StockNorms,
    /// Two concurrent Level-I events, worst placement.
    pub two_level_one: SweepResult,
    /// One Level-II event per district from the district's own stock, worst placement.
    pub district_level_two: Vec<SweepResult>,
    /// Shelter space per district.
    pub shelter_space: Vec<DistrictSpace>,
    /// Shelters inside hazard areas (excluded from places).
    pub shelters_in_hazard: Vec<String>,
    /// Response level of the scenario's incident and the rule that raised it.
    pub response_level: Option<(level::Level, String)>,
    /// Each warehouse lost.
    pub warehouse_lost: Vec<WhatIfResult>,
    /// Each of the busiest roads closed.
    pub road_closed: Vec<RoadWhatIf>,
    /// Earliest first-batch arrival per shelter in the base plan, hours.
    pub first_arrival_h: Vec<Option<f64>>,
    /// Data-quality findings.
    pub findings: Vec<String>,
    /// Plans computed.
    pub plans: usize,
    /// Wall time, seconds.
    pub seconds: f64,
}

fn worst(test: String, results: Vec<WhatIfResult>) -> Option<SweepResult> {
    let passes = results.iter().all(|r| r.stock_sufficient);
    let placements = results.len();
    results
        .into_iter()
        .min_by(|a, b| {
            a.relief_share
                .total_cmp(&b.relief_share)
                .then(a.first_share.total_cmp(&b.first_share))
        })
        .map(|worst| SweepResult {
            test,
            placements,
            worst,
            passes,
        })
}

/// Runs the audit of `scenario` on `graph`.
pub fn run_audit(
    scenario: &Scenario,
    graph: &RoadGraph,
    opts: &AuditOptions,
    progress: &dyn Progress,
) -> Result<Audit, PlanError> {
    let t0 = Instant::now();
    let prep = prepare(scenario, graph)?;
    // The base plan a duty officer would read, without its bounds.
    let base = plan_with_bounds(scenario, &prep, &PlanOptions::without_bounds())?;
    let first_h = scenario.targets.first_delivery_h;
    let targets = |relief_h: f64| Targets {
        first_delivery_h: first_h.min(relief_h),
        relief_h,
        ..scenario.targets
    };

    // Every what-if, tagged by the figure it feeds.
    enum Tag {
        Relief(usize),
        Curve(usize),
        TwoLevelOne,
        District(String),
        WarehouseLost,
        Road(i64, f64),
    }
    let mut jobs: Vec<(Tag, WhatIf)> = Vec::new();
    for (k, &h) in RELIEF_DEADLINES_H.iter().enumerate() {
        jobs.push((
            Tag::Relief(k),
            WhatIf {
                name: format!("relief due by {h} h"),
                targets: Some(targets(h)),
                ..Default::default()
            },
        ));
    }
    for (k, &h) in opts.curve_h.iter().enumerate() {
        jobs.push((
            Tag::Curve(k),
            WhatIf {
                name: format!("everything due by {h} h"),
                targets: Some(Targets {
                    first_delivery_h: h,
                    relief_h: h,
                    ..scenario.targets
                }),
                ..Default::default()
            },
        ));
    }
    for w in events::two_level_one(scenario, opts.epicentres) {
        jobs.push((Tag::TwoLevelOne, w));
    }
    for (d, ws) in events::district_level_two(scenario, opts.district_epicentres) {
        for w in ws {
            jobs.push((Tag::District(d.clone()), w));
        }
    }
    for (k, wh) in scenario.warehouses.iter().enumerate() {
        jobs.push((
            Tag::WarehouseLost,
            WhatIf {
                name: format!("warehouse {} lost", wh.id),
                lost_warehouses: vec![k],
                ..Default::default()
            },
        ));
    }
    for (way, kg) in spof::busiest_ways(scenario, graph, &base, opts.top_roads) {
        jobs.push((
            Tag::Road(way, kg),
            WhatIf {
                name: format!("way {way} closed"),
                closed_ways: vec![way],
                ..Default::default()
            },
        ));
    }
    progress.begin("plans", jobs.len() as u64);
    let results = jobs
        .par_iter()
        .map(|(_, w)| {
            let r = evaluate(scenario, graph, &prep, w);
            progress.step(1);
            r
        })
        .collect::<Result<Vec<_>, _>>()?;
    progress.end();

    let mut relief: [Option<coverage::ShelterShares>; 2] = [None, None];
    let mut curve = Vec::new();
    let mut two = Vec::new();
    let mut districts: BTreeMap<String, Vec<WhatIfResult>> = BTreeMap::new();
    let mut warehouse_lost = Vec::new();
    let mut road_closed = Vec::new();
    for ((tag, _), (r, shares)) in jobs.iter().zip(results) {
        match tag {
            Tag::Relief(k) => relief[*k] = Some(shares),
            Tag::Curve(k) => curve.push(CurvePoint {
                deadline_h: opts.curve_h[*k],
                first: r.first_share,
                relief: r.relief_share,
            }),
            Tag::TwoLevelOne => two.push(r),
            Tag::District(d) => districts.entry(d.clone()).or_default().push(r),
            Tag::WarehouseLost => warehouse_lost.push(r),
            Tag::Road(way, kg) => road_closed.push(RoadWhatIf {
                way_id: *way,
                carried_kg: *kg,
                result: r,
            }),
        }
    }
    let in_hazard: Vec<bool> = scenario
        .shelters
        .iter()
        .map(|s| {
            scenario
                .disruption
                .closed_areas
                .iter()
                .any(|a| a.contains([s.lon, s.lat]))
        })
        .collect();
    let [Some(by_10h), Some(by_12h)] = &relief else {
        unreachable!("both relief deadlines are planned")
    };
    let coverage = group_coverage(&CoverageInput {
        scenario,
        by_10h,
        by_12h,
        in_hazard: &in_hazard,
    });
    // A population table none of whose districts holds a shelter describes
    // another place: the norms are then unknown, never met by default.
    let residents = scenario.residents.as_ref();
    let matched = residents.is_some_and(|r| {
        scenario
            .shelters
            .iter()
            .any(|s| r.contains_key(&s.district))
    });
    let city_residents = residents
        .filter(|_| matched)
        .map(|r| r.values().sum::<u64>());
    let (stock_items, stock_tiers, stock_norms) =
        stockpile::stock_figures(scenario, city_residents);
    let shelter_space = space::district_space(scenario, &in_hazard);
    let mut findings = scenario.findings.clone();
    if residents.is_some() && !matched {
        findings.push(
            "the population table names no district of the shelters: the stock norms (1.2 % and 1 % of residents) are unknown"
                .to_string(),
        );
    }
    findings.extend(space::findings(scenario, &in_hazard));
    for it in &stock_items {
        if it.units == 0.0 {
            findings.push(format!("no warehouse holds any `{}`", it.item));
        }
    }
    let incident = crate::scenario::Incident {
        relocated: if scenario.incident.relocated > 0 {
            scenario.incident.relocated
        } else {
            coverage.first().map_or(0, |c| c.persons)
        },
        ..scenario.incident
    };
    let plans = 1 + jobs.len();
    Ok(Audit {
        scenario: scenario.name.clone(),
        first_deadline_h: first_h,
        coverage,
        curve,
        stock_items,
        stock_tiers,
        stock_norms,
        two_level_one: worst(
            format!(
                "two concurrent Level-I events ({} people each)",
                events::LEVEL_I_PEOPLE
            ),
            two,
        )
        .unwrap_or_else(|| SweepResult {
            test: "two concurrent Level-I events: no shelters to place them".into(),
            placements: 0,
            worst: WhatIfResult {
                name: String::new(),
                persons: 0,
                first_share: 0.0,
                relief_share: 0.0,
                shortfall_units: BTreeMap::new(),
                first_item_out: None,
                stock_sufficient: false,
            },
            passes: false,
        }),
        district_level_two: districts
            .into_iter()
            .filter_map(|(d, rs)| {
                worst(
                    format!(
                        "one Level-II event ({} people) in {d}",
                        events::LEVEL_II_PEOPLE
                    ),
                    rs,
                )
            })
            .collect(),
        shelter_space,
        shelters_in_hazard: scenario
            .shelters
            .iter()
            .zip(&in_hazard)
            .filter(|(_, &h)| h)
            .map(|(s, _)| s.id.clone())
            .collect(),
        response_level: level::response_level(&incident),
        warehouse_lost,
        road_closed,
        first_arrival_h: coverage::shelter_shares(scenario, &base).first_arrival_h,
        findings,
        plans,
        seconds: t0.elapsed().as_secs_f64(),
    })
}
