//! Siting chosen by the dispatch planner: the covering models see "one direct
//! trip by the deadline", which in a compact city almost every layout achieves;
//! what binds is how much the fleet carries in time. Here layouts are judged by
//! what [`super::judge`] plans with them.
//!
//! 1. **Screen** every candidate with a surrogate that sees fleet throughput
//!    ([`super::throughput`]: a flow with each site's trucks × trips × trip kg
//!    by the deadline as its capacity) for today's layout plus that candidate,
//!    on the screening scenarios' roads: relief by 10 h, then the first batch
//!    by 6 h; the
//!    best `shortlist` ones, with the covering (MCLP) layout's, go on.
//! 2. **Greedy + swap** over the shortlist, each layout planned on the first
//!    `screen` damage scenarios (the scenario as given, then the epicentres
//!    spread over the shelters): the best mean relief by 10 h (then first batch
//!    by 6 h) wins each step (all of a step's layouts in one request to the
//!    fan-out); then every swap of an open site for a shortlisted one, the best
//!    kept if it improves, for at most two passes.
//! 3. **Judge** today's layout, the covering layout and the chosen one on every
//!    damage scenario: mean, 10th percentile, worst; per district; the worst
//!    scenarios named; and the stock the chosen sites shipped.
//!
//! The surrogate's error against the planner (relief by 10 h, kg share, mean over
//! the screening scenarios) is reported over every layout the planner judged.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::damage::DamageScenario;
use super::fanout::{Fanout, FanoutError, ScenarioOutcome};
use super::judge::{layout_scenario, DamagePrep, Judged};
use crate::facility::Candidate;
use crate::progress::Progress;
use crate::scenario::Scenario;

/// What planner-judged siting needs besides the scenario.
pub struct PlannerInput<'a> {
    /// Usable candidates.
    pub candidates: &'a [Candidate],
    /// Damage scenarios of the final judgement (scenario 0 = as given).
    pub scenarios: usize,
    /// Sites to open.
    pub k: usize,
    /// Damage scenarios the search plans on (the first ones), prepared (the
    /// surrogate runs on their tables).
    pub screening: &'a [DamagePrep],
    /// Candidates the search considers.
    pub shortlist: usize,
    /// The covering (MCLP) layout, candidate indices.
    pub covering: Vec<usize>,
}

/// Mean, 10th percentile and worst of each measure over damage scenarios.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spread {
    /// Means.
    pub mean: Judged,
    /// 10th percentiles (one scenario in ten is worse).
    pub p10: Judged,
    /// Minima.
    pub worst: Judged,
}

/// One layout judged by the planner on every damage scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannerLayout {
    /// `today`, `covering` (the MCLP layout) or `planner`.
    pub name: String,
    /// Candidate ids opened.
    pub open_ids: Vec<String>,
    /// The measures over every damage scenario.
    pub spread: Spread,
    /// The surrogate's relief share by 10 h (kg, mean over the screening
    /// scenarios).
    pub surrogate_relief: f64,
    /// The damage scenario where relief by 10 h is lowest.
    pub worst_scenario: usize,
}

/// Relief by 10 h in one district, today and with the chosen layout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictJudged {
    /// District name (`shelters.csv`).
    pub district: String,
    /// Persons in its shelters.
    pub persons: f64,
    /// Mean over damage scenarios of the person-weighted relief share by 10 h,
    /// today.
    pub today_relief_early: f64,
    /// The same with the chosen layout.
    pub planner_relief_early: f64,
    /// Mean first-batch share by 6 h, today.
    pub today_first: f64,
    /// The same with the chosen layout.
    pub planner_first: f64,
}

/// A damage scenario among the worst for the chosen layout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorstScenario {
    /// What the damage was.
    pub damage: DamageScenario,
    /// Relief by 10 h today.
    pub today_relief_early: f64,
    /// Relief by 10 h with the chosen layout.
    pub planner_relief_early: f64,
}

/// Units a chosen site shipped per item over the damage scenarios: what it
/// should hold for those deliveries to happen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteStock {
    /// Candidate id.
    pub site: String,
    /// Item.
    pub item: String,
    /// Units it was given (its stock budget).
    pub stocked: f64,
    /// Mean units shipped.
    pub shipped_mean: f64,
    /// Most units shipped in any damage scenario.
    pub shipped_max: f64,
}

/// The result of planner-judged siting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannerSiting {
    /// Damage scenarios of the search.
    pub screen_scenarios: usize,
    /// Damage scenarios of the final judgement.
    pub scenarios: usize,
    /// Candidates the search considered, best surrogate first.
    pub shortlist: Vec<String>,
    /// Layouts the search planned (each on every screening scenario).
    pub layouts_searched: usize,
    /// Plans made in all.
    pub plans: usize,
    /// Wall time of the planner's work per plan, seconds (plans run side by
    /// side: this is the machine's or the cluster's throughput, not a plan's
    /// latency).
    pub seconds_per_plan: f64,
    /// Today, the covering layout and the chosen one.
    pub layouts: Vec<PlannerLayout>,
    /// Mean absolute error of the surrogate against the planner (relief share
    /// by 10 h, kg, mean over the screening scenarios) over the layouts searched.
    pub surrogate_mae: f64,
    /// Largest such error.
    pub surrogate_max_error: f64,
    /// Per district.
    pub districts: Vec<DistrictJudged>,
    /// The three damage scenarios where the chosen layout does worst.
    pub worst: Vec<WorstScenario>,
    /// What the chosen sites shipped.
    pub stock: Vec<SiteStock>,
    /// Wall time of the search and of the final judgement, seconds.
    pub search_s: f64,
    /// Wall time of the final judgement, seconds.
    pub judge_s: f64,
}

/// A layout the search planned: its score and what each screening scenario gave.
type Searched = ((f64, f64), Vec<Judged>);

/// Score of a layout in the search: mean relief by 10 h, then first batch.
fn score(j: &[Judged]) -> (f64, f64) {
    let n = j.len().max(1) as f64;
    (
        j.iter().map(|x| x.relief_early).sum::<f64>() / n,
        j.iter().map(|x| x.first).sum::<f64>() / n,
    )
}

fn better(a: (f64, f64), b: (f64, f64)) -> bool {
    a.0 > b.0 + 1e-9 || ((a.0 - b.0).abs() <= 1e-9 && a.1 > b.1 + 1e-9)
}

/// Surrogate of layout `open` ([`super::throughput::carried_kg`]): the relief
/// share by 10 h and the first-batch share by the first deadline (kg), means
/// over the screening scenarios `preps`.
fn surrogate(
    sc: &Scenario,
    inp: &PlannerInput<'_>,
    preps: &[DamagePrep],
    open: &[usize],
) -> (f64, f64) {
    let nw = sc.warehouses.len();
    let layout = layout_scenario(sc, inp.candidates, open);
    let rows = super::judge::layout_rows(nw, open);
    let demand = crate::plan::demand::of_scenario(&layout);
    let ni = sc.catalogue.items.len();
    let kg = |k: usize| sc.catalogue.items[k % ni].kg_per_unit;
    let per_shelter = |f: &dyn Fn(usize) -> f64| -> Vec<f64> {
        (0..sc.shelters.len())
            .map(|s| (0..ni).map(|i| f(s * ni + i) * kg(i)).sum())
            .collect()
    };
    let first = per_shelter(&|k| demand.first[k] as f64);
    let all = per_shelter(&|k| (demand.first[k] + demand.relief[k]) as f64);
    let early_h = super::judge::RELIEF_EARLY_H.min(sc.targets.relief_h);
    let share = |got: f64, need: &[f64]| {
        let need: f64 = need.iter().sum();
        if need > 0.0 {
            (got / need).min(1.0)
        } else {
            1.0
        }
    };
    let n = preps.len().max(1) as f64;
    let mut acc = (0.0, 0.0);
    for d in preps {
        let travel = d.all.travel.select_warehouses(&rows);
        let carried =
            |need: &[f64], h: f64| super::throughput::carried_kg(&layout, &travel, need, h);
        acc.0 += share(carried(&all, early_h), &all) / n;
        acc.1 += share(carried(&first, sc.targets.first_delivery_h), &first) / n;
    }
    acc
}

/// Runs the planner-judged siting, its plans made by `fanout`.
pub fn run(
    sc: &Scenario,
    inp: &PlannerInput<'_>,
    fanout: &dyn Fanout,
    progress: &dyn Progress,
) -> Result<PlannerSiting, FanoutError> {
    let t0 = Instant::now();
    let preps = inp.screening;
    let screen: Vec<usize> = (0..preps.len()).collect();
    let nc = inp.candidates.len();
    let k = inp.k.min(nc);
    // 1. Surrogate screen.
    progress.begin("surrogate", nc as u64);
    let alone: Vec<(f64, f64)> = (0..nc)
        .into_par_iter()
        .map(|c| {
            let v = surrogate(sc, inp, preps, &[c]);
            progress.step(1);
            v
        })
        .collect();
    progress.end();
    tracing::debug!(?alone, "surrogate of each candidate alone");
    let mut order: Vec<usize> = (0..nc).collect();
    order.sort_by(|&a, &b| {
        (alone[b].0.total_cmp(&alone[a].0))
            .then(alone[b].1.total_cmp(&alone[a].1))
            .then(a.cmp(&b))
    });
    let mut shortlist: Vec<usize> = order.iter().copied().take(inp.shortlist).collect();
    for &c in &inp.covering {
        if !shortlist.contains(&c) {
            shortlist.push(c);
        }
    }
    // 2. Greedy + swap, each batch of layouts planned on the screening scenarios.
    let mut seen: HashMap<Vec<usize>, Searched> = HashMap::new();
    let (mut plans, t_search) = (0usize, Instant::now());
    let mut evaluate = |layouts: Vec<Vec<usize>>| -> Result<Vec<(f64, f64)>, FanoutError> {
        let keys: Vec<Vec<usize>> = layouts
            .into_iter()
            .map(|mut l| {
                l.sort_unstable();
                l
            })
            .collect();
        let mut new: Vec<Vec<usize>> = keys
            .iter()
            .filter(|l| !seen.contains_key(*l))
            .cloned()
            .collect();
        new.sort_unstable();
        new.dedup();
        if !new.is_empty() {
            let outcomes = fanout.judge(&new, &screen, false)?;
            plans += new.len() * screen.len();
            for (li, l) in new.into_iter().enumerate() {
                let js: Vec<Judged> = outcomes.iter().map(|o| o.judged[li]).collect();
                seen.insert(l, (score(&js), js));
            }
        }
        Ok(keys.iter().map(|l| seen[l].0).collect())
    };
    progress.begin("layout steps planned", (k + 2) as u64);
    let mut open: Vec<usize> = Vec::new();
    for _ in 0..k {
        let choices: Vec<usize> = shortlist
            .iter()
            .copied()
            .filter(|c| !open.contains(c))
            .collect();
        let layouts: Vec<Vec<usize>> = choices
            .iter()
            .map(|&c| {
                let mut l = open.clone();
                l.push(c);
                l
            })
            .collect();
        let scores = evaluate(layouts)?;
        progress.step(1);
        let mut best: Option<(usize, (f64, f64))> = None;
        for (&c, &s) in choices.iter().zip(&scores) {
            if best.is_none_or(|b| better(s, b.1)) {
                best = Some((c, s));
            }
        }
        if let Some((c, _)) = best {
            open.push(c);
        }
    }
    let mut current = evaluate(vec![open.clone()])?[0];
    for _pass in 0..2 {
        // Every swap of an open site for a shortlisted one, the best kept.
        let swaps: Vec<Vec<usize>> = (0..open.len())
            .flat_map(|pos| {
                let open = &open;
                shortlist
                    .iter()
                    .filter(move |c| !open.contains(c))
                    .map(move |&c| {
                        let mut l = open.clone();
                        l[pos] = c;
                        l
                    })
            })
            .collect();
        let scores = evaluate(swaps.clone())?;
        progress.step(1);
        let mut best: Option<(usize, (f64, f64))> = None;
        for (i, &s) in scores.iter().enumerate() {
            if better(s, best.map_or(current, |b| b.1)) {
                best = Some((i, s));
            }
        }
        match best {
            Some((i, s)) => (open, current) = (swaps[i].clone(), s),
            None => break,
        }
    }
    progress.end();
    open.sort_unstable();
    let layouts_searched = seen.len();
    let search_plan_s = t_search.elapsed().as_secs_f64();
    // Surrogate error over the layouts searched.
    let errors: Vec<f64> = seen
        .par_iter()
        .map(|(l, (_, js))| {
            let planner = js.iter().map(|j| j.relief_early_kg).sum::<f64>() / js.len() as f64;
            (surrogate(sc, inp, preps, l).0 - planner).abs()
        })
        .filter(|e| e.is_finite())
        .collect();
    let search_s = t0.elapsed().as_secs_f64();
    // 3. Judge today, covering and chosen on every damage scenario.
    let t1 = Instant::now();
    let mut covering = inp.covering.clone();
    covering.sort_unstable();
    let named: Vec<(&str, Vec<usize>)> = vec![
        ("today", Vec::new()),
        ("covering", covering),
        ("planner", open.clone()),
    ];
    let layouts: Vec<Vec<usize>> = named.iter().map(|n| n.1.clone()).collect();
    let all: Vec<usize> = (0..inp.scenarios).collect();
    progress.begin("damage scenarios judged", 0);
    let per = fanout.judge(&layouts, &all, true)?;
    progress.end();
    plans += all.len() * named.len();
    let judge_s = t1.elapsed().as_secs_f64();
    let surrogates: Vec<f64> = named
        .par_iter()
        .map(|(_, l)| surrogate(sc, inp, preps, l).0)
        .collect();
    let out = summarise(sc, inp, &named, &per, &surrogates);
    Ok(PlannerSiting {
        screen_scenarios: screen.len(),
        scenarios: all.len(),
        shortlist: shortlist
            .iter()
            .map(|&c| inp.candidates[c].id.clone())
            .collect(),
        layouts_searched,
        plans,
        seconds_per_plan: (search_plan_s + judge_s) / plans.max(1) as f64,
        surrogate_mae: errors.iter().sum::<f64>() / errors.len().max(1) as f64,
        surrogate_max_error: errors.iter().copied().fold(0.0, f64::max),
        search_s,
        judge_s,
        layouts: out.layouts,
        districts: out.districts,
        worst: out.worst,
        stock: out.stock,
    })
}

/// What the final judgement says, layout by layout and beyond.
struct Summary {
    layouts: Vec<PlannerLayout>,
    districts: Vec<DistrictJudged>,
    worst: Vec<WorstScenario>,
    stock: Vec<SiteStock>,
}

fn spread(v: &[Judged]) -> Spread {
    let pick = |f: &dyn Fn(&Judged) -> f64| {
        let mut x: Vec<f64> = v.iter().map(f).collect();
        x.sort_by(f64::total_cmp);
        let mean = x.iter().sum::<f64>() / x.len().max(1) as f64;
        let p10 = x
            .get((x.len().saturating_sub(1)) / 10)
            .copied()
            .unwrap_or(0.0);
        (mean, p10, x.first().copied().unwrap_or(0.0))
    };
    let fields: [&dyn Fn(&Judged) -> f64; 5] = [
        &|j| j.first,
        &|j| j.relief_early,
        &|j| j.relief,
        &|j| j.priority_first,
        &|j| j.relief_early_kg,
    ];
    let vals: Vec<(f64, f64, f64)> = fields.iter().map(|f| pick(*f)).collect();
    let make = |g: &dyn Fn(&(f64, f64, f64)) -> f64| Judged {
        first: g(&vals[0]),
        relief_early: g(&vals[1]),
        relief: g(&vals[2]),
        priority_first: g(&vals[3]),
        relief_early_kg: g(&vals[4]),
    };
    Spread {
        mean: make(&|t| t.0),
        p10: make(&|t| t.1),
        worst: make(&|t| t.2),
    }
}

fn summarise(
    sc: &Scenario,
    inp: &PlannerInput<'_>,
    named: &[(&str, Vec<usize>)],
    per: &[ScenarioOutcome],
    surrogates: &[f64],
) -> Summary {
    let n = per.len().max(1) as f64;
    let layouts = named
        .iter()
        .enumerate()
        .map(|(li, (name, open))| {
            let js: Vec<Judged> = per.iter().map(|p| p.judged[li]).collect();
            let worst_scenario = (0..per.len())
                .min_by(|&a, &b| js[a].relief_early.total_cmp(&js[b].relief_early))
                .map_or(0, |i| per[i].damage.index);
            PlannerLayout {
                name: name.to_string(),
                open_ids: open.iter().map(|&c| inp.candidates[c].id.clone()).collect(),
                spread: spread(&js),
                surrogate_relief: surrogates[li],
                worst_scenario,
            }
        })
        .collect();
    let last = named.len() - 1;
    let mut districts: BTreeMap<&str, [f64; 5]> = BTreeMap::new();
    for (s, sh) in sc.shelters.iter().enumerate() {
        let w = f64::from(sh.headcount);
        let e = districts.entry(sh.district.as_str()).or_default();
        e[0] += w;
        for p in per {
            e[1] += w * p.shelters[0][s].1 / n;
            e[2] += w * p.shelters[last][s].1 / n;
            e[3] += w * p.shelters[0][s].0 / n;
            e[4] += w * p.shelters[last][s].0 / n;
        }
    }
    let districts = districts
        .into_iter()
        .map(|(d, e)| {
            let r = |x: f64| if e[0] > 0.0 { x / e[0] } else { 1.0 };
            DistrictJudged {
                district: d.to_string(),
                persons: e[0],
                today_relief_early: r(e[1]),
                planner_relief_early: r(e[2]),
                today_first: r(e[3]),
                planner_first: r(e[4]),
            }
        })
        .collect();
    let mut worst: Vec<&ScenarioOutcome> = per.iter().collect();
    worst.sort_by(|a, b| {
        a.judged[last]
            .relief_early
            .total_cmp(&b.judged[last].relief_early)
            .then(a.damage.index.cmp(&b.damage.index))
    });
    let worst = worst
        .into_iter()
        .take(3)
        .map(|p| WorstScenario {
            damage: p.damage.clone(),
            today_relief_early: p.judged[0].relief_early,
            planner_relief_early: p.judged[last].relief_early,
        })
        .collect();
    let open = &named[last].1;
    let mut stock = Vec::new();
    for (k, &c) in open.iter().enumerate() {
        let stocked = super::judge::candidate_stock(sc, &inp.candidates[c]);
        for (i, item) in sc.catalogue.items.iter().enumerate() {
            let v: Vec<f64> = per.iter().map(|p| p.shipped[last][k][i]).collect();
            stock.push(SiteStock {
                site: inp.candidates[c].id.clone(),
                item: item.item.clone(),
                stocked: stocked[i],
                shipped_mean: v.iter().sum::<f64>() / n,
                shipped_max: v.iter().copied().fold(0.0, f64::max),
            });
        }
    }
    Summary {
        layouts,
        districts,
        worst,
        stock,
    }
}
